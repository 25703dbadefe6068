#!/usr/bin/env bash
# The whole test suite, in one command; exits non-zero on any failure.
#   formatting and lints (server and browser builds), unit and property tests,
#   integration tests on SQLite then on PostgreSQL, the release build with its size budget,
#   and the browser tests in Chromium.
# PostgreSQL: SESAME_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432). It must be
# reachable: the suite fails, it does not skip.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh" --browser
export SESAME_TEST_POSTGRES="${SESAME_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-always}"
started=$(date +%s)

step "Formatting"
cargo fmt --all -- --check

step "Lints: server build"
cargo clippy -p sesame-app -p sesame-server -p sesame-testkit --features sesame-app/ssr --all-targets -- -D warnings
step "Lints: browser build (wasm32)"
cargo clippy -p sesame-app -p sesame-frontend --features sesame-frontend/all --target wasm32-unknown-unknown -- -D warnings

step "Unit, property and integration tests on SQLite"
SESAME_TEST_POSTGRES= cargo test -p sesame-app -p sesame-server -p sesame-testkit --features sesame-app/ssr

step "Integration tests on PostgreSQL ($SESAME_TEST_POSTGRES)"
if ! pg_isready -d "$SESAME_TEST_POSTGRES" >/dev/null 2>&1; then
  echo "PostgreSQL is not reachable at $SESAME_TEST_POSTGRES: start it (see README) — the suite does not skip it." >&2
  exit 1
fi
# Databases left behind by an interrupted earlier run.
psql "$SESAME_TEST_POSTGRES/postgres" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'sesame\\_t\\_%'" 2>/dev/null \
  | while read -r db; do psql "$SESAME_TEST_POSTGRES/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
cargo test -p sesame-server --test api

step "Release build (server, WebAssembly, pre-compressed assets)"
cargo leptos build --release --precompress
node scripts/island-bundles.mjs
cargo build --release -p sesame-testkit --bin smtp-sink

step "Size budget of what ships to the browser"
node scripts/asset-size.mjs target/site/pkg 140 105

step "Browser tests (Playwright, Chromium)"
(cd end2end && npx playwright test)

step "All tests passed in $(( $(date +%s) - started )) s"
