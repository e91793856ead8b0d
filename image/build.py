#!/usr/bin/env python3
"""Builds the git-sync (Java) container image without a Docker daemon.

The root filesystem is assembled from pinned Debian packages (apt-get download + dpkg-deb -x),
keeping only the files the program uses, plus a jlink'ed Java runtime and the jar. It is then
checked (every ELF file's shared libraries resolve inside the image), a class-data-sharing
archive is trained by running a real sync inside it (chroot), and it is packed as a
docker-archive tarball that `podman load` and `docker load` read:

    target/git-sync-image-ARCH.tar       the image for one architecture (amd64, arm64, ppc64el,
                                         s390x)
    target/git-sync-image.tar            the same, for the default architecture (the host's)
    target/git-sync-image.oci.tar        --all: an OCI image index of every architecture
    target/image/ARCH/contents.txt       what the image holds, with sizes
    target/image/ARCH/rootfs/            the root filesystem it was packed from

Run it through scripts/build-image.sh. Needs root (or unprivileged user namespaces) for the
chroot, apt-get, dpkg-deb, ldconfig and binutils for the target (binutils-aarch64-linux-gnu for
arm64, and so on). The Java runtime is jlink'ed from Debian's OpenJDK packages for the target, pinned in
image/packages.lock, by a jlink of exactly the same build for the host. The check and the training
run image/in-image.sh inside the image: for another architecture under qemu-user emulation
(qemu-user-static, registered with binfmt_misc).

Design note: packages for another architecture come from a private apt state under
target/image/apt-ARCH (the host's sources and keys, its own package lists and an empty dpkg
database), so the build never adds an architecture to the host or touches its package state.
"""

import argparse
import datetime
import functools
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
IMAGES = os.path.join(TARGET, "image")
LOCK = os.path.join(HERE, "packages.lock")
DEBS = os.path.join(IMAGES, "debs")
# Set for the architecture being built by use_arch(): its work directory, root filesystem, helpers
# and tarball.
ARCH = WORK = STAGE = HELPERS = IMAGE = None

