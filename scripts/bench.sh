#!/usr/bin/env bash
# Every performance figure in one run: builds the release, prints the browser bundle, then
# `sesame-bench perf` (downloads per page, rendering rate, sign-in goodput against the raw
# argon2id rate, memory idle / after overload / under mixed load) and the first paint of the
# form pages in Chromium on the slow-phone profile. Prints numbers; asserts nothing.
# Usage: scripts/bench.sh [--seconds 10] [--soak-seconds 60]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
./scripts/setup.sh --browser >/dev/null
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get install -y wrk >/dev/null 2>&1 || echo "(wrk not installed: the rendering rate uses the bench's own clients)"
fi
step "Release build"
cargo leptos build --release --precompress
node scripts/island-bundles.mjs
cargo build --release -p sesame-server --bin sesame-bench
step "Browser bundle"
node scripts/asset-size.mjs target/site/pkg 140 105 | grep "JS + WebAssembly"
step "Server"
"$CARGO_TARGET_DIR/release/sesame-bench" perf "$@"
step "First paint"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DIR=$(mktemp -d)
SESAME_DATABASE_URL="sqlite://$DIR/fp.db?mode=rwc" SESAME_BIND="127.0.0.1:$PORT" \
  SESAME_PUBLIC_URL="http://127.0.0.1:$PORT" SESAME_SECRET_KEY="sesame-bench-throwaway-key-0123456789abcdef" \
  SESAME_MAIL_DIR="$DIR/mail" SESAME_LOG=warn \
  "$CARGO_TARGET_DIR/release/sesame" serve &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
node end2end/perf/first-paint.mjs "http://127.0.0.1:$PORT"
