#!/usr/bin/env python3
"""Where the JVM's resident memory goes: /proc/PID/smaps attributed with Native Memory Tracking.

Runs ./git-sync (or GITSYNC_LAUNCHER) polling a 5,000-file repository (bench/make-repos.py
medium) every second for --seconds, with the launcher's JVM options plus
-XX:NativeMemoryTracking=detail (or those in --opts, replacing them), then:
  - reads every mapping of /proc/PID/smaps (Rss, Anonymous, Private_Dirty);
  - asks `jcmd PID VM.native_memory detail` which reserved region each address belongs to
    (Java heap, class space/metaspace, code cache, thread stacks, GC, the CDS archive...);
  - attributes each mapping's resident bytes to NMT's category, to "malloc arenas" (glibc's
    [heap] and its 64 MiB-aligned arenas), to the libraries and files it maps, or to "other".
NMT itself costs a little memory; --no-nmt measures the same run without it (totals only).

--args adds git-sync flags (a sink, a trigger listener: the configuration users run).

Usage: bench/memory-breakdown.py [--seconds 60] [--opts "..."] [--env K=V ...] [--no-nmt]
                                 [--args "..."]
Prints a Markdown table. Needs jcmd from the same JDK, python3, git, and a built ./git-sync.
"""
import argparse, collections, os, re, shlex, shutil, signal, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
LAUNCHER = os.environ.get("GITSYNC_LAUNCHER") or os.path.join(TOP, "git-sync")


def launcher_opts():
    opts = ["@" + os.path.join(TOP, "jvm.options")]
    jsa = os.path.join(TOP, "target", "git-sync.jsa")
    if os.path.exists(jsa):
        opts += ["-XX:SharedArchiveFile=" + jsa, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
    return opts


def smaps(pid):
    maps, cur = [], None
    for line in open("/proc/%d/smaps" % pid):
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$", line)
        if m:
            cur = {"start": int(m.group(1), 16), "end": int(m.group(2), 16), "perms": m.group(3),
                   "name": m.group(4).strip(), "Rss": 0, "Anonymous": 0, "Private_Dirty": 0}
            maps.append(cur)
            continue
        k, _, v = line.partition(":")
        if cur is not None and k in ("Rss", "Anonymous", "Private_Dirty"):
            cur[k] = int(v.split()[0])
    return maps


def nmt_regions(pid, jcmd):
    """(start, end, category) of every reserved/committed region NMT reports, and its summary."""
    # The summary first: jcmd's answer is buffered in the JVM's own (Internal) memory, and the
    # detail report is megabytes long.
    summary = subprocess.run([jcmd, str(pid), "VM.native_memory", "summary"], capture_output=True,
                             text=True).stdout
    out = subprocess.run([jcmd, str(pid), "VM.native_memory", "detail"], capture_output=True,
                         text=True).stdout
    regions = []
    for m in re.finditer(r"\[(0x[0-9a-f]+) - (0x[0-9a-f]+)\] reserved [0-9]+KB for ([A-Za-z ]+?)(?: from|\n)", out):
        regions.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip()))
    return regions, summary


def classify(maps, regions):
    rows = collections.OrderedDict()

    def add(cat, m):
        r = rows.setdefault(cat, [0, 0, 0])
        r[0] += m["Rss"]
        r[1] += m["Anonymous"]
        r[2] += m["Private_Dirty"]

    for m in maps:
        if m["Rss"] == 0:
            continue
        cat = None
        for s, e, c in regions:
            if s <= m["start"] < e:
                cat = "NMT: " + c
                break
        if cat is None:
            n = m["name"]
            if n == "[heap]":
                cat = "malloc: main arena ([heap])"
            elif n.startswith("[stack"):
                cat = "main thread stack"
            elif n.startswith("["):
                cat = "kernel: " + n
            elif n.endswith(".jsa"):
                cat = "file: CDS archive (" + os.path.basename(n) + ")"
            elif "libjvm" in n:
                cat = "file: libjvm.so"
            elif n.endswith(".jar"):
                cat = "file: " + os.path.basename(n)
            elif n:
                cat = "file: other libraries and files"
            elif (m["end"] - m["start"]) <= 64 * 1024 * 1024 and m["start"] % (64 * 1024 * 1024) == 0 \
                    or (m["end"] % (64 * 1024 * 1024) == 0 and m["end"] - m["start"] < 64 * 1024 * 1024):
                cat = "malloc: thread arenas (64 MiB-aligned)"
            else:
                cat = "anonymous, not in NMT"
        add(cat, m)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--opts", default="", help="JVM options instead of the launcher's")
    ap.add_argument("--env", action="append", default=[], help="K=V for the JVM's environment")
    ap.add_argument("--no-nmt", action="store_true")
    ap.add_argument("--repo", default="")
    ap.add_argument("--java", default="java")
    ap.add_argument("--args", default="", help="more git-sync flags")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="mem-breakdown-")
    repo = a.repo
    if not repo:
        subprocess.run([sys.executable, os.path.join(HERE, "make-repos.py"), os.path.join(tmp, "repos")],
                       check=True, capture_output=True)
        repo = os.path.join(tmp, "repos", "medium")
    opts = shlex.split(a.opts) if a.opts else launcher_opts()
    if not a.no_nmt:
        opts = opts + ["-XX:NativeMemoryTracking=detail"]
    jar = os.path.join(TOP, "target", "git-sync.jar")
    env = dict(os.environ)
    for kv in a.env:
        k, _, v = kv.partition("=")
        env[k] = v
    argv = [a.java, *opts, "-jar", jar, "--repo=file://" + repo, "--root=" + os.path.join(tmp, "root"),
            "--period=1s", "--http-bind=127.0.0.1:0", "--http-metrics", *shlex.split(a.args)]
    p = subprocess.Popen(argv, stderr=open(os.path.join(tmp, "log"), "w"), env=env)
    try:
        time.sleep(a.seconds)
        status = {l.split(":")[0]: l.split(":")[1].strip() for l in open("/proc/%d/status" % p.pid) if ":" in l}
        maps = smaps(p.pid)  # before jcmd, whose answers the JVM buffers in its own memory
        jcmd = os.path.join(os.path.dirname(os.path.realpath(shutil.which(a.java))), "jcmd")
        regions, summary = ([], "") if a.no_nmt else nmt_regions(p.pid, jcmd)
        threads = len(os.listdir("/proc/%d/task" % p.pid))
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    rows = classify(maps, regions)
    print("JVM options: `%s`%s%s\n" % (" ".join(opts), (" env: " + " ".join(a.env)) if a.env else "",
                                        (" flags: `%s`" % a.args) if a.args else ""))
    print("VmRSS %s, RssAnon %s, RssFile %s, threads %d\n" % (status["VmRSS"], status["RssAnon"],
                                                             status["RssFile"], threads))
    print("| Where | RSS KiB | anonymous KiB | private dirty KiB |\n|---|---|---|---|")
    for cat, (rss, anon, dirty) in sorted(rows.items(), key=lambda kv: -kv[1][0]):
        print("| %s | %d | %d | %d |" % (cat, rss, anon, dirty))
    tot = [sum(r[i] for r in rows.values()) for i in range(3)]
    print("| **total** | %d | %d | %d |" % tuple(tot))
    if summary:
        print("\n<details><summary>NMT summary</summary>\n\n```")
        print("\n".join(l for l in summary.splitlines() if l.strip() and not l.startswith(" " * 30)))
        print("```\n</details>")


if __name__ == "__main__":
    main()