# Architectures the image is built for, by Debian's name: its GNU triplet (library directory and
# binutils prefix), dynamic loader, qemu-user name, OCI platform and (when big) byte order. Another
# needs only an entry here if Debian builds OpenJDK 17 for it and it runs under qemu-user (README,
# "32-bit arm (armhf)" says why that one is not here).
ARCHES = {
    "amd64": {"triplet": "x86_64-linux-gnu", "loader": "/lib64/ld-linux-x86-64.so.2",
              "qemu": "x86_64", "platform": {"architecture": "amd64", "os": "linux"}},
    "arm64": {"triplet": "aarch64-linux-gnu", "loader": "/lib/ld-linux-aarch64.so.1",
              "qemu": "aarch64",
              "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
    "ppc64el": {"triplet": "powerpc64le-linux-gnu", "loader": "/lib64/ld64.so.2",
                "qemu": "ppc64le", "platform": {"architecture": "ppc64le", "os": "linux"}},
    "s390x": {"triplet": "s390x-linux-gnu", "loader": "/lib/ld64.so.1",
              "qemu": "s390x", "platform": {"architecture": "s390x", "os": "linux"},
              "endian": "big"},
}
# Debian's OpenJDK: jmods (jdk-headless) and the runtime jlink itself runs on (jre-headless). Not
# in the image; pinned with its packages.
JDK_PACKAGES = ["openjdk-17-jdk-headless", "openjdk-17-jre-headless"]
BINFMT = "/proc/sys/fs/binfmt_misc"
BINFMT_CONF = "/usr/lib/binfmt.d"


def use_arch(arch):
    global ARCH, WORK, STAGE, HELPERS, IMAGE
    ARCH = arch
    WORK = os.path.join(IMAGES, arch)
    STAGE = os.path.join(WORK, "rootfs")
    HELPERS = os.path.join(WORK, "build-helpers")
    IMAGE = os.path.join(TARGET, "git-sync-image-%s.tar" % arch)


@functools.lru_cache(maxsize=None)
def host_arch():
    return out("dpkg", "--print-architecture").strip()

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

class Apt:
    """apt for one architecture: the host's own apt for the host's architecture, a private state
    under target/image/apt-ARCH for another (see the design note at the top)."""

    def __init__(self, arch):
        self.arch = arch
        self.opts = []
        if arch != host_arch():
            state = os.path.join(IMAGES, "apt-" + arch)
            for d in ("lists/partial", "cache/archives/partial"):
                os.makedirs(os.path.join(state, d), exist_ok=True)
            status = os.path.join(state, "status")
            open(status, "a").close()
            for key, value in (("APT::Architecture", arch), ("APT::Architectures", arch),
                               ("Dir::State::Lists", os.path.join(state, "lists")),
                               ("Dir::State::status", status),
                               ("Dir::Cache", os.path.join(state, "cache")),
                               ("Dir::Cache::pkgcache", ""), ("Dir::Cache::srcpkgcache", "")):
                self.opts += ["-o", "%s=%s" % (key, value)]
            log("fetching the %s package lists into %s" % (arch, state))
            r = subprocess.run(["apt-get"] + self.opts + ["update", "-q"],
                               capture_output=True, text=True)
            if r.returncode != 0:
                # As .ci/run does for the host: a third-party source that lacks this architecture
                # need not stop the build; a package apt then lacks is named when it is resolved.
                log("WARNING: apt-get update for %s reported errors:\n%s" % (arch, r.stderr))

    def show(self, specs):
        """apt-cache's records for package specs ("name" or "name=version"), by package name."""
        return show(specs, self.opts)

    def download(self, specs, cwd):
        run("apt-get", *self.opts, "download", "-q", "-o", "APT::Sandbox::User=root", *specs,
            cwd=cwd, stdout=subprocess.DEVNULL)


def show(specs, opts=()):
    r = subprocess.run(["apt-cache", *opts, "show", "--no-all-versions"] + specs,
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


def resolve(apt, roots, lock, allow_drift, closure=True):
    """Roots plus (with closure) their library closure, each at its locked version (or the
    candidate)."""
    chosen, drift, level = {}, [], list(roots)
    while level:
        specs = [n + "=" + lock[n] if n in lock else n for n in level]
        records = apt.show(specs)
        missing = [n for n in level if n not in records]
        for name in missing:
            if name in lock and not allow_drift:
                sys.exit("build-image: %s=%s (%s) is not available from apt any more; rerun with"
                         " --refresh-lock to pin the current versions"
                         % (name, lock[name], apt.arch))
        if missing:
            records.update(apt.show(missing))
        following = []
        for name in level:
            fields = records.get(name)
            if fields is None:
                sys.exit("build-image: apt knows no package " + name)
            if name in lock and lock[name] != fields["Version"]:
                drift.append("%s %s -> %s" % (name, lock[name], fields["Version"]))
            chosen[name] = fields["Version"]
            for dep in depends(fields) if closure else ():
                if (dep not in chosen and dep not in level and dep not in following
                        and dep not in LIB_EXCLUDE
                        and (dep.startswith("lib") or dep == "zlib1g")):
                    following.append(dep)
        level = following
    return chosen, drift


def download(apt, chosen):
    debs = DEBS
    os.makedirs(debs, exist_ok=True)

    def have(name, version):
        # Debian's file names: name_version_arch.deb, or _all for architecture-free packages.
        names = ["%s_%s_%s.deb" % (name, version.replace(":", "%3a"), a)
                 for a in (apt.arch, "all")]
        return [f for f in names if os.path.exists(os.path.join(debs, f))]

    need = [n + "=" + v for n, v in sorted(chosen.items()) if not have(n, v)]
    if need:
        apt.download(need, debs)
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
    if "/gconv/" in rel or rel.startswith("usr/lib/%s/audit" % ARCHES[ARCH]["triplet"]):
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


def system_files(foreign):
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
    # The host's ldconfig only reads its own architecture's libraries; for another, the target's
    # ldconfig runs inside the image (in-image.sh).
    if not foreign:
        run("ldconfig", "-r", STAGE)


def unpack_jdk(debs, arch):
    """Debian's JDK packages unpacked into target/image/jdk-ARCH-VERSION (once per version), with
    their links into /etc made to point inside it: a JAVA_HOME that needs nothing installed."""
    version = os.path.basename(debs[JDK_PACKAGES[0]]).split("_")[1]
    root = os.path.join(IMAGES, "jdk-%s-%s" % (arch, version.replace("%3a", "")))
    home = os.path.join(root, "usr/lib/jvm/java-17-openjdk-" + arch)
    if os.path.isdir(root):
        return home
    # Unpacked beside it and renamed when whole, so an interrupted build leaves no half JDK.
    part = root + ".partial"
    if os.path.exists(part):
        shutil.rmtree(part)
    for name in JDK_PACKAGES:
        run("dpkg-deb", "-x", debs[name], part)
    for dirpath, dirnames, filenames in os.walk(part):
        for n in dirnames + filenames:
            path = os.path.join(dirpath, n)
            link = os.readlink(path) if os.path.islink(path) else ""
            if link.startswith("/") and os.path.lexists(part + link):
                os.remove(path)
                os.symlink(os.path.relpath(part + link, dirpath), path)
    os.rename(part, root)
    return home


def java_version(home):
    with open(os.path.join(home, "release")) as f:
        for line in f:
            if line.startswith("JAVA_VERSION="):
                return line.split("=", 1)[1].strip().strip('"')
    return "?"


def jlink(tool_jdk, target_jdk):
    """The runtime, linked by tool_jdk's jlink (the host's architecture) from target_jdk's jmods:
    jlink needs a runtime of the same build as the modules it links."""
    if java_version(tool_jdk) != java_version(target_jdk):
        sys.exit("build-image: jlink %s (%s) cannot link the %s modules of Java %s; both must be the"
                 " same build (refresh the lock, or pass a matching --jdk)"
                 % (java_version(tool_jdk), tool_jdk, ARCH, java_version(target_jdk)))
    dest = os.path.join(STAGE, "opt/java")
    if os.path.exists(dest):
        shutil.rmtree(dest)
    # The CDS plugin warns about classes of modules left out; those classes are not wanted.
    # No default CDS archive of the JDK's choice of classes: in-image.sh makes one archive of the
    # classes git-sync loads (11.4 MB smaller, and it starts faster). Native symbols are stripped
    # below with the target's binutils (jlink's own stripping runs the host's objcopy, which does
    # not read another architecture's files).
    r = subprocess.run([os.path.join(tool_jdk, "bin/jlink"),
                        "--module-path", os.path.join(target_jdk, "jmods"),
                        "--add-modules", ",".join(MODULES),
                        "--strip-java-debug-attributes", "--no-header-files", "--no-man-pages",
                        # The runtime image (lib/modules) in the target's byte order.
                        "--endian", ARCHES[ARCH].get("endian", "little"),
                        "--output", dest],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("build-image: jlink failed:\n" + r.stdout + r.stderr)
    # Debian's JDK libraries keep their symbol tables (libjvm.so: 4 MB, 1.3 MB gzipped); only a
    # crash report's native frames would miss them.
    strip = ARCHES[ARCH]["triplet"] + "-strip"
    if shutil.which(strip) is None:
        sys.exit("build-image: %s is missing; install Debian's binutils-%s"
                 % (strip, ARCHES[ARCH]["triplet"].replace("_", "-")))
    for dirpath, _, files in os.walk(dest):
        for f in files:
            path = os.path.join(dirpath, f)
            if (f.endswith(".so") or dirpath.endswith("/bin")) and not os.path.islink(path):
                with open(path, "rb") as fh:
                    if fh.read(4) == b"\x7fELF":
                        run(strip, "--strip-unneeded", path)
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


def prepare_helpers(ldconfig):
    """What the in-image step needs: its script, the architecture's loader, the ELF files to
    check, a repo to sync, and (for another architecture) that architecture's ldconfig."""
    if os.path.exists(HELPERS):
        shutil.rmtree(HELPERS)
    os.makedirs(HELPERS)
    shutil.copy2(os.path.join(HERE, "in-image.sh"), HELPERS)
    with open(os.path.join(HELPERS, "loader"), "w") as f:
        f.write(ARCHES[ARCH]["loader"] + "\n")
    if ldconfig:
        shutil.copy2(ldconfig, os.path.join(HELPERS, "ldconfig"))
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


def ensure_binfmt(arch):
    """The kernel runs another architecture's programs through qemu-user when binfmt_misc has an
    entry for it with the F flag (the interpreter opened once, so a chroot need not hold it).
    Registers Debian's entry when it is installed but not registered (no systemd-binfmt here)."""
    name = "qemu-" + ARCHES[arch]["qemu"]
    entry = os.path.join(BINFMT, name)
    conf = os.path.join(BINFMT_CONF, name + ".conf")
    if not os.path.exists(entry):
        if not os.path.exists(conf):
            sys.exit("build-image: running %s programs (the check and the CDS training inside"
                     " the image) on this %s machine needs qemu-user emulation: install Debian's"
                     " qemu-user-static (apt-get install qemu-user-static)" % (arch, host_arch()))
        if not os.path.exists(os.path.join(BINFMT, "register")):
            subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", BINFMT],
                           capture_output=True)
        try:
            with open(conf) as f, open(os.path.join(BINFMT, "register"), "w") as reg:
                reg.write(f.read().strip())
            log("registered %s with binfmt_misc (%s)" % (name, conf))
        except OSError as e:
            sys.exit("build-image: qemu-user-static is installed but %s is not registered with"
                     " binfmt_misc, and registering it failed (%s); as root: mount -t binfmt_misc"
                     " binfmt_misc %s && cat %s > %s/register"
                     % (name, e.strerror, BINFMT, conf, BINFMT))
    with open(entry) as f:
        lines = f.read().splitlines()
    if "enabled" not in lines:
        sys.exit("build-image: %s is disabled in binfmt_misc; echo 1 > %s" % (name, entry))
    flags = next((l.split(":", 1)[1] for l in lines if l.startswith("flags:")), "")
    if "F" not in flags:
        sys.exit("build-image: %s is registered without binfmt_misc's F flag, so programs in the"
                 " image's chroot cannot find the emulator; register Debian's %s instead"
                 % (name, conf))


def check_and_train():
    """Runs image/in-image.sh chrooted into the image, in private namespaces with /proc and
    /dev mounted; the Dockerfile runs the same script as a RUN step instead."""
    if ARCH != host_arch():
        ensure_binfmt(ARCH)
    inside = os.path.join(STAGE, "tmp/build")
    shutil.copytree(HELPERS, inside)
    script = ('mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" && '
              'exec chroot "$0" /bin/sh /tmp/build/in-image.sh')
    # --kill-child: when the timeout below kills unshare, everything in the namespace dies too.
    pre = ["unshare", "--fork", "--kill-child", "--pid", "--mount"]
    if os.geteuid() != 0:
        pre.insert(1, "--map-root-user")
    try:
        # Seconds natively, tens of seconds under emulation (README); an emulator that hangs must
        # not hang the build.
        r = subprocess.run(pre + ["sh", "-c", script, STAGE], capture_output=True, text=True,
                           timeout=1800)
        if r.returncode != 0:
            sys.exit("build-image: the check inside the image failed:\n" + r.stdout + r.stderr)
    except subprocess.TimeoutExpired:
        sys.exit("build-image: the check inside the %s image did not finish in 30 minutes" % ARCH)
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


def pack(layer_tar, epoch, tag, version):
    """Writes the docker-archive tarball; returns the layer's diff id and the image config."""
    diff_id = hashlib.sha256(layer_tar).hexdigest()
    created = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    config = dict(ARCHES[ARCH]["platform"])
    config.update({
        "created": created,
        "config": {
            "User": "%d:%d" % (UID, UID),
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "HOME=/tmp", "GITSYNC_ROOT=/git", "LANG=C.UTF-8"],
            "Entrypoint": ["/git-sync"],
            "WorkingDir": "/tmp",
            "Labels": {"org.opencontainers.image.title": "git-sync (Java)",
                       "org.opencontainers.image.version": version},
        },
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_id]},
        "history": [{"created": created, "created_by": "scripts/build-image.sh"}],
    })
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
    return diff_id, config_json


