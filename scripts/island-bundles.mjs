// One WebAssembly per group of islands, beside cargo-leptos's full one, so that a page
// downloads only what its own islands need (the server picks: app/src/ui/assets.rs).
// Run after `cargo leptos build --release`. For each group (a feature of sesame-frontend):
// cargo build, wasm-bindgen, wasm-opt (the arguments cargo-leptos uses), then
//   target/site/pkg/islands-<group>.<hash>.{js,wasm} with their .br and .gz twins,
// and target/site/pkg/islands.txt: `<js name> <wasm name> <wasm bytes> <island>…` per line.
// Usage: node scripts/island-bundles.mjs   (CARGO_TARGET_DIR from scripts/env.sh)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const GROUPS = ["accounts", "activation", "access", "shared"];
const root = new URL("..", import.meta.url).pathname;
const pkg = join(root, "target/site/pkg");
const targetDir = join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "islands");
// binaryen's wasm-opt from the npm packages (scripts/setup.sh), as cargo-leptos finds it.
const local = join(root, "end2end/node_modules/.bin/wasm-opt");
const wasmOpt = existsSync(local) ? local : "wasm-opt";
const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit", cwd: root });

mkdirSync(pkg, { recursive: true });
// Bundles of an earlier build go: their names change with their content.
for (const f of readdirSync(pkg)) if (f.startsWith("islands-") || f === "islands.txt") rmSync(join(pkg, f));

const lines = ["# js wasm wasm-bytes islands… (scripts/island-bundles.mjs)"];
for (const group of GROUPS) {
  run("cargo", [
    "build", "-p", "sesame-frontend", "--lib", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release",
    "--no-default-features", "--features", group, "--target-dir", targetDir,
  ]);
  const out = join(targetDir, "bindgen", group);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  run("wasm-bindgen", [
    "--target", "web", "--no-typescript", "--out-dir", out, "--out-name", group,
    join(targetDir, "wasm32-unknown-unknown/wasm-release/sesame_frontend.wasm"),
  ]);
  const wasmPath = join(out, `${group}_opt.wasm`);
  run(wasmOpt, ["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", join(out, `${group}_bg.wasm`), "-o", wasmPath]);

  const js = readFileSync(join(out, `${group}.js`));
  const wasm = readFileSync(wasmPath);
  const islands = [...js.toString().matchAll(/^export function ([A-Z]\w*_\d+)\(/gm)].map((m) => m[1]);
  if (islands.length === 0) throw new Error(`no island exported by the ${group} bundle`);
  const hash = createHash("sha256").update(js).update(wasm).digest("hex").slice(0, 16);
  const name = `islands-${group}.${hash}`;
  for (const [file, data] of [[`${name}.js`, js], [`${name}.wasm`, wasm]]) {
    writeFileSync(join(pkg, file), data);
    writeFileSync(join(pkg, `${file}.br`), brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
    writeFileSync(join(pkg, `${file}.gz`), gzipSync(data, { level: 9 }));
  }
  lines.push(`${name} ${name} ${wasm.length} ${islands.join(" ")}`);
  console.log(`${group}: ${islands.join(", ")}`);
}
writeFileSync(join(pkg, "islands.txt"), lines.join("\n") + "\n");
