# The git-sync (Java) image, for those who build with Docker. It has the same contents as
# scripts/build-image.sh's tarball (which needs no Docker daemon): image/build.py assembles the
# root filesystem from the Debian packages pinned in image/packages.lock, keeps only the files
# git-sync runs, links a Java runtime with jlink, checks every ELF file's shared libraries and
# trains the class-data-sharing archive with a sync inside it. Then it is copied onto scratch.
#
#   docker build -t git-sync-java .
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jdk-headless ca-certificates-java maven git python3 ca-certificates binutils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml ./
RUN mvn -B dependency:go-offline -ntp
COPY . .
RUN apt-get update \
 && mvn -B -q -DskipTests package \
 && SOURCE_DATE_EPOCH=0 python3 image/build.py --no-namespaces --rootfs-only --allow-lock-drift

FROM scratch
COPY --from=build /src/target/image/rootfs/ /
USER 65533:65533
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/tmp \
    GITSYNC_ROOT=/git \
    LANG=C.UTF-8
WORKDIR /tmp
ENTRYPOINT ["/git-sync"]
