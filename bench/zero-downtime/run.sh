#!/usr/bin/env bash
# Zero-downtime benchmark (issue 12, DESIGN §5 "Overlap mode"), not a test. Legs, each with UPDATES
# consecutive updates of the same host (demo-app 1.0.0 <-> 1.1.0 under the agent) while the load
# generator (dev.updater.sidecar.load.LoadGenerator: open loop, half new and half keep-alive
# connections) sends RATE requests a second to /version:
#   stop-start   `run --apply immediate` as it is today: stop the host, swap, start, gate;
#   overlap      the same with $OVERLAP_FLAGS (default `--restart overlap`): B starts beside A, BPF
#                steering, A drains and stops; run once per value of MIGRATE_REQ (tcp_migrate_req);
#   reuseport    plain SO_REUSEPORT overlap without steering, with $REUSEPORT_FLAGS (default
#                `-Dupdater.overlap.steering=off --restart overlap`: a measuring switch of the sidecar's
#                JVM, not an operator option; the sidecar logs `overlap: STEERING IS OFF` and the leg
#                fails if it does not), tcp_migrate_req=0.
# A leg whose flags this build's `run` does not know is reported as not run, with the reason.
# As root with unshare, each leg runs in a private network namespace of its own (lo only), where
# tcp_migrate_req is set without touching the machine's. Writes bench/zero-downtime/results.md.
#
#   bench/zero-downtime/run.sh
#   LEGS=stop-start UPDATES=5 bench/zero-downtime/run.sh           # quicker, one leg
#   CAPACITY_RATES= LEGS=stop-start bench/zero-downtime/run.sh       # skip the generator's capacity
#   LEGS=reuseport UPDATES=5 CAPACITY_RATES= bench/zero-downtime/run.sh   # the plain SO_REUSEPORT leg alone
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/zero-downtime
UPDATES=${UPDATES:-20}
RATE=${RATE:-300}
LEGS=${LEGS:-stop-start overlap reuseport}
OVERLAP_FLAGS=${OVERLAP_FLAGS:---restart overlap}
REUSEPORT_FLAGS=${REUSEPORT_FLAGS--Dupdater.overlap.steering=off --restart overlap}
MIGRATE_REQ=${MIGRATE_REQ:-0 1}
CAPACITY_RATES=${CAPACITY_RATES-300 1000 2000 4000}
RESULTS=${RESULTS:-$HERE/results.md}
JAR=${SIDECAR_JAR:-$ROOT/sidecar/target/updater-sidecar.jar}
AGENT_JAR=${AGENT_JAR:-$ROOT/agent/target/updater.jar}
APP_A=$ROOT/demo-app/target/demo-app-1.0.0.jar
APP_B=$ROOT/demo-app/target/demo-app-1.1.0.jar
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

if [ ! -f "$JAR" ] || [ ! -f "$AGENT_JAR" ] || [ ! -f "$APP_A" ] || [ ! -f "$APP_B" ] \
        || ! (unzip -l "$JAR" | grep "dev/updater/sidecar/load/LoadGenerator.class" >/dev/null); then
    echo "== building the agent, sidecar and demo-app jars"
    (cd "$ROOT" && flock /tmp/mvn.lock ./mvnw -B -q -pl agent,sidecar,demo-app -am package -DskipTests)
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/updater-bench-zero.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# Copies: a build running meanwhile rewrites the jars in target/.
cp "$JAR" "$WORK/sidecar.jar"; cp "$AGENT_JAR" "$WORK/updater.jar"; cp "$APP_A" "$WORK/a.jar"; cp "$APP_B" "$WORK/b.jar"

NETNS=0
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && unshare -n true 2>/dev/null; then NETNS=1; fi
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2"; }
RUN_HELP=$("$JAVA" -jar "$WORK/sidecar.jar" run --help 2>&1 || true)

# knows FLAGS: true when this build's `run --help` lists every --option in FLAGS
knows() {
    local flag
    for flag in $1; do
        case $flag in --*) grep -q -- "${flag%%=*}" <<< "$RUN_HELP" || return 1 ;; esac
    done
}

# leg LABEL MIGRATE FLAGS...: one run of ZeroDowntimeBench, in its own network namespace when possible
leg() {
    local label=$1 migrate=$2; shift 2
    echo "== $label ($UPDATES updates at $RATE req/s${migrate:+, tcp_migrate_req=$migrate})" >&2
    local bench=("$JAVA" -XX:+UseSerialGC -cp "$WORK/sidecar.jar" "$HERE/ZeroDowntimeBench.java" "$label"
        "$WORK/sidecar.jar" "$WORK/updater.jar" "$WORK/a.jar" "$WORK/b.jar" "$UPDATES" "$RATE" "$@")
    if [ "$NETNS" = 1 ]; then
        # shellcheck disable=SC2016 # $0 and $@ belong to the inner sh
        unshare -n sh -c 'ip link set lo up && if [ -n "$0" ]; then echo "$0" > /proc/sys/net/ipv4/tcp_migrate_req; fi && exec "$@"' \
            "$migrate" "${bench[@]}" | tee /dev/stderr
    else
        "${bench[@]}" | tee /dev/stderr
    fi
}

