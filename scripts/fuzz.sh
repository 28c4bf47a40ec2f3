#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers that take hostile input (docs/fuzzing.md).
#
#   scripts/fuzz.sh                     every target, FUZZ_SECONDS (default 60) each
#   scripts/fuzz.sh fuzz-json fuzz-yaml  only these
#   FUZZ_SECONDS=600 scripts/fuzz.sh    longer
#
# Builds each target with libFuzzer and AddressSanitizer (the Swift toolchain's
# -sanitize=fuzzer,address) in .build-fuzz/, a separate scratch folder, in release mode;
# then runs it with its corpus: .build-fuzz/corpus/<target> (kept between runs; it starts
# with the target's seeds, generated from the test fixtures, and for fuzz-yaml the files
# of config/) plus fuzz/regressions/<target> (committed: every input that once crashed).
# A crash, a failed check or a timeout leaves its input in .build-fuzz/artifacts/<target>/
# and makes the script exit 1 after the other targets ran. Logs: .build-fuzz/logs/.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
seconds=${FUZZ_SECONDS:-60}
all=(fuzz-json fuzz-webhook fuzz-yaml fuzz-http-router fuzz-http-wire)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
scratch=.build-fuzz
mkdir -p "$scratch/logs"

# SwiftPM hands swiftc each --sanitize as a flag of its own (-sanitize=fuzzer
# -sanitize=address, in an order that varies from run to run), and swiftc keeps only the
# last: the modules were built either without coverage (libFuzzer fuzzed blind: "no
# interesting inputs ... Is the code instrumented for coverage?") or without ASan. The
# -Xswiftc flag comes after SwiftPM's and names both; SwiftPM's --sanitize flags stay for
# the link (libFuzzer's main) and the C targets.
build() {
  nice -n 10 "$SWIFT" build -c release -j "${FUZZ_BUILD_JOBS:-1}" --scratch-path "$scratch" \
    --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --product "$1"
}

# Per-target options: the longest input libFuzzer makes, and a dictionary of tokens.
options() {
  case "$1" in
    fuzz-json) echo "-max_len=8192 -dict=fuzz/dicts/json.dict" ;;
    fuzz-webhook) echo "-max_len=16384 -dict=fuzz/dicts/webhook.dict" ;;
    fuzz-yaml) echo "-max_len=8192 -dict=fuzz/dicts/yaml.dict" ;;
    fuzz-http-router) echo "-max_len=4096 -dict=fuzz/dicts/http.dict" ;;
    # A connection per input, through libmicrohttpd's threads: slow on a loaded machine.
    fuzz-http-wire) echo "-max_len=4096 -dict=fuzz/dicts/http.dict -timeout=120" ;;
  esac
}

failed=()
for t in "${targets[@]}"; do
  case " ${all[*]} " in *" $t "*) ;; *) echo "fuzz: unknown target $t (targets: ${all[*]})" >&2; exit 2 ;; esac
  echo "== $t: building (sanitize=fuzzer,address)"
  if ! build "$t" > "$scratch/logs/$t.build.log" 2>&1; then
    tail -30 "$scratch/logs/$t.build.log"
    echo "fuzz: $t did not build" >&2
    exit 2
  fi
  bin="$scratch/release/$t"
  # A build without ASan's checks in the Swift code is a failed build (see build() above);
  # found before fuzzing. Counted in Swift functions only (symbols `$s...`): the sanitizer
  # runtimes linked in call __asan_report themselves, checked or not.
  if [ "$(objdump -d --no-show-raw-insn "$bin" | awk '/^[0-9a-f]+ <\$s/ { swift = 1; next }
      /^[0-9a-f]+ </ { swift = 0 } swift && /call.*__asan_report/ { n++ } END { print n + 0 }')" -eq 0 ]; then
    echo "fuzz: $t was built without AddressSanitizer's checks" >&2
    exit 2
  fi
  corpus="$scratch/corpus/$t"
  regressions="fuzz/regressions/$t"
  artifacts="$scratch/artifacts/$t"
  mkdir -p "$corpus" "$regressions" "$artifacts"
  if [ -z "$(ls -A "$corpus")" ]; then
    "$bin" --write-seeds "$corpus" >/dev/null
    if [ "$t" = fuzz-yaml ]; then
      for f in config/*.yaml config/workspaces/*.yaml; do cp "$f" "$corpus/config-$(basename "$f")"; done
    fi
  fi
  echo "== $t: fuzzing for ${seconds}s (corpus $corpus, $(ls "$corpus" | wc -l) inputs)"
  # shellcheck disable=SC2046
  # (libFuzzer takes the last of a repeated flag: the target's options come after the defaults.)
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} nice -n 10 "$bin" \
    -max_total_time="$seconds" -timeout=25 -rss_limit_mb=4096 -print_final_stats=1 $(options "$t") \
    -artifact_prefix="$artifacts/" "$corpus" "$regressions" > "$scratch/logs/$t.log" 2>&1
  rc=$?
  # A run libFuzzer saw no coverage in fuzzed blind: a failure, not a clean run (a run
  # that failed otherwise is counted below).
  if [ $rc -eq 0 ] && ! grep -qE '^#[0-9]+[[:space:]]+INITED cov: [1-9]' "$scratch/logs/$t.log"; then
    echo "fuzz: $t reported no coverage (not instrumented?); see $scratch/logs/$t.log"
    failed+=("$t")
  fi
  grep -E '^#[0-9]+.*(DONE|pulse)' "$scratch/logs/$t.log" | tail -1
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$scratch/logs/$t.log" | tr '\n' ' '
  echo
  if [ $rc -ne 0 ]; then
    echo "fuzz: $t FAILED (exit $rc); the input is in $artifacts/, the log in $scratch/logs/$t.log:"
    grep -E 'fuzz check failed|runtime failure|Fatal error|ERROR: AddressSanitizer|ERROR: libFuzzer|Test unit written|ALARM' "$scratch/logs/$t.log" | head -10
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failures in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no failures"
