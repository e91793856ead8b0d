#!/bin/sh
# Runs inside the image's root filesystem at build time: chrooted by image/build.py, or as a RUN
# step of the Dockerfile. 1. Fails when any ELF file (listed in elf-files.txt) needs a shared
# library the image lacks, as the image's own loader resolves them. 2. Trains the class-data-
# sharing archive with a real one-time sync, with the entrypoint's JVM settings.
# Its helpers (this script, elf-files.txt, the architecture's loader, a repo, and for another
# architecture than the build host's its static ldconfig) are at /tmp/build.
set -eu
build=/tmp/build
loader=/lib64/ld-linux-x86-64.so.2
[ -f $build/loader ] && read -r loader <$build/loader
# The host's ldconfig reads only its own architecture's libraries: the image's own cache is
# written here then.
[ -x $build/ldconfig ] && $build/ldconfig
missing=0
while read -r f; do
  case "$f" in
    # The java launcher loads libjvm.so from lib/server before the JDK's other libraries.
    /opt/java/*) path=/opt/java/lib/server ;;
    *) path= ;;
  esac
  out=$("$loader" ${path:+--library-path "$path"} --list "$f" 2>&1) || true
  # A missing direct dependency stops the loader ("cannot open shared object file"); a missing
  # indirect one is listed as "not found".
  case "$out" in
    *"not found"* | *"cannot open shared object file"*)
      echo "$f: $out" >&2
      missing=1
      ;;
  esac
done <"$build/elf-files.txt"
if [ "$missing" != 0 ]; then
  echo "shared libraries are missing from the image" >&2
  exit 1
fi
# One static archive of exactly the classes a real sync loads: listed by a training run, then
# dumped (BENCHMARKS.md, "Memory").
/opt/java/bin/java -XX:DumpLoadedClassList=$build/classes.lst -Xshare:off \
  @/opt/git-sync/jvm.options \
  -jar /opt/git-sync/git-sync.jar --repo="file://$build/repo" --root="$build/root" --one-time \
  --http-bind=127.0.0.1:0 --http-metrics --touch-file=touched \
  --notify='generic+http://127.0.0.1:9/cds?events=giving_up' 2>/dev/null
/opt/java/bin/java -Xshare:dump -XX:SharedClassListFile=$build/classes.lst \
  -XX:SharedArchiveFile=/opt/git-sync/git-sync.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
  @/opt/git-sync/jvm.options -jar /opt/git-sync/git-sync.jar >/dev/null
test -s /opt/git-sync/git-sync.jsa
