#!/bin/sh
# Builds the container image without a Docker daemon and writes target/git-sync-image.tar
# (load it with `podman load -i target/git-sync-image.tar`). Builds the jar first when missing.
# Options: --arch=amd64|arm64 (default: the host's; writes target/git-sync-image-ARCH.tar), --all
# (every architecture, and the OCI image index target/git-sync-image.oci.tar), --refresh-lock (pin
# the Debian versions apt offers now), --allow-lock-drift, --tag=NAME:TAG. Needs root (or
# unprivileged user namespaces), apt, python3 and binutils; for another architecture its binutils
# and qemu-user-static (README, "Architectures").
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$here/target/git-sync.jar" ]; then
  (cd "$here" && mvn -B -q -DskipTests package)
fi
exec python3 "$here/image/build.py" "$@"
