#!/usr/bin/env bash
# Start-up benchmark of the agent with its bind hook (not a test; issue 12: "the hook adds nothing
# measurable to the host's start", "start-up ≤ 10 ms over an empty agent"), JDK 17 and 25 in one run.
# Measures the time to a host's first useful work, not only to a hello-world's exit: ServeOnce binds a
# JDK HttpServer on 127.0.0.1, prints its port and answers one request (at once, and after WORK
# thousand rounds of work on its main thread, a stand-in for a real start); Hello prints and exits.
# Agents: none, the empty premain agent (the baseline), ours (default: the agent's thread installs the
# hook after premain returned, beside the host's start) and ours with UPDATER_REUSE_PORT=true (overlap
# mode: premain waits for the hook). Every round starts every variant once, in a new random order, so
# the machine's load falls on all of them alike; the differences are paired within rounds.
# Writes bench/agent/first-answer-results.md (or $RESULTS); raw lines in $RAW.
#
#   flock /tmp/mvn.lock bench/agent/first-answer.sh          # no build beside it (2 cores)
#   ROUNDS=20 bench/agent/first-answer.sh                    # quicker
#   AGENT_JAR=/tmp/other.jar RESULTS=/tmp/other.md bench/agent/first-answer.sh
#   BEFORE_JAR=/tmp/before.jar bench/agent/first-answer.sh  # adds another build's rows (e.g. before the hook)
#   BEFORE_JAR=/tmp/x.jar BEFORE_NAME="x" bench/agent/first-answer.sh   # ... under another name
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-80}
WARMUP=${WARMUP:-2}
WORK_ROUNDS=${WORK_ROUNDS:-3000}
JDK17=${JDK17:-$(readlink -f "$(command -v java)")}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
AGENT_JAR=${AGENT_JAR:-agent/target/updater.jar}
RESULTS=${RESULTS:-bench/agent/first-answer-results.md}
RAW=${RAW:-${TMPDIR:-/tmp}/updater-bench-first-answer.jsonl}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/updater-bench-first.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

[ -f "$AGENT_JAR" ] || { echo "no $AGENT_JAR: build it with ./mvnw -B -o -q -pl agent -am package -DskipTests" >&2; exit 1; }
cp "$AGENT_JAR" "$WORK/updater.jar"   # others' builds may rewrite agent/target meanwhile
[ -z "${BEFORE_JAR:-}" ] || cp "$BEFORE_JAR" "$WORK/before.jar"
BIN17=$(dirname "$JDK17")
mkdir -p "$WORK/classes" "$WORK/keys"
"$BIN17/javac" --release 17 -d "$WORK/classes" bench/agent/Hello.java bench/agent/EmptyAgent.java bench/agent/ServeOnce.java
printf 'Main-Class: Hello\nImplementation-Version: 1.0.0\n' > "$WORK/hello.mf"
printf 'Main-Class: ServeOnce\nImplementation-Version: 1.0.0\n' > "$WORK/serve.mf"
printf 'Premain-Class: EmptyAgent\n' > "$WORK/empty.mf"
"$BIN17/jar" cfm "$WORK/hello.jar" "$WORK/hello.mf" -C "$WORK/classes" Hello.class
"$BIN17/jar" cfm "$WORK/serve.jar" "$WORK/serve.mf" -C "$WORK/classes" .
"$BIN17/jar" cfm "$WORK/empty-agent.jar" "$WORK/empty.mf" -C "$WORK/classes" EmptyAgent.class
# A real key, so the configuration is valid and the agent goes as far as in production; the manifest
# is unreachable and the first check 30 s away (the default initial delay): start-up only.
openssl genpkey -algorithm ed25519 -out "$WORK/keys/k.pem" 2>/dev/null
openssl pkey -in "$WORK/keys/k.pem" -pubout -out "$WORK/keys/updater.pub"

python3 - "$WORK" "$WORK_ROUNDS" "17:$JDK17" "25:$JDK25" >"$WORK/variants.json" <<'PY'
import json, os, sys
work, work_rounds, jdks = sys.argv[1], sys.argv[2], [j.split(":", 1) for j in sys.argv[3:] if os.access(j.split(":", 1)[1], os.X_OK)]
before = os.path.exists(f"{work}/before.jar")
BEFORE_NAME = os.environ.get("BEFORE_NAME", "before (BEFORE_JAR)")
variants = []
for v, java in jdks:
    args = f"=manifest=http://127.0.0.1:9/manifest.json,keyfile={work}/keys/updater.pub,home={work}/home-{v}"
    agents = {"no agent": ([], {}), "empty agent": ([f"-javaagent:{work}/empty-agent.jar"], {}),
              BEFORE_NAME: ([f"-javaagent:{work}/before.jar{args}-before"], {}),
              "ours": ([f"-javaagent:{work}/updater.jar{args}"], {}),
              "ours, UPDATER_REUSE_PORT=true": ([f"-javaagent:{work}/updater.jar{args}"], {"UPDATER_REUSE_PORT": "true"})}
    # Which agents per host: the cheapest set that answers the questions (the run holds the build lock).
    hosts = {"hello": (["-jar", f"{work}/hello.jar"], ["empty agent", BEFORE_NAME, "ours", "ours, UPDATER_REUSE_PORT=true"]),
             "serve": (["-jar", f"{work}/serve.jar", "0"], list(agents)),
             "serve after work": (["-jar", f"{work}/serve.jar", work_rounds], ["empty agent", BEFORE_NAME, "ours"])}
    for host, (host_args, names) in hosts.items():
        for name in names:
            if name == BEFORE_NAME and not before:
                continue
            agent, env = agents[name]
            variants.append({"jdk": v, "host": host, "agent": name, "argv": [java, *agent, *host_args], "env": env})
json.dump(variants, sys.stdout)
PY
echo "== $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$WORK/variants.json") variants, $ROUNDS rounds (load $(cut -d' ' -f1-3 /proc/loadavg))"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%H:%M)
python3 bench/agent/first_answer.py "$RAW" "$ROUNDS" "$WARMUP" "$WORK/variants.json"
{
  echo "# First-answer benchmark results"
  echo
  echo "Written by \`bench/agent/first-answer.sh\` on $(date -u +%Y-%m-%d) ($STARTED–$(date -u +%H:%M) UTC): $(nproc) cores" \
    "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load average before $LOAD_BEFORE, after $(cut -d' ' -f1-3 /proc/loadavg);" \
    "agent jar $AGENT_JAR (sha256 $(sha256sum "$WORK/updater.jar" | cut -c1-12), $(stat -c %s "$WORK/updater.jar") bytes); ROUNDS=$ROUNDS WARMUP=$WARMUP WORK_ROUNDS=$WORK_ROUNDS."
  echo "JDK 17: $("$JDK17" -version 2>&1 | head -1). JDK 25: $("$JDK25" -version 2>&1 | head -1)."
  echo
  python3 bench/agent/first_answer_report.py "$RAW"
} >"$RESULTS"
cat "$RESULTS"
