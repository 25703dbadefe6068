#!/usr/bin/env bash
# Starts the release build on a fresh SQLite database with the demo data, for the browser
# tests (Playwright starts and stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d -t sesame-e2e-XXXXXX)
trap 'rm -rf "$data"' EXIT
export SESAME_DATABASE_URL="sqlite://$data/sesame.db?mode=rwc"
export SESAME_SECRET_KEY="e2e-only-key-$(date +%s)-0123456789abcdefghij"
export LEPTOS_SITE_ROOT="$PWD/target/site"
export SESAME_LOG="${SESAME_LOG:-warn}"
bin="$CARGO_TARGET_DIR/release/sesame"
"$bin" migrate >/dev/null
"$bin" demo-data >/dev/null
exec "$bin" serve
