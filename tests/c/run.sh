#!/usr/bin/env bash
# Builds the C shared library and the C tests, checks the library's exports and SONAME, and
# runs the tests:
#
#   tests/c/run.sh              plain, then AddressSanitizer + UBSan, then valgrind
#   tests/c/run.sh --plain      only the plain run (any of --plain/--asan/--valgrind may be
#   tests/c/run.sh --asan       combined; they run in that order)
#   tests/c/run.sh --valgrind
#
# archive_test and cpp_wrapper_test run on data made here: job ZIPs from the gentree
# example (`--zip`), unzipped with `unzip` (their reference), and a foreign SQLite database
# made with python3.
#
# Environment: CC (default cc), CXX (default c++), SANITIZER_CC / SANITIZER_CXX (default
# clang / clang++), PROFILE (release, the default, or debug). Ends with the line
# "N passed, M failed" summed over every run, and exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

# shellcheck source=tests/c/common.sh
. "$root/tests/c/common.sh"
parse_modes run.sh 15 "$@"

cc="${CC:-cc}"
cxx="${CXX:-c++}"
san_cc="${SANITIZER_CC:-clang}"
san_cxx="${SANITIZER_CXX:-clang++}"

# --- The library ----------------------------------------------------------------------
build_library
# The generator of the archive test's job ZIPs (same profile).
if [ "$profile" = release ]; then
    cargo build --release --example gentree
else
    cargo build --example gentree
fi
gentree="$root/target/$profile/examples/gentree"

failures=0
fail() {
    echo "FAILED: $*" >&2
    failures=$((failures + 1))
}

# SONAME, and nothing exported but the zstdpool_* functions.
if ! readelf -d "$so" | grep -q "Library soname: \[$soname\]"; then
    fail "SONAME of $so is not $soname: $(readelf -d "$so" | grep SONAME || echo none)"
fi
leaked="$(nm -D --defined-only "$so" | awk '{print $NF}' | grep -v '^zstdpool_' || true)"
if [ -n "$leaked" ]; then
    fail "$so exports symbols other than zstdpool_*: $(echo "$leaked" | head -5 | tr '\n' ' ')"
fi
exports="$(nm -D --defined-only "$so" | grep -c ' zstdpool_' || true)"
echo "library: $so (SONAME $soname, $exports zstdpool_* functions exported)"

# The tests link with -lzstdpool and find the library by its SONAME through an rpath.
out="$root/target/c-tests"
lib="$out/lib"
mkdir -p "$lib"
ln -sf "$so" "$lib/libzstdpool.so"
ln -sf "$so" "$lib/$soname"

warnings=(-Wall -Wextra -Wpedantic -Werror)
includes=(-I"$root/include" -I"$root/tests/c")
link=(-L"$lib" -lzstdpool -pthread -Wl,-rpath,"$lib")

build() { # build MODE C-COMPILER C++-COMPILER EXTRA-FLAGS...
    local mode="$1" c="$2" cpp="$3"
    shift 3
    local dir="$out/$mode"
    mkdir -p "$dir"
    "$c" -std=c99 "${warnings[@]}" "${includes[@]}" -g "$@" tests/c/api_test.c -o "$dir/api_test" "${link[@]}"
    "$c" -std=c99 "${warnings[@]}" "${includes[@]}" -g "$@" tests/c/batch_test.c -o "$dir/batch_test" "${link[@]}"
    "$c" -std=c99 "${warnings[@]}" "${includes[@]}" -g "$@" tests/c/traps_test.c -o "$dir/traps_test" "${link[@]}"
    "$c" -std=c99 "${warnings[@]}" "${includes[@]}" -g "$@" tests/c/archive_test.c -o "$dir/archive_test" "${link[@]}"
    "$c" -std=c99 "${warnings[@]}" "${includes[@]}" -g "$@" tests/c/header_twice.c -o "$dir/header_twice" "${link[@]}"
    "$cpp" -std=c++11 "${warnings[@]}" "${includes[@]}" -g "$@" tests/c/header_cpp.cpp -o "$dir/header_cpp" "${link[@]}"
    # The C++ wrapper include/zstdpool.hpp (C++17).
    "$cpp" -std=c++17 "${warnings[@]}" "${includes[@]}" -g "$@" tests/c/cpp_wrapper_test.cpp -o "$dir/cpp_wrapper_test" "${link[@]}"
}

