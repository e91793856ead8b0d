"""What the benchmark scripts share: the launcher, a scratch repository, waiting, percentiles."""
import os, subprocess, time

HERE = os.path.dirname(os.path.abspath(__file__))
LAUNCHER = os.environ.get("GITSYNC_LAUNCHER") or os.path.join(os.path.dirname(HERE), "git-sync")


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def make_repo(d):
    os.makedirs(d)
    git(d, "init", "-q", "-b", "main")
    git(d, "config", "user.email", "b@example.com")
    git(d, "config", "user.name", "Bench")
    commit(d, 0)


def commit(d, i):
    with open(os.path.join(d, "f.txt"), "w") as f:
        f.write(str(i))
    git(d, "add", "-A")
    git(d, "commit", "-qm", "change %d" % i)
    return git(d, "rev-parse", "HEAD")


def wait_for(cond, timeout, step=0.01):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        time.sleep(step)
    raise SystemExit("timed out")


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]
