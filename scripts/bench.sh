#!/usr/bin/env bash
# Benchmarks palabre on generated corpora.
#
#   scripts/bench.sh [N...]          # default: 1000 20000 replies
#
# For each N it generates a deterministic corpus (examples/gen_corpus.rs, 3 languages) and the
# same corpus in English only, converts the latter into a Zola site (examples/to_zola.rs) when
# Zola is found and a Hugo site (examples/to_hugo.rs) when `hugo` is installed, then times whole
# processes under /usr/bin/time (wall, user + system CPU, peak memory), the steps of a group
# alternated round by round so that all see the same load on a shared machine:
#   build (en only)   clean build of the English-only corpus (what Zola and Hugo are compared with)
#   zola build        zola build (minify_html on) of the English-only corpus converted to Zola
#   hugo --minify     hugo --minify of the English-only corpus converted to Hugo
#   build             palabre build --force of the 3-language corpus, output and cache deleted
#   check             palabre check
#   rebuild +1        palabre build into the existing output after adding one new reply file
#   rebuild edit      palabre build into the existing output after editing one reply
# (rebuilds on both corpora, alternated), and prints a Markdown table of medians on stdout, then
# the ratios of medians (against Zola and Hugo; rebuild against clean build), and the median of
# each round's ratio. Progress goes to stderr.
#
# palabre is built from a clean export of the commit $REV (default HEAD), not from the working
# tree, so the numbers belong to one commit; the examples are taken from the working tree.
#
# Nothing is deleted while steps are timed: see scripts/trash.sh.
#
# Environment: REV (HEAD), SEED (1), WORK (/tmp/palabre-bench), RUNS (3 for N > 5000, else 5),
# WARMUP (0 for N > 5000, else 1), ZOLA (the zola program; default: `zola` on PATH), SETTLE
# (seconds to wait after deleting before timing, 600: see scripts/trash.sh). Needs
# /usr/bin/time and jq (installed with apt-get when missing and run as root); Zola and Hugo are
# optional (a message says when one is skipped).
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
need jq jq || { echo "error: jq is required (apt-get install -y jq)" >&2; exit 1; }
need /usr/bin/time time || { echo "error: /usr/bin/time is required (apt-get install -y time)" >&2; exit 1; }
HUGO=0
if need hugo hugo; then HUGO=1; else log "hugo not available: no comparison with Hugo"; fi
ZOLA=${ZOLA:-$(command -v zola || true)}
if [ -n "$ZOLA" ] && ! [ -x "$ZOLA" ]; then log "$ZOLA is not a program: no comparison with Zola"; ZOLA=; fi
[ -n "$ZOLA" ] || log "zola not available (put it on PATH or set ZOLA): no comparison with Zola"

mkdir -p "$WORK"
. scripts/trash.sh
empty_trash

# Build palabre at $REV (clean export) and the examples, in their own target folder.
COMMIT=$(git rev-parse --short "$REV")
SRC=$WORK/src-$COMMIT
eval "$(aside "$SRC")"
mkdir -p "$SRC"
git archive "$REV" | tar -x -C "$SRC"
mkdir -p "$SRC/examples"
cp examples/gen_corpus.rs examples/to_hugo.rs examples/to_zola.rs "$SRC/examples/"
eval "$(aside "$SRC/content")" && cp -r content "$SRC/content" # the sample the generator draws from
log "building palabre $COMMIT (release)"
(cd "$SRC" && CARGO_TARGET_DIR=$ROOT/target/bench cargo build --release --locked --bin palabre \
  --example gen_corpus --example to_hugo --example to_zola >&2)
BIN=$ROOT/target/bench/release
PALABRE=$BIN/palabre

ROWS=()
RATIOS=()

