#!/usr/bin/env bash
# Coverage-guided fuzzing of the core (docs/fuzzing.md): builds the targets in fuzz/
# and runs each for SECONDS (default 20), one after the other. Exits non-zero when
# any target crashes (a panic, a failed invariant, a stack overflow), times out on one
# input, or passes the memory limit; the input that did it is saved under
# fuzz/artifacts/TARGET/ and the command that replays it is printed.
#   bash scripts/fuzz.sh            the short run of scripts/test.sh (20 s a target)
#   bash scripts/fuzz.sh 3600       the long run (an hour a target)
#   bash scripts/fuzz.sh 600 config only the named targets
#
# Why libFuzzer built this way: the toolchain here is stable Rust, and cargo-fuzz
# needs nightly for its default `-Zsanitizer=address`. Sanitizers matter little for a
# crate without `unsafe` (the bugs a fuzzer finds in safe Rust are panics, overflows,
# runaway memory and time), and what makes libFuzzer coverage-guided is LLVM's
# SanitizerCoverage, which stable rustc enables with plain -C flags. So this script
# passes the same instrumentation flags cargo-fuzz passes (minus the sanitizer) and
# links libFuzzer from the `libfuzzer-sys` crate, which compiles it with the system
# C++ compiler. The layout is cargo-fuzz's, so `cargo +nightly fuzz run config` works
# too where nightly exists. libFuzzer's -malloc_limit_mb needs sanitizer hooks; the
# memory limit per input is enforced by the targets' own allocator (fuzz/src/lib.rs).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config record decision compiled)

if ! command -v c++ >/dev/null; then
  echo "fuzz: installing g++ from Debian (libfuzzer-sys compiles libFuzzer with it)"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq g++ >/dev/null
fi

# Build scripts must not be instrumented (they would not link without libFuzzer), so
# the target triple is named: RUSTFLAGS then apply to the target's code only.
host=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR=fuzz/target
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module \
  -Cllvm-args=-sanitizer-coverage-level=4 \
  -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
  -Cllvm-args=-sanitizer-coverage-pc-table \
  -Cllvm-args=-sanitizer-coverage-trace-compares \
  -Cdebug-assertions -Coverflow-checks"
echo "fuzz: building ${targets[*]} (stable rustc, SanitizerCoverage, libFuzzer)"
cargo build --quiet --release --locked --manifest-path fuzz/Cargo.toml --target "$host" \
  $(printf -- '--bin %s ' "${targets[@]}")
node fuzz/seeds.mjs fuzz/target/seeds

# -max_len: configurations over MAX_CONFIG_BYTES (2 MiB) are refused before parsing,
# and the config target pads every valid input to the limit and one byte past it, so
# inputs need only hold the seed configuration (240 KB) and room to grow. Records
# over 65 536 UTF-16 code units are refused; 200 000 bytes holds that many 3-byte
# characters, so the decoder's limit is in reach of the fuzzer itself.
max_len() {
  case $1 in
    config) echo 262144 ;;
    *) echo 200000 ;;
  esac
}

failed=()
for target in "${targets[@]}"; do
  corpus=fuzz/corpus/$target
  artifacts=fuzz/artifacts/$target
  log=fuzz/target/$target.log
  mkdir -p "$corpus" "$artifacts"
  dict=fuzz/target/seeds/record.dict
  [ "$target" = config ] && dict=fuzz/target/seeds/config.dict
  echo "== fuzz $target for ${seconds}s (log: $log)"
  status=0
  # The browser runs the core in WebAssembly with a 1 MiB stack: the fuzzers get no
  # more, so an input whose recursion needs more is a crash here too.
  (
    ulimit -s 1024
    exec "fuzz/target/$host/release/$target" "$corpus" "fuzz/target/seeds/$target" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
      -max_len="$(max_len "$target")" -dict="$dict" \
      -artifact_prefix="$artifacts/" -print_final_stats=1
  ) >"$log" 2>&1 || status=$?
  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" | sed 's/^/   /' || true
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" | sed 's/^/   /' || true
  if [ "$status" != 0 ]; then
    echo "fuzz: $target FAILED (exit $status); what failed and the end of its log:"
    grep -E -A3 'panicked at|deadly signal|ERROR: libFuzzer' "$log" | head -n 20 || true
    echo "   ..."
    tail -n 25 "$log"
    echo "fuzz: replay with: fuzz/target/$host/release/$target $artifacts/<crash-file>"
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${targets[*]}: no crash, timeout or memory overrun in ${seconds}s each"
