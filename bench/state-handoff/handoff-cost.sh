#!/usr/bin/env bash
# What the state hand-off adds to an update (issue 13): the time from the sidecar's save request
# (requests/save.json) to the agent's answer (the request removed, handoff/<v>.json written). The
# sidecar stops the host only after it, so this is the whole delay it adds to a stop-start update or
# to overlap's cut-over; the new host's restore runs on its agent's thread after start and delays no
# gate. The request is written here exactly as HostStateSave writes it, to a real host JVM with the
# real agent and a StateHandoff MBean whose save() returns STATE_BYTES bytes.
# Needs the packaged agent jar (./mvnw -pl agent -am package -DskipTests).
#
#   bench/state-handoff/handoff-cost.sh
#   RUNS=40 STATE_BYTES=1048576 bench/state-handoff/handoff-cost.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-20}
STATE_BYTES=${STATE_BYTES:-300}
JAVA=${JAVA:-$(readlink -f "$(command -v java)")}
AGENT_JAR=${AGENT_JAR:-$PWD/agent/target/updater.jar}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/updater-bench-handoff.XXXXXX")
trap '[ -f "$WORK/pid" ] && kill "$(cat "$WORK/pid")" 2>/dev/null; rm -rf "$WORK"' EXIT

[ -f "$AGENT_JAR" ] || { echo "missing $AGENT_JAR: run ./mvnw -pl agent -am package -DskipTests first" >&2; exit 1; }
BIN=$(dirname "$JAVA")
"$BIN/javac" --release 17 -d "$WORK" bench/state-handoff/StateHost.java
printf 'Main-Class: StateHost\nImplementation-Version: 1.0.0\n' > "$WORK/host.mf"
"$BIN/jar" cfm "$WORK/host.jar" "$WORK/host.mf" -C "$WORK" .
mkdir -m 700 "$WORK/home"
KEY=ed25519:MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
"$JAVA" -javaagent:"$AGENT_JAR"=manifest=http://127.0.0.1:9/m.json,key=$KEY,home=$WORK/home,initial-delay=1h \
  -jar "$WORK/host.jar" "$STATE_BYTES" > "$WORK/host.out" 2>&1 &
echo $! > "$WORK/pid"
PID=$(cat "$WORK/pid")
for _ in $(seq 200); do grep -q '"stateHandoff" : true' "$WORK/home/agent.json" 2>/dev/null && break; sleep 0.05; done
grep -q '"stateHandoff" : true' "$WORK/home/agent.json" || { cat "$WORK/host.out"; echo "the agent never saw the MBean" >&2; exit 1; }
STARTED=$(sed -n 's/.*"startedAt" : "\([^"]*\)".*/\1/p' "$WORK/home/agent.json")
mkdir -p -m 700 "$WORK/home/requests"

times=()
for i in $(seq "$RUNS"); do
  printf '{"forVersion":"2.0.%d","pid":%d,"startedAt":"%s","requestedAt":"%s","timeoutMillis":10000}\n' \
    "$i" "$PID" "$STARTED" "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" > "$WORK/home/requests/.save.json.tmp"
  start=$(date +%s%N)
  mv "$WORK/home/requests/.save.json.tmp" "$WORK/home/requests/save.json"
  while [ -e "$WORK/home/requests/save.json" ]; do sleep 0.002; done
  end=$(date +%s%N)
  [ -f "$WORK/home/handoff/2.0.$i.json" ] || { cat "$WORK/host.out"; echo "no state saved in run $i" >&2; exit 1; }
  times+=($(( (end - start) / 1000000 )))
  rm -f "$WORK/home/handoff/"*.json
  sleep 0.$((RANDOM % 10)) # requests arrive at any point of the agent's half-second tick
done
printf '%s\n' "${times[@]}" | sort -n | awk -v bytes="$STATE_BYTES" '
  { t[NR] = $1; sum += $1 }
  END { printf "state of %d bytes, %d runs: mean %.0f ms, median %d ms, min %d ms, max %d ms\n",
        bytes, NR, sum / NR, t[int((NR + 1) / 2)], t[1], t[NR] }'
# the agent's own part: save() and the two fsynced writes, without the wait for its next tick
sed -n "s/.*saved the host's state for [^ ]* ([0-9,]* bytes\{0,1\} in \([0-9]*\) ms.*/\1/p" "$WORK/host.out" | sort -n \
  | awk '{ t[NR] = $1; sum += $1 } END { printf "  of which save() and writing the files: mean %.0f ms, median %d ms, max %d ms\n",
         sum / NR, t[int((NR + 1) / 2)], t[NR] }'
