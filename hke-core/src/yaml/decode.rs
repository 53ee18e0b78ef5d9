//! YAML text to [`Value`]: the events of a libyaml-compatible parser are composed into a
//! node tree (anchors registered when a node starts, as go-yaml v2 does), then decoded
//! the way go-yaml v2 decodes into `interface{}`: YAML 1.1 resolution, `!!` tags,
//! `<<` merge keys applied in document order, aliases expanded under go-yaml's
//! "excessive aliasing" rule plus explicit depth and size limits. Map keys become
//! strings as `sigs.k8s.io/yaml` converts them (bools `true`/`false`, ints in decimal,
//! floats with 32-bit `%g`); with the JSON step, every number becomes a float and
//! non-finite floats are an error, exactly as Helm's values loading sees it.

use std::collections::HashMap;

use libyaml_safer::{ErrorKind, EventData, Mark, Parser};

use super::resolve::{resolve_inner, Resolved};
use super::{YamlError, YamlErrorKind};
use crate::gojson::format_float_g;
use crate::value::{Map, Value};

/// Deepest nesting of collections (aliases included) a document may have.
pub const MAX_DEPTH: usize = 1000;
/// Most values a document may decode to after alias expansion.
pub const MAX_DECODED_NODES: usize = 10_000_000;

const STR_TAG: &str = "tag:yaml.org,2002:str";
const BOOL_TAG: &str = "tag:yaml.org,2002:bool";
const INT_TAG: &str = "tag:yaml.org,2002:int";
const FLOAT_TAG: &str = "tag:yaml.org,2002:float";
const NULL_TAG: &str = "tag:yaml.org,2002:null";
const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
const MERGE_TAG: &str = "tag:yaml.org,2002:merge";

/// One composed node; children refer to other nodes by index.
#[derive(Debug)]
enum Node {
    Scalar {
        value: String,
        tag: Option<String>,
        implicit: bool,
        mark: Mark,
    },
    Seq(Vec<usize>),
    Map(Vec<usize>),
    Alias {
        target: usize,
        name: String,
    },
}

/// A parsed document: node arena and its root.
struct Doc {
    nodes: Vec<Node>,
    root: usize,
}

/// How decoded numbers and keys are typed.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Mode {
    /// `sigs.k8s.io/yaml.Unmarshal`: through JSON, every number a float, non-finite an
    /// error.
    JsonStep,
    /// go-yaml v2 alone: ints stay ints (`u64` beyond `i64` become floats).
    Typed,
}

/// End of the original text when a newline was appended to it: marks at or past
/// `len` are reported at (`line`, `column`), where the original text ends.
#[derive(Clone, Copy)]
struct EofFix {
    len: usize,
    line: u64,
    column: u64,
}

impl EofFix {
    fn new(text: &str) -> Self {
        let (mut line, mut column) = (0u64, 0u64);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    line += 1;
                    column = 0;
                }
                '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                    line += 1;
                    column = 0;
                }
                _ => column += 1,
            }
        }
        EofFix {
            len: text.len(),
            line,
            column,
        }
    }

    fn remap(&self, m: Mark) -> Mark {
        if m.index as usize >= self.len {
            let mut r = m;
            r.index = self.len as u64;
            r.line = self.line;
            r.column = self.column;
            r
        } else {
            m
        }
    }
}

