#!/usr/bin/env bash
# Install test: builds the library with the standard CMake flow, installs it into a
# temporary prefix, and uses it the ways a C or C++ user would:
#
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
#   cmake --build build
#   cmake --install build --prefix PREFIX
#
# (c) the installed files: the exact list, the library links and SONAME, zstdpool.pc, the
#     version compatibility rule, a relocated prefix, DESTDIR;
# (a) a fresh out-of-tree CMake project (tests/install/consumer) with
#     find_package(zstdpool CONFIG REQUIRED): a C program linked to zstdpool::zstdpool and
#     to zstdpool::zstdpool_static; the C++ example (examples/cpp, which includes the
#     installed <zstdpool.hpp> through zstdpool::zstdpool's include directory); logpack
#     (examples/logpack) shared and static, and logpack's behaviour on a small tree (round
#     trips, file names with spaces, empty files and directories, failures, usage errors, the
#     OUT/.logpack manifest); the logpack installed as PREFIX/bin/logpack and its archive
#     commands on job ZIPs (convert, rerun, ls, cat, extract, verify, a bad ZIP, a damaged
#     database, the documented SELECT read with Python's sqlite3 + zstandard);
# (b) pkg-config: `cc app.c $(pkg-config --cflags --libs zstdpool)`, and a static link with
#     Libs.private.
#
# Environment: ZSTDPOOL_BUILD_DIR (the CMake build directory, default build/: reused, so a
# second run does not rebuild the library), CC, CXX, KEEP_TMP=1 (keep the temporary
# directory). Ends with "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
build="${ZSTDPOOL_BUILD_DIR:-$root/build}"
cc="${CC:-cc}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/zstdpool-install.XXXXXX")"
if [ "${KEEP_TMP:-0}" = 1 ]; then
    echo "temporary directory: $tmp"
else
    trap 'rm -rf "$tmp"' EXIT
fi
prefix="$tmp/prefix"
logs="$tmp/logs"
mkdir -p "$logs"

passed=0
failed=0
n=0
pass() {
    passed=$((passed + 1))
    echo "ok   $*"
}
fail() {
    failed=$((failed + 1))
    echo "FAIL $*"
}
# check NAME COMMAND...: runs COMMAND, logging its output; passes if it exits 0.
check() {
    local name="$1"
    shift
    n=$((n + 1))
    local log="$logs/$n.log"
    if "$@" >"$log" 2>&1; then
        pass "$name"
        return 0
    fi
    fail "$name (exit $?; log $log)"
    sed 's/^/     | /' "$log" | tail -30
    return 1
}
# expect NAME ACTUAL EXPECTED
expect() {
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1: got '$2', expected '$3'"
    fi
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

version="$(sed -n 's/^#define ZSTDPOOL_VERSION_MAJOR \([0-9]*\)$/\1/p' include/zstdpool.h)"
major="$version"
minor="$(sed -n 's/^#define ZSTDPOOL_VERSION_MINOR \([0-9]*\)$/\1/p' include/zstdpool.h)"
patch="$(sed -n 's/^#define ZSTDPOOL_VERSION_PATCH \([0-9]*\)$/\1/p' include/zstdpool.h)"
version="$major.$minor.$patch"
if [ "$major" = 0 ]; then soname="libzstdpool.so.0.$minor"; else soname="libzstdpool.so.$major"; fi
realname="libzstdpool.so.$version"

# --- Build and install ------------------------------------------------------------------------
t0=$SECONDS
check "cmake configure (Release)" cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release || finish
check "cmake --build" cmake --build "$build" || finish
check "cmake --install --prefix" cmake --install "$build" --prefix "$prefix" || finish
echo "     (build and install: $((SECONDS - t0)) s)"
lib="$prefix/lib"

# --- (c) The installed files ---------------------------------------------------------------------
expected="$(LC_ALL=C sort <<LIST
bin/logpack
include/zstdpool.h
include/zstdpool.hpp
lib/$realname
lib/$soname
lib/libzstdpool.so
lib/libzstdpool.a
lib/cmake/zstdpool/zstdpoolConfig.cmake
lib/cmake/zstdpool/zstdpoolConfigVersion.cmake
lib/cmake/zstdpool/zstdpoolTargets.cmake
lib/pkgconfig/zstdpool.pc
LIST
)"
actual="$(cd "$prefix" && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort)"
expect "installed file list" "$actual" "$expected"
manifest="$(sed "s|^$prefix/||" "$build/install_manifest.txt" | LC_ALL=C sort)"
expect "install_manifest.txt lists the same files" "$manifest" "$expected"
expect "$soname -> $realname" "$(readlink "$lib/$soname")" "$realname"
expect "libzstdpool.so -> $soname" "$(readlink "$lib/libzstdpool.so")" "$soname"
expect "SONAME of $realname" \
    "$(readelf -d "$lib/$realname" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')" "$soname"
