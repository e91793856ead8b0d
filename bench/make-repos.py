#!/usr/bin/env python3
"""Generates the benchmark repositories with git fast-import (deterministic content).

small:  20 files, 10 commits
medium: 5,000 files, 1,000 commits
large:  50,000 files, 10 commits

Usage: bench/make-repos.py DIR   (creates DIR/small, DIR/medium, DIR/large as non-bare repos)
"""
import os, subprocess, sys

SIZES = {"small": (20, 10), "medium": (5000, 1000), "large": (50000, 10)}


def blob(i, rev):
    line = "line %d of file %d, revision %d\n" % (0, i, rev)
    return (line * (20 + i % 40)).encode()


def make(path, files, commits):
    if os.path.exists(path):
        return
    subprocess.run(["git", "init", "-q", "-b", "main", path], check=True)
    p = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=path, stdin=subprocess.PIPE)
    w = p.stdin.write
    t = 1700000000
    for c in range(commits):
        w(b"commit refs/heads/main\n")
        w(b"committer Bench <bench@example.com> %d +0000\n" % (t + c))
        msg = b"commit %d" % c
        w(b"data %d\n%s\n" % (len(msg), msg))
        if c == 0:
            changed = range(files)
        else:
            changed = [(c * 7 + k) % files for k in range(5)]
        for i in changed:
            data = blob(i, c)
            w(b"M 100644 inline dir%03d/file%05d.txt\n" % (i % 500, i))
            w(b"data %d\n%s\n" % (len(data), data))
    p.stdin.close()
    if p.wait() != 0:
        sys.exit("fast-import failed")
    subprocess.run(["git", "config", "uploadpack.allowAnySHA1InWant", "true"], cwd=path, check=True)
    subprocess.run(["git", "reset", "-q", "--hard"], cwd=path, check=True)


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    for name, (files, commits) in SIZES.items():
        make(os.path.join(d, name), files, commits)
        print(name, "ready")


if __name__ == "__main__":
    main()
