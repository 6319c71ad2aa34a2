#!/usr/bin/env bash
# Agent benchmark (not a test), in one run, on JDK 17 and JDK 25 (DESIGN §7, issue 4):
#   1. start-up: hyperfine, hello.jar with no agent, an empty premain agent, ours with enabled=false,
#      and ours enabled against an unreachable manifest (http://127.0.0.1:9/);
#   2. CPU of the agent's start-up, of its first check and of each later "not modified" check, from a
#      host (AgentHost) that reads the CPU time of the threads updater-* and HttpClient*, against
#      `updater-sidecar serve` (HTTP) and nginx with TLS (HTTP/2 and HTTP/1.1) on 127.0.0.1;
#   3. footprint after a completed check: heap after System.gc() with and without the agent, the
#      class histogram difference, and the threads.
# Writes bench/agent/results.md (or $RESULTS) and prints it. Needs a JDK 17 as `java`, python3,
# openssl; installs hyperfine and nginx-light with apt-get when missing; builds the agent and
# sidecar jars if absent.
#
#   bench/agent/run.sh
#   RUNS=30 ROUNDS=2 REPS=1 CHECKS=6 bench/agent/run.sh        # quicker
#   AGENT_JAR=/tmp/updater-before.jar RESULTS=/tmp/before.md bench/agent/run.sh   # another agent build
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

RUNS=${RUNS:-120}           # hyperfine runs per command, split over ROUNDS interleaved rounds
ROUNDS=${ROUNDS:-6}
WARMUP=${WARMUP:-5}
CHECKS=${CHECKS:-11}        # checks per CPU run (the first and CHECKS-1 "not modified" ones)
REPS=${REPS:-3}             # CPU runs per JDK and protocol; the table shows their median
FOOT_AT_MS=${FOOT_AT_MS:-8000}  # footprint taken this long after JVM start (first check at ~1 s)
JDK17=${JDK17:-$(readlink -f "$(command -v java)")}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
AGENT_JAR=$(readlink -f "${AGENT_JAR:-agent/target/updater.jar}" 2>/dev/null || echo "${AGENT_JAR:-agent/target/updater.jar}")
SIDECAR_JAR=$ROOT/sidecar/target/updater-sidecar.jar
RESULTS=${RESULTS:-bench/agent/results.md}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/updater-bench-agent.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------- tools and jars
if [ ! -f "$AGENT_JAR" ] || [ ! -f "$SIDECAR_JAR" ]; then
  echo "== building the agent and sidecar jars"
  flock /tmp/mvn.lock ./mvnw -B -q -pl agent,sidecar -am package -DskipTests
fi
if ! command -v hyperfine >/dev/null 2>&1; then
  echo "== installing hyperfine"; apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null
fi
if ! command -v nginx >/dev/null 2>&1; then
  echo "== installing nginx-light"; apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null
fi
for tool in python3 openssl curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run.sh needs $tool on the PATH" >&2; exit 1; }
done
# A copy: a build running meanwhile (others share this tree) rewrites agent/target/updater.jar.
for _ in $(seq 30); do
  cp "$AGENT_JAR" "$WORK/updater.jar" && python3 -c 'import sys, zipfile; sys.exit(zipfile.ZipFile(sys.argv[1]).testzip() is not None)' "$WORK/updater.jar" 2>/dev/null && break
  echo "== $AGENT_JAR is being rewritten; retrying"; sleep 5
