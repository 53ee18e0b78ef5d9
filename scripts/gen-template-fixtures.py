#!/usr/bin/env python3
"""Generates the expected outputs of the template conformance cases with the real helm 3.

Input:  hke-core/tests/fixtures/template/cases/<area>.json
        {"cases": [{"id": "...", "template": "...", "values": "optional yaml",
                    "flags": ["optional", "helm", "flags"]}]}
Output: hke-core/tests/fixtures/template/expected/<area>.json
        [{"id": "...", "out": "..."} | {"id": "...", "error": "..."}]

Harness (helm-engine.md section 12): a one-file chart c/0.1.0 (appVersion "1.0") whose
templates/t.yaml is the template wrapped in `<<` ... `>>`, rendered with
`helm template r DIR --debug FLAGS`; `out` is the text between the first `<<` and the last
`>>` of stdout, `error` the first `Error: ` line of stderr (without the prefix).

Usage: scripts/gen-template-fixtures.py [AREA ...]   (default: every case file)
Environment: HELM3 (default /root/.cache/hke-tools/bin/helm3), JOBS (default 4).
"""
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE = os.path.join(ROOT, "hke-core", "tests", "fixtures", "template")
HELM = os.environ.get("HELM3", "/root/.cache/hke-tools/bin/helm3")
CHART_YAML = 'apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: "1.0"\n'


def run_case(case):
    with tempfile.TemporaryDirectory() as tmp:
        chart = os.path.join(tmp, "c")
        os.makedirs(os.path.join(chart, "templates"))
        with open(os.path.join(chart, "Chart.yaml"), "w") as f:
            f.write(CHART_YAML)
        with open(os.path.join(chart, "values.yaml"), "w") as f:
            f.write(case.get("values", ""))
        with open(os.path.join(chart, "templates", "t.yaml"), "w") as f:
            f.write("<<" + case["template"] + ">>")
        cmd = [HELM, "template", "r", chart, "--debug"] + case.get("flags", [])
        env = dict(os.environ, HELM_CACHE_HOME=tmp, HELM_CONFIG_HOME=tmp, HELM_DATA_HOME=tmp)
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, cwd=tmp)
    # With --debug helm prints the rendered file even when it is not valid YAML (the
    # YAML error then follows on stderr); template errors print nothing.
    start = p.stdout.find("<<")
    end = p.stdout.rfind(">>")
    if start >= 0 and end >= start + 2:
        return {"id": case["id"], "out": p.stdout[start + 2:end]}
    for line in p.stderr.splitlines():
        if line.startswith("Error: "):
            return {"id": case["id"], "error": line[len("Error: "):]}
    return {"id": case["id"], "error": "harness: no markers in stdout and no Error line"}


def main():
    areas = sys.argv[1:] or sorted(
        f[:-5] for f in os.listdir(os.path.join(BASE, "cases")) if f.endswith(".json"))
    jobs = int(os.environ.get("JOBS", "4"))
    for area in areas:
        with open(os.path.join(BASE, "cases", area + ".json")) as f:
            cases = json.load(f)["cases"]
        ids = [c["id"] for c in cases]
        if len(ids) != len(set(ids)):
            sys.exit(f"{area}: duplicate case ids")
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            results = list(pool.map(run_case, cases))
        with open(os.path.join(BASE, "expected", area + ".json"), "w") as f:
            json.dump(results, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"{area}: {len(results)} cases, {sum('error' in r for r in results)} errors")


if __name__ == "__main__":
    main()
