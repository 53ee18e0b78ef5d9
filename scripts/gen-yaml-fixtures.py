#!/usr/bin/env python3
"""Generate hke's YAML/JSON fixtures from the real helm v3.17.2.

Writes into hke-core/tests/fixtures/yaml/:

* emit.json   -- random value trees (seeded) and what helm's toYaml, toYamlPretty,
                 toJson, toPrettyJson and toRawJson print for each. The trees reach
                 helm as a JSON values file, so every number is a float64 there.
* ints.json   -- int64 lists built in-template (`int64`), and their toYaml/toJson.
* parse/NNN.yaml + parse.json -- YAML inputs and `fromYaml | toJson` of each (the
                 same sigs.k8s.io/yaml.Unmarshal path as values files), errors
                 included as `{"Error": "..."}`.
* corpus.json -- for every YAML file of ../shared/corpus/charts outside templates/:
                 FNV-1a 64 hashes of `fromYaml` then toJson / toYaml / toYamlPretty.

Usage: scripts/gen-yaml-fixtures.py [--helm PATH] [--seed N] [--count N]
Run once; the outputs are checked in and the tests do not need helm.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "hke-core", "tests", "fixtures", "yaml")
MARK = "\u241eHKE"  # a marker that never appears in generated data

TRICKY = [
    "yes", "No", "on", "OFF", "y", "n", "Y", "true", "False", "~", "null", "NULL", "",
    " lead", "trail ", "  both  ", "a: b", "a:b", "a #b", "a#b", "#x", "- x", "-", "-x",
    "?", "? x", ":", ":x", "x:", "1.0", "0755", "0x1F", "0o17", "0b101", "1e3", "1_000",
    ".5", "+1", "-1", "1.", "09", "2001-12-14", "2001-12-14T21:59:43.10Z", "2001-1-2",
    "1:20", "12:30:45", "190:20:30.15", "it's", 'say "hi"', "multi\nline",
    "multi\nline\n", "x\n\n", "  lead\nx", "\nlead nl", "trailing space \nline2",
    "tab\there", "ctl\x01x", "\x07bell", "esc\x1b", "é ü", "emoji 😀", "中文テキスト",
    "a\u00a0b", "<<", "=", "!important", "&anchor", "*alias", "%pct", "@at", "`tick",
    "|pipe", ">gt", "[x]", "{x}", "a,b", "x]", "back\\slash", "x\r\ny", "cr\rx",
    "nel\u0085x", "ls\u2028x", "bom\ufeffx", "del\x7fx", "c1\x80x", "fffe\ufffex",
    "---", "--- x", "...", "---x", "a  b", "a b", ".inf", "-.Inf", ".NaN", ".nan",
    "1e400", "0x", "+.5", "-.5", "1_0:5", "0.", "0", "-0", "00", "+0", "1__0",
    "\t", " ", "\n", "\n\n", "x\n ", "x \n", "#", "a '", "'", '"', "'a'", "%",
    "key: value # c", "http://example.com/a?b=c#d", "*", "&", "!", "|", ">",
    "<script>&amp;</script>", "\u2029", "a\u3000b", "ﬁ", "\U0001d400bold",
]

WORDS = ["alpha", "beta", "gamma", "delta", "x", "yes", "on", "1", "2.5", "a:", "#b",
         "é", "😀", "--", "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog"]

KEY_POOL = [
    "", "_x", "2", "02", "9", "10", "100", "A", "B", "Z", "a", "b", "z", "a b", "a-b",
    "a_b", "a9", "a10", "a09", "x.y", "é", "yes", "on", "1", "1.5", "0x10", "true",
    "null", "~", "a: b", "#k", "-k", "k-", "key", "Key", "KEY", "name", "image",
    "repository", "tag", "pullPolicy", "port", "ports", "env", "00", "000", "0", "007",
    "a0", "a00", "a01", "a1", "a.b", "a/b", "a~b", "ü", "Ω", "中",
    "k" * 129, "multi\nkey", "key ", " key", "emoji😀key", "tab\tkey",
]


def rand_string(r):
    c = r.random()
    if c < 0.45:
        return r.choice(TRICKY)
    if c < 0.6:
        # long text with spaces (folding)
        n = r.randint(12, 40)
        s = " ".join(r.choice(WORDS) for _ in range(n))
        if r.random() < 0.2:
            s = r.choice(["#", "- ", "'", "yes "]) + s
        if r.random() < 0.15:
            s = s.replace(" ", "  ", 3)
        if r.random() < 0.15:
            s = s + "\n" + s
        if r.random() < 0.1:
            s = s + "\t"
        return s
    if c < 0.65:
        return "x" * r.randint(70, 130)
    if c < 0.85:
        return " ".join(r.choice(WORDS) for _ in range(r.randint(1, 4)))
    # random characters from a mixed alphabet
    alpha = "ab:#- '\"\n\t\\{}[],&*!|>%@`?=~.0123456789éü😀\x01\u00a0"
    return "".join(r.choice(alpha) for _ in range(r.randint(1, 12)))


def rand_float(r):
    c = r.random()
    if c < 0.25:
        return float(r.randint(-1000, 100000))
    if c < 0.35:
        return r.choice([0.0, -0.0, 1e6, 1e21, 1e20, 1e19, 1e-7, 1e-5, 0.00001, 1e-6,
                         1234567.5, 123456.0, 1234567.0, 3.0, 0.5, 1e15, 1e16, 1e17,
                         12345678901234567890.0, 9007199254740993.0, 1.5e300, 5e-324,
                         -1e21, 0.1, 100.0, 2.5e-8, 999999.0, 1000000.5])
    if c < 0.7:
        return round(r.uniform(-1000, 1000), r.randint(0, 6))
    mant = round(r.uniform(1, 10), r.randint(0, 8))
    return float(f"{mant}e{r.randint(-22, 22)}")


def rand_key(r):
    if r.random() < 0.7:
        return r.choice(KEY_POOL)
    alpha = "abcAB_-. 019"
    s = "".join(r.choice(alpha) for _ in range(r.randint(1, 6)))
    # No letter right after a digit: go-yaml's key order is not transitive there and
    # Go's output would depend on its random map iteration order.
    out = ""
    for ch in s:
        if ch.isalpha() and out and out[-1].isdigit():
            continue
        out += ch
    return out


def rand_value(r, depth):
    c = r.random()
    if depth < 4 and c < 0.25:
        return {rand_key(r): rand_value(r, depth + 1) for _ in range(r.randint(0, 6))}
    if depth < 4 and c < 0.4:
        return [rand_value(r, depth + 1) for _ in range(r.randint(0, 5))]
    c = r.random()
    if c < 0.55:
        return rand_string(r)
    if c < 0.85:
        return rand_float(r)
    if c < 0.95:
        return r.choice([True, False])
    return None


def json_for_yaml(v):
    """JSON text that go-yaml v2 reads back as the same data: characters YAML does not
    allow raw (DEL, C1 controls, U+FFFE/FFFF) are escaped."""
    s = json.dumps(v, ensure_ascii=False)
    out = []
    for ch in s:
        o = ord(ch)
        if o == 0x7F or 0x80 <= o <= 0x9F or o in (0xFFFE, 0xFFFF, 0xFEFF):
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    return "".join(out)


def run_helm(helm, chart):
    p = subprocess.run([helm, "template", "r", chart, "--debug"], capture_output=True,
                       text=True, timeout=300)
    # The rendered text is rarely valid YAML: helm then exits 1 but, with --debug,
    # still prints it on stdout.
    if MARK not in p.stdout:
        sys.exit("helm failed:\n" + p.stderr[-3000:])
    return p.stdout


def sections(stdout):
    res = {}
    parts = stdout.split(MARK + "<")
    for part in parts[1:]:
        head, _, rest = part.partition(">")
        body, _, _ = rest.partition(MARK + "/")
        res[head] = body
    return res


def write_chart(d, values_text, template, files=None):
    os.makedirs(os.path.join(d, "templates"), exist_ok=True)
    with open(os.path.join(d, "Chart.yaml"), "w") as f:
        f.write("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    with open(os.path.join(d, "values.yaml"), "w", encoding="utf-8") as f:
        f.write(values_text)
    with open(os.path.join(d, "templates", "t.yaml"), "w") as f:
        f.write(template)
    for name, data in (files or {}).items():
        path = os.path.join(d, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


def gen_emit(helm, seed, count, tmp):
    r = random.Random(seed)
    trees = [rand_value(r, 0) for _ in range(count)]
    # Make sure every tricky string and key appears at least once, alone and in a map.
    trees += [s for s in TRICKY]
    trees += [{k: s} for k, s in zip(KEY_POOL, TRICKY)]
    trees += [{"nest": {"deeper": {"k": " ".join(WORDS * 3)}}},
              [[" ".join(WORDS * 2)]], {"l": [{"m": " ".join(WORDS * 4)}]}]
    values = json_for_yaml({"trees": trees})
    tpl = ("{{- range $i, $t := .Values.trees }}"
           + "".join(
               f'{MARK}<{{{{ $i }}}}.{kind}>{{{{ {fn} $t }}}}{MARK}/'
               for kind, fn in [("yaml", "toYaml"), ("pretty", "toYamlPretty"),
                                ("json", "toJson"), ("pjson", "toPrettyJson"),
                                ("rjson", "toRawJson")])
           + "{{- end }}")
    chart = os.path.join(tmp, "emit")
    write_chart(chart, values, tpl)
    got = sections(run_helm(helm, chart))
    cases = []
    for i, t in enumerate(trees):
        case = {"value": t}
        for kind in ["yaml", "pretty", "json", "pjson", "rjson"]:
            case[kind] = got[f"{i}.{kind}"]
        cases.append(case)
    return cases


INT_LISTS = [
    ["9007199254740993", "-9223372036854775808", "9223372036854775807", "0", "-1", "1000000"],
    ["123456789012345678", "42"],
]


def gen_ints(helm, tmp):
    tpl = ("{{- range $i, $l := .Values.lists }}{{ $x := list }}"
           "{{- range $l }}{{ $x = append $x (int64 .) }}{{ end }}"
           f"{MARK}<{{{{ $i }}}}.yaml>{{{{ toYaml $x }}}}{MARK}/"
           f"{MARK}<{{{{ $i }}}}.pretty>{{{{ toYamlPretty $x }}}}{MARK}/"
           f"{MARK}<{{{{ $i }}}}.json>{{{{ toJson $x }}}}{MARK}/"
           "{{- end }}")
    chart = os.path.join(tmp, "ints")
    write_chart(chart, json.dumps({"lists": INT_LISTS}), tpl)
    got = sections(run_helm(helm, chart))
    return [{"ints": l, "yaml": got[f"{i}.yaml"], "pretty": got[f"{i}.pretty"],
             "json": got[f"{i}.json"]} for i, l in enumerate(INT_LISTS)]


PARSE_INPUTS = [
    "a: 1000000\nb: 1_000\nc: 0x1F\nd: 0755\ne: 0o17\nf: 0b101\ng: +1\nh: -0b11\ni: 09\n",
    "a: 1.5\nb: .5\nc: 1e3\nd: 1e-7\ne: -0.0\nf: 1.0\ng: 1.\nh: +.5\ni: 1e400\n",
    "a: 9007199254740993\nb: 12345678901234567890\nc: 99999999999999999999999\nd: -9223372036854775809\n",
    "a: .inf\n", "a: -.Inf\n", "a: .nan\n", "a: .iNf\n",
    "a: [yes, no, on, off, y, n, Y, N, true, false, TRUE, False, yEs, oN]\n",
    "a: [~, null, Null, NULL, nULL, '', \"\"]\nb:\nc: ~\n",
    "a: 2001-12-14\nb: 2001-12-14T21:59:43.10Z\nc: 2001-12-14 21:59:43.10 -5\nd: 2001-13-14\ne: 1:20\nf: 12:30:45\n",
    "a: 'it''s'\nb: \"tab\\tnl\\n\"\nc: plain # comment\nd: \"\\u00e9\\x41\\U0001F600\"\n",
    "a: |\n  x\n  y\nb: >\n  folded\n  text\n\n  para\nc: |-\n  keep\nd: |+\n  more\n\ne: >-\n  f\n   indented\n  g\n",
    "a: !!str 123\nb: !!binary aGVsbG8=\nc: !!float 1\nd: !!int '7'\ne: !custom x\nf: !!null ~\ng: !!bool yes\nh: !!timestamp 2001-12-14\n",
    "a: !!int 1.5\n", "a: !!int abc\n", "a: !!binary '!!'\n", "a: !!float abc\n",
    "a: !!binary /w==\n",
    "1: a\n1.5: b\n0x10: c\ntrue: d\nn: e\n1e3: f\n0.1: g\n1.10: h\n-0: i\n.inf: j\n",
    "~: a\n", "null: 1\n", "18446744073709551615: a\n",
    "[a]: 1\n", "? {a: 1}\n: 2\n",
    "a: 1\na: 2\nb: &x {k: 1}\nc: *x\n",
    "base: &b {x: 1, z: 2}\nm:\n  <<: *b\n  z: 3\nn:\n  z: 0\n  <<: *b\n",
    "a: &a {x: 1}\nb: &b {x: 2, z: 2}\nm:\n  <<: [*a, *b]\n  y: 0\n",
    "m:\n  <<: 1\n", "m:\n  <<: [1]\n", "m:\n  '<<': {a: 1}\n", "m:\n  !!merge <<: {a: 1}\n",
    "a: *nope\n", "a: &x [*x]\n", "a: &x {b: *x}\n",
    "a:\n\tb: 1\n", "a: 1\n b: 2\n", "a: [1, 2\n", "a: {b: 1\n", "a: 'unterminated\n",
    "a: \"unterminated\n", "- a\nb: 1\n", "a: b: c\n", "a:\n  - 1\n  b: 2\n",
    "key: value\n  bad: indent\n", "a: @x\n", "a: `x\n", "a: %x\n", "x: [a, b]]\n",
    "a: 1\n---\nb: 2\n", "---\na: 1\n", "--- \n", "", "# only comment\n", "\ufeffa: 1\n",
    "- 1\n- 2\n", "scalar\n", "42\n", "true\n", "~\n",
    "a: {b: [1, {c: d}], e: [], f: {}}\n",
    "a: \"x\\\n  y\"\nb: 'multi\n  line'\nc: plain\n  continued\n",
    "? complex\n: value\n", "a: &anc 1\nb: *anc\n",
    "a: <<\nb: '<<'\n", "a: !!str\nb: !!int\n",
    "a: 0x_1F\nb: 1__0\nc: _1\nd: 1_\ne: +0x1F\nf: 0B101\ng: 0X1f\nh: 0O17\n",
    "a: 0.\nb: -.5\nc: +1e+3\nd: 1E3\ne: 1e\nf: .e3\ng: 1.2.3\nh: 1,000\n",
    "a: 2024-02-29\nb: 2023-02-29\nc: 2001-12-14t21:59:43+05:00\nd: 2001-12-14T21:59:43\ne: 2001-1-2\n",
    "\"quoted key\": 1\n'single': 2\n? |\n  block key\n: 3\n",
    "a: {x: 1, x: 2}\n",
    "%YAML 1.1\n---\na: 1\n", "%TAG !e! tag:example.com,2000:\n---\na: !e!foo x\n",
    "a: !<tag:yaml.org,2002:str> 5\n",
    "a: b\n...\nc: d\n",
    "a: 1 # c\n#x\nb: 2\n",
    "a:   \n  - x\n",
    "a: \"\\/\\ \\_\\N\\L\\P\\0\\a\\e\"\n",
    "a: \"\\q\"\n",
    "a: x\r\nb: y\r\n",
    "a: [a:b, c]\n", "a: {a:b}\n",
    "a: " + "x" * 1100 + "\n", ("k" * 1100) + ": v\n",
    # valid YAML edge cases (libyaml 0.2.5 vs go-yaml v2's port)
    "a: b\t\nc:\td\n", "&k a: 1\nb: *k\n", "x: &v 1\n*v : 2\n", "a: |2\n   x\n  y\n",
    "a: >+\n  x\n\n\nb: 1\n", "a: >\n  x\n    y\n  z\n\n  w\n", "a: x\n  y\n\n  z\n",
    "a: {b: , c: }\n", "a: - b\n", "- - - x\n", "a:\n  - b: 1\n    c: 2\n  -   d: 3\n",
    "--- {a: 1}\n", "a:\n# c\n  - 1\n    # c2\n  - 2\n", "a   : 1\n", '{"a":1,"b":[1,2],"c":{"d":"e"}}',
    '{"a": 1}\n', "[1, 2]\n", "a: 'x'y'\n", "a: !!null\nb: !!str\n", "a: \"\\\n\"\n",
    "a:\n  b:\n    c:\n      d: 1\n   e: 2\n", "a: 1\n  # indented comment\nb: 2\n",
    "a: >-\n\n  x\n", "a: |\n\n\n  x\n", "a: |-\n  x\n\n", "a: |\n  x\n \n  y\n",
    "a: \"x\n\n  y\"\n", "a: 'x\n\n  y'\n", "a: x #c\n  # not continuation\n",
    "- a\n-\n- c\n", "a: [b, [c, d], {e: f}]\n", "a: {b: [c, {d: e}]}\n",
    "a: !!seq [1]\nb: !!map {c: 1}\n", "a: !!omap [{b: 1}]\n", "a: !!set {b, c}\n",
    "a: 1\n...\n---\nb: 2\n", "? - a\n  - b\n: c\n", "a: *b\nb: &b 1\n",
    "a: &x 1\nb: &x 2\nc: *x\n", "a: [&x 1, *x]\n", "<<: {a: 1}\nb: 2\n",
    "a: -\n", "a: -1\nb: - 1\n", "a: 0.1e1\nb: 1e+2\nc: +.inf\nd: -.0\n",
    "a: 12e03\nb: 1_0.5\nc: 1.5_0\nd: 0x_A\ne: 1__\n", "a: 0b\nb: 0o\nc: 0x1p3\n",
    "a: Yes\nb: NO\nc: oN\nd: On\ne: OfF\n", "a: '#x'\nb: \"#x\"\nc: x#y\nd: x #y\n",
]


def yaml_scalar(r, v):
    """A YAML spelling of a scalar, in a random style."""
    if v is None:
        return r.choice(["null", "~", "", "Null"])
    if v is True:
        return r.choice(["true", "yes", "on", "Y", "True"])
    if v is False:
        return r.choice(["false", "no", "off", "n", "FALSE"])
    if isinstance(v, float):
        if v == int(v) and abs(v) < 1e15 and r.random() < 0.5:
            i = int(v)
            return r.choice([str(i), hex(i) if i >= 0 else str(i), "%d" % i,
                             ("0o%o" % i) if i >= 0 else str(i)])
        return repr(v)
    c = r.random()
    if c < 0.4 and "\n" not in v and "'" not in v:
        return "'" + v + "'"
    if c < 0.8:
        return json.dumps(v, ensure_ascii=r.random() < 0.5)
    return v.replace("\n", " ")  # plain, may well change meaning or break


def yaml_text(r, v, indent=0, flow=False):
    """Renders a tree as YAML with random block/flow styles, comments and anchors."""
    pad = " " * indent
    if isinstance(v, dict):
        if not v:
            return "{}"
        if flow or r.random() < 0.15:
            return "{" + ", ".join(f"{json.dumps(k)}: {yaml_text(r, x, 0, True)}"
                                   for k, x in v.items()) + "}"
        lines = []
        for k, x in v.items():
            key = json.dumps(k, ensure_ascii=False) if r.random() < 0.7 else str(k)
            body = yaml_text(r, x, indent + 2)
            if isinstance(x, (dict, list)) and x and not body.startswith(("{", "[")):
                lines.append(f"{pad}{key}:" + (" # c" if r.random() < 0.1 else "") + "\n" + body)
            else:
                lines.append(f"{pad}{key}: {body}")
        return "\n".join(lines)
    if isinstance(v, list):
        if not v:
            return "[]"
        if flow or r.random() < 0.15:
            return "[" + ", ".join(yaml_text(r, x, 0, True) for x in v) + "]"
        lines = []
        for x in v:
            body = yaml_text(r, x, indent + 2)
            if isinstance(x, (dict, list)) and x and not body.startswith(("{", "[")):
                lines.append(f"{pad}-\n{body}" if r.random() < 0.3 else f"{pad}- " + body.lstrip())
            else:
                lines.append(f"{pad}- {body}")
        return "\n".join(lines)
    return yaml_scalar(r, v)


MUTATIONS = ["\t", ":", "- ", '"', "'", " ", "\n", "[", "{", "]", "}", "#", "&a ", "*a",
             "!", "|", ">", "? ", ",", "\\", "%", "@", "---\n", "...\n", "  ", "<<: "]


def gen_random_inputs(seed, count):
    r = random.Random(seed)
    out = []
    for n in range(count):
        tree = {rand_key(r): rand_value(r, 1) for _ in range(r.randint(1, 5))}
        text = yaml_text(r, tree) + "\n"
        if n % 2 == 1:
            for _ in range(r.randint(1, 3)):
                pos = r.randint(0, len(text))
                if r.random() < 0.7:
                    text = text[:pos] + r.choice(MUTATIONS) + text[pos:]
                else:
                    text = text[:pos] + text[pos + r.randint(1, 3):]
        out.append(text)
    return out


def gen_parse(helm, tmp, seed):
    # hand-written inputs are hNNN.yaml, random/mutated ones rNNN.yaml (stable names
    # when either list grows).
    named = [(f"h{i:03d}.yaml", t) for i, t in enumerate(PARSE_INPUTS)]
    named += [(f"r{i:03d}.yaml", t) for i, t in enumerate(gen_random_inputs(seed + 1, 500))]
    files = {f"in/{name}": text.encode("utf-8") for name, text in named}
    tpl = ('{{- range $p, $_ := .Files.Glob "in/*.yaml" }}'
           f'{MARK}<{{{{ $p }}}}>{{{{ $.Files.Get $p | fromYaml | toJson }}}}{MARK}/'
           "{{- end }}")
    chart = os.path.join(tmp, "parse")
    write_chart(chart, "{}\n", tpl, files)
    got = sections(run_helm(helm, chart))
    pdir = os.path.join(OUT, "parse")
    if os.path.isdir(pdir):
        shutil.rmtree(pdir)
    os.makedirs(pdir)
    cases = []
    for name, text in named:
        with open(os.path.join(pdir, name), "wb") as f:
            f.write(text.encode("utf-8"))
        cases.append({"input": name, "from_yaml_to_json": got[f"in/{name}"]})
    return cases


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def gen_corpus(helm, tmp, corpus):
    """fromYaml of every YAML file of the shared chart corpus outside templates/, and
    toJson/toYaml/toYamlPretty of the result, kept as FNV-1a 64 hashes (the inputs
    live in ../shared, the outputs would weigh megabytes)."""
    charts = os.path.join(corpus, "charts")
    paths = []
    for dirpath, dirnames, filenames in os.walk(charts):
        dirnames[:] = sorted(d for d in dirnames if d != "templates")
        for fn in sorted(filenames):
            if fn.endswith((".yaml", ".yml")):
                paths.append(os.path.relpath(os.path.join(dirpath, fn), charts))
    files = {}
    for i, rel in enumerate(paths):
        with open(os.path.join(charts, rel), "rb") as f:
            files[f"in/{i:05d}.yaml"] = f.read()
    tpl = ('{{- range $p, $_ := .Files.Glob "in/*.yaml" }}{{ $v := $.Files.Get $p | fromYaml }}'
           f'{MARK}<{{{{ $p }}}}.json>{{{{ toJson $v }}}}{MARK}/'
           f'{MARK}<{{{{ $p }}}}.yaml>{{{{ toYaml $v }}}}{MARK}/'
           f'{MARK}<{{{{ $p }}}}.pretty>{{{{ toYamlPretty $v }}}}{MARK}/'
           "{{- end }}")
    chart = os.path.join(tmp, "corpus")
    write_chart(chart, "{}\n", tpl, files)
    got = sections(run_helm(helm, chart))
    cases = []
    for i, rel in enumerate(paths):
        key = f"in/{i:05d}.yaml"
        case = {"path": rel, "input": fnv1a64(files[key])}
        for kind in ["json", "yaml", "pretty"]:
            out = got[f"{key}.{kind}"].encode("utf-8")
            case[kind] = fnv1a64(out)
            case[kind + "_len"] = len(out)
        cases.append(case)
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--helm", default=os.path.expanduser("~/.cache/hke-tools/bin/helm3"))
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(ROOT), "shared", "corpus"))
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        emit = gen_emit(a.helm, a.seed, a.count, tmp)
        ints = gen_ints(a.helm, tmp)
        parse = gen_parse(a.helm, tmp, a.seed)
        corpus = gen_corpus(a.helm, tmp, a.corpus)
    for name, data in [("emit.json", emit), ("ints.json", ints), ("parse.json", parse),
                       ("corpus.json", corpus)]:
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=True, indent=1)
            f.write("\n")
    print(f"emit: {len(emit)} trees, ints: {len(ints)}, parse: {len(parse)} inputs, "
          f"corpus: {len(corpus)} files")


if __name__ == "__main__":
    main()
