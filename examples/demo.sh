#!/usr/bin/env bash
# The zstdpool demo (the README's first command): LHCb's migration of a sub-production's job
# log ZIPs into one SQLite database, and back.
#
#   bash examples/demo.sh
#
# 1. builds the library and logpack with CMake (through cargo) and installs both into
#    build/demo-prefix (`cmake --install` puts logpack in PREFIX/bin),
# 2. generates a sub-production of job ZIPs as LHCb's log store keeps them (gentree --zip:
#    LOG/00012345/0000/<job8>.zip, DEFLATE, 200 jobs by default),
# 3. converts it into one database with `logpack convert` (one dictionary trained per kind
#    of file, stored in the database),
# 4. reads one log back with `logpack cat`, and once more without zstdpool: the documented
#    SELECT through the `sqlite3` program, then `zstd -d -D` with the row's dictionary,
# 5. reads every file back with the documented SELECT from Python (sqlite3 + zstandard,
#    tests/archive_sql_read.py), extracts everything with `logpack extract` and compares it
#    with the ZIPs' contents (unzip, diff -r), and checks the database with `logpack verify`,
# 6. prints what it did: sizes of the ZIPs and of the database, ratio against the ZIPs,
#    archive ratio (raw / (frames + dictionaries)), time per step.
#
# Needs cargo; installs cmake, a C compiler, zstd, sqlite3, unzip and Python's zstandard when
# they are missing (tests/install-tools.sh: apt-get as root, pip). Environment:
# ZSTDPOOL_BUILD_DIR (default build/), DEMO_WORK_DIR (default: a temporary directory,
# removed at the end; a given one is kept), DEMO_JOBS (default 200). Exits non-zero on any
# failure or mismatch.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build="${ZSTDPOOL_BUILD_DIR:-$root/build}"
prefix="$build/demo-prefix"
jobs="${DEMO_JOBS:-200}"

