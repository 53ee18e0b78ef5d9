//! `--set`, `--set-string`, `--set-json`, `--set-file` and `--set-literal` parsing, as
//! Helm's `pkg/strvals`: `a.b[0].c=v,d={x,y}` written *into* an existing values map,
//! with Helm's typing of scalars, its escapes, index limits and error messages.

use crate::value::{Map, Value};

/// The largest list index `--set` accepts.
pub const MAX_INDEX: i64 = 65536;
/// The deepest `a.b.c…` nesting `--set` accepts.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// A `--set`-family parse error, with Helm's message.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct StrvalsError(pub String);

/// How values are read.
enum Reader<'a> {
    /// `--set`: typed scalars (bools, null, base-10 ints).
    Typed,
    /// `--set-string`: every value a string.
    Strings,
    /// `--set-json`: JSON values.
    Json,
    /// `--set-file`: the value names a file whose content becomes the string value.
    File(&'a mut dyn FnMut(&str) -> Result<String, String>),
}

/// An internal outcome: an error message or the end of the input (Go's `io.EOF`).
#[derive(Debug)]
enum Stop {
    Eof,
    Err(String),
}

impl From<String> for Stop {
    fn from(s: String) -> Self {
        Stop::Err(s)
    }
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    reader: Reader<'a>,
    literal: bool,
}

/// `--set`: parses `line` into `dest`.
pub fn parse_into(line: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    Parser::new(line, Reader::Typed, false).parse(dest)
}

/// `--set-string`: parses `line` into `dest`, every value a string.
pub fn parse_into_string(line: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    Parser::new(line, Reader::Strings, false).parse(dest)
}

/// `--set-json`: parses `line` into `dest`, values as JSON (empty value → null).
pub fn parse_json(line: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    Parser::new(line, Reader::Json, false).parse(dest)
}

/// `--set-file`: parses `line` into `dest`; `read` turns a path into its content.
pub fn parse_into_file(
    line: &str,
    dest: &mut Map,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<(), StrvalsError> {
    Parser::new(line, Reader::File(read), false).parse(dest)
}

/// `--set-literal`: the whole rest after the first `=` is one literal string.
pub fn parse_literal_into(line: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    Parser::new(line, Reader::Strings, true).parse(dest)
}

/// Helm's typing of a `--set` scalar.
pub fn typed_val(s: &str, strings: bool) -> Value {
    if strings {
        return Value::String(s.into());
    }
    if s.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if s.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if s.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if s == "0" {
        return Value::Int(0);
    }
    if !s.is_empty() && !s.starts_with('0') {
        if let Some(i) = parse_go_int64(s) {
            return Value::Int(i);
        }
    }
    Value::String(s.into())
}

/// `strconv.ParseInt(s, 10, 64)`: optional sign, ASCII digits, in range.
fn parse_go_int64(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `strconv.Atoi` with Go's error text.
fn go_atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            go_quote(s)
        ));
    }
    s.parse()
        .map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", go_quote(s)))
}

fn go_quote(s: &str) -> String {
    crate::engine::manifest::go_quote(s)
}

/// The Go dynamic type name of a value, as an `interface conversion` panic prints it.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "nil",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::List(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
    }
}

fn conversion_panic(v: &Value, want: &str) -> String {
    format!(
        "interface conversion: interface {{}} is {}, not {want}",
        go_type(v)
    )
}

fn set(data: &mut Map, key: &str, val: Value) {
    if !key.is_empty() {
        data.insert(key.to_string(), val);
    }
}

fn set_index(
    mut list: Vec<Value>,
    index: i64,
    val: Value,
) -> Result<Vec<Value>, (Vec<Value>, String)> {
    if index < 0 {
        return Err((list, format!("negative {index} index not allowed")));
    }
    if index > MAX_INDEX {
        return Err((
            list,
            format!("index of {index} is greater than maximum supported index of {MAX_INDEX}"),
        ));
    }
    let i = index as usize;
    if list.len() <= i {
        list.resize(i + 1, Value::Null);
    }
    list[i] = val;
    Ok(list)
}