expect "the shared library exports only zstdpool_*" \
    "$(nm -D --defined-only "$lib/$realname" | awk '{print $NF}' | grep -vc '^zstdpool_')" 0
expect "installed header is include/zstdpool.h" "$(cmp -s include/zstdpool.h "$prefix/include/zstdpool.h" && echo same)" same
expect "installed C++ header is include/zstdpool.hpp" "$(cmp -s include/zstdpool.hpp "$prefix/include/zstdpool.hpp" && echo same)" same
expect "zstdpool_* symbols in the static library" \
    "$(nm --defined-only "$lib/libzstdpool.a" 2>/dev/null | grep -c ' T zstdpool_version$')" 1

pc="$lib/pkgconfig/zstdpool.pc"
native="$(cat "$build"/stage/release/native-static-libs.txt)"
expect "zstdpool.pc prefix" "$(sed -n 's/^prefix=//p' "$pc")" "$prefix"
expect "zstdpool.pc Version" "$(sed -n 's/^Version: //p' "$pc")" "$version"
expect "zstdpool.pc Libs.private = rustc --print native-static-libs" \
    "$(sed -n 's/^Libs.private: //p' "$pc")" "$native"
case "$native" in *-l*) pass "native-static-libs is not empty ($native)" ;; *) fail "native-static-libs is empty" ;; esac
expect "bin/logpack needs $soname" "$(readelf -d "$prefix/bin/logpack" | grep -c "NEEDED.*\[$soname\]")" 1
expect "bin/logpack finds it through RUNPATH \$ORIGIN/../lib" \
    "$(readelf -d "$prefix/bin/logpack" | sed -n 's/.*R\(UN\)\{0,1\}PATH.*\[\(.*\)\]/\2/p')" '$ORIGIN/../lib'
check "installed bin/logpack --help" "$prefix/bin/logpack" --help
expect "zstdpoolTargets.cmake: Threads::Threads for -lpthread" \
    "$(grep -c 'INTERFACE_LINK_LIBRARIES ".*Threads::Threads' "$lib/cmake/zstdpool/zstdpoolTargets.cmake")" 1

# Version rule: while MAJOR is 0, only the same MAJOR.MINOR is compatible.
probe() { # probe REQUEST -> TRUE/FALSE
    local dir="$tmp/probe-$1"
    cmake -S "$root/tests/install/version_probe" -B "$dir" -DCMAKE_PREFIX_PATH="$prefix" \
        -DREQUEST="$1" 2>&1 | sed -n 's/.*accepted: \(TRUE\|FALSE\).*/\1/p'
}
expect "find_package(zstdpool $major.$minor) accepted" "$(probe "$major.$minor")" TRUE
expect "find_package(zstdpool $version) accepted" "$(probe "$version")" TRUE
if [ "$major" = 0 ]; then
    expect "find_package(zstdpool 0.$((minor + 1))) refused (0.x: SameMinorVersion)" \
        "$(probe "0.$((minor + 1))")" FALSE
    [ "$minor" -gt 0 ] && expect "find_package(zstdpool 0.$((minor - 1))) refused" \
        "$(probe "0.$((minor - 1))")" FALSE
fi
expect "find_package(zstdpool $((major + 1)).0) refused" "$(probe "$((major + 1)).0")" FALSE

# DESTDIR staging: files under DESTDIR, the .pc pointing at the final prefix.
check "DESTDIR=... cmake --install --prefix /opt/zstdpool" \
    env DESTDIR="$tmp/stage" cmake --install "$build" --prefix /opt/zstdpool
expect "DESTDIR: zstdpool.pc prefix is the final prefix" \
    "$(sed -n 's/^prefix=//p' "$tmp/stage/opt/zstdpool/lib/pkgconfig/zstdpool.pc" 2>/dev/null)" /opt/zstdpool
expect "DESTDIR: the same files" \
    "$(cd "$tmp/stage/opt/zstdpool" 2>/dev/null && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort)" \
    "$expected"

# A debug configure selects cargo's dev profile (checked in the generated build files, not
# built: that would compile everything again).
check "CMAKE_BUILD_TYPE=Debug selects cargo's debug profile" \
    bash -c "cmake -S '$root' -B '$tmp/debug-config' -DCMAKE_BUILD_TYPE=Debug >/dev/null &&
             grep -rqs -- '-DPROFILE=debug' '$tmp/debug-config/CMakeFiles' &&
             ! grep -rqs -- '-DPROFILE=release' '$tmp/debug-config/CMakeFiles'"

