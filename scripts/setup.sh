#!/usr/bin/env bash
# Installs what building and testing Assent needs on a fresh Debian machine, skipping
# whatever is already there: the wasm32 target, the wasm-bindgen CLI pinned to the
# library version in Cargo.toml, Debian's Chromium and ChromeDriver, brotli, Debian's
# PostgreSQL (the consent-log server's tests start a throw-away one), the two other
# engines the scenarios run in (Debian's firefox-esr; WebKitGTK's WebKitWebDriver from
# webkit2gtk-driver, with xvfb and xauth for its display), and the pinned npm packages
# (playwright-core, puppeteer-core, selenium-webdriver, binaryen's wasm-opt, terser,
# esbuild, axe-core, and the benchmark's peers).
#
# An engine that fails to install fails the set-up when CI is set; elsewhere it is
# reported loudly and the scenarios skip it (tests/engines/scenarios.test.mjs).
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

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || $sudo apt-get update -qq
  apt_updated=1
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v brotli >/dev/null || missing+=(brotli)
# Only the programs: the package's own cluster is not used (the server's tests initdb
# their own in a temporary folder). Under CI those tests fail without them.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} from Debian"
  apt_install "${missing[@]}"
fi

engines=()
[ -x /usr/bin/firefox-esr ] || engines+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || engines+=(webkit2gtk-driver)
command -v xvfb-run >/dev/null || engines+=(xvfb)
command -v xauth >/dev/null || engines+=(xauth)
if [ ${#engines[@]} -gt 0 ]; then
  echo "setup: installing ${engines[*]} from Debian (about 1.5 minutes)"
  if ! apt_install "${engines[@]}"; then
    [ -n "${CI:-}" ] && { echo "setup: could not install ${engines[*]} (CI is set: failing)" >&2; exit 1; }
    echo "!!!!! setup: could not install ${engines[*]}: the scenarios will SKIP the engines they need !!!!!" >&2
  fi
fi

stamp=node_modules/.assent-lock
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
