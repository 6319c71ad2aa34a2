"""Tables of bench/agent/first-answer.sh from the driver's JSON lines: python3 first_answer_report.py OUT.jsonl"""
import json, random, statistics, sys
from collections import defaultdict

rows = [json.loads(l) for l in open(sys.argv[1])]
rng = random.Random(7)
BASE = "empty agent"


def q(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    lo = int(k)
    return xs[lo] + (xs[min(lo + 1, len(xs) - 1)] - xs[lo]) * (k - lo)


def ci(xs):
    """95 % bootstrap interval of the median."""
    meds = sorted(statistics.median(rng.choices(xs, k=len(xs))) for _ in range(2000))
    return meds[50], meds[1949]


by = defaultdict(dict)  # (jdk, host, agent) -> round -> row
for r in rows:
    by[(r["jdk"], r["host"], r["agent"])][r["round"]] = r
loads = [float(r["load"]) for r in rows]
print(f"{len(set(r['round'] for r in rows))} rounds, {len(rows)} launches; load average (1 min) during the run: "
      f"median {statistics.median(loads):.2f}, range {min(loads):.2f}–{max(loads):.2f}.\n")
for metric, title in [("answer_ms", "launch → first answer"), ("exit_ms", "launch → exit")]:
    print(f"### {title} (ms)\n")
    print("| JDK | host | agent | median | p25–p75 | − empty agent (medians) | ÷ empty agent | median of paired differences [95 % CI] |")
    print("|---|---|---|---|---|---|---|---|")
    for (jdk, host, agent), runs in sorted(by.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        xs = [r[metric] for r in runs.values() if r[metric] is not None]
        if not xs:
            continue
        base = by.get((jdk, host, BASE), {})
        bxs = [r[metric] for r in base.values()]
        pairs = [runs[k][metric] - base[k][metric] for k in runs if k in base]
        lo, hi = ci(pairs)
        print(f"| {jdk} | {host} | {agent} | {statistics.median(xs):.1f} | {q(xs, .25):.1f}–{q(xs, .75):.1f} | "
              f"{statistics.median(xs) - statistics.median(bxs):+.1f} | {statistics.median(xs) / statistics.median(bxs):.3f}× | "
              f"{statistics.median(pairs):+.1f} [{lo:+.1f}, {hi:+.1f}] |")
    print()
OWN = {"no agent", BASE, "ours", "ours, UPDATER_REUSE_PORT=true"}
others = sorted({a for (_, _, a) in by} - OWN)
for other in others:
    print(f"### ours − {other}, paired within rounds (ms; median [95 % CI])\n")
    print("| JDK | host | first answer | exit |")
    print("|---|---|---|---|")
    for (jdk, host, agent), runs in sorted(by.items()):
        if agent != "ours" or (jdk, host, other) not in by:
            continue
        cells = []
        for metric in ("answer_ms", "exit_ms"):
            o = by[(jdk, host, other)]
            pairs = [runs[k][metric] - o[k][metric] for k in runs if k in o and runs[k][metric] is not None]
            cells.append(f"{statistics.median(pairs):+.1f} [{ci(pairs)[0]:+.1f}, {ci(pairs)[1]:+.1f}]" if pairs else "–")
        print(f"| {jdk} | {host} | {cells[0]} | {cells[1]} |")
    print()
print("### Per thread, until the first answer (/proc/PID/task/*/schedstat, medians, ms on a CPU / waiting for one)\n")
print("| JDK | host | agent | main (`java`) | updater-agent | JIT (C1+C2) | GC | whole process on a CPU |")
print("|---|---|---|---|---|---|---|---|")
for (jdk, host, agent), runs in sorted(by.items(), key=lambda kv: (kv[0][0], kv[0][1])):
    th = [r["threads"] for r in runs.values() if r["threads"]]
    if not th:
        continue
    def pick(pred):
        run = [sum(v[0] for k, v in t.items() if pred(k)) / 1e6 for t in th]
        wait = [sum(v[1] for k, v in t.items() if pred(k)) / 1e6 for t in th]
        return f"{statistics.median(run):.1f} / {statistics.median(wait):.1f}"
    total = statistics.median([sum(v[0] for v in t.values()) / 1e6 for t in th])
    print(f"| {jdk} | {host} | {agent} | {pick(lambda k: k == 'java')} | {pick(lambda k: k == 'updater-agent')} | "
          f"{pick(lambda k: 'CompilerThre' in k)} | {pick(lambda k: k.startswith('GC ') or k.startswith('G1'))} | {total:.1f} |")
