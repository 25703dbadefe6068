// Prints the size of what ships to the browser (JS + WebAssembly + CSS), raw, gzip and
// brotli, per bundle: cargo-leptos's full one (every island) and one per group of islands
// (scripts/island-bundles.mjs). Fails when the full bundle's JS + WebAssembly exceed the
// whole-app budget, or a group bundle (what one page downloads) the per-page budget
// (KB, brotli). Usage: node scripts/asset-size.mjs target/site/pkg 140 105
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dir = process.argv[2] ?? "target/site/pkg";
const [wholeKb, pageKb] = [Number(process.argv[3] ?? 140), Number(process.argv[4] ?? 105)];
const files = readdirSync(dir).filter((f) => /\.(js|wasm|css)$/.test(f));
const kb = (n) => (n / 1024).toFixed(1).padStart(7) + " KB";
const bundles = new Map();
console.log("file".padEnd(48), "raw".padStart(10), "gzip".padStart(10), "brotli".padStart(10));
for (const f of files) {
  const data = readFileSync(join(dir, f));
  const gz = gzipSync(data, { level: 9 }).length;
  const br = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  if (/\.(js|wasm)$/.test(f)) {
    const bundle = f.split(".")[0];
    bundles.set(bundle, (bundles.get(bundle) ?? 0) + br);
  }
  console.log(f.padEnd(48), kb(data.length), kb(gz), kb(br));
}
let failed = bundles.size === 0 ? "no built assets found" : "";
for (const [bundle, size] of bundles) {
  const group = bundle.startsWith("islands-");
  const budget = group ? pageKb : wholeKb;
  const line = `${group ? "page bundle " : "whole app   "} ${bundle.padEnd(22)} JS + WebAssembly, brotli: ${(size / 1024).toFixed(1)} KB (budget ${budget} KB)`;
  console.log(line);
  if (size / 1024 > budget) failed = `over budget: ${bundle}`;
}
if (![...bundles.keys()].some((b) => b.startsWith("islands-"))) failed ||= "no per-group bundle (run scripts/island-bundles.mjs)";
if (failed) {
  console.error(failed);
  process.exit(1);
}
