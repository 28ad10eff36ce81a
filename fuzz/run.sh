#!/usr/bin/env bash
# Builds the fuzzers, replays the committed corpora (regression), then fuzzes each harness
# for SECONDS (default 30), both at once, starting from a scratch copy of its corpus:
#
#   fuzz/run.sh [SECONDS]
#
# Prints each harness's executions, coverage (cov: edges, ft: features) and corpus size,
# and exits non-zero on any crash, leak, timeout, out-of-memory or broken invariant (the
# input that caused it is saved under fuzz/out/artifacts/). The fuzzers link a copy of the
# library whose Rust and libzstd code carry SanitizerCoverage (fuzz/build.sh --rust-cov);
# FUZZ_RUST_COV=0 uses the plain release library instead. Inputs the run finds stay in
# fuzz/out/work/ until the next run (fuzz/tools/merge_corpus.sh folds them into fuzz/corpus/).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

seconds="${1:-30}"
case "$seconds" in
    '' | *[!0-9]*)
        echo "usage: fuzz/run.sh [SECONDS]" >&2
        exit 2
        ;;
esac

if [ "${FUZZ_RUST_COV:-1}" = 0 ]; then
    bash fuzz/build.sh
    bin="$root/fuzz/out/bin"
else
    bash fuzz/build.sh --rust-cov
    bin="$root/fuzz/out/rustcov"
fi

out="$root/fuzz/out"
artifacts="$out/artifacts"
mkdir -p "$artifacts"
harnesses=(decompress api)
common=(-rss_limit_mb=2048 -timeout=10 -print_final_stats=1)
declare -A extra=([decompress]="" [api]="-max_len=1024")
failures=0

summary() { # summary NAME LOG
    local execs cov
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$2" | tail -1)"
    cov="$(grep -oE '(INITED|DONE) +cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "$2" | tail -1 |
        sed -E 's/^(INITED|DONE) +//')"
    echo "${execs:-?} executions, ${cov:-no coverage line}"
}

# --- Regression: every committed input once ---------------------------------------------
for h in "${harnesses[@]}"; do
    log="$out/replay-$h.log"
    start=$SECONDS
    status=0
    # -runs=0: run the corpus once, no mutations (nothing is written to it).
    "$bin/fuzz_$h" "$root/fuzz/corpus/$h" -runs=0 "${common[@]}" \
        -artifact_prefix="$artifacts/replay-$h-" >"$log" 2>&1 || status=$?
    echo "[replay] $h: $(ls "$root/fuzz/corpus/$h" | wc -l) inputs in $((SECONDS - start)) s: $(summary "$h" "$log") (exit $status)"
    if [ "$status" -ne 0 ]; then
        echo "FAILED: replay of fuzz/corpus/$h (log: $log)" >&2
        grep -E 'invariant broken|ERROR|SUMMARY|runtime error' "$log" | head -20 >&2 || tail -30 "$log" >&2
        failures=$((failures + 1))
    fi
done

# --- Fuzzing, both harnesses at once ------------------------------------------------------
pids=()
for h in "${harnesses[@]}"; do
    # A fresh copy of the corpus each run (reloading the finds of every earlier run would
    # eat the time budget); fuzz/tools/merge_corpus.sh keeps this run's finds.
    work="$out/work/$h"
    rm -rf "$work"
    mkdir -p "$work"
    cp "$root/fuzz/corpus/$h"/* "$work"/
    # shellcheck disable=SC2086
    "$bin/fuzz_$h" "$work" -max_total_time="$seconds" "${common[@]}" ${extra[$h]} \
        -artifact_prefix="$artifacts/$h-" >"$out/fuzz-$h.log" 2>&1 &
    pids+=($!)
done
for i in "${!harnesses[@]}"; do
    h="${harnesses[$i]}"
    status=0
    wait "${pids[$i]}" || status=$?
    log="$out/fuzz-$h.log"
    echo "[fuzz] $h: ${seconds} s: $(summary "$h" "$log") (exit $status)"
    if [ "$status" -ne 0 ]; then
        echo "FAILED: fuzzing $h (log: $log; inputs: $artifacts/)" >&2
        grep -E 'invariant broken|ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -20 >&2 ||
            tail -30 "$log" >&2
        failures=$((failures + 1))
    fi
done

if [ "$failures" -ne 0 ]; then
    echo "fuzz: $failures failure(s)"
    exit 1
fi
echo "fuzz: no crash, leak or timeout"