impl<'a> Parser<'a> {
    fn new(line: &str, reader: Reader<'a>, literal: bool) -> Parser<'a> {
        Parser {
            chars: line.chars().collect(),
            pos: 0,
            reader,
            literal,
        }
    }

    fn parse(mut self, dest: &mut Map) -> Result<(), StrvalsError> {
        loop {
            match self.key(dest, 0) {
                Ok(()) => continue,
                Err(Stop::Eof) => return Ok(()),
                Err(Stop::Err(e)) => return Err(StrvalsError(e)),
            }
        }
    }

    fn read(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    /// Reads until one of `stop` (consumed); `\` escapes the next character (not in
    /// literal mode). Returns the text and the stop character, or `None` at the end.
    fn until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            match self.read() {
                None => return (v, None),
                Some(c) if stop.contains(&c) => return (v, Some(c)),
                Some('\\') if !self.literal => match self.read() {
                    None => return (v, None),
                    Some(n) => v.push(n),
                },
                Some(c) => v.push(c),
            }
        }
    }

    fn key(&mut self, data: &mut Map, mut level: usize) -> Result<(), Stop> {
        let stop: &[char] = if self.literal {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (k, last) = self.until(stop);
        match last {
            None => {
                if k.is_empty() {
                    Err(Stop::Eof)
                } else {
                    Err(Stop::Err(format!("key {} has no value", go_quote(&k))))
                }
            }
            Some('[') => {
                let i = self
                    .key_index()
                    .map_err(|e| format!("error parsing index: {e}"))?;
                let list = match data.get(&k) {
                    None => Vec::new(),
                    Some(Value::List(l)) => l.clone(),
                    Some(other) => {
                        return Err(Stop::Err(format!(
                            "unable to parse key: {}",
                            conversion_panic(other, "[]interface {}")
                        )))
                    }
                };
                let (list, err) = match self.list_item(list, i, level) {
                    Ok(l) => (l, None),
                    Err((l, e)) => (l, Some(e)),
                };
                set(data, &k, Value::List(list));
                match err {
                    None => Ok(()),
                    Some(e) => Err(e),
                }
            }
            Some('=') => self.assign(data, &k),
            Some(',') => {
                set(data, &k, Value::String(String::new()));
                Err(Stop::Err(format!(
                    "key {} has no value (cannot end with ,)",
                    go_quote(&k)
                )))
            }
            Some(_) => {
                // '.'
                level += 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(Stop::Err(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let mut inner = match data.get(&k) {
                    None => Map::new(),
                    Some(Value::Map(m)) => m.clone(),
                    Some(other) => {
                        return Err(Stop::Err(format!(
                            "unable to parse key: {}",
                            conversion_panic(other, "map[string]interface {}")
                        )))
                    }
                };
                let e = self.key(&mut inner, level);
                let empty = inner.is_empty();
                if !empty {
                    set(data, &k, Value::Map(inner));
                }
                match e {
                    Ok(()) if empty => {
                        Err(Stop::Err(format!("key map {} has no value", go_quote(&k))))
                    }
                    other => other,
                }
            }
        }
    }

    /// After `KEY=`: reads the value(s) and stores them.
    fn assign(&mut self, data: &mut Map, k: &str) -> Result<(), Stop> {
        if self.literal {
            let (v, _) = self.until(&[]);
            set(data, k, Value::String(v));
            return Ok(());
        }
        if matches!(self.reader, Reader::Json) {
            if self.empty_val() {
                set(data, k, Value::Null);
                return Ok(());
            }
            let v = self.json_value()?;
            set(data, k, v);
            self.empty_val();
            return Ok(());
        }
        match self.val_list() {
            Ok(Some(list)) => {
                set(data, k, Value::List(list));
                Ok(())
            }
            Ok(None) => {
                let (rs, _) = self.until(&[',']);
                let v = self.convert(&rs);
                match v {
                    Ok(v) => {
                        set(data, k, v);
                        Ok(())
                    }
                    Err(e) => {
                        set(data, k, Value::Null);
                        Err(Stop::Err(e))
                    }
                }
            }
            Err(Stop::Eof) => {
                set(data, k, Value::String(String::new()));
                Err(Stop::Eof)
            }
            Err(e) => Err(e),
        }
    }

    fn convert(&mut self, rs: &str) -> Result<Value, String> {
        match &mut self.reader {
            Reader::Typed => Ok(typed_val(rs, false)),
            Reader::Strings => Ok(typed_val(rs, true)),
            Reader::Json => Ok(typed_val(rs, false)),
            Reader::File(read) => read(rs).map(Value::String),
        }
    }

    /// Consumes blanks; true at a `,` (consumed) or the end, false before anything else.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => continue,
                Some(_) => {
                    self.unread();
                    return false;
                }
            }
        }
    }

