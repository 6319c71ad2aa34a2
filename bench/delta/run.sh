#!/usr/bin/env bash
# Delta benchmark (not a test): bytes a client transfers with an entry index (DESIGN §12) against the
# full download and whole-file content-defined chunking, for a ~23 MiB fat jar made of the real jars
# core's build copies into core/target/delta-jars; the client's CPU for the rebuild, with the heap
# capped at 64 MiB as in the agent. Then the same for Spring Boot fat jars built by Spring Boot's
# Repackager (nested jars in BOOT-INF/lib): a dependency bump, one class changed in a nested module
# jar, and a build that is not reproducible.
#
# Then the same for an artifact that is not a zip (FileDeltaBench): a real native binary (BINARY, by
# default the JDK's libjvm.so, ~23 MiB) with a change in its middle and an insertion near its start.
#
# Last, the yardstick for every pair above: bsdiff 4.3 (Debian's bsdiff, installed with apt-get when
# missing, as GNU time is), a patch per pair of versions: its size against the delta and the full
# download, the CPU, wall time and peak memory to make it, and to apply it (bspatch, checked
# byte-exact).
#
# Builds beside the bench distort its timings: it holds the shared build lock (/tmp/mvn.lock) for its
# whole run, waiting for it first. A caller that already holds it sets MVN_LOCK_HELD=1.
#
#   bench/delta/run.sh
set -euo pipefail
if [ -z "${MVN_LOCK_HELD:-}" ]; then
  # not forever: run inside `flock /tmp/mvn.lock ...` without MVN_LOCK_HELD, it would wait for itself
  echo "== waiting for /tmp/mvn.lock (at most 30 min; a caller that holds it sets MVN_LOCK_HELD=1)"
  MVN_LOCK_HELD=1 exec flock -w 1800 -E 75 /tmp/mvn.lock "$BASH" "$0" "$@"
fi
cd "$(dirname "$0")/../.."
need=()
command -v bsdiff > /dev/null || need+=(bsdiff)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" > /dev/null
fi
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ! -d core/target/delta-jars ] || [ ! -d core/target/test-classes/dev/updater/core/delta ]; then
  echo "== building core (copies the real jars into core/target/delta-jars, compiles the Spring Boot fixture)"
  ./mvnw -B -q -pl core package -DskipTests
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/updater-bench-delta.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# The Spring Boot fat jars are built by Spring Boot's Repackager (a test dependency of core).
./mvnw -B -q -o -pl core dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/test.classpath" > /dev/null
CP="core/target/classes:core/target/test-classes:$(cat "$WORK/test.classpath")"
javac -d "$WORK/classes" -cp "$CP" bench/delta/DeltaBench.java bench/delta/FileDeltaBench.java
java -Xmx64m -cp "$CP:$WORK/classes" DeltaBench core/target/delta-jars "$WORK/work"

BINARY=${BINARY:-$(dirname "$(readlink -f "$(command -v java)")")/../lib/server/libjvm.so}
echo
echo "== not a zip: $BINARY"
# The bench holds the channel's chunks in memory besides both files; the client's part streams.
java -Xmx256m -cp "$CP:$WORK/classes" FileDeltaBench "$BINARY" "$WORK/bin"

# GNU time's report: "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:34.81" and so on
timed() { # REPORT COMMAND...
  /usr/bin/time -v -o "$1" "${@:2}" > /dev/null
}
cpu_s() { awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' "$1"; }
wall_s() { awk -F': ' '/Elapsed/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.1f", s }' "$1"; }
group() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<< "$1"; }
rss_mib() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

echo
echo "== bsdiff 4.3 for each pair (a patch per pair of versions; the delta needs none)"
echo "| scenario | full download | delta total | bsdiff patch | delta ÷ bsdiff | bsdiff % of full | make the patch: CPU, wall, peak RSS | apply it (bspatch): CPU, peak RSS |"
echo "|---|---|---|---|---|---|---|---|"
while IFS=$'\t' read -r name old new full delta; do
  timed "$WORK/bsdiff.time" bsdiff "$old" "$new" "$WORK/pair.patch"
  patch=$(stat -c %s "$WORK/pair.patch")
  timed "$WORK/bspatch.time" bspatch "$old" "$WORK/pair.out" "$WORK/pair.patch"
  cmp -s "$WORK/pair.out" "$new" || { echo "bspatch did not rebuild $new" >&2; exit 1; }
  printf '| %s | %s B | %s B | %s B | %s | %s %% | %s s, %s s, %s MiB | %s s, %s MiB |\n' "$name" \
    "$(group "$full")" "$(group "$delta")" "$(group "$patch")" \
    "$(awk -v d="$delta" -v p="$patch" 'BEGIN { printf "%.2f", d / p }')" \
    "$(awk -v f="$full" -v p="$patch" 'BEGIN { printf "%.3f", 100 * p / f }')" \
    "$(cpu_s "$WORK/bsdiff.time")" "$(wall_s "$WORK/bsdiff.time")" "$(rss_mib "$WORK/bsdiff.time")" \
    "$(cpu_s "$WORK/bspatch.time")" "$(rss_mib "$WORK/bspatch.time")"
  rm -f "$WORK/pair.patch" "$WORK/pair.out"
done < <(cat "$WORK/work/pairs.tsv" "$WORK/bin/pairs.tsv")
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
