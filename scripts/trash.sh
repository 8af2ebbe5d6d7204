# Sourced by the timing scripts (bench.sh, compare.sh): nothing is deleted while steps are timed.
#
# This machine's ext4 has no journal: it then skips, when it allocates an inode, every inode freed
# in the last minute (six while their table is not yet written), one lookup each, so a build run
# just after a site was deleted pays for each file it creates in proportion to the files just
# deleted (up to 50 s of system time at 20,000 replies, for Zola as for palabre). Outputs and
# corpora are moved to $WORK/trash instead, which is emptied before the first timed step (then
# `sync` and a wait) and after the last. The wait is SETTLE seconds after the last deletion
# (default 600): five minutes after 8.7 GB of sites were deleted, a three-language build at
# 20,000 replies still took 14 s of system time, against 7 s ten minutes after.
#
# Needs WORK and a `log` function.

TRASH=$WORK/trash
mkdir -p "$TRASH"

# aside <path>...: the commands that move each path that exists to the trash (no `|`: bench.sh
# cuts its steps at it).
aside() {
  local p sep=
  for p; do
    printf '%sif [ -e %s ]; then mv %s %s/$(date +%%s%%N)-%s; fi' "$sep" "$p" "$p" "$TRASH" "${p##*/}"
    sep='; '
  done
  echo
}

# aside_site <output>: the same for a palabre site and its build cache beside it.
aside_site() {
  aside "$1" "$(dirname "$1")/.$(basename "$1").palabre-cache"
}

# empty_trash: deletes what was moved aside, and writes it to disk.
empty_trash() {
  if [ -n "$(ls -A "$TRASH")" ]; then
    log "deleting $(du -sh "$TRASH" | cut -f1) moved aside"
    find "$TRASH" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
    sync
    date +%s >"$WORK/deleted-at"
  fi
}

# settle: waits until SETTLE seconds have passed since empty_trash last deleted anything.
settle() {
  local left
  left=$(($(cat "$WORK/deleted-at" 2>/dev/null || echo 0) + ${SETTLE:-600} - $(date +%s)))
  if [ "$left" -gt 0 ]; then
    log "waiting $left s: inodes freed in the last minutes would slow the file system down"
    sleep "$left"
  fi
}
