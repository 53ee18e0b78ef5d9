//! The parser of Go's `text/template`: tokens to [`Tree`]s, with Go's checks (defined
//! functions, declared variables, `break` inside `range`) and error messages.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::ast::{Arg, Branch, Command, Node, Number, Pipe, Tree};
use super::lexer::{lex, unquote_char, Item, Tok};

/// The deepest nesting of control structures and parentheses the parser accepts.
pub const MAX_PARSE_DEPTH: usize = 1000;

/// A parse error: Go's text `template: NAME:LINE: MESSAGE`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("template: {name}:{line}: {message}")]
pub struct ParseError {
    /// The file being parsed.
    pub name: String,
    /// 1-based line.
    pub line: usize,
    /// Go's message.
    pub message: String,
}

/// The trees of one parsed file: its main body (named after the file) and every
/// `define`/`block` in it.
#[derive(Debug)]
pub struct Parsed {
    /// Trees by template name, the file's own body included.
    pub trees: BTreeMap<String, Rc<Tree>>,
}

enum Item2 {
    Node(Node),
    End,
    Else(usize),
}

struct Parser<'a> {
    items: Vec<Item>,
    i: usize,
    name: String,
    source: Rc<str>,
    vars: Vec<String>,
    range_depth: usize,
    depth: usize,
    has_func: &'a dyn Fn(&str) -> bool,
    trees: BTreeMap<String, Rc<Tree>>,
}

type PResult<T> = Result<T, ParseError>;

/// Parses `src` (the file `name`) into trees. `has_func` says whether a function name
/// is defined (Go checks this at parse time).
pub fn parse(name: &str, src: &str, has_func: &dyn Fn(&str) -> bool) -> Result<Parsed, ParseError> {
    let source: Rc<str> = Rc::from(src);
    let mut p = Parser {
        items: lex(src),
        i: 0,
        name: name.to_string(),
        source: source.clone(),
        vars: vec!["$".into()],
        range_depth: 0,
        depth: 0,
        has_func,
        trees: BTreeMap::new(),
    };
    let root = p.parse_top()?;
    let tree = Tree {
        name: name.to_string(),
        parse_name: name.to_string(),
        source,
        root,
    };
    p.add(tree)?;
    Ok(Parsed { trees: p.trees })
}

impl<'a> Parser<'a> {
    fn err<T>(&self, message: impl Into<String>) -> PResult<T> {
        let line = self
            .items
            .get(self.i.saturating_sub(1))
            .or_else(|| self.items.last())
            .map(|t| t.line)
            .unwrap_or(1);
        let mut message = message.into();
        message = message.replace("{NAME}", &self.name);
        Err(ParseError {
            name: self.name.clone(),
            line,
            message,
        })
    }

    fn peek(&self) -> &Item {
        let idx = self.i.min(self.items.len() - 1);
        &self.items[idx]
    }