fn syntax_error(origin: &str, e: &libyaml_safer::Error, eof: Option<&EofFix>) -> YamlError {
    // Parser errors at the end point at the STREAM-END token, which libyaml puts on a
    // new line anyway when the text does not end with one; scanner errors point at the
    // end of the text itself.
    let scanner = e.kind() == ErrorKind::Scanner;
    let remap = |m: Mark| match eof {
        Some(f) if scanner => f.remap(m),
        _ => m,
    };
    let pm = e.problem_mark().map(remap);
    let cm = e.context_mark().map(remap);
    // go-yaml v2's `parser.fail`: the problem line (0-based!) for parser errors, +1 for
    // scanner errors; else the context line; no line when both are 0.
    let mut line = 0u64;
    if let Some(p) = pm.filter(|p| p.line != 0) {
        line = p.line;
        if e.kind() == ErrorKind::Scanner {
            line += 1;
        }
    } else if let Some(c) = cm.filter(|c| c.line != 0) {
        line = c.line;
    }
    let problem = e.problem();
    let problem = if problem.is_empty() {
        "unknown problem parsing YAML content"
    } else {
        problem
    };
    let message = if line != 0 {
        format!("yaml: line {line}: {problem}")
    } else {
        format!("yaml: {problem}")
    };
    let at = pm.or(cm);
    YamlError {
        origin: origin.to_string(),
        line: at.map(|m| m.line as usize + 1),
        column: at.map(|m| m.column as usize + 1),
        kind: YamlErrorKind::Syntax,
        message,
        json_step: true,
    }
}

fn plain_error(
    origin: &str,
    kind: YamlErrorKind,
    message: String,
    mark: Option<Mark>,
) -> YamlError {
    YamlError {
        origin: origin.to_string(),
        line: mark.map(|m| m.line as usize + 1),
        column: mark.map(|m| m.column as usize + 1),
        kind,
        message,
        json_step: true,
    }
}

/// Byte offset of the first character go-yaml's reader refuses ("control characters
/// are not allowed"): anything but TAB, LF, CR, printable ASCII, NEL, U+00A0..U+D7FF,
/// U+E000..U+FFFD and U+10000 and above.
fn first_disallowed(text: &str) -> Option<usize> {
    text.char_indices()
        .find(|&(_, c)| {
            let u = c as u32;
            !(c == '\t'
                || c == '\n'
                || c == '\r'
                || (0x20..=0x7E).contains(&u)
                || u == 0x85
                || (0xA0..=0xD7FF).contains(&u)
                || (0xE000..=0xFFFD).contains(&u)
                || u >= 0x10000)
        })
        .map(|(i, _)| i)
}

/// Where go-yaml's reader notices a refused character at byte `bad`: it validates the
/// input 512 raw bytes at a time (a refill keeps the bytes of a character split by the
/// previous chunk's end), so the error comes as soon as the scanner needs anything
/// from the chunk holding that character. Returns the chunk's first byte.
fn go_reader_chunk_start(text: &str, bad: usize) -> usize {
    const RAW_BUFFER: usize = 512;
    let mut start = 0;
    loop {
        let end = (start + RAW_BUFFER).min(text.len());
        if bad < end || end >= text.len() {
            return start;
        }
        let mut b = end;
        while b > start && !text.is_char_boundary(b) {
            b -= 1;
        }
        if b == start {
            return start;
        }
        start = b;
    }
}

/// What the parser reads: the text up to the go-yaml reader chunk holding the first
/// refused character (`limit`); go-yaml raises its error only when it loads that chunk.
struct Source<'t> {
    origin: &'t str,
    limit: usize,
    /// Set when a newline was appended to a text that did not end with a line break
    /// (libyaml-safer 0.3 panics on a block scalar ending the text; libyaml does not).
    eof_fix: Option<EofFix>,
}

impl Source<'_> {
    fn control_error(&self) -> YamlError {
        plain_error(
            self.origin,
            YamlErrorKind::Syntax,
            "yaml: control characters are not allowed".into(),
            None,
        )
    }

    /// The next parser event. Events and errors reaching the cut position mean the real
    /// reader would have met the refused character first. libyaml-safer 0.3 panics
    /// (instead of failing) on a tag directly followed by `,` in a flow collection
    /// (`[!t, x]`); that panic becomes the error go-yaml gives for a tag not followed by
    /// a blank (go-yaml itself reads `!t,` as the tag there: a known divergence).
    fn next_event(
        &self,
        parser: &mut Parser<&mut &[u8]>,
    ) -> Result<libyaml_safer::Event, YamlError> {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse())) {
            Ok(Ok(ev)) => {
                if ev.end_mark.index as usize >= self.limit {
                    Err(self.control_error())
                } else {
                    Ok(ev)
                }
            }
            Ok(Err(e)) => {
                let at = e.problem_mark().map_or(usize::MAX, |m| m.index as usize);
                if self.limit != usize::MAX && at >= self.limit {
                    Err(self.control_error())
                } else {
                    Err(syntax_error(self.origin, &e, self.eof_fix.as_ref()))
                }
            }
            Err(payload) => {
                if self.limit != usize::MAX {
                    return Err(self.control_error());
                }
                let what = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let message = if what.starts_with("TODO") {
                    "yaml: did not find expected whitespace or line break".to_string()
                } else {
                    format!("yaml: internal parser error: {what}")
                };
                Err(plain_error(
                    self.origin,
                    YamlErrorKind::Syntax,
                    message,
                    None,
                ))
            }
        }
    }
}

