#!/usr/bin/env bash
# Builds Assent and serves the demo (index.html with the seed configuration) on
# 127.0.0.1:$PORT (default 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
node scripts/snippet.mjs --check
exec node scripts/serve.mjs
