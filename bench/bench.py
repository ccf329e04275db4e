#!/usr/bin/env python3
"""bench.py [--runs N] [--sizes 10000,100000,1000000] [--only NAME,...]

Times, in one invocation and on the same machine state, the floor any
tool reading these archives has -- `git cat-file --batch` reading every
message blob of the archive, one epoch after another, single-threaded --
and patchdigest making the full digest of the same archive.  Each is run
N times, alternating, in rounds that run every archive once, so that
the machine's state over the minutes of an invocation (a virtual
machine's neighbours) falls on every archive alike; the report gives
the medians, their ratio (patchdigest / cat-file: under 1.0 is faster
than reading with git), messages per second, patchdigest's CPU time
(user and system, all threads) per message, and its peak RSS.  Then
how far apart the synthetic sizes' rates are (issue 16: linear), and
what a run costs that reads nothing (`patchdigest --version`).

Archives: ../shared/corpus/kvmarm and kvm-ppc when present, and synthetic
archives of the given sizes made by gen-archive.py (cached in
bench/archives/, or $BENCH_ARCHIVES, keyed by size and seed).  Also times a one-week digest
of kvmarm (--since/--until).  Prints a Markdown table.

--cold empties the page cache before every timed run (sync, then
/proc/sys/vm/drop_caches: root only), so that each reads the archive
from the disk, as the first digest of a large archive does."""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PD = os.environ.get("PATCHDIGEST", os.path.join(TOP, "build", "patchdigest"))
SHARED = os.environ.get("PD_SHARED", os.path.join(TOP, "..", "shared"))
ARCHIVES = os.environ.get("BENCH_ARCHIVES", os.path.join(HERE, "archives"))

ap = argparse.ArgumentParser()
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--sizes", default="10000,100000,1000000")
ap.add_argument("--only", default="")
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--baseline", default="", help="another patchdigest binary, timed in the same rounds")
ap.add_argument("--cold", action="store_true",
                help="empty the page cache before every timed run (root only)")
args = ap.parse_args()
if args.cold and not os.access("/proc/sys/vm/drop_caches", os.W_OK):
    sys.exit("bench.py: --cold empties the page cache through /proc/sys/vm/drop_caches, "
             "which only root may write")


def epochs(archive):
    g = os.path.join(archive, "git")
    names = sorted((n for n in os.listdir(g) if n.endswith(".git") and n[:-4].isdigit()),
                   key=lambda n: int(n[:-4]))
    return [os.path.join(g, n) for n in names]


