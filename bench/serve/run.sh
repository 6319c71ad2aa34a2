#!/usr/bin/env bash
# Benchmarks 'updater-sidecar serve' against nginx, both on 127.0.0.1 serving the same directory:
#   1. one 256 MiB download with curl (hyperfine, several runs);
#   2. 200 concurrent manifest.json fetches: one curl process, --parallel-max 200 (hyperfine).
# Installs hyperfine, nginx-light and curl with apt-get when missing; builds the sidecar jar when
# missing (Maven serialized by /tmp/mvn.lock, as everywhere in this tree).
# Writes the figures to bench/serve/results.md and prints them.
#
# Usage: bench/serve/run.sh [RUNS]      (RUNS per measurement, default 5)
#        SIDECAR_JAR=path/to/updater-sidecar.jar bench/serve/run.sh   (benchmark another build)
# Not a test: the numbers depend on the machine and on whatever else runs on it.
set -euo pipefail

RUNS=${1:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${SIDECAR_JAR:-$ROOT/sidecar/target/updater-sidecar.jar}
SERVE_PORT=${SERVE_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
BIG_MIB=256
CONCURRENT=200

need_install=()
command -v hyperfine >/dev/null || need_install+=(hyperfine)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_install+=(nginx-light)
command -v curl >/dev/null || need_install+=(curl)
if [ ${#need_install[@]} -gt 0 ]; then
    echo "Installing ${need_install[*]} ..."
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_install[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ ! -f "$JAR" ] || ! jar tf "$JAR" | grep -q 'dev/updater/sidecar/cli/ServeCommand.class'; then
    echo "Building $JAR ..."
    (cd "$ROOT" && flock /tmp/mvn.lock ./mvnw -B -q -pl sidecar -am package -DskipTests)
fi

WORK=$(mktemp -d /tmp/serve-bench.XXXXXX)
SERVE_PID=""
cleanup() {
    set +e
    if [ -n "$SERVE_PID" ]; then
        kill "$SERVE_PID" 2>/dev/null
        wait "$SERVE_PID" 2>/dev/null
    fi
    if [ -f "$WORK/nginx.pid" ]; then
        kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
        sleep 0.3
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# The release directory: a realistic manifest, its signature, one large artifact.
DATA=$WORK/releases
mkdir -p "$DATA"
head -c $((BIG_MIB * 1024 * 1024)) /dev/urandom > "$DATA/app-1.0.0.bin"
SHA=$(sha256sum "$DATA/app-1.0.0.bin" | cut -d' ' -f1)
cat > "$DATA/manifest.json" <<EOF
{
  "version": "1.0.0",
  "release_date": "2026-02-07T12:00:00Z",
  "binaries": { "any": { "url": "app-1.0.0.bin", "sha256": "$SHA", "size": $((BIG_MIB * 1024 * 1024)) } },
  "changelog": { "features": ["Faster startup", "New health endpoint"], "fixes": ["Memory leak in the cache"] },
  "min_version": "0.9.0",
  "breaking_changes": false
}
EOF
echo "c2lnbmF0dXJlIG9mIHRoZSBtYW5pZmVzdA==" > "$DATA/manifest.json.sig"
# nginx workers drop to 'nobody': let them read the directory.
chmod -R a+rX "$WORK"

cat > "$WORK/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log $WORK/nginx-access.log;
    client_body_temp_path $WORK/client_body;
    proxy_temp_path $WORK/proxy;
    fastcgi_temp_path $WORK/fastcgi;
    uwsgi_temp_path $WORK/uwsgi;
    scgi_temp_path $WORK/scgi;
    sendfile on;
    tcp_nopush on;
    types { application/json json; application/octet-stream bin; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $DATA;
        autoindex off;
    }
}
EOF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" -e "$WORK/nginx-error.log"

# serve logs every request to stdout, like nginx's access log: both go to a file.
java -jar "$JAR" serve "$DATA" --port "$SERVE_PORT" > "$WORK/serve.log" 2>&1 &
SERVE_PID=$!

wait_up() {
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "$1" && return 0
        sleep 0.1
    done
    echo "Not answering: $1" >&2
    cat "$WORK/serve.log" "$WORK/nginx-error.log" >&2 || true
    exit 1
}
wait_up "http://127.0.0.1:$SERVE_PORT/manifest.json"
wait_up "http://127.0.0.1:$NGINX_PORT/manifest.json"

# Both must serve the same bytes before their speed means anything.
for port in "$SERVE_PORT" "$NGINX_PORT"; do
    got=$(curl -sf "http://127.0.0.1:$port/app-1.0.0.bin" | sha256sum | cut -d' ' -f1)
    [ "$got" = "$SHA" ] || { echo "Port $port served other bytes: $got" >&2; exit 1; }
    ok=$(curl -s --parallel --parallel-max $CONCURRENT -o /dev/null -w '%{http_code}\n' \
        "http://127.0.0.1:$port/manifest.json?[1-$CONCURRENT]" 2>/dev/null | grep -c '^200$' || true)
    [ "$ok" = "$CONCURRENT" ] || { echo "Port $port answered $ok of $CONCURRENT manifest fetches" >&2; exit 1; }
done

download() { echo "curl -sf -o /dev/null http://127.0.0.1:$1/app-1.0.0.bin"; }
manifests() {
    echo "curl -sf --parallel --parallel-max $CONCURRENT -o /dev/null http://127.0.0.1:$1/manifest.json?[1-$CONCURRENT]"
}

hyperfine -N --style basic --warmup 2 --runs "$RUNS" --export-csv "$WORK/download.csv" \
    -n serve "$(download "$SERVE_PORT")" -n nginx "$(download "$NGINX_PORT")"
hyperfine -N --style basic --warmup 3 --runs $((RUNS * 4)) --export-csv "$WORK/manifests.csv" \
    -n serve "$(manifests "$SERVE_PORT")" -n nginx "$(manifests "$NGINX_PORT")"

# CSV columns: command,mean,stddev,median,user,system,min,max (seconds)
row() { # file label
    awk -F, -v label="$2" -v bytes="$3" '
        NR > 1 { mean[$1] = $2; sd[$1] = $3; min[$1] = $7 }
        END {
            s = mean["serve"]; n = mean["nginx"]
            rate = bytes > 0 ? sprintf(" (%.0f MiB/s vs %.0f MiB/s)", bytes / s / 1048576, bytes / n / 1048576) : ""
            printf "| %s | %.1f ms ± %.1f | %.1f ms ± %.1f | %.2f×%s |\n", label, s * 1000, sd["serve"] * 1000, \
                n * 1000, sd["nginx"] * 1000, s / n, rate
        }' "$1"
}

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
{
    echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($CPU), $(java -version 2>&1 | head -1),"
    echo "$("$NGINX" -v 2>&1), $(curl --version | head -1 | cut -d' ' -f1-2), hyperfine runs: $RUNS (download),"
    echo "$((RUNS * 4)) (manifests). Times are wall-clock means ± standard deviation; ratio = serve / nginx."
    echo
    echo "| scenario | serve | nginx | serve/nginx |"
    echo "|---|---|---|---|"
    row "$WORK/download.csv" "one ${BIG_MIB} MiB download (curl)" $((BIG_MIB * 1024 * 1024))
    row "$WORK/manifests.csv" "$CONCURRENT concurrent manifest.json fetches (curl --parallel)" 0
} | tee "$ROOT/bench/serve/results.md"
