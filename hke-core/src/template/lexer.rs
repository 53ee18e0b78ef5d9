//! The lexer of Go's `text/template`: text, `{{`/`}}` with trim markers, comments, and
//! the tokens inside actions. Positions are byte offsets into the source; lines are
//! 1-based, as Go reports them.

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// Plain text outside actions (already trimmed by neighbouring trim markers).
    Text(String),
    /// `{{` (or `{{- `).
    LeftDelim,
    /// `}}` (or ` -}}`).
    RightDelim,
    /// A comment action (its text is dropped).
    Comment,
    /// Run of spaces/tabs/newlines inside an action.
    Space,
    /// A function name or keyword-free identifier.
    Identifier(String),
    /// A keyword: `if else end range with define template block break continue`.
    Keyword(&'static str),
    /// `true` / `false`.
    Bool(bool),
    /// `nil`
    Nil,
    /// `.Name` (without the dot).
    Field(String),
    /// `.` alone.
    Dot,
    /// `$` or `$name` (with the `$`).
    Variable(String),
    /// A number literal, as written.
    Number(String),
    /// A char constant, as written (`'a'`).
    Char(String),
    /// An interpreted string: original text and decoded value.
    Str(String, String),
    /// A raw string: original text and value.
    RawStr(String, String),
    /// `|`
    Pipe,
    /// `(`
    LeftParen,
    /// `)`
    RightParen,
    /// `:=`
    Declare,
    /// `=`
    Assign,
    /// `,`
    Comma,
    /// Another printable ASCII character (only ever unexpected).
    Other(char),
    /// End of input.
    Eof,
    /// A lexical error (Go's message).
    Error(String),
}

/// A token with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// The token.
    pub tok: Tok,
    /// Byte offset of its start.
    pub pos: usize,
    /// 1-based line of its start.
    pub line: usize,
}

impl Item {
    /// How Go's parser prints a token in error messages.
    pub fn describe(&self) -> String {
        match &self.tok {
            Tok::Eof => "EOF".into(),
            Tok::Error(e) => e.clone(),
            Tok::Keyword(k) => format!("<{k}>"),
            Tok::LeftDelim => "\"{{\"".into(),
            Tok::RightDelim => "\"}}\"".into(),
            Tok::Space => "space".into(),
            _ => {
                let v = self.text();
                if v.chars().count() > 10 {
                    let short: String = v.chars().take(10).collect();
                    format!("{}...", crate::template::funcs::conv::go_quote(&short))
                } else {
                    crate::template::funcs::conv::go_quote(&v)
                }
            }
        }
    }

    /// The token's source text.
    pub fn text(&self) -> String {
        match &self.tok {
            Tok::Text(t) => t.clone(),
            Tok::LeftDelim => "{{".into(),
            Tok::RightDelim => "}}".into(),
            Tok::Comment => "/* */".into(),
            Tok::Space => " ".into(),
            Tok::Identifier(s) => s.clone(),
            Tok::Keyword(k) => (*k).into(),
            Tok::Bool(b) => b.to_string(),
            Tok::Nil => "nil".into(),
            Tok::Field(f) => format!(".{f}"),
            Tok::Dot => ".".into(),
            Tok::Variable(v) => v.clone(),
            Tok::Number(n) | Tok::Char(n) => n.clone(),
            Tok::Str(o, _) | Tok::RawStr(o, _) => o.clone(),
            Tok::Pipe => "|".into(),
            Tok::LeftParen => "(".into(),
            Tok::RightParen => ")".into(),
            Tok::Declare => ":=".into(),
            Tok::Assign => "=".into(),
            Tok::Comma => ",".into(),
            Tok::Other(c) => c.to_string(),
            Tok::Eof => String::new(),
            Tok::Error(e) => e.clone(),
        }
    }
}

const KEYWORDS: &[&str] = &[
    "block", "break", "continue", "define", "else", "end", "if", "range", "template", "with",
];

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Lexes a whole template source into tokens (ending with `Eof` or `Error`).
pub fn lex(src: &str) -> Vec<Item> {
    let mut lx = Lexer {
        src,
        b: src.as_bytes(),
        pos: 0,
        items: Vec::new(),
        paren_depth: 0,
        line_mark: (0, 1),
    };
    lx.run();
    lx.items
}

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    items: Vec<Item>,
    paren_depth: usize,
    /// A position and its line, where [`Lexer::line_at`] counts on from.
    line_mark: (usize, usize),
}

