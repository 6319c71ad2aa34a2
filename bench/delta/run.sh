#!/usr/bin/env bash
# Delta benchmark (not a test): bytes a client transfers with an entry index (DESIGN §12) against the
# full download and whole-file content-defined chunking, for a ~23 MiB fat jar made of the real jars
# core's build copies into core/target/delta-jars; the client's CPU for the rebuild, with the heap
# capped at 64 MiB as in the agent.
#
#   bench/delta/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -d core/target/delta-jars ] || [ ! -d core/target/classes/dev/updater/core/delta ]; then
  echo "== building core (copies the real jars into core/target/delta-jars)"
  flock /tmp/mvn.lock ./mvnw -B -q -pl core package -DskipTests
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/updater-bench-delta.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
javac -d "$WORK/classes" -cp core/target/classes bench/delta/DeltaBench.java
java -Xmx64m -cp "core/target/classes:$WORK/classes" DeltaBench core/target/delta-jars "$WORK/work"