say() { printf 'demo: %s\n' "$*"; }
die() {
    printf 'demo: FAILED: %s\n' "$*" >&2
    exit 1
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

command -v cargo >/dev/null 2>&1 || die "cargo is needed (not found in PATH)"
bash "$root/tests/install-tools.sh" cmake cc zstd sqlite3 unzip python-zstandard ||
    die "cmake, cc, zstd, sqlite3, unzip and Python's zstandard are needed"
for tool in cmake zstd sqlite3 unzip python3 diff awk; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is needed (not found in PATH)"
done

if [ -n "${DEMO_WORK_DIR:-}" ]; then
    work="$DEMO_WORK_DIR"
    rm -rf "$work/store" "$work/sub.db" "$work/sub.db-wal" "$work/sub.db-shm" "$work/extracted" \
        "$work/unzipped" "$work/sql"
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

# --- 1. Build and install -------------------------------------------------------------------
t0="$(now)"
say "building libzstdpool and logpack (cmake + cargo, release; a minute or two the first time) and installing them into $prefix ..."
quiet configure cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
quiet build cmake --build "$build"
quiet install cmake --install "$build" --prefix "$prefix"
say "building the gentree example (cargo) ..."
quiet gentree-build cargo build --release --example gentree
logpack="$prefix/bin/logpack"
gentree="$root/target/release/examples/gentree"
[ -x "$logpack" ] || die "cmake --install did not install $logpack"
build_seconds="$(elapsed "$t0")"
say "build done in ${build_seconds} s"

# --- 2. A sub-production of job ZIPs ----------------------------------------------------------
t="$(now)"
"$gentree" "$work/store" --zip --jobs "$jobs" >"$logs/gentree.out" || die "gentree"
gen_seconds="$(elapsed "$t")"
sub="$work/store/LOG/00012345/0000"
gen_files="$(sed -n 's/^files=\([0-9]*\) .*/\1/p' "$logs/gentree.out")"
gen_bytes="$(sed -n 's/^files=[0-9]* bytes=\([0-9]*\) .*/\1/p' "$logs/gentree.out")"
zips="$(sed -n 's/.* zips=\([0-9]*\) .*/\1/p' "$logs/gentree.out")"
zip_bytes="$(sed -n 's/.* zip_bytes=\([0-9]*\) .*/\1/p' "$logs/gentree.out")"
[ "$zips" = "$jobs" ] && [ "$(find "$sub" -name '*.zip' | wc -l)" = "$jobs" ] ||
    die "gentree wrote $zips ZIPs, expected $jobs in $sub"

# --- 3. Convert -----------------------------------------------------------------------------
db="$work/sub.db"
say "logpack convert $sub $db"
t="$(now)"
"$logpack" convert "$sub" "$db" >"$logs/convert.out" 2>"$logs/convert.err" ||
    { tail -20 "$logs/convert.err" >&2; die "logpack convert (see above)"; }
convert_seconds="$(elapsed "$t")"
tail -1 "$logs/convert.err" | sed 's/^/  /'
db_bytes="$(stat -c %s "$db")"

json_field() { # json_field FILE FIELD: a top-level number of the JSON (last) line
    tail -1 "$1" | sed 's/,"categories":.*//' | sed -n "s/^{.*\"$2\":\([-0-9.e+]*\).*/\1/p"
}
c_jobs="$(json_field "$logs/convert.out" jobs_converted)"
c_files="$(json_field "$logs/convert.out" files)"
c_in="$(json_field "$logs/convert.out" bytes_in)"
c_frames="$(json_field "$logs/convert.out" bytes_out)"
c_dicts="$(json_field "$logs/convert.out" dict_bytes)"
c_ratio="$(json_field "$logs/convert.out" ratio)"
c_archive_ratio="$(json_field "$logs/convert.out" archive_ratio)"
c_rejected="$(json_field "$logs/convert.out" rejected)"
[ "$c_jobs" = "$jobs" ] && [ "$c_files" = "$gen_files" ] && [ "$c_in" = "$gen_bytes" ] &&
    [ "$c_rejected" = 0 ] || die "the conversion's summary does not add up (see $logs/convert.out)"
listed="$("$logpack" ls "$db" | wc -l)"
[ "$listed" = "$jobs" ] || die "logpack ls lists $listed jobs, expected $jobs"

# --- 4. One log: logpack cat, then the documented SELECT with sqlite3 and zstd -D -------------
job=$((jobs < 42 ? jobs : 42))
name="Gauss_00012345_$(printf '%08d' "$job")_1.log"
zip="$sub/$(printf '%08d' "$job").zip"
folder="$(unzip -Z1 "$zip" | head -1 | cut -d/ -f1)"
unzip -p "$zip" "$folder/$name" >"$work/expected.log"
"$logpack" cat "$db" "$job" "$name" | cmp -s - "$work/expected.log" ||
    die "logpack cat $job $name differs from the ZIP's $folder/$name"

select="SELECT data.data, dict.data FROM data JOIN dict ON data.dict = dict.id WHERE data.name = '$name' AND data.job = $job"
mkdir -p "$work/sql"
# writefile() (the sqlite3 program's) writes each column of the documented SELECT to a file.
sqlite3 -readonly "$db" \
    "SELECT writefile('$work/sql/frame.zst', frame), writefile('$work/sql/dict', dict) FROM (SELECT data.data AS frame, dict.data AS dict FROM data JOIN dict ON data.dict = dict.id WHERE data.name = '$name' AND data.job = $job)" \
    >/dev/null || die "sqlite3: $select"
[ -s "$work/sql/frame.zst" ] || die "sqlite3 found no row for job $job, $name"
if [ -s "$work/sql/dict" ]; then
    zstd -q -d -c -D "$work/sql/dict" "$work/sql/frame.zst" >"$work/sql/out.log"
    sql_dict="with its dictionary ($(stat -c %s "$work/sql/dict") bytes, zstd -D)"
else
    zstd -q -d -c "$work/sql/frame.zst" >"$work/sql/out.log"
    sql_dict="(its category has no dictionary)"
fi
cmp -s "$work/sql/out.log" "$work/expected.log" ||
    die "the documented SELECT + zstd -d did not restore job $job, $name"

# --- 5. Everything: Python's sqlite3 + zstandard, extract + diff, verify ------------------------
t="$(now)"
python3 "$root/tests/archive_sql_read.py" "$db" "$sub" >"$logs/sql_read.out" 2>&1 ||
    { tail -20 "$logs/sql_read.out" >&2; die "the documented SELECT from Python"; }
python_seconds="$(elapsed "$t")"

t="$(now)"
"$logpack" extract "$db" "$work/extracted" >"$logs/extract.out" 2>&1 ||
    { tail -20 "$logs/extract.out" >&2; die "logpack extract"; }
extract_seconds="$(elapsed "$t")"
# The reference: every ZIP unzipped into a flat folder named after its job.
mkdir -p "$work/unzipped"
for z in "$sub"/*.zip; do
    unzip -q -j "$z" -d "$work/unzipped/$(basename "$z" .zip)"
done
diff -r "$work/unzipped" "$work/extracted" >"$logs/diff.out" 2>&1 ||
    { head -20 "$logs/diff.out" >&2; die "the extracted jobs differ from the ZIPs' contents"; }
[ "$(find "$work/extracted" -type f | wc -l)" = "$gen_files" ] ||
    die "extract wrote $(find "$work/extracted" -type f | wc -l) files, expected $gen_files"

t="$(now)"
"$logpack" verify "$db" >"$logs/verify.out" 2>&1 ||
    { tail -20 "$logs/verify.out" >&2; die "logpack verify"; }
verify_seconds="$(elapsed "$t")"

# --- 6. Summary -----------------------------------------------------------------------------
mb() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1e6 }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "Per category (logpack convert):"
sed '$d' "$logs/convert.out" | sed 's/^/  /'
echo
say "generated   $zips job ZIPs of $(mb "$zip_bytes") MB in all: $gen_files log files, $(mb "$gen_bytes") MB raw   ${gen_seconds} s"
say "convert     one database of $(mb "$db_bytes") MB: frames $(mb "$c_frames") MB + dictionaries $(mb "$c_dicts") MB (frames ratio $(div "$c_ratio" 1), archive ratio $(div "$c_archive_ratio" 1))   ${convert_seconds} s"
say "            $(div "$zip_bytes" "$db_bytes")x smaller than the ZIPs it replaces ($(div "$gen_bytes" "$db_bytes")x the raw logs)"
say "cat         logpack cat $db $job $name: identical to the ZIP's entry"
say "sqlite3     $select"
say "            then zstd -d $sql_dict: identical"
say "python      $(sed 's/^archive_sql_read: //' "$logs/sql_read.out")   ${python_seconds} s"
say "extract     $(sed 's/ into .*(/ (/; s/, [0-9.]* s$//' "$logs/extract.out"); diff -r against the unzipped ZIPs: identical   ${extract_seconds} s"
say "verify      $(head -1 "$logs/verify.out")"
say "OK (build ${build_seconds} s, demo $(elapsed "$t0") s in total)"
