// Prints the size of what ships to the browser (JS + WebAssembly + CSS), raw, gzip and
// brotli, and fails when JS + WebAssembly exceed the budget (KB, brotli).
// Usage: node scripts/asset-size.mjs target/site/pkg 250
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const [dir, budgetKb] = [process.argv[2] ?? "target/site/pkg", Number(process.argv[3] ?? 250)];
const files = readdirSync(dir).filter((f) => /\.(js|wasm|css)$/.test(f));
let shipped = 0;
const kb = (n) => (n / 1024).toFixed(1).padStart(7) + " KB";
console.log("file".padEnd(44), "raw".padStart(10), "gzip".padStart(10), "brotli".padStart(10));
for (const f of files) {
  const data = readFileSync(join(dir, f));
  const gz = gzipSync(data, { level: 9 }).length;
  const br = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  if (/\.(js|wasm)$/.test(f)) shipped += br;
  console.log(f.padEnd(44), kb(data.length), kb(gz), kb(br));
}
console.log(`JS + WebAssembly, brotli: ${(shipped / 1024).toFixed(1)} KB (budget ${budgetKb} KB)`);
if (files.length === 0 || shipped / 1024 > budgetKb) {
  console.error(files.length === 0 ? "no built assets found" : "over budget");
  process.exit(1);
}
