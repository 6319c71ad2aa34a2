#!/usr/bin/env bash
# Delta benchmark (not a test): bytes a client transfers with an entry index (DESIGN §12) against the
# full download and whole-file content-defined chunking, for a ~23 MiB fat jar made of the real jars
# core's build copies into core/target/delta-jars; the client's CPU for the rebuild, with the heap
# capped at 64 MiB as in the agent. Then the same for Spring Boot fat jars built by Spring Boot's
# Repackager (nested jars in BOOT-INF/lib): a dependency bump, one class changed in a nested module
# jar, and a build that is not reproducible.
#
# Then the same for an artifact that is not a zip (FileDeltaBench): a real native binary (BINARY, by
# default the JDK's libjvm.so, ~23 MiB) with a change in its middle and an insertion near its start,
# against the full download and bsdiff (when installed: apt-get install bsdiff).
#
#   bench/delta/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -d core/target/delta-jars ] || [ ! -d core/target/test-classes/dev/updater/core/delta ]; then
  echo "== building core (copies the real jars into core/target/delta-jars, compiles the Spring Boot fixture)"
  flock /tmp/mvn.lock ./mvnw -B -q -pl core package -DskipTests
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/updater-bench-delta.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# The Spring Boot fat jars are built by Spring Boot's Repackager (a test dependency of core).
flock /tmp/mvn.lock ./mvnw -B -q -o -pl core dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/test.classpath" > /dev/null
CP="core/target/classes:core/target/test-classes:$(cat "$WORK/test.classpath")"
javac -d "$WORK/classes" -cp "$CP" bench/delta/DeltaBench.java bench/delta/FileDeltaBench.java
java -Xmx64m -cp "$CP:$WORK/classes" DeltaBench core/target/delta-jars "$WORK/work"

BINARY=${BINARY:-$(dirname "$(readlink -f "$(command -v java)")")/../lib/server/libjvm.so}
echo
echo "== not a zip: $BINARY"
# The bench holds the channel's chunks in memory besides both files; the client's part streams.
java -Xmx256m -cp "$CP:$WORK/classes" FileDeltaBench "$BINARY" "$WORK/bin"
if command -v bsdiff > /dev/null; then
  echo
  echo "| scenario | bsdiff patch | bsdiff time |"
  echo "|---|---|---|"
  for pair in changed inserted; do
    start=$(date +%s.%N)
    bsdiff "$WORK/bin/base.bin" "$WORK/bin/$pair.bin" "$WORK/bin/$pair.patch"
    end=$(date +%s.%N)
    printf '| %s | %s B | %.1f s |\n' "$pair" "$(stat -c %s "$WORK/bin/$pair.patch")" "$(echo "$end - $start" | bc)"
  done
else
  echo "bsdiff is not installed (apt-get install bsdiff): no bsdiff yardstick."
fi
