//! A YAML emitter reproducing go-yaml's block-style output byte for byte: libyaml's
//! emitter logic as go-yaml v2 (what `toYaml` uses, through `sigs.k8s.io/yaml`) and
//! go-yaml v3 (what `toYamlPretty` uses) configure it. Only what Go values produce is
//! supported: block mappings and sequences, `{}`/`[]` for empty ones, plain, quoted
//! and literal scalars, no anchors or tags.

use super::resolve::{is_base60_float, resolve_plain, Resolved};
use super::sort::{merge_sort_by, natural_less, natural_less_v3};
use crate::gojson::{format_float_g, format_json_float};
use crate::value::Value;

/// Which go-yaml encoder to imitate.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Flavor {
    /// `sigs.k8s.io/yaml.Marshal`: JSON round trip, then go-yaml v2 (indentless
    /// sequences in mappings, folding at 80 columns).
    V2Json,
    /// go-yaml v3 encoder with indent 2 (`toYamlPretty`): no JSON step, sequences
    /// indented, no folding.
    V3,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// A scalar as the emitter sees it.
enum Scalar<'a> {
    /// A Go string (style chosen by the string rules).
    Str(&'a str),
    /// Any other scalar, always requested plain.
    Other(String),
}

#[derive(Default, Clone, Copy)]
struct Ctx {
    mapping: bool,
    simple_key: bool,
}

struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// go-yaml's `is_printable` on one character.
fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '\t'))
}

fn is_blankz(c: Option<char>) -> bool {
    match c {
        None | Some('\0') => true,
        Some(c) => c == ' ' || c == '\t' || is_break(c),
    }
}

