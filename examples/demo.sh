#!/usr/bin/env bash
# The zstdpool demo (the README's first command):
#
#   bash examples/demo.sh
#
# 1. builds and installs the library with CMake (through cargo) into build/demo-prefix,
# 2. builds logpack (examples/logpack, a C program) against that install with find_package,
# 3. generates the default DIRAC-like job-log tree (150 jobs, 1478 files, 25 MB) with the
#    gentree example,
# 4. compresses it with `logpack compress --category name` (one dictionary trained per kind
#    of file), decompresses it with `logpack decompress`, checks the round trip with
#    `diff -r`, and decompresses one file with the zstd CLI and its dictionary,
# 5. prints what it did: files, MB in/out, ratio, seconds per step, categories trained.
#
# Needs cargo; installs cmake, a C compiler and zstd when they are missing (apt-get, as
# root). Environment: ZSTDPOOL_BUILD_DIR (default build/), DEMO_WORK_DIR (default: a
# temporary directory, removed at the end; a given one is kept), DEMO_JOBS (default 150,
# gentree's default tree). Exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build="${ZSTDPOOL_BUILD_DIR:-$root/build}"
prefix="$build/demo-prefix"
jobs="${DEMO_JOBS:-150}"

say() { printf 'demo: %s\n' "$*"; }
die() {
    printf 'demo: FAILED: %s\n' "$*" >&2
    exit 1
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

command -v cargo >/dev/null 2>&1 || die "cargo is needed (not found in PATH)"
# cmake, a C compiler and zstd: installed when missing (apt-get, as root).
bash "$root/tests/install-tools.sh" cmake cc zstd || die "cmake, cc and zstd are needed"
for tool in cmake zstd diff awk; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is needed (not found in PATH)"
done

if [ -n "${DEMO_WORK_DIR:-}" ]; then
    work="$DEMO_WORK_DIR"
    rm -rf "$work/tree" "$work/packed" "$work/restored"
    mkdir -p "$work"
else
    work="$(mktemp -d "${TMPDIR:-/tmp}/zstdpool-demo.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
fi
logs="$work/logs"
mkdir -p "$logs"

# Runs a quiet step, showing its log only when it fails.
quiet() { # quiet NAME COMMAND...
    local name="$1"
    shift
    if ! "$@" >"$logs/$name.log" 2>&1; then
        tail -40 "$logs/$name.log" >&2
        die "$name: $*"
    fi
}

# --- 1-2. Build ------------------------------------------------------------------------------
t0="$(now)"
say "building libzstdpool (cmake + cargo, release; a minute or two the first time) and installing it into $prefix ..."
quiet configure cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
quiet build cmake --build "$build"
quiet install cmake --install "$build" --prefix "$prefix"
say "building logpack against the installed package (find_package(zstdpool)) ..."
quiet logpack-configure cmake -S "$root/examples/logpack" -B "$build/logpack" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix"
quiet logpack-build cmake --build "$build/logpack"
say "building the gentree example (cargo) ..."
quiet gentree-build cargo build --release --example gentree
logpack="$build/logpack/logpack"
gentree="$root/target/release/examples/gentree"
build_seconds="$(elapsed "$t0")"
say "build done in ${build_seconds} s"

# --- 3. The job-log tree -------------------------------------------------------------------
t="$(now)"
"$gentree" "$work/tree" --jobs "$jobs" >"$logs/gentree.out" || die "gentree"
gen_seconds="$(elapsed "$t")"
gen_files="$(sed -n 's/^files=\([0-9]*\) .*/\1/p' "$logs/gentree.out")"
gen_bytes="$(sed -n 's/^files=[0-9]* bytes=\([0-9]*\) .*/\1/p' "$logs/gentree.out")"
gen_categories="$(sed -n 's/.* categories=\([0-9]*\) .*/\1/p' "$logs/gentree.out")"

# --- 4. Compress, decompress, compare ------------------------------------------------------------
say "logpack compress $work/tree -> $work/packed (--category name)"
t="$(now)"
"$logpack" compress "$work/tree" "$work/packed" --category name >"$logs/compress.out" ||
    die "logpack compress (exit $?; see above)"
compress_seconds="$(elapsed "$t")"

say "logpack decompress $work/packed -> $work/restored (--category name)"
t="$(now)"
"$logpack" decompress "$work/packed" "$work/restored" --category name >"$logs/decompress.out" ||
    die "logpack decompress (exit $?; see above)"
decompress_seconds="$(elapsed "$t")"

t="$(now)"
diff -r "$work/tree" "$work/restored" >"$logs/diff.out" 2>&1 ||
    { head -20 "$logs/diff.out" >&2; die "the restored tree differs from the original"; }
diff_seconds="$(elapsed "$t")"

# Any .zst is a standard zstd frame: the zstd CLI decompresses it with its dictionary.
sample="00012345/00000001/Gauss_00012345_00000001_1.log"
[ -f "$work/tree/$sample" ] || sample="$(cd "$work/tree" && find . -type f -name '*.log' | sort | head -1)"
sample_dict="$(basename "$sample" | sed 's/[0-9][0-9]*/#/g; s/#/%23/g').zdict"
zstd -q -d -c -D "$work/packed/.dicts/$sample_dict" "$work/packed/$sample.zst" |
    cmp -s - "$work/tree/$sample" || die "zstd -d -D .dicts/$sample_dict did not restore $sample"

# --- 5. Summary ------------------------------------------------------------------------------------
json_field() { # json_field FILE FIELD: a top-level number of the JSON (last) line
    tail -1 "$1" | sed 's/,"categories":.*//' | sed -n "s/^{.*\"$2\":\([-0-9.e+]*\).*/\1/p"
}
mb() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1e6 }'; }
c_files="$(json_field "$logs/compress.out" files)"
c_in="$(json_field "$logs/compress.out" bytes_in)"
c_out="$(json_field "$logs/compress.out" bytes_out)"
c_ratio="$(json_field "$logs/compress.out" ratio)"
c_rejected="$(json_field "$logs/compress.out" rejected)"
d_files="$(json_field "$logs/decompress.out" files)"
d_in="$(json_field "$logs/decompress.out" bytes_in)"
d_out="$(json_field "$logs/decompress.out" bytes_out)"
d_rejected="$(json_field "$logs/decompress.out" rejected)"
categories="$(tail -1 "$logs/compress.out" | grep -o '"training":"[a-z_]*"' | wc -l)"
trained="$(tail -1 "$logs/compress.out" | grep -o '"training":"trained"' | wc -l)"
dict_bytes="$(tail -1 "$logs/compress.out" | grep -o '"dict_size":[0-9]*' | awk -F: '{ s += $2 } END { print s + 0 }')"
[ "$c_files" = "$gen_files" ] && [ "$d_files" = "$gen_files" ] && [ "$c_rejected" = 0 ] &&
    [ "$d_rejected" = 0 ] && [ "$c_in" = "$gen_bytes" ] && [ "$d_out" = "$gen_bytes" ] ||
    die "the summaries do not add up (see $logs)"

echo
echo "Per category (logpack compress):"
sed '$d' "$logs/compress.out" | sed 's/^/  /'
echo
say "generated  $gen_files files, $(mb "$gen_bytes") MB, $gen_categories categories   ${gen_seconds} s"
say "compress   $c_files files, $(mb "$c_in") MB -> $(mb "$c_out") MB (ratio $(awk -v r="$c_ratio" 'BEGIN { printf "%.2f", r }')), $trained of $categories categories trained a dictionary ($(mb "$dict_bytes") MB of dictionaries)   ${compress_seconds} s"
say "decompress $d_files files, $(mb "$d_in") MB -> $(mb "$d_out") MB   ${decompress_seconds} s"
say "diff -r    original and restored trees identical   ${diff_seconds} s"
say "zstd CLI   zstd -d -D packed/.dicts/$sample_dict restores $sample"
say "OK (build ${build_seconds} s, demo $(elapsed "$t0") s in total)"
