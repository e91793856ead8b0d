#!/usr/bin/env python3
"""Notification benchmark for git-sync (Java).

0. The first message of a freshly started process: flip to arrival, over several starts.
1. Latency from the symlink flip to the message arriving at a loopback Slack-like receiver, over
   N commits (the flip time is the "updated successfully" log line's timestamp).
2. Drain: 1,000 notifications queued in the outbox (as after an outage) are delivered to a
   loopback receiver within the sink's rate limit (min_interval), none lost, none duplicated.

Usage: bench/notify-bench.py [--commits 20] [--queued 1000] [--min-interval-ms 20] [--starts 10]
Writes bench/results/notify.md. Needs python3, git and a built ./git-sync (mvn -DskipTests package).
"""
import argparse, datetime, hashlib, http.server, json, os, shutil, subprocess, tempfile, threading, time, uuid

from benchlib import HERE, LAUNCHER, commit, git, make_repo, pct, wait_for


class Receiver:
    def __init__(self):
        self.arrivals = []  # (time, body)
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(n).decode()
                outer.arrivals.append((time.time(), body, dict(self.headers)))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.server.server_port, path)








def latency(tmp, commits):
    rx = Receiver()
    repo = os.path.join(tmp, "repo")
    make_repo(repo)
    root = os.path.join(tmp, "root")
    err = open(os.path.join(tmp, "lat.log"), "w")
    p = subprocess.Popen([LAUNCHER, "--repo=file://" + repo, "--root=" + root, "--period=50ms",
                          "--notify=slack+" + rx.url("/services/T0/B0/X") + "?min_interval=0s"],
                         stderr=err)
    try:
        wait_for(lambda: len(rx.arrivals) >= 1, 60)
        results = []
        for i in range(1, commits + 1):
            h = commit(repo, i)
            wait_for(lambda: any(h[:7] in a[1] for a in rx.arrivals), 60)
            arrived = [a[0] for a in rx.arrivals if h[:7] in a[1]][0]
            results.append((h, arrived))
            time.sleep(0.2)
    finally:
        p.terminate()
        p.wait()
        err.close()
    flips = {}
    for line in open(os.path.join(tmp, "lat.log")):
        if '"msg":"updated successfully"' in line:
            e = json.loads(line)
            ts = datetime.datetime.strptime(e["ts"], "%Y-%m-%d %H:%M:%S.%f").timestamp()
            flips[e["remote"]] = ts
    return [(arrived - flips[h]) * 1000 for h, arrived in results if h in flips]


def first_message(tmp, starts):
    """Flip to arrival of the first message of a freshly started process, over several starts."""
    out = []
    for i in range(starts):
        rx = Receiver()
        repo = os.path.join(tmp, "first-repo-%d" % i)
        make_repo(repo)
        log = os.path.join(tmp, "first-%d.log" % i)
        with open(log, "w") as err:
            p = subprocess.Popen([LAUNCHER, "--repo=file://" + repo, "--root=" + os.path.join(tmp, "first-root-%d" % i),
                                  "--period=1h", "--notify=slack+" + rx.url("/services/T0/B0/X")], stderr=err)
            try:
                wait_for(lambda: len(rx.arrivals) >= 1, 60)
            finally:
                p.terminate()
                p.wait()
        arrived = rx.arrivals[0][0]
        for line in open(log):
            if '"msg":"updated successfully"' in line:
                e = json.loads(line)
                flip = datetime.datetime.strptime(e["ts"], "%Y-%m-%d %H:%M:%S.%f").timestamp()
                out.append((arrived - flip) * 1000)
        rx.server.shutdown()
    return out


