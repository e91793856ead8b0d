#!/usr/bin/env python3
"""Builds the git-sync (Java) container image without a Docker daemon.

The root filesystem is assembled from pinned Debian packages (apt-get download + dpkg-deb -x),
keeping only the files the program uses, plus a jlink'ed Java runtime and the jar. It is then
checked (every ELF file's shared libraries resolve inside the image), a class-data-sharing
archive is trained by running a real sync inside it (chroot), and it is packed as a
docker-archive tarball that `podman load` and `docker load` read:

    target/git-sync-image.tar      the image
    target/image/contents.txt      what the image holds, with sizes
    target/image/rootfs/           the root filesystem it was packed from

Run it through scripts/build-image.sh. Needs root (or unprivileged user namespaces) for the
chroot, apt-get, dpkg-deb, ldconfig, binutils and a JDK with jmods (Debian's
openjdk-17-jdk-headless). The check and the training run image/in-image.sh inside the image.
"""

import argparse
import datetime
import gzip
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TARGET = os.path.join(REPO, "target")
WORK = os.path.join(TARGET, "image")
STAGE = os.path.join(WORK, "rootfs")
LOCK = os.path.join(HERE, "packages.lock")
IMAGE = os.path.join(TARGET, "git-sync-image.tar")

UID = 65533
# Programs the image runs, by package. Each keeps only the files named by its rule below; the
# shared libraries they need come from the "lib" packages in their dependency closure.
ROOTS = ["git", "openssh-client", "ca-certificates", "dash", "tini", "sed", "coreutils",
         "libstdc++6", "gpg"]
# git's shell scripts (git submodule, git-sh-setup) call these; nothing else from coreutils.
COREUTILS = {"basename", "cat", "expr", "sort", "uname", "wc"}
# Library packages that only serve programs the image leaves out.
# libsasl2's plugins (and the Berkeley DB one of them needs) only serve LDAP logins.
LIB_EXCLUDE = {"libperl5.36", "liberror-perl", "libsasl2-modules-db", "libdb5.3"}
# git programs the image does not need: servers, mail, web, interactive and foreign-VCS tools.
GIT_EXCLUDE = {"git-daemon", "git-shell", "git-http-backend", "git-imap-send", "git-http-push",
               "git-instaweb", "git-web--browse", "git-cvsserver", "git-p4", "git-mergetool",
               "git-mergetool--lib", "git-difftool--helper", "git-request-pull",
               "git-quiltimport", "git-filter-branch", "scalar", "git-http-fetch"}
# What git-sync uses (jdeps: java.base, java.management, java.net.http, jdk.jfr), plus the EC
# provider TLS needs, com.sun.management for the pprof heap endpoint and sun.misc.Signal
# (jdk.unsupported, loaded reflectively for --sync-on-signal and shutdown). The JDK's HTTP server
# is not used since the admin endpoint became NioHttpServer.
MODULES = ["java.base", "java.management", "java.net.http", "jdk.crypto.ec", "jdk.jfr",
           "jdk.management", "jdk.unsupported"]

def run(*argv, **kw):
    return subprocess.run(argv, check=True, **kw)


