#!/usr/bin/env bash
# Set-up and run: installs what is missing, builds the release, migrates the SQLite
# database under ./data/, loads the demo data set on first start (and prints its accounts
# and codes), and serves Sésame at http://127.0.0.1:3000. E-mails go to ./data/mail/*.eml
# unless SESAME_SMTP_URL names an SMTP server.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh"

step "Building Sésame (release)"
cargo leptos build --release --precompress
node scripts/island-bundles.mjs

export LEPTOS_SITE_ROOT="$ROOT/target/site"
mkdir -p data
step "Migrating the database and loading the demo data"
"$CARGO_TARGET_DIR/release/sesame" migrate
"$CARGO_TARGET_DIR/release/sesame" demo-data
step "Serving Sésame at ${SESAME_PUBLIC_URL:-http://${SESAME_BIND:-127.0.0.1:3000}} (Ctrl-C to stop)"
exec "$CARGO_TARGET_DIR/release/sesame" serve
