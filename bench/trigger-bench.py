#!/usr/bin/env python3
"""Push-trigger benchmark for git-sync (Java).

1. Push to flip: git-sync runs with --period=1h and a trigger listener; for each of N pushes a
   commit lands in the remote, a GitHub-shaped push webhook signed with the secret is POSTed to
   /trigger (as the forge would send it after the push), and the link is read every millisecond
   until it names the new commit. Pushes are spaced past --trigger-min-interval (1 s), as pushes
   by people are. Reported: median and p90 (targets 300 ms and 1 s), and the answer time of
   the webhook itself.
2. git processes at rest: two git-syncs on the same unchanged repository, one polling every 10 s
   (upstream's default), one every 5 minutes (with triggers), each with a --git wrapper that
   counts the git processes it starts, for --rest-seconds. Reported: processes counted in the
   window, per poll, and per hour (per poll x polls per hour).

Usage: bench/trigger-bench.py [--pushes 20] [--rest-seconds 300]
Writes bench/results/trigger.md. Needs python3, git and a built ./git-sync (mvn -DskipTests package).
"""
import argparse, hashlib, hmac, json, os, shutil, subprocess, tempfile, time, urllib.request

from benchlib import HERE, LAUNCHER, commit, git, make_repo, pct, wait_for
SECRET = b"bench-secret-0123456789abcdef"










def logged_port(log, msg):
    for line in open(log):
        if '"msg":"%s"' % msg in line:
            return int(json.loads(line)["endpoint"].rsplit(":", 1)[1])
    return None


def webhook(port, repo_url, after, n):
    body = json.dumps({"ref": "refs/heads/main", "before": "0" * 40, "after": after, "deleted": False,
                       "repository": {"full_name": "o/r", "clone_url": repo_url,
                                      "default_branch": "main"}}).encode()
    sig = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    req = urllib.request.Request("http://127.0.0.1:%d/trigger" % port, data=body, method="POST", headers={
        "Content-Type": "application/json", "X-GitHub-Event": "push",
        "X-GitHub-Delivery": "bench-%d" % n, "X-Hub-Signature-256": sig})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status


def push_to_flip(tmp, pushes):
    repo = os.path.join(tmp, "repo")
    make_repo(repo)
    secret = os.path.join(tmp, "secret")
    with open(secret, "wb") as f:
        f.write(SECRET)
    root = os.path.join(tmp, "root")
    log = os.path.join(tmp, "flip.log")
    link = os.path.join(root, "link")
    p = subprocess.Popen([LAUNCHER, "--repo=file://" + repo, "--root=" + root, "--link=link", "--period=1h",
                          "--trigger-bind=127.0.0.1:0", "--trigger-secret-file=" + secret],
                         stderr=open(log, "w"))
    flips, answers = [], []
    try:
        wait_for(lambda: os.path.islink(link) and logged_port(log, "serving push triggers"), 60, 0.01)
        port = logged_port(log, "serving push triggers")
        for i in range(1, pushes + 1):
            time.sleep(1.2)  # past --trigger-min-interval, as pushes by people are
            h = commit(repo, i)
            t0 = time.perf_counter()
            status = webhook(port, "file://" + repo, h, i)
            answers.append((time.perf_counter() - t0) * 1000)
            if status != 202:
                raise SystemExit("webhook answered %d" % status)
            wait_for(lambda: os.readlink(link).endswith(h), 30, 0.001)
            flips.append((time.perf_counter() - t0) * 1000)
    finally:
        p.terminate()
        p.wait()
    return flips, answers


