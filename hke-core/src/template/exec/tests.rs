//! Evaluator tests: the language rows of the spec's §10 table and Go's semantics.

use std::collections::BTreeMap;

use super::*;

/// Renders `src` as `c/templates/t.yaml` with `.Values` from YAML text, the way the
/// spec's harness does (release `r`, namespace `default`), returning Helm's output or
/// Helm's error text.
fn render(src: &str, values: &str) -> Result<String, String> {
    let name = "c/templates/t.yaml";
    let mut set = TemplateSet::new();
    set.parse_file(name, src)
        .map_err(|e| TemplateError::from(e).helm_message())?;
    let vals = match crate::yaml::parse(values, "values.yaml").unwrap() {
        crate::value::Value::Map(m) => m,
        _ => crate::value::Map::new(),
    };
    let mut top = BTreeMap::new();
    top.insert("Values".to_string(), Value::from_plain_values(&vals));
    let mut rel = BTreeMap::new();
    rel.insert("Name".to_string(), Value::str("r"));
    rel.insert("Namespace".to_string(), Value::str("default"));
    rel.insert("Revision".to_string(), Value::Int(1));
    rel.insert("IsInstall".to_string(), Value::Bool(true));
    rel.insert("IsUpgrade".to_string(), Value::Bool(false));
    rel.insert("Service".to_string(), Value::str("Helm"));
    top.insert("Release".to_string(), Value::dict(rel));
    let mut tmpl = BTreeMap::new();
    tmpl.insert("Name".to_string(), Value::str(name));
    tmpl.insert("BasePath".to_string(), Value::str("c/templates"));
    top.insert(
        "Template".to_string(),
        Value::Map(Map::from_entries(MapKind::Values, tmpl)),
    );
    let ctx = RenderContext::default();
    set.execute(name, Value::dict(top), &ctx)
        .map(|s| s.replace("<no value>", ""))
        .map_err(|e| TemplateError::from(e).helm_message())
}

fn ok(src: &str, values: &str) -> String {
    match render(src, values) {
        Ok(s) => s,
        Err(e) => panic!("{src}: {e}"),
    }
}

fn err(src: &str, values: &str) -> String {
    match render(src, values) {
        Ok(s) => panic!("{src}: expected an error, got {s:?}"),
        Err(e) => e,
    }
}

#[test]
fn spec_rows_values_printing() {
    assert_eq!(ok("{{ .Values.a }}", "a: 1000000"), "1e+06");
    assert_eq!(ok("{{ .Values.a }}", "a: 1234567"), "1.234567e+06");
    assert_eq!(ok("{{ .Values.a }}", "a: 123456"), "123456");
    assert_eq!(ok("{{ .Values.a }}", "a: 0.00001"), "1e-05");
    assert_eq!(
        ok(
            "{{ .Values.x }}|{{ .Values.true }}",
            "x: yes\n\"on\": 1\non: 2"
        ),
        "true|2"
    );
    assert_eq!(
        ok("{{ .Values.missing }}|{{ .Values.nul }}|{{ print .Values.missing }}|{{ .Values.missing | toString }}", "nul: null"),
        "||<nil>|<nil>"
    );
    assert_eq!(
        ok(
            "{{ .Values.missing | quote }}|{{ quote \"\" }}|{{ .Values.missing | default \"d\" }}",
            ""
        ),
        "|\"\"|d"
    );
    assert_eq!(ok("literal <no value> text", ""), "literal  text");
    assert_eq!(
        ok(
            "{{ define \"nv\" }}{{ .zz }}{{ end }}{{ include \"nv\" . | upper }}",
            ""
        ),
        "<NO VALUE>"
    );
}

