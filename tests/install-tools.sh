#!/usr/bin/env bash
# Installs the tools the tests (or, with arguments, just those tools) need when they are
# missing: Debian packages through apt-get (as root).
#
#   bash tests/install-tools.sh               everything tests/run-all.sh uses
#   bash tests/install-tools.sh cmake zstd    only these commands
#
# `python-zstandard` stands for Python's zstandard module (the archive's documented read
# path is tested with it): installed with pip when `python3 -c "import zstandard"` fails.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

wanted=("$@")
full=0
if [ ${#wanted[@]} -eq 0 ]; then
  wanted=(cmake cc clang zstd valgrind pkg-config unzip sqlite3 python-zstandard)
  full=1
fi

# The Debian package that provides each command.
package_of() {
  case "$1" in
    cc) echo gcc ;;
    *) echo "$1" ;;
  esac
}

missing=()
python_zstandard=0
for tool in "${wanted[@]}"; do
  if [ "$tool" = python-zstandard ]; then
    python3 -c 'import zstandard' 2>/dev/null || python_zstandard=1
    continue
  fi
  command -v "$tool" >/dev/null 2>&1 || missing+=("$(package_of "$tool")")
done

updated=""
apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-tools: missing $*: install them (as root, with apt-get) and run again" >&2
    exit 1
  fi
  [ -n "$updated" ] || { apt-get update -qq; updated=1; }
  echo "install-tools: installing $*"
  apt-get install -y -qq "$@" >/dev/null
}

[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

if [ "$python_zstandard" = 1 ]; then
  echo "install-tools: installing the Python module zstandard"
  if python3 -m pip --version >/dev/null 2>&1; then
    # Debian's system Python refuses plain pip installs (PEP 668): then say so explicitly.
    python3 -m pip install -q zstandard 2>/dev/null ||
      python3 -m pip install -q --break-system-packages zstandard
  else
    apt_install python3-zstandard
  fi
  python3 -c 'import zstandard' 2>/dev/null ||
    { echo "install-tools: python3 still cannot import zstandard" >&2; exit 1; }
fi

if [ "$full" = 1 ]; then
  # libFuzzer and the sanitizer runtimes of clang ship in libclang-rt-<major>-dev.
  clang_major=$(clang -dumpversion | cut -d. -f1)
  if ! compgen -G "/usr/lib/llvm-$clang_major/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
    apt_install "libclang-rt-$clang_major-dev"
  fi
  # The Python step makes a venv (pytest is installed into it by pip).
  python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
fi
