#!/usr/bin/env python3
"""Regenerates hke-core/tests/fixtures/release/: release records written by real helm 3
and helm 4 (the Secret objects as the API stores them) and what each helm prints about
them (`status/history/get values --all -o json`, `get manifest`).

Run from the repository root after `cargo build --release -p hke-testkit` and
`../shared/tools/get-helm.sh`. Uses the bundled API simulator (target/release/hke-sim).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.expanduser("~/.cache/hke-tools/bin")
OUT = os.path.join(ROOT, "hke-core/tests/fixtures/release")
CHART = os.path.join(ROOT, "examples/demo")


def run(args, kc, check=True):
    env = dict(os.environ, KUBECONFIG=kc, HELM_DRIVER="secret")
    env.pop("HELM_NAMESPACE", None)
    p = subprocess.run(args, env=env, capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit(f"{args}: {p.stderr}")
    return p.stdout


def main():
    tmp = tempfile.mkdtemp()
    kc = os.path.join(tmp, "kubeconfig")
    sim = subprocess.Popen([os.path.join(ROOT, "target/release/hke-sim"), "--kubeconfig", kc],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(kc):
                break
            time.sleep(0.05)
        for helm in ("helm3", "helm4"):
            h = os.path.join(BIN, helm)
            ns = f"fx-{helm}"
            ns_obj = json.dumps({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
            p = subprocess.run(["kubectl", "create", "-f", "-", "--validate=false"], input=ns_obj, text=True,
                               env=dict(os.environ, KUBECONFIG=kc), capture_output=True)
            if p.returncode != 0:
                sys.exit(p.stderr)
            extra = ["--disable-openapi-validation"]
            if helm == "helm4":
                extra.append("--server-side=false")
            steps = [
                ["install", "web", CHART, "-n", ns, "--set", "replicaCount=3",
                 "--set", "config.greeting=<b>Tom & Jerry</b>", "--description", "first <install>"] + extra,
                ["upgrade", "web", CHART, "-n", ns, "--set", "replicaCount=4"] + extra[:1],
                ["rollback", "web", "1", "-n", ns],
                ["install", "gone", CHART, "-n", ns] + extra,
                ["uninstall", "gone", "-n", ns, "--keep-history"],
            ]
            for s in steps:
                run([h] + s, kc)
            secrets = json.loads(run(["kubectl", "get", "secrets", "-n", ns, "-l", "owner=helm", "-o", "json"], kc))
            outputs = {}
            for name in ("web", "gone"):
                for c in (["status", name, "-o", "json"], ["history", name, "-o", "json"],
                          ["get", "values", name, "--all", "-o", "json"], ["get", "manifest", name],
                          ["get", "metadata", name, "-o", "json"]):
                    outputs[" ".join(c)] = run([h] + c + ["-n", ns], kc, check=False)
            d = os.path.join(OUT, helm)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "secrets.json"), "w") as f:
                json.dump(secrets["items"], f, indent=1, sort_keys=True)
                f.write("\n")
            with open(os.path.join(d, "outputs.json"), "w") as f:
                json.dump(outputs, f, indent=1, sort_keys=True)
                f.write("\n")
            print(f"{helm}: {len(secrets['items'])} records, {len(outputs)} outputs")
    finally:
        sim.terminate()
        sim.wait()


if __name__ == "__main__":
    main()