#[test]
fn spec_rows_errors_and_nil() {
    assert_eq!(
        err("<<{{ .Values.a.b }}>>", ""),
        "template: c/templates/t.yaml:1:12: executing \"c/templates/t.yaml\" at <.Values.a.b>: nil pointer evaluating interface {}.b"
    );
    assert_eq!(ok("{{ (.Values.a).b }}", ""), "");
    assert_eq!(
        ok(
            "{{ if and .Values.a .Values.a.b }}y{{ else }}n{{ end }}",
            ""
        ),
        "n"
    );
    assert_eq!(
        err("<<{{ eq .Values.a 1 }}>>", "a: 1"),
        "template: c/templates/t.yaml:1:5: executing \"c/templates/t.yaml\" at <eq .Values.a 1>: error calling eq: incompatible types for comparison"
    );
    assert_eq!(
        ok("{{ eq .Values.a 1.0 }}|{{ eq (int .Values.a) 1 }}", "a: 1"),
        "true|true"
    );
    assert_eq!(
        ok(
            "{{ eq .Values.missing \"\" }}|{{ eq .Values.missing nil }}",
            ""
        ),
        "false|true"
    );
    assert_eq!(ok("{{ eq \"a\" \"b\" \"a\" }}", ""), "true");
    assert_eq!(
        ok(
            "{{ and 1 0 2 }}|{{ or 0 \"\" \"x\" }}|{{ or 0 \"\" }}|{{ not \"\" }}",
            ""
        ),
        "0|x||true"
    );
    assert_eq!(ok("{{ or true (fail \"never\") }}", ""), "true");
    assert_eq!(
        err("<<{{ range 3 }}x{{ end }}>>", ""),
        "template: c/templates/t.yaml:1:11: executing \"c/templates/t.yaml\" at <3>: range can't iterate over 3"
    );
    assert_eq!(
        err("<<{{ until .Values.count }}>>", "count: 3"),
        "template: c/templates/t.yaml:1:18: executing \"c/templates/t.yaml\" at <.Values.count>: wrong type for value; expected int; got float64"
    );
    assert_eq!(
        err("<<{{ upper .Values.p }}>>", "p: 80"),
        "template: c/templates/t.yaml:1:18: executing \"c/templates/t.yaml\" at <.Values.p>: wrong type for value; expected string; got float64"
    );
    assert_eq!(
        err("<<{{ slice \"abc\" 1 }}>>", ""),
        "template: c/templates/t.yaml:1:5: executing \"c/templates/t.yaml\" at <slice \"abc\" 1>: error calling slice: list should be type of slice or array but string"
    );
    assert_eq!(
        err("<<{{ required \"need a\" .Values.a }}>>", ""),
        "execution error at (c/templates/t.yaml:1:5): need a"
    );
    assert_eq!(ok("{{ required \"need a\" .Values.a }}", "a: 0"), "0");
    assert_eq!(
        err("<<{{ fail \"boom\" }}>>", ""),
        "execution error at (c/templates/t.yaml:1:5): boom"
    );
    assert_eq!(
        err("<<{{ dig \"a\" \"b\" \"d\" .Values }}>>", "a: {b: 1}"),
        "template: c/templates/t.yaml:1:5: executing \"c/templates/t.yaml\" at <dig \"a\" \"b\" \"d\" .Values>: error calling dig: interface conversion: interface {} is chartutil.Values, not map[string]interface {}"
    );
    assert_eq!(
        ok("{{ dig \"a\" \"b\" \"d\" .Values.m }}", "m: {a: {b: 1}}"),
        "1"
    );
    assert_eq!(
        err("<<{{ tpl \"{{ $y }}\" . }}>>", ""),
        "template: c/templates/t.yaml:1:5: executing \"c/templates/t.yaml\" at <tpl \"{{ $y }}\" .>: error calling tpl: cannot parse template \"{{ $y }}\": template: gotpl:1: undefined variable \"$y\""
    );
    assert_eq!(
        err("{{ env \"HOME\" }}", ""),
        "parse error at (c/templates/t.yaml:1): function \"env\" not defined"
    );
}

