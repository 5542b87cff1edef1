#!/usr/bin/env bash
# Runs every test: native core tests, the runtime's in-browser unit tests, the build,
# the snippet check and the end-to-end tests in headless Chromium. Installs what it
# needs first (scripts/setup.sh skips whatever is already there).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== native tests (core: configuration, record, decisions)"
cargo test --quiet -p assent
echo "== fuzzing, short run (docs/fuzzing.md)" && bash scripts/fuzz.sh 20

echo "== in-browser unit tests (runtime edges, headless Chromium)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --target wasm32-unknown-unknown -p assent-runtime

echo "== build"
bash scripts/build.sh
node scripts/snippet.mjs --check

echo "== end-to-end tests (headless Chromium)"
node --test --test-concurrency=1 tests/e2e/

echo "== benchmark, one run (proves it works; times are not asserted)"
node bench/run.mjs --runs 1
