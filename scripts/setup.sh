#!/usr/bin/env bash
# Installs what building and testing Assent needs on a fresh Debian machine, skipping
# whatever is already there: the wasm32 target, the wasm-bindgen CLI pinned to the
# library version in Cargo.toml, Debian's Chromium and ChromeDriver, brotli, Debian's
# PostgreSQL (the consent-log server's tests start a throw-away one), and the
# pinned npm packages (playwright-core, binaryen's wasm-opt, terser, esbuild, axe-core,
# and the benchmark's peers).
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130 # must equal the `wasm-bindgen = "=..."` pin in Cargo.toml

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  echo "setup: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes)"
  # Without --locked: the CLI's locked webpki-roots is not served by the registry here.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v brotli >/dev/null || missing+=(brotli)
# Only the programs: the package's own cluster is not used (the server's tests initdb
# their own in a temporary folder). Under CI those tests fail without them.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} from Debian"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

stamp=node_modules/.assent-lock
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
