#!/usr/bin/env python3
"""Generate the chart-loading fixtures of hke-core from the real helm v3.17.2.

Writes, under hke-core/tests/fixtures/chart/:
  cases/<case>/...        small hand-written charts exercising Chart.yaml decoding,
                          validation, .helmignore, values.yaml, README/CRD selection
  cases.json              for every case and every `helm show` format: exit code,
                          stdout and stderr of helm3; under "package", `helm package`'s
                          exit code, stderr and sorted archive entry names
  archives/*.tgz          GNU and PAX long-name archives (Python's tarfile)
  semver.json             `semverCompare C V` and `semver V` (fields) results or error
                          texts from helm3's template engine (Masterminds/semver v3.3.0)
  show_corpus.tsv         for every chart of ../shared/corpus/charts and every subchart
                          folder below it, every `helm show` format: exit code, FNV-1a
                          64 hash and length of stdout (run twice; outputs that differ
                          between runs are marked `unstable`)

Usage: scripts/gen-chart-fixtures.py [HELM3]   (default: $HKE_HELM3 or the get-helm.sh cache)
"""
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "hke-core", "tests", "fixtures", "chart")
HELM = (sys.argv[1] if len(sys.argv) > 1 else
        os.environ.get("HKE_HELM3", os.path.expanduser("~/.cache/hke-tools/bin/helm3")))