def out(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def log(msg):
    print("build-image: " + msg, file=sys.stderr, flush=True)


# ---- packages ------------------------------------------------------------------------------

def show(specs):
    """apt-cache's records for package specs ("name" or "name=version"), by package name."""
    r = subprocess.run(["apt-cache", "show", "--no-all-versions"] + specs,
                       capture_output=True, text=True)
    records = {}
    for block in r.stdout.split("\n\n"):
        fields, key = {}, None
        for line in block.splitlines():
            if line.startswith(" ") and key:
                fields[key] += line
            elif ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if "Package" in fields:
            records.setdefault(fields["Package"], fields)
    return records


def depends(fields):
    names = []
    for field in ("Pre-Depends", "Depends"):
        for dep in filter(None, (d.strip() for d in fields.get(field, "").split(","))):
            first = dep.split("|")[0].strip()
            names.append(first.split(" ")[0].split(":")[0])
    return names


def resolve(lock, allow_drift):
    """Roots plus their library closure, each at its locked version (or the candidate)."""
    chosen, drift, level = {}, [], list(ROOTS)
    while level:
        specs = [n + "=" + lock[n] if n in lock else n for n in level]
        records = show(specs)
        missing = [n for n in level if n not in records]
        for name in missing:
            if name in lock and not allow_drift:
                sys.exit("build-image: %s=%s is not available from apt any more; rerun with"
                         " --refresh-lock to pin the current versions" % (name, lock[name]))
        if missing:
            records.update(show(missing))
        following = []
        for name in level:
            fields = records.get(name)
            if fields is None:
                sys.exit("build-image: apt knows no package " + name)
            if name in lock and lock[name] != fields["Version"]:
                drift.append("%s %s -> %s" % (name, lock[name], fields["Version"]))
            chosen[name] = fields["Version"]
            for dep in depends(fields):
                if (dep not in chosen and dep not in level and dep not in following
                        and dep not in LIB_EXCLUDE
                        and (dep.startswith("lib") or dep == "zlib1g")):
                    following.append(dep)
        level = following
    return chosen, drift


def download(chosen):
    debs = os.path.join(WORK, "debs")
    os.makedirs(debs, exist_ok=True)

    def have(name, version):
        prefix = "%s_%s_" % (name, version.replace(":", "%3a"))
        return [f for f in os.listdir(debs) if f.startswith(prefix) and f.endswith(".deb")]

    need = [n + "=" + v for n, v in sorted(chosen.items()) if not have(n, v)]
    if need:
        run("apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", *need, cwd=debs,
            stdout=subprocess.DEVNULL)
    return {n: os.path.join(debs, have(n, v)[0]) for n, v in chosen.items()}


# ---- root filesystem -----------------------------------------------------------------------

def keep(package, rel):
    """Whether a file of a package goes into the image (rel has no leading '/')."""
    base = os.path.basename(rel)
    if package == "git":
        if rel == "usr/bin/git" or rel.startswith("usr/share/git-core/templates/"):
            return True
        if rel.startswith("usr/lib/git-core/"):
            return base not in GIT_EXCLUDE and "/mergetools" not in rel
        return False
    if package == "openssh-client":
        # ssh-keygen verifies SSH-signed commits for --verify (git runs it).
        return rel in ("usr/bin/ssh", "usr/bin/ssh-keygen", "etc/ssh/ssh_config")
    if package == "gpg":
        # Verifies OpenPGP-signed commits for --verify; no agent, dirmngr or keyboxd is needed.
        return rel == "usr/bin/gpg"
    if package == "ca-certificates":
        return rel.startswith("usr/share/ca-certificates/") and rel.endswith(".crt")
    if package == "dash":
        return rel in ("bin/dash", "bin/sh")
    if package == "tini":
        return rel == "usr/bin/tini"
    if package == "sed":
        return rel == "bin/sed"
    if package == "coreutils":
        return rel in ("bin/" + base, "usr/bin/" + base) and base in COREUTILS
    # Library packages: shared libraries and the loader's config, no programs, docs or iconv
    # modules.
    if "/gconv/" in rel or rel.startswith("usr/lib/x86_64-linux-gnu/audit"):
        return False
    return rel.startswith(("lib/", "lib64/", "usr/lib/", "etc/ld.so.conf.d/"))


def is_perl_or_python(path):
    try:
        with open(path, "rb") as f:
            head = f.readline(80)
    except OSError:
        return False
    return head.startswith(b"#!") and (b"perl" in head or b"python" in head)


def extract(debs):
    if os.path.exists(STAGE):
        shutil.rmtree(STAGE)
    os.makedirs(STAGE)
    unpacked = os.path.join(WORK, "unpacked")
    os.makedirs(unpacked, exist_ok=True)
    for name, deb in sorted(debs.items()):
        dest = os.path.join(unpacked, name)
        if os.path.exists(dest):
            shutil.rmtree(dest)
        run("dpkg-deb", "-x", deb, dest)
        for dirpath, dirnames, filenames in os.walk(dest):
            for entry in filenames + [d for d in dirnames
                                      if os.path.islink(os.path.join(dirpath, d))]:
                src = os.path.join(dirpath, entry)
                rel = os.path.relpath(src, dest)
                if not keep(name, rel) or (name == "git" and is_perl_or_python(src)):
                    continue
                target = os.path.join(STAGE, rel)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                if os.path.lexists(target):
                    os.remove(target)
                if os.path.islink(src):
                    os.symlink(os.readlink(src), target)
                else:
                    shutil.copy2(src, target)


def dedupe():
    """Identical files (Debian ships /usr/bin/git and /usr/lib/git-core/git as two copies) become
    hard links, which the layer stores once."""
    seen = {}
    for dirpath, _, files in sorted(os.walk(STAGE)):
        for f in sorted(files):
            path = os.path.join(dirpath, f)
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode) or st.st_size < 4096:
                continue
            with open(path, "rb") as fh:
                key = (st.st_size, st.st_mode, hashlib.sha256(fh.read()).hexdigest())
            if key in seen:
                os.remove(path)
                os.link(seen[key], path)
            else:
                seen[key] = path