# --- (a) find_package from fresh out-of-tree projects --------------------------------------------
consumer="$tmp/consumer"
check "consumer: configure (find_package(zstdpool CONFIG REQUIRED))" \
    cmake -S "$root/tests/install/consumer" -B "$consumer" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_COMPILER="$cc"
check "consumer: build app (zstdpool::zstdpool) and app_static (zstdpool::zstdpool_static)" \
    cmake --build "$consumer"
check "consumer: app round trip (shared)" "$consumer/app"
check "consumer: app_static round trip (static)" "$consumer/app_static"
expect "consumer: app needs $soname" \
    "$(readelf -d "$consumer/app" | grep -c "NEEDED.*\[$soname\]")" 1
expect "consumer: app_static does not need libzstdpool.so" \
    "$(readelf -d "$consumer/app_static" | grep -c 'NEEDED.*libzstdpool')" 0

# The package is relocatable: move the prefix, build against the new place, run.
moved="$tmp/moved-prefix"
mv "$prefix" "$moved"
check "relocated prefix: configure, build and run the consumer" \
    bash -c "cmake -S '$root/tests/install/consumer' -B '$tmp/consumer-moved' -DCMAKE_PREFIX_PATH='$moved' &&
             cmake --build '$tmp/consumer-moved' && '$tmp/consumer-moved/app' &&
             readelf -d '$tmp/consumer-moved/app' | grep -q 'RUNPATH.*$moved/lib'"
check "relocated prefix: bin/logpack still runs" "$moved/bin/logpack" --help
mv "$moved" "$prefix"

cpp="$tmp/cpp"
check "C++ example: configure and build (examples/cpp, C++17, installed zstdpool.hpp)" \
    bash -c "cmake -S '$root/examples/cpp' -B '$cpp' -DCMAKE_PREFIX_PATH='$prefix' ${CXX:+-DCMAKE_CXX_COMPILER=$CXX} &&
             cmake --build '$cpp'"
check "C++ example: run" "$cpp/zstdpool_cpp_example"
expect "C++ example: compiled with the installed zstdpool.hpp (compiler dependencies)" \
    "$(grep -rls "$prefix/include/zstdpool.hpp" "$cpp/CMakeFiles" >/dev/null && echo yes)" yes
expect "examples/cpp holds only the example program" \
    "$(cd "$root/examples/cpp" && ls | tr '\n' ' ')" "CMakeLists.txt main.cpp "

lp="$tmp/logpack"
check "logpack: configure and build (shared)" \
    bash -c "cmake -S '$root/examples/logpack' -B '$lp' -DCMAKE_PREFIX_PATH='$prefix' -DCMAKE_C_COMPILER='$cc' &&
             cmake --build '$lp'"
check "logpack: configure and build (static, ZSTDPOOL_STATIC=ON)" \
    bash -c "cmake -S '$root/examples/logpack' -B '$lp-static' -DCMAKE_PREFIX_PATH='$prefix' -DZSTDPOOL_STATIC=ON &&
             cmake --build '$lp-static'"
logpack="$lp/logpack"

# logpack's command line.
usage_status() { "$logpack" "$@" >/dev/null 2>&1; echo $?; }
expect "logpack (no arguments) exits 2" "$(usage_status)" 2
expect "logpack frobnicate exits 2" "$(usage_status frobnicate a b)" 2
expect "logpack compress IN (missing OUT) exits 2" "$(usage_status compress "$tmp")" 2
expect "logpack --category bad exits 2" "$(usage_status compress "$tmp" "$tmp/x" --category bad)" 2
expect "logpack --level (missing value) exits 2" "$(usage_status compress "$tmp" "$tmp/x" --level)" 2
expect "logpack --volume 0 exits 2" "$(usage_status compress "$tmp" "$tmp/x" --volume 0)" 2
expect "logpack decompress --volume exits 2" "$(usage_status decompress "$tmp" "$tmp/x" --volume 9)" 2
expect "logpack --level 99 exits 2 (rejected by the configuration)" "$(usage_status compress "$tmp/logs" "$tmp/x" --level 99)" 2
expect "logpack decompress --level exits 2" "$(usage_status decompress "$tmp" "$tmp/x" --level 3)" 2
expect "logpack --help exits 0" "$(usage_status --help)" 0
"$logpack" 2>"$logs/usage.txt"
expect "the usage message names both commands" "$(grep -c 'logpack compress\|logpack decompress' "$logs/usage.txt")" 2
expect "the usage message names the archive commands" \
    "$(grep -c 'logpack convert SRC DB\|logpack ls DB\|logpack cat DB JOB NAME\|logpack extract DB DIR\|logpack verify DB' "$logs/usage.txt")" 5