/// Open collection while composing.
struct Open {
    node: usize,
    children: Vec<usize>,
}

/// Reads events of one document (after its DocumentStart) and composes the node tree.
/// go-yaml v2 predates YAML 1.2's `\/` escape that libyaml accepts: double-quoted
/// scalars are checked for it and reported as go-yaml does (only when the text has
/// `\/` at all).
struct EscapeCheck<'t> {
    text: &'t str,
    enabled: bool,
}

impl<'t> EscapeCheck<'t> {
    fn new(text: &'t str) -> Self {
        EscapeCheck {
            text,
            enabled: text.contains("\\/"),
        }
    }

    fn check(&mut self, start: &Mark, end: &Mark, origin: &str) -> Result<(), YamlError> {
        if !self.enabled {
            return Ok(());
        }
        // Marks carry byte offsets.
        let scalar = self
            .text
            .get(start.index as usize..end.index as usize)
            .unwrap_or_default();
        let mut line = start.line;
        let mut chars = scalar.chars();
        while let Some(c) = chars.next() {
            match c {
                '\n' => line += 1,
                '\\' => match chars.next() {
                    Some('/') => {
                        let message = if line != 0 {
                            format!("yaml: line {}: found unknown escape character", line + 1)
                        } else {
                            "yaml: found unknown escape character".to_string()
                        };
                        return Err(YamlError {
                            origin: origin.to_string(),
                            line: Some(line as usize + 1),
                            column: None,
                            kind: YamlErrorKind::Syntax,
                            message,
                            json_step: true,
                        });
                    }
                    Some('\n') => line += 1,
                    _ => {}
                },
                _ => {}
            }
        }
        Ok(())
    }
}