/// libyaml's `yaml_emitter_analyze_scalar` as go-yaml has it (unicode output on). v3
/// (`tabs_allowed_in_blocks`) lets tabs into literal blocks; v2 treats them as special.
fn analyze(value: &str, tabs_allowed_in_blocks: bool) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = value.starts_with("---") || value.starts_with("...");
    let mut line_breaks = false;
    let mut special = false;
    let mut tabs = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut preceded_by_ws = true;
    let mut prev_space = false;
    let mut prev_break = false;
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    for i in 0..n {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let followed_by_ws = next.is_none() || is_blank(next) || next.is_some_and(is_break);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_ws => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => block_indicators = true,
                '#' if preceded_by_ws => block_indicators = true,
                _ => {}
            }
        }
        if c == '\t' && tabs_allowed_in_blocks {
            tabs = true;
        } else if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if prev_break {
                break_space = true;
            }
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if prev_space {
                space_break = true;
            }
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_by_ws = is_blankz(Some(c));
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space || tabs {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// The style go-yaml's encoder requests for a Go string (`encoder.stringv`).
fn requested_string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolve_plain(s) == Resolved::Str && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

/// The emitter state (libyaml's `yaml_emitter_t`, the parts block output needs).
pub(crate) struct Emitter {
    out: String,
    column: i64,
    whitespace: bool,
    indention: bool,
    indent: i64,
    indents: Vec<i64>,
    best_width: i64,
    flavor: Flavor,
}

impl Emitter {
    pub(crate) fn new(flavor: Flavor) -> Self {
        Emitter {
            out: String::new(),
            column: 0,
            whitespace: true,
            indention: true,
            indent: -1,
            indents: Vec::new(),
            best_width: match flavor {
                Flavor::V2Json => 80,
                Flavor::V3 => i64::MAX,
            },
            flavor,
        }
    }

    /// Emits one document holding `v` and returns the text (ending with a newline).
    pub(crate) fn document(mut self, v: &Value) -> String {
        self.node(v, Ctx::default());
        // Document end: an implicit end only breaks the line.
        self.write_indent();
        self.out
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        self.indention = true;
    }

    fn write_str(&mut self, s: &str) {
        for c in s.chars() {
            self.put(c);
        }
    }

    fn write_break_char(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
            self.indention = true;
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { 2 } else { 0 };
        } else if !indentless {
            self.indent += 2;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        self.write_str(ind);
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    /// Emits a node (recursive; frames kept small for deep values).
    fn node(&mut self, v: &Value, ctx: Ctx) {
        match v {
            Value::List(l) if !l.is_empty() => self.block_sequence(l, ctx),
            Value::Map(m) if !m.is_empty() => self.block_mapping(m),
            _ => self.leaf(v, ctx),
        }
    }

    fn block_sequence(&mut self, l: &[Value], ctx: Ctx) {
        let indentless = match self.flavor {
            Flavor::V2Json => ctx.mapping && !self.indention,
            Flavor::V3 => false,
        };
        self.increase_indent(false, indentless);
        for item in l {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, Ctx::default());
        }
        self.pop_indent();
    }

    fn block_mapping(&mut self, m: &crate::value::Map) {
        let mut pairs: Vec<(&str, &Value)> = m.iter().map(|(k, v)| (k.as_str(), v)).collect();
        self.mapping_pairs(&mut pairs);
    }

    fn mapping_pairs(&mut self, pairs: &mut [(&str, &Value)]) {
        match self.flavor {
            Flavor::V2Json => merge_sort_by(pairs, &|a, b| natural_less(a.0, b.0)),
            Flavor::V3 => merge_sort_by(pairs, &|a, b| natural_less_v3(a.0, b.0)),
        }
        self.increase_indent(false, false);
        for &mut (k, val) in pairs {
            self.mapping_key(k);
            self.node(
                val,
                Ctx {
                    mapping: true,
                    simple_key: false,
                },
            );
        }
        self.pop_indent();
    }

    /// Writes a key and its `:` (libyaml's simple key, or `? key` + `:` when the key
    /// is multi-line or longer than 128 bytes).
    #[inline(never)]
    fn mapping_key(&mut self, k: &str) {
        self.write_indent();
        let simple = !k.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']) && k.len() <= 128;
        if simple {
            self.scalar(
                &Scalar::Str(k),
                Ctx {
                    mapping: true,
                    simple_key: true,
                },
            );
            self.write_indicator(":", false, false, false);
        } else {
            self.write_indicator("?", true, false, true);
            self.scalar(
                &Scalar::Str(k),
                Ctx {
                    mapping: true,
                    simple_key: false,
                },
            );
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
    }

    #[inline(never)]
    fn leaf(&mut self, v: &Value, ctx: Ctx) {
        match v {
            Value::List(_) => self.empty_flow("[", "]"),
            Value::Map(_) => self.empty_flow("{", "}"),
            Value::Null => self.scalar(&Scalar::Other("null".into()), ctx),
            Value::Bool(b) => self.scalar(&Scalar::Other(b.to_string()), ctx),
            Value::Int(i) => self.scalar(&Scalar::Other(i.to_string()), ctx),
            Value::Float(f) => {
                let text = match self.flavor {
                    Flavor::V2Json => json_number_as_yaml(*f),
                    Flavor::V3 => yaml_float(*f),
                };
                self.scalar(&Scalar::Other(text), ctx)
            }
            Value::String(s) => self.scalar(&Scalar::Str(s), ctx),
        }
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn scalar(&mut self, s: &Scalar<'_>, ctx: Ctx) {
        let folded;
        let s = match s {
            Scalar::Str(t) if self.flavor == Flavor::V2Json && t.contains('\u{85}') => {
                folded = fold_nel(t);
                &Scalar::Str(&folded)
            }
            other => other,
        };
        let (text, requested) = match s {
            Scalar::Str(t) => (*t, requested_string_style(t)),
            Scalar::Other(t) => (t.as_str(), Style::Plain),
        };
        let a = analyze(text, self.flavor == Flavor::V3);
        let mut style = requested;
        if ctx.simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!a.block_plain_allowed || (text.is_empty() && ctx.simple_key))
        {
            style = Style::Single;
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block_allowed || ctx.simple_key) {
            style = Style::Double;
        }
        self.increase_indent(true, false);
        let allow_breaks = !ctx.simple_key;
        match style {
            Style::Plain => self.write_plain(text, allow_breaks),
            Style::Single => self.write_single(text, allow_breaks),
            Style::Double => self.write_double(text, allow_breaks),
            Style::Literal => self.write_literal(text),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break_char(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i + 1 < n
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break_char(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, value: &str, allow_breaks: bool) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = c as u32;
                        let (letter, width) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..width).rev() {
                            self.put(HEX[((v >> (k * 4)) & 0xF) as usize] as char);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > self.best_width && i != 0 && i + 1 != n
                {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        // Block scalar hints: indentation indicator, then chomping.
        let first = value.chars().next();
        if first.is_some_and(|c| c == ' ' || is_break(c)) {
            self.write_indicator("2", false, false, false);
        }
        let mut rev = value.chars().rev();
        let chomp = match (rev.next(), rev.next()) {
            (None, _) => Some("-"),
            (Some(l), _) if !is_break(l) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(p)) if is_break(p) => Some("+"),
            _ => None,
        };
        if let Some(h) = chomp {
            self.write_indicator(h, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break_char(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// What go-yaml v2 reads back from a JSON string holding raw NEL characters (U+0085,
/// which Go's JSON leaves unescaped): YAML treats NEL as a line break inside the
/// double-quoted scalar and folds it — spaces around a break are dropped, a single
/// break becomes a space, `n` breaks in a row become `n - 1` newlines.
pub(crate) fn fold_nel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut ws = String::new();
    let mut leading_blanks = false;
    let mut trailing_breaks = 0usize;
    let join = |out: &mut String, ws: &mut String, leading: &mut bool, trailing: &mut usize| {
        if *leading {
            if *trailing == 0 {
                out.push(' ');
            } else {
                for _ in 0..*trailing {
                    out.push('\n');
                }
            }
            *leading = false;
            *trailing = 0;
        } else {
            out.push_str(ws);
        }
        ws.clear();
    };
    for c in s.chars() {
        match c {
            ' ' => {
                if !leading_blanks {
                    ws.push(' ');
                }
            }
            '\u{85}' => {
                if leading_blanks {
                    trailing_breaks += 1;
                } else {
                    ws.clear();
                    leading_blanks = true;
                }
            }
            c => {
                join(&mut out, &mut ws, &mut leading_blanks, &mut trailing_breaks);
                out.push(c);
            }
        }
    }
    join(&mut out, &mut ws, &mut leading_blanks, &mut trailing_breaks);
    out
}

/// True for characters Go's JSON writes raw but go-yaml's reader rejects ("control
/// characters are not allowed"): DEL, C1 controls except NEL, U+FFFE and U+FFFF.
pub(crate) fn yaml_reader_rejects(c: char) -> bool {
    let u = c as u32;
    u == 0x7F || (0x80..=0x9F).contains(&u) && u != 0x85 || u == 0xFFFE || u == 0xFFFF
}

/// A float64 after Go's JSON encoding and go-yaml v2's re-reading of that JSON number:
/// integral values in the int64/uint64 range print as integers, others with `%g`.
fn json_number_as_yaml(f: f64) -> String {
    let Ok(text) = format_json_float(f) else {
        return yaml_float(f);
    };
    match resolve_plain(&text) {
        Resolved::Int(i) => i.to_string(),
        Resolved::Uint(u) => u.to_string(),
        Resolved::Float(g) => yaml_float(g),
        _ => text,
    }
}

/// go-yaml's float formatting: `%g` shortest, `.inf`, `-.inf`, `.nan`.
fn yaml_float(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.into()
    } else {
        format_float_g(f, false)
    }
}
