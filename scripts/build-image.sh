#!/bin/sh
# Builds the container image without a Docker daemon and writes target/git-sync-image.tar
# (load it with `podman load -i target/git-sync-image.tar`). Builds the jar first when missing.
# Options: --refresh-lock (pin the Debian versions apt offers now), --allow-lock-drift,
# --tag=NAME:TAG. Needs root (or unprivileged user namespaces), apt, python3 and a JDK with jmods.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$here/target/git-sync.jar" ]; then
  (cd "$here" && mvn -B -q -DskipTests package)
fi
exec python3 "$here/image/build.py" "$@"
