#!/usr/bin/env bash
# Builds and runs the C stress test (tests/c/stress.c) against the release library:
#
#   tests/c/stress.sh              plain (100,000 entries), then ASan + UBSan (100,000),
#                                  then valgrind (5,000 entries, leak check)
#   tests/c/stress.sh --plain      only the plain run (any of --plain/--asan/--valgrind may
#   tests/c/stress.sh --asan       be combined; they run in that order)
#   tests/c/stress.sh --valgrind
#
# Environment: CC (default cc), SANITIZER_CC (default clang), PROFILE (release, the default,
# or debug), STRESS_ENTRIES (100000), STRESS_VALGRIND_ENTRIES (5000), STRESS_SEED (1).
# Prints each run's time and ends with "N passed, M failed" summed over the runs; exits
# non-zero on any failure (a failed check, a sanitizer or valgrind error, a leak, or the
# stress test's watchdog firing on a deadlock).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

# shellcheck source=tests/c/common.sh
. "$root/tests/c/common.sh"
parse_modes stress.sh 16 "$@"

cc="${CC:-cc}"
san_cc="${SANITIZER_CC:-clang}"
entries="${STRESS_ENTRIES:-100000}"
vg_entries="${STRESS_VALGRIND_ENTRIES:-5000}"
seed="${STRESS_SEED:-1}"

build_library

# As tests/c/run.sh: link with -lzstdpool, find the library by its SONAME through an rpath.
out="$root/target/c-tests"
lib="$out/stress-lib"
mkdir -p "$lib"
ln -sf "$so" "$lib/libzstdpool.so"
ln -sf "$so" "$lib/$soname"
flags=(-std=c11 -Wall -Wextra -Wpedantic -Werror -I"$root/include" -I"$root/tests/c" -g -O1)
link=(-L"$lib" -lzstdpool -pthread -Wl,-rpath,"$lib")

build() { # build MODE COMPILER EXTRA-FLAGS...
    local mode="$1" c="$2"
    shift 2
    mkdir -p "$out/stress-$mode"
    "$c" "${flags[@]}" "$@" tests/c/stress.c -o "$out/stress-$mode/stress" "${link[@]}"
}

passed_total=0
failed_total=0
failures=0
built_plain=0

run_one() { # run_one MODE ENTRIES WATCHDOG BINARY [WRAPPER...]
    local mode="$1" n="$2" watchdog="$3" binary="$4"
    shift 4
    local log="$out/stress-$mode/stress.log" status=0 start=$SECONDS summary
    mkdir -p "$out/stress-$mode"
    "$@" "$binary" "$n" "$watchdog" "$seed" >"$log" 2>&1 || status=$?
    summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1 || true)"
    echo "[$mode] stress $n entries: ${summary:-no summary} (exit $status) in $((SECONDS - start)) s"
    grep -E '^phase ' "$log" | sed 's/^/    /' || true
    if [ -n "$summary" ]; then
        passed_total=$((passed_total + $(echo "$summary" | cut -d' ' -f1)))
        failed_total=$((failed_total + $(echo "$summary" | cut -d' ' -f3)))
    fi
    if [ "$status" -ne 0 ] || [ -z "$summary" ]; then
        echo "FAILED: [$mode] stress (log: $log)" >&2
        tail -40 "$log" >&2
        failures=$((failures + 1))
    fi
}

for mode in "${modes[@]}"; do
    case "$mode" in
        plain)
            build plain "$cc"
            built_plain=1
            run_one plain "$entries" 120 "$out/stress-plain/stress"
            ;;
        asan)
            build asan "$san_cc" -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
            run_one asan "$entries" 300 "$out/stress-asan/stress" env \
                ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1" \
                LSAN_OPTIONS="suppressions=$root/tests/c/lsan.supp:print_suppressions=0" \
                UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
            ;;
        valgrind)
            [ "$built_plain" = 1 ] || build plain "$cc"
            run_one valgrind "$vg_entries" 600 "$out/stress-plain/stress" valgrind --quiet \
                --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
                --show-leak-kinds=definite,indirect
            ;;
    esac
done

if [ "$failures" -ne 0 ] && [ "$failed_total" -eq 0 ]; then
    failed_total="$failures"
fi
echo "$passed_total passed, $failed_total failed"
[ "$failures" -eq 0 ]
