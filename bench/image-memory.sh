#!/bin/sh
# Memory at rest of the image: runs target/git-sync-image.tar with podman as a sidecar would
# (uid 65533, a 10s period against a git daemon on loopback, /metrics on), waits, and reads the
# JVM's and tini's RSS from /proc and the container's cgroup usage. Prints a Markdown report;
# bench/results/image.md is its last output. Usage: bench/image-memory.sh [seconds]  (root)
set -eu
wait=${1:-90}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
name=git-sync-mem-$$
port=19$(($$ % 900 + 100))
cleanup() {
  podman rm -f "$name" >/dev/null 2>&1 || true
  [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
image=$(podman load -q -i "$here/target/git-sync-image.tar" 2>/dev/null | grep "Loaded image" | tail -1 | sed "s/.*: //")
git init -q -b main "$tmp/repo"
git -C "$tmp/repo" -c user.name=b -c user.email=b@localhost commit -q --allow-empty -m bench
mkdir "$tmp/out" && chown 65533:65533 "$tmp/out"
git daemon --reuseaddr --listen=127.0.0.1 --port="$port" --export-all --base-path="$tmp" >/dev/null 2>&1 &
daemon=$!
n=$(ulimit -Hn)
podman run -d --name "$name" --runtime runc --network host --ulimit "nofile=$n:$n" \
  --ulimit nproc=32768:32768 -v "$tmp/out:/git" "$image" \
  --repo="git://127.0.0.1:$port/repo" --period=10s --http-bind=127.0.0.1:0 --http-metrics >/dev/null
sleep "$wait"
init=$(podman inspect --format '{{.State.Pid}}' "$name")
java=$(pgrep -P "$init" java)
kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$2/status"; }
mib() { awk -v v="$1" 'BEGIN {printf "%.1f MiB", v / 1024}'; }
echo "# Image memory at rest"
echo
echo "$(date -u +%Y-%m-%d), $(uname -m), image $image, after ${wait}s of polling every 10s"
echo
echo "| What | Value |"
echo "|---|---|"
echo "| JVM RSS | $(mib "$(kb VmRSS "$java")") |"
echo "| JVM anonymous (heap, metaspace, stacks) | $(mib "$(kb RssAnon "$java")") |"
echo "| JVM file-backed (libjvm, CDS archives, jar; shared, reclaimable) | $(mib "$(kb RssFile "$java")") |"
echo "| tini RSS | $(mib "$(kb VmRSS "$init")") |"
echo "| container memory (podman stats: cgroup usage) | $(podman stats --no-stream --format '{{.MemUsage}}' "$name" | cut -d/ -f1) |"
grep -E "^(uncompressed|gzip)" "$here/target/image/contents.txt" | sed 's/^/| /; s/: / | /; s/$/ |/'
