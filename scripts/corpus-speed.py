#!/usr/bin/env python3
"""Whole-process speed of `hke template` against `helm template` (helm 3.17) on the corpus.

For every case of ../shared/corpus/manifest.json, runs the case's command with each binary
in turn (A B A B ...), RUNS times after one warm-up each, and takes the median CPU time
(user + sys, from the kernel's accounting of the finished child) and peak RSS. Prints the
per-case ratio helm/hke, the median ratio over the corpus, the three charts helm is
slowest on, and the peak RSS of both on the largest chart.

    scripts/corpus-speed.py [--runs 3] [--hke target/release/hke] [--helm PATH] [--filter S]

The helm binary defaults to hke-testkit's cache (~/.cache/hke-tools/bin/helm3), installed
by ../shared/tools/get-helm.sh.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(argv, cwd):
    """(cpu seconds, peak RSS KiB, exit code) of one run of argv."""
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen(argv, cwd=cwd, stdout=null, stderr=null)
        _, status, ru = os.wait4(p.pid, 0)
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--hke", default=os.path.join(ROOT, "target/release/hke"))
    ap.add_argument("--helm", default=os.path.expanduser("~/.cache/hke-tools/bin/helm3"))
    ap.add_argument("--filter", default="")
    ap.add_argument("--shared", default=os.environ.get("HKE_SHARED_DIR", os.path.join(ROOT, "..", "shared")))
    a = ap.parse_args()
    corpus = os.path.join(a.shared, "corpus")
    manifest = json.load(open(os.path.join(corpus, "manifest.json")))
    rows = []
    for case in manifest["cases"]:
        if a.filter not in case["case"]:
            continue
        argv = shlex.split(case["cmd"])[1:]
        cwd = os.path.join(corpus, case.get("cwd", "."))
        cmds = {"hke": [a.hke] + argv, "helm": [a.helm] + argv}
        samples = {"hke": [], "helm": []}
        for i in range(a.runs + 1):
            for name in ("hke", "helm"):
                cpu, rss, _ = run(cmds[name], cwd)
                if i > 0:
                    samples[name].append((cpu, rss))
        med = {n: statistics.median(c for c, _ in s) for n, s in samples.items()}
        rss = {n: max(r for _, r in s) for n, s in samples.items()}
        ratio = med["helm"] / max(med["hke"], 1e-4)
        rows.append((case["case"], med["hke"], med["helm"], ratio, rss["hke"], rss["helm"], case.get("stdout_bytes") or 0))
        print(f"{case['case']:60s} hke {med['hke']:7.3f}s helm {med['helm']:7.3f}s  helm/hke {ratio:6.1f}x", flush=True)
    if not rows:
        sys.exit("no case matched")
    print()
    print(f"cases: {len(rows)}; median helm/hke CPU ratio: {statistics.median(r[3] for r in rows):.1f}x; "
          f"total CPU hke {sum(r[1] for r in rows):.1f}s, helm {sum(r[2] for r in rows):.1f}s")
    print("three slowest for helm:")
    for r in sorted(rows, key=lambda r: -r[2])[:3]:
        print(f"  {r[0]:58s} hke {r[1]:.3f}s helm {r[2]:.3f}s helm/hke {r[3]:.1f}x")
    big = max(rows, key=lambda r: r[6])
    print(f"largest output ({big[0]}, {big[6]} bytes): peak RSS hke {big[4]/1024:.1f} MiB, helm {big[5]/1024:.1f} MiB")


if __name__ == "__main__":
    main()