# median: the median of the numbers on stdin, one a line.
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# alternate <N> <label>|<prepare>|<command>|<output-dir-or-empty> ...: runs the steps in turn,
# RUNS rounds (each round starting one step later, so that none always runs first on a machine
# others share), each run after its own preparation and a `sync`, under
# `/usr/bin/time -f '%e %U %S %M'`; appends a table row per step: medians of wall time, CPU time
# (user + system) and peak memory, and the range of wall times.
alternate() {
  local n=$1 runs warmup round i k step label prepare cmd out f
  shift
  local steps=("$@") count=$#
  runs=${RUNS:-$([ "$n" -gt 5000 ] && echo 3 || echo 5)}
  warmup=${WARMUP:-$([ "$n" -gt 5000 ] && echo 0 || echo 1)}
  for ((i = 0; i < count; i++)); do rm -f "$WORK/times-$n-$i"; done
  for ((round = 0; round < warmup + runs; round++)); do
    for ((k = 0; k < count; k++)); do
      i=$(((round + k) % count))
      IFS='|' read -r label prepare cmd out <<<"${steps[$i]}"
      log "N=$n $label (run $((round + 1)) of $((warmup + runs))): $cmd"
      bash -c "$prepare; sync"
      /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" bash -c "exec $cmd" >/dev/null 2>"$WORK/stderr" ||
        { cat "$WORK/stderr" >&2; echo "error: $label failed" >&2; exit 1; }
      [ "$round" -lt "$warmup" ] || tail -1 "$WORK/time" >>"$WORK/times-$n-$i"
    done
  done
  for ((i = 0; i < count; i++)); do
    IFS='|' read -r label prepare cmd out <<<"${steps[$i]}"
    f=$WORK/times-$n-$i
    local wall cpu rss lo hi size=-
    wall=$(awk '{print $1}' "$f" | median)
    cpu=$(awk '{print $2 + $3}' "$f" | median)
    rss=$(awk '{print $4}' "$f" | median)
    lo=$(awk '{print $1}' "$f" | sort -n | head -1)
    hi=$(awk '{print $1}' "$f" | sort -n | tail -1)
    if [ -n "$out" ] && [ -d "$out" ]; then size=$(du -sh "$out" | cut -f1); fi
    ROWS+=("| $n | $label | $(printf '%.2f' "$wall") | $(printf '%.2f–%.2f' "$lo" "$hi") | $(printf '%.2f' "$cpu") | $runs+$warmup | $((${rss%.*} / 1024)) | $size |")
    echo "$wall" >"$WORK/median-$n-${label//[^a-z0-9]/_}"
    echo "$cpu" >"$WORK/cpu-$n-${label//[^a-z0-9]/_}"
    cp "$f" "$WORK/runs-$n-${label//[^a-z0-9]/_}" # one line per round, in round order
  done
}

