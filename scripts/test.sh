#!/usr/bin/env bash
# Runs every test: native core tests, the runtime's in-browser unit tests, the build,
# the snippet check, the browser-floor lint, the end-to-end tests in headless
# Chromium, and the core scenarios in Chromium, Firefox and WebKit (a pass count per
# engine; with CI set a missing engine fails). Installs what it needs first
# (scripts/setup.sh skips whatever is already there). Prints each section's
# duration, and the total at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
section_started=$SECONDS
section_name=""
section() {
  if [ -n "$section_name" ]; then
    echo "-- $section_name: $((SECONDS - section_started)) s"
  fi
  section_name="$1"
  section_started=$SECONDS
  [ -n "$section_name" ] && echo "== $section_name"
  return 0
}

section "set-up (scripts/setup.sh)"
bash scripts/setup.sh

section "native tests (core: configuration, record, decisions)"
cargo test --quiet -p assent

# Each PostgreSQL test starts its own throw-away server (initdb into a temporary
# folder, 127.0.0.1, a free port) and stops it by its process id; without PostgreSQL
# installed they skip, unless CI is set.
section "consent-log server (SQLite and PostgreSQL)"
cargo test --quiet -p assent-server

section "fuzzing, short run (docs/fuzzing.md)"
bash scripts/fuzz.sh 20

section "in-browser unit tests (runtime edges, headless Chromium)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --target wasm32-unknown-unknown -p assent-runtime

section "build"
bash scripts/build.sh
node scripts/snippet.mjs --check
# No page view downloads the configuration's validator: the WebAssembly modules build
# the core without its `validate` feature (Cargo.toml), so serde_path_to_error, which
# only the validator uses, is in neither module's dependency tree.
for module in assent-runtime assent-ui; do
  if cargo tree --quiet -e normal --target wasm32-unknown-unknown -p "$module" | grep -q serde_path_to_error; then
    echo "$module links the configuration validator (serde_path_to_error): build the core without its validate feature" >&2
    exit 1
  fi
done

section "browser floor lint (every shipped JavaScript file, eslint.config.js)"
npm run --silent lint:floor

section "end-to-end tests (headless Chromium)"
node --test --test-concurrency=1 tests/e2e/

section "end-to-end scenarios in three engines (Chromium, Firefox, WebKit; tests/engines/)"
node --test --test-concurrency=1 tests/engines/

section "benchmark, one run (proves it works; times are not asserted)"
node bench/run.mjs --runs 1

section ""
echo "== all tests passed in $((SECONDS - started)) s"