expect "logpack convert SRC (missing DB) exits 2" "$(usage_status convert "$tmp")" 2
expect "logpack convert --bogus exits 2" "$(usage_status convert "$tmp" "$tmp/x.db" --bogus)" 2
expect "logpack convert --workers 0 exits 2" "$(usage_status convert "$tmp" "$tmp/x.db" --workers 0)" 2
expect "logpack cat DB JOB (missing NAME) exits 2" "$(usage_status cat "$tmp/x.db" 3)" 2
expect "logpack ls DB abc (not a job number) exits 2" "$(usage_status ls "$tmp/x.db" abc)" 2
expect "logpack verify (missing DB) exits 2" "$(usage_status verify)" 2
expect "logpack extract DB (missing DIR) exits 2" "$(usage_status extract "$tmp/x.db")" 2

# A small tree: nested job directories, names with spaces, empty files, an empty directory, a
# file at the top, a symlink (skipped).
tree="$tmp/tree"
for job in 1 2 3 4 5 6 7 8 9 10 11 12; do
    d="$tree/prod 42/job $job"
    mkdir -p "$d"
    for i in $(seq 1 40); do
        echo "$(printf '2024-05-%02d' $((job % 28 + 1))) INFO step $i of job $job: all good, value=$((job * i * 7919 % 1000))"
    done >"$d/Gauss_0042_$job.log"
    printf '<summary job="%d"><success>True</success><events>%d</events></summary>\n' "$job" $((job * 100)) \
        >"$d/summary Gauss $job.xml"
    : >"$d/std.err"
done
mkdir -p "$tree/empty dir/inner"
echo "top-level file" >"$tree/README top.txt"
ln -s "README top.txt" "$tree/a symlink"

