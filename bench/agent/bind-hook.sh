#!/usr/bin/env bash
# Bind hook benchmark (not a test), on JDK 17 and JDK 25 (issue 12, DESIGN §7 "Bind hook"):
#   1. start-up: hyperfine, hello.jar with the empty premain agent (the baseline), ours enabled
#      against an unreachable manifest, and ours with UPDATER_REUSE_PORT=true (premain then waits
#      for the hook); ratios against the empty agent within the same run;
#   2. the hook's install time on the agent's thread, wall clock and CPU, from the agent's own DEBUG
#      line "updater bind hook installed in X ms (Y ms CPU)", REPS runs of a host that binds an
#      HttpServer at once;
#   3. what Byte Buddy adds to updater.jar (its inst/net/bytebuddy/ entries, compressed: only its ASM).
# Writes bench/agent/bind-hook-results.md (or $RESULTS). Needs hyperfine (apt-get install hyperfine).
#
#   bench/agent/bind-hook.sh
#   RUNS=20 REPS=5 bench/agent/bind-hook.sh     # quicker
#   BEFORE_JAR=/tmp/updater-main.jar bench/agent/bind-hook.sh   # adds rows: another agent build (start-up, install)
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-60}
WARMUP=${WARMUP:-5}
REPS=${REPS:-15}
JDK17=${JDK17:-$(readlink -f "$(command -v java)")}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
RESULTS=${RESULTS:-bench/agent/bind-hook-results.md}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/updater-bench-bind.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

[ -f agent/target/updater.jar ] || flock /tmp/mvn.lock ./mvnw -B -q -pl agent -am package -DskipTests
cp agent/target/updater.jar "$WORK/updater.jar"
AGENT_JAR=$WORK/updater.jar
BIN17=$(dirname "$JDK17")
JDKS=("17:$JDK17")
[ -x "$JDK25" ] && JDKS+=("25:$JDK25")

mkdir -p "$WORK/classes" "$WORK/keys"
"$BIN17/javac" --release 17 -d "$WORK/classes" bench/agent/Hello.java bench/agent/EmptyAgent.java bench/agent/BindHost.java
printf 'Main-Class: Hello\nImplementation-Version: 1.0.0\n' > "$WORK/hello.mf"
printf 'Main-Class: BindHost\nImplementation-Version: 1.0.0\n' > "$WORK/bind.mf"
printf 'Premain-Class: EmptyAgent\n' > "$WORK/empty.mf"
"$BIN17/jar" cfm "$WORK/hello.jar" "$WORK/hello.mf" -C "$WORK/classes" Hello.class
"$BIN17/jar" cfm "$WORK/bind-host.jar" "$WORK/bind.mf" -C "$WORK/classes" BindHost.class
"$BIN17/jar" cfm "$WORK/empty-agent.jar" "$WORK/empty.mf" -C "$WORK/classes" EmptyAgent.class
# A real key, so the configuration is valid and the agent goes as far as it would in production.
openssl genpkey -algorithm ed25519 -out "$WORK/keys/k.pem" 2>/dev/null
openssl pkey -in "$WORK/keys/k.pem" -pubout -out "$WORK/keys/updater.pub"
printf 'handlers=java.util.logging.ConsoleHandler\n.level=INFO\nupdater.level=FINE\njava.util.logging.ConsoleHandler.level=FINE\n' \
  > "$WORK/logging.properties"