OCI_INDEX = os.path.join(TARGET, "git-sync-image.oci.tar")


def oci_index(images, epoch, version):
    """Writes an oci-archive (an OCI image layout in a tarball) whose index.json names one image
    index, tagged with the version, listing each architecture's manifest with its platform; the
    layers are gzipped as a registry stores them. `skopeo copy --all oci-archive:FILE
    docker://...` pushes it as one multi-platform tag. images: [(arch, layer_gz, config_json)]."""
    blobs = {}

    def blob(data, media_type, **extra):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        return dict({"mediaType": media_type, "digest": digest, "size": len(data)}, **extra)

    def js(obj):
        return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()

    manifests = []
    for arch, layer_gz, config_json in images:
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": blob(config_json, "application/vnd.oci.image.config.v1+json"),
            "layers": [blob(layer_gz, "application/vnd.oci.image.layer.v1.tar+gzip")],
        }
        manifests.append(blob(js(manifest), manifest["mediaType"],
                              platform=ARCHES[arch]["platform"]))
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": manifests}
    top = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
           "manifests": [blob(js(index), index["mediaType"],
                              annotations={"org.opencontainers.image.ref.name": version})]}
    files = [("oci-layout", js({"imageLayoutVersion": "1.0.0"})), ("index.json", js(top))]
    files += [("blobs/sha256/" + d.split(":")[1], data) for d, data in sorted(blobs.items())]
    with tarfile.open(OCI_INDEX, "w", format=tarfile.PAX_FORMAT) as tar:
        for d in ("blobs", "blobs/sha256"):
            info = tarfile.TarInfo(d)
            info.type, info.mtime, info.mode = tarfile.DIRTYPE, epoch, 0o755
            tar.addfile(info)
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), epoch, 0o644
            tar.addfile(info, io.BytesIO(data))