SHARED = os.environ.get("HKE_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
FORMATS = ["chart", "values", "readme", "crds", "all"]

CY = "apiVersion: v2\nname: c\nversion: 0.1.0\n"
T = {"templates/cm.yaml": "kind: ConfigMap\n"}

# case name -> {relative path: content (str, or bytes)}
CASES = {
    "numbers": {"Chart.yaml": "apiVersion: v2\nname: off\nversion: 1.10\nappVersion: 1.10\n"
                "description: 010\nkeywords: [yes, 1.50, 0x1F, 1e3]\n"
                "annotations: {a: 1.50, b: on, c: 12345678901}\nhome: 1_000\n", **T},
    "bom": {"Chart.yaml": b"\xef\xbb\xbf" + CY.encode(), "values.yaml": b"\xef\xbb\xbfa: 1\n", **T},
    "no-apiversion": {"Chart.yaml": "name: c\nversion: 1\n", **T},
    "apiversion-v3": {"Chart.yaml": "apiVersion: v3\nname: c\nversion: v1.2\n", **T},
    "bad-version": {"Chart.yaml": "apiVersion: v2\nname: c\nversion: abc\n", **T},
    "four-part-version": {"Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.2.3.4\n", **T},
    "no-version": {"Chart.yaml": "apiVersion: v2\nname: c\n", **T},
    "no-name": {"Chart.yaml": "apiVersion: v2\nversion: 1.0.0\n", **T},
    "slash-name": {"Chart.yaml": "apiVersion: v2\nname: a/b\nversion: 1.0.0\n", **T},
    "bad-type": {"Chart.yaml": CY + "type: app\n", **T},
    "library": {"Chart.yaml": CY + "type: library\n", "templates/_h.tpl": "{{ define \"x\" }}{{ end }}\n"},
    "null-maintainer": {"Chart.yaml": CY + "maintainers:\n- name: a\n- ~\n", **T},
    "null-dependency": {"Chart.yaml": CY + "dependencies:\n- ~\n", **T},
    "bad-alias": {"Chart.yaml": CY + "dependencies:\n- name: d\n  alias: a.b\n", **T},
    "dup-alias": {"Chart.yaml": CY + "dependencies:\n- name: d\n- name: e\n  alias: d\n", **T},
    "sanitize": {"Chart.yaml": CY + "description: \"tab\\there\\u0007bell\\u00a0nbsp\\u200bzw\"\n"
                 "keywords: [\"a\\nb\"]\nmaintainers:\n- name: \"m\\tn\"\n  email: e@x\n", **T},
    "camel-keys": {"Chart.yaml": "APIVERSION: v2\nName: c\nversion: 1.0.0\nAppversion: x\nunknown: [1, 2]\n", **T},
    "deprecated-string": {"Chart.yaml": CY + "deprecated: \"yes\"\n", **T},
    "deprecated": {"Chart.yaml": CY + "deprecated: yes\n", **T},
    "chart-list": {"Chart.yaml": "- a\n- b\n", **T},
    "chart-null-key": {"Chart.yaml": CY + "annotations:\n  ~: a\n", **T},
    "chart-syntax": {"Chart.yaml": CY + "description: [\n", **T},
    "chart-tab": {"Chart.yaml": "apiVersion: v2\n\tname: c\n", **T},
    "name-list": {"Chart.yaml": "apiVersion: v2\nname: [a]\nversion: 1.0.0\n", **T},
    "keywords-number": {"Chart.yaml": CY + "keywords: 5\n", **T},
    "full-deps": {"Chart.yaml": CY + "kubeVersion: '>=1.20.0-0'\nicon: https://x/i.png\n"
                  "sources: [https://a, https://b]\ncondition: c.enabled\ntags: t\n"
                  "dependencies:\n- name: sub\n  version: ~0.1\n  repository: file://../sub\n"
                  "  condition: sub.enabled,global.sub\n  tags: [front, 1]\n  enabled: true\n"
                  "  import-values:\n  - data\n  - child: a.b\n    parent: c\n  - 1\n  alias: s1\n"
                  "- name: sub\n  alias: s2\n",
                  "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n", **T},
    "requirements-v1": {"Chart.yaml": "apiVersion: v1\nname: c\nversion: 0.1.0\n",
                        "requirements.yaml": "dependencies:\n- name: sub\n  version: 0.1.0\n  repository: ''\n",
                        "charts/sub/Chart.yaml": "apiVersion: v1\nname: sub\nversion: 0.1.0\n", **T},
    "requirements-v2": {"Chart.yaml": CY,
                        "requirements.yaml": "dependencies:\n- name: sub\n  repository: ''\n",
                        "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n", **T},
    "values-list": {"Chart.yaml": CY, "values.yaml": "- a\n", **T},
    "values-scalar": {"Chart.yaml": CY, "values.yaml": "hello\n", **T},
    "values-tab": {"Chart.yaml": CY, "values.yaml": "a:\n\tb: 1\n", **T},
    "values-inf": {"Chart.yaml": CY, "values.yaml": "a: .inf\n", **T},
    "values-empty": {"Chart.yaml": CY, "values.yaml": "", **T},
    "values-comment": {"Chart.yaml": CY, "values.yaml": "# only a comment\n", **T},
    "values-null": {"Chart.yaml": CY, "values.yaml": "~\n", **T},
    "values-multidoc": {"Chart.yaml": CY, "values.yaml": "a: 1\n---\nb: 2\n", **T},
    "values-noeol": {"Chart.yaml": CY, "values.yaml": "a: 1", **T},
    "ignore-negation": {"Chart.yaml": CY, ".helmignore": "*.txt\n!nolf.txt\n", "nolf.txt": "x", **T},
    "ignore-doublestar": {"Chart.yaml": CY, ".helmignore": "a/**/b\n", **T},
    "ignore-badpattern": {"Chart.yaml": CY, ".helmignore": "[a-\n", **T},
    "ignore-chart": {"Chart.yaml": CY, ".helmignore": "Chart.yaml\n", **T},
    "ignore-readme": {"Chart.yaml": CY, ".helmignore": "# c\n  README.md  \n/docs/\n",
                      "README.md": "ignored\n", "readme.txt": "kept readme\n", "docs/README": "no\n", **T},
    "readme-order": {"Chart.yaml": CY, "README": "plain\n", "Readme.md": "md\n", "readme.txt": "txt\n",
                     "sub/README.md": "nested\n", **T},
    "readme-none": {"Chart.yaml": CY, "docs/README.md": "nested only\n", "values.yaml": "a: 1\n", **T},
    "crds": {"Chart.yaml": CY, "crds/a.yaml": "kind: A\n", "crds/b.YML": "---\nkind: B\n",
             "crds/notes.txt": "not a crd\n", "crds/sub/c.json": "{}\n",
             "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
             "charts/sub/crds/s.yaml": "kind: S\n", "values.yaml": "a: 1\n", "README.md": "readme\n", **T},
    "crds-dashes": {"Chart.yaml": CY, "crds/a.yaml": "---\nkind: A\n", "README.md": "r\n", **T},
    "charts-junk": {"Chart.yaml": CY, "charts/README.md": "not a chart\n", **T},
    "charts-skipped": {"Chart.yaml": CY, "charts/_skip/Chart.yaml": "bad: [\n",
                       "charts/.hidden/Chart.yaml": "bad: [\n", "charts/x.prov": "sig\n", **T},
    "sub-invalid": {"Chart.yaml": CY, "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: bad\n", **T},
    "sub-missing-chart": {"Chart.yaml": CY, "charts/sub/values.yaml": "a: 1\n", **T},
    "lock-bad": {"Chart.yaml": CY, "Chart.lock": "generated: yesterday\n", **T},
    "lock-ok": {"Chart.yaml": CY, "Chart.lock": "dependencies: []\ndigest: sha256:abc\n"
                "generated: \"2024-01-02T03:04:05.123Z\"\n", **T},
    "lock-list": {"Chart.yaml": CY, "Chart.lock": "- a\n", **T},
    "exotic-scalars": {"Chart.yaml": CY + "appVersion: .inf\ndescription: -.inf\nhome: .nan\n"
                       "keywords: [.NaN, 1e40, 0o17, 0b101, 1_0, 0x_1F, 9223372036854775807]\nicon: 2001-12-14\n"
                       "annotations: {a: !!binary aGVsbG8=, b: !!float 1, c: 1:20, d: !!str 012}\n", **T},
    "duplicate-keys": {"Chart.yaml": CY + "name: d\nName: e\nNAME: f\nkeywords: [a]\nkeywords: [b]\n", **T},
    "anchors": {"Chart.yaml": "base: &b {name: c, version: 0.1.0}\n<<: *b\napiVersion: v2\nhome: &h x\nicon: *h\n", **T},
    "ignore-rules": {"Chart.yaml": CY, ".helmignore": "conf/\nsub/\n/other.yaml\nlogs/*.txt\n*.bak\n"
                     "?.tmp\n[ab].cfg\n\\#literal\nnested/deep/\n# comment\n",
                     "conf/a.yaml": "x", "x/conf/b.yaml": "x", "conf.yaml": "x", "sub/s.txt": "x",
                     "a/sub/s.txt": "x", "other.yaml": "x", "x/other.yaml": "x", "logs/a.txt": "x",
                     "logs/deeper/b.txt": "x", "logs/c.log": "x", "f.bak": "x", "t/g.bak": "x", "1.tmp": "x",
                     "12.tmp": "x", "a.cfg": "x", "c.cfg": "x", "#literal": "x", "nested/deep/z": "x",
                     "nested/z": "x", "templates/.hidden": "x", "templates/sub/.kept": "x", ".dot": "x", **T},
    "ignore-negate-dir": {"Chart.yaml": CY, ".helmignore": "!templates/\n", **T},
    "nested-type-dep": {"Chart.yaml": CY + "dependencies:\n- name: [a]\n", **T},
    "nested-type-dep-tags": {"Chart.yaml": CY + "dependencies:\n- name: a\n  tags: x\n", **T},
    "nested-type-maint": {"Chart.yaml": CY + "maintainers:\n- name: {a: 1}\n", **T},
    "maintainers-string": {"Chart.yaml": CY + "maintainers: someone\n", **T},
    "maintainer-string-item": {"Chart.yaml": CY + "maintainers: [someone]\n", **T},
    "dep-import-values": {"Chart.yaml": CY + "dependencies:\n- name: a\n  import-values: x\n", **T},
    "annotations-types": {"Chart.yaml": CY + "annotations:\n  n: ~\n  y: y\n  list: [1]\n", **T},
    "quoting": {"Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: \"1.0\"\n"
                "description: \"yes\"\nhome: \"012\"\nkeywords: [\"on\", \"null\", \"1e3\", \"\", \" x\", \"a: b\"]\n"
                "annotations:\n  \"on\": \"~\"\n  long: " + "word " * 30 + "\n  multi: |\n    l1\n    l2\n", **T},
}


def run(args, cwd):
    p = subprocess.run([HELM] + args, cwd=cwd, capture_output=True)
    return p.returncode, p.stdout, p.stderr


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def write_cases():
    cases_dir = os.path.join(OUT, "cases")
    if os.path.isdir(cases_dir):
        shutil.rmtree(cases_dir)
    expected = {}
    for name, files in sorted(CASES.items()):
        d = os.path.join(cases_dir, name)
        for rel, content in files.items():
            path = os.path.join(d, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(content if isinstance(content, bytes) else content.encode())
        expected[name] = {}
        pk = os.path.join(OUT, "..", "pk-" + name)
        rc, out, err = run(["package", name, "-d", pk], cases_dir)
        entries = []
        if rc == 0:
            import tarfile
            tgz = [f for f in os.listdir(pk) if f.endswith(".tgz")][0]
            with tarfile.open(os.path.join(pk, tgz)) as t:
                entries = sorted(m.name for m in t.getmembers())
        shutil.rmtree(pk, ignore_errors=True)
        expected[name]["package"] = {"rc": rc, "entries": entries,
                                     "stderr": err.decode("utf-8", "surrogateescape")}
        for fmt in FORMATS:
            rc, out, err = run(["show", fmt, name], cases_dir)
            expected[name][fmt] = {"rc": rc, "stdout": out.decode("utf-8", "surrogateescape"),
                                   "stderr": err.decode("utf-8", "surrogateescape")}
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


def chart_dirs(charts_root):
    """Every corpus chart folder, and every subchart folder below it, relative."""
    out = []

    def rec(rel):
        out.append(rel)
        sub = os.path.join(charts_root, rel, "charts")
        if os.path.isdir(sub):
            for n in sorted(os.listdir(sub)):
                if n.startswith("_") or n.startswith("."):
                    continue
                p = os.path.join(sub, n)
                if os.path.isdir(p) and os.path.isfile(os.path.join(p, "Chart.yaml")):
                    rec(os.path.join(rel, "charts", n))

    for cid in sorted(os.listdir(charts_root)):
        rec(cid)
    return out


def write_corpus():
    charts_root = os.path.join(SHARED, "corpus", "charts")
    if not os.path.isdir(charts_root):
        print("no corpus at", charts_root, "- show_corpus.tsv not regenerated")
        return
    lines = ["# path\tformat\trc\tfnv1a64\tlength\tstable"]
    for rel in chart_dirs(charts_root):
        for fmt in FORMATS:
            rc, out, _ = run(["show", fmt, rel], charts_root)
            rc2, out2, _ = run(["show", fmt, rel], charts_root)
            stable = "stable" if (rc, out) == (rc2, out2) else "unstable"
            lines.append("\t".join([rel, fmt, str(rc), fnv1a64(out), str(len(out)), stable]))
    with open(os.path.join(OUT, "show_corpus.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


SEMVER_PAIRS = [
    ("*", "1.2.3"), ("~0.0.0", "1.2.3"), ("0.x.x", "1.2.3"), ("^0.0.0", "1.2.3"),
    ("= 2.0", "2.0.0"), ("4.1", "4.1.0"), ("1.x", "1.4"), ("!=4.1", "4.1.0"),
    ("!=4.1-alpha", "4.1.1-alpha"), ("!=4.x", "4.1.0"), ("!=1.2.3", "1.2.4-beta"),
    ("!=4.2.x", "4.2.3-rc1"), ("!=4.2.x-a", "4.2.3-b"), ("!=*", "0.0.0"),
    (">1.1", "1.1.0"), (">1.x", "2.0.0"), (">1.x", "1.9.0"), (">1.1.x", "1.2.0"), (">*", "1.0.0"),
    ("<1.x", "0.1.1"), ("<1.1.x", "1.1.500"), (">=1.1", "4.1.0-beta"), ("<=1.1-a", "0.1.0-alpha"),
    ("<=1.x", "1.9.9"), ("<=2.x", "3.0.0"), ("<=1.1.x", "1.2.500"), ("<=1.1", "1.1.1"),
    (">=1.1    <2    !=1.2.3", "1.2.3"), (">= 1.1, <2, != 1.2.3 || >= 3", "3.0.0"),
    ("1.1 - 2", "1.1.1"), ("1.5.0 - 4.5", "3.7.0"), ("1.1-3", "4.3.2"), ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0"),
    ("1 - 2 || 5", "5.0.1"), ("^1.1", "4.3.2"), ("^1.x", "1.1.1-beta1"), ("^1.1.2-alpha", "1.2.1-beta1"),
    ("^1.2.x-alpha", "1.1.1-beta1"), ("^0.0.1", "0.0.1"), ("^0.0.1", "0.0.2"), ("^0.2.3", "0.2.9"),
    ("^0.2.3", "0.3.0"), ("^0", "0.9.9"), ("^0.0", "0.0.7"), ("^0.0", "0.1.0"), ("^0.x", "0.5.0"),
    ("~*", "2.1.1"), ("~1", "1.4"), ("~1.x", "2.1.1"), ("~1.1-alpha", "1.1.1-beta"),
    ("~1.1.1-beta", "1.1.1-alpha"), ("~1.2.3", "1.3.2"), ("~> 1.2", "1.2.9"), ("=> 1.2", "1.3.0"),
    ("=< 1.2", "1.3.0"), (">=1.20.0-0", "1.31.0-gke.100"), (">=1.20.0", "1.31.0-gke.100"),
    (">= 1.19.0-0 < 1.33.0-0", "v1.32.0"), (">=1.16.0-0 <1.31.0-0", "1.31.0"), ("v1.2.3", "1.2.3"),
    ("1.2.3+meta", "1.2.3+other"), (">1.0.0-alpha.1", "1.0.0-alpha.beta"), (">1.0.0-alpha.10", "1.0.0-alpha.9"),
    ("<1.0.0-rc.1", "1.0.0-beta.11"), (">=1.0.0-a.99999999999999999999", "1.0.0-a.b"),
    ("1.2.3 || ", "1.2.3"), ("", "1.0.0"), ("1|2", "1.0.0"), (">= bar", "1.0.0"),
    ("12.3.34~ 1.2.3", "1.0.0"), (">=1.2.3\u00a0<2", "1.5.0"), ("1.2.3-01", "1.2.3"),
    ("*", "1.99999999999999999999"), ("*", "1.2.3-01"), ("*", "1.2.3.4"), ("*", "v1"),
    ("*", "20221209-update-renovatejson-v4"), ("x", "3.0.0"), ("X.x.X", "0.0.0-pre"),
]
SEMVER_VERSIONS = ["v1.2-beta.5+build.7", "1", "01.02.03", "1.2.3-alpha.-1", "v1.2.3+x", "abc", "1.2.3.4",
                   "1.2.3-alpha.01", "1.2.3+a_b", "1.2.3-a_b"]


def write_archives():
    """Archives in the tar dialects other tools write (GNU long names, PAX headers),
    built with Python's tarfile (not helm): the loader must read both."""
    import gzip
    import io
    import tarfile
    d = os.path.join(OUT, "archives")
    os.makedirs(d, exist_ok=True)
    long = "c/templates/" + "d" * 120 + "/x.yaml"
    for fmt, name in [(tarfile.GNU_FORMAT, "gnu-longname.tgz"), (tarfile.PAX_FORMAT, "pax-longname.tgz")]:
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w", format=fmt) as t:
            for n, data in [("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
                            (long, b"kind: X\n")]:
                ti = tarfile.TarInfo(n)
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
        with open(os.path.join(d, name), "wb") as f:
            with gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as gz:
                gz.write(raw.getvalue())


def write_semver():
    d = os.path.join("/tmp", "hke-semver-chart-%d" % os.getpid())
    os.makedirs(os.path.join(d, "templates"), exist_ok=True)
    with open(os.path.join(d, "Chart.yaml"), "w") as f:
        f.write("apiVersion: v2\nname: s\nversion: 0.1.0\n")

    def render(tpl):
        with open(os.path.join(d, "templates", "t.yaml"), "w") as f:
            f.write("<<" + tpl + ">>\n")
        # --debug prints the rendered text even though `<<…>>` is not YAML (exit code 1).
        _, out, err = run(["template", "r", d, "--debug"], d)
        text = out.decode()
        if "<<" in text:
            return {"ok": text[text.index("<<") + 2:text.index(">>")]}
        first = [line for line in err.decode().splitlines() if line.startswith("Error: ")][0]
        return {"error": first.split("error calling semver")[-1].split(": ", 1)[-1]}

    out = {"compare": [], "versions": []}
    for c, v in SEMVER_PAIRS:
        out["compare"].append({"constraint": c, "version": v,
                               **render('{{ semverCompare %s %s }}' % (json.dumps(c), json.dumps(v)))})
    for v in SEMVER_VERSIONS:
        tpl = ('{{ $v := semver %s }}{{ $v.Major }}|{{ $v.Minor }}|{{ $v.Patch }}|{{ $v.Prerelease }}|'
               '{{ $v.Metadata }}|{{ $v.Original }}|{{ $v.String }}') % json.dumps(v)
        out["versions"].append({"version": v, **render(tpl)})
    shutil.rmtree(d)
    with open(os.path.join(OUT, "semver.json"), "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write_cases()
    write_archives()
    write_semver()
    if os.environ.get("HKE_SKIP_CORPUS") is None:
        write_corpus()
