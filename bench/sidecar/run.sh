#!/usr/bin/env bash
# Benchmarks the sidecar, in one run:
#   1. update latency: from staged.json written to the new host passing a --health-url gate
#      (run --apply immediate --min-uptime 0s, demo-app 1.0.0 <-> 1.1.0), against the same host JVM
#      started bare to its first 2xx and stopped bare with SIGTERM (UpdateLatencyBench.java);
#   2. the swap alone (re-verify, journal, hard-link backup, verified copy, fsync, rename, fsync) of a
#      100 MiB artifact, against cp + sync + mv of the same file (SwapBench.java).
# Builds the sidecar and demo-app jars when missing (Maven serialized by /tmp/mvn.lock, as everywhere
# in this tree). Writes bench/sidecar/results.md and prints it.
#
# Usage: bench/sidecar/run.sh [ROUNDS]          (rounds per measurement, default 10)
#        SIZE_MIB=100 WORKDIR=/var/tmp bench/sidecar/run.sh   (artifact size; where the swap runs)
# Not a test: the numbers depend on the machine, its disk and whatever else runs on it.
set -euo pipefail

ROUNDS=${1:-10}
SIZE_MIB=${SIZE_MIB:-100}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/sidecar
JAR=${SIDECAR_JAR:-$ROOT/sidecar/target/updater-sidecar.jar}
APP_A=$ROOT/demo-app/target/demo-app-1.0.0.jar
APP_B=$ROOT/demo-app/target/demo-app-1.1.0.jar
WORKDIR=${WORKDIR:-${TMPDIR:-/tmp}}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

if [ ! -f "$JAR" ] || [ ! -f "$APP_A" ] || [ ! -f "$APP_B" ] \
        || ! (unzip -l "$JAR" | grep "dev/updater/sidecar/swap/SwapTransaction.class" >/dev/null); then
    echo "Building the sidecar and demo-app jars ..."
    (cd "$ROOT" && flock /tmp/mvn.lock ./mvnw -B -q -pl sidecar,demo-app -am package -DskipTests)
fi

echo "== update latency ($ROUNDS rounds)"
latency=$("$JAVA" -XX:+UseSerialGC "$HERE/UpdateLatencyBench.java" "$JAR" "$APP_A" "$APP_B" "$ROUNDS" | tee /dev/stderr)
echo "== swap alone, $SIZE_MIB MiB ($ROUNDS rounds)"
swap=$("$JAVA" -XX:+UseSerialGC -cp "$JAR" "$HERE/SwapBench.java" "$SIZE_MIB" "$ROUNDS" "$WORKDIR" | tee /dev/stderr)

read -r _ bare_start bare_stop total notice stop swapspawn gate overhead <<< "$(grep '^SUMMARY' <<< "$latency")"
read -r _ cold_ours cold_shell warm_ours warm_shell <<< "$(grep '^SUMMARY' <<< "$swap")"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
fs=$(df -T "$WORKDIR" | awk 'NR==2 {print $2}')
{
    echo "Measured $(date -u +%F) on $(nproc) cores ($cpu), $("$JAVA" -version 2>&1 | head -1),"
    echo "$ROUNDS rounds each, load average $(cut -d' ' -f1 /proc/loadavg); swap on $fs ($WORKDIR). Medians."
    echo
    echo "| update latency (demo-app, --apply immediate, --min-uptime 0s) | ms |"
    echo "|---|---|"
    echo "| bare: host JVM start to first 2xx | $bare_start |"
    echo "| bare: host SIGTERM to exit (the app's own graceful stop) | $bare_stop |"
    echo "| **sidecar: staged.json written to gate passed** | **$total** |"
    echo "| of which: sidecar notices the staged release | $notice |"
    echo "| of which: the host stops (SIGTERM) | $stop |"
    echo "| of which: swap and spawn of the new host | $swapspawn |"
    echo "| of which: new host start to gate passed | $gate |"
    echo "| **overhead = staged-to-gate − bare start − bare stop** (goal ≤ 200) | **$overhead** |"
    echo
    echo "| swap alone, $SIZE_MIB MiB | swap transaction | cp + sync + mv | ratio |"
    echo "|---|---|---|---|"
    echo "| first round (cold JVM) | $cold_ours ms | $cold_shell ms | $(awk "BEGIN {printf \"%.1f\", $cold_ours/$cold_shell}")× |"
    echo "| median of the other rounds | $warm_ours ms | $warm_shell ms | $(awk "BEGIN {printf \"%.1f\", $warm_ours/$warm_shell}")× |"
} > "$HERE/results.md"
echo
cat "$HERE/results.md"
