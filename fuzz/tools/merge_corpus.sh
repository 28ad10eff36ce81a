#!/usr/bin/env bash
# Folds the inputs the fuzzers found (fuzz/out/work/<harness>/, filled by fuzz/run.sh or
# longer runs) into the committed corpora, minimized with libFuzzer's -merge=1:
#
#   fuzz/tools/merge_corpus.sh [HARNESS...]      default: decompress api
#
# The seed-* files (fuzz/tools/make_corpus.sh) are always kept; the other inputs are kept
# only when they add edges. -use_counters=0 merges on edges only (not hit counts), which
# keeps the corpora to a few hundred small files. Uses the --rust-cov build (edges of the
# Rust and libzstd code count), which fuzz/run.sh builds.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bin="$root/fuzz/out/rustcov"
[ -x "$bin/fuzz_api" ] || bash fuzz/build.sh --rust-cov

[ $# -gt 0 ] || set -- decompress api
for h in "$@"; do
    corpus="$root/fuzz/corpus/$h"
    work="$root/fuzz/out/work/$h"
    tmp="$(mktemp -d)"
    mkdir -p "$tmp/merged" "$work"
    cp "$corpus"/seed-* "$tmp/merged/"
    "$bin/fuzz_$h" -merge=1 -use_counters=0 -rss_limit_mb=2048 -timeout=10 \
        "$tmp/merged" "$corpus" "$work" >"$root/fuzz/out/merge-$h.log" 2>&1
    before="$(ls "$corpus" | wc -l) files, $(du -sh "$corpus" | cut -f1)"
    find "$corpus" -type f ! -name 'seed-*' -delete
    cp -n "$tmp/merged"/* "$corpus"/
    rm -rf "$tmp"
    echo "$h: $before -> $(ls "$corpus" | wc -l) files, $(du -sh "$corpus" | cut -f1)"
done