impl<'a> Lexer<'a> {
    /// The 1-based line of `pos`. Items are emitted in (almost always) increasing
    /// positions, so lines are counted on from the previous answer, not from the start.
    fn line_at(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.b.len());
        let (mut from, mut line) = self.line_mark;
        if pos < from {
            (from, line) = (0, 1);
        }
        line += self
            .b
            .get(from..pos)
            .map_or(0, |s| s.iter().filter(|c| **c == b'\n').count());
        self.line_mark = (pos, line);
        line
    }

    fn emit(&mut self, tok: Tok, pos: usize) {
        let line = self.line_at(pos);
        self.items.push(Item { tok, pos, line });
    }

    fn error(&mut self, msg: String, pos: usize) {
        self.emit(Tok::Error(msg), pos);
    }

    fn run(&mut self) {
        let mut trim_next_text = false;
        loop {
            // Text up to the next `{{`.
            let start = self.pos;
            let next = self.src[start..].find("{{").map(|i| start + i);
            let end = next.unwrap_or(self.b.len());
            let mut text_start = start;
            if trim_next_text {
                while text_start < end && is_space(self.b[text_start]) {
                    text_start += 1;
                }
            }
            let mut text_end = end;
            let left_trim = next.is_some_and(|n| {
                self.b.get(n + 2) == Some(&b'-') && self.b.get(n + 3).is_some_and(|c| is_space(*c))
            });
            if left_trim {
                while text_end > text_start && is_space(self.b[text_end - 1]) {
                    text_end -= 1;
                }
            }
            if text_end > text_start {
                self.emit(
                    Tok::Text(self.src[text_start..text_end].to_string()),
                    text_start,
                );
            }
            let Some(n) = next else {
                self.emit(Tok::Eof, self.b.len());
                return;
            };
            // The action.
            self.pos = n;
            let delim_pos = n;
            self.pos += 2;
            if left_trim {
                self.pos += 2;
            }
            // Comment?
            if self.src[self.pos..].starts_with("/*") {
                match self.lex_comment(delim_pos) {
                    Some(trim) => {
                        trim_next_text = trim;
                        continue;
                    }
                    None => return,
                }
            }
            self.emit(Tok::LeftDelim, delim_pos);
            self.paren_depth = 0;
            match self.lex_inside(delim_pos) {
                Some(trim) => trim_next_text = trim,
                None => return,
            }
        }
    }

    /// After `{{` (and trim marker) at a `/*`: consumes the comment and the closing
    /// delimiter. Returns whether the delimiter trims, or `None` after an error.
    fn lex_comment(&mut self, start: usize) -> Option<bool> {
        let body = self.pos + 2;
        let Some(close) = self.src[body..].find("*/") else {
            self.error("unclosed comment".into(), start);
            return None;
        };
        self.pos = body + close + 2;
        let rest = &self.src[self.pos..];
        let (trim, len) = if rest.starts_with(" -}}")
            || rest.starts_with("\t-}}")
            || rest.starts_with("\n-}}")
            || rest.starts_with("\r-}}")
        {
            (true, 4)
        } else if rest.starts_with("}}") {
            (false, 2)
        } else {
            self.error("comment ends before closing delimiter".into(), start);
            return None;
        };
        self.pos += len;
        self.emit(Tok::Comment, start);
        Some(trim)
    }

    /// Lexes inside an action until `}}`. Returns whether it trims the following text.
    fn lex_inside(&mut self, action_start: usize) -> Option<bool> {
        loop {
            // Right delimiter (with or without trim marker).
            let rest = &self.src[self.pos..];
            if rest.len() >= 4 && is_space(rest.as_bytes()[0]) && rest[1..].starts_with("-}}") {
                // Spaces before the trim marker belong to the delimiter.
                self.emit(Tok::Space, self.pos);
                self.pos += 4;
                self.emit_right(self.pos - 3);
                return Some(true);
            }
            if rest.starts_with("}}") {
                if self.paren_depth > 0 {
                    self.error("unclosed left paren".into(), self.pos);
                    return None;
                }
                self.pos += 2;
                self.emit_right(self.pos - 2);
                return Some(false);
            }
            let Some(c) = rest.chars().next() else {
                let line = self.line_at(action_start);
                let here = self.line_at(self.pos);
                let msg = if line != here {
                    format!("unclosed action started at {{NAME}}:{line}")
                } else {
                    "unclosed action".into()
                };
                self.error(msg, self.pos);
                return None;
            };
            let start = self.pos;
            match c {
                ' ' | '\t' | '\r' | '\n' => {
                    while self.pos < self.b.len() && is_space(self.b[self.pos]) {
                        // Stop before ` -}}`.
                        if self.src[self.pos..].len() >= 4
                            && self.src[self.pos + 1..].starts_with("-}}")
                        {
                            break;
                        }
                        self.pos += 1;
                    }
                    if self.pos == start {
                        continue;
                    }
                    self.emit(Tok::Space, start);
                }
                '=' => {
                    self.pos += 1;
                    self.emit(Tok::Assign, start);
                }
                ':' => {
                    if self.src[self.pos..].starts_with(":=") {
                        self.pos += 2;
                        self.emit(Tok::Declare, start);
                    } else {
                        self.error("expected :=".into(), start);
                        return None;
                    }
                }
                '|' => {
                    self.pos += 1;
                    self.emit(Tok::Pipe, start);
                }
                ',' => {
                    self.pos += 1;
                    self.emit(Tok::Comma, start);
                }
                '(' => {
                    self.pos += 1;
                    self.paren_depth += 1;
                    self.emit(Tok::LeftParen, start);
                }
                ')' => {
                    self.pos += 1;
                    if self.paren_depth == 0 {
                        self.error("unexpected right paren".into(), start);
                        return None;
                    }
                    self.paren_depth -= 1;
                    self.emit(Tok::RightParen, start);
                }
                '"' => {
                    if !self.lex_quote(start) {
                        return None;
                    }
                }
                '`' => {
                    let body = self.pos + 1;
                    match self.src[body..].find('`') {
                        Some(e) => {
                            let val = self.src[body..body + e].to_string();
                            self.pos = body + e + 1;
                            let orig = self.src[start..self.pos].to_string();
                            self.emit(Tok::RawStr(orig, val), start);
                        }
                        None => {
                            self.error("unterminated raw quoted string".into(), start);
                            return None;
                        }
                    }
                }
                '\'' => {
                    if !self.lex_char(start) {
                        return None;
                    }
                }
                '$' => {
                    self.pos += 1;
                    self.scan_alnum();
                    self.emit(Tok::Variable(self.src[start..self.pos].to_string()), start);
                }
                '.' => {
                    let next = self.src[self.pos + 1..].chars().next();
                    if next.is_some_and(|d| d.is_ascii_digit()) {
                        if !self.lex_number(start) {
                            return None;
                        }
                    } else {
                        self.pos += 1;
                        let name_start = self.pos;
                        self.scan_alnum();
                        if self.pos == name_start {
                            self.emit(Tok::Dot, start);
                        } else {
                            let name = self.src[name_start..self.pos].to_string();
                            self.emit(Tok::Field(name), start);
                        }
                        if !self.check_term_end(start) {
                            return None;
                        }
                    }
                }
                '+' | '-' | '0'..='9' => {
                    if !self.lex_number(start) {
                        return None;
                    }
                }
                c if is_alnum(c) => {
                    self.scan_alnum();
                    let word = &self.src[start..self.pos];
                    let tok = if let Some(k) = KEYWORDS.iter().find(|k| **k == word) {
                        Tok::Keyword(k)
                    } else if word == "true" {
                        Tok::Bool(true)
                    } else if word == "false" {
                        Tok::Bool(false)
                    } else if word == "nil" {
                        Tok::Nil
                    } else {
                        Tok::Identifier(word.to_string())
                    };
                    self.emit(tok, start);
                    if !self.check_term_end(start) {
                        return None;
                    }
                }
                other if other.is_ascii() && !other.is_ascii_control() => {
                    self.pos += 1;
                    self.emit(Tok::Other(other), start);
                }
                other => {
                    self.error(
                        format!("unrecognized character in action: {}", go_char_desc(other)),
                        start,
                    );
                    return None;
                }
            }
        }
    }

    fn emit_right(&mut self, pos: usize) {
        self.emit(Tok::RightDelim, pos);
    }

    fn scan_alnum(&mut self) {
        while let Some(c) = self.src[self.pos..].chars().next() {
            if is_alnum(c) {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }

    /// Go's `atTerminator` check after an identifier or field.
    fn check_term_end(&mut self, start: usize) -> bool {
        let rest = &self.src[self.pos..];
        let Some(c) = rest.chars().next() else {
            return true;
        };
        if is_space(c as u8) && c.is_ascii() || matches!(c, '.' | ',' | '|' | ':' | ')' | '(' | '=')
        {
            return true;
        }
        if rest.starts_with("}}") {
            return true;
        }
        let _ = start;
        self.error(format!("bad character {}", go_char_desc(c)), self.pos);
        false
    }

    fn lex_quote(&mut self, start: usize) -> bool {
        let mut i = self.pos + 1;
        loop {
            match self.b.get(i) {
                None | Some(b'\n') => {
                    self.error("unterminated quoted string".into(), start);
                    return false;
                }
                Some(b'\\') => i += 2,
                Some(b'"') => break,
                Some(_) => i += 1,
            }
        }
        let orig = &self.src[start..=i.min(self.b.len() - 1)];
        self.pos = i + 1;
        match unquote(orig) {
            Ok(v) => {
                self.emit(Tok::Str(orig.to_string(), v), start);
                true
            }
            Err(e) => {
                self.error(e, start);
                false
            }
        }
    }

    fn lex_char(&mut self, start: usize) -> bool {
        let mut i = self.pos + 1;
        loop {
            match self.b.get(i) {
                None | Some(b'\n') => {
                    self.error("unterminated character constant".into(), start);
                    return false;
                }
                Some(b'\\') => i += 2,
                Some(b'\'') => break,
                Some(_) => i += 1,
            }
        }
        self.pos = i + 1;
        let text = self.src[start..self.pos].to_string();
        self.emit(Tok::Char(text), start);
        true
    }

    fn lex_number(&mut self, start: usize) -> bool {
        let b = self.b;
        let mut i = self.pos;
        if matches!(b.get(i), Some(b'+') | Some(b'-')) {
            i += 1;
        }
        let mut digits: &[u8] = b"0123456789_";
        if b.get(i) == Some(&b'0') {
            match b.get(i + 1) {
                Some(b'x') | Some(b'X') => {
                    i += 2;
                    digits = b"0123456789abcdefABCDEF_";
                }
                Some(b'o') | Some(b'O') => {
                    i += 2;
                    digits = b"01234567_";
                }
                Some(b'b') | Some(b'B') => {
                    i += 2;
                    digits = b"01_";
                }
                _ => {}
            }
        }
        while b.get(i).is_some_and(|c| digits.contains(c)) {
            i += 1;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            while b.get(i).is_some_and(|c| digits.contains(c)) {
                i += 1;
            }
        }
        let hex = digits.len() > 12;
        let exp: &[u8] = if hex { b"pP" } else { b"eE" };
        if b.get(i).is_some_and(|c| exp.contains(c)) {
            i += 1;
            if matches!(b.get(i), Some(b'+') | Some(b'-')) {
                i += 1;
            }
            while b.get(i).is_some_and(|c| b"0123456789_".contains(c)) {
                i += 1;
            }
        }
        if b.get(i) == Some(&b'i') {
            i += 1;
        }
        let next = self.src[i..].chars().next();
        if next.is_some_and(is_alnum) {
            let end = i + next.map(char::len_utf8).unwrap_or(0);
            self.error(
                format!(
                    "bad number syntax: {}",
                    crate::template::funcs::conv::go_quote(&self.src[start..end])
                ),
                start,
            );
            return false;
        }
        self.pos = i;
        if i == start || (i == start + 1 && matches!(b[start], b'+' | b'-')) {
            let c = self.src[start..].chars().next().unwrap_or('?');
            self.error(format!("bad character {}", go_char_desc(c)), start);
            return false;
        }
        self.emit(Tok::Number(self.src[start..i].to_string()), start);
        true
    }
}

/// Go's `%#U`-like description used in "bad character" errors: `U+002D '-'`.
fn go_char_desc(c: char) -> String {
    format!("U+{:04X} '{}'", c as u32, c)
}

/// Decodes a Go interpreted string literal (with its quotes) or returns Go's error.
pub fn unquote(lit: &str) -> Result<String, String> {
    let inner = lit
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| "invalid syntax".to_string())?;
    let mut out: Vec<u8> = Vec::with_capacity(inner.len());
    let b = inner.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let esc = *b.get(i + 1).ok_or("invalid syntax")?;
        i += 2;
        match esc {
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'\\' => out.push(b'\\'),
            b'"' => out.push(b'"'),
            b'x' => {
                let h = inner.get(i..i + 2).ok_or("invalid syntax")?;
                out.push(u8::from_str_radix(h, 16).map_err(|_| "invalid syntax")?);
                i += 2;
            }
            b'0'..=b'7' => {
                let o = inner.get(i - 1..i + 2).ok_or("invalid syntax")?;
                let v = u32::from_str_radix(o, 8).map_err(|_| "invalid syntax")?;
                if v > 255 {
                    return Err("invalid syntax".into());
                }
                out.push(v as u8);
                i += 2;
            }
            b'u' | b'U' => {
                let n = if esc == b'u' { 4 } else { 8 };
                let h = inner.get(i..i + n).ok_or("invalid syntax")?;
                let v = u32::from_str_radix(h, 16).map_err(|_| "invalid syntax")?;
                let c = char::from_u32(v).ok_or("invalid syntax")?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                i += n;
            }
            _ => return Err("invalid syntax".into()),
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Decodes a Go char constant (`'a'`, `'\n'`, `'\x41'`, `'é'`) into its code point.
pub fn unquote_char(lit: &str) -> Option<i64> {
    let inner = lit.strip_prefix('\'')?.strip_suffix('\'')?;
    if inner == "\"" {
        return Some('"' as i64);
    }
    if inner == "\\'" {
        return Some('\'' as i64);
    }
    if let Some(rest) = inner.strip_prefix('\\') {
        if rest == "\"" {
            return None;
        }
        let s = unquote(&format!("\"\\{rest}\"")).ok()?;
        // \x and octal escapes are bytes; \u escapes are code points.
        if rest.starts_with('x') || rest.starts_with(|c: char| c.is_ascii_digit()) {
            return s.bytes().next().map(i64::from).or(Some(0));
        }
        let mut chars = s.chars();
        let c = chars.next()?;
        return chars.next().is_none().then_some(c as i64);
    }
    let mut chars = inner.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src).into_iter().map(|i| i.tok).collect()
    }

    #[test]
    fn every_item_has_the_line_of_its_position() {
        let src = "a\n{{ x }}\nb\n{{- y -}}\n\n  c {{/* two\nlines */}} {{ \"s\"\n| z }}\n";
        let items = lex(src);
        assert!(items.len() > 8);
        for it in &items {
            let want = 1 + src.as_bytes()[..it.pos.min(src.len())]
                .iter()
                .filter(|c| **c == b'\n')
                .count();
            assert_eq!(it.line, want, "{:?} at {}", it.tok, it.pos);
        }
    }

    #[test]
    fn trim_markers_and_comments() {
        assert_eq!(
            toks("a  {{- \"b\" -}}  \n c"),
            vec![
                Tok::Text("a".into()),
                Tok::LeftDelim,
                Tok::Str("\"b\"".into(), "b".into()),
                Tok::Space,
                Tok::RightDelim,
                Tok::Text("c".into()),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("x{{/* c */}}y"),
            vec![
                Tok::Text("x".into()),
                Tok::Comment,
                Tok::Text("y".into()),
                Tok::Eof
            ]
        );
        assert_eq!(toks("{{-3}}")[1], Tok::Number("-3".into()));
    }

    #[test]
    fn tokens_inside_actions() {
        let t = toks("{{ $x := .Values.a | default 1.5 }}");
        assert!(t.contains(&Tok::Variable("$x".into())));
        assert!(t.contains(&Tok::Declare));
        assert!(t.contains(&Tok::Field("Values".into())));
        assert!(t.contains(&Tok::Field("a".into())));
        assert!(t.contains(&Tok::Number("1.5".into())));
        assert!(
            matches!(toks("{{ .Values.my-key }}").iter().find(|t| matches!(t, Tok::Error(_))), Some(Tok::Error(e)) if e == "bad character U+002D '-'")
        );
    }

    #[test]
    fn literals_decode() {
        assert_eq!(unquote(r#""a\u00e9\x41\101""#).unwrap(), "aéAA");
        assert_eq!(unquote_char("'a'"), Some(97));
        assert_eq!(unquote_char("'\\n'"), Some(10));
        assert_eq!(unquote_char("'\\x41'"), Some(65));
        assert_eq!(unquote_char("'é'"), Some(233));
        assert_eq!(unquote_char("'\\''"), Some(39));
    }
}
