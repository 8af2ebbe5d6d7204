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
#    a clean build (output folder and build cache deleted) and a rebuild after one new reply,
#    RUNS times each (default 5), and prints the medians and the ratios NEW / BASE.
#
# Environment: WORK (/tmp/palabre-compare), RUNS (5).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BASE=${1:?usage: scripts/compare.sh BASE [NEW] [N]}
NEW=${2:-HEAD}
N=${3:-2000}
RUNS=${RUNS:-5}
WORK=${WORK:-/tmp/palabre-compare}

log() { echo "compare: $*" >&2; }

# build <rev>: prints the folder that holds palabre and gen_corpus built at <rev>. Both
# commits share one target folder (dependencies are built once); their programs are copied out.
build() {
  local commit src bin
  commit=$(git rev-parse --short "$1")
  src=$WORK/src-$commit
  bin=$WORK/bin-$commit
  rm -rf "$src" "$bin" && mkdir -p "$src" "$bin"
  git archive "$commit" | tar -x -C "$src"
  log "building palabre $commit (release)"
  (cd "$src" && CARGO_TARGET_DIR=$ROOT/target/compare cargo build --release --locked \
    --bin palabre --example gen_corpus >&2)
  cp "$ROOT/target/compare/release/palabre" "$ROOT/target/compare/release/examples/gen_corpus" "$bin/"
  echo "$bin"
}

mkdir -p "$WORK"
A=$(build "$BASE")
B=$(build "$NEW")
CORPUS=$WORK/corpus-$N
log "generating $N replies"
"$B/gen_corpus" --replies "$N" --seed 1 --out "$CORPUS" --force

# site <bin> <content> <out>: a clean build, its output folder and build cache deleted first.
site() {
  rm -rf "$3" "$(dirname "$3")/.$(basename "$3").palabre-cache"
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

# seconds <command...>: wall time of one run.
seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

declare -A times
replies=("$CORPUS"/discussion-01/replies/*.md) # (not `| head`: SIGPIPE under pipefail)
reply=${replies[0]}
for run in $(seq "$RUNS"); do
  # Alternate which goes first, so that neither always runs on a warmer machine.
  order="base new"
  [ $((run % 2)) = 0 ] && order="new base"
  for who in $order; do
    bin=$A
    [ "$who" = new ] && bin=$B
    out=$WORK/time-$who
    rm -rf "$out" "$WORK/.time-$who.palabre-cache"
    sync
    times[clean-$who]+="$(seconds "$bin/palabre" build --content "$CORPUS" --output "$out" --force) "
    extra=$CORPUS/discussion-01/replies/zz-compare-$who.md
    cp "$reply" "$extra"
    sync
    times[rebuild-$who]+="$(seconds "$bin/palabre" build --content "$CORPUS" --output "$out") "
    rm -f "$extra"
  done
  log "run $run of $RUNS done"
done

echo
echo "$N replies, $RUNS runs alternated, $(nproc) CPUs; medians in seconds:"
echo "| step | $(git rev-parse --short "$BASE") | $(git rev-parse --short "$NEW") | new / base |"
echo "|---|---:|---:|---:|"
for step in clean rebuild; do
  a=$(tr ' ' '\n' <<<"${times[$step-base]}" | grep . | median)
  b=$(tr ' ' '\n' <<<"${times[$step-new]}" | grep . | median)
  label="clean build"
  [ "$step" = rebuild ] && label="rebuild, 1 new reply"
  echo "| $label | $(printf '%.2f' "$a") | $(printf '%.2f' "$b") | $(echo "scale=2; $b / $a" | bc) |"
done
exit $status
