#!/bin/sh
# Memory at rest of the image, as `kubectl top pod` sees it: runs target/git-sync-image.tar with
# podman as a sidecar would (uid 65533, /metrics on), polling a 5,000-file repository
# (bench/make-repos.py medium) over git:// on loopback, and after a while reports per container:
# the cgroup's usage, inactive file pages and working set (usage minus inactive file, as the
# kubelet computes it), anonymous and file memory, and the main process's RSS, RssAnon, RssFile
# and threads; cgroup v1 and v2.
#
# --compare=PATH runs a second container from the same image, with the same repository, period and
# flags, whose entrypoint is PATH (mounted read-only at /compare/git-sync and run under the image's
# tini): upstream's git-sync binary, say, or a script that starts the image's JVM with other
# options. The report then has a column for each.
#
# --flags="..." adds flags to both containers (--webhook-url=…, which upstream knows too);
# --ours="..." adds flags to this image's container only (a chat sink, a trigger listener: the
# configuration users run, which upstream has no flags for). A file named by them is mounted at the
# same path (read-only) when it exists on the host.
#
# Usage (root): bench/image-memory.sh [--seconds=60] [--period=1s] [--compare=PATH]
#   [--flags="..."] [--ours="..."]
# Prints a Markdown report; bench/results/image.md is its last output.
set -eu
seconds=60
period=1s
compare=
flags=
ours=
for a in "$@"; do
  case "$a" in
    --flags=*) flags=${a#*=} ;;
    --ours=*) ours=${a#*=} ;;
    --seconds=*) seconds=${a#*=} ;;
    --period=*) period=${a#*=} ;;
    --compare=*) compare=$(cd "$(dirname "${a#*=}")" && pwd)/$(basename "${a#*=}") ;;
    [0-9]*) seconds=$a ;;
    *) echo "usage: $0 [--seconds=60] [--period=1s] [--compare=PATH] [--flags=...] [--ours=...]" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
name=git-sync-mem-$$
port=19$(($$ % 900 + 100))
cleanup() {
  podman rm -f "$name" "$name-cmp" >/dev/null 2>&1 || true
  [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
image=$(podman load -q -i "$here/target/git-sync-image.tar" 2>/dev/null | grep "Loaded image" | tail -1 | sed "s/.*: //")
python3 "$here/bench/make-repos.py" "$tmp/repos" >/dev/null
git daemon --reuseaddr --listen=127.0.0.1 --port="$port" --export-all --base-path="$tmp/repos" >/dev/null 2>&1 &
daemon=$!
n=$(ulimit -Hn)
args="--repo=git://127.0.0.1:$port/medium --period=$period --http-bind=127.0.0.1:0 --http-metrics $flags"
# Files named in the extra flags (a trigger secret, say) are mounted where the flag says.
mounts=
for w in $flags $ours; do
  f=${w#*=}
  case "$f" in /*) [ -f "$f" ] && mounts="$mounts -v $f:$f:ro" ;; esac
done
mkdir "$tmp/out" && chown 65533:65533 "$tmp/out"
# shellcheck disable=SC2086
podman run -d --name "$name" --runtime runc --network host --ulimit "nofile=$n:$n" \
  --ulimit nproc=32768:32768 -v "$tmp/out:/git" $mounts "$image" $args $ours >/dev/null
if [ -n "$compare" ]; then
  mkdir "$tmp/out-cmp" && chown 65533:65533 "$tmp/out-cmp"
  # shellcheck disable=SC2086
  podman run -d --name "$name-cmp" --runtime runc --network host --ulimit "nofile=$n:$n" \
    --ulimit nproc=32768:32768 -v "$tmp/out-cmp:/git" -v "$compare:/compare/git-sync:ro" \
    --entrypoint '["/usr/bin/tini", "--", "/compare/git-sync"]' "$image" --root=/git $args >/dev/null
fi
sleep "$seconds"

kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$2/status"; }
mib() { awk -v v="$1" 'BEGIN {printf "%.1f MiB", v / 1048576}'; }
# The container's memory cgroup directory, from its init's /proc/PID/cgroup.
cgdir() {
  v2=$(awk -F: '$1 == "0" {print $3}' "/proc/$1/cgroup")
  if [ -f /sys/fs/cgroup/cgroup.controllers ] && [ -n "$v2" ]; then
    echo "/sys/fs/cgroup$v2"
  else
    echo "/sys/fs/cgroup/memory$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' "/proc/$1/cgroup")"
  fi
}
stat_of() { awk -v k="$2" '$1 == k {print $2}' "$1/memory.stat"; }
# Prints one column of values, one per line, for container $1.
measure() {
  init=$(podman inspect --format '{{.State.Pid}}' "$1")
  main=$(pgrep -P "$init" | head -1)
  dir=$(cgdir "$init")
  if [ -f "$dir/memory.current" ]; then
    usage=$(cat "$dir/memory.current")
    anon=$(stat_of "$dir" anon)
    file=$(stat_of "$dir" file)
    inactive=$(stat_of "$dir" inactive_file)
  else
    usage=$(cat "$dir/memory.usage_in_bytes")
    anon=$(stat_of "$dir" total_rss)
    file=$(stat_of "$dir" total_cache)
    inactive=$(stat_of "$dir" total_inactive_file)
  fi
  mib "$usage"; echo
  mib "$inactive"; echo
  mib $((usage - inactive)); echo
  mib "$anon"; echo
  mib "$file"; echo
  echo "$(cat "/proc/$main/comm")"
  mib $(($(kb VmRSS "$main") * 1024)); echo
  mib $(($(kb RssAnon "$main") * 1024)); echo
  mib $(($(kb RssFile "$main") * 1024)); echo
  kb Threads "$main"
  mib $(($(kb VmRSS "$init") * 1024)); echo
}
measure "$name" >"$tmp/ours"
[ -n "$compare" ] && measure "$name-cmp" >"$tmp/cmp"
cgv=v1
[ -f /sys/fs/cgroup/cgroup.controllers ] && cgv=v2
echo "# Image memory at rest"
echo
echo "$(date -u +%Y-%m-%d), $(uname -m), cgroup $cgv, image $image, a 5,000-file repository over git:// polled every $period, measured after ${seconds}s${flags:+; both with: $flags}${ours:+; ours also with: $ours}"
echo
printf '| What | git-sync (Java) |%s\n' "${compare:+ $(basename "$compare") (--compare) |}"
printf '|---|---|%s\n' "${compare:+---|}"
i=0
for what in "container: cgroup usage" "container: inactive file" "**container: working set** (usage - inactive file)" \
  "container: anonymous" "container: file (page cache)" "main process" "main process: RSS" \
  "main process: RssAnon" "main process: RssFile" "main process: threads" "tini: RSS"; do
  i=$((i + 1))
  ours=$(sed -n "${i}p" "$tmp/ours")
  if [ -n "$compare" ]; then
    printf '| %s | %s | %s |\n' "$what" "$ours" "$(sed -n "${i}p" "$tmp/cmp")"
  else
    printf '| %s | %s |\n' "$what" "$ours"
  fi
done
grep -E "^(uncompressed|gzip)" "$here/target/image/$(dpkg --print-architecture)/contents.txt" | sed 's/^/| /; s/: / | /; s/$/ |/'
