//! Unit tests with Helm 3.17.2's observed outputs (helm-engine.md §4.1, §7, §10).

use super::*;
use crate::gojson::to_json;
use crate::value::Map;

fn p(text: &str) -> Value {
    match parse(text, "values.yaml") {
        Ok(v) => v,
        Err(e) => panic!("{text:?}: {e}"),
    }
}

fn perr(text: &str) -> String {
    match parse(text, "values.yaml") {
        Ok(v) => panic!("{text:?} parsed as {v}"),
        Err(e) => e.to_string(),
    }
}

fn json(text: &str) -> String {
    to_json(&p(text)).unwrap()
}

#[test]
fn numbers_are_floats() {
    assert_eq!(
        json("a: [1000000, 1_000, 0x1F, 0755, 0o17, 0b101, +1]"),
        r#"{"a":[1000000,1000,31,493,15,5,1]}"#
    );
    assert_eq!(
        p("a: 9007199254740993").path("a"),
        Some(&Value::Float(9007199254740992.0))
    );
    assert_eq!(
        json("a: [1.5, .5, 1e3, 1e-7, -0.0, 1.0]"),
        r#"{"a":[1.5,0.5,1000,1e-7,-0,1]}"#
    );
}

#[test]
fn non_finite_is_a_json_error() {
    assert_eq!(
        perr("a: .inf"),
        "error converting YAML to JSON: json: unsupported value: +Inf"
    );
    assert_eq!(
        perr("a: [.nan]"),
        "error converting YAML to JSON: json: unsupported value: NaN"
    );
    assert_eq!(
        parse_typed("a: .inf", "x").unwrap().path("a"),
        Some(&Value::Float(f64::INFINITY))
    );
}

