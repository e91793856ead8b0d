#!/usr/bin/env python3
"""One-time sync and restart, git-sync (Java) side by side with upstream's binary (issue 22, item 1).

Runs ./git-sync and UPSTREAM (upstream's git-sync v4 binary, which you provide) with hyperfine in
one run, on the medium repository of bench/make-repos.py (5,000 files, 1,000 commits) over
file://, in four cases:

  fresh, tmpfs   each run on a root removed by its own --prepare, on a tmpfs mounted for the
                 benchmark (root only; skipped otherwise): the programs' own cost, without the
                 disk's noise
  fresh, disk    the same on the disk under $TMPDIR, --prepare also flushes writeback (sync)
  restart, tmpfs a root both have synced already: what an init container on a persistent volume,
                 or a restarted pod, does
  restart, disk  the same on the disk

Usage: bench/compare-upstream.py UPSTREAM [--runs 20] [--out FILE]
Prints a Markdown report (bench/results/upstream.md is the last one). Needs hyperfine, git, a built
./git-sync (mvn -B -DskipTests package).
"""
import argparse, json, os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
OURS = os.path.join(TOP, "git-sync")


def hyperfine(tmp, name, runs, prepares, commands):
    out = os.path.join(tmp, name + ".json")
    args = ["hyperfine", "-N", "-w", "2", "-r", str(runs), "--export-json", out]
    for p in prepares:
        args += ["--prepare", p]
    subprocess.run(args + commands, check=True, capture_output=True, text=True)
    res = json.load(open(out))["results"]
    return [(r["mean"], r["stddev"], r["median"], r["user"] + r["system"]) for r in res]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("upstream")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--out")
    a = ap.parse_args()
    upstream = os.path.abspath(a.upstream)
    tmp = tempfile.mkdtemp(prefix="gs-compare-")
    mnt = None
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "make-repos.py"), tmp + "/repos"],
                       check=True, capture_output=True)
        repo = "file://" + tmp + "/repos/medium"
        places = [("disk", tmp)]
        if os.geteuid() == 0:
            mnt = os.path.join(tmp, "tmpfs")
            os.mkdir(mnt)
            subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2g", "tmpfs", mnt], check=True)
            places.insert(0, ("tmpfs", mnt))
        rows = []
        for place, base in places:
            u, o = base + "/fresh-upstream", base + "/fresh-ours"
            flush = "; sync" if place == "disk" else ""
            fresh = hyperfine(
                tmp, "fresh-" + place, a.runs,
                ["sh -c 'rm -rf %s%s'" % (u, flush), "sh -c 'rm -rf %s%s'" % (o, flush)],
                ["%s --repo=%s --root=%s --one-time" % (upstream, repo, u),
                 "%s --repo=%s --root=%s --one-time" % (OURS, repo, o)])
            rows.append(("fresh root, " + place, fresh))
            u, o = base + "/restart-upstream", base + "/restart-ours"
            for cmd in ("%s --repo=%s --root=%s --one-time" % (upstream, repo, u),
                        "%s --repo=%s --root=%s --one-time" % (OURS, repo, o)):
                subprocess.run(cmd.split(), check=True, capture_output=True)
            restart = hyperfine(
                tmp, "restart-" + place, a.runs * 2, [],
                ["%s --repo=%s --root=%s --one-time" % (upstream, repo, u),
                 "%s --repo=%s --root=%s --one-time" % (OURS, repo, o)])
            rows.append(("restart on a synced root, " + place, restart))
        git = subprocess.run(["git", "version"], capture_output=True, text=True).stdout.strip()
        lines = [
            "# One-time sync and restart: git-sync (Java) and upstream",
            "",
            "`bench/compare-upstream.py %s`, %s, %d CPUs, %s; the medium repository "
            "(5,000 files) over file://; hyperfine, %d runs fresh, %d restart; ms." % (
                os.path.basename(upstream), subprocess.run(["date", "-u", "+%Y-%m-%d"],
                capture_output=True, text=True).stdout.strip(), os.cpu_count(), git, a.runs,
                a.runs * 2),
            "",
            "| case | upstream mean ± sd (median) | ours mean ± sd (median) | ratio of means |"
            " ratio of medians | CPU upstream / ours |",
            "|---|---|---|---|---|---|",
        ]
        for name, ((um, us, umed, ucpu), (om, os_, omed, ocpu)) in rows:
            lines.append("| %s | %.0f ± %.0f (%.0f) | %.0f ± %.0f (%.0f) | %.2f | %.2f | %.0f / %.0f |" % (
                name, um * 1e3, us * 1e3, umed * 1e3, om * 1e3, os_ * 1e3, omed * 1e3, om / um,
                omed / umed, ucpu * 1e3, ocpu * 1e3))
        report = "\n".join(lines) + "\n"
        print(report, end="")
        if a.out:
            open(a.out, "w").write(report)
    finally:
        if mnt:
            subprocess.run(["umount", mnt])
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