fn compose_document(
    parser: &mut Parser<&mut &[u8]>,
    escapes: &mut EscapeCheck<'_>,
    src: &Source<'_>,
) -> Result<Doc, YamlError> {
    let origin = src.origin;
    let mut nodes: Vec<Node> = Vec::new();
    let mut anchors: HashMap<String, usize> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<usize> = None;
    loop {
        let ev = src.next_event(parser)?;
        let mark = ev.start_mark;
        let is_map = matches!(ev.data, EventData::MappingStart { .. });
        let done: Option<usize> = match ev.data {
            EventData::Scalar {
                anchor,
                tag,
                value,
                plain_implicit,
                style,
                ..
            } => {
                if style == libyaml_safer::ScalarStyle::DoubleQuoted {
                    escapes.check(&ev.start_mark, &ev.end_mark, origin)?;
                }
                let mut value = value;
                if matches!(
                    style,
                    libyaml_safer::ScalarStyle::Literal | libyaml_safer::ScalarStyle::Folded
                ) && src
                    .eof_fix
                    .is_some_and(|f| ev.end_mark.index as usize > f.len)
                    && value.ends_with('\n')
                {
                    // The block scalar ran to the end of a text without a final line
                    // break: the appended newline is not part of its content.
                    value.pop();
                }
                let id = nodes.len();
                nodes.push(Node::Scalar {
                    value,
                    tag,
                    implicit: plain_implicit,
                    mark,
                });
                if let Some(a) = anchor {
                    anchors.insert(a, id);
                }
                Some(id)
            }
            EventData::Alias { anchor } => {
                let Some(&target) = anchors.get(&anchor) else {
                    return Err(plain_error(
                        origin,
                        YamlErrorKind::Decode,
                        format!("yaml: unknown anchor '{anchor}' referenced"),
                        Some(mark),
                    ));
                };
                let id = nodes.len();
                nodes.push(Node::Alias {
                    target,
                    name: anchor,
                });
                Some(id)
            }
            EventData::SequenceStart { anchor, .. } | EventData::MappingStart { anchor, .. } => {
                let id = nodes.len();
                nodes.push(if is_map {
                    Node::Map(Vec::new())
                } else {
                    Node::Seq(Vec::new())
                });
                if let Some(a) = anchor {
                    anchors.insert(a, id);
                }
                stack.push(Open {
                    node: id,
                    children: Vec::new(),
                });
                None
            }
            EventData::SequenceEnd | EventData::MappingEnd => {
                let Some(open) = stack.pop() else {
                    return Err(plain_error(
                        origin,
                        YamlErrorKind::Syntax,
                        "yaml: unexpected end of collection".into(),
                        Some(mark),
                    ));
                };
                match nodes.get_mut(open.node) {
                    Some(Node::Seq(c)) | Some(Node::Map(c)) => *c = open.children,
                    _ => {}
                }
                Some(open.node)
            }
            EventData::DocumentEnd { .. } => {
                let root = match root {
                    Some(r) => r,
                    None => {
                        nodes.push(Node::Scalar {
                            value: String::new(),
                            tag: None,
                            implicit: true,
                            mark,
                        });
                        nodes.len() - 1
                    }
                };
                return Ok(Doc { nodes, root });
            }
            EventData::StreamStart { .. }
            | EventData::StreamEnd
            | EventData::DocumentStart { .. } => {
                return Err(plain_error(
                    origin,
                    YamlErrorKind::Syntax,
                    "yaml: unexpected event inside a document".into(),
                    Some(mark),
                ));
            }
        };
        if let Some(id) = done {
            match stack.last_mut() {
                Some(open) => open.children.push(id),
                None => root = Some(id),
            }
        }
    }
}

