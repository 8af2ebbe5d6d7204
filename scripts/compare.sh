#!/usr/bin/env bash
# Compares two commits of palabre on the same input: are their sites byte-identical, and are
# their build times within noise of each other? For changes that must not change the output
# (restructuring, speed-ups).
#
#   scripts/compare.sh BASE [NEW] [N]     # NEW: HEAD; N: 2000 replies
#
# Builds palabre at both commits (clean exports, as scripts/bench.sh does), then
# 1. builds the bundled sample (content/) and a generated corpus of N replies in three
#    languages (examples/gen_corpus.rs, seed 1) with each, and compares the two sites with
#    `diff -r`: any difference is printed and the script exits 1;
# 2. times, alternating BASE and NEW in the same run so that both see the same machine load,
#    a clean build (output folder and build cache moved aside: see scripts/trash.sh) and a
#    rebuild after one new reply,
#    RUNS times each (default 5), and prints the medians of wall and CPU (user + system)
#    times and the ratios NEW / BASE.
#
# Environment: WORK (/tmp/palabre-compare), RUNS (5), SETTLE (see scripts/trash.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BASE=${1:?usage: scripts/compare.sh BASE [NEW] [N]}
NEW=${2:-HEAD}
N=${3:-2000}
RUNS=${RUNS:-5}
WORK=${WORK:-/tmp/palabre-compare}

log() { echo "compare: $*" >&2; }
mkdir -p "$WORK"
. scripts/trash.sh
empty_trash

# build <rev>: prints the folder that holds palabre and gen_corpus built at <rev>. Both
# commits share one target folder (dependencies are built once); their programs are copied out.
build() {
  local commit src bin
  commit=$(git rev-parse --short "$1")
  src=$WORK/src-$commit
  bin=$WORK/bin-$commit
  eval "$(aside "$src" "$bin")"
  mkdir -p "$src" "$bin"
  # -m: files dated now, not at their commit, so that cargo does not take the other
  # commit's build in the shared target folder for an up-to-date one.
  git archive "$commit" | tar -x -m -C "$src"
  log "building palabre $commit (release)"
  (cd "$src" && CARGO_TARGET_DIR=$ROOT/target/compare cargo build --release --locked \
    --bin palabre --example gen_corpus >&2)
  cp "$ROOT/target/compare/release/palabre" "$ROOT/target/compare/release/examples/gen_corpus" "$bin/"
  echo "$bin"
}

A=$(build "$BASE")
B=$(build "$NEW")
CORPUS=$WORK/corpus-$N
log "generating $N replies"
eval "$(aside "$CORPUS")"
"$B/gen_corpus" --replies "$N" --seed 1 --out "$CORPUS"

# site <bin> <content> <out>: a clean build, its output folder and build cache moved aside first.
site() {
  eval "$(aside_site "$3")"
  "$1/palabre" build --content "$2" --output "$3" --force >/dev/null 2>&1
}

status=0
for input in sample corpus; do
  content=$ROOT/content
  [ "$input" = corpus ] && content=$CORPUS
  site "$A" "$content" "$WORK/$input-base"
  site "$B" "$content" "$WORK/$input-new"
  if diff -r "$WORK/$input-base" "$WORK/$input-new" >"$WORK/$input.diff"; then
    echo "$input: identical ($(find "$WORK/$input-new" -type f | wc -l) files, $(du -sh "$WORK/$input-new" | cut -f1))"
  else
    echo "$input: DIFFERENT, see $WORK/$input.diff:"
    head -20 "$WORK/$input.diff"
    status=1
  fi
done

# seconds <command...>: wall time and CPU time (user + system) of one run, as "wall,cpu".
seconds() {
  /usr/bin/time -f '%e,%U,%S' -o "$WORK/time" "$@" >/dev/null 2>&1
  awk -F, '{printf "%s,%.2f", $1, $2 + $3}' "$WORK/time"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

settle
declare -A times
replies=("$CORPUS"/discussion-01/replies/*.md) # (not `| head`: SIGPIPE under pipefail)
reply=${replies[0]}
# order <run>: which goes first alternates, so that neither always runs on a warmer machine.
order() { if [ $(($1 % 2)) = 0 ]; then echo "new base"; else echo "base new"; fi; }
bin_of() { if [ "$1" = new ]; then echo "$B"; else echo "$A"; fi; }
for run in $(seq "$RUNS"); do
  for who in $(order "$run"); do
    out=$WORK/time-$who
    eval "$(aside_site "$out")"
    sync
    times[clean-$who]+="$(seconds "$(bin_of "$who")/palabre" build --content "$CORPUS" --output "$out" --force) "
  done
  log "clean build $run of $RUNS done"
done
# Rebuilds after the clean builds, so that none pays for the writing back of a clean build's
# files: each adds a reply (a copy of the first one under a new name) and removes the one the
# previous rebuild added.
for run in $(seq "$RUNS"); do
  for who in $(order "$run"); do
    rm -f "$CORPUS"/discussion-01/replies/zz-compare-*.md
    cp "$reply" "$CORPUS/discussion-01/replies/zz-compare-$who-$run.md"
    sync
    times[rebuild-$who]+="$(seconds "$(bin_of "$who")/palabre" build --content "$CORPUS" --output "$WORK/time-$who") "
  done
done
rm -f "$CORPUS"/discussion-01/replies/zz-compare-*.md

echo
echo "$N replies, $RUNS runs alternated, $(nproc) CPUs; medians in seconds (wall, then CPU):"
echo "| step | $(git rev-parse --short "$BASE") | $(git rev-parse --short "$NEW") | new / base | CPU $(git rev-parse --short "$BASE") | CPU $(git rev-parse --short "$NEW") | new / base |"
echo "|---|---:|---:|---:|---:|---:|---:|"
# column <step> <who> <field>: the median of one field (1: wall, 2: CPU) of a step's runs.
column() { tr ' ' '\n' <<<"${times[$1-$2]}" | grep . | cut -d, -f"$3" | median; }
for step in clean rebuild; do
  label="clean build"
  [ "$step" = rebuild ] && label="rebuild, 1 new reply"
  row="| $label"
  for field in 1 2; do
    a=$(column "$step" base "$field")
    b=$(column "$step" new "$field")
    row+=" | $(printf '%.2f' "$a") | $(printf '%.2f' "$b") | $(printf '%.2f' "$(echo "scale=4; $b / $a" | bc)")"
  done
  echo "$row |"
done
empty_trash
exit $status
