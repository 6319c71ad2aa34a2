"""Driver of bench/agent/first-answer.sh: starts every variant once per round, in a new random order
each round, and times each launch to its first answer (ServeOnce) and to its exit; right after the
answer it reads /proc/PID/task/*/schedstat (time on a CPU and time waiting for one, per thread).

    python3 first_answer.py OUT.jsonl ROUNDS WARMUP VARIANTS.json
VARIANTS.json: [{"jdk": "17", "host": "serve", "agent": "empty agent", "argv": [...], "env": {...}}, ...]
"""
import json, os, random, socket, subprocess, sys, time

out_path, rounds, warmup, variants_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
variants = json.load(open(variants_path))
rng = random.Random(12)


def threads(pid):
    """{comm: [ns on a CPU, ns waiting in the run queue, threads]} summed by thread name."""
    got = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return got
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                comm = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                run, wait, _ = f.read().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        entry = got.setdefault(comm, [0, 0, 0])
        entry[0] += int(run)
        entry[1] += int(wait)
        entry[2] += 1
    return got


def once(v):
    env = dict(os.environ, **v.get("env", {}))
    started = time.perf_counter()
    proc = subprocess.Popen(v["argv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    line = proc.stdout.readline()
    answer_ms, sched = None, None
    if v["host"] != "hello":
        port = int(line)
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            reply = b""
            while chunk := s.recv(4096):
                reply += chunk
        answer_ms = (time.perf_counter() - started) * 1000
        if not reply.startswith(b"HTTP/1.1 200"):
            raise SystemExit(f"{v['agent']}: unexpected answer {reply[:80]!r}")
        sched = threads(proc.pid)
    proc.stdout.read()
    err = proc.stderr.read()
    code = proc.wait()
    exit_ms = (time.perf_counter() - started) * 1000
    # The agent's INFO line ("updater agent watching ...") is fine; anything that says it failed is not.
    if code != 0 or any(w in err for w in (b"disabled", b"WARNING", b"SEVERE", b"ERROR", b"Exception")):
        raise SystemExit(f"{v['jdk']} {v['host']} {v['agent']}: exit {code}, stderr {err.decode()[:500]}")
    return answer_ms, exit_ms, sched


for v in variants:
    for _ in range(warmup):
        once(v)
with open(out_path, "w") as out:
    for r in range(rounds):
        order = list(range(len(variants)))
        rng.shuffle(order)
        for i in order:
            v = variants[i]
            answer_ms, exit_ms, sched = once(v)
            out.write(json.dumps({"round": r, "jdk": v["jdk"], "host": v["host"], "agent": v["agent"],
                                  "answer_ms": answer_ms, "exit_ms": exit_ms, "threads": sched,
                                  "load": open("/proc/loadavg").read().split()[0]}) + "\n")
        out.flush()
        if r % 10 == 9:
            print(f"== round {r + 1}/{rounds} (load {open('/proc/loadavg').read().split()[0]})", flush=True)