/// Parses the documents of a stream; stops after `max_docs` documents.
pub(crate) fn parse_stream(
    text: &str,
    origin: &str,
    mode: Mode,
    max_docs: usize,
) -> Result<Vec<Value>, YamlError> {
    let limit = first_disallowed(text).map(|bad| go_reader_chunk_start(text, bad));
    let cut = limit.map_or(text, |l| text.get(..l).unwrap_or_default());
    // A text not ending with a line break gets one (see `Source::eof_fix`): block
    // scalars ending the text lose it again, error positions past it are moved back.
    let ends_with_break =
        cut.is_empty() || cut.ends_with(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']);
    let owned;
    let (parsed, eof_fix) = if ends_with_break {
        (cut, None)
    } else {
        owned = format!("{cut}\n");
        (owned.as_str(), Some(EofFix::new(cut)))
    };
    let src = Source {
        origin,
        limit: limit.unwrap_or(usize::MAX),
        eof_fix,
    };
    parse_source(parsed, &src, mode, max_docs)
}

/// go-yaml's error for a `%YAML` directive other than 1.1 (a parser error: its line is
/// the directive's 0-based line, omitted when 0).
fn incompatible_version(text: &str, origin: &str) -> YamlError {
    let line = text
        .lines()
        .position(|l| l.starts_with("%YAML"))
        .unwrap_or(0);
    let message = if line == 0 {
        "yaml: found incompatible YAML document".to_string()
    } else {
        format!("yaml: line {line}: found incompatible YAML document")
    };
    YamlError {
        origin: origin.to_string(),
        line: Some(line + 1),
        column: Some(1),
        kind: YamlErrorKind::Syntax,
        message,
        json_step: true,
    }
}

fn parse_source(
    text: &str,
    src: &Source<'_>,
    mode: Mode,
    max_docs: usize,
) -> Result<Vec<Value>, YamlError> {
    let mut bytes = text.as_bytes();
    let mut parser = Parser::new();
    // The text is UTF-8 (a BOM was removed by the caller); auto-detection would take
    // any leading U+F000..U+FFFF character for a broken BOM.
    parser.set_encoding(libyaml_safer::Encoding::Utf8);
    parser.set_input_string(&mut bytes);
    let mut escapes = EscapeCheck::new(text);
    let mut out = Vec::new();
    while out.len() < max_docs {
        let ev = src.next_event(&mut parser)?;
        match ev.data {
            EventData::StreamStart { .. } => continue,
            EventData::StreamEnd => {
                if src.limit != usize::MAX {
                    return Err(src.control_error());
                }
                break;
            }
            EventData::DocumentStart {
                version_directive, ..
            } => {
                if version_directive.is_some_and(|v| v.minor != 1) {
                    // go-yaml only knows YAML 1.1; libyaml also takes `%YAML 1.2`.
                    return Err(incompatible_version(text, src.origin));
                }
                let doc = compose_document(&mut parser, &mut escapes, src)?;
                let mut dec = Decoder {
                    doc: &doc,
                    origin: src.origin,
                    mode,
                    decode_count: 0,
                    alias_count: 0,
                    alias_depth: 0,
                    active_aliases: Vec::new(),
                    deferred: None,
                };
                let v = dec.decode(doc.root, 0).map_err(|e| *e)?;
                if let Some(e) = dec.deferred {
                    return Err(e);
                }
                out.push(v);
            }
            _ => {
                return Err(plain_error(
                    src.origin,
                    YamlErrorKind::Syntax,
                    "yaml: unexpected event between documents".into(),
                    Some(ev.start_mark),
                ))
            }
        }
    }
    Ok(out)
}

/// Internal result: errors boxed to keep the recursive frames small.
type DResult<T> = Result<T, Box<YamlError>>;

struct Decoder<'a> {
    doc: &'a Doc,
    origin: &'a str,
    mode: Mode,
    decode_count: usize,
    alias_count: usize,
    alias_depth: usize,
    active_aliases: Vec<usize>,
    /// First error of the sigs.k8s.io conversion step (unsupported key, non-finite
    /// float): reported only when the YAML decoding itself succeeds.
    deferred: Option<YamlError>,
}

/// go-yaml v2's `allowedAliasRatio`.
fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    let d = decode_count as f64;
    if d <= LOW {
        0.99
    } else if d >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((d - LOW) / (HIGH - LOW))
    }
}

/// A decoded key before conversion to a string.
enum Key {
    Str(String),
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
}

impl<'a> Decoder<'a> {
    fn err(&self, kind: YamlErrorKind, message: String, mark: Option<Mark>) -> Box<YamlError> {
        Box::new(plain_error(self.origin, kind, message, mark))
    }

