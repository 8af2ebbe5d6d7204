#!/usr/bin/env bash
# Benchmarks palabre on generated corpora.
#
#   scripts/bench.sh [N...]          # default: 1000 20000 replies
#
# For each N it generates a deterministic corpus (examples/gen_corpus.rs, 3 languages) and the
# same corpus in English only, converts the latter into a Hugo site (examples/to_hugo.rs) when
# `hugo` is installed, then times whole processes with hyperfine (medians) and measures peak
# memory with /usr/bin/time -f %M:
#   build        palabre build --force, output folder and build cache deleted (clean build)
#   build (en)   clean build of the English-only corpus (what Hugo is compared with)
#   hugo         hugo --minify on the English-only corpus converted to Hugo
#   check        palabre check
#   rebuild +1   palabre build into the existing output after adding one new reply file
#   rebuild edit palabre build into the existing output after editing one reply
# (rebuilds on both corpora), and the ratios of medians (against Hugo; rebuild against clean build).
# and prints a Markdown table on stdout (progress goes to stderr).
#
# palabre is built from a clean export of the commit $REV (default HEAD), not from the working
# tree, so the numbers belong to one commit; the two examples are taken from the working tree.
#
# Environment: REV (HEAD), SEED (1), WORK (/tmp/palabre-bench), RUNS (3 for N > 5000, else 5),
# WARMUP (0 for N > 5000, else 1). Needs hyperfine and /usr/bin/time (installed with apt-get when missing and run as
# root); hugo is optional (apt-get install -y hugo).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
REV=${REV:-HEAD}
SEED=${SEED:-1}
WORK=${WORK:-/tmp/palabre-bench}
if [ $# -eq 0 ]; then set -- 1000 20000; fi

log() { echo "bench: $*" >&2; }

need() { # need <command> <debian package>
  if ! command -v "$1" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing $2"
      apt-get install -y "$2" >&2 || { apt-get update >&2 && apt-get install -y "$2" >&2; }
    fi
  fi
  command -v "$1" >/dev/null 2>&1
}
need hyperfine hyperfine || { echo "error: hyperfine is required (apt-get install -y hyperfine)" >&2; exit 1; }
need /usr/bin/time time || { echo "error: /usr/bin/time is required (apt-get install -y time)" >&2; exit 1; }
HUGO=0
if need hugo hugo; then HUGO=1; else log "hugo not available: no comparison"; fi

# Build palabre at $REV (clean export) and the examples, in their own target folder.
COMMIT=$(git rev-parse --short "$REV")
SRC=$WORK/src-$COMMIT
rm -rf "$SRC" && mkdir -p "$SRC"
git archive "$REV" | tar -x -C "$SRC"
mkdir -p "$SRC/examples"
cp examples/gen_corpus.rs examples/to_hugo.rs "$SRC/examples/"
rm -rf "$SRC/content" && cp -r content "$SRC/content" # the sample the generator draws from
log "building palabre $COMMIT (release)"
(cd "$SRC" && CARGO_TARGET_DIR=$ROOT/target/bench cargo build --release --locked --bin palabre \
  --example gen_corpus --example to_hugo >&2)
BIN=$ROOT/target/bench/release
PALABRE=$BIN/palabre

ROWS=()
RATIOS=()

# bench <N> <label> <prepare> <command> <output-dir-or-empty>: appends a table row.
bench() {
  local n=$1 label=$2 prepare=$3 cmd=$4 out=$5 runs warmup json median min max cpu rss size
  runs=${RUNS:-$([ "$n" -gt 5000 ] && echo 3 || echo 5)}
  warmup=${WARMUP:-$([ "$n" -gt 5000 ] && echo 0 || echo 1)}
  prepare="$prepare; sync" # earlier runs' writeback is not charged to the next run
  json=$WORK/result-$n-${label//[^a-z0-9]/_}.json
  log "N=$n $label: $cmd"
  hyperfine --style basic --runs "$runs" --warmup "$warmup" --prepare "$prepare" \
    --export-json "$json" "$cmd" >&2
  read -r median min max cpu < <(jq -r '.results[0] | "\(.median) \(.min) \(.max) \(.user + .system)"' "$json")
  # Peak memory of one more run, prepared the same way.
  bash -c "$prepare"
  /usr/bin/time -f '%M' -o "$WORK/rss" bash -c "exec $cmd" >/dev/null 2>&1
  rss=$(tail -1 "$WORK/rss")
  size=-
  if [ -n "$out" ] && [ -d "$out" ]; then size=$(du -sh "$out" | cut -f1); fi
  ROWS+=("| $n | $label | $(printf '%.2f' "$median") | $(printf '%.2f–%.2f' "$min" "$max") | $(printf '%.2f' "$cpu") | $runs+$warmup | $((rss / 1024)) | $size |")
  echo "$median" >"$WORK/median-$n-${label//[^a-z0-9]/_}"
}

mkdir -p "$WORK"
for N in "$@"; do
  C=$WORK/corpus-$N E=$WORK/corpus-$N-en H=$WORK/hugo-$N
  O=$WORK/out-$N OE=$WORK/out-$N-en OH=$WORK/out-$N-hugo
  log "generating $N replies (seed $SEED)"
  "$BIN/examples/gen_corpus" --replies "$N" --seed "$SEED" --out "$C" --force
  "$BIN/examples/gen_corpus" --replies "$N" --seed "$SEED" --out "$E" --languages en --force
  CSIZE=$(du -sh "$C" | cut -f1)

  # A clean build starts with neither the output nor the build cache beside it.
  clean() { echo "rm -rf $1 $(dirname "$1")/.$(basename "$1").palabre-cache"; }
  bench "$N" "build" "$(clean "$O")" "$PALABRE build --content $C --output $O --force" "$O"
  bench "$N" "build (en only)" "$(clean "$OE")" "$PALABRE build --content $E --output $OE --force" "$OE"
  if [ "$HUGO" = 1 ]; then
    "$BIN/examples/to_hugo" --content "$E" --out "$H" --lang en
    bench "$N" "hugo --minify (en only)" "rm -rf $OH" "hugo --minify --quiet --source $H --destination $OH" "$OH"
  fi
  bench "$N" "check" "true" "$PALABRE check --content $C" ""
  # Rebuilds into the existing output: one new reply per run (a copy of the
  # first one under a new name), or one reply edited (a sentence appended).
  for corpus in "$C" "$E"; do
    out=$O label=""
    [ "$corpus" = "$E" ] && out=$OE label=" (en only)"
    replies=("$corpus"/discussion-01/replies/*.md) # (not `ls | head`: SIGPIPE under pipefail)
    first=${replies[0]}
    bench "$N" "rebuild +1 reply$label" \
      "cp $first $corpus/discussion-01/replies/zz-bench-\$(date +%s%N).md" \
      "$PALABRE build --content $corpus --output $out" "$out"
    rm -f "$corpus"/discussion-01/replies/zz-bench-*.md
    bench "$N" "rebuild, 1 reply edited$label" \
      "echo \"Edited at \$(date +%s%N).\" >> ${replies[1]}" \
      "$PALABRE build --content $corpus --output $out" "$out"
  done
  ratio() { # ratio <label> <numerator step> <denominator step>
    local a b
    a=$(cat "$WORK/median-$N-${2//[^a-z0-9]/_}" 2>/dev/null) || return 0
    b=$(cat "$WORK/median-$N-${3//[^a-z0-9]/_}" 2>/dev/null) || return 0
    RATIOS+=("- N=$N: $1 = $(jq -n "$a / $b * 100 | round / 100")")
  }
  ratio "palabre build (en only) / hugo --minify" "build (en only)" "hugo --minify (en only)"
  ratio "palabre build (3 languages) / hugo --minify (en only)" "build" "hugo --minify (en only)"
  ratio "rebuild +1 reply / clean build (en only)" "rebuild +1 reply (en only)" "build (en only)"
  ratio "rebuild, 1 reply edited / clean build (en only)" "rebuild, 1 reply edited (en only)" "build (en only)"
  ratio "rebuild +1 reply / clean build (3 languages)" "rebuild +1 reply" "build"
  ROWS+=("| $N | (corpus: $CSIZE, $(find "$C" -name '*.md' | wc -l) files) | | | | | | |")
done

echo "palabre $COMMIT, $(date -u '+%Y-%m-%d %H:%M UTC'), seed $SEED, $(nproc) CPUs"
echo
echo "| replies | step | median (s) | min–max (s) | CPU user+sys (s, mean) | runs+warmup | max RSS (MB) | output |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
if [ ${#RATIOS[@]} -gt 0 ]; then
  echo
  [ "$HUGO" = 1 ] && echo "$(hugo version | cut -d' ' -f1-2); ratios of medians:"
  printf '%s\n' "${RATIOS[@]}"
fi