for N in "$@"; do
  C=$WORK/corpus-$N E=$WORK/corpus-$N-en H=$WORK/hugo-$N Z=$WORK/zola-$N
  O=$WORK/out-$N OE=$WORK/out-$N-en OH=$WORK/out-$N-hugo OZ=$WORK/out-$N-zola
  log "generating $N replies (seed $SEED)"
  eval "$(aside "$C" "$E")"
  "$BIN/examples/gen_corpus" --replies "$N" --seed "$SEED" --out "$C"
  "$BIN/examples/gen_corpus" --replies "$N" --seed "$SEED" --out "$E" --languages en
  CSIZE=$(du -sh "$C" | cut -f1)
  settle

  # Clean builds, alternated: palabre on both corpora, Zola and Hugo on the English-only one.
  # A clean build starts with neither the output nor the build cache beside it.
  STEPS=("build (en only)|$(aside_site "$OE")|$PALABRE build --content $E --output $OE --force|$OE")
  if [ -n "$ZOLA" ]; then
    "$BIN/examples/to_zola" --content "$E" --out "$Z" --lang en
    STEPS+=("zola build, minify (en only)|$(aside "$OZ")|$ZOLA --root $Z build --output-dir $OZ|$OZ")
  fi
  if [ "$HUGO" = 1 ]; then
    "$BIN/examples/to_hugo" --content "$E" --out "$H" --lang en
    STEPS+=("hugo --minify (en only)|$(aside "$OH")|hugo --minify --quiet --source $H --destination $OH|$OH")
  fi
  STEPS+=("build|$(aside_site "$O")|$PALABRE build --content $C --output $O --force|$O")
  alternate "$N" "${STEPS[@]}"
  alternate "$N" "check|true|$PALABRE check --content $C|"
  # Rebuilds into the existing output, both corpora alternated: one new reply per run (a copy
  # of the first one under a new name), or one reply edited (a sentence appended).
  re=() ed=()
  for corpus in "$C" "$E"; do
    out=$O label=""
    [ "$corpus" = "$E" ] && out=$OE label=" (en only)"
    replies=("$corpus"/discussion-01/replies/*.md) # (not `ls | head`: SIGPIPE under pipefail)
    first=${replies[0]}
    re+=("rebuild +1 reply$label|cp $first $corpus/discussion-01/replies/zz-bench-\$(date +%s%N).md|$PALABRE build --content $corpus --output $out|$out")
    ed+=("rebuild, 1 reply edited$label|echo \"Edited at \$(date +%s%N).\" >> ${replies[1]}|$PALABRE build --content $corpus --output $out|$out")
  done
  alternate "$N" "${re[@]}"
  rm -f "$C"/discussion-01/replies/zz-bench-*.md "$E"/discussion-01/replies/zz-bench-*.md
  alternate "$N" "${ed[@]}"
  ratio() { # ratio <label> <numerator step> <denominator step>
    local a b c d per
    a=$(cat "$WORK/median-$N-${2//[^a-z0-9]/_}" 2>/dev/null) || return 0
    b=$(cat "$WORK/median-$N-${3//[^a-z0-9]/_}" 2>/dev/null) || return 0
    c=$(cat "$WORK/cpu-$N-${2//[^a-z0-9]/_}")
    d=$(cat "$WORK/cpu-$N-${3//[^a-z0-9]/_}")
    # Each round's wall-time ratio, then their median: two steps of one round ran minutes apart
    # at most, so a machine that slows down between rounds moves both.
    per=$(paste -d' ' "$WORK/runs-$N-${2//[^a-z0-9]/_}" "$WORK/runs-$N-${3//[^a-z0-9]/_}" |
      awk '{print $1 / $5}' | median)
    RATIOS+=("| $N | $1 | $(printf '%.2f' "$(jq -n "$a / $b")") | $(printf '%.2f' "$(jq -n "$c / $d")") | $(printf '%.2f' "$per") |")
  }
  ratio "palabre build (en only) / zola build (en only)" "build (en only)" "zola build, minify (en only)"
  ratio "palabre build (3 languages) / zola build (en only)" "build" "zola build, minify (en only)"
  ratio "palabre build (en only) / hugo --minify (en only)" "build (en only)" "hugo --minify (en only)"
  ratio "palabre build (3 languages) / hugo --minify (en only)" "build" "hugo --minify (en only)"
  ratio "rebuild +1 reply / clean build (en only)" "rebuild +1 reply (en only)" "build (en only)"
  ratio "rebuild, 1 reply edited / clean build (en only)" "rebuild, 1 reply edited (en only)" "build (en only)"
  ratio "rebuild +1 reply / clean build (3 languages)" "rebuild +1 reply" "build"
  ROWS+=("| $N | (corpus: $CSIZE, $(find "$C" -name '*.md' | wc -l) files) | | | | | | |")
done

echo "palabre $COMMIT, $(date -u '+%Y-%m-%d %H:%M UTC'), seed $SEED, $(nproc) CPUs; steps of a group alternated, medians"
[ -n "$ZOLA" ] && echo "$("$ZOLA" --version)"
[ "$HUGO" = 1 ] && echo "$(hugo version | cut -d' ' -f1-2)"
echo
echo "| replies | step | median (s) | min–max (s) | CPU user+sys (s, median) | runs+warmup | max RSS (MiB, median) | output |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
if [ ${#RATIOS[@]} -gt 0 ]; then
  echo
  echo "| replies | ratio | by wall-time medians | by CPU-time medians | median of the rounds' wall-time ratios |"
  echo "|---:|---|---:|---:|---:|"
  printf '%s\n' "${RATIOS[@]}"
fi
empty_trash
