#!/usr/bin/env bash
# Every test of the project, in order: Rust (unit, integration, header drift), C API (plain,
# sanitizers, valgrind), install + find_package + pkg-config, Python package (installed with
# pip into a temporary venv), fuzzing (bounded), demo.
# The README's test command (and CI's, through .ci/run). It first installs the tools a
# fresh machine lacks (tests/install-tools.sh: apt-get as root, pip).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/install-tools.sh

steps=0
step() {
  steps=$((steps + 1))
  printf '\n==== %s ====\n' "$*"
}

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "Rust tests"
cargo test --workspace --quiet

step "C API tests: plain, AddressSanitizer + UndefinedBehaviorSanitizer, valgrind"
bash tests/c/run.sh

step "C stress test: 100,000 entries with random stops (plain, ASan+UBSan), 5,000 under valgrind"
bash tests/c/stress.sh

step "fuzzing: replay the corpus, then 30 s per harness (libFuzzer)"
bash fuzz/run.sh 30

step "install, find_package, pkg-config, logpack, C++"
bash tests/install/run.sh

step "Python package: pip install ./python into a fresh venv, then its pytest suite against it"
venv="$(mktemp -d "${TMPDIR:-/tmp}/zstdpool-venv.XXXXXX")"
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q ./python pytest zstandard   # zstandard: the comparison tests
# From the venv's own directory: the installed package, not the sources, is imported.
(cd "$venv" && ZSTDPOOL_TEST_INSTALLED=1 "$venv/bin/python" -m pytest -q -p no:cacheprovider "$OLDPWD/python/tests") ||
  { status=$?; [ "$status" -ne 5 ] || echo "pytest collected no tests" >&2; exit 1; }

step "demo: the README's first command"
bash examples/demo.sh

# Every step stops the script on failure (set -e), so reaching here means all passed.
printf '\nsteps: %d passed, 0 failed\n' "$steps"
