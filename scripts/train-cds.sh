#!/bin/sh
# Builds target/git-sync.jsa, one static class-data-sharing archive of exactly the classes (JDK and
# git-sync) that a real sync loads (runs during `mvn package`): a training run lists them, then
# -Xshare:dump archives them. ./git-sync uses it when present: the JVM then maps those classes
# instead of parsing and verifying them, which shortens start-up, and needs no base archive of the
# JDK's own choice of classes (see BENCHMARKS.md, "Memory").
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
jar="$here/target/git-sync.jar"
jsa="$here/target/git-sync.jsa"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git init -q -b main "$tmp/repo"
echo cds > "$tmp/repo/file"
git -C "$tmp/repo" add file
git -C "$tmp/repo" -c user.name=cds -c user.email=cds@localhost commit -qm cds
rm -f "$jsa"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The same settings as ./git-sync, so that the archive matches at run time.
"$java" -XX:DumpLoadedClassList="$tmp/classes.lst" -Xshare:off "@$here/jvm.options" \
  -jar "$jar" --repo="file://$tmp/repo" --root="$tmp/root" --one-time \
  --http-bind=127.0.0.1:0 --http-metrics --touch-file=touched \
  --notify='generic+http://127.0.0.1:9/cds?events=giving_up' 2>/dev/null
"$java" -Xshare:dump -XX:SharedClassListFile="$tmp/classes.lst" -XX:SharedArchiveFile="$jsa" \
  -Xlog:cds=off -Xlog:cds+dynamic=off "@$here/jvm.options" -jar "$jar" >/dev/null
test -s "$jsa"
