#!/usr/bin/env bash
# Download benchmark (not a test): curl vs curl + sha256sum vs updater's Downloader, one 256 MiB
# random file served by python3's http.server on 127.0.0.1. Two reference rows: curl + openssl (a
# SHA-NI hash, where coreutils' sha256sum has none) and the JDK HttpClient discarding the body (the
# floor of any Java downloader in a fresh JVM). Needs curl, python3, a JDK 17; installs
# hyperfine with apt-get when it is missing. Compiles core only if core/target/classes is absent.
#
#   bench/download/run.sh                 # 256 MiB, 10 timed runs each
#   SIZE_MIB=64 RUNS=5 bench/download/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZE_MIB=${SIZE_MIB:-256}
RUNS=${RUNS:-10}
SIZE=$((SIZE_MIB * 1024 * 1024))
WORK=$(mktemp -d "${TMPDIR:-/tmp}/updater-bench-download.XXXXXX")
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ ! -d core/target/classes/dev/updater/core/download ]; then
  echo "== building core (mvnw package -DskipTests)"
  flock /tmp/mvn.lock ./mvnw -B -q -pl core package -DskipTests
fi
if ! command -v hyperfine >/dev/null 2>&1; then
  echo "== installing hyperfine"
  apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null
fi
for tool in curl python3 sha256sum openssl javac java; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run.sh needs $tool on the PATH" >&2; exit 1; }
done

echo "== ${SIZE_MIB} MiB of random data in $WORK"
mkdir -p "$WORK/srv" "$WORK/out" "$WORK/classes"
head -c "$SIZE" /dev/urandom > "$WORK/srv/data.bin"
SHA=$(sha256sum "$WORK/srv/data.bin" | cut -d' ' -f1)
# Compiled once here: `java DownloadBench.java` would run javac inside every timed run.
javac -d "$WORK/classes" -cp core/target/classes bench/download/DownloadBench.java bench/download/HttpClientFloor.java

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WORK/srv" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
URL="http://127.0.0.1:$PORT/data.bin"
for _ in $(seq 50); do curl -sf -o /dev/null -r 0-0 "$URL" && break; sleep 0.1; done

OUT="$WORK/out"
CP="core/target/classes:$WORK/classes"
echo "== hyperfine: $RUNS runs each after 2 warm-ups (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
hyperfine --warmup 2 --runs "$RUNS" --prepare "rm -f $OUT/*" --export-json "$WORK/results.json" \
  -n "curl" "curl -s -o $OUT/curl.bin $URL" \
  -n "curl + sha256sum" "curl -s -o $OUT/curl.bin $URL && sha256sum $OUT/curl.bin" \
  -n "curl + openssl sha256" "curl -s -o $OUT/curl.bin $URL && openssl dgst -sha256 $OUT/curl.bin" \
  -n "JDK HttpClient alone, body discarded" "java -cp $CP HttpClientFloor $URL" \
  -n "updater Downloader" "java -cp $CP DownloadBench $URL $SIZE $SHA $OUT"

python3 - "$WORK/results.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ours = results["updater Downloader"]
print()
print("| command | mean | median | min | ours / this (mean) |")
print("|---|---|---|---|---|")
for name, r in results.items():
    print(f"| {name} | {r['mean']:.3f} s | {r['median']:.3f} s | {r['min']:.3f} s | {ours['mean'] / r['mean']:.2f}x |")
PY

echo
echo "== the same download repeated in one JVM (first cold, then as in a long-running agent)"
rm -f "$OUT"/*
java -cp "$CP" DownloadBench "$URL" "$SIZE" "$SHA" "$OUT" 5
