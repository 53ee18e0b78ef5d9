#!/usr/bin/env python3
"""Fills a Kubernetes API (the hke-sim simulator) with Helm release records, for timing
`hke list` against `helm list` on many releases.

    scripts/populate-releases.py URL NAMESPACE RELEASES REVISIONS

Writes RELEASES x REVISIONS Secrets shaped as Helm 3 writes them (JSON -> gzip -> base64
in data.release, type helm.sh/release.v1, owner/name/status/version labels); the last
revision of each release is deployed, earlier ones superseded.
"""
import base64, gzip, json, sys, urllib.request

url, ns, n_rel, n_rev = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
manifest = "---\n# Source: app/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n" + "".join(f"  k{i}: value-{i}\n" for i in range(60))
for r in range(n_rel):
    name = f"rel-{r:04d}"
    for v in range(1, n_rev + 1):
        status = "deployed" if v == n_rev else "superseded"
        rec = {"name": name, "info": {"first_deployed": "2026-11-22T10:00:00Z", "last_deployed": f"2026-11-22T10:{v:02d}:00Z",
               "deleted": "", "description": "Upgrade complete", "status": status},
               "chart": {"metadata": {"name": "app", "version": "1.0.0", "apiVersion": "v2", "appVersion": "2.0"}, "lock": None,
                         "templates": [], "values": {"replicas": 1}, "schema": None, "files": []},
               "manifest": manifest, "version": v, "namespace": ns}
        enc = base64.b64encode(gzip.compress(json.dumps(rec).encode(), 9))
        obj = {"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
               "metadata": {"name": f"sh.helm.release.v1.{name}.v{v}",
                            "labels": {"name": name, "owner": "helm", "status": status, "version": str(v), "createdAt": "1763805600"}},
               "data": {"release": base64.b64encode(enc).decode()}}
        req = urllib.request.Request(f"{url}/api/v1/namespaces/{ns}/secrets", data=json.dumps(obj).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        urllib.request.urlopen(req).read()
print(f"wrote {n_rel * n_rev} records")
