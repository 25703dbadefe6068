# Shared environment of Sésame's scripts (sourced, not run).
# A persistent build directory outside the clone keeps repeated builds fast.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sesame/target}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
# wasm-opt (npm package binaryen) and Playwright live in end2end/node_modules.
export PATH="$ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
step() { printf '\n\033[1;36m==> %s\033[0m\n' "$*"; }
