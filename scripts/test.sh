#!/usr/bin/env bash
# Runs every test of palabre: formatting, lints, unit, integration and browser tests.
# Needs a Rust toolchain and Node.js 20 or later; installs the rest (Debian packages with
# apt-get, as root or through sudo; npm packages from package-lock.json) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: Chromium (browser tests, printing to PDF), poppler-utils
# (pdfinfo, pdftotext: reading the PDF back), a Java runtime (the Nu HTML checker),
# faketime (building the site on other days gives the same bytes), pandoc (reading the
# reports' Word documents back), LibreOffice Writer (opening them as a user would), xmllint
# and gettext's msgfmt (the translations' XLIFF and PO files are well-formed).
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v pdfinfo >/dev/null || missing+=(poppler-utils)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v faketime >/dev/null || missing+=(faketime)
command -v pandoc >/dev/null || missing+=(pandoc)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
command -v xmllint >/dev/null || missing+=(libxml2-utils)
command -v msgfmt >/dev/null || missing+=(gettext)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo)
  else
    echo "error: the tests need these Debian packages: ${missing[*]}" >&2
    echo "install them, then run this script again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "error: the browser tests need Node.js 20 or later (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked

# Browser tests (tests/browser/): the built sample site in Debian's Chromium (axe-core,
# keyboard, language switcher, console and requests) and the Nu HTML checker.
# --ignore-scripts: vnu-jar's install script would download a JRE.
npm ci --ignore-scripts --no-audit --no-fund
# The sample site is built once and shared, read-only, by the test files; two run at a time.
sample_site="$(mktemp -d)"
trap 'rm -rf "$sample_site"' EXIT
cargo run --locked --quiet -- build --content content --themes themes --output "$sample_site/site" >/dev/null
PALABRE_SAMPLE_SITE="$sample_site/site" node --test --test-concurrency=2 tests/browser/
