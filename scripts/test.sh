#!/usr/bin/env bash
# Runs every test of palabre: formatting, lints, unit and integration tests.
# Works on a fresh machine with a Rust toolchain: it installs what the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."

# The shared corpus (with truth.tsv) must sit beside the repository.
if [ ! -f ../shared/corpus/truth.tsv ]; then
  echo "error: ../shared/corpus/truth.tsv not found: the tests compare the sample site with it" >&2
  exit 1
fi

rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
