#!/usr/bin/env bash
# Builds and runs the reproducers of library bugs found while fuzzing and stress testing
# (fuzz/repro/*.c, each described in its header) against the release library. Each exits 0
# when the bug is absent; prints "N fixed, M still present".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
cargo build --release --lib --quiet
minor="$(sed -n 's/^#define ZSTDPOOL_VERSION_MINOR \([0-9]*\)$/\1/p' include/zstdpool.h)"
lib="$root/fuzz/out/lib"
bin="$root/fuzz/out/repro"
mkdir -p "$lib" "$bin"
ln -sf "$root/target/release/libzstdpool.so" "$lib/libzstdpool.so"
ln -sf "$root/target/release/libzstdpool.so" "$lib/libzstdpool.so.0.$minor"
fixed=0
present=0
for c in fuzz/repro/*.c; do
    name="$(basename "$c" .c)"
    "${CC:-cc}" -std=c11 -O1 -g -Wall -Wextra -I include "$c" -o "$bin/$name" \
        -L"$lib" -lzstdpool -pthread -Wl,-rpath,"$lib"
    if "$bin/$name" >"$bin/$name.log" 2>&1; then
        echo "$name: fixed"
        fixed=$((fixed + 1))
    else
        echo "$name: STILL PRESENT"
        sed 's/^/    /' "$bin/$name.log" | tail -5
        present=$((present + 1))
    fi
done
echo "$fixed fixed, $present still present"
[ "$present" -eq 0 ]