    /// Decodes one JSON value from the input (as Go's `json.Decoder`), consuming it.
    fn json_value(&mut self) -> Result<Value, String> {
        let rest: String = self.chars[self.pos..].iter().collect();
        let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(v)) => {
                let used = rest[..stream.byte_offset()].chars().count();
                self.pos += used;
                Ok(Value::from_json_go(&v))
            }
            Some(Err(e)) => Err(json_error_text(&e)),
            None => Err("EOF".into()),
        }
    }

    /// `{a,b}` list literal: `Ok(None)` when the value is not a list.
    fn val_list(&mut self) -> Result<Option<Vec<Value>>, Stop> {
        match self.read() {
            None => return Err(Stop::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Ok(None);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.until(&[',', '}']);
            match last {
                None => return Err(Stop::Err("list must terminate with '}'".into())),
                Some('}') => {
                    match self.read() {
                        Some(',') | None => {}
                        Some(_) => self.unread(),
                    }
                    let v = self.convert(&rs).map_err(Stop::Err)?;
                    list.push(v);
                    return Ok(Some(list));
                }
                Some(_) => {
                    let v = self.convert(&rs).map_err(Stop::Err)?;
                    list.push(v);
                }
            }
        }
    }

    fn key_index(&mut self) -> Result<i64, String> {
        let (v, last) = self.until(&[']']);
        if last.is_none() {
            return Err("EOF".into());
        }
        go_atoi(&v)
    }

    fn list_item(
        &mut self,
        mut list: Vec<Value>,
        i: i64,
        level: usize,
    ) -> Result<Vec<Value>, (Vec<Value>, Stop)> {
        if i < 0 {
            return Err((list, Stop::Err(format!("negative {i} index not allowed"))));
        }
        let (k, last) = self.until(&['[', '.', '=']);
        if !k.is_empty() {
            return Err((
                list,
                Stop::Err(format!(
                    "unexpected data at end of array index: {}",
                    go_quote_runes(&k)
                )),
            ));
        }
        let wrap =
            |r: Result<Vec<Value>, (Vec<Value>, String)>| r.map_err(|(l, e)| (l, Stop::Err(e)));
        match last {
            None => Err((list, Stop::Eof)),
            Some('=') => {
                if self.literal {
                    let (v, _) = self.until(&[]);
                    return wrap(set_index(list, i, Value::String(v)));
                }
                if matches!(self.reader, Reader::Json) {
                    if self.empty_val() {
                        return wrap(set_index(list, i, Value::Null));
                    }
                    let v = match self.json_value() {
                        Ok(v) => v,
                        Err(e) => return Err((list, Stop::Err(e))),
                    };
                    let list = wrap(set_index(list, i, v))?;
                    self.empty_val();
                    return Ok(list);
                }
                match self.val_list() {
                    Ok(Some(vl)) => wrap(set_index(list, i, Value::List(vl))),
                    Err(Stop::Eof) => wrap(set_index(list, i, Value::String(String::new()))),
                    Err(e) => Err((list, e)),
                    Ok(None) => {
                        let (rs, _) = self.until(&[',']);
                        match self.convert(&rs) {
                            Ok(v) => wrap(set_index(list, i, v)),
                            Err(e) => Err((list, Stop::Err(e))),
                        }
                    }
                }
            }
            Some('[') => {
                let next = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return Err((list, Stop::Err(format!("error parsing index: {e}")))),
                };
                let current = match list.get(i as usize) {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::List(l)) => l.clone(),
                    Some(other) => {
                        let msg = format!(
                            "unable to parse key: {}",
                            conversion_panic(other, "[]interface {}")
                        );
                        return Err((list, Stop::Err(msg)));
                    }
                };
                match self.list_item(current, next, level) {
                    Ok(l2) => wrap(set_index(list, i, Value::List(l2))),
                    Err((_, e)) => Err((list, e)),
                }
            }
            Some(_) => {
                // '.': a nested object.
                let mut inner = Map::new();
                if let Some(slot) = list.get_mut(i as usize) {
                    match slot {
                        Value::Map(m) => inner = m.clone(),
                        _ => *slot = Value::Map(Map::new()),
                    }
                }
                if let Err(e) = self.key(&mut inner, level) {
                    return Err((list, e));
                }
                wrap(set_index(list, i, Value::Map(inner)))
            }
        }
    }
}