def drain(tmp, queued, min_interval_ms):
    rx = Receiver()
    repo = os.path.join(tmp, "repo2")
    make_repo(repo)
    root = os.path.join(tmp, "root2")
    url = "generic+" + rx.url("/events") + "?min_interval=%dms&events=failed" % min_interval_ms
    sink_id = hashlib.sha256(url.encode()).hexdigest()[:8]
    pending = os.path.join(root, ".gitsync-notify", "pending")
    os.makedirs(pending)
    ids = []
    now = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    for seq in range(1, queued + 1):
        eid = str(uuid.uuid4())
        ids.append(eid)
        entry = {"seq": seq, "sink": sink_id, "attempts": 0, "not_before": now,
                 "event": {"type": "sync.failed", "id": eid, "timestamp": now,
                           "data": {"repo": "file://" + repo, "ref": "HEAD", "hash": "", "previous_hash": "",
                                    "error": "queued %d" % seq, "failures": seq, "broken_for_seconds": 0,
                                    "commits": [], "more_commits": 0, "diff_summary": "", "commit_url": "",
                                    "compare_url": "", "pod": "bench", "namespace": "", "hook": ""}}}
        with open(os.path.join(pending, "%020d-%s.json" % (seq, sink_id)), "w") as f:
            json.dump(entry, f)
    start = time.time()
    err = open(os.path.join(tmp, "drain.log"), "w")
    p = subprocess.Popen([LAUNCHER, "--repo=file://" + repo, "--root=" + root, "--period=1h", "--notify=" + url],
                         stderr=err)
    try:
        wait_for(lambda: len(rx.arrivals) >= queued and not os.listdir(pending), 600)
        time.sleep(1)
    finally:
        p.terminate()
        p.wait()
        err.close()
    elapsed = time.time() - start
    got = [json.loads(a[1])["id"] for a in rx.arrivals]
    gaps = [(rx.arrivals[i][0] - rx.arrivals[i - 1][0]) * 1000 for i in range(1, len(rx.arrivals))]
    errors = [int(json.loads(a[1])["data"]["error"].split()[1]) for a in rx.arrivals]
    return {
        "queued": queued, "received": len(got), "unique": len(set(got)),
        "lost": len(set(ids) - set(got)), "in_order": errors == sorted(errors),
        "elapsed_s": elapsed, "min_gap_ms": min(gaps) if gaps else 0,
        "min_interval_ms": min_interval_ms,
        "floor_s": (queued - 1) * min_interval_ms / 1000.0,
    }






def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--commits", type=int, default=20)
    ap.add_argument("--queued", type=int, default=1000)
    ap.add_argument("--min-interval-ms", type=int, default=20)
    ap.add_argument("--starts", type=int, default=10)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="notify-bench-")
    try:
        first = first_message(tmp, a.starts)
        lat = latency(tmp, a.commits)
        d = drain(tmp, a.queued, a.min_interval_ms)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    out = os.path.join(HERE, "results", "notify.md")
    with open(out, "w") as f:
        f.write("# Notification benchmark\n\n")
        f.write("Run: `bench/notify-bench.py --commits %d --queued %d --min-interval-ms %d` on %s (%d cores).\n\n"
                % (a.commits, a.queued, a.min_interval_ms, os.uname().nodename, os.cpu_count()))
        f.write("## Symlink flip to message at a loopback Slack receiver\n\n")
        f.write("| samples | min ms | median ms | p90 ms | max ms |\n|---|---|---|---|---|\n")
        f.write("| %d | %.1f | %.1f | %.1f | %.1f |\n\n" % (len(lat), min(lat), pct(lat, 0.5), pct(lat, 0.9), max(lat)))
        f.write("## The first message of a freshly started process (flip to arrival)\n\n")
        f.write("| starts | min ms | median ms | p90 ms | max ms | target |\n|---|---|---|---|---|---|\n")
        f.write("| %d | %.1f | %.1f | %.1f | %.1f | <= 50 ms |\n\n" % (len(first), min(first), pct(first, 0.5), pct(first, 0.9), max(first)))
        f.write("The HTTP client is made and each kind's renderer warmed up in the background at start-up,\n"
                "so the first message does not pay for them.\n\n")
        f.write("## Draining a queued outbox\n\n")
        f.write("| queued | received | unique | lost | in order | elapsed s | floor s ((n-1) x min_interval) | smallest gap ms | min_interval ms |\n")
        f.write("|---|---|---|---|---|---|---|---|---|\n")
        f.write("| %(queued)d | %(received)d | %(unique)d | %(lost)d | %(in_order)s | %(elapsed_s).1f | %(floor_s).1f | %(min_gap_ms).1f | %(min_interval_ms)d |\n" % d)
    print(open(out).read())


if __name__ == "__main__":
    main()
