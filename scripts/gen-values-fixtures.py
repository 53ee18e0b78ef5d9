#!/usr/bin/env python3
"""Regenerates hke-cli/tests/fixtures/deps-cases.json: real helm 3.17.2's output for
`helm template r <chart> FLAGS` over the dependency-processing fixture chart (conditions,
tags, aliases, import-values, globals, null overrides). Needs get-helm.sh's helm3."""
import json, os, subprocess, sys

root = os.path.join(os.path.dirname(__file__), "..")
helm = os.environ.get("HKE_HELM3", os.path.expanduser("~/.cache/hke-tools/bin/helm3"))
chart = "hke-cli/tests/fixtures/charts/deps"
cases = {
    "default": [],
    "opt-enabled": ["--set", "opt.enabled=true"],
    "global-cond": ["--set", "global.optEnabled=true"],
    "cond-beats-tag": ["--set", "opt.enabled=true", "--set", "tags.t1=false"],
    "string-cond": ["--set-string", "opt.enabled=true"],
    "tag-false": ["--set", "tags.t1=false"],
    "tag-true": ["--set", "tags.t1=true"],
    "user-export-ignored": ["--set", "al.exports.data.exportedKey=U"],
    "user-parent-path": ["--set", "imported.deep=user"],
    "null-default": ["--set", "shared=null,child.own=null"],
    "global-override": ["--set", "global.g=cli,global.g2=cli2"],
    "type-mismatch": ["--set", "child=x"],
    "table-warning": ["--set", "shared.x=1"],
    "json-and-literal": ["--set-json", "al={\"own\":[1,2]}", "--set-literal", "child.own=a,b=c"],
}
out = {}
for name, args in cases.items():
    p = subprocess.run([helm, "template", "r", chart, *args], cwd=root, capture_output=True, text=True)
    out[name] = {"args": args, "rc": p.returncode, "stdout": p.stdout, "stderr": p.stderr}
with open(os.path.join(root, "hke-cli/tests/fixtures/deps-cases.json"), "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
print(f"{len(out)} cases")
