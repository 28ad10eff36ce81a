#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/fuzz_*.c) into fuzz/out/:
#
#   fuzz/build.sh            against the release libzstdpool.so (cargo build --release --lib)
#   fuzz/build.sh --rust-cov against a copy of the library whose Rust code carries
#                            SanitizerCoverage (target/fuzz-sancov), so that libFuzzer also
#                            sees the Rust side's edges and comparisons (see README.md)
#
# The harnesses are C, built with clang -g -O1 -fsanitize=fuzzer,address,undefined.
# fuzz_decompress also links, as its oracle (-DFUZZ_ORACLE), the decoder of the libzstd
# sources that zstd-sys bundles (the same version as inside the library), compiled apart.
# Environment: CLANG (default clang), FUZZ_ORACLE=0 to leave the oracle out.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

rust_cov=0
for arg in "$@"; do
    case "$arg" in
        --rust-cov) rust_cov=1 ;;
        -h | --help)
            sed -n '2,11p' "$0"
            exit 0
            ;;
        *)
            echo "build.sh: unknown option $arg" >&2
            exit 2
            ;;
    esac
done

clang="${CLANG:-clang}"
out="$root/fuzz/out"

if [ "$rust_cov" = 1 ]; then
    # SanitizerCoverage in the Rust code (stable rustc: the LLVM pass and its options) and
    # in the bundled libzstd (clang, through the cc crate's CFLAGS). The undefined
    # __sanitizer_cov_* hooks resolve against the fuzzer executable's libFuzzer at load time.
    # An explicit --target keeps RUSTFLAGS off the build scripts (they are not linked with
    # libFuzzer's hooks).
    target_dir="$root/target/fuzz-sancov"
    host="$(rustc -vV | sed -n 's/^host: //p')"
    RUSTFLAGS="-C passes=sancov-module -C llvm-args=-sanitizer-coverage-level=3 \
-C llvm-args=-sanitizer-coverage-inline-8bit-counters -C llvm-args=-sanitizer-coverage-pc-table \
-C llvm-args=-sanitizer-coverage-trace-compares -C force-frame-pointers=yes" \
        CC="$clang" CFLAGS="-fsanitize-coverage=inline-8bit-counters,pc-table,trace-cmp" \
        cargo build --release --lib --target "$host" --target-dir "$target_dir" --quiet
    so="$target_dir/$host/release/libzstdpool.so"
    lib="$out/lib-rustcov"
    bin="$out/rustcov"
else
    cargo build --release --lib --quiet
    so="$root/target/release/libzstdpool.so"
    lib="$out/lib"
    bin="$out/bin"
fi

# Link with -lzstdpool and find the library by its SONAME through an rpath, as the C tests.
major="$(sed -n 's/^#define ZSTDPOOL_VERSION_MAJOR \([0-9]*\)$/\1/p' include/zstdpool.h)"
minor="$(sed -n 's/^#define ZSTDPOOL_VERSION_MINOR \([0-9]*\)$/\1/p' include/zstdpool.h)"
if [ "$major" = 0 ]; then soname="libzstdpool.so.0.$minor"; else soname="libzstdpool.so.$major"; fi
mkdir -p "$lib" "$bin"
ln -sf "$so" "$lib/libzstdpool.so"
ln -sf "$so" "$lib/$soname"

flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer -Wall -Wextra -Werror -I"$root/include" -I"$root/fuzz")
link=(-L"$lib" -lzstdpool -pthread -Wl,-rpath,"$lib")
if [ "$rust_cov" = 1 ]; then
    # The library's undefined __sanitizer_cov_* symbols must bind to the executable's.
    link+=(-rdynamic)
fi

# The oracle of fuzz_decompress: the decoder of the very libzstd sources the library
# bundles (zstd-sys's), built apart, so that both sides agree on what is corrupt.
oracle=()
if [ "${FUZZ_ORACLE:-1}" != 0 ]; then
    # zstd-sys's version from Cargo.lock, its sources in cargo's registry (or ask cargo).
    version="$(awk '/^name = "zstd-sys"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
    zlib="$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"zstd-sys-$version"/zstd/lib 2>/dev/null | head -1 || true)"
    if [ ! -f "$zlib/zstd.h" ]; then
        manifest="$(cargo metadata --format-version 1 --offline 2>/dev/null | python3 -c '
import json, sys
print(next((p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "zstd-sys"), ""))
' 2>/dev/null || true)"
        zlib="$(dirname "${manifest:-/nonexistent/x}")/zstd/lib"
    fi
    if [ -f "$zlib/zstd.h" ]; then
        odir="$out/oracle"
        archive="$odir/libzstd_oracle.a"
        if [ ! -f "$archive" ] || [ "$(cat "$odir/source" 2>/dev/null)" != "$zlib" ]; then
            rm -rf "$odir" && mkdir -p "$odir"
            for c in "$zlib"/common/*.c "$zlib"/decompress/*.c; do
                "$clang" -O2 -g -DZSTD_DISABLE_ASM -I"$zlib" -I"$zlib/common" -c "$c" \
                    -o "$odir/$(basename "$c" .c).o"
            done
            ar rcs "$archive" "$odir"/*.o
            echo "$zlib" >"$odir/source"
        fi
        oracle=(-DFUZZ_ORACLE -I"$zlib" "$archive")
    else
        echo "build.sh: zstd-sys sources not found: fuzz_decompress without its oracle" >&2
    fi
fi

"$clang" "${flags[@]}" fuzz/fuzz_decompress.c -o "$bin/fuzz_decompress" "${link[@]}" "${oracle[@]}"
"$clang" "${flags[@]}" fuzz/fuzz_api.c -o "$bin/fuzz_api" "${link[@]}"
echo "built $bin/fuzz_decompress$([ ${#oracle[@]} -gt 0 ] && echo " (oracle: $zlib)") and $bin/fuzz_api against $so"