fn go_quote_runes(s: &str) -> String {
    // Go formats a []rune with %q as a list of quoted characters.
    let parts: Vec<String> = s
        .chars()
        .map(|c| {
            if c == '\'' {
                "'\\''".to_string()
            } else {
                let q = go_quote(&c.to_string());
                format!("'{}'", &q[1..q.len() - 1])
            }
        })
        .collect();
    format!("[{}]", parts.join(" "))
}

/// Go's `encoding/json` wording for the common syntax errors.
fn json_error_text(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => "unexpected EOF".into(),
        _ => format!(
            "invalid character in JSON value at column {}: {e}",
            e.column()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_json(lines: &[&str]) -> Result<String, String> {
        let mut m = Map::new();
        for l in lines {
            parse_into(l, &mut m).map_err(|e| e.to_string())?;
        }
        Ok(crate::gojson::to_json(&Value::Map(m)).unwrap())
    }

    #[test]
    fn typing_follows_helm() {
        assert_eq!(typed_val("1", false), Value::Int(1));
        assert_eq!(typed_val("-5", false), Value::Int(-5));
        assert_eq!(typed_val("+5", false), Value::Int(5));
        assert_eq!(typed_val("0", false), Value::Int(0));
        for s in [
            "1.5",
            "1e3",
            "0x1F",
            "007",
            "00",
            "nil",
            "~",
            "9223372036854775808",
        ] {
            assert_eq!(typed_val(s, false), Value::String(s.into()), "{s}");
        }
        assert_eq!(typed_val("TRUE", false), Value::Bool(true));
        assert_eq!(typed_val("Null", false), Value::Null);
        assert_eq!(typed_val("1", true), Value::String("1".into()));
    }

    #[test]
    fn spec_examples() {
        // §10 rows 80, 81.
        assert_eq!(
            set_json(&[r"list={a,b},empty={},esc=a\,b,k=v=w,n=null"]).unwrap(),
            r#"{"empty":[""],"esc":"a,b","k":"v=w","list":["a","b"],"n":null}"#
        );
        assert_eq!(
            set_json(&["l[2]=x,m[0].k=v"]).unwrap(),
            r#"{"l":[null,null,"x"],"m":[{"k":"v"}]}"#
        );
        assert_eq!(
            set_json(&[r"dotted\.key=1"]).unwrap(),
            r#"{"dotted.key":1}"#
        );
        assert_eq!(
            set_json(&["x=  spaced  "]).unwrap(),
            r#"{"x":"  spaced  "}"#
        );
        assert_eq!(set_json(&["a=\"q\""]).unwrap(), r#"{"a":"\"q\""}"#);
        assert_eq!(set_json(&["k="]).unwrap(), r#"{"k":""}"#);
        assert_eq!(set_json(&[".a=1"]).unwrap(), r#"{}"#);
        assert_eq!(set_json(&["a[0][1]=x"]).unwrap(), r#"{"a":[[null,"x"]]}"#);
    }

    #[test]
    fn errors_match_helm() {
        assert_eq!(
            set_json(&["name=a,b"]).unwrap_err(),
            r#"key "b" has no value"#
        );
        assert_eq!(set_json(&["k"]).unwrap_err(), r#"key "k" has no value"#);
        assert_eq!(
            set_json(&["k,"]).unwrap_err(),
            r#"key "k" has no value (cannot end with ,)"#
        );
        assert_eq!(
            set_json(&["a.=1"]).unwrap_err(),
            r#"key map "a" has no value"#
        );
        assert_eq!(
            set_json(&["l[70000]=x"]).unwrap_err(),
            "index of 70000 is greater than maximum supported index of 65536"
        );
        assert_eq!(
            set_json(&["l[-1]=x"]).unwrap_err(),
            "negative -1 index not allowed"
        );
        assert_eq!(
            set_json(&["l[a]=x"]).unwrap_err(),
            r#"error parsing index: strconv.Atoi: parsing "a": invalid syntax"#
        );
        assert_eq!(
            set_json(&["s=x", "s.a=1"]).unwrap_err(),
            "unable to parse key: interface conversion: interface {} is string, not map[string]interface {}"
        );
        let ok = (0..31)
            .map(|i| format!("k{i}"))
            .collect::<Vec<_>>()
            .join(".")
            + "=1";
        assert!(set_json(&[&ok]).is_ok());
        let deep = (0..32)
            .map(|i| format!("k{i}"))
            .collect::<Vec<_>>()
            .join(".")
            + "=1";
        assert!(set_json(&[&deep]).unwrap_err().contains("nested level"));
    }

    #[test]
    fn writes_into_existing_lists() {
        let mut m = Map::new();
        m.insert(
            "l".into(),
            Value::List(vec![
                Value::Float(1.0),
                Value::Float(2.0),
                Value::Float(3.0),
            ]),
        );
        parse_into("l[0]=q", &mut m).unwrap();
        assert_eq!(
            m["l"],
            Value::List(vec![Value::from("q"), Value::Float(2.0), Value::Float(3.0)])
        );
        m.insert("d".into(), Value::Null);
        assert_eq!(
            parse_into("d.e=5", &mut m).unwrap_err().to_string(),
            "unable to parse key: interface conversion: interface {} is nil, not map[string]interface {}"
        );
    }

    #[test]
    fn string_json_literal_and_file_forms() {
        let mut m = Map::new();
        parse_into_string("a=1,b=true", &mut m).unwrap();
        assert_eq!(m["a"], Value::from("1"));
        parse_json(r#"j={"x":[1,"y"]},e=,n=null"#, &mut m).unwrap();
        assert_eq!(crate::gojson::to_json(&m["j"]).unwrap(), r#"{"x":[1,"y"]}"#);
        assert_eq!(m["e"], Value::Null);
        parse_literal_into(r"x=a,b=c\d", &mut m).unwrap();
        assert_eq!(m["x"], Value::from(r"a,b=c\d"));
        let mut read = |p: &str| Ok(format!("content of {p}"));
        parse_into_file("f=path.txt", &mut m, &mut read).unwrap();
        assert_eq!(m["f"], Value::from("content of path.txt"));
    }
}