#[test]
fn spec_rows_control_flow() {
    assert_eq!(
        ok(
            "{{ range $k, $v := .Values.m }}{{ $k }};{{ end }}",
            "m: {b: 1, B: 2, _c: 3, \"10\": 4, \"9\": 5, a: 6}"
        ),
        "10;9;B;_c;a;b;"
    );
    assert_eq!(
        ok("{{ range $i, $e := list \"a\" \"b\" \"c\" }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $e }}{{ end }}", ""),
        "ac"
    );
    assert_eq!(
        ok(
            "{{ with .Values.missing }}a{{ else with \"z\" }}{{ . }}{{ end }}",
            ""
        ),
        "z"
    );
    assert_eq!(
        ok(
            "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}",
            ""
        ),
        "2"
    );
    assert_eq!(
        ok(
            "{{ $x := 1 }}{{ with . }}{{ $x := 5 }}{{ $x }}{{ end }}{{ $x }}",
            ""
        ),
        "51"
    );
    assert_eq!(ok("a  {{- \"b\" -}}  \n c", ""), "abc");
    assert_eq!(
        ok(
            "{{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 1_000 }} {{ 'a' }} {{ 1e3 }} {{ 1.0 }} {{ 2i }}",
            ""
        ),
        "31 15 15 1000 97 1000 1 (0+2i)"
    );
    assert_eq!(ok("{{ print 1 2 \"a\" 3 nil }}", ""), "1 2a3 <nil>");
    assert_eq!(
        ok(
            "{{ printf \"%d|%v|%s\" .Values.a .Values.a .Values.a }}",
            "a: 3"
        ),
        "%!d(float64=3)|3|%!s(float64=3)"
    );
    assert_eq!(
        ok("{{ list 1 \"a\" nil }}|{{ dict \"b\" 1 \"a\" (list) }}", ""),
        "[1 a <nil>]|map[a:[] b:1]"
    );
    assert_eq!(
        ok(
            "{{ index .Values.l 1 }}|{{ index .Values.m \"zz\" }}",
            "l: [a, b]\nm: {a: 1}"
        ),
        "b|"
    );
    assert_eq!(
        ok(
            "{{ range $i, $x := until 3 }}{{ if eq $x 2 }}{{ break }}{{ end }}{{ $x }}{{ end }}",
            ""
        ),
        "01"
    );
    assert_eq!(
        ok("{{ range .Values.none }}x{{ else }}empty{{ end }}", ""),
        "empty"
    );
    assert_eq!(
        ok("{{ \"x\" | printf \"%s-%s\" \"y\" }}|{{ 3 | add 1 2 }}", ""),
        "y-x|6"
    );
    assert_eq!(ok("{{ .Values.YAML }}", "k: v"), "k: v\n");
    assert_eq!(ok("{{ .Release.Name }}|{{ .Release.Namespace }}|{{ .Release.Revision }}|{{ .Release.IsInstall }}|{{ .Release.Service }}", ""), "r|default|1|true|Helm");
    assert_eq!(
        ok("{{ .Template.Name }}|{{ .Template.BasePath }}", ""),
        "c/templates/t.yaml|c/templates"
    );
    assert_eq!(ok("{{ tpl \"{{ .Values.x }}\" . }}", "x: v"), "v");
    assert_eq!(
        ok(
            "{{ lookup \"v1\" \"Secret\" \"ns\" \"x\" }}|{{ getHostByName \"localhost\" }}",
            ""
        ),
        "map[]|"
    );
    assert_eq!(ok("{{ hello }}", ""), "Hello!");
    assert_eq!(
        ok("{{ $d := dict }}{{ $_ := set $d \"k\" 1 }}{{ $d.k }}", ""),
        "1"
    );
    assert_eq!(
        ok(
            "{{ template \"t\" 5 }}{{ define \"t\" }}[{{ . }}]{{ end }}",
            ""
        ),
        "[5]"
    );
    assert_eq!(ok("{{ len \"héllo\" }}", ""), "6");
}

#[test]
fn include_recursion_is_bounded() {
    let e = err(
        "{{ define \"r\" }}{{ include \"r\" . }}{{ end }}{{ include \"r\" . }}",
        "",
    );
    assert!(
        e.contains("rendering template has a nested reference name: r: unable to execute template"),
        "{}",
        &e[..200.min(e.len())]
    );
}

#[test]
fn output_is_bounded() {
    let e = err(
        "{{ range until 100 }}{{ repeat 1000000 \"x\" }}{{ end }}",
        "",
    );
    assert!(e.contains("exceeds hke's limit"), "{e}");
}
