# The git-sync (Java) image, for those who build with Docker. It has the same contents as
# scripts/build-image.sh's tarball (which needs no Docker daemon): image/build.py assembles the
# root filesystem from the Debian packages pinned in image/packages.lock, keeping only the files
# git-sync runs, and links a Java runtime with jlink; image/in-image.sh then runs inside it to
# check every ELF file's shared libraries and to train the class-data-sharing archive with a sync.
#
#   docker build -t git-sync-java .
#   docker buildx build --platform linux/amd64,linux/arm64 -t REGISTRY/git-sync-java:TAG --push .
#
# Each platform's build runs natively on that platform (under emulation in buildx when it is not
# the builder's): image/build.py builds for the architecture it runs on, into
# target/image/$TARGETARCH, with that architecture's jlink.
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jdk-headless ca-certificates-java maven git python3 ca-certificates binutils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml ./
RUN mvn -B -ntp dependency:go-offline
COPY . .
RUN apt-get update \
 && mvn -B -q -DskipTests package \
 && SOURCE_DATE_EPOCH=0 python3 image/build.py --rootfs-only --allow-lock-drift

# The check and the training, run inside the image's own root filesystem.
FROM scratch AS check
ARG TARGETARCH
COPY --from=build /src/target/image/${TARGETARCH}/rootfs/ /
COPY --from=build /src/target/image/${TARGETARCH}/build-helpers/ /tmp/build/
RUN ["/bin/sh", "/tmp/build/in-image.sh"]

FROM scratch
ARG TARGETARCH
COPY --from=build /src/target/image/${TARGETARCH}/rootfs/ /
COPY --from=build --chown=65533:65533 /src/target/image/${TARGETARCH}/rootfs/git/ /git/
COPY --from=check /opt/git-sync/git-sync.jsa /opt/git-sync/git-sync.jsa
USER 65533:65533
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/tmp \
    GITSYNC_ROOT=/git \
    LANG=C.UTF-8
WORKDIR /tmp
ENTRYPOINT ["/git-sync"]
