#!/usr/bin/env bash
# Time from 'updater-sidecar attach' to the agent's first agent.json (issue 13, goal <= 1.5 s), on a
# JDK 17 and a JDK 25 host. 'attach' returns once the agent has written agent.json (it polls the
# host's updater.agent.home property), so the command's wall time is the figure, the attacher's own
# JVM start included. Each run gets a fresh host (hyperfine --prepare), started 1 s before.
# Needs hyperfine (apt-get install hyperfine) and the packaged jars (./mvnw -pl sidecar -am package).
#
#   bench/attach/attach-time.sh
#   RUNS=5 bench/attach/attach-time.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-15}
JDK17=${JDK17:-$(readlink -f "$(command -v java)")}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
SIDECAR_JAR=${SIDECAR_JAR:-$PWD/sidecar/target/updater-sidecar.jar}
AGENT_JAR=${AGENT_JAR:-$PWD/agent/target/updater.jar}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/updater-bench-attach.XXXXXX")
trap '[ -f "$WORK/pid" ] && kill "$(cat "$WORK/pid")" 2>/dev/null; rm -rf "$WORK"' EXIT

for jar in "$SIDECAR_JAR" "$AGENT_JAR"; do
  [ -f "$jar" ] || { echo "missing $jar: run ./mvnw -pl sidecar -am package -DskipTests first" >&2; exit 1; }
done
BIN17=$(dirname "$JDK17")
"$BIN17/javac" --release 17 -d "$WORK" bench/attach/SleepingHost.java
printf 'Main-Class: SleepingHost\nImplementation-Version: 1.0.0\n' > "$WORK/host.mf"
"$BIN17/jar" cfm "$WORK/host.jar" "$WORK/host.mf" -C "$WORK" SleepingHost.class
# an unreachable channel on loopback: the agent starts, writes agent.json, and fails its checks quietly
KEY=ed25519:MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
OPTIONS="manifest=http://127.0.0.1:9/manifest.json key=$KEY"

for entry in "17:$JDK17" "25:$JDK25"; do
  feature=${entry%%:*}
  java=${entry#*:}
  [ -x "$java" ] || { echo "skipping JDK $feature: no $java"; continue; }
  prepare="[ -f $WORK/pid ] && kill \$(cat $WORK/pid) 2>/dev/null; rm -rf $WORK/home;
    $java -XX:+EnableDynamicAgentLoading -jar $WORK/host.jar > $WORK/host.out 2>&1 & echo \$! > $WORK/pid; sleep 1"
  hyperfine --runs "$RUNS" --warmup 1 --prepare "$prepare" --export-markdown "$WORK/jdk$feature.md" \
    -n "attach to a JDK $feature host (sidecar on JDK 17)" \
    "$JDK17 -jar $SIDECAR_JAR attach --pid \$(cat $WORK/pid) --agent-jar $AGENT_JAR --home $WORK/home $OPTIONS"
  cat "$WORK/jdk$feature.md"
done
