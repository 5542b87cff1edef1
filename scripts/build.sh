#!/usr/bin/env bash
# Builds dist/, the static files a site hosts, then site/, the seed configuration's
# build (`assent build config/default.json --out site --assets dist`: the static files
# and the compiled configuration in one versioned folder, site/<build-id>/, and
# site/snippet.html), which the demo and the tests serve at /assent/.
# dist/ has stable names and no inline code:
#   assent-stub.js        the stub as an external file (the snippet inlines the same code)
#   assent.js             the loader: www/loader/*.js bundled into one ES module (esbuild,
#                         then terser); imports the files below at run time
#   assent_runtime.js/_bg.wasm  the small runtime module (record, queries, gating)
#   assent_ui.js/_bg.wasm       the Yew interface, fetched only when something is shown
#   assent-bridge.js      the native-app (WebView) bridge, fetched only inside an app
#   assent-outbox.js      sends consent events to receiptEndpoint, only when configured
#   assent-explain.js     the permission notice (assent.explain), only when first called
#   assent.css, assent.d.ts
# Then writes dist/sizes.json (raw, gzip, brotli per file, the seed's compiled files
# included).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --release --target wasm32-unknown-unknown -p assent-runtime -p assent-ui
# The native CLI, in the profile `cargo test` builds it in, so the two share it.
cargo build --quiet -p assent --bin assent

rm -rf dist target/bindgen target/loader
mkdir -p dist target/bindgen target/loader
wasm_features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-multivalue) # the floor: no reference types (.cargo/config.toml)
for module in assent_runtime assent_ui; do
  wasm-bindgen --target web --no-typescript --out-dir target/bindgen \
    "target/wasm32-unknown-unknown/release/$module.wasm"
  node_modules/binaryen/bin/wasm-opt -Oz "${wasm_features[@]}" --strip-debug --strip-producers \
    "target/bindgen/${module}_bg.wasm" -o "dist/${module}_bg.wasm"
  node_modules/.bin/terser "target/bindgen/$module.js" --module --compress --mangle -o "dist/$module.js"
done
# The loader: its ES modules (www/loader/, entry boot.js) bundled by esbuild into one ES
# module at the floor's targets (it lowers nothing for them: the sources use ES2021 at
# most, and the floor lint reads the result). The files it imports at run time stay
# separate (external), imported from beside dist/assent.js through import.meta.url as
# before. esbuild bundles, terser minifies the bundle: esbuild's own --minify comes out
# about 140 bytes larger gzip on the same bundle, which the loader's budget in
# tests/e2e/sizes.test.mjs has no room for.
node_modules/.bin/esbuild www/loader/boot.js --bundle --format=esm --target=chrome91,firefox90,safari15 \
  --external:./assent_ui.js --external:./assent-bridge.js --external:./assent-outbox.js \
  --external:./assent-explain.js --external:./assent_runtime.js \
  --log-level=warning --outfile=target/loader/assent.js
node_modules/.bin/terser target/loader/assent.js --module --compress passes=2 --mangle -o dist/assent.js
node_modules/.bin/terser www/bridge.js --module --compress --mangle -o dist/assent-bridge.js
# Keeps its eslint-disable comment: the floor lint reads dist/ too (Web Locks are feature-detected).
node_modules/.bin/terser www/outbox.js --module --compress --mangle --comments /eslint-disable/ -o dist/assent-outbox.js
node_modules/.bin/terser www/explain.js --module --compress --mangle -o dist/assent-explain.js
node_modules/.bin/terser www/stub.js --compress --mangle --comments false -o dist/assent-stub.js
cp www/assent.css dist/assent.css
[ -f www/assent.d.ts ] && cp www/assent.d.ts dist/assent.d.ts
target/debug/assent build config/default.json --out site --assets dist > /dev/null
node scripts/sizes.mjs
