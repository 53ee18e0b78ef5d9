//! The syntax tree of a parsed template, with Go's node shapes and the source form Go
//! prints for a node in error messages (`at <.Values.a.b>`).

use std::fmt;
use std::rc::Rc;

/// A parsed template (one file's main body, or one `define`).
#[derive(Debug)]
pub struct Tree {
    /// The template's name (file path, or the `define` name).
    pub name: String,
    /// The name of the file it was parsed from (for error locations).
    pub parse_name: String,
    /// The source text (for line/column of nodes).
    pub source: Rc<str>,
    /// The body.
    pub root: Vec<Node>,
}

impl Tree {
    /// True when the body holds only whitespace text and comments (Go's `IsEmptyTree`).
    pub fn is_empty(&self) -> bool {
        self.root.iter().all(|n| match n {
            Node::Text(_, t) => t.trim_matches(|c: char| c.is_whitespace()).is_empty(),
            Node::Comment => true,
            _ => false,
        })
    }

    /// `FILE:LINE:COL` of a byte offset, as Go's `ErrorContext` prints it (the column is
    /// the 0-based byte offset within the line).
    pub fn location(&self, pos: usize) -> String {
        let pos = pos.min(self.source.len());
        let text = &self.source.as_bytes()[..pos];
        let line = 1 + text.iter().filter(|c| **c == b'\n').count();
        let col = match text.iter().rposition(|c| *c == b'\n') {
            Some(nl) => pos - nl - 1,
            None => pos,
        };
        format!("{}:{line}:{col}", self.parse_name)
    }
}

/// A node of a template body.
#[derive(Debug, Clone)]
pub enum Node {
    /// Literal text.
    Text(usize, Rc<str>),
    /// `{{ pipeline }}`.
    Action(usize, Pipe),
    /// A comment.
    Comment,
    /// `{{ if }}`
    If(Box<Branch>),
    /// `{{ with }}`
    With(Box<Branch>),
    /// `{{ range }}`
    Range(Box<Branch>),
    /// `{{ template "name" pipeline }}`
    Template(usize, String, Option<Pipe>),
    /// `{{ break }}`
    Break(usize),
    /// `{{ continue }}`
    Continue(usize),
}

/// The parts of `if`, `with` and `range`.
#[derive(Debug, Clone)]
pub struct Branch {
    /// Position of the pipeline.
    pub pos: usize,
    /// The condition or collection.
    pub pipe: Pipe,
    /// The body.
    pub list: Vec<Node>,
    /// The `else` body (an `else if` is a nested `If` here).
    pub else_list: Option<Vec<Node>>,
}

/// A pipeline: optional variable declarations and commands joined by `|`.
#[derive(Debug, Clone)]
pub struct Pipe {
    /// Position of its first token.
    pub pos: usize,
    /// `$x = …` rather than `$x := …`.
    pub is_assign: bool,
    /// Declared or assigned variables (with `$`).
    pub decl: Vec<String>,
    /// The commands.
    pub cmds: Vec<Command>,
}

/// A command: a function, field or value with arguments.
#[derive(Debug, Clone)]
pub struct Command {
    /// Position.
    pub pos: usize,
    /// The operands (the first one is what is called).
    pub args: Vec<Arg>,
}

/// An operand.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `.A.B`: field chain on dot.
    Field(usize, Vec<String>),
    /// `(pipe).A.B` or `$x` … chained on another operand.
    Chain(usize, Box<Arg>, Vec<String>),
    /// `$x.A.B`: `names[0]` is the variable.
    Variable(usize, Vec<String>),
    /// A function name.
    Identifier(usize, String),
    /// `.`
    Dot(usize),
    /// `nil`
    Nil(usize),
    /// `true` / `false`
    Bool(usize, bool),
    /// A number literal.
    Number(usize, Rc<Number>),
    /// A string literal: original text and value.
    Str(usize, Rc<str>, Rc<str>),
    /// A parenthesised pipeline.
    Pipe(usize, Box<Pipe>),
}

/// A number literal with every interpretation Go's parser found.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// The text as written.
    pub text: String,
    /// Its value as a signed integer, if it is one (also integral floats).
    pub int: Option<i64>,
    /// Its value as an unsigned integer, if it is one.
    pub uint: Option<u64>,
    /// Its value as a float, if it is one.
    pub float: Option<f64>,
    /// An imaginary literal (`2i`): the imaginary part.
    pub imag: Option<f64>,
    /// Whether it is a char constant (`'a'`).
    pub is_char: bool,
}

impl Arg {
    /// The node's position.
    pub fn pos(&self) -> usize {
        match self {
            Arg::Field(p, _)
            | Arg::Chain(p, _, _)
            | Arg::Variable(p, _)
            | Arg::Identifier(p, _)
            | Arg::Dot(p)
            | Arg::Nil(p)
            | Arg::Bool(p, _)
            | Arg::Number(p, _)
            | Arg::Str(p, _, _)
            | Arg::Pipe(p, _) => *p,
        }
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field(_, idents) => {
                for i in idents {
                    write!(f, ".{i}")?;
                }
                Ok(())
            }
            Arg::Chain(_, node, fields) => {
                if let Arg::Pipe(_, p) = node.as_ref() {
                    write!(f, "({p})")?;
                } else {
                    write!(f, "{node}")?;
                }
                for i in fields {
                    write!(f, ".{i}")?;
                }
                Ok(())
            }
            Arg::Variable(_, idents) => write!(f, "{}", idents.join(".")),
            Arg::Identifier(_, n) => write!(f, "{n}"),
            Arg::Dot(_) => write!(f, "."),
            Arg::Nil(_) => write!(f, "nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Number(_, n) => write!(f, "{}", n.text),
            Arg::Str(_, orig, _) => write!(f, "{orig}"),
            Arg::Pipe(_, p) => write!(f, "{p}"),
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                write!(f, " ")?;
            }
            if let Arg::Pipe(_, p) = a {
                write!(f, "({p})")?;
            } else {
                write!(f, "{a}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            write!(f, "{}", self.decl.join(", "))?;
            write!(f, "{}", if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                write!(f, " | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}
