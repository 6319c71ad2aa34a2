#!/usr/bin/env bash
# Fleet simulation (not a test): HOSTS simulated agents in one JVM on JDK 25 virtual threads, each running the
# agent's real check and back-off on a compressed clock, against two nginx servers on 127.0.0.1 (A, and B as the
# second manifest URL and artifact mirror). See bench/fleet/README.md for the scenario and what is measured.
# Installs nginx-light with apt-get if missing; compiles core and agent if their classes are missing (Maven
# serialized by /tmp/mvn.lock). Writes results.md, requests.svg and versions.svg next to this script.
#
#   bench/fleet/run.sh                 (10000 hosts, clock 20x, 3 simulated hours: about 9 minutes)
#   HOSTS=2000 FACTOR=60 HOURS=1.5 bench/fleet/run.sh   (a quick look)
#   SCENARIO=waves bench/fleet/run.sh  (rollout schedules and a halt, 4 simulated hours: about 12 minutes;
#                                       writes results-waves.md, requests-waves.svg, versions-waves.svg)
set -euo pipefail
HOSTS=${HOSTS:-10000}
FACTOR=${FACTOR:-20}
SCENARIO=${SCENARIO:-burst}
case "$SCENARIO" in
    burst) HOURS=${HOURS:-3}; SUFFIX="" ;;
    waves) HOURS=${HOURS:-4}; SUFFIX="-waves" ;;
    *) echo "SCENARIO is burst (the default: a release, a dead mirror, Retry-After) or waves (schedules and a halt), not '$SCENARIO'" >&2; exit 2 ;;
esac
PORT_A=${PORT_A:-18480}
PORT_B=${PORT_B:-18481}
JAVA_HOME=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/bench/fleet

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    echo "Installing nginx-light ..."
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# tmpfs: 10,000 update homes, and no disk in the measurement
WORK=$(mktemp -d /dev/shm/updater-fleet.XXXXXX)
cleanup() {
    set +e
    for s in a b; do
        [ -f "$WORK/nginx-$s/nginx.pid" ] && kill "$(cat "$WORK/nginx-$s/nginx.pid")" 2>/dev/null
    done
    sleep 0.3
    [ -n "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

cd "$ROOT"
if [ ! -f agent/target/agent-classpath.txt ] || [ ! -d agent/target/classes/dev/updater/agent/check ]; then
    echo "== building core and agent"
    flock /tmp/mvn.lock ./mvnw -B -o -q -pl core,agent -am package -DskipTests
fi
# the agent build writes its runtime class path (core and Jackson) there
CP="core/target/classes:agent/target/classes:$(cat agent/target/agent-classpath.txt)"
"$JAVA_HOME/bin/javac" -nowarn -d "$WORK/classes" -cp "$CP" bench/fleet/FleetBench.java bench/fleet/FleetReport.java \
    bench/fleet/FleetWaves.java

mkdir -p "$WORK/channel"
chmod 755 "$WORK"
for s in a b; do
    port=$PORT_A; [ $s = b ] && port=$PORT_B
    dir=$WORK/nginx-$s
    mkdir -p "$dir"
    cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
    log_format fleet '\$msec \$status \$request_length \$bytes_sent \$uri';
    access_log $dir/access.log fleet buffer=256k flush=1s;
    client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
    server_tokens off;
    sendfile on;
    keepalive_timeout 75s;
    keepalive_requests 1000000;
    types { application/json json; application/java-archive jar; text/plain sig; }
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$port;
        root $WORK/channel;
        location / {
            # the bench creates this file to make the server shed load
            if (-f $WORK/busy) {
                add_header Retry-After 1800 always;
                return 429;
            }
        }
    }
}
CONF
    "$NGINX" -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log"
done
cat > "$WORK/control.sh" <<CTL
#!/usr/bin/env bash
# called by FleetBench at the scenario's events
case "\$1" in
    stop-b) kill -TERM "\$(cat $WORK/nginx-b/nginx.pid)" ;;
    rotate-logs) for s in a b; do mv $WORK/nginx-\$s/access.log $WORK/nginx-\$s/warm-up.log; kill -USR1 "\$(cat $WORK/nginx-\$s/nginx.pid)"; done; sleep 1 ;;
    flush) kill -USR1 "\$(cat $WORK/nginx-a/nginx.pid)"; sleep 1 ;; # reopening the log writes its buffer
esac
CTL
ulimit -n 65536 2>/dev/null || true
echo "== $SCENARIO: $HOSTS hosts, clock ${FACTOR}x, $HOURS simulated hours ($("$NGINX" -v 2>&1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1))"
"$JAVA_HOME/bin/java" -Xmx3g -cp "$WORK/classes:$CP" dev.updater.agent.FleetBench "$HOSTS" "$FACTOR" "$HOURS" "$WORK" \
    "$PORT_A" "$PORT_B" "$WORK/control.sh" "$SCENARIO"
for f in results$SUFFIX.md requests$SUFFIX.svg versions$SUFFIX.svg per-minute$SUFFIX.csv; do cp "$WORK/out/$f" "$OUT/"; done
echo "== wrote $OUT/results$SUFFIX.md, requests$SUFFIX.svg, versions$SUFFIX.svg"
