#!/usr/bin/env bash
# Every test of the project, in order: Rust (unit, integration, header drift), C API (plain,
# sanitizers, valgrind), install + find_package + pkg-config, Python, fuzzing (bounded), demo.
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

step "Python (ctypes) tests"
cargo build --release --quiet
python3 -m pytest -q tests/python

step "demo: the README's first command"
bash examples/demo.sh

# Every step stops the script on failure (set -e), so reaching here means all passed.
printf '\nsteps: %d passed, 0 failed\n' "$steps"