tests="api_test batch_test traps_test archive_test header_twice header_cpp cpp_wrapper_test"

# The archive tests' data (their only argument): a generated sub-production of job ZIPs, the
# same unzipped (one flat folder per job: what every file must read back as), a source
# with a bad ZIP, a file that is not a database and a SQLite database that is not ours.
archive_data="$out/archive-data"
rm -rf "$archive_data"
mkdir -p "$archive_data/unzipped" "$archive_data/bad"
"$gentree" "$archive_data/zips" --zip --jobs 40 --production 285595 >/dev/null
for zip in "$archive_data"/zips/LOG/00285595/0000/*.zip; do
    job8="$(basename "$zip" .zip)"
    unzip -q -j "$zip" -d "$archive_data/unzipped/$job8"
done
cp "$archive_data/zips/LOG/00285595/0000/00000001.zip" "$archive_data/bad/"
printf 'this is not a ZIP file\n' >"$archive_data/bad/00000500.zip"
printf 'this is not a database.\n' >"$archive_data/not-a-db"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("create table other (x)"); c.commit()' \
    "$archive_data/other.db"
# The argument each test binary takes.
test_args() { case "$1" in archive_test | cpp_wrapper_test) echo "$archive_data" ;; esac; }
passed_total=0
failed_total=0

run_one() { # run_one MODE BINARY [WRAPPER...]
    local mode="$1" binary="$2"
    shift 2
    mkdir -p "$out/$mode"
    local log="$out/$mode/$(basename "$binary").log"
    local status=0
    # shellcheck disable=SC2046 # no argument or one path without spaces
    "$@" "$binary" $(test_args "$(basename "$binary")") >"$log" 2>&1 || status=$?
    local summary
    summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1 || true)"
    echo "[$mode] $(basename "$binary"): ${summary:-no summary} (exit $status)"
    if [ -n "$summary" ]; then
        passed_total=$((passed_total + $(echo "$summary" | cut -d' ' -f1)))
        failed_total=$((failed_total + $(echo "$summary" | cut -d' ' -f3)))
    fi
    if [ "$status" -ne 0 ] || [ -z "$summary" ]; then
        fail "[$mode] $(basename "$binary") (log: $log)"
        tail -40 "$log" >&2
    fi
}

for mode in "${modes[@]}"; do
    case "$mode" in
        plain)
            build plain "$cc" "$cxx" -O1
            for t in $tests; do run_one plain "$out/plain/$t"; done
            ;;
        asan)
            build asan "$san_cc" "$san_cxx" -O1 -fsanitize=address,undefined \
                -fno-sanitize-recover=all -fno-omit-frame-pointer
            for t in $tests; do
                run_one asan "$out/asan/$t" env \
                    ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1" \
                    LSAN_OPTIONS="suppressions=$root/tests/c/lsan.supp:print_suppressions=0" \
                    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
            done
            ;;
        valgrind)
            # valgrind runs the plain build.
            [ -x "$out/plain/api_test" ] || build plain "$cc" "$cxx" -O1
            for t in $tests; do
                run_one valgrind "$out/plain/$t" valgrind --quiet --error-exitcode=1 \
                    --leak-check=full --errors-for-leak-kinds=definite,indirect \
                    --show-leak-kinds=definite,indirect
            done
            ;;
    esac
done

if [ "$failures" -ne 0 ] && [ "$failed_total" -eq 0 ]; then
    failed_total="$failures"
fi
echo "$passed_total passed, $failed_total failed"
[ "$failures" -eq 0 ]