    fn node(&self, id: usize) -> DResult<&'a Node> {
        self.doc.nodes.get(id).ok_or_else(|| {
            self.err(
                YamlErrorKind::Decode,
                "yaml: internal error: dangling node".into(),
                None,
            )
        })
    }

    fn count(&mut self, mark: Option<Mark>) -> DResult<()> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(self.err(
                YamlErrorKind::Limit,
                "yaml: document contains excessive aliasing".into(),
                mark,
            ));
        }
        if self.decode_count > MAX_DECODED_NODES {
            return Err(self.err(
                YamlErrorKind::Limit,
                format!("yaml: document too large: more than {MAX_DECODED_NODES} values after alias expansion"),
                mark,
            ));
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn depth_error(&self) -> Box<YamlError> {
        self.err(
            YamlErrorKind::Limit,
            format!("yaml: exceeded max depth of {MAX_DEPTH}"),
            None,
        )
    }

    /// Decodes node `id` (recursively; kept small because deep documents recurse).
    fn decode(&mut self, id: usize, depth: usize) -> DResult<Value> {
        if depth > MAX_DEPTH {
            return Err(self.depth_error());
        }
        self.count(None)?;
        match self.node(id)? {
            Node::Scalar { .. } => self.scalar_value(id),
            Node::Seq(children) => {
                let mut out = Vec::with_capacity(children.len());
                for &c in children {
                    out.push(self.decode(c, depth + 1)?);
                }
                Ok(Value::List(out))
            }
            Node::Map(_) => {
                let mut m = Map::new();
                self.mapping_into(id, &mut m, depth)?;
                Ok(Value::Map(m))
            }
            Node::Alias { target, .. } => {
                let target = *target;
                self.enter_alias(id)?;
                let r = self.decode(target, depth + 1);
                self.leave_alias();
                r
            }
        }
    }

    #[inline(never)]
    fn scalar_value(&mut self, id: usize) -> DResult<Value> {
        Ok(match self.scalar(id)? {
            Key::Str(s) => Value::String(s),
            Key::Null => Value::Null,
            Key::Bool(b) => Value::Bool(b),
            Key::Int(i) => match self.mode {
                Mode::JsonStep => Value::Float(i as f64),
                Mode::Typed => Value::Int(i),
            },
            Key::Uint(u) => Value::Float(u as f64),
            Key::Float(f) => {
                if self.mode == Mode::JsonStep && !f.is_finite() && self.deferred.is_none() {
                    let e = crate::value::NonFiniteFloat(f);
                    self.deferred = Some(*self.err(YamlErrorKind::Json, e.to_string(), None));
                }
                Value::Float(f)
            }
        })
    }

    /// Marks alias `alias_id` as being expanded; an alias met again inside its own
    /// expansion is a cycle.
    #[inline(never)]
    fn enter_alias(&mut self, alias_id: usize) -> DResult<()> {
        if self.active_aliases.contains(&alias_id) {
            let name = match self.doc.nodes.get(alias_id) {
                Some(Node::Alias { name, .. }) => name.as_str(),
                _ => "",
            };
            return Err(self.err(
                YamlErrorKind::Decode,
                format!("yaml: anchor '{name}' value contains itself"),
                None,
            ));
        }
        self.active_aliases.push(alias_id);
        self.alias_depth += 1;
        Ok(())
    }

    fn leave_alias(&mut self) {
        self.alias_depth = self.alias_depth.saturating_sub(1);
        self.active_aliases.pop();
    }

    #[cold]
    #[inline(never)]
    fn defer_key_error(&mut self, prefix: String, value: &Value) {
        if self.deferred.is_none() {
            let mut msg = prefix;
            match value {
                Value::Null => msg.push_str("<nil>"),
                v => go_sharp_v(&mut msg, v),
            }
            self.deferred = Some(*self.err(YamlErrorKind::Json, msg, None));
        }
    }

    fn is_merge(&self, id: usize) -> bool {
        match self.doc.nodes.get(id) {
            Some(Node::Scalar {
                value,
                tag,
                implicit,
                ..
            }) => value == "<<" && (*implicit || tag.as_deref() == Some(MERGE_TAG)),
            _ => false,
        }
    }

    /// Decodes a mapping node's pairs into `out` (shared by merges).
    fn mapping_into(&mut self, id: usize, out: &mut Map, depth: usize) -> DResult<()> {
        let Node::Map(children) = self.node(id)? else {
            return Ok(());
        };
        for pair in children.chunks(2) {
            let (&k, v) = match pair {
                [k, v] => (k, *v),
                [k] => (k, usize::MAX),
                _ => continue,
            };
            if self.is_merge(k) {
                self.merge(v, out, depth)?;
                continue;
            }
            let key = self.key(k, depth)?;
            let value = if v == usize::MAX {
                Value::Null
            } else {
                self.decode(v, depth + 1)?
            };
            match key {
                Ok(key) => {
                    out.insert(key, value);
                }
                Err(prefix) => self.defer_key_error(prefix, &value),
            }
        }
        Ok(())
    }

    fn want_map(&self) -> Box<YamlError> {
        self.err(
            YamlErrorKind::Decode,
            "yaml: map merge requires map or sequence of maps as the value".into(),
            None,
        )
    }

    #[inline(never)]
    fn merge(&mut self, id: usize, out: &mut Map, depth: usize) -> DResult<()> {
        if depth > MAX_DEPTH {
            return Err(self.depth_error());
        }
        match self.node(id)? {
            Node::Map(_) => {
                self.count(None)?;
                self.mapping_into(id, out, depth + 1)
            }
            Node::Alias { target, .. } => {
                if !matches!(self.node(*target)?, Node::Map(_)) {
                    return Err(self.want_map());
                }
                let t = *target;
                self.count(None)?;
                self.enter_alias(id)?;
                let r = self
                    .count(None)
                    .and_then(|_| self.mapping_into(t, out, depth + 1));
                self.leave_alias();
                r
            }
            Node::Seq(children) => {
                self.count(None)?;
                for &c in children.iter().rev() {
                    match self.node(c)? {
                        Node::Map(_) => {
                            self.count(None)?;
                            self.mapping_into(c, out, depth + 1)?;
                        }
                        Node::Alias { target, .. } => {
                            if !matches!(self.node(*target)?, Node::Map(_)) {
                                return Err(self.want_map());
                            }
                            let t = *target;
                            self.count(None)?;
                            self.enter_alias(c)?;
                            let r = self
                                .count(None)
                                .and_then(|_| self.mapping_into(t, out, depth + 1));
                            self.leave_alias();
                            r?;
                        }
                        _ => return Err(self.want_map()),
                    }
                }
                Ok(())
            }
            Node::Scalar { .. } => Err(self.want_map()),
        }
    }

    #[inline(never)]
    /// Decodes a key and converts it to a string as `sigs.k8s.io/yaml` does; `Err` with
    /// the start of the conversion error message for keys it cannot convert.
    fn key(&mut self, id: usize, depth: usize) -> DResult<Result<String, String>> {
        // Resolve aliases to scalars; collections are invalid keys.
        let mut cur = id;
        let mut hops = 0;
        loop {
            match self.node(cur)? {
                Node::Alias { target, .. } => {
                    cur = *target;
                    hops += 1;
                    if hops > MAX_DEPTH {
                        return Err(self.depth_error());
                    }
                }
                Node::Scalar { .. } => break,
                Node::Seq(_) | Node::Map(_) => {
                    let v = self.decode(cur, depth + 1)?;
                    let mut text = String::new();
                    go_sharp_v(&mut text, &v);
                    return Err(self.err(
                        YamlErrorKind::Decode,
                        format!("yaml: invalid map key: {text}"),
                        None,
                    ));
                }
            }
        }
        self.count(None)?;
        let k = self.scalar(cur)?;
        let s = match k {
            Key::Str(s) => s,
            Key::Bool(b) => b.to_string(),
            Key::Int(i) => i.to_string(),
            Key::Float(f) => {
                let s = format_float_g(f, true);
                match s.as_str() {
                    "+Inf" => ".inf".into(),
                    "-Inf" => "-.inf".into(),
                    "NaN" => ".nan".into(),
                    _ => s,
                }
            }
            Key::Uint(u) => {
                return Ok(Err(format!(
                    "unsupported map key of type: uint64, key: 0x{u:x}, value: "
                )))
            }
            Key::Null => {
                return Ok(Err(
                    "unsupported map key of type: %!s(<nil>), key: <nil>, value: ".into(),
                ))
            }
        };
        Ok(Ok(s))
    }

    /// Decodes a scalar node as go-yaml v2 does for an `interface{}` target.
    #[inline(never)]
    fn scalar(&mut self, id: usize) -> DResult<Key> {
        let Node::Scalar {
            value,
            tag,
            implicit,
            mark,
        } = self.node(id)?
        else {
            return Ok(Key::Null);
        };
        let tag = tag.as_deref().unwrap_or("");
        if tag.is_empty() && !implicit {
            return Ok(Key::Str(value.clone()));
        }
        let resolvable = matches!(
            tag,
            "" | STR_TAG | BOOL_TAG | INT_TAG | FLOAT_TAG | TIMESTAMP_TAG | NULL_TAG
        );
        if !resolvable {
            if tag == BINARY_TAG {
                return match base64_std_decode(value) {
                    Some(bytes) => Ok(Key::Str(go_lossy_utf8(&bytes))),
                    None => Err(self.err(
                        YamlErrorKind::Decode,
                        "yaml: !!binary value contains invalid base64 data".into(),
                        Some(*mark),
                    )),
                };
            }
            // `!!merge`, `!!seq` on a scalar, local tags: the text as is.
            return Ok(Key::Str(value.clone()));
        }
        let r = if tag == STR_TAG {
            Resolved::Str
        } else {
            resolve_inner(value, tag.is_empty() || tag == TIMESTAMP_TAG)
        };
        let (rtag, key) = match r {
            Resolved::Null => ("null", Key::Null),
            Resolved::Bool(b) => ("bool", Key::Bool(b)),
            Resolved::Int(i) => ("int", Key::Int(i)),
            Resolved::Uint(u) => ("int", Key::Uint(u)),
            Resolved::Float(f) => ("float", Key::Float(f)),
            Resolved::Timestamp => ("timestamp", Key::Str(value.clone())),
            Resolved::Str => ("str", Key::Str(value.clone())),
        };
        let want = tag.strip_prefix("tag:yaml.org,2002:").unwrap_or(tag);
        if tag.is_empty() || want == rtag || tag == STR_TAG {
            return Ok(key);
        }
        if tag == FLOAT_TAG {
            if let Key::Int(i) = key {
                return Ok(Key::Float(i as f64));
            }
        }
        Err(self.err(
            YamlErrorKind::Decode,
            format!("yaml: cannot decode !!{rtag} `{value}` as a !!{want}"),
            Some(*mark),
        ))
    }
}