done
AGENT_JAR_SOURCE=$AGENT_JAR
AGENT_JAR=$WORK/updater.jar
JDKS=("17:$JDK17")
if [ -x "$JDK25" ]; then JDKS+=("25:$JDK25"); else echo "== no JDK 25 at $JDK25: JDK 17 only"; fi
BIN17=$(dirname "$JDK17")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_url() { for _ in $(seq 100); do curl -skf -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

echo "== helpers and jars in $WORK"
mkdir -p "$WORK/classes" "$WORK/out"
"$BIN17/javac" --release 17 -d "$WORK/classes" bench/agent/Hello.java bench/agent/EmptyAgent.java \
  bench/agent/IdleThreadAgent.java bench/agent/AgentHost.java
AGENT_CP=$(cat agent/target/agent-classpath.txt)
"$BIN17/javac" --release 17 -d "$WORK/classes" -cp "$AGENT_CP" bench/agent/FootprintSteps.java
printf 'Main-Class: Hello\nImplementation-Version: 1.0.0\n' > "$WORK/hello.mf"
printf 'Premain-Class: EmptyAgent\n' > "$WORK/empty.mf"
printf 'Premain-Class: IdleThreadAgent\n' > "$WORK/thread.mf"
printf 'Main-Class: AgentHost\nImplementation-Version: 1.0.0\n' > "$WORK/host.mf"
"$BIN17/jar" cfm "$WORK/hello.jar" "$WORK/hello.mf" -C "$WORK/classes" Hello.class
"$BIN17/jar" cfm "$WORK/empty-agent.jar" "$WORK/empty.mf" -C "$WORK/classes" EmptyAgent.class
"$BIN17/jar" cfm "$WORK/thread-agent.jar" "$WORK/thread.mf" -C "$WORK/classes" IdleThreadAgent.class \
  -C "$WORK/classes" 'IdleThreadAgent$1.class'
"$BIN17/jar" cfm "$WORK/host.jar" "$WORK/host.mf" -C "$WORK/classes" AgentHost.class
# The empty premain in a jar with all of updater.jar's inst/ entries: what the size of the jar's
# directory alone costs (the JVM's system class loader opens the agent jar on the host's main thread).
# And the same entries nested in one stored entry: what a jar-in-jar layout would cost instead.
python3 - "$AGENT_JAR" "$WORK/classes/EmptyAgent.class" "$WORK/big-empty-agent.jar" "$WORK/nested-empty-agent.jar" <<'PY'
import io, sys, zipfile
src, cls, big, nested = sys.argv[1:]
manifest = "Manifest-Version: 1.0\r\nPremain-Class: EmptyAgent\r\n\r\n"
inner = io.BytesIO()
with zipfile.ZipFile(src) as z, zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as out, \
        zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as inst:
    out.writestr("META-INF/MANIFEST.MF", manifest)
    out.write(cls, "EmptyAgent.class")
    for info in z.infolist():
        if info.filename.startswith("inst/"):
            data = z.read(info)
            out.writestr(zipfile.ZipInfo(info.filename, info.date_time), data, compress_type=zipfile.ZIP_DEFLATED)
            inst.writestr(zipfile.ZipInfo(info.filename, info.date_time), data, compress_type=zipfile.ZIP_DEFLATED)
with zipfile.ZipFile(nested, "w", zipfile.ZIP_DEFLATED) as out:
    out.writestr("META-INF/MANIFEST.MF", manifest)
    out.write(cls, "EmptyAgent.class")
    out.writestr(zipfile.ZipInfo("inst.jar"), inner.getvalue(), compress_type=zipfile.ZIP_STORED)
PY

echo "== a signed channel holding 1.0.0 (the hosts run 1.0.0: every check ends 'up to date')"
"$JDK17" -jar "$SIDECAR_JAR" keygen --out "$WORK/keys" >/dev/null
"$JDK17" -jar "$SIDECAR_JAR" publish --version 1.0.0 --artifact any="$WORK/host.jar" \
  --key "$WORK/keys/updater.key" --out "$WORK/channel" >/dev/null
KEY="keyfile=$WORK/keys/updater.pub"
# nginx's workers run as www-data: let them reach the channel (mktemp made $WORK 0700).
chmod 755 "$WORK" && chmod -R a+rX "$WORK/channel"

HTTP_PORT=$(free_port)
"$JDK17" -jar "$SIDECAR_JAR" serve "$WORK/channel" --bind 127.0.0.1 --port "$HTTP_PORT" >"$WORK/serve.log" 2>&1 &
PIDS+=($!)

echo "== TLS: a keytool-made certificate for localhost/127.0.0.1, nginx on 127.0.0.1, a trust store = the JDK's cacerts + it"
"$BIN17/keytool" -genkeypair -alias bench -keyalg RSA -keysize 2048 -dname CN=localhost \
  -ext SAN=dns:localhost,ip:127.0.0.1 -validity 30 -storetype PKCS12 -keystore "$WORK/tls.p12" \
  -storepass changeit -keypass changeit 2>/dev/null
openssl pkcs12 -in "$WORK/tls.p12" -passin pass:changeit -nokeys -out "$WORK/cert.pem" 2>/dev/null
openssl pkcs12 -in "$WORK/tls.p12" -passin pass:changeit -nocerts -nodes -out "$WORK/key.pem" 2>/dev/null
cp "$(readlink -f "$(dirname "$BIN17")/lib/security/cacerts")" "$WORK/trust.jks"
chmod u+w "$WORK/trust.jks"
"$BIN17/keytool" -importcert -noprompt -alias bench -file "$WORK/cert.pem" -keystore "$WORK/trust.jks" \
  -storepass changeit >/dev/null 2>&1
TRUST=(-Djavax.net.ssl.trustStore="$WORK/trust.jks" -Djavax.net.ssl.trustStorePassword=changeit)
H2_PORT=$(free_port)
H1_PORT=$(free_port)
H1C_PORT=$(free_port)
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  types { application/json json; }
  default_type application/octet-stream;
  ssl_certificate $WORK/cert.pem;
  ssl_certificate_key $WORK/key.pem;
  server { listen 127.0.0.1:$H2_PORT ssl http2; root $WORK/channel; }
  server { listen 127.0.0.1:$H1_PORT ssl; root $WORK/channel; }
  # No keep-alive: every check opens a new TCP and TLS connection, as at a 15-minute interval,
  # long after any server or CDN closed the idle connection.
  server { listen 127.0.0.1:$H1C_PORT ssl; keepalive_timeout 0; root $WORK/channel; }
}
EOF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=($!)
wait_url "http://127.0.0.1:$HTTP_PORT/manifest.json"
wait_url "https://127.0.0.1:$H2_PORT/manifest.json"
wait_url "https://127.0.0.1:$H1_PORT/manifest.json"
wait_url "https://127.0.0.1:$H1C_PORT/manifest.json"
ETAG=$(curl -sI "http://127.0.0.1:$HTTP_PORT/manifest.json" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG" "http://127.0.0.1:$HTTP_PORT/manifest.json")" = 304 ] \
  || { echo "serve does not answer 304 to If-None-Match" >&2; exit 1; }
ETAG=$(curl -skI "https://127.0.0.1:$H2_PORT/manifest.json" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
[ "$(curl -sk -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG" "https://127.0.0.1:$H2_PORT/manifest.json")" = 304 ] \
  || { echo "nginx does not answer 304 to If-None-Match" >&2; exit 1; }

declare -A URLS=(
  [http]="http://127.0.0.1:$HTTP_PORT/manifest.json"
  [https-h2]="https://localhost:$H2_PORT/manifest.json"
  [https-h1]="https://localhost:$H1_PORT/manifest.json"
  [https-h1-new-conn]="https://localhost:$H1C_PORT/manifest.json"
)
PROTOCOLS=(http https-h2 https-h1 https-h1-new-conn)

# ---------------------------------------------------------------- 1. start-up
PER_ROUND=$(( (RUNS + ROUNDS - 1) / ROUNDS ))
for entry in "${JDKS[@]}"; do
  v=${entry%%:*}; J=${entry#*:}
  OURS="manifest=http://127.0.0.1:9/manifest.json,$KEY,home=$WORK/home-startup-$v"
  # The agent in a host that lives long enough: proves the configuration good and makes the home
  # (hello.jar exits before the agent thread gets that far; a restarted service finds its home).
  "$J" -javaagent:"$AGENT_JAR=$OURS" -jar "$WORK/host.jar" started "$WORK/home-startup-$v" >"$WORK/out/startup-$v-agent.txt" 2>&1 \
    || { echo "the agent did not start with $OURS" >&2; cat "$WORK/out/startup-$v-agent.txt" >&2; exit 1; }
  for round in $(seq "$ROUNDS"); do
    echo "== start-up, JDK $v, round $round/$ROUNDS: $PER_ROUND runs each after $WARMUP warm-ups (load $(cut -d' ' -f1-3 /proc/loadavg))"
    hyperfine -N --style basic --warmup "$WARMUP" --runs "$PER_ROUND" --export-json "$WORK/out/startup-$v-$round.json" \
      -n "no agent" "$J -jar $WORK/hello.jar" \
      -n "empty agent" "$J -javaagent:$WORK/empty-agent.jar -jar $WORK/hello.jar" \
      -n "empty agent + idle thread" "$J -javaagent:$WORK/thread-agent.jar -jar $WORK/hello.jar" \
      -n "empty agent, jar of updater.jar's size" "$J -javaagent:$WORK/big-empty-agent.jar -jar $WORK/hello.jar" \
      -n "empty agent, same entries nested in one" "$J -javaagent:$WORK/nested-empty-agent.jar -jar $WORK/hello.jar" \
      -n "ours, enabled=false" "$J -javaagent:$AGENT_JAR=enabled=false -jar $WORK/hello.jar" \
      -n "ours, enabled" "$J -javaagent:$AGENT_JAR=$OURS -jar $WORK/hello.jar" >"$WORK/out/startup-$v-$round.log"
  done
done

# ---------------------------------------------------------------- 2. CPU of the checks
for entry in "${JDKS[@]}"; do
  v=${entry%%:*}; J=${entry#*:}
  for proto in "${PROTOCOLS[@]}"; do
    for rep in $(seq "$REPS"); do
      home="$WORK/home-cpu-$v-$proto-$rep"
      echo "== CPU, JDK $v, $proto, run $rep/$REPS: $CHECKS checks at interval=1s (load $(cut -d' ' -f1-3 /proc/loadavg))"
      "$J" "${TRUST[@]}" \
        -javaagent:"$AGENT_JAR=manifest=${URLS[$proto]},$KEY,home=$home,interval=1s,initial-delay=3s" \
        -jar "$WORK/host.jar" cpu "$home" "$CHECKS" >"$WORK/out/cpu-$v-$proto-$rep.txt" 2>"$WORK/out/cpu-$v-$proto-$rep.err"
      grep -E '^(first|last)_error=' "$WORK/out/cpu-$v-$proto-$rep.txt" | grep -v '=null$' && { echo "a check failed" >&2; exit 1; }
      grep -E '^(startup|first_check|later_check)_cpu_ms=' "$WORK/out/cpu-$v-$proto-$rep.txt" | tr '\n' ' '; echo
    done
  done
done

# ---------------------------------------------------------------- 3. footprint
for entry in "${JDKS[@]}"; do
  v=${entry%%:*}; J=${entry#*:}
  JCMD="$(dirname "$J")/jcmd"
  for variant in none empty disabled idle http https-h2; do
    echo "== footprint, JDK $v, $variant, taken at ${FOOT_AT_MS} ms"
    home="$WORK/home-foot-$v-$variant"
    ready="$WORK/out/foot-$v-$variant.ready"; done_file="$WORK/out/foot-$v-$variant.done"
    case $variant in
      none) agent=(); homearg=- ;;
      empty) agent=(-javaagent:"$WORK/empty-agent.jar"); homearg=- ;;
      disabled) agent=(-javaagent:"$AGENT_JAR=enabled=false"); homearg=- ;;
      # set up (agent.json, lock, JMX, Jackson) but no check yet
      idle) agent=(-javaagent:"$AGENT_JAR=manifest=${URLS[http]},$KEY,home=$home,initial-delay=1h"); homearg=- ;;
      *) agent=(-javaagent:"$AGENT_JAR=manifest=${URLS[$variant]},$KEY,home=$home,initial-delay=1s"); homearg=$home ;;
    esac
    "$J" "${TRUST[@]}" "${agent[@]}" -jar "$WORK/host.jar" footprint "$homearg" "$FOOT_AT_MS" "$ready" "$done_file" \
      >"$WORK/out/foot-$v-$variant.txt" 2>"$WORK/out/foot-$v-$variant.err" &
    host=$!
    for _ in $(seq 600); do [ -s "$ready" ] && break; sleep 0.1; done
    [ -s "$ready" ] || { echo "footprint host did not get ready" >&2; cat "$WORK/out/foot-$v-$variant.txt" >&2; exit 1; }
    "$JCMD" "$(cat "$ready")" GC.class_histogram >"$WORK/out/hist-$v-$variant.txt"
    touch "$done_file"
    wait "$host"
    grep -E '^error=' "$WORK/out/foot-$v-$variant.txt" | grep -v '=null$' && { echo "the check failed" >&2; exit 1; }
    grep -E '^heap_used_bytes=' "$WORK/out/foot-$v-$variant.txt"
  done
  echo "== footprint by step, JDK $v (FootprintSteps, no agent)"
  "$J" "${TRUST[@]}" -cp "$AGENT_CP:$WORK/classes" FootprintSteps "${URLS[http]}" "${URLS[https-h1]}" "$WORK" \
    >"$WORK/out/steps-$v.txt" 2>/dev/null