for entry in "${JDKS[@]}"; do
  v=${entry%%:*}; J=${entry#*:}
  OURS="manifest=http://127.0.0.1:9/manifest.json,keyfile=$WORK/keys/updater.pub,initial-delay=1h,home=$WORK/home-$v"
  echo "== start-up, JDK $v: $RUNS runs each (load $(cut -d' ' -f1-3 /proc/loadavg))"
  BEFORE=()
  [ -n "${BEFORE_JAR:-}" ] && BEFORE=(-n "before ($(basename "$BEFORE_JAR"))" \
    "$J -javaagent:$BEFORE_JAR=$OURS-before -jar $WORK/hello.jar")
  hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$WORK/startup-$v.json" \
    -n "empty agent" "$J -javaagent:$WORK/empty-agent.jar -jar $WORK/hello.jar" "${BEFORE[@]}" \
    -n "ours" "$J -javaagent:$AGENT_JAR=$OURS -jar $WORK/hello.jar" \
    -n "ours, UPDATER_REUSE_PORT=true" "env UPDATER_REUSE_PORT=true $J -javaagent:$AGENT_JAR=$OURS -jar $WORK/hello.jar" \
    >"$WORK/startup-$v.log"
  for mode in plain reuse; do
    JARS=("ours:$AGENT_JAR")
    [ -n "${BEFORE_JAR:-}" ] && JARS+=("before:$BEFORE_JAR")
    for jar in "${JARS[@]}"; do : >"$WORK/install-$v-$mode-${jar%%:*}.txt"; done
    for _ in $(seq "$REPS"); do
      for jar in "${JARS[@]}"; do  # interleaved, so both builds see the same load
        rm -rf "$WORK/home-$v"
        env $( [ $mode = reuse ] && echo UPDATER_REUSE_PORT=true ) "$J" -Djava.util.logging.config.file="$WORK/logging.properties" \
          -javaagent:"${jar#*:}=$OURS" -jar "$WORK/bind-host.jar" 1500 2>&1 \
          | grep -o 'bind hook installed in [0-9]* ms ([0-9]* ms CPU)' >>"$WORK/install-$v-$mode-${jar%%:*}.txt" || true
      done
    done
    echo "== hook install, JDK $v, $mode: $(wc -l <"$WORK/install-$v-$mode-ours.txt") of $REPS runs reported"
  done
done

{
  echo "# Bind hook benchmark results"
  echo
  echo "Written by \`bench/agent/bind-hook.sh\` on $(date -u +%Y-%m-%d) ($(date -u +%H:%M) UTC): $(nproc) cores," \
    "load average at the end $(cut -d' ' -f1-3 /proc/loadavg); updater.jar $(stat -c %s "$AGENT_JAR") bytes."
  for entry in "${JDKS[@]}"; do echo "JDK ${entry%%:*}: $("${entry#*:}" -version 2>&1 | head -1)."; done
  echo
  python3 - "$WORK" "$AGENT_JAR" "$RUNS" "$REPS" "${JDKS[@]}" <<'PY'
import json, re, statistics, sys, zipfile
work, jar, runs, reps, jdks = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], [j.split(":")[0] for j in sys.argv[5:]]
print(f"## 1. Start-up of hello.jar (wall clock, hyperfine -N, {runs} runs each), against the empty agent in the same run\n")
print("| JDK | command | median | mean ± σ | ÷ empty agent (median) | − empty agent | CPU user+sys (mean) |")
print("|---|---|---|---|---|---|---|")
for v in jdks:
    r = {x["command"]: x for x in json.load(open(f"{work}/startup-{v}.json"))["results"]}
    base = statistics.median(r["empty agent"]["times"])
    for k, x in r.items():
        med = statistics.median(x["times"])
        print(f"| {v} | {k} | {med*1000:.1f} ms | {x['mean']*1000:.1f} ± {x['stddev']*1000:.1f} ms | {med/base:.2f}× | "
              f"{(med-base)*1000:+.1f} ms | {(x['user']+x['system'])*1000:.1f} ms |")
print()
print(f"## 2. Installing the hook on the agent's thread ({reps} runs each, the builds interleaved; median [min, max])\n")
print("| JDK | mode | build | wall | CPU of the agent's thread | CPU ÷ before (medians) |")
print("|---|---|---|---|---|---|")
def install(v, mode, build):
    try:
        text = open(f"{work}/install-{v}-{mode}-{build}.txt").read()
    except FileNotFoundError:
        return None
    vals = [tuple(map(int, m)) for m in re.findall(r"in (\d+) ms \((\d+) ms CPU\)", text)]
    return ([a for a, _ in vals], [b for _, b in vals]) if vals else None
for v in jdks:
    for mode in ["plain", "reuse"]:
        label = "UPDATER_REUSE_PORT=true (premain waits)" if mode == "reuse" else "default"
        before = install(v, mode, "before")
        for build in ["before", "ours"]:
            got = install(v, mode, build)
            if got is None:
                continue
            wall, cpu = got
            ratio = f"{statistics.median(cpu) / statistics.median(before[1]):.2f}×" if before else "n/a"
            print(f"| {v} | {label} | {build} | {statistics.median(wall)} ms [{min(wall)}, {max(wall)}] | "
                  f"{statistics.median(cpu)} ms [{min(cpu)}, {max(cpu)}] | {ratio} |")
print()
with zipfile.ZipFile(jar) as z:
    bb = [i for i in z.infolist() if i.filename.startswith("inst/net/bytebuddy/")]
    print("## 3. Size\n")
    print(f"Byte Buddy in updater.jar: {len(bb)} entries, {sum(i.compress_size for i in bb)/1e6:.2f} MB compressed "
          f"({sum(i.file_size for i in bb)/1e6:.2f} MB uncompressed); the whole jar {sum(i.compress_size for i in z.infolist())/1e6:.2f} MB.")
PY
} >"$RESULTS"
cat "$RESULTS"