# ---- report --------------------------------------------------------------------------------

def contents(chosen, drift, layer_tar, gz, elf_count, tag, diff_id, jdk_line):
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
             "architecture: " + ARCH,
             jdk_line,
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


def read_lock():
    """image/packages.lock: "ARCH NAME VERSION" lines, by architecture then package."""
    lock = {}
    if os.path.exists(LOCK):
        with open(LOCK) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    arch, name, version = line.split()
                    lock.setdefault(arch, {})[name] = version
    return lock


def write_lock(lock):
    with open(LOCK, "w") as f:
        f.write("# Debian packages each architecture's image is assembled from, and the OpenJDK it"
                " is linked from (openjdk-*, libc-bin: build only), as ARCH NAME VERSION;\n"
                "# refresh with scripts/build-image.sh --refresh-lock [--arch=ARCH | --all]\n")
        for arch in sorted(lock):
            f.writelines("%s %s %s\n" % (arch, n, v) for n, v in sorted(lock[arch].items()))


def host_jdk(version):
    """The host architecture's JDK at exactly `version`, whose jlink links another
    architecture's runtime."""
    apt = Apt(host_arch())
    if JDK_PACKAGES[0] not in apt.show([JDK_PACKAGES[0] + "=" + version]):
        sys.exit("build-image: jlink must be the same build as the %s modules (%s), and apt has"
                 " no %s %s for this %s machine; refresh the lock or pass --jdk"
                 % (ARCH, version, JDK_PACKAGES[0], version, host_arch()))
    return unpack_jdk(download(apt, {n: version for n in JDK_PACKAGES}), apt.arch)