done

# ---------------------------------------------------------------- report
RAW=${RAW:-${TMPDIR:-/tmp}/updater-bench-agent-raw}
rm -rf "$RAW" && cp -r "$WORK/out" "$RAW"
{
  echo "# Agent benchmark results"
  echo
  echo "Written by \`bench/agent/run.sh\` on $(date -u +%Y-%m-%d) ($(date -u +%H:%M) UTC): $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))," \
    "load average at the end $(cut -d' ' -f1-3 /proc/loadavg); agent jar $AGENT_JAR_SOURCE" \
    "(sha256 $(sha256sum "$AGENT_JAR" | cut -c1-12), $(stat -c %s "$AGENT_JAR") bytes); $(hyperfine --version); $(nginx -v 2>&1 | sed 's/^nginx version: //')."
  for entry in "${JDKS[@]}"; do
    echo "JDK ${entry%%:*}: \`${entry#*:}\` ($("${entry#*:}" -version 2>&1 | head -1))."
  done
  echo
  echo "Settings: RUNS=$RUNS ROUNDS=$ROUNDS WARMUP=$WARMUP CHECKS=$CHECKS REPS=$REPS FOOT_AT_MS=$FOOT_AT_MS."
  echo
  python3 - "$WORK/out" "$CHECKS" "$REPS" <<'PY'
import glob, json, os, re, statistics, sys
out, checks, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
jdks = sorted({re.match(r"startup-(\d+)-", os.path.basename(p)).group(1) for p in glob.glob(f"{out}/startup-*.json")}, key=int)
ms = lambda s: s * 1000

print("## 1. Start-up (hello.jar, wall clock, hyperfine -N)\n")
print("Median over all rounds (hyperfine's rounds run the commands one after the other, so rounds interleave them); "
      "the differences and ratios are taken against the empty agent within this run. 'per-round diff' is the "
      "median over the rounds of (this command's median − the empty agent's median) in the same round, with its "
      "range, to show the noise. CPU user+sys is hyperfine's mean over all runs.\n")
print("| JDK | command | median | mean ± σ | min | − empty agent (median) | ÷ empty agent | per-round diff | CPU user+sys (mean) | − empty agent |")
print("|---|---|---|---|---|---|---|---|---|---|")
for v in jdks:
    times, per_round, cpu = {}, [], {}
    for p in sorted(glob.glob(f"{out}/startup-{v}-*.json")):
        r = {x["command"]: x for x in json.load(open(p))["results"]}
        per_round.append({k: statistics.median(x["times"]) for k, x in r.items()})
        for k, x in r.items():
            times.setdefault(k, []).extend(x["times"])
            cpu.setdefault(k, []).append(x["user"] + x["system"])
    empty = statistics.median(times["empty agent"])
    empty_cpu = statistics.mean(cpu["empty agent"])
    for k, t in times.items():
        med = statistics.median(t)
        diffs = [ms(pr[k] - pr['empty agent']) for pr in per_round]
        rounds = f"{statistics.median(diffs):+.1f} [{min(diffs):+.1f}, {max(diffs):+.1f}]"
        c = statistics.mean(cpu[k])
        print(f"| {v} | {k} | {ms(med):.1f} ms | {ms(statistics.mean(t)):.1f} ± {ms(statistics.stdev(t)):.1f} ms | "
              f"{ms(min(t)):.1f} ms | {ms(med - empty):+.1f} ms | {med / empty:.2f}× | {rounds} | {ms(c):.1f} ms | {ms(c - empty_cpu):+.1f} ms |")
print()

print("## 2. CPU time of the agent's checks (threads updater-*, HttpClient*, ForkJoinPool.commonPool*)\n")
print(f"Median of {reps} run(s) each; each run: initial-delay=3s, interval=1s, {checks} checks, the first fetches manifest + "
      "signature (200) and the rest are conditional GETs answered 304. 'start-up' is the agent thread before the first check "
      "(class loading, Jackson, agent.json, JMX). 'later' = (CPU after all checks − CPU after the first) / "
      f"{checks - 1}. 'process' columns: the whole JVM's CPU (JIT and GC included) less the host's own main thread.\n")
print("| JDK | protocol | start-up | first check | start-up + first | each later check | process: first check | process: each later |")
print("|---|---|---|---|---|---|---|---|")
threads = {}
for v in jdks:
    for proto in ["http", "https-h2", "https-h1", "https-h1-new-conn"]:
        runs = []
        for p in sorted(glob.glob(f"{out}/cpu-{v}-{proto}-*.txt")):
            d = {}
            for line in open(p):
                if "=" in line and not line.startswith("thread_cpu="):
                    k, val = line.rstrip("\n").split("=", 1)
                    d[k] = val
                elif line.startswith("thread_cpu=") and len(runs) == 0:
                    name = re.sub(r" [\d.]+ ms", "", line[len("thread_cpu="):].strip())
                    threads.setdefault((v, proto), []).append(name)
            runs.append(d)
        if not runs:
            continue
        def med(key):
            vals = [float(r[key]) for r in runs if r.get(key, "NaN") != "NaN"]
            return f"{statistics.median(vals):.1f} ms" if vals else "n/a"
        print(f"| {v} | {proto} | {med('startup_cpu_ms')} | {med('first_check_cpu_ms')} | {med('startup_and_first_check_cpu_ms')} | "
              f"{med('later_check_cpu_ms')} | {med('process_first_check_cpu_ms')} | {med('process_later_check_cpu_ms')} |")
print()
print("Threads counted in the first run of each: alive at its end, and how many ended during it:\n")
for (v, proto), names in sorted(threads.items()):
    alive = sorted(n for n in names if not n.endswith("(ended)"))
    ended = [n for n in names if n.endswith("(ended)")]
    print(f"- JDK {v} {proto}: alive {', '.join(alive)}; ended {len(ended)}"
          + (f" ({', '.join(sorted({re.sub(r'-[0-9]+ [(]ended[)]$', '-N', n) for n in ended}))})" if ended else ""))
print()

print("## 3. Footprint after a completed check\n")
print("The same host without an agent, with the empty agent, with ours at enabled=false, ours set up but before its "
      "first check (initial-delay=1h: 'idle'), and ours after a completed check over HTTP and HTTPS (initial-delay=1s, "
      "default interval 15m), all taken at the same uptime after three System.gc(); heap used from MemoryMXBean; "
      "the class histogram (`jcmd PID GC.class_histogram`, live objects) difference, grouped by package.\n")
groups = [("updater (agent, core)", ("dev.updater.",)), ("Jackson", ("com.fasterxml.",)), ("semver4j", ("org.semver4j.",)),
          ("JDK HttpClient", ("jdk.internal.net.http.", "java.net.http.")),
          ("TLS and crypto", ("sun.security.", "javax.net.ssl.", "javax.crypto.", "java.security.", "com.sun.crypto.")),
          ("JMX / management", ("javax.management.", "com.sun.jmx.", "sun.management.", "com.sun.management.", "java.lang.management.")),
          ("java.lang.Class (mirrors)", ("java.lang.Class",)),
          ("byte[] (strings, buffers)", ("[B",)), ("Object[]", ("[Ljava.lang.Object;",))]
def hist(p):
    d = {}
    for line in open(p):
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            d[m.group(3)] = d.get(m.group(3), 0) + int(m.group(2))
    return d
def group_of(name):
    for g, prefixes in groups:
        if any(name == p or (p.endswith(".") and name.startswith(p)) for p in prefixes):
            return g
    return "other"
def kv(p):
    d, threads = {}, []
    for line in open(p):
        k, _, val = line.rstrip("\n").partition("=")
        if k == "thread":
            threads.append(val)
        else:
            d[k] = val
    return d, threads
KiB = 1024
print("| JDK | agent | heap used | − no agent | metaspace used | − no agent | histogram total | − no agent | threads | threads added |")
print("|---|---|---|---|---|---|---|---|---|---|")
details = []
for v in jdks:
    base, base_threads = kv(f"{out}/foot-{v}-none.txt")
    base_hist = hist(f"{out}/hist-{v}-none.txt")
    for variant in ["none", "empty", "disabled", "idle", "http", "https-h2"]:
        d, th = kv(f"{out}/foot-{v}-{variant}.txt")
        h = hist(f"{out}/hist-{v}-{variant}.txt")
        heap, meta = int(d["heap_used_bytes"]), int(d["metaspace_used_bytes"])
        added = sorted(set(th) - set(base_threads))
        print(f"| {v} | {variant} | {heap / KiB:.0f} KiB | {(heap - int(base['heap_used_bytes'])) / KiB:+.0f} KiB | "
              f"{meta / KiB:.0f} KiB | {(meta - int(base['metaspace_used_bytes'])) / KiB:+.0f} KiB | {sum(h.values()) / KiB:.0f} KiB | "
              f"{(sum(h.values()) - sum(base_hist.values())) / KiB:+.0f} KiB | {len(th)} | {len(added)}: {', '.join(added) or '-'} |")
        if variant in ("http", "https-h2"):
            diff = {k: h.get(k, 0) - base_hist.get(k, 0) for k in set(h) | set(base_hist)}
            by_group = {}
            for k, b in diff.items():
                by_group[group_of(k)] = by_group.get(group_of(k), 0) + b
            top = sorted(diff.items(), key=lambda x: -x[1])[:12]
            details.append((v, variant, by_group, top))
print()
print("Histogram difference (with agent − without), by group, KiB:\n")
names = [g for g, _ in groups] + ["other"]
print("| JDK | agent | " + " | ".join(names) + " |")
print("|---|---|" + "---|" * len(names))
for v, variant, by_group, _ in details:
    print(f"| {v} | {variant} | " + " | ".join(f"{by_group.get(g, 0) / KiB:+.0f}" for g in names) + " |")
print()
print("Largest differences by class (KiB):\n")
for v, variant, _, top in details:
    print(f"- JDK {v} {variant}: " + ", ".join(f"`{k}` {b / KiB:+.0f}" for k, b in top))
print()
print("Threads of the host without the agent: " + ", ".join(sorted(kv(f'{out}/foot-{jdks[0]}-none.txt')[1])) + ".")
print()
print("### Where the heap goes, step by step (FootprintSteps: the agent's ingredients one after the other in a plain JVM)\n")
print("Each row is the live heap a step adds to the steps above it (after three System.gc()).\n")
print("| step | " + " | ".join(f"JDK {v}" for v in jdks) + " |")
print("|---|" + "---|" * len(jdks))
rows = {}
for v in jdks:
    for line in open(f"{out}/steps-{v}.txt"):
        if line.startswith("step="):
            name, used, delta = line[5:].rstrip("\n").rsplit("|", 2)
            rows.setdefault(name, {})[v] = (int(used), int(delta))
for name, per in rows.items():
    print(f"| {name} | " + " | ".join(f"{per[v][1] / KiB:+.0f} KiB (heap {per[v][0] / KiB:.0f} KiB)" if v in per else "" for v in jdks) + " |")
PY
} >"$WORK/results.md"
cp "$WORK/results.md" "$RESULTS"
echo
cat "$RESULTS"
echo
echo "(raw outputs: $RAW)"