lp_run() { # lp_run NAME ARGS...: runs logpack, keeping stdout in $logs/NAME.out
    local name="$1"
    shift
    "$logpack" "$@" >"$logs/$name.out" 2>"$logs/$name.err"
}
json() { tail -1 "$logs/$1.out" | sed 's/,"categories":.*//' | sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p"; }
files=$(find "$tree" -type f | wc -l)

for mode in name dir; do
    check "logpack compress --category $mode (small tree with spaces)" \
        lp_run "c-$mode" compress "$tree" "$tmp/packed-$mode" --category "$mode" --workers 2 --level 5 \
        --volume 1000000000
    check "logpack decompress --category $mode" \
        lp_run "d-$mode" decompress "$tmp/packed-$mode" "$tmp/restored-$mode" --category "$mode"
    check "logpack --category $mode: diff -r original restored (symlink aside)" \
        diff -r --no-dereference -x 'a symlink' "$tree" "$tmp/restored-$mode"
    expect "logpack --category $mode: JSON files" "$(json "c-$mode" files)" "$files"
    expect "logpack --category $mode: JSON rejected" "$(json "c-$mode" rejected)" 0
    expect "logpack --category $mode: JSON skipped (the symlink)" "$(json "c-$mode" skipped)" 1
    expect "logpack --category $mode: bytes out of decompress = bytes in of compress" \
        "$(json "d-$mode" bytes_out)" "$(json "c-$mode" bytes_in)"
done
expect "logpack --category name: categories" \
    "$(tail -1 "$logs/c-name.out" | grep -o '"[^"]*":{"files"' | sed 's/":{"files"//; s/^"//' | LC_ALL=C sort | tr '\n' '|')" \
    'Gauss_#_#.log|README top.txt|std.err|summary Gauss #.xml|'
expect "logpack --category dir: categories (no dictionary for the top-level file)" \
    "$(tail -1 "$logs/c-dir.out" | grep -o '"[^"]*":{"files"' | sed 's/":{"files"//; s/^"//' | LC_ALL=C sort | tr '\n' '|')" \
    '|prod 42|'
expect "logpack: the empty directory is recreated" "$(test -d "$tmp/restored-name/empty dir/inner" && echo yes)" yes
expect "logpack: no temporary files left" "$(find "$tmp/packed-name" "$tmp/restored-name" -name '.logpack.*' | wc -l)" 0
expect "logpack: dictionaries in OUT/.dicts" "$(test -f "$tmp/packed-name/.dicts/Gauss_%23_%23.log.zdict" && echo yes)" yes
check "logpack output is a standard frame (zstd -d -D)" \
    bash -c "zstd -q -d -c -D '$tmp/packed-name/.dicts/Gauss_%23_%23.log.zdict' '$tmp/packed-name/prod 42/job 3/Gauss_0042_3.log.zst' |
             cmp - '$tree/prod 42/job 3/Gauss_0042_3.log'"
check "logpack (static build) round trip" \
    bash -c "'$lp-static/logpack' compress '$tree' '$tmp/packed-static' >/dev/null 2>&1 &&
             '$lp-static/logpack' decompress '$tmp/packed-static' '$tmp/restored-static' >/dev/null 2>&1 &&
             diff -r -x 'a symlink' '$tree' '$tmp/restored-static'"

# Failures: a corrupt and a truncated frame are rejected and listed, the rest restored, exit 1.
cp -r "$tmp/packed-name" "$tmp/broken"
printf 'garbage' >"$tmp/broken/prod 42/job 2/std.err.zst"
head -c 20 "$tmp/packed-name/prod 42/job 5/Gauss_0042_5.log.zst" >"$tmp/broken/prod 42/job 5/Gauss_0042_5.log.zst"
lp_run broken decompress "$tmp/broken" "$tmp/restored-broken"
expect "logpack decompress with 2 bad frames exits 1" "$?" 1
expect "logpack: JSON rejected = 2" "$(json broken rejected)" 2
expect "logpack: the rejected files are listed on stderr" \
    "$(grep -c 'FAILED prod 42/job 2/std.err.zst: \|FAILED prod 42/job 5/Gauss_0042_5.log.zst: ' "$logs/broken.err")" 2
expect "logpack: rejected outputs are not written" \
    "$(ls "$tmp/restored-broken/prod 42/job 2/std.err" "$tmp/restored-broken/prod 42/job 5/Gauss_0042_5.log" 2>/dev/null | wc -l)" 0
expect "logpack: the other files are restored" \
    "$(diff -r -x 'a symlink' "$tree" "$tmp/restored-broken" 2>&1 | grep -c '^Only in')" 2

# A wrong --category on decompression: frames meet another dictionary than their own.
lp_run wrongcat decompress "$tmp/packed-name" "$tmp/restored-wrong" --category dir
expect "logpack decompress with the wrong --category exits 1" "$?" 1

# The manifest: OUT/.logpack says how compress categorised, so decompress needs no option.
expect "logpack compress writes OUT/.logpack (--category dir)" \
    "$(grep -v '^#' "$tmp/packed-dir/.logpack" | tr '\n' ' ')" "format=1 category=dir dicts=.dicts "
expect "logpack compress writes OUT/.logpack (--category name)" \
    "$(grep -v '^#' "$tmp/packed-name/.logpack" | tr '\n' ' ')" "format=1 category=name dicts=.dicts "
check "logpack decompress of a --category dir archive, no option given (the manifest says dir)" \
    lp_run d-dir-auto decompress "$tmp/packed-dir" "$tmp/restored-dir-auto"
check "the manifest's round trip: diff -r" diff -r -x 'a symlink' "$tree" "$tmp/restored-dir-auto"
expect "decompress reports the manifest's category mode" \
    "$(tail -1 "$logs/d-dir-auto.out" | grep -c '"category_mode":"dir"')" 1
expect "the manifest is not restored as a file" "$(test -e "$tmp/restored-dir-auto/.logpack" && echo yes || echo no)" no
expect "the manifest is not counted as skipped" "$(json d-dir-auto skipped)" 0
check "logpack compress --dicts elsewhere: the manifest holds its absolute path" \
    bash -c "cd '$tmp' && '$logpack' compress '$tree' packed-elsewhere --dicts dicts-elsewhere >/dev/null 2>&1 &&
             grep -qx 'dicts=$tmp/dicts-elsewhere' packed-elsewhere/.logpack &&
             '$logpack' decompress packed-elsewhere restored-elsewhere >/dev/null 2>&1 &&
             diff -r -x 'a symlink' '$tree' restored-elsewhere"
# A frame copied over a file of another category is caught: two kinds of file that both
# train a dictionary, compressed, then one frame copied over a file of the other kind.
tree2="$tmp/tree2"
mkdir -p "$tree2"
for k in $(seq 1 16); do
    for i in $(seq 1 40); do
        echo "2024-05-01 ApplicationMgr INFO step $i of job $k: all good, value=$((k * i * 7919 % 1000))"
    done >"$tree2/Gauss_$k.log"
    {
        echo '<?xml version="1.0" encoding="UTF-8"?>'
        echo '<summary version="1.0" xsi:noNamespaceSchemaLocation="$XMLSUMMARYBASEROOT/xml/XMLSummary.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        echo "  <success>True</success>"
        echo "  <step>finalize</step>"
        echo "  <usage><stat unit=\"KB\" useOf=\"MemoryMaximum\">$((k * 7919 % 100000))</stat></usage>"
        echo "  <input><file GUID=\"\" name=\"LFN:/lhcb/MC/2018/SIM/00012345/0000/00012345_0000000${k}_1.sim\" status=\"full\">$((k * 13))</file></input>"
        echo "  <output><file GUID=\"\" name=\"PFN:00012345_0000000${k}_2.digi\" status=\"full\">$((k * 17))</file></output>"
        echo '</summary>'
    } >"$tree2/summary_$k.xml"
done
check "logpack compress (two categories that both train)" \
    lp_run c-two compress "$tree2" "$tmp/packed-two" --volume 1000000000
expect "both categories trained a dictionary" "$(tail -1 "$logs/c-two.out" | grep -o '"training":"trained"' | wc -l)" 2
cp -r "$tmp/packed-two" "$tmp/swapped"
cp "$tmp/packed-two/Gauss_3.log.zst" "$tmp/swapped/summary_4.xml.zst"
lp_run swapped decompress "$tmp/swapped" "$tmp/restored-swapped"
expect "a frame copied over another category's file: exit 1" "$?" 1
expect "... rejected with ZSTDPOOL_ERR_DICT_MISMATCH" \
    "$(grep -c 'FAILED summary_4.xml.zst: .*\[dictionary mismatch\]' "$logs/swapped.err")" 1
expect "... and only that file" "$(json swapped rejected)" 1
# Nothing to decompress is an error, not "0 of 0 files".
mkdir -p "$tmp/no-zst/sub"
echo "plain text" >"$tmp/no-zst/sub/a.txt"
lp_run nozst decompress "$tmp/no-zst" "$tmp/restored-nozst"
expect "logpack decompress of a folder without .zst files exits 1" "$?" 1
expect "... saying so" "$(grep -c 'no .zst files in .*no-zst: nothing to decompress' "$logs/nozst.err")" 1
lp_run nozst-empty decompress "$tmp/restored-nozst" "$tmp/restored-nozst2"
expect "logpack decompress of an empty folder exits 1" "$?" 1

# --- The archive: job ZIPs into one SQLite database, with the installed bin/logpack -----------
installed="$prefix/bin/logpack"
zipsrc="$tmp/zips"
python3 - "$zipsrc" <<'PY'
import pathlib, sys, zipfile
root = pathlib.Path(sys.argv[1])
root.mkdir(parents=True)
for job in range(1, 13):
    job8 = f"{job:08d}"
    folder = job8 if job % 4 else f"00000042_{job8}"
    log = "".join(f"2024-05-{job % 28 + 1:02d} INFO step {i} of job {job}: all good, "
                  f"value={job * i * 7919 % 1000}\n" for i in range(1, 41))
    with zipfile.ZipFile(root / f"{job8}.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{folder}/Gauss_00000042_{job8}_1.log", log)
        z.writestr(f"{folder}/summaryGauss_00000042_{job8}_1.xml",
                   f"<summary><success>{job != 7}</success><events>{job * 100}</events></summary>\n")
        z.writestr(f"{folder}/job.info", f"/JobID = {1000 + job}\n/Status = Done\n")
        z.writestr(f"{folder}/std.err", "")
PY
mkdir -p "$tmp/unzipped"
for z in "$zipsrc"/*.zip; do unzip -q -j "$z" -d "$tmp/unzipped/$(basename "$z" .zip)"; done
ia_run() { # ia_run NAME ARGS...: the installed logpack, stdout in $logs/NAME.out
    local name="$1"
    shift
    "$installed" "$@" >"$logs/$name.out" 2>"$logs/$name.err"
}
ijson() { tail -1 "$logs/$1.out" | sed 's/,"categories":.*//' | sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p"; }
db="$tmp/sub.db"
check "logpack convert (12 job ZIPs into one database)" ia_run conv convert "$zipsrc" "$db" --workers 2
expect "convert: JSON jobs_converted" "$(ijson conv jobs_converted)" 12
expect "convert: JSON files" "$(ijson conv files)" 48
expect "convert: JSON bytes_in = the ZIPs' contents" "$(ijson conv bytes_in)" "$(cat "$tmp"/unzipped/*/* | wc -c)"
expect "convert: JSON rejected" "$(ijson conv rejected)" 0
expect "convert: JSON database_bytes = the file's size" "$(ijson conv database_bytes)" "$(stat -c %s "$db")"
expect "convert: the per-category table lists the 4 categories" \
    "$(sed -n '2,5p' "$logs/conv.out" | awk '{print $1}' | tr '\n' ' ')" \
    "Gauss_#_#_#.log job.info std.err summaryGauss_#_#_#.xml "
expect "convert: progress on stderr ends at 12/12 jobs with MB in and out, rate and ETA" \
    "$(tail -1 "$logs/conv.err" | grep -c 'converted 12/12 jobs (0 skipped, 0 refused), 48 files, .* MB in, .* MB out, .* MB/s, ETA 0 s')" 1
expect "convert: no write-ahead log left beside the database" "$(ls "$db-wal" 2>/dev/null | wc -l)" 0
check "logpack ls DB" ia_run ls ls "$db"
expect "ls: one line per job" "$(wc -l <"$logs/ls.out")" 12
expect "ls: job 1 (number, DIRAC id, success, files)" "$(head -1 "$logs/ls.out")" "00000001  dirac_id=1001  success=yes  files=4"
expect "ls: job 7 failed" "$(sed -n 7p "$logs/ls.out")" "00000007  dirac_id=1007  success=no  files=4"
check "logpack ls DB 00000004" ia_run ls4 ls "$db" 00000004
expect "ls DB JOB: the job's files, sorted" "$(tr '\n' ' ' <"$logs/ls4.out")" \
    "Gauss_00000042_00000004_1.log job.info std.err summaryGauss_00000042_00000004_1.xml "
check "logpack cat DB 4 NAME = the ZIP's entry" \
    bash -c "'$installed' cat '$db' 4 Gauss_00000042_00000004_1.log | cmp - '$tmp/unzipped/00000004/Gauss_00000042_00000004_1.log'"
check "logpack cat of an empty file" bash -c "test \$('$installed' cat '$db' 4 std.err | wc -c) = 0"
ia_run cat-missing cat "$db" 4 nope.log
expect "logpack cat of a missing file exits 1" "$?" 1
expect "... saying which" "$(grep -c 'no file job 4: nope.log' "$logs/cat-missing.err")" 1
ia_run ls-missing ls "$db" 99
expect "logpack ls of a missing job exits 1" "$?" 1
expect "... saying which" "$(grep -c 'no job 99' "$logs/ls-missing.err")" 1
check "logpack extract DB DIR" ia_run extract extract "$db" "$tmp/extracted"
check "extract: diff -r against the ZIPs' contents" diff -r "$tmp/unzipped" "$tmp/extracted"
expect "extract: the report" "$(cut -d, -f1-2 "$logs/extract.out")" "extracted 12 jobs, 48 files"
check "logpack verify DB" ia_run verify verify "$db"
expect "verify: every file" "$(grep -c '^verified 48 files, .*: ok' "$logs/verify.out")" 1
if python3 -c 'import zstandard' 2>/dev/null; then
    check "the documented SELECT, read with Python's sqlite3 + zstandard, byte for byte" \
        python3 "$root/tests/archive_sql_read.py" "$db" "$zipsrc"
else
    echo "skip the documented SELECT from Python: no zstandard module (bash tests/install-tools.sh python-zstandard)"
fi
check "logpack convert again (resume): nothing to do" ia_run conv2 convert "$zipsrc" "$db"
expect "convert again: JSON jobs_skipped" "$(ijson conv2 jobs_skipped)" 12
expect "convert again: JSON jobs_converted" "$(ijson conv2 jobs_converted)" 0
# A bad ZIP: refused with its own error and listed; the other jobs convert.
cp -r "$zipsrc" "$tmp/zips-bad"
echo "not a zip" >"$tmp/zips-bad/00000099.zip"
ia_run conv-bad convert "$tmp/zips-bad" "$tmp/bad.db"
expect "convert with a bad ZIP exits 1" "$?" 1
expect "... lists it (REFUSED, its input and status)" \
    "$(grep -c 'REFUSED .*00000099.zip: .*not a ZIP.*\[' "$logs/conv-bad.err")" 1
expect "... converts the other jobs" "$(ijson conv-bad jobs_converted)" 12
expect "... JSON jobs_failed" "$(ijson conv-bad jobs_failed)" 1
# A damaged database: verify lists the row and exits 1.
cp "$db" "$tmp/damaged.db"
python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
(frame,) = c.execute("SELECT data FROM data WHERE job = 5 AND name = ?", ("job.info",)).fetchone()
frame = bytearray(frame)
frame[len(frame) // 2] ^= 0x40
c.execute("UPDATE data SET data = ? WHERE job = 5 AND name = ?", (bytes(frame), "job.info"))
c.commit()' "$tmp/damaged.db"
ia_run verify-damaged verify "$tmp/damaged.db"
expect "verify of a damaged database exits 1" "$?" 1
expect "... and lists the damaged file" "$(grep -c 'PROBLEM job 00000005 job.info: ' "$logs/verify-damaged.err")" 1
ia_run verify-notdb verify "$logs/usage.txt"
expect "verify of a file that is not a database exits 1" "$?" 1
expect "... saying so" "$(grep -c 'not a database\|not a zstdpool archive' "$logs/verify-notdb.err")" 1

# Killed (kill -9) during a conversion, then run again: the database is whole and complete.
# 1,000 jobs of 30 small files, one worker: commits of 10,000 rows, so a kill after the first
# one leaves part of the jobs (the loop kills as soon as it sees a committed job).
python3 - "$tmp/zips-many" <<'PY'
import pathlib, sys, zipfile
root = pathlib.Path(sys.argv[1])
root.mkdir(parents=True)
for job in range(1, 1001):
    job8 = f"{job:08d}"
    with zipfile.ZipFile(root / f"{job8}.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{job8}/job.info", f"/JobID = {5000 + job}\n")
        for step in range(1, 30):
            z.writestr(f"{job8}/Gauss_00000042_{job8}_{step}.log",
                       f"2024-05-01 INFO step {step} of job {job}: energy={job * step * 7919 % 100003}\n" * 4)
PY
"$installed" convert "$tmp/zips-many" "$tmp/killed.db" --workers 1 >"$logs/killed.out" 2>&1 &
victim=$!
# A cheap probe of the committed jobs (the sqlite3 program when there is one).
jobs_in() {
    if command -v sqlite3 >/dev/null 2>&1; then
        sqlite3 -readonly "$1" 'SELECT count(*) FROM job' 2>/dev/null || echo 0
    else
        "$installed" ls "$1" 2>/dev/null | wc -l
    fi
}
for _ in $(seq 1 1000); do
    [ "$(jobs_in "$tmp/killed.db")" -gt 0 ] && break
    kill -0 "$victim" 2>/dev/null || break
    sleep 0.005
done
kill -9 "$victim" 2>/dev/null
wait "$victim" 2>/dev/null
committed="$("$installed" ls "$tmp/killed.db" 2>/dev/null | wc -l)"
echo "     (killed: $committed of 1000 jobs committed)"
check "after kill -9: verify finds whole jobs only" ia_run killed-verify verify "$tmp/killed.db"
expect "... $committed jobs, 30 files each" "$(grep -c "^verified $((committed * 30)) files" "$logs/killed-verify.out")" 1
check "after kill -9: the same convert completes it" ia_run killed-rerun convert "$tmp/zips-many" "$tmp/killed.db"
expect "... converting the jobs not yet there" "$(ijson killed-rerun jobs_converted)" $((1000 - committed))
expect "... skipping the others" "$(ijson killed-rerun jobs_skipped)" "$committed"
expect "... all 1000 jobs there" "$("$installed" ls "$tmp/killed.db" | wc -l)" 1000
check "... every file decodes" ia_run killed-verify2 verify "$tmp/killed.db"
expect "... 30,000 files" "$(grep -c '^verified 30000 files' "$logs/killed-verify2.out")" 1

# --- (b) pkg-config ---------------------------------------------------------------------------------
export PKG_CONFIG_PATH="$lib/pkgconfig"
expect "pkg-config --modversion zstdpool" "$(pkg-config --modversion zstdpool)" "$version"
check "pkg-config: cc app.c \$(pkg-config --cflags --libs zstdpool)" \
    bash -c "$cc -std=c99 -Wall -Wextra -Wpedantic -Werror '$root/tests/install/consumer/app.c' \
             \$(pkg-config --cflags --libs zstdpool) -o '$tmp/app_pc'"
check "pkg-config: run with LD_LIBRARY_PATH" env LD_LIBRARY_PATH="$lib" "$tmp/app_pc"
static_libs="$(pkg-config --static --libs zstdpool | sed 's/-lzstdpool\b/-l:libzstdpool.a/')"
check "pkg-config --static: static link with Libs.private ($static_libs)" \
    bash -c "$cc -std=c99 -Wall -Wextra -Wpedantic -Werror '$root/tests/install/consumer/app.c' \
             \$(pkg-config --cflags zstdpool) $static_libs -o '$tmp/app_pc_static' && '$tmp/app_pc_static'"
expect "pkg-config --static: no libzstdpool.so needed" \
    "$(readelf -d "$tmp/app_pc_static" 2>/dev/null | grep -c 'NEEDED.*libzstdpool')" 0

echo "     (total: $((SECONDS - t0)) s)"
finish
