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
# tests/readers.rs prints the consolidated reply to PDF: Chromium, and poppler's
# pdfinfo and pdftotext to read the PDF back.
if ! command -v chromium >/dev/null || ! command -v pdfinfo >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium poppler-utils >/dev/null
fi
cargo test --locked

# --- Browser tests (tests/browser/, issue 4) -------------------------------
# The built sample site in Debian's Chromium (axe-core, keyboard, language
# switcher, console and requests) and the Nu HTML checker (Java). No browser
# or JRE is downloaded: they come from apt; npm packages from package-lock.json.
if ! command -v chromium >/dev/null || ! command -v java >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium default-jre-headless >/dev/null
fi
# --ignore-scripts: vnu-jar's install script would download a JRE.
npm ci --ignore-scripts --no-audit --no-fund
# The sample site is built once (incremental cargo build after cargo test) and
# shared, read-only, by the test files; two files run at a time.
cargo build --locked
sample_site="$(mktemp -d)"
trap 'rm -rf "$sample_site"' EXIT
target/debug/palabre build --content content --themes themes --output "$sample_site/site" >/dev/null
PALABRE_SAMPLE_SITE="$sample_site/site" node --test --test-concurrency=2 tests/browser/
# --- end of browser tests ---------------------------------------------------