#[test]
fn yaml11_words_and_keys() {
    assert_eq!(
        json("a: [yes, no, on, off, y, n, true, False, ~, null, Null, NULL, ]"),
        r#"{"a":[true,false,true,false,true,false,true,false,null,null,null,null]}"#
    );
    assert_eq!(json("n: 1\ny: 2\nno: 3"), r#"{"false":3,"true":2}"#);
    assert_eq!(
        json("1: a\n1.5: b\n0x10: c\ntrue: d\nn: e\n1e3: f\n0.1: g"),
        r#"{"0.1":"g","1":"a","1.5":"b","1000":"f","16":"c","false":"e","true":"d"}"#
    );
    assert_eq!(
        json("x: yes\n\"on\": 1\non: 2"),
        r#"{"on":1,"true":2,"x":true}"#
    );
}

#[test]
fn strings_stay_strings() {
    assert_eq!(
        json("a:\n- 2001-12-14\n- 2001-12-14T21:59:43.10Z\n- 1:20\n- 12:30:45\n- 'it''s'\n- \"tab\\tnl\\n\"\n- plain # comment"),
        r#"{"a":["2001-12-14","2001-12-14T21:59:43.10Z","1:20","12:30:45","it's","tab\tnl\n","plain"]}"#
    );
    assert_eq!(
        json("a: |\n  x\n  y\nb: >\n  folded\n  text\n"),
        r#"{"a":"x\ny\n","b":"folded text\n"}"#
    );
}

#[test]
fn tags() {
    assert_eq!(
        json("a: !!str 123\nb: !!binary aGVsbG8=\nc: !!float 1\nd: !!int '7'\ne: !custom x"),
        r#"{"a":"123","b":"hello","c":1,"d":7,"e":"x"}"#
    );
    assert_eq!(
        perr("a: !!int 1.5"),
        "error converting YAML to JSON: yaml: cannot decode !!float `1.5` as a !!int"
    );
    assert_eq!(
        perr("a: !!binary '!!'"),
        "error converting YAML to JSON: yaml: !!binary value contains invalid base64 data"
    );
}

#[test]
fn null_key_is_a_conversion_error() {
    assert_eq!(
        perr("~: a"),
        "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: \"a\""
    );
}

#[test]
fn anchors_aliases_merges_duplicates() {
    assert_eq!(
        json("a: 1\na: 2\nb: &x {k: 1}\nc: *x"),
        r#"{"a":2,"b":{"k":1},"c":{"k":1}}"#
    );
    assert_eq!(
        json("base: &b {x: 1, z: 2}\nm:\n  <<: *b\n  z: 3"),
        r#"{"base":{"x":1,"z":2},"m":{"x":1,"z":3}}"#
    );
    assert_eq!(
        json("a: &a {x: 1}\nb: &b {x: 2, z: 2}\nm:\n  <<: [*a, *b]"),
        r#"{"a":{"x":1},"b":{"x":2,"z":2},"m":{"x":1,"z":2}}"#
    );
    assert_eq!(
        perr("m:\n  <<: 1"),
        "error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value"
    );
    assert_eq!(
        perr("a: *nope"),
        "error converting YAML to JSON: yaml: unknown anchor 'nope' referenced"
    );
    assert_eq!(
        perr("a: &x [*x]"),
        "error converting YAML to JSON: yaml: anchor 'x' value contains itself"
    );
}

#[test]
fn billion_laughs_is_refused() {
    let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = i - 1;
        doc.push_str(&format!(
            "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    assert_eq!(
        perr(&doc),
        "error converting YAML to JSON: yaml: document contains excessive aliasing"
    );
}

#[test]
fn deep_nesting_is_refused() {
    let doc = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let e = parse(&doc, "deep.yaml").unwrap_err();
    assert_eq!(e.kind, YamlErrorKind::Limit);
}

#[test]
fn documents_bom_and_empty() {
    assert_eq!(p(""), Value::Null);
    assert_eq!(p("# only a comment\n"), Value::Null);
    assert_eq!(p("\u{FEFF}a: 1").path("a"), Some(&Value::Float(1.0)));
    assert_eq!(json("a: 1\n---\nb: 2"), r#"{"a":1}"#);
    let all = parse_all("a: 1\n---\nb: 2\n---\n", "m").unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[2], Value::Null);
    assert!(parse_all("", "m").unwrap().is_empty());
}

#[test]
fn typed_keeps_ints() {
    let v = parse_typed("a: 1\nb: 1.0\nc: 0x10\nd: 18446744073709551615", "x").unwrap();
    assert_eq!(v.path("a"), Some(&Value::Int(1)));
    assert_eq!(v.path("b"), Some(&Value::Float(1.0)));
    assert_eq!(v.path("c"), Some(&Value::Int(16)));
    assert_eq!(v.path("d"), Some(&Value::Float(18446744073709551615.0)));
}

#[test]
fn syntax_errors_use_go_yaml_wording() {
    assert_eq!(
        perr("a:\n\tb: 1\n"),
        "error converting YAML to JSON: yaml: line 2: found character that cannot start any token"
    );
    let e = parse("a: 1\n b: 2\n", "v.yaml").unwrap_err();
    assert_eq!(e.kind, YamlErrorKind::Syntax);
    assert!(
        e.message
            .contains("mapping values are not allowed in this context"),
        "{e}"
    );
    assert_eq!(e.line, Some(2));
}

fn map(pairs: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert((*k).to_string(), v.clone());
    }
    Value::Map(m)
}

#[test]
fn to_yaml_scalars() {
    assert_eq!(to_yaml(&Value::from("scalar")), "scalar");
    assert_eq!(to_yaml(&Value::Int(1)), "1");
    assert_eq!(to_yaml(&Value::Null), "null");
    assert_eq!(to_yaml(&Value::Bool(true)), "true");
    assert_eq!(to_yaml(&Value::from("")), "\"\"");
    assert_eq!(to_yaml(&Value::Float(f64::NAN)), "");
}

#[test]
fn to_yaml_case_29_natural_order() {
    let v = p("m: {b: 1, B: 2, _c: 3, \"10\": 4, \"9\": 5, a: 6, a10: 7, a9: 8}");
    assert_eq!(
        to_yaml(v.path("m").unwrap()),
        "_c: 3\n\"9\": 5\n\"10\": 4\nB: 2\na: 6\na9: 8\na10: 7\nb: 1"
    );
}

#[test]
fn to_yaml_case_57_quoting() {
    let v = p("s: \"true\"\ne: \"\"\nnum: \"123\"\nc: \"a: b\"\nh: \"#x\"\nt: \"tab\\tx\"\nd: \"2024-01-01\"\nu: \"é\"\nem: \"😀\"");
    assert_eq!(
        to_yaml(&v),
        "c: 'a: b'\nd: \"2024-01-01\"\ne: \"\"\nem: \"\\U0001F600\"\nh: '#x'\nnum: \"123\"\ns: \"true\"\nt: \"tab\\tx\"\nu: é"
    );
}

#[test]
fn to_yaml_case_58_literals() {
    let v = p("a: \"x\\ny\"\nb: \"x\\ny\\n\"\nc: \"x\\n\\n\"\nd: \"  lead\\nx\"");
    assert_eq!(
        to_yaml(&v),
        "a: |-\n  x\n  y\nb: |\n  x\n  y\nc: |+\n  x\n\nd: |2-\n    lead\n  x"
    );
}

#[test]
fn to_yaml_case_59_structure() {
    let v = p("l: [1, [2], {k: v}, [], {}]\nz: null");
    assert_eq!(to_yaml(&v), "l:\n- 1\n- - 2\n- k: v\n- []\n- {}\nz: null");
}

#[test]
fn to_yaml_case_60_numbers() {
    let v = p("f: [1.0, 1.5, 1e21, 0.0000001, 1000000]");
    assert_eq!(
        to_yaml(v.path("f").unwrap()),
        "- 1\n- 1.5\n- 1e+21\n- 1e-07\n- 1000000"
    );
    let more = Value::List(vec![
        Value::Float(1234567.5),
        Value::Float(-0.0),
        Value::Float(1e20),
        Value::Float(1e19),
        Value::Float(12345678901234567890.0),
        Value::Int(9007199254740993),
        Value::Float(0.00001),
    ]);
    assert_eq!(
        to_yaml(&more),
        "- 1.2345675e+06\n- 0\n- 1e+20\n- 10000000000000000000\n- 12345678901234567000\n- 9007199254740993\n- 1e-05"
    );
}

#[test]
fn to_yaml_case_61_folding() {
    let s =
        "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr";
    assert_eq!(
        to_yaml(&Value::from(s)),
        "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq\n  rrrr"
    );
    let v = map(&[("long", Value::from(format!("{s} ssss tttt").as_str()))]);
    assert_eq!(
        to_yaml(&v),
        "long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp\n  qqqq rrrr ssss tttt"
    );
}

#[test]
fn to_yaml_plain_rules() {
    let cases = [
        ("-x", "-x"),
        (":x", ":x"),
        ("x,y", "x,y"),
        ("a#b", "a#b"),
        ("=", "="),
        ("<<", "<<"),
        ("é ü", "é ü"),
        ("a  b", "a  b"),
        ("-", "'-'"),
        ("- a", "'- a'"),
        ("a:", "'a:'"),
        ("a #b", "'a #b'"),
        (" lead", "' lead'"),
        ("---x", "'---x'"),
        ("it's: x", "'it''s: x'"),
        ("yes", "\"yes\""),
        ("1.0", "\"1.0\""),
        ("0755", "\"0755\""),
        ("1:20", "\"1:20\""),
        (".NaN", "\".NaN\""),
        ("ctl\u{1}x", "\"ctl\\x01x\""),
        ("trailing space \nline2", "\"trailing space \\nline2\""),
        ("x\r\ny", "\"x\\r\\ny\""),
    ];
    for (s, want) in cases {
        assert_eq!(to_yaml(&Value::from(s)), want, "{s:?}");
    }
}

#[test]
fn marshal_keeps_newline_and_pretty_indents() {
    assert_eq!(marshal(&map(&[("k", Value::from("v"))])), "k: v\n");
    let v = p("a: {l: [1, 2]}");
    assert_eq!(to_yaml_pretty(&v), "a:\n  l:\n    - 1\n    - 2");
    let f = map(&[
        ("a", Value::Float(1e6)),
        ("b", Value::Float(1234567.5)),
        ("c", Value::Float(3.0)),
        ("d", Value::Int(5)),
    ]);
    assert_eq!(to_yaml_pretty(&f), "a: 1e+06\nb: 1.2345675e+06\nc: 3\nd: 5");
}

#[test]
fn float32_keys_format() {
    assert_eq!(format_float32(1.10), "1.1");
    assert_eq!(format_float32(8.0), "8");
}

#[test]
fn nesting_up_to_the_limit_works_everywhere() {
    let d = MAX_DEPTH - 1;
    let seqs = format!("{}{}", "[".repeat(d), "]".repeat(d));
    let maps = format!("{}1{}", "{a: ".repeat(d), "}".repeat(d));
    for doc in [seqs, maps] {
        let v = parse(&doc, "x").unwrap();
        assert!(!to_yaml(&v).is_empty());
        assert!(!to_yaml_pretty(&v).is_empty());
        assert!(to_json(&v).is_ok());
    }
}

#[test]
fn slash_escape_is_unknown_to_go_yaml() {
    assert_eq!(
        perr("a: \"é\"\nb: \"x\\/\"\n"),
        "error converting YAML to JSON: yaml: line 2: found unknown escape character"
    );
    assert_eq!(json("a: \"x\\\\/\""), r#"{"a":"x\\/"}"#);
}

#[test]
fn tag_before_comma_in_flow_is_an_error_not_a_panic() {
    let e = parse("a: [!foo, x]", "v.yaml").unwrap_err();
    assert_eq!(e.kind, YamlErrorKind::Syntax);
}

#[test]
fn chart_yaml_string_fields() {
    // helm-engine.md §4.1: version: 1.10 → "1.1", description: 010 → "8",
    // keywords: [yes, 1.50] → [true 1.5], name: off → "false".
    let v = parse_typed(
        "version: 1.10\ndescription: 010\nkeywords: [yes, 1.50]\nname: off\nbig: 1000000\npi: 3.14159265358979\nk2: [1e3, 0x10, 2001-12-14]",
        "Chart.yaml",
    )
    .unwrap();
    let f = |k: &str| go_string_field(v.path(k).unwrap());
    assert_eq!(f("version").as_deref(), Some("1.1"));
    assert_eq!(f("description").as_deref(), Some("8"));
    assert_eq!(f("name").as_deref(), Some("false"));
    // Observed with helm 3.17.2: appVersion: 1000000 → 1000000, description:
    // 3.14159265358979 → 3.1415927, keywords: [1e3, 0x10, 2001-12-14] → [1000 16 2001-12-14].
    assert_eq!(f("big").as_deref(), Some("1000000"));
    assert_eq!(f("pi").as_deref(), Some("3.1415927"));
    let k2: Vec<Option<String>> = v
        .path("k2")
        .and_then(Value::as_list)
        .unwrap()
        .iter()
        .map(go_string_field)
        .collect();
    assert_eq!(
        k2,
        [
            Some("1000".into()),
            Some("16".into()),
            Some("2001-12-14".into())
        ]
    );
    let kw: Vec<Option<String>> = v
        .path("keywords")
        .and_then(Value::as_list)
        .unwrap()
        .iter()
        .map(go_string_field)
        .collect();
    assert_eq!(kw, [Some("true".to_string()), Some("1.5".to_string())]);
}

#[test]
fn block_scalar_at_end_of_text_without_newline() {
    // libyaml-safer panics on these; libyaml (and go-yaml) read them fine.
    assert_eq!(json("a: >\n  x"), r#"{"a":"x"}"#);
    assert_eq!(json("a: |\n  x\n  y"), r#"{"a":"x\ny"}"#);
    assert_eq!(json("a: |+\n  x"), r#"{"a":"x"}"#);
    assert_eq!(json("a: |-\n  x"), r#"{"a":"x"}"#);
    assert_eq!(json("a: |\n  x\n"), r#"{"a":"x\n"}"#);
    assert_eq!(json("a: |\n  x\nb: |\n  y"), r#"{"a":"x\n","b":"y"}"#);
    assert_eq!(
        to_json(&parse_all("- >\n  x\n---\n- |\n  y", "m").unwrap().into()).unwrap(),
        r#"[["x\n"],["y"]]"#
    );
}

#[test]
fn end_of_text_error_lines_as_go_yaml() {
    // Observed with helm 3.17.2 (fixture parse/444.yaml and go-yaml's scanner rules).
    assert_eq!(
        perr("{\"@2\": \"x\""),
        "error converting YAML to JSON: yaml: line 1: did not find expected ',' or '}'"
    );
    assert_eq!(
        perr("a: 'x"),
        "error converting YAML to JSON: yaml: found unexpected end of stream"
    );
    assert_eq!(
        perr("a: 1\nb: 'x"),
        "error converting YAML to JSON: yaml: line 2: found unexpected end of stream"
    );
}

#[test]
fn directives_tags_and_flow_edge_cases() {
    // Observed with helm 3.17.2 (`fromYaml … | toJson`).
    assert_eq!(
        perr("%YAML 1.2\n---\na: 1"),
        "error converting YAML to JSON: yaml: found incompatible YAML document"
    );
    assert_eq!(json("%YAML 1.1\n---\na: 1"), r#"{"a":1}"#);
    assert_eq!(json("a: !!python/tuple [1]"), r#"{"a":[1]}"#);
    assert_eq!(json("a: [1, 2, ]"), r#"{"a":[1,2]}"#);
    assert_eq!(json("? a\n? b\n"), r#"{"a":null,"b":null}"#);
    assert_eq!(json("a: {b, c: 1}"), r#"{"a":{"b":null,"c":1}}"#);
}

#[test]
fn long_and_multiline_keys_use_complex_form() {
    // Observed with helm 3.17.2.
    let k = vec!["word"; 40].join(" ");
    let short = vec!["val"; 40].join(" ");
    let v = p(&format!(
        "{{\"m\": {{\"{k}\": \"v\", \"x\\n y\": \"multi\", \"short\": \"{short}\"}}, \"l\": [{{\"{k}\": [1]}}]}}"
    ));
    let folded = "word word word word word word word word word word word word word word word word\n    word word word word word word word word word word word word word word word word\n    word word word word word word word word";
    assert_eq!(
        to_yaml(&v),
        format!("l:\n- ? {folded}\n  : - 1\nm:\n  short: val val val val val val val val val val val val val val val val val val val\n    val val val val val val val val val val val val val val val val val val val val\n    val\n  ? {folded}\n  : v\n  ? |-\n    x\n     y\n  : multi")
    );
    assert_eq!(
        to_yaml_pretty(&v),
        format!("l:\n  - ? {k}\n    : - 1\nm:\n  short: {short}\n  ? {k}\n  : v\n  ? |-\n    x\n     y\n  : multi")
    );
}

#[test]
fn nel_in_values_folds_and_in_keys_fails() {
    // Observed with helm 3.17.2: NEL is a line break to go-yaml, so in the JSON text it
    // folds like any break in a double-quoted scalar; in a key it breaks the parse and
    // toYaml prints nothing.
    assert_eq!(to_yaml(&Value::List(vec![Value::from("\u{85}")])), "- ' '");
    assert_eq!(to_yaml(&map(&[("c\u{85}d", Value::Int(2))])), "");
    assert_eq!(
        try_marshal(&map(&[("x", map(&[("c\u{85}", Value::Int(1))]))])),
        Err(MarshalError::LineBreakInKey)
    );
}

#[test]
fn keys_too_long_for_a_simple_key_make_to_yaml_fail() {
    // Observed with helm 3.17.2: a 1030-character key gives "", 1010 characters work
    // (go-yaml re-reads the JSON, where a key is a simple key of at most 1024 chars).
    let long = map(&[
        ("k".repeat(1030).as_str(), Value::Int(1)),
        ("b", Value::Int(2)),
    ]);
    assert_eq!(to_yaml(&long), "");
    let ok = map(&[("k".repeat(1010).as_str(), Value::Int(1))]);
    assert_eq!(to_yaml(&ok).len(), 1016);
    assert_eq!(
        to_yaml(&map(&[("a", Value::from("v".repeat(2000).as_str()))])).len(),
        2003
    );
    // The limit counts the JSON-quoted key: 1022 chars + 2 quotes pass, 1023 do not;
    // `<` is 6 characters as `\u003c` (all observed).
    assert!(!to_yaml(&map(&[("k".repeat(1022).as_str(), Value::Int(1))])).is_empty());
    assert_eq!(
        to_yaml(&map(&[("k".repeat(1023).as_str(), Value::Int(1))])),
        ""
    );
    assert_eq!(
        to_yaml(&map(&[("<".repeat(200).as_str(), Value::Int(1))])),
        ""
    );
    assert_eq!(
        to_yaml(&map(&[("<".repeat(170).as_str(), Value::Int(1))])).len(),
        176
    );
}