# The load generator's own capacity, against the bare host (no sidecar): the rate it actually sent,
# and how late it started requests after a 3 s warm-up (falling behind shows as a growing lag).
CAPACITY=()
if [ -n "$CAPACITY_RATES" ]; then
    CAP_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$JAVA" -XX:+UseSerialGC -jar "$WORK/a.jar" --port "$CAP_PORT" --data "$WORK/capacity.properties" >/dev/null 2>&1 &
    APP_PID=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$CAP_PORT/version" >/dev/null && break; sleep 0.1; done
    for rate in $CAPACITY_RATES; do
        echo "== load generator capacity at $rate req/s" >&2
        out=$("$JAVA" -XX:+UseSerialGC -cp "$WORK/sidecar.jar" dev.updater.sidecar.load.LoadGenerator \
            "http://127.0.0.1:$CAP_PORT/version" "$rate" 8 </dev/null)
        result=$(grep '^RESULT' <<< "$out")
        lag=$(grep '^SECOND' <<< "$out" | sed -n '4,8p' | sed 's/.*max_start_lag_ms=\([0-9.]*\).*/\1/' | sort -g | tail -1)
        CAPACITY+=("| $rate | $(field rate "$result") | ${lag:-?} | $(field failed "$result") |")
    done
    kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
fi

ROWS=()
NOTES=()
for name in $LEGS; do
    case $name in
        stop-start)
            ROWS+=("$(leg stop-start "" | grep '^SUMMARY')") ;;
        overlap)
            if ! knows "$OVERLAP_FLAGS"; then
                NOTES+=("overlap: not run, this build's \`run\` has no \`${OVERLAP_FLAGS%% *}\` (issue 12's overlap mode is not merged yet)")
                continue
            fi
            for m in $MIGRATE_REQ; do
                # shellcheck disable=SC2086 # the flags are words
                ROWS+=("$(leg "overlap,migrate_req=$m" "$m" $OVERLAP_FLAGS | grep '^SUMMARY')")
            done ;;
        reuseport)
            if [ -z "$REUSEPORT_FLAGS" ]; then
                NOTES+=("reuseport (SO_REUSEPORT overlap without steering): not run, REUSEPORT_FLAGS is not set")
                continue
            fi
            if ! knows "$REUSEPORT_FLAGS"; then
                NOTES+=("reuseport (SO_REUSEPORT overlap without steering): not run, this build's \`run\` does not know \`$REUSEPORT_FLAGS\`")
                continue
            fi
            # shellcheck disable=SC2086
            ROWS+=("$(leg reuseport 0 $REUSEPORT_FLAGS | grep '^SUMMARY')") ;;
        *) echo "unknown leg $name (stop-start, overlap, reuseport)" >&2; exit 2 ;;
    esac
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
{
    echo "Measured $(date -u +%F) on $(nproc) cores ($cpu), $("$JAVA" -version 2>&1 | head -1), load average"
    echo "$(cut -d' ' -f1 /proc/loadavg) at the end. Host: demo-app 1.0.0 <-> 1.1.0 with the agent, under"
    echo "\`updater-sidecar run --apply immediate --health-url …/health --min-uptime 0s\`; $UPDATES consecutive updates"
    echo "per leg; load: $RATE req/s to /version, open loop, half new and half keep-alive connections (a reused"
    echo "connection closed before any response byte is retried once, as HTTP clients do; everything else that"
    echo "is not a 2xx counts). $( [ "$NETNS" = 1 ] && echo "Each leg in a private network namespace (lo only)." || echo "In the machine's own network namespace (not root, or no unshare).")"
    echo "Cut-over window: staged.json written → new version healthy and old host gone + 500 ms; steady: the"
    echo "rest (2 s between updates). Latency from the scheduled send time, in ms."
    echo
    echo "| leg | requests | failed | failed per update (min / median / max) | reasons | retried | p50 steady | p99 steady | p50 cut-over | p99 cut-over | p99 cut-over / steady | p99 while B starts | p99 from B healthy |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    for row in ${ROWS[@]+"${ROWS[@]}"}; do
        s99=$(field steady_p99 "$row"); c99=$(field cutover_p99 "$row")
        echo "| $(field leg "$row") | $(field requests "$row") | **$(field failed "$row")** ($(field failed_steady "$row") in steady windows) | $(field per_update_min "$row") / $(field per_update_median "$row") / $(field per_update_max "$row") | $(field reasons "$row") | $(field retried "$row") | $(field steady_p50 "$row") | $s99 | $(field cutover_p50 "$row") | $c99 | $(awk "BEGIN {printf \"%.1f\", $c99/$s99}")× | $(field starting_p99 "$row") | $(field after_p99 "$row") |"
    done
    if [ ${#CAPACITY[@]} -gt 0 ]; then
        echo
        echo "The load generator alone against the bare host (8 s each; lag = the latest it started a request in"
        echo "seconds 3–8, after its warm-up):"
        echo
        echo "| target req/s | sent req/s | max start lag (ms) | failed |"
        echo "|---|---|---|---|"
        printf '%s\n' "${CAPACITY[@]}"
    fi
    for note in ${NOTES[@]+"${NOTES[@]}"}; do
        echo
        echo "- $note"
    done
} > "$RESULTS"
echo
cat "$RESULTS"