def build(arch, args, lock, epoch, default_arch):
    """Builds one architecture's image; returns what the OCI index needs."""
    use_arch(arch)
    foreign = arch != host_arch()
    os.makedirs(WORK, exist_ok=True)
    apt = Apt(arch)
    pinned = {} if args.refresh_lock else lock.get(arch, {})
    log("resolving the %s packages" % arch)
    chosen, drift = resolve(apt, ROOTS, pinned, args.allow_lock_drift)
    # libc-bin's ldconfig (static) writes another architecture's loader cache, run inside.
    tools, tools_drift = resolve(apt, JDK_PACKAGES + (["libc-bin"] if foreign else []), pinned,
                                 args.allow_lock_drift, closure=False)
    drift += tools_drift
    for d in drift:
        log("WARNING: locked version unavailable, using apt's: " + d)
    if args.refresh_lock:
        lock[arch] = dict(chosen, **tools)
        write_lock(lock)
    log("downloading %d packages" % (len(chosen) + len(tools)))
    debs = download(apt, chosen)
    tool_debs = download(apt, tools)
    log("assembling the root filesystem")
    extract(debs)
    system_files(foreign)
    if args.jdk and not foreign:
        target_jdk = tool_jdk = args.jdk
    else:
        target_jdk = unpack_jdk(tool_debs, arch)
        tool_jdk = args.jdk or (host_jdk(tools[JDK_PACKAGES[0]])
                                if foreign else target_jdk)
    log("linking the %s Java runtime %s (%s)" % (arch, java_version(target_jdk),
                                                 ",".join(MODULES)))
    jlink(tool_jdk, target_jdk)
    app(args.jar, epoch)
    dedupe()
    ldconfig = None
    if foreign:
        unpacked = os.path.join(WORK, "unpacked", "libc-bin")
        if os.path.exists(unpacked):
            shutil.rmtree(unpacked)
        run("dpkg-deb", "-x", tool_debs["libc-bin"], unpacked)
        ldconfig = os.path.join(unpacked, "sbin/ldconfig")
    elf_count = prepare_helpers(ldconfig)
    apply_modes()
    if args.rootfs_only:
        log("done: %s and %s" % (STAGE, HELPERS))
        return None
    log("checking the shared libraries of %d ELF files and training the CDS archive inside the"
        " %s image%s" % (elf_count, arch, " under qemu-user emulation" if foreign else ""))
    started = datetime.datetime.now()
    check_and_train()
    log("the check and the training took %d s" % (datetime.datetime.now() - started).seconds)
    name, _, version = args.tag.rpartition(":")
    if not name or "/" in version:
        name, version = args.tag, "latest"
    tag = "%s:%s" % (name, version if arch == default_arch else version + "-" + arch)
    log("packing %s as %s" % (IMAGE, tag))
    layer_tar = layer(epoch)
    diff_id, config_json = pack(layer_tar, epoch, tag, version)
    if arch == default_arch:
        default_image = os.path.join(TARGET, "git-sync-image.tar")
        if os.path.exists(default_image):
            os.remove(default_image)
        os.link(IMAGE, default_image)
    jdk_line = "Java runtime: %s, jlink'ed from %s %s %s" % (
        java_version(target_jdk), arch, JDK_PACKAGES[0], tools.get(JDK_PACKAGES[0], "(--jdk)"))
    # Gzipped once: its size for the report, its bytes for the OCI index.
    layer_gz = gzip.compress(layer_tar, compresslevel=6, mtime=0)
    contents(chosen, drift, layer_tar, len(layer_gz), elf_count, tag, diff_id, jdk_line)
    log("done: %s (%.1f MB, %.1f MB gzipped); contents in %s" %
        (IMAGE, len(layer_tar) / 1e6, len(layer_gz) / 1e6, os.path.join(WORK, "contents.txt")))
    return arch, layer_gz, config_json, version


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jar", default=os.path.join(TARGET, "git-sync.jar"))
    ap.add_argument("--arch", default=None,
                    help="the architecture to build: %s (default: the host's, %s)"
                         % (", ".join(ARCHES), host_arch()))
    ap.add_argument("--all", action="store_true",
                    help="build every architecture and the OCI image index %s" % OCI_INDEX)
    ap.add_argument("--jdk", default=None,
                    help="a JDK of the host's architecture whose jlink links the runtime, and"
                         " whose jmods make it for the host's architecture (default: Debian's"
                         " OpenJDK at the locked version, downloaded)")
    ap.add_argument("--tag", default="localhost/git-sync-java:dev",
                    help="the image's name; other architectures than the default add -ARCH to"
                         " its version (default: %(default)s)")
    ap.add_argument("--refresh-lock", action="store_true",
                    help="pin the versions apt offers now in image/packages.lock")
    ap.add_argument("--allow-lock-drift", action="store_true",
                    help="use apt's version where a locked one is gone (listed in contents.txt)")
    ap.add_argument("--rootfs-only", action="store_true",
                    help="stop before the in-image check (the Dockerfile runs it as a RUN step)")
    args = ap.parse_args()
    default_arch = host_arch()
    if args.arch is not None and args.arch not in ARCHES:
        ap.error("unknown --arch=%s; supported: %s" % (args.arch, ", ".join(ARCHES)))
    if args.all and args.arch is not None:
        ap.error("--all builds every architecture; give --arch or --all, not both")
    if args.all and args.rootfs_only:
        ap.error("--rootfs-only stops before the image is packed; it needs one --arch")
    if default_arch not in ARCHES:
        default_arch = "amd64"
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or
                out("git", "-C", REPO, "log", "-1", "--format=%ct").strip())
    lock = read_lock()
    arches = list(ARCHES) if args.all else [args.arch or default_arch]
    images = [build(a, args, lock, epoch, default_arch) for a in arches]
    if args.all:
        log("writing the OCI image index " + OCI_INDEX)
        oci_index([i[:3] for i in images], epoch, images[0][3])
        log("done: %s (%s)" % (OCI_INDEX, ", ".join(arches)))


if __name__ == "__main__":
    main()
