# Shared by tests/c/run.sh and tests/c/stress.sh (sourced, with $root set and the working
# directory at the repository root).

# parse_modes NAME HELP_LAST_LINE ARGS...: sets `modes` from --plain/--asan/--valgrind (all
# three, in that order, when none is given); -h prints the script's header comment.
parse_modes() {
    local name="$1" help_last="$2"
    shift 2
    modes=()
    for arg in "$@"; do
        case "$arg" in
            --plain) modes+=(plain) ;;
            --asan) modes+=(asan) ;;
            --valgrind) modes+=(valgrind) ;;
            -h | --help)
                sed -n "2,${help_last}p" "$0"
                exit 0
                ;;
            *)
                echo "$name: unknown option $arg (use --plain, --asan, --valgrind)" >&2
                exit 2
                ;;
        esac
    done
    [ ${#modes[@]} -gt 0 ] || modes=(plain asan valgrind)
}

# build_library: builds the shared library for $PROFILE (release by default); sets
# `profile`, `so` (its path) and `soname` (from the header's version, 0.x rule).
build_library() {
    profile="${PROFILE:-release}"
    if [ "$profile" = release ]; then
        cargo build --release --lib
    else
        cargo build --lib
    fi
    so="$root/target/$profile/libzstdpool.so"
    local major minor
    major="$(sed -n 's/^#define ZSTDPOOL_VERSION_MAJOR \([0-9]*\)$/\1/p' include/zstdpool.h)"
    minor="$(sed -n 's/^#define ZSTDPOOL_VERSION_MINOR \([0-9]*\)$/\1/p' include/zstdpool.h)"
    if [ "$major" = 0 ]; then soname="libzstdpool.so.0.$minor"; else soname="libzstdpool.so.$major"; fi
}