    fn next(&mut self) -> Item {
        let it = self.peek().clone();
        if self.i < self.items.len() {
            self.i += 1;
        }
        it
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let it = self.next();
            if it.tok != Tok::Space {
                return it;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let it = self.next_non_space();
        self.i -= 1;
        it
    }

    fn backup(&mut self) {
        self.i = self.i.saturating_sub(1);
    }

    fn unexpected<T>(&self, it: &Item, context: &str) -> PResult<T> {
        if let Tok::Error(e) = &it.tok {
            return self.err(e.clone());
        }
        self.err(format!("unexpected {} in {context}", it.describe()))
    }

    fn add(&mut self, tree: Tree) -> PResult<()> {
        match self.trees.get(&tree.name) {
            Some(old) if !old.is_empty() => {
                if !tree.is_empty() {
                    return self.err(format!(
                        "template: multiple definition of template {}",
                        crate::template::funcs::conv::go_quote(&tree.name)
                    ));
                }
            }
            _ => {
                self.trees.insert(tree.name.clone(), Rc::new(tree));
            }
        }
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<Vec<Node>> {
        let mut root = Vec::new();
        loop {
            let it = self.peek().clone();
            match it.tok {
                Tok::Eof => return Ok(root),
                Tok::LeftDelim => {
                    self.next();
                    if self.peek_non_space().tok == Tok::Keyword("define") {
                        self.next_non_space();
                        self.parse_definition()?;
                        continue;
                    }
                    self.i -= 1;
                    // Step back over any spaces to the delimiter.
                    while self.items[self.i].tok != Tok::LeftDelim {
                        self.i -= 1;
                    }
                }
                _ => {}
            }
            match self.text_or_action()? {
                Item2::Node(n) => root.push(n),
                Item2::End => return self.err("unexpected {{end}}"),
                Item2::Else(_) => return self.err("unexpected {{else}}"),
            }
        }
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let tok = self.next_non_space();
        let name = match &tok.tok {
            Tok::Str(_, v) | Tok::RawStr(_, v) => v.clone(),
            _ => return self.unexpected(&tok, "define clause"),
        };
        let close = self.next_non_space();
        if close.tok != Tok::RightDelim {
            return self.unexpected(&close, "define clause");
        }
        let saved = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let (list, end) = self.item_list()?;
        self.vars = saved;
        if !matches!(end, Item2::End) {
            return self.err("unexpected {{else}} in define clause");
        }
        let tree = Tree {
            name,
            parse_name: self.name.clone(),
            source: self.source.clone(),
            root: list,
        };
        self.add(tree)
    }

    fn item_list(&mut self) -> PResult<(Vec<Node>, Item2)> {
        self.depth += 1;
        if self.depth > MAX_PARSE_DEPTH {
            return self.err(format!(
                "template nesting deeper than hke's limit of {MAX_PARSE_DEPTH}"
            ));
        }
        let mut list = Vec::new();
        loop {
            if self.peek_non_space().tok == Tok::Eof {
                return self.err("unexpected EOF");
            }
            match self.text_or_action()? {
                Item2::Node(n) => list.push(n),
                other => {
                    self.depth -= 1;
                    return Ok((list, other));
                }
            }
        }
    }

    fn text_or_action(&mut self) -> PResult<Item2> {
        let it = self.next_non_space();
        match it.tok {
            Tok::Text(t) => Ok(Item2::Node(Node::Text(it.pos, Rc::from(t.as_str())))),
            Tok::LeftDelim => self.action(),
            Tok::Comment => Ok(Item2::Node(Node::Comment)),
            _ => self.unexpected(&it, "input"),
        }
    }

    fn action(&mut self) -> PResult<Item2> {
        let it = self.next_non_space();
        match it.tok {
            Tok::Keyword("block") => return self.block_control().map(Item2::Node),
            Tok::Keyword("break") => return self.break_continue(it.pos, true).map(Item2::Node),
            Tok::Keyword("continue") => return self.break_continue(it.pos, false).map(Item2::Node),
            Tok::Keyword("else") => {
                let peek = self.peek_non_space();
                if matches!(peek.tok, Tok::Keyword("if") | Tok::Keyword("with")) {
                    return Ok(Item2::Else(peek.pos));
                }
                let close = self.next_non_space();
                if close.tok != Tok::RightDelim {
                    return self.unexpected(&close, "else");
                }
                return Ok(Item2::Else(close.pos));
            }
            Tok::Keyword("end") => {
                let close = self.next_non_space();
                if close.tok != Tok::RightDelim {
                    return self.unexpected(&close, "end");
                }
                return Ok(Item2::End);
            }
            Tok::Keyword("if") => return self.control("if").map(|b| Item2::Node(Node::If(b))),
            Tok::Keyword("range") => {
                return self.control("range").map(|b| Item2::Node(Node::Range(b)))
            }
            Tok::Keyword("with") => {
                return self.control("with").map(|b| Item2::Node(Node::With(b)))
            }
            Tok::Keyword("template") => return self.template_control().map(Item2::Node),
            _ => {}
        }
        self.backup();
        let pos = self.peek().pos;
        let pipe = self.pipeline("command", &Tok::RightDelim)?;
        Ok(Item2::Node(Node::Action(pos, pipe)))
    }

    fn break_continue(&mut self, pos: usize, is_break: bool) -> PResult<Node> {
        let word = if is_break { "break" } else { "continue" };
        let close = self.next_non_space();
        if close.tok != Tok::RightDelim {
            return self.unexpected(&close, &format!("{{{{{word}}}}}"));
        }
        if self.range_depth == 0 {
            return self.err(format!("{{{{{word}}}}} outside {{{{range}}}}"));
        }
        Ok(if is_break {
            Node::Break(pos)
        } else {
            Node::Continue(pos)
        })
    }

    fn control(&mut self, context: &str) -> PResult<Box<Branch>> {
        let nvars = self.vars.len();
        let pipe = self.pipeline(context, &Tok::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if context == "range" {
            self.range_depth -= 1;
        }
        let mut else_list = None;
        if let Item2::Else(epos) = next {
            let peek = self.peek().tok.clone();
            if context == "if" && peek == Tok::Keyword("if") {
                self.next();
                let b = self.control("if")?;
                let _ = epos;
                else_list = Some(vec![Node::If(b)]);
            } else if context == "with" && peek == Tok::Keyword("with") {
                self.next();
                let b = self.control("with")?;
                else_list = Some(vec![Node::With(b)]);
            } else {
                let (l, n) = self.item_list()?;
                if !matches!(n, Item2::End) {
                    return self.err("expected end; found {{else}}");
                }
                else_list = Some(l);
            }
        }
        self.vars.truncate(nvars);
        Ok(Box::new(Branch {
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        }))
    }

    fn template_name(&mut self, context: &str) -> PResult<(usize, String)> {
        let tok = self.next_non_space();
        match &tok.tok {
            Tok::Str(_, v) | Tok::RawStr(_, v) => Ok((tok.pos, v.clone())),
            _ => self.unexpected(&tok, context),
        }
    }

    fn template_control(&mut self) -> PResult<Node> {
        let (pos, name) = self.template_name("template clause")?;
        let pipe = if self.next_non_space().tok != Tok::RightDelim {
            self.backup();
            Some(self.pipeline("template clause", &Tok::RightDelim)?)
        } else {
            None
        };
        Ok(Node::Template(pos, name, pipe))
    }

    fn block_control(&mut self) -> PResult<Node> {
        let (pos, name) = self.template_name("block clause")?;
        let pipe = self.pipeline("block clause", &Tok::RightDelim)?;
        let saved = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let (list, end) = self.item_list()?;
        self.vars = saved;
        if !matches!(end, Item2::End) {
            return self.err("unexpected {{else}} in block clause");
        }
        let tree = Tree {
            name: name.clone(),
            parse_name: self.name.clone(),
            source: self.source.clone(),
            root: list,
        };
        self.add(tree)?;
        Ok(Node::Template(pos, name, Some(pipe)))
    }

    fn pipeline(&mut self, context: &str, end: &Tok) -> PResult<Pipe> {
        self.depth += 1;
        if self.depth > MAX_PARSE_DEPTH {
            return self.err(format!(
                "template nesting deeper than hke's limit of {MAX_PARSE_DEPTH}"
            ));
        }
        let start = self.peek_non_space();
        let mut pipe = Pipe {
            pos: start.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        // Declarations.
        loop {
            let v = self.peek_non_space();
            let Tok::Variable(name) = &v.tok else {
                break;
            };
            let name = name.clone();
            let save = self.i;
            self.next_non_space();
            let next = self.peek_non_space();
            match next.tok {
                Tok::Assign | Tok::Declare => {
                    pipe.is_assign = next.tok == Tok::Assign;
                    self.next_non_space();
                    pipe.decl.push(name.clone());
                    self.vars.push(name);
                    break;
                }
                Tok::Comma => {
                    self.next_non_space();
                    pipe.decl.push(name.clone());
                    self.vars.push(name);
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().tok {
                            Tok::Variable(_) | Tok::RightDelim | Tok::RightParen => continue,
                            _ => return self.err("range can only initialize variables"),
                        }
                    }
                    return self.err(format!("too many declarations in {context}"));
                }
                _ => {
                    self.i = save;
                    break;
                }
            }
        }
        loop {
            let tok = self.next_non_space();
            if &tok.tok == end {
                if pipe.cmds.is_empty() {
                    return self.err(format!("missing value for {context}"));
                }
                for (idx, c) in pipe.cmds.iter().enumerate().skip(1) {
                    if matches!(
                        c.args.first(),
                        Some(
                            Arg::Bool(..)
                                | Arg::Dot(_)
                                | Arg::Nil(_)
                                | Arg::Number(..)
                                | Arg::Str(..)
                        )
                    ) {
                        return self.err(format!(
                            "non executable command in pipeline stage {}",
                            idx + 1
                        ));
                    }
                }
                self.depth -= 1;
                return Ok(pipe);
            }
            match tok.tok {
                Tok::Bool(_)
                | Tok::Char(_)
                | Tok::Dot
                | Tok::Field(_)
                | Tok::Identifier(_)
                | Tok::Number(_)
                | Tok::Nil
                | Tok::RawStr(..)
                | Tok::Str(..)
                | Tok::Variable(_)
                | Tok::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return self.unexpected(&tok, context),
            }
        }
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Command {
            pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let tok = self.next();
            match tok.tok {
                Tok::Space => continue,
                Tok::RightDelim | Tok::RightParen => self.backup(),
                Tok::Pipe => {}
                _ => return self.unexpected(&tok, "operand"),
            }
            break;
        }
        if cmd.args.is_empty() {
            return self.err("empty command");
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if let Tok::Field(_) = self.peek().tok {
            let chain_pos = self.peek().pos;
            let mut fields = Vec::new();
            while let Tok::Field(f) = &self.peek().tok {
                fields.push(f.clone());
                self.next();
            }
            return Ok(Some(match node {
                Arg::Field(_, mut idents) => {
                    idents.extend(fields);
                    Arg::Field(chain_pos, idents)
                }
                Arg::Variable(_, mut idents) => {
                    idents.extend(fields);
                    Arg::Variable(chain_pos, idents)
                }
                Arg::Bool(..) | Arg::Str(..) | Arg::Number(..) | Arg::Nil(_) | Arg::Dot(_) => {
                    return self.err(format!(
                        "unexpected . after term {}",
                        crate::template::funcs::conv::go_quote(&node.to_string())
                    ))
                }
                other => Arg::Chain(chain_pos, Box::new(other), fields),
            }));
        }
        Ok(Some(node))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let tok = self.next_non_space();
        let pos = tok.pos;
        Ok(Some(match tok.tok {
            Tok::Identifier(name) => {
                if !(self.has_func)(&name) {
                    return self.err(format!(
                        "function {} not defined",
                        crate::template::funcs::conv::go_quote(&name)
                    ));
                }
                Arg::Identifier(pos, name)
            }
            Tok::Dot => Arg::Dot(pos),
            Tok::Nil => Arg::Nil(pos),
            Tok::Variable(name) => {
                if !self.vars.contains(&name) {
                    return self.err(format!(
                        "undefined variable {}",
                        crate::template::funcs::conv::go_quote(&name)
                    ));
                }
                Arg::Variable(pos, vec![name])
            }
            Tok::Field(f) => Arg::Field(pos, vec![f]),
            Tok::Bool(b) => Arg::Bool(pos, b),
            Tok::Number(text) => match parse_number(&text, false) {
                Ok(n) => Arg::Number(pos, Rc::new(n)),
                Err(e) => return self.err(e),
            },
            Tok::Char(text) => match parse_number(&text, true) {
                Ok(n) => Arg::Number(pos, Rc::new(n)),
                Err(e) => return self.err(e),
            },
            Tok::LeftParen => {
                let p = self.pipeline("parenthesized pipeline", &Tok::RightParen)?;
                Arg::Pipe(pos, Box::new(p))
            }
            Tok::Str(orig, val) | Tok::RawStr(orig, val) => {
                Arg::Str(pos, Rc::from(orig.as_str()), Rc::from(val.as_str()))
            }
            Tok::Error(e) => return self.err(e),
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

/// Go's `strconv.ParseUint/ParseInt(s, 0, 64)`, with underscores.
fn parse_int_base0(s: &str) -> (Option<u64>, Option<i64>) {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let signed = s.starts_with(['+', '-']);
    let mag = crate::template::funcs::conv::parse_go_int_base0(body).map(|v| v as u64);
    // parse_go_int_base0 rejects > i64::MAX; retry unsigned for big values.
    let mag = mag.or_else(|| {
        let lower = body.to_ascii_lowercase().replace('_', "");
        if let Some(h) = lower.strip_prefix("0x") {
            u64::from_str_radix(h, 16).ok()
        } else if lower.starts_with('0') && lower.len() > 1 {
            None
        } else {
            lower.parse::<u64>().ok()
        }
    });
    let Some(m) = mag else {
        return (None, None);
    };
    let uint = if signed { None } else { Some(m) };
    let int = if neg {
        if m <= 1u64 << 63 {
            Some((m as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(m).ok()
    };
    (uint, int)
}

/// Go's `strconv.ParseFloat(s, 64)` for template number syntax (underscores, hex
/// floats).
fn parse_float(s: &str) -> Option<f64> {
    let clean: String = s.chars().filter(|c| *c != '_').collect();
    let (neg, body) = match clean.as_bytes().first() {
        Some(b'-') => (true, &clean[1..]),
        Some(b'+') => (false, &clean[1..]),
        _ => (false, clean.as_str()),
    };
    let lower = body.to_ascii_lowercase();
    let v = if let Some(h) = lower.strip_prefix("0x") {
        let (mant, exp) = match h.split_once('p') {
            Some((m, e)) => (m, e.parse::<i32>().ok()?),
            None => (h, 0),
        };
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        let mut v = 0f64;
        for c in int.chars() {
            v = v * 16.0 + f64::from(c.to_digit(16)?);
        }
        let mut scale = 1.0 / 16.0;
        for c in frac.chars() {
            v += f64::from(c.to_digit(16)?) * scale;
            scale /= 16.0;
        }
        v * 2f64.powi(exp)
    } else {
        if !body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    Some(if neg { -v } else { v })
}

/// Go's `parse.newNumber`.
pub fn parse_number(text: &str, is_char: bool) -> Result<Number, String> {
    let mut n = Number {
        text: text.to_string(),
        int: None,
        uint: None,
        float: None,
        imag: None,
        is_char,
    };
    if is_char {
        let c =
            unquote_char(text).ok_or_else(|| format!("malformed character constant: {text}"))?;
        n.int = Some(c);
        n.uint = Some(c as u64);
        n.float = Some(c as f64);
        return Ok(n);
    }
    if let Some(im) = text.strip_suffix('i') {
        if let Some(f) = parse_float(im) {
            n.imag = Some(f);
            return Ok(n);
        }
    }
    let (u, i) = parse_int_base0(text);
    n.uint = u;
    n.int = i;
    if let Some(i) = n.int {
        n.float = Some(i as f64);
        if i == 0 {
            n.uint = Some(0);
        }
    } else if let Some(u) = n.uint {
        n.float = Some(u as f64);
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!(
                "integer overflow: {}",
                crate::template::funcs::conv::go_quote(text)
            ));
        }
        n.float = Some(f);
        if f.fract() == 0.0 && f.abs() < 9.2e18 {
            n.int = Some(f as i64);
        }
        if f.fract() == 0.0 && (0.0..1.8e19).contains(&f) {
            n.uint = Some(f as u64);
        }
    }
    if n.int.is_none() && n.uint.is_none() && n.float.is_none() {
        return Err(format!(
            "illegal number syntax: {}",
            crate::template::funcs::conv::go_quote(text)
        ));
    }
    Ok(n)
}

/// Helm's `cleanupParseError`: `parse error at (FILE:LINE): LAST-SEGMENT`.
pub fn helm_parse_error(e: &ParseError) -> String {
    let full = e.to_string();
    let last = full.rsplit(": ").next().unwrap_or(&full);
    format!("parse error at ({}:{}): {last}", e.name, e.line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(src: &str) -> Result<Parsed, ParseError> {
        parse("c/templates/t.yaml", src, &|n| n != "env")
    }

    #[test]
    fn parse_errors_match_go() {
        let msg = |src: &str| helm_parse_error(&p(src).unwrap_err());
        assert_eq!(
            msg("{{ env \"HOME\" }}"),
            "parse error at (c/templates/t.yaml:1): function \"env\" not defined"
        );
        assert_eq!(
            msg("{{ $z }}"),
            "parse error at (c/templates/t.yaml:1): undefined variable \"$z\""
        );
        assert_eq!(
            msg("{{ if }}"),
            "parse error at (c/templates/t.yaml:1): missing value for if"
        );
        assert_eq!(
            msg("{{ if 1 }}"),
            "parse error at (c/templates/t.yaml:1): unexpected EOF"
        );
        assert_eq!(
            msg("{{ end }}"),
            "parse error at (c/templates/t.yaml:1): unexpected {{end}}"
        );
        assert_eq!(
            msg("{{ break }}"),
            "parse error at (c/templates/t.yaml:1): {{break}} outside {{range}}"
        );
        assert_eq!(
            msg("{{ 08 }}"),
            "parse error at (c/templates/t.yaml:1): \"08\""
        );
        assert_eq!(
            msg("{{ /* x */ }}"),
            "parse error at (c/templates/t.yaml:1): unexpected \"/\" in command"
        );
        assert!(
            msg("{{ define \"a\" }}1{{ end }}{{ define \"a\" }}2{{ end }}")
                .contains("multiple definition of template")
        );
        assert_eq!(
            msg("{{ .Values.my-key }}"),
            "parse error at (c/templates/t.yaml:1): bad character U+002D '-'"
        );
    }

    #[test]
    fn defines_and_scoping() {
        let parsed = p("{{ define \"a\" }}x{{ end }}{{ $x := 1 }}{{ with . }}{{ $x := 5 }}{{ $x }}{{ end }}{{ $x }}").unwrap();
        assert!(parsed.trees.contains_key("a"));
        assert!(parsed.trees.contains_key("c/templates/t.yaml"));
        assert!(p("{{ with . }}{{ $y := 1 }}{{ end }}{{ $y }}").is_err());
    }

    #[test]
    fn numbers_follow_go() {
        let n = parse_number("0x1F", false).unwrap();
        assert_eq!(n.int, Some(31));
        assert_eq!(parse_number("017", false).unwrap().int, Some(15));
        assert_eq!(parse_number("1_000", false).unwrap().int, Some(1000));
        assert_eq!(parse_number("1e3", false).unwrap().int, Some(1000));
        assert_eq!(parse_number("0x1p4", false).unwrap().float, Some(16.0));
        assert_eq!(parse_number("2.0", false).unwrap().int, Some(2));
        assert!(parse_number("08", false).is_err());
        assert_eq!(parse_number("'a'", true).unwrap().int, Some(97));
    }
}
