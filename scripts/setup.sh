#!/usr/bin/env bash
# Installs whatever is missing to build and test Sésame. Idempotent: a second run installs
# nothing. Usage: scripts/setup.sh [--browser]   (--browser also installs Chromium)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  step "Installing cargo-leptos 0.3.10 (about 10 minutes, once)"
  cargo install cargo-leptos --locked --version 0.3.10
fi

# The wasm-bindgen CLI must be exactly the version in Cargo.lock. Installed without
# --locked: the registry here lags and a locked install can fail on a missing version.
WASM_BINDGEN=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN\$"; then
  step "Installing wasm-bindgen-cli $WASM_BINDGEN (about 2 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN" --force
fi

if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -x end2end/node_modules/.bin/playwright ] \
   || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  step "Installing npm packages (binaryen's wasm-opt, Playwright)"
  (cd end2end && npm ci --no-audit --no-fund)
fi

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null 2>&1; then
  step "Installing Chromium (Debian package)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get install -y chromium || { $SUDO apt-get update && $SUDO apt-get install -y chromium; }
fi