/// Go's `%#v` of a decoded value (for "invalid map key" messages).
fn go_sharp_v(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("interface {}(nil)"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&format_float_g(*f, false)),
        Value::String(s) => out.push_str(&go_quote(s)),
        Value::List(l) => {
            out.push_str("[]interface {}{");
            for (i, e) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                go_sharp_v(out, e);
            }
            out.push('}');
        }
        Value::Map(m) => {
            out.push_str("map[interface {}]interface {}{");
            for (i, (k, e)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&go_quote(k));
                out.push(':');
                go_sharp_v(out, e);
            }
            out.push('}');
        }
    }
}

/// Go's `strconv.Quote` for printable text (non-printables escaped simply).
pub(crate) fn go_quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => o.push_str(&format!("\\x{:02x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Go's `base64.StdEncoding.DecodeString` (CR and LF ignored, padding required).
pub(crate) fn base64_std_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    }
    let clean: Vec<u8> = s.bytes().filter(|&b| b != b'\r' && b != b'\n').collect();
    if !clean.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    let n = clean.len();
    for (qi, q) in clean.chunks(4).enumerate() {
        let last = (qi + 1) * 4 == n;
        let pads = q.iter().rev().take_while(|&&b| b == b'=').count();
        if pads > 2 || (pads > 0 && !last) {
            return None;
        }
        let mut acc = 0u32;
        for &b in &q[..4 - pads] {
            acc = (acc << 6) | val(b)?;
        }
        match pads {
            0 => out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]),
            1 => {
                acc <<= 6;
                out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8]);
            }
            _ => {
                acc <<= 12;
                out.push((acc >> 16) as u8);
            }
        }
    }
    Some(out)
}

/// Bytes to text as Go's JSON encoder sees them: each byte of an invalid UTF-8
/// sequence becomes U+FFFD.
pub(crate) fn go_lossy_utf8(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                // Go decodes one rune at a time: a bad sequence costs one byte.
                out.push('\u{FFFD}');
                rest = bad.get(1..).unwrap_or_default();
            }
        }
    }
}