def blob_list(epoch, cache):
    """The message blob of every commit, oldest first (git log --raw)."""
    if os.path.exists(cache):
        return cache
    out = subprocess.run(["git", "--git-dir=" + epoch, "log", "--reverse", "--raw",
                          "--no-abbrev", "--format=", "--no-renames"],
                         check=True, capture_output=True).stdout
    # ":000000 100644 0000... BLOB A\tm"; a deletion ("D") has no blob to read
    ids = [line.split()[3] for line in out.decode().splitlines()
           if line.startswith(":") and line.endswith("\tm") and line.split()[4].startswith(("A", "M"))]
    with open(cache, "w") as f:
        f.write("\n".join(ids) + "\n")
    return cache


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_timed(argv, stdin=None):
    """Wall seconds, exit code and CPU seconds (from a cold page cache
    with --cold)."""
    if args.cold:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
    c0, t0 = children_cpu(), time.perf_counter()
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as i, open(os.devnull, "wb") as o:
        rc = subprocess.run(argv, stdin=i, stdout=o, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - t0, rc, children_cpu() - c0


def peak_rss_mb(argv):
    """Runs argv under /usr/bin/time for its own peak RSS."""
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    return int(r.stderr.decode().strip().splitlines()[-1]) / 1024


def catfile_argv(archive, workdir):
    lists = [(e, blob_list(e, os.path.join(workdir, "blobs-%d" % i))) for i, e in enumerate(epochs(archive))]
    script = " ; ".join("git --git-dir=%s cat-file --batch < %s > /dev/null" % (e, l) for e, l in lists)
    return ["sh", "-c", script], sum(1 for e, l in lists for _ in open(l))


class Bench:
    """One archive's runs: cat-file, patchdigest and the baseline's."""

    def __init__(self, name, archive, synthetic=False):
        work = os.path.join(ARCHIVES, ".lists", name)
        os.makedirs(work, exist_ok=True)
        self.name, self.synthetic = name, synthetic
        self.cat_argv, self.n = catfile_argv(archive, work)
        self.pd_argv = [PD, archive]
        self.base_argv = [args.baseline, archive] if args.baseline else None
        self.cat_t, self.pd_t, self.pd_cpu, self.base_t = [], [], [], []

    def run_digest(self, argv):
        """Wall and CPU seconds of one digest; a crash ends the benchmark."""
        w, rc, cpu = run_timed(argv)
        if rc not in (0, 1):
            sys.exit("%s: %s exited %d" % (self.name, argv[0], rc))
        return w, cpu

    def run_once(self):
        self.cat_t.append(run_timed(self.cat_argv)[0])
        w, cpu = self.run_digest(self.pd_argv)
        self.pd_t.append(w)
        self.pd_cpu.append(cpu)
        if self.base_argv:
            self.base_t.append(self.run_digest(self.base_argv)[0])

    def rate(self):
        return self.n / statistics.median(self.pd_t)

    def cpu_us(self):
        return statistics.median(self.pd_cpu) / self.n * 1e6

    def row(self):
        c, p = statistics.median(self.cat_t), statistics.median(self.pd_t)
        row = "| %s | %d | %.2f | %.2f | **%.2fx** | %.0f | %.1f | %.0f |" % (
            self.name, self.n, c, p, p / c, self.rate(), self.cpu_us(), peak_rss_mb(self.pd_argv))
        if self.base_argv:
            b = statistics.median(self.base_t)
            row += " %.2f | %.2fx | %.0f |" % (b, b / c, peak_rss_mb(self.base_argv))
        return row


def synthetic(size):
    path = os.path.join(ARCHIVES, "synthetic-%d-seed%d" % (size, args.seed))
    if not os.path.isdir(path):
        epoch = 40000 if size <= 100000 else 100000
        subprocess.run([sys.executable, os.path.join(HERE, "gen-archive.py"), "--messages", str(size),
                        "--seed", str(args.seed), "--epoch-messages", str(epoch), path + ".tmp"],
                       check=True)
        os.rename(path + ".tmp", path)
    return path


def synthetic_name(size):
    return "synthetic-%dk" % (size // 1000) if size % 1000 == 0 else "synthetic-%d" % size


def main():
    only = set(filter(None, args.only.split(",")))
    want = lambda n: not only or n in only
    print("machine: %d cores; %d runs each, in rounds, medians%s; patchdigest %s" % (
        os.cpu_count(), args.runs, ", each from a cold page cache" if args.cold else "",
        subprocess.run([PD, "--version"], capture_output=True, text=True).stdout.strip()))
    print()
    head = "| archive | messages | cat-file s | patchdigest s | ratio | msgs/s | CPU us/msg | peak RSS MB |"
    rule = "|---|---:|---:|---:|---:|---:|---:|---:|"
    if args.baseline:
        head += " baseline s | baseline ratio | baseline RSS MB |"
        rule += "---:|---:|---:|"
    benches, skipped = [], []
    for name in ("kvmarm", "kvm-ppc"):
        path = os.path.join(SHARED, "corpus", name)
        if want(name):
            if os.path.isdir(path):
                benches.append(Bench(name, path))
            else:
                skipped.append("| %s | skipped: %s is not here | | | | | | |" % (name, path))
    for size in (int(s) for s in args.sizes.split(",") if s):
        name = synthetic_name(size)
        if want(name):
            benches.append(Bench(name, synthetic(size), synthetic=True))
    # every archive once a round: a slow minute of the machine falls on
    # all of them, not on whichever was being timed then
    for i in range(args.runs):
        print("round %d of %d" % (i + 1, args.runs), file=sys.stderr, flush=True)
        for b in benches:
            b.run_once()
    print(head)
    print(rule)
    for line in skipped:
        print(line)
    for b in benches:
        print(b.row(), flush=True)
    syn = [b for b in benches if b.synthetic]
    if len(syn) > 1:
        rates, cpus = [b.rate() for b in syn], [b.cpu_us() for b in syn]
        print()
        print("linear: msgs/s of the synthetic archives %.0f to %.0f, spread %.1f%%; "
              "CPU per message %.1f to %.1f us" % (min(rates), max(rates),
                                                   100 * (1 - min(rates) / max(rates)),
                                                   min(cpus), max(cpus)))
    if benches:
        print()
        starts = [run_timed([PD, "--version"])[0] for _ in range(max(args.runs, 20))]
        print("start and exit alone (patchdigest --version): median %.1f ms"
              % (1000 * statistics.median(starts)))
    path = os.path.join(SHARED, "corpus", "kvmarm")
    if want("kvmarm-week") and os.path.isdir(path):
        for binary in filter(None, (PD, args.baseline)):
            argv = [binary, "--since", "2022-06-06", "--until", "2022-06-13", path]
            times = [run_timed(argv)[0] for _ in range(args.runs)]
            print()
            print("one-week digest of kvmarm (--since 2022-06-06 --until 2022-06-13) by %s: "
                  "median %.3f s, peak RSS %.0f MB" % (binary, statistics.median(times),
                                                       peak_rss_mb(argv)))


main()