def write(rel, text, mode=0o644):
    path = os.path.join(STAGE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def system_files():
    write("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\n"
          "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n"
          "git-sync:x:%d:%d::/tmp:/sbin/nologin\n" % (UID, UID))
    write("etc/group", "root:x:0:\nnogroup:x:65534:\ngit-sync:x:%d:git-sync\n" % UID)
    write("etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n")
    # What update-ca-certificates would write: every Mozilla root, in name order.
    certs = []
    for dirpath, _, files in os.walk(os.path.join(STAGE, "usr/share/ca-certificates")):
        certs += [os.path.join(dirpath, f) for f in files]
    bundle = ""
    for c in sorted(certs):
        with open(c) as f:
            bundle += f.read().rstrip("\n") + "\n"
    write("etc/ssl/certs/ca-certificates.crt", bundle)
    shutil.rmtree(os.path.join(STAGE, "usr/share/ca-certificates"))
    for d in ("tmp", "git", "proc", "dev", "sys", "etc/git-secret"):
        os.makedirs(os.path.join(STAGE, d), exist_ok=True)
    shutil.copy2(os.path.join(HERE, "git-sync"), os.path.join(STAGE, "git-sync"))
    os.chmod(os.path.join(STAGE, "git-sync"), 0o755)
    run("ldconfig", "-r", STAGE)


def jlink(jdk):
    dest = os.path.join(STAGE, "opt/java")
    if os.path.exists(dest):
        shutil.rmtree(dest)
    # The CDS plugin warns about classes of modules left out; those classes are not wanted.
    # No default CDS archive of the JDK's choice of classes: in-image.sh makes one archive of the
    # classes git-sync loads (11.4 MB smaller, and it starts faster).
    r = subprocess.run([os.path.join(jdk, "bin/jlink"), "--add-modules", ",".join(MODULES),
                        "--strip-debug", "--no-header-files", "--no-man-pages",
                        "--output", dest],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("build-image: jlink failed:\n" + r.stdout + r.stderr)
    # Debian's JDK libraries keep their symbol tables (libjvm.so: 4 MB, 1.3 MB gzipped); only a
    # crash report's native frames would miss them.
    for dirpath, _, files in os.walk(dest):
        for f in files:
            path = os.path.join(dirpath, f)
            if (f.endswith(".so") or dirpath.endswith("/bin")) and not os.path.islink(path):
                with open(path, "rb") as fh:
                    if fh.read(4) == b"\x7fELF":
                        run("strip", "--strip-unneeded", path)
    # Debian's jmods point cacerts at /etc/ssl/certs/java; git-sync trusts the system bundle.
    cacerts = os.path.join(dest, "lib/security/cacerts")
    if os.path.lexists(cacerts) and not os.path.exists(cacerts):
        os.remove(cacerts)


def app(jar, epoch):
    dest = os.path.join(STAGE, "opt/git-sync")
    os.makedirs(dest, exist_ok=True)
    shutil.copy2(jar, os.path.join(dest, "git-sync.jar"))
    shutil.copy2(os.path.join(REPO, "jvm.options"), os.path.join(dest, "jvm.options"))
    # The CDS archive records the jar's mtime; the image's fixed mtimes must match it.
    os.utime(os.path.join(dest, "git-sync.jar"), (epoch, epoch))


HELPERS = os.path.join(WORK, "build-helpers")


def prepare_helpers():
    """What the in-image step needs: its script, the ELF files to check, a repo to sync."""
    if os.path.exists(HELPERS):
        shutil.rmtree(HELPERS)
    os.makedirs(HELPERS)
    shutil.copy2(os.path.join(HERE, "in-image.sh"), HELPERS)
    files = elf_files()
    with open(os.path.join(HELPERS, "elf-files.txt"), "w") as f:
        f.write("".join(p + "\n" for p in files))
    repo = os.path.join(HELPERS, "repo")
    run("git", "init", "-q", "-b", "main", repo)
    with open(os.path.join(repo, "file"), "w") as f:
        f.write("cds\n")
    run("git", "-C", repo, "add", "file")
    run("git", "-C", repo, "-c", "user.name=cds", "-c", "user.email=cds@localhost", "commit",
        "-qm", "cds")
    return len(files)


def check_and_train():
    """Runs image/in-image.sh chrooted into the image, in private namespaces with /proc and
    /dev mounted; the Dockerfile runs the same script as a RUN step instead."""
    inside = os.path.join(STAGE, "tmp/build")
    shutil.copytree(HELPERS, inside)
    script = ('mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" && '
              'exec chroot "$0" /bin/sh /tmp/build/in-image.sh')
    pre = ["unshare", "--fork", "--pid", "--mount"]
    if os.geteuid() != 0:
        pre.insert(1, "--map-root-user")
    try:
        r = subprocess.run(pre + ["sh", "-c", script, STAGE], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("build-image: the check inside the image failed:\n" + r.stdout + r.stderr)
    finally:
        shutil.rmtree(inside)


def elf_files():
    found = []
    for dirpath, _, files in os.walk(STAGE):
        for f in files:
            p = os.path.join(dirpath, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            with open(p, "rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    found.append("/" + os.path.relpath(p, STAGE))
    return sorted(found)


# ---- image tarball -------------------------------------------------------------------------

def owner(rel):
    return UID if rel == "git" else 0


def mode_of(rel, st):
    if rel == "git":
        return 0o2775
    if rel == "tmp":
        return 0o1777
    if rel == "etc/passwd":
        return 0o666  # --add-user appends to it as a non-root user
    return stat.S_IMODE(st.st_mode)


def apply_modes():
    """The image's ownership and modes on the root filesystem too (the Dockerfile copies it)."""
    for dirpath, dirnames, filenames in os.walk(STAGE):
        for n in dirnames + filenames:
            path = os.path.join(dirpath, n)
            rel = os.path.relpath(path, STAGE)
            if not os.path.islink(path):
                os.chmod(path, mode_of(rel, os.lstat(path)))
                if os.geteuid() == 0:
                    os.chown(path, owner(rel), owner(rel))


def layer(epoch):
    buf = io.BytesIO()
    links = {}
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        entries = []
        for dirpath, dirnames, filenames in os.walk(STAGE):
            for n in dirnames + filenames:
                entries.append(os.path.relpath(os.path.join(dirpath, n), STAGE))
        for rel in sorted(entries):
            path = os.path.join(STAGE, rel)
            st = os.lstat(path)
            info = tarfile.TarInfo(rel)
            info.mtime = epoch
            info.uid = info.gid = owner(rel)
            info.uname = info.gname = ""
            info.mode = mode_of(rel, st)
            if stat.S_ISLNK(st.st_mode):
                info.type = tarfile.SYMTYPE
                info.linkname = os.readlink(path)
                tar.addfile(info)
            elif stat.S_ISDIR(st.st_mode):
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif (st.st_dev, st.st_ino) in links:
                info.type = tarfile.LNKTYPE
                info.linkname = links[(st.st_dev, st.st_ino)]
                tar.addfile(info)
            else:
                links[(st.st_dev, st.st_ino)] = rel
                info.size = st.st_size
                with open(path, "rb") as f:
                    tar.addfile(info, f)
    return buf.getvalue()


def pack(layer_tar, epoch, tag):
    diff_id = hashlib.sha256(layer_tar).hexdigest()
    created = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": created,
        "config": {
            "User": "%d:%d" % (UID, UID),
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "HOME=/tmp", "GITSYNC_ROOT=/git", "LANG=C.UTF-8"],
            "Entrypoint": ["/git-sync"],
            "WorkingDir": "/tmp",
            "Labels": {"org.opencontainers.image.title": "git-sync (Java)",
                       "org.opencontainers.image.version": tag.split(":")[-1]},
        },
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_id]},
        "history": [{"created": created, "created_by": "scripts/build-image.sh"}],
    }
    config_json = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    config_name = hashlib.sha256(config_json).hexdigest() + ".json"
    manifest = json.dumps([{"Config": config_name, "RepoTags": [tag],
                            "Layers": [diff_id + "/layer.tar"]}]).encode()
    with tarfile.open(IMAGE, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in ((diff_id + "/layer.tar", layer_tar), (config_name, config_json),
                           ("manifest.json", manifest)):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), epoch, 0o644
            tar.addfile(info, io.BytesIO(data))
    return diff_id


# ---- report --------------------------------------------------------------------------------

def contents(chosen, drift, layer_tar, elf_count, tag, diff_id):
    gz = len(gzip.compress(layer_tar, compresslevel=6, mtime=0))
    sizes = {}
    files = []
    for dirpath, _, filenames in os.walk(STAGE):
        for f in filenames:
            p = os.path.join(dirpath, f)
            rel = "/" + os.path.relpath(p, STAGE)
            size = 0 if os.path.islink(p) else os.lstat(p).st_size
            files.append((rel, size))
            part = "/".join(rel.split("/")[:3]) if rel.startswith(("/opt/", "/usr/")) else \
                "/".join(rel.split("/")[:2])
            sizes[part] = sizes.get(part, 0) + size
    mb = lambda n: "%.1f MB" % (n / 1e6)
    lines = ["# git-sync image " + tag, "",
             "image id (layer diff id): sha256:" + diff_id,
             "uncompressed layer: " + mb(len(layer_tar)),
             "gzip -6 layer (what a registry stores): " + mb(gz),
             "ELF files checked, every shared library found: %d" % elf_count, "",
             "## Size by directory", ""]
    lines += ["%10s  %s" % (mb(v), k) for k, v in sorted(sizes.items(), key=lambda kv: -kv[1])]
    lines += ["", "## Debian packages (files taken from them; see image/build.py)", ""]
    lines += ["%s %s" % kv for kv in sorted(chosen.items())]
    if drift:
        lines += ["", "## Versions that differ from image/packages.lock", ""] + drift
    lines += ["", "## Files", ""]
    lines += ["%10d  %s" % (s, f) for f, s in sorted(files)]
    with open(os.path.join(WORK, "contents.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return len(layer_tar), gz


def default_jdk():
    home = os.environ.get("JAVA_HOME", "")
    if home and os.path.isdir(os.path.join(home, "jmods")):
        return home
    return "/usr/lib/jvm/java-17-openjdk-amd64"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jar", default=os.path.join(TARGET, "git-sync.jar"))
    ap.add_argument("--jdk", default=default_jdk(),
                    help="the JDK whose jlink and jmods make the runtime (default: $JAVA_HOME"
                         " if it has jmods, else Debian's OpenJDK 17)")
    ap.add_argument("--tag", default="localhost/git-sync-java:dev")
    ap.add_argument("--refresh-lock", action="store_true",
                    help="pin the versions apt offers now in image/packages.lock")
    ap.add_argument("--allow-lock-drift", action="store_true",
                    help="use apt's version where a locked one is gone (listed in contents.txt)")
    ap.add_argument("--rootfs-only", action="store_true",
                    help="stop before the in-image check (the Dockerfile runs it as a RUN step)")
    args = ap.parse_args()
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or
                out("git", "-C", REPO, "log", "-1", "--format=%ct").strip())
    lock = {}
    if os.path.exists(LOCK) and not args.refresh_lock:
        with open(LOCK) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    name, version = line.split()
                    lock[name] = version
    os.makedirs(WORK, exist_ok=True)
    log("resolving packages")
    chosen, drift = resolve(lock, args.allow_lock_drift)
    for d in drift:
        log("WARNING: locked version unavailable, using apt's: " + d)
    if args.refresh_lock:
        with open(LOCK, "w") as f:
            f.write("# Debian packages the image is assembled from (name version); refresh with"
                    " scripts/build-image.sh --refresh-lock\n")
            f.writelines("%s %s\n" % kv for kv in sorted(chosen.items()))
    log("downloading %d packages" % len(chosen))
    debs = download(chosen)
    log("assembling the root filesystem")
    extract(debs)
    system_files()
    log("linking the Java runtime (%s)" % ",".join(MODULES))
    jlink(args.jdk)
    app(args.jar, epoch)
    dedupe()
    elf_count = prepare_helpers()
    apply_modes()
    if args.rootfs_only:
        log("done: %s and %s" % (STAGE, HELPERS))
        return
    log("checking the shared libraries of %d ELF files and training the CDS archive inside"
        " the image" % elf_count)
    check_and_train()
    log("packing " + IMAGE)
    layer_tar = layer(epoch)
    diff_id = pack(layer_tar, epoch, args.tag)
    raw, gz = contents(chosen, drift, layer_tar, elf_count, args.tag, diff_id)
    log("done: %s (%.1f MB, %.1f MB gzipped); contents in %s" %
        (IMAGE, raw / 1e6, gz / 1e6, os.path.join(WORK, "contents.txt")))


if __name__ == "__main__":
    main()