def rest(tmp, seconds):
    repo = os.path.join(tmp, "rest-repo")
    make_repo(repo)
    secret = os.path.join(tmp, "secret")
    out = {}
    procs = []
    for label, period in (("10s", "10s"), ("5m", "5m")):
        calls = os.path.join(tmp, "calls-" + label)
        open(calls, "w").close()
        wrapper = os.path.join(tmp, "count-%s.sh" % label)
        with open(wrapper, "w") as f:
            f.write('#!/bin/sh\necho "$1" >> "%s"\nexec git "$@"\n' % calls)
        os.chmod(wrapper, 0o755)
        log = os.path.join(tmp, "rest-%s.log" % label)
        args = [LAUNCHER, "--repo=file://" + repo, "--root=" + os.path.join(tmp, "rest-root-" + label),
                "--link=link", "--period=" + period, "-v", "2", "--git=" + wrapper]
        if label == "5m":
            args += ["--trigger-bind=127.0.0.1:0", "--trigger-secret-file=" + secret]
        procs.append((label, period, calls, log, subprocess.Popen(args, stderr=open(log, "w"))))
    try:
        for label, period, calls, log, p in procs:
            wait_for(lambda: os.path.islink(os.path.join(tmp, "rest-root-" + label, "link")), 60, 0.05)
        # The first sync is behind us: count from here.
        start = {label: len(open(calls).read().split()) for label, _, calls, _, _ in procs}
        polls0 = {label: open(log).read().count("update not required") for label, _, _, log, _ in procs}
        time.sleep(seconds)
        for label, period, calls, log, p in procs:
            n = len(open(calls).read().split()) - start[label]
            polls = open(log).read().count("update not required") - polls0[label]
            out[label] = {"processes": n, "polls": polls}
    finally:
        for _, _, _, _, p in procs:
            p.terminate()
            p.wait()
    per_poll = out["10s"]["processes"] / max(out["10s"]["polls"], 1)
    out["10s"]["per_hour"] = per_poll * 360
    out["5m"]["per_hour"] = per_poll * 12
    out["per_poll"] = per_poll
    return out




def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pushes", type=int, default=20)
    ap.add_argument("--rest-seconds", type=int, default=300)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="trigger-bench-")
    try:
        flips, answers = push_to_flip(tmp, a.pushes)
        r = rest(tmp, a.rest_seconds)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    out = os.path.join(HERE, "results", "trigger.md")
    with open(out, "w") as f:
        f.write("# Push-trigger benchmark\n\n")
        f.write("Run: `bench/trigger-bench.py --pushes %d --rest-seconds %d` on %s (%d cores).\n\n"
                % (a.pushes, a.rest_seconds, os.uname().nodename, os.cpu_count()))
        f.write("## Push to link flip (`--period=1h`, GitHub-shaped signed webhook on loopback, file:// remote)\n\n")
        f.write("| | pushes | min ms | median ms | p90 ms | max ms | target |\n|---|---|---|---|---|---|---|\n")
        f.write("| push to flip | %d | %.1f | %.1f | %.1f | %.1f | median <= 300 ms, p90 <= 1 s |\n"
                % (len(flips), min(flips), pct(flips, 0.5), pct(flips, 0.9), max(flips)))
        f.write("| webhook answered (202) | %d | %.1f | %.1f | %.1f | %.1f | forges wait 5-10 s |\n\n"
                % (len(answers), min(answers), pct(answers, 0.5), pct(answers, 0.9), max(answers)))
        f.write("## git processes at rest (nothing pushed)\n\n")
        f.write("| --period | measured in %d s | polls | per hour |\n|---|---|---|---|\n" % a.rest_seconds)
        f.write("| 10s (upstream default, polling only) | %d | %d | %.0f |\n"
                % (r["10s"]["processes"], r["10s"]["polls"], r["10s"]["per_hour"]))
        f.write("| 5m (with --trigger-bind) | %d | %d | %.0f |\n\n"
                % (r["5m"]["processes"], r["5m"]["polls"], r["5m"]["per_hour"]))
        f.write("A poll that finds nothing new runs %.1f git processes (`git fetch`); per hour is that times\n"
                "the polls in an hour (360 at 10 s, 12 at 5 m). Each push then costs one pass more,\n"
                "started by its webhook.\n" % r["per_poll"])
    print(open(out).read())


if __name__ == "__main__":
    main()
