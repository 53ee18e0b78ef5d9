//! The evaluator of Go's `text/template`, following Go 1.23's `exec.go` step by step
//! so that results and error messages (`template: FILE:LINE:COL: executing "NAME" at
//! <NODE>: MSG`) are Go's. Helm's engine functions (`include`, `tpl`, `required`,
//! `fail`, `lookup`) live here because they need the evaluator.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::ast::{Arg, Branch, Command, Node, Pipe, Tree};
use super::funcs::{self, conv::go_quote};
use super::gofmt::{sprint, sprint_value, sprintf, sprintln};
use super::parser::{parse, ParseError};
use super::value::{ElemType, FuncError, List, Map, MapKind, Signature, Type, Value};

/// Helm's limit on nested `include`s of one name.
pub const INCLUDE_RECURSION_MAX: usize = 1000;
/// hke's limit on nested template calls (Go's is 100000, too deep for a native stack).
pub const MAX_EXEC_DEPTH: usize = 3000;
/// Default bound on the output of one execution.
pub const DEFAULT_MAX_OUTPUT: usize = 64 << 20;

/// The cluster lookups behind the `lookup` function.
pub trait Lookup {
    /// `lookup apiVersion kind namespace name`: the object (or list) as a plain map;
    /// an empty map when not found. Errors abort rendering.
    fn lookup(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<crate::value::Map, String>;
}

/// An execution error with Go's full text.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ExecError(pub String);

/// Any error of parsing or executing templates.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TemplateError {
    /// A parse error.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// An execution error.
    #[error(transparent)]
    Exec(#[from] ExecError),
}

impl TemplateError {
    /// The message Helm prints for this error when it happens while rendering `file`:
    /// parse errors are cut to `parse error at (FILE:LINE): …`; `required`/`fail`
    /// become `execution error at (FILE:LINE:COL): MSG`; other exec errors stay Go's.
    pub fn helm_message(&self) -> String {
        match self {
            TemplateError::Parse(p) => super::parser::helm_parse_error(p),
            TemplateError::Exec(ExecError(msg)) => helm_exec_message(msg),
        }
    }
}

const WARN_START: &str = "HELM_ERR_START";
const WARN_END: &str = "HELM_ERR_END";

/// Helm's `reformatExecErrorMsg`.
pub fn helm_exec_message(msg: &str) -> String {
    let parts: Vec<&str> = msg.splitn(3, ": ").collect();
    if parts.len() != 3 {
        return msg.to_string();
    }
    if let Some(s) = parts[2].find(WARN_START) {
        let rest = &parts[2][s + WARN_START.len()..];
        if let Some(e) = rest.rfind(WARN_END) {
            return format!("execution error at ({}): {}", parts[1], &rest[..e]);
        }
    }
    msg.to_string()
}

/// A set of named templates sharing one namespace (Helm's `gotpl` root).
#[derive(Clone, Default)]
pub struct TemplateSet {
    layers: Vec<Layer>,
}

type Layer = Rc<RefCell<HashMap<String, Rc<Tree>>>>;

/// Names the parser accepts as functions.
pub fn is_function(name: &str) -> bool {
    BUILTINS.contains(&name) || ENGINE_FUNCS.contains(&name) || funcs::library().contains_key(name)
}

const BUILTINS: &[&str] = &[
    "and", "call", "html", "index", "js", "len", "not", "or", "print", "printf", "println",
    "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];
const ENGINE_FUNCS: &[&str] = &["include", "tpl", "required", "fail", "lookup"];

impl TemplateSet {
    /// An empty set.
    pub fn new() -> TemplateSet {
        TemplateSet {
            layers: vec![Rc::new(RefCell::new(HashMap::new()))],
        }
    }

    /// Parses a file and adds its templates: the file's body under `name` and each
    /// `define`. A later definition replaces an earlier one, except that an empty body
    /// never replaces a non-empty one (Go's `AddParseTree` rules).
    pub fn parse_file(&mut self, name: &str, src: &str) -> Result<(), ParseError> {
        let parsed = parse(name, src, &is_function)?;
        for (n, tree) in parsed.trees {
            let keep_old = tree.is_empty()
                && self
                    .layers
                    .iter()
                    .any(|l| l.borrow().get(&n).is_some_and(|t| !t.is_empty()));
            if !keep_old {
                self.top().borrow_mut().insert(n, tree);
            }
        }
        Ok(())
    }

    fn top(&self) -> &Layer {
        self.layers
            .last()
            .expect("a template set has at least one layer")
    }

    /// Looks up a template by name.
    pub fn lookup(&self, name: &str) -> Option<Rc<Tree>> {
        self.layers
            .iter()
            .rev()
            .find_map(|l| l.borrow().get(name).cloned())
    }

    /// A set that sees every template of this one plus its own additions (for `tpl`).
    fn overlay(&self) -> TemplateSet {
        let mut layers = self.layers.clone();
        layers.push(Rc::new(RefCell::new(HashMap::new())));
        TemplateSet { layers }
    }

    /// Executes the named template with `dot`, as Go's `ExecuteTemplate`.
    pub fn execute(
        &self,
        name: &str,
        dot: Value,
        ctx: &RenderContext,
    ) -> Result<String, ExecError> {
        let engine = Engine {
            ctx,
            include_counts: RefCell::new(HashMap::new()),
        };
        let mut out = String::new();
        engine.execute_into(self, name, "gotpl", dot, &mut out, 0)?;
        Ok(out)
    }
}

/// What an execution may use and how far it may go.
pub struct RenderContext<'a> {
    /// The `lookup` implementation; `None` returns empty maps (as `helm template`).
    pub lookup: Option<&'a dyn Lookup>,
    /// Maximum bytes one execution may write.
    pub max_output: usize,
    /// `helm lint` mode: `required`/`fail` log instead of failing.
    pub lint_mode: bool,
    /// Lines logged on the way (lint mode's `[INFO]` lines).
    pub log: RefCell<Vec<String>>,
}

impl Default for RenderContext<'_> {
    fn default() -> Self {
        RenderContext {
            lookup: None,
            max_output: DEFAULT_MAX_OUTPUT,
            lint_mode: false,
            log: RefCell::new(Vec::new()),
        }
    }
}

struct Engine<'a, 'c> {
    ctx: &'a RenderContext<'c>,
    include_counts: RefCell<HashMap<String, usize>>,
}

/// An evaluated value with Go's static-type distinction: a value read out of an
/// `interface{}` slot (a map or slice element) versus a concrete one, and Go's
/// invalid (missing) value.
#[derive(Clone, Debug)]
struct Ev {
    v: Value,
    boxed: bool,
    valid: bool,
}

impl Ev {
    fn concrete(v: Value) -> Ev {
        let valid = !matches!(v, Value::Nil);
        Ev {
            v,
            boxed: false,
            valid,
        }
    }
    fn boxed(v: Value) -> Ev {
        Ev {
            v,
            boxed: true,
            valid: true,
        }
    }
    fn invalid() -> Ev {
        Ev {
            v: Value::Nil,
            boxed: false,
            valid: false,
        }
    }
    /// Go's "dig down one level" of an `interface{}` value.
    fn unbox(self) -> Ev {
        if self.boxed {
            Ev::concrete(self.v)
        } else {
            self
        }
    }
    fn is_nil_iface(&self) -> bool {
        self.boxed && matches!(self.v, Value::Nil)
    }
    fn static_type(&self) -> String {
        if self.boxed {
            "interface {}".into()
        } else {
            self.v.type_name()
        }
    }
}

#[derive(Clone, Copy)]
enum At<'n> {
    None,
    Arg(&'n Arg),
    Cmd(&'n Command),
    Pipe(&'n Pipe),
    Node(&'n Node),
    Branch(&'n Branch, &'static str),
}

impl At<'_> {
    fn pos(&self) -> usize {
        match self {
            At::None => 0,
            At::Arg(a) => a.pos(),
            At::Cmd(c) => c.pos,
            At::Pipe(p) => p.pos,
            At::Branch(b, _) => b.pos,
            At::Node(n) => match n {
                Node::Text(p, _)
                | Node::Action(p, _)
                | Node::Template(p, _, _)
                | Node::Break(p)
                | Node::Continue(p) => *p,
                Node::If(b) | Node::With(b) | Node::Range(b) => b.pos,
                Node::Comment => 0,
            },
        }
    }
    fn context(&self) -> String {
        match self {
            At::None => String::new(),
            At::Arg(a) => match a {
                Arg::Pipe(_, p) => p.to_string(),
                other => other.to_string(),
            },
            At::Cmd(c) => c.to_string(),
            At::Pipe(p) => p.to_string(),
            At::Branch(b, kind) => format!("{{{{{kind} {}}}}}", b.pipe),
            At::Node(n) => match n {
                Node::Action(_, p) => format!("{{{{{p}}}}}"),
                Node::Template(_, name, None) => format!("{{{{template {}}}}}", go_quote(name)),
                Node::Template(_, name, Some(p)) => {
                    format!("{{{{template {} {p}}}}}", go_quote(name))
                }
                Node::Text(_, t) => go_quote(t),
                Node::Break(_) => "{{break}}".into(),
                Node::Continue(_) => "{{continue}}".into(),
                Node::If(b) => format!("{{{{if {}}}}}", b.pipe),
                Node::With(b) => format!("{{{{with {}}}}}", b.pipe),
                Node::Range(b) => format!("{{{{range {}}}}}", b.pipe),
                Node::Comment => String::new(),
            },
        }
    }
}

enum Flow {
    Normal,
    Break,
    Continue,
}

struct State<'a, 'c, 'n> {
    engine: &'a Engine<'a, 'c>,
    set: &'a TemplateSet,
    name: String,
    tree: Rc<Tree>,
    at: At<'n>,
    vars: Vec<(String, Ev)>,
    depth: usize,
}

type R<T> = Result<T, ExecError>;

impl<'a, 'c> Engine<'a, 'c> {
    fn execute_into(
        &self,
        set: &TemplateSet,
        name: &str,
        root: &str,
        dot: Value,
        out: &mut String,
        depth: usize,
    ) -> R<()> {
        let Some(tree) = set.lookup(name) else {
            return Err(ExecError(format!(
                "template: no template {} associated with template {}",
                go_quote(name),
                go_quote(root)
            )));
        };
        let dot = Ev::concrete(dot);
        let mut st = State {
            engine: self,
            set,
            name: name.to_string(),
            tree: tree.clone(),
            at: At::None,
            vars: vec![("$".into(), dot.clone())],
            depth,
        };
        let tree_ref: &Tree = &tree;
        st.walk_list(&dot, &tree_ref.root, out).map(|_| ())
    }
}

impl<'a, 'c, 'n> State<'a, 'c, 'n> {
    fn errorf(&self, msg: impl std::fmt::Display) -> ExecError {
        match self.at {
            At::None => ExecError(format!("template: {}: {msg}", self.name)),
            at => ExecError(format!(
                "template: {}: executing {} at <{}>: {msg}",
                self.tree.location(at.pos()),
                go_quote(&self.name),
                at.context()
            )),
        }
    }

    fn write(&self, out: &mut String, s: &str) -> R<()> {
        if out.len() + s.len() > self.engine.ctx.max_output {
            return Err(self.errorf(format!(
                "output exceeds hke's limit of {} bytes",
                self.engine.ctx.max_output
            )));
        }
        out.push_str(s);
        Ok(())
    }

    fn walk_list(&mut self, dot: &Ev, nodes: &'n [Node], out: &mut String) -> R<Flow> {
        for n in nodes {
            match self.walk(dot, n, out)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &Ev, node: &'n Node, out: &mut String) -> R<Flow> {
        // Deep `include`/`template` recursion grows the stack on the heap.
        stacker::maybe_grow(128 * 1024, 4 * 1024 * 1024, || {
            self.walk_inner(dot, node, out)
        })
    }

    fn walk_inner(&mut self, dot: &Ev, node: &'n Node, out: &mut String) -> R<Flow> {
        self.at = At::Node(node);
        match node {
            Node::Text(_, t) => self.write(out, t)?,
            Node::Comment => {}
            Node::Action(_, pipe) => {
                let v = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.at = At::Node(node);
                    let text = if !v.valid {
                        "<no value>".to_string()
                    } else {
                        sprint_value(&v.v)
                    };
                    self.write(out, &text)?;
                }
            }
            Node::Break(_) => return Ok(Flow::Break),
            Node::Continue(_) => return Ok(Flow::Continue),
            Node::If(b) => return self.walk_if_with(dot, b, false, out),
            Node::With(b) => return self.walk_if_with(dot, b, true, out),
            Node::Range(b) => return self.walk_range(dot, b, out),
            Node::Template(_, name, pipe) => {
                self.walk_template(dot, node, name, pipe.as_ref(), out)?
            }
        }
        Ok(Flow::Normal)
    }

    fn walk_if_with(&mut self, dot: &Ev, b: &'n Branch, with: bool, out: &mut String) -> R<Flow> {
        let mark = self.vars.len();
        let val = self.eval_pipeline(dot, &b.pipe)?;
        let truth = val.valid && val.v.truthy();
        let flow = if truth {
            if with {
                self.walk_list(&val, &b.list, out)?
            } else {
                self.walk_list(dot, &b.list, out)?
            }
        } else if let Some(e) = &b.else_list {
            self.walk_list(dot, e, out)?
        } else {
            Flow::Normal
        };
        self.vars.truncate(mark);
        Ok(flow)
    }

    fn walk_range(&mut self, dot: &Ev, b: &'n Branch, out: &mut String) -> R<Flow> {
        self.at = At::Branch(b, "range");
        let outer = self.vars.len();
        let val = self.eval_pipeline(dot, &b.pipe)?;
        let mark = self.vars.len();
        let items: Vec<(Ev, Ev)> = if !val.valid {
            Vec::new()
        } else {
            match &val.v {
                Value::List(l) => {
                    let boxed = l.elem == ElemType::Interface;
                    l.items
                        .iter()
                        .enumerate()
                        .map(|(i, e)| {
                            (
                                Ev::concrete(Value::Int(i as i64)),
                                if boxed {
                                    Ev::boxed(e.clone())
                                } else {
                                    Ev::concrete(e.clone())
                                },
                            )
                        })
                        .collect()
                }
                Value::Bytes(bs) => bs
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        (
                            Ev::concrete(Value::Int(i as i64)),
                            Ev::concrete(Value::Int(i64::from(*x))),
                        )
                    })
                    .collect(),
                Value::Map(m) => {
                    let boxed = m.kind != MapKind::String;
                    m.entries
                        .borrow()
                        .iter()
                        .map(|(k, v)| {
                            (
                                Ev::concrete(Value::str(k)),
                                if boxed {
                                    Ev::boxed(v.clone())
                                } else {
                                    Ev::concrete(v.clone())
                                },
                            )
                        })
                        .collect()
                }
                Value::Object(o) => match o.range_entries() {
                    Some(e) => e
                        .into_iter()
                        .map(|(k, v)| (Ev::concrete(k), Ev::concrete(v)))
                        .collect(),
                    None => {
                        return Err(self
                            .errorf(format!("range can't iterate over {}", sprint_value(&val.v))))
                    }
                },
                other => {
                    return Err(
                        self.errorf(format!("range can't iterate over {}", sprint_value(other)))
                    );
                }
            }
        };
        if items.is_empty() {
            self.vars.truncate(mark);
            let flow = match &b.else_list {
                Some(e) => self.walk_list(dot, e, out)?,
                None => Flow::Normal,
            };
            self.vars.truncate(outer);
            return Ok(flow);
        }
        for (index, elem) in items {
            let nd = b.pipe.decl.len();
            if nd > 0 {
                if b.pipe.is_assign {
                    let v = if nd > 1 { index.clone() } else { elem.clone() };
                    self.set_var(&b.pipe.decl[0], v)?;
                } else {
                    let top = self.vars.len() - 1;
                    self.vars[top].1 = elem.clone();
                }
            }
            if nd > 1 {
                if b.pipe.is_assign {
                    self.set_var(&b.pipe.decl[1], elem.clone())?;
                } else {
                    let second = self.vars.len() - 2;
                    self.vars[second].1 = index.clone();
                }
            }
            let flow = self.walk_list(&elem, &b.list, out)?;
            self.vars.truncate(mark);
            if let Flow::Break = flow {
                break;
            }
        }
        self.vars.truncate(outer);
        Ok(Flow::Normal)
    }

    fn walk_template(
        &mut self,
        dot: &Ev,
        node: &'n Node,
        name: &str,
        pipe: Option<&'n Pipe>,
        out: &mut String,
    ) -> R<()> {
        self.at = At::Node(node);
        let Some(tree) = self.set.lookup(name) else {
            return Err(self.errorf(format!("template {} not defined", go_quote(name))));
        };
        if self.depth >= MAX_EXEC_DEPTH {
            return Err(self.errorf(format!(
                "exceeded maximum template depth ({MAX_EXEC_DEPTH})"
            )));
        }
        let new_dot = match pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Ev::invalid(),
        };
        let mut st = State {
            engine: self.engine,
            set: self.set,
            name: name.to_string(),
            tree: tree.clone(),
            at: At::None,
            vars: vec![("$".into(), new_dot.clone())],
            depth: self.depth + 1,
        };
        let root: &Tree = &tree;
        st.walk_list(&new_dot, &root.root, out).map(|_| ())
    }

    fn var_value(&self, name: &str) -> R<Ev> {
        for (n, v) in self.vars.iter().rev() {
            if n == name {
                return Ok(v.clone());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn set_var(&mut self, name: &str, v: Ev) -> R<()> {
        for i in (0..self.vars.len()).rev() {
            if self.vars[i].0 == name {
                self.vars[i].1 = v;
                return Ok(());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn eval_pipeline(&mut self, dot: &Ev, pipe: &'n Pipe) -> R<Ev> {
        self.at = At::Pipe(pipe);
        let mut value: Option<Ev> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            value = Some(v.unbox());
        }
        let value = value.unwrap_or_else(Ev::invalid);
        for var in &pipe.decl {
            if pipe.is_assign {
                self.set_var(var, value.clone())?;
            } else {
                self.vars.push((var.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Arg], fin: &Option<Ev>) -> R<()> {
        if args.len() > 1 || fin.is_some() {
            return Err(self.errorf(format!("can't give argument to non-function {}", args[0])));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Ev, cmd: &'n Command, fin: Option<Ev>) -> R<Ev> {
        stacker::maybe_grow(128 * 1024, 4 * 1024 * 1024, || {
            self.eval_command_inner(dot, cmd, fin)
        })
    }

    fn eval_command_inner(&mut self, dot: &Ev, cmd: &'n Command, fin: Option<Ev>) -> R<Ev> {
        let first = &cmd.args[0];
        match first {
            Arg::Field(_, idents) => {
                return self.eval_field_node(dot, first, idents, &cmd.args, fin)
            }
            Arg::Chain(..) => return self.eval_chain_node(dot, first, &cmd.args, fin),
            Arg::Identifier(_, name) => {
                return self.eval_function(dot, first, name, Some(cmd), &cmd.args, fin)
            }
            Arg::Pipe(_, p) => {
                self.not_a_function(&cmd.args, &fin)?;
                return self.eval_pipeline(dot, p);
            }
            Arg::Variable(_, idents) => {
                return self.eval_variable_node(dot, first, idents, &cmd.args, fin)
            }
            _ => {}
        }
        self.at = At::Arg(first);
        self.not_a_function(&cmd.args, &fin)?;
        match first {
            Arg::Bool(_, b) => Ok(Ev::concrete(Value::Bool(*b))),
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Nil(_) => Err(self.errorf("nil is not a command")),
            Arg::Number(..) => self.ideal_constant(first),
            Arg::Str(_, _, v) => Ok(Ev::concrete(Value::String(v.clone()))),
            _ => Err(self.errorf(format!(
                "can't evaluate command {}",
                go_quote(&first.to_string())
            ))),
        }
    }

    fn ideal_constant(&mut self, n: &'n Arg) -> R<Ev> {
        self.at = At::Arg(n);
        let Arg::Number(_, num) = n else {
            return Ok(Ev::invalid());
        };
        if let Some(im) = num.imag {
            return Ok(Ev::concrete(Value::str(&format!(
                "(0{}{}i)",
                if im >= 0.0 { "+" } else { "" },
                super::gofmt::format_float(im)
            ))));
        }
        let t = &num.text;
        let is_hex_int =
            t.len() > 2 && (t.starts_with("0x") || t.starts_with("0X")) && !t.contains(['p', 'P']);
        if num.float.is_some()
            && !is_hex_int
            && !num.is_char
            && t.contains(['.', 'e', 'E', 'p', 'P'])
        {
            return Ok(Ev::concrete(Value::Float(num.float.unwrap_or(0.0))));
        }
        if let Some(i) = num.int {
            return Ok(Ev::concrete(Value::Int(i)));
        }
        if num.uint.is_some() {
            return Err(self.errorf(format!("{t} overflows int")));
        }
        Ok(Ev::invalid())
    }

    fn eval_field_node(
        &mut self,
        dot: &Ev,
        node: &'n Arg,
        idents: &[String],
        args: &'n [Arg],
        fin: Option<Ev>,
    ) -> R<Ev> {
        self.at = At::Arg(node);
        self.eval_field_chain(dot, dot.clone(), node, idents, args, fin)
    }

    fn eval_chain_node(
        &mut self,
        dot: &Ev,
        node: &'n Arg,
        args: &'n [Arg],
        fin: Option<Ev>,
    ) -> R<Ev> {
        self.at = At::Arg(node);
        let Arg::Chain(_, inner, fields) = node else {
            return Ok(Ev::invalid());
        };
        if let Arg::Nil(_) = inner.as_ref() {
            return Err(self.errorf(format!("indirection through explicit nil in {node}")));
        }
        let pipe = self.eval_arg(dot, None, inner)?;
        self.eval_field_chain(dot, pipe, node, fields, args, fin)
    }

    fn eval_variable_node(
        &mut self,
        dot: &Ev,
        node: &'n Arg,
        idents: &[String],
        args: &'n [Arg],
        fin: Option<Ev>,
    ) -> R<Ev> {
        self.at = At::Arg(node);
        let value = self.var_value(&idents[0])?;
        if idents.len() == 1 {
            self.not_a_function(args, &fin)?;
            return Ok(value);
        }
        self.eval_field_chain(dot, value, node, &idents[1..], args, fin)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Ev,
        mut receiver: Ev,
        node: &'n Arg,
        idents: &[String],
        args: &'n [Arg],
        fin: Option<Ev>,
    ) -> R<Ev> {
        let n = idents.len();
        for ident in &idents[..n - 1] {
            receiver = self.eval_field(dot, ident, node, &[], None, receiver)?;
        }
        self.eval_field(dot, &idents[n - 1], node, args, fin, receiver)
    }

    fn eval_field(
        &mut self,
        dot: &Ev,
        name: &str,
        node: &'n Arg,
        args: &'n [Arg],
        fin: Option<Ev>,
        receiver: Ev,
    ) -> R<Ev> {
        if !receiver.valid {
            return Ok(Ev::invalid());
        }
        let typ = receiver.static_type();
        if receiver.is_nil_iface() {
            return Err(self.errorf(format!("nil pointer evaluating {typ}.{name}")));
        }
        // Methods first.
        match &receiver.v {
            Value::Map(m) if m.kind == MapKind::Values => {
                if let Some(sig) = values_method(name) {
                    let m = m.clone();
                    return self.eval_call(
                        dot,
                        Callee::ValuesMethod(m, name.to_string(), sig),
                        Some(At::Arg(node)),
                        name,
                        args,
                        fin,
                    );
                }
            }
            Value::Object(o) => {
                if let Some(sig) = o.method(name) {
                    let o = o.clone();
                    return self.eval_call(
                        dot,
                        Callee::Method(o, name.to_string(), sig),
                        Some(At::Arg(node)),
                        name,
                        args,
                        fin,
                    );
                }
            }
            _ => {}
        }
        let has_args = args.len() > 1 || fin.is_some();
        match &receiver.v {
            Value::Object(o) => {
                if let Some(v) = o.field(name) {
                    if has_args {
                        return Err(self.errorf(format!(
                            "{name} has arguments but cannot be invoked as function"
                        )));
                    }
                    return Ok(Ev::concrete(v));
                }
            }
            Value::Map(m) => {
                if has_args {
                    return Err(self.errorf(format!("{name} is not a method but has arguments")));
                }
                return Ok(match (m.get(name), m.kind) {
                    (Some(v), MapKind::String) => Ev::concrete(v),
                    (Some(v), _) => Ev::boxed(v),
                    (None, MapKind::String) => Ev::concrete(Value::str("")),
                    (None, _) => Ev::boxed(Value::Nil),
                });
            }
            _ => {}
        }
        Err(self.errorf(format!("can't evaluate field {name} in type {typ}")))
    }

    fn eval_function(
        &mut self,
        dot: &Ev,
        node: &'n Arg,
        name: &str,
        cmd: Option<&'n Command>,
        args: &'n [Arg],
        fin: Option<Ev>,
    ) -> R<Ev> {
        self.at = At::Arg(node);
        let callee = if BUILTINS.contains(&name) || ENGINE_FUNCS.contains(&name) {
            Callee::Builtin(name.to_string())
        } else if let Some(f) = funcs::library().get(name) {
            Callee::Lib(*f)
        } else {
            return Err(self.errorf(format!("{} is not a defined function", go_quote(name))));
        };
        let at = cmd.map(At::Cmd).unwrap_or(At::Arg(node));
        self.eval_call(dot, callee, Some(at), name, args, fin)
    }

    fn eval_call(
        &mut self,
        dot: &Ev,
        callee: Callee,
        node: Option<At<'n>>,
        name: &str,
        args: &'n [Arg],
        fin: Option<Ev>,
    ) -> R<Ev> {
        let args: &'n [Arg] = if args.is_empty() { args } else { &args[1..] };
        let sig = callee.signature();
        let num_in = args.len() + usize::from(fin.is_some());
        let num_fixed;
        if let Some(_v) = sig.variadic {
            num_fixed = sig.params.len();
            if num_in < num_fixed {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {num_fixed} got {}",
                    args.len()
                )));
            }
        } else {
            num_fixed = args.len();
            if num_in != sig.params.len() {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want {} got {num_in}",
                    sig.params.len()
                )));
            }
        }
        // and/or short-circuit.
        if let Callee::Builtin(b) = &callee {
            if b == "and" || b == "or" {
                let is_or = b == "or";
                let mut v = Ev::invalid();
                for a in args {
                    v = self.eval_arg(dot, None, a)?;
                    let t = v.valid && v.v.truthy();
                    if t == is_or {
                        return Ok(v);
                    }
                }
                if let Some(f) = fin {
                    v = f;
                }
                return Ok(v);
            }
        }
        let mut argv: Vec<Ev> = Vec::with_capacity(num_in);
        let mut i = 0;
        while i < num_fixed && i < args.len() {
            let t = sig.params.get(i).copied();
            argv.push(self.eval_arg(dot, param_type(&callee, t), &args[i])?);
            i += 1;
        }
        if let Some(vt) = sig.variadic {
            while i < args.len() {
                argv.push(self.eval_arg(dot, param_type(&callee, Some(vt)), &args[i])?);
                i += 1;
            }
        }
        if let Some(f) = fin {
            let t = if sig.variadic.is_some() {
                if num_in - 1 < num_fixed {
                    sig.params.get(num_in - 1).copied()
                } else {
                    sig.variadic
                }
            } else {
                sig.params.last().copied()
            };
            argv.push(self.validate_type(f, param_type(&callee, t))?);
        }
        let result = self.call(dot, &callee, argv);
        match result {
            Ok(v) => Ok(v),
            Err(CallErr::Func(e)) => {
                if let Some(n) = node {
                    self.at = n;
                }
                Err(self.errorf(format!("error calling {name}: {}", e.0)))
            }
        }
    }

    fn eval_arg(&mut self, dot: &Ev, typ: Option<Type>, n: &'n Arg) -> R<Ev> {
        self.at = At::Arg(n);
        match n {
            Arg::Dot(_) => return self.validate_type(dot.clone(), typ),
            Arg::Nil(_) => {
                return match typ {
                    None | Some(Type::Any) => Ok(Ev::boxed(Value::Nil)),
                    Some(Type::List | Type::Strings | Type::Map | Type::Bytes) => {
                        Ok(Ev::concrete(Value::Nil))
                    }
                    Some(t) => Err(self.errorf(format!("cannot assign nil to {}", t.go_name()))),
                }
            }
            Arg::Field(_, idents) => {
                let v = self.eval_field_node(dot, n, idents, std::slice::from_ref(n), None)?;
                return self.validate_type(v, typ);
            }
            Arg::Variable(_, idents) => {
                let v = self.eval_variable_node(dot, n, idents, &[], None)?;
                return self.validate_type(v, typ);
            }
            Arg::Pipe(_, p) => {
                let v = self.eval_pipeline(dot, p)?;
                return self.validate_type(v, typ);
            }
            Arg::Identifier(_, name) => {
                let v = self.eval_function(dot, n, name, None, &[], None)?;
                return self.validate_type(v, typ);
            }
            Arg::Chain(..) => {
                let v = self.eval_chain_node(dot, n, &[], None)?;
                return self.validate_type(v, typ);
            }
            _ => {}
        }
        let found = || n.to_string();
        match typ {
            None | Some(Type::Any) => match n {
                Arg::Bool(_, b) => Ok(Ev::concrete(Value::Bool(*b))),
                Arg::Number(..) => self.ideal_constant(n),
                Arg::Str(_, _, v) => Ok(Ev::concrete(Value::String(v.clone()))),
                _ => Err(self.errorf(format!(
                    "can't handle assignment of {n} to empty interface argument"
                ))),
            },
            Some(Type::Bool) => match n {
                Arg::Bool(_, b) => Ok(Ev::concrete(Value::Bool(*b))),
                _ => Err(self.errorf(format!("expected bool; found {}", found()))),
            },
            Some(Type::Float64) => match n {
                Arg::Number(_, num) if num.float.is_some() && num.imag.is_none() => {
                    Ok(Ev::concrete(Value::Float(num.float.unwrap_or(0.0))))
                }
                _ => Err(self.errorf(format!("expected float; found {}", found()))),
            },
            Some(t @ (Type::Int | Type::Int64)) => match n {
                Arg::Number(_, num) if num.int.is_some() && num.imag.is_none() => {
                    let i = num.int.unwrap_or(0);
                    Ok(Ev::concrete(if t == Type::Int {
                        Value::Int(i)
                    } else {
                        Value::Int64(i)
                    }))
                }
                _ => Err(self.errorf(format!("expected integer; found {}", found()))),
            },
            Some(Type::String) => match n {
                Arg::Str(_, _, v) => Ok(Ev::concrete(Value::String(v.clone()))),
                _ => Err(self.errorf(format!("expected string; found {}", found()))),
            },
            Some(t) => {
                Err(self.errorf(format!("can't handle {n} for arg of type {}", t.go_name())))
            }
        }
    }

    fn validate_type(&self, value: Ev, typ: Option<Type>) -> R<Ev> {
        let Some(t) = typ else {
            return Ok(value);
        };
        if !value.valid {
            return match t {
                Type::Any => Ok(Ev::boxed(Value::Nil)),
                Type::List | Type::Strings | Type::Map | Type::Bytes => {
                    Ok(Ev::concrete(Value::Nil))
                }
                _ => Err(self.errorf(format!("invalid value; expected {}", t.go_name()))),
            };
        }
        if t == Type::Any {
            return Ok(value);
        }
        if value.is_nil_iface() {
            return Err(self.errorf(format!(
                "wrong type for value; expected {}; got interface {{}}",
                t.go_name()
            )));
        }
        let ok = match (t, &value.v) {
            (Type::String, Value::String(_)) => true,
            (Type::Int, Value::Int(_)) => true,
            (Type::Int64, Value::Int64(_)) => true,
            (Type::Float64, Value::Float(_)) => true,
            (Type::Bool, Value::Bool(_)) => true,
            (Type::Bytes, Value::Bytes(_)) => true,
            (Type::List, Value::List(l)) => l.elem == ElemType::Interface,
            (Type::Strings, Value::List(l)) => l.elem == ElemType::String,
            (Type::Map, Value::Map(m)) => m.kind != MapKind::String,
            (Type::Map | Type::List | Type::Strings | Type::Bytes, Value::Nil) => true,
            _ => false,
        };
        if ok {
            return Ok(Ev::concrete(value.v));
        }
        Err(self.errorf(format!(
            "wrong type for value; expected {}; got {}",
            t.go_name(),
            value.v.type_name()
        )))
    }

    fn call(&mut self, dot: &Ev, callee: &Callee, argv: Vec<Ev>) -> Result<Ev, CallErr> {
        match callee {
            Callee::Lib(f) => {
                let vals: Vec<Value> = argv.into_iter().map(|e| e.v).collect();
                let v = (f.call)(vals).map_err(CallErr::Func)?;
                Ok(fn_result(v))
            }
            Callee::Method(o, name, _) => {
                let vals: Vec<Value> = argv.into_iter().map(|e| e.v).collect();
                Ok(fn_result(o.call_method(name, vals).map_err(CallErr::Func)?))
            }
            Callee::ValuesMethod(m, name, _) => values_call(m, name, argv)
                .map(fn_result)
                .map_err(CallErr::Func),
            Callee::Builtin(name) => self.call_builtin(dot, name, argv),
        }
    }

    fn call_builtin(&mut self, _dot: &Ev, name: &str, argv: Vec<Ev>) -> Result<Ev, CallErr> {
        let fe = |m: String| CallErr::Func(FuncError(m));
        let vals = || argv.iter().map(|e| e.v.clone()).collect::<Vec<_>>();
        match name {
            "not" => Ok(Ev::concrete(Value::Bool(
                !(argv[0].valid && argv[0].v.truthy()),
            ))),
            "len" => {
                let a = &argv[0];
                if a.is_nil_iface() || !a.valid {
                    return Err(fe("len of nil pointer".into()));
                }
                let n = match &a.v {
                    Value::String(s) => s.len(),
                    Value::Bytes(b) => b.len(),
                    Value::List(l) => l.items.len(),
                    Value::Map(m) => m.entries.borrow().len(),
                    Value::Object(o) => match o.go_len() {
                        Some(n) => n,
                        None => return Err(fe(format!("len of type {}", o.type_name()))),
                    },
                    other => return Err(fe(format!("len of type {}", other.type_name()))),
                };
                Ok(Ev::concrete(Value::Int(n as i64)))
            }
            "index" => builtin_index(&argv).map_err(fe),
            "print" => Ok(Ev::concrete(Value::str(&sprint(&vals())))),
            "println" => Ok(Ev::concrete(Value::str(&sprintln(&vals())))),
            "printf" => {
                let v = vals();
                let fmt = match v.first() {
                    Some(Value::String(s)) => s.to_string(),
                    _ => String::new(),
                };
                Ok(Ev::concrete(Value::str(&sprintf(&fmt, &v[1..]))))
            }
            "html" | "js" | "urlquery" => {
                let v = vals();
                let s = match v.as_slice() {
                    [Value::String(s)] => s.to_string(),
                    other => sprint(other),
                };
                Ok(Ev::concrete(Value::str(&match name {
                    "html" => html_escape(&s),
                    "js" => js_escape(&s),
                    _ => query_escape(&s),
                })))
            }
            "call" => {
                let a = &argv[0];
                Err(fe(format!("non-function of type {}", a.static_type())))
            }
            "eq" => {
                if argv.len() < 2 {
                    return Err(fe("missing argument for comparison".into()));
                }
                for b in &argv[1..] {
                    if compare_eq(&argv[0], b).map_err(fe)? {
                        return Ok(Ev::concrete(Value::Bool(true)));
                    }
                }
                Ok(Ev::concrete(Value::Bool(false)))
            }
            "ne" => Ok(Ev::concrete(Value::Bool(
                !compare_eq(&argv[0], &argv[1]).map_err(fe)?,
            ))),
            "lt" => Ok(Ev::concrete(Value::Bool(
                compare_lt(&argv[0], &argv[1]).map_err(fe)?,
            ))),
            "le" => {
                let lt = compare_lt(&argv[0], &argv[1]).map_err(fe)?;
                Ok(Ev::concrete(Value::Bool(
                    lt || compare_eq(&argv[0], &argv[1]).map_err(fe)?,
                )))
            }
            "gt" => {
                let lt = compare_lt(&argv[0], &argv[1]).map_err(fe)?;
                Ok(Ev::concrete(Value::Bool(
                    !(lt || compare_eq(&argv[0], &argv[1]).map_err(fe)?),
                )))
            }
            "ge" => Ok(Ev::concrete(Value::Bool(
                !compare_lt(&argv[0], &argv[1]).map_err(fe)?,
            ))),
            "include" => self.include(&argv),
            "tpl" => self.tpl(&argv),
            "required" => {
                let (warn, val) = (&argv[0].v, &argv[1]);
                let missing = matches!(val.v, Value::Nil)
                    || matches!(&val.v, Value::String(s) if s.is_empty());
                if missing {
                    let w = funcs::conv::strval(warn);
                    if self.engine.ctx.lint_mode {
                        self.engine
                            .ctx
                            .log
                            .borrow_mut()
                            .push(format!("[INFO] Missing required value: {w}"));
                        return Ok(Ev::concrete(Value::str("")));
                    }
                    return Err(fe(format!("{WARN_START}{w}{WARN_END}")));
                }
                Ok(fn_result(val.v.clone()))
            }
            "fail" => {
                let msg = funcs::conv::strval(&argv[0].v);
                if self.engine.ctx.lint_mode {
                    self.engine
                        .ctx
                        .log
                        .borrow_mut()
                        .push(format!("[INFO] Fail: {msg}"));
                    return Ok(Ev::concrete(Value::str("")));
                }
                Err(fe(format!("{WARN_START}{msg}{WARN_END}")))
            }
            "lookup" => {
                let s = |i: usize| funcs::conv::strval(&argv[i].v);
                let m = match self.engine.ctx.lookup {
                    Some(l) => l.lookup(&s(0), &s(1), &s(2), &s(3)).map_err(fe)?,
                    None => crate::value::Map::new(),
                };
                Ok(Ev::concrete(Value::from_plain(&crate::value::Value::Map(
                    m,
                ))))
            }
            _ => Err(fe(format!("{name} is not implemented"))),
        }
    }

    fn include(&mut self, argv: &[Ev]) -> Result<Ev, CallErr> {
        let name = funcs::conv::strval(&argv[0].v);
        let data = argv[1].v.clone();
        {
            let mut counts = self.engine.include_counts.borrow_mut();
            let c = counts.entry(name.clone()).or_insert(0);
            if *c > INCLUDE_RECURSION_MAX {
                return Err(CallErr::Func(FuncError(format!(
                    "rendering template has a nested reference name: {name}: unable to execute template"
                ))));
            }
            *c += 1;
        }
        if self.depth >= MAX_EXEC_DEPTH {
            return Err(CallErr::Func(FuncError(format!(
                "exceeded maximum template depth ({MAX_EXEC_DEPTH})"
            ))));
        }
        let mut buf = String::new();
        let r = self
            .engine
            .execute_into(self.set, &name, "gotpl", data, &mut buf, self.depth + 1);
        if let Some(c) = self.engine.include_counts.borrow_mut().get_mut(&name) {
            *c = c.saturating_sub(1);
        }
        match r {
            Ok(()) => Ok(Ev::concrete(Value::str(&buf))),
            Err(e) => Err(CallErr::Func(FuncError(e.0))),
        }
    }

    fn tpl(&mut self, argv: &[Ev]) -> Result<Ev, CallErr> {
        let text = funcs::conv::strval(&argv[0].v);
        let data = argv[1].v.clone();
        let mut set = self.set.overlay();
        if let Err(e) = set.parse_file("gotpl", &text) {
            return Err(CallErr::Func(FuncError(format!(
                "cannot parse template {}: {e}",
                go_quote(&text)
            ))));
        }
        if self.depth >= MAX_EXEC_DEPTH {
            return Err(CallErr::Func(FuncError(format!(
                "exceeded maximum template depth ({MAX_EXEC_DEPTH})"
            ))));
        }
        let mut buf = String::new();
        match self
            .engine
            .execute_into(&set, "gotpl", "gotpl", data, &mut buf, self.depth + 1)
        {
            Ok(()) => Ok(Ev::concrete(Value::str(&buf.replace("<no value>", "")))),
            Err(e) => Err(CallErr::Func(FuncError(format!(
                "error during tpl function execution for {}: {}",
                go_quote(&text),
                e.0
            )))),
        }
    }
}

enum CallErr {
    Func(FuncError),
}

enum Callee {
    Lib(funcs::Function),
    Builtin(String),
    Method(Rc<dyn super::value::Object>, String, Signature),
    ValuesMethod(Map, String, Signature),
}

const VARIADIC_ANY: Signature = Signature {
    params: &[],
    variadic: Some(Type::Any),
};

impl Callee {
    fn signature(&self) -> Signature {
        match self {
            Callee::Lib(f) => f.sig,
            Callee::Method(_, _, s) | Callee::ValuesMethod(_, _, s) => *s,
            Callee::Builtin(name) => match name.as_str() {
                "and" | "or" | "eq" | "index" | "call" => Signature {
                    params: &[Type::Any],
                    variadic: Some(Type::Any),
                },
                "not" | "len" => Signature {
                    params: &[Type::Any],
                    variadic: None,
                },
                "ne" | "lt" | "le" | "gt" | "ge" => Signature {
                    params: &[Type::Any, Type::Any],
                    variadic: None,
                },
                "printf" => Signature {
                    params: &[Type::String],
                    variadic: Some(Type::Any),
                },
                "include" | "tpl" | "required" => Signature {
                    params: &[Type::String, Type::Any],
                    variadic: None,
                },
                "fail" => Signature {
                    params: &[Type::String],
                    variadic: None,
                },
                "lookup" => Signature {
                    params: &[Type::String, Type::String, Type::String, Type::String],
                    variadic: None,
                },
                _ => VARIADIC_ANY,
            },
        }
    }
}

/// Builtins taking `reflect.Value` accept anything without conversion.
fn param_type(callee: &Callee, t: Option<Type>) -> Option<Type> {
    match callee {
        Callee::Builtin(n)
            if matches!(
                n.as_str(),
                "and"
                    | "or"
                    | "not"
                    | "len"
                    | "index"
                    | "eq"
                    | "ne"
                    | "lt"
                    | "le"
                    | "gt"
                    | "ge"
                    | "call"
            ) =>
        {
            None
        }
        _ => t,
    }
}

fn fn_result(v: Value) -> Ev {
    if matches!(v, Value::Nil) {
        Ev::boxed(Value::Nil)
    } else {
        Ev::concrete(v)
    }
}

fn values_method(name: &str) -> Option<Signature> {
    const NONE: Signature = Signature {
        params: &[],
        variadic: None,
    };
    const ONE: Signature = Signature {
        params: &[Type::String],
        variadic: None,
    };
    const WRITER: Signature = Signature {
        params: &[Type::Any],
        variadic: None,
    };
    match name {
        "YAML" | "AsMap" => Some(NONE),
        "Table" | "PathValue" => Some(ONE),
        "Encode" => Some(WRITER),
        _ => None,
    }
}

fn values_call(m: &Map, name: &str, argv: Vec<Ev>) -> Result<Value, FuncError> {
    let plain = match Value::Map(m.clone()).to_plain() {
        crate::value::Value::Map(p) => p,
        _ => crate::value::Map::new(),
    };
    match name {
        "YAML" => Ok(Value::str(
            &crate::yaml::try_marshal(&crate::value::Value::Map(plain))
                .map_err(|e| FuncError(e.to_string()))?,
        )),
        "AsMap" => Ok(Value::Map(Map {
            kind: MapKind::Interface,
            entries: m.entries.clone(),
        })),
        "Table" => {
            let path = argv
                .first()
                .map(|e| funcs::conv::strval(&e.v))
                .unwrap_or_default();
            let mut cur = m.clone();
            for part in path.split('.') {
                match cur.get(part) {
                    Some(Value::Map(next)) => cur = next,
                    _ => return Err(FuncError(format!("no table named {}", go_quote(part)))),
                }
            }
            Ok(Value::Map(Map {
                kind: MapKind::Values,
                entries: cur.entries,
            }))
        }
        "PathValue" => {
            let path = argv
                .first()
                .map(|e| funcs::conv::strval(&e.v))
                .unwrap_or_default();
            if path.is_empty() {
                return Err(FuncError("YAML path cannot be empty".into()));
            }
            match crate::values::dependencies::path_value(&plain, &path) {
                Some(v) => Ok(Value::from_plain(v)),
                None => {
                    let key = path.rsplit('.').next().unwrap_or(&path);
                    Err(FuncError(format!("{} is not a value", go_quote(key))))
                }
            }
        }
        _ => Err(FuncError(format!(
            "{name}: writers are not supported in templates"
        ))),
    }
}

fn builtin_index(argv: &[Ev]) -> Result<Ev, String> {
    let mut item = argv[0].clone();
    if !item.valid || (item.boxed && matches!(item.v, Value::Nil)) {
        return Err("index of untyped nil".into());
    }
    for idx in &argv[1..] {
        if matches!(item.v, Value::Nil) {
            return Err("index of nil pointer".into());
        }
        item = match &item.v {
            Value::List(_) | Value::String(_) | Value::Bytes(_) => {
                let len = match &item.v {
                    Value::List(l) => l.items.len(),
                    Value::String(s) => s.len(),
                    Value::Bytes(b) => b.len(),
                    _ => 0,
                };
                let x = match &idx.v {
                    Value::Int(i) | Value::Int64(i) => *i,
                    Value::Nil => return Err("cannot index slice/array with nil".into()),
                    other => {
                        return Err(format!(
                            "cannot index slice/array with type {}",
                            other.type_name()
                        ))
                    }
                };
                if x < 0 || x as usize > len {
                    return Err(format!("index out of range: {x}"));
                }
                if x as usize == len {
                    return Err("reflect: slice index out of range".into());
                }
                match &item.v {
                    Value::List(l) => {
                        let e = l.items[x as usize].clone();
                        if l.elem == ElemType::Interface {
                            Ev::boxed(e)
                        } else {
                            Ev::concrete(e)
                        }
                    }
                    Value::String(s) => {
                        Ev::concrete(Value::Int(i64::from(s.as_bytes()[x as usize])))
                    }
                    Value::Bytes(b) => Ev::concrete(Value::Int(i64::from(b[x as usize]))),
                    _ => Ev::invalid(),
                }
            }
            Value::Map(m) => {
                let key = match &idx.v {
                    Value::String(s) => s.to_string(),
                    Value::Nil if !idx.valid || idx.boxed => {
                        return Err("value is nil; should be of type string".into())
                    }
                    other => {
                        return Err(format!(
                            "value has type {}; should be string",
                            other.type_name()
                        ))
                    }
                };
                match (m.get(&key), m.kind) {
                    (Some(v), MapKind::String) => Ev::concrete(v),
                    (Some(v), _) => Ev::boxed(v),
                    (None, MapKind::String) => Ev::concrete(Value::str("")),
                    (None, _) => Ev::boxed(Value::Nil),
                }
            }
            Value::Object(o) if o.range_entries().is_some() => {
                let entries = o.range_entries().unwrap_or_default();
                let found = entries
                    .into_iter()
                    .find(|(k, _)| funcs::conv::deep_equal(k, &idx.v));
                match found {
                    Some((_, v)) => Ev::concrete(v),
                    None => Ev::invalid(),
                }
            }
            other => return Err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(item)
}

#[derive(PartialEq, Clone, Copy)]
enum BasicKind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
}

fn basic_kind(e: &Ev) -> BasicKind {
    if !e.valid {
        return BasicKind::Invalid;
    }
    match &e.v {
        Value::Bool(_) => BasicKind::Bool,
        Value::Int(_) | Value::Int64(_) => BasicKind::Int,
        Value::Float(_) => BasicKind::Float,
        Value::String(_) => BasicKind::String,
        _ => BasicKind::Invalid,
    }
}

fn compare_eq(a: &Ev, b: &Ev) -> Result<bool, String> {
    let (k1, k2) = (basic_kind(a), basic_kind(b));
    let a_nil = matches!(a.v, Value::Nil);
    let b_nil = matches!(b.v, Value::Nil);
    if k1 != k2 {
        if !a_nil && !b_nil {
            return Err("incompatible types for comparison".into());
        }
        return Ok(false);
    }
    Ok(match (&a.v, &b.v) {
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x) | Value::Int64(x), Value::Int(y) | Value::Int64(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        _ => {
            if a_nil || b_nil {
                a_nil == b_nil
            } else {
                match (&a.v, &b.v) {
                    (Value::Map(_), _) | (Value::List(_), _) | (Value::Bytes(_), _) => {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            sprint_value(&a.v),
                            a.v.type_name(),
                            b.v.type_name(),
                            sprint_value(&b.v)
                        ))
                    }
                    _ => {
                        if a.v.type_name() != b.v.type_name() {
                            return Err("incompatible types for comparison".into());
                        }
                        funcs::conv::deep_equal(&a.v, &b.v)
                    }
                }
            }
        }
    })
}

fn compare_lt(a: &Ev, b: &Ev) -> Result<bool, String> {
    let (k1, k2) = (basic_kind(a), basic_kind(b));
    if k1 == BasicKind::Invalid || k2 == BasicKind::Invalid {
        return Err("invalid type for comparison".into());
    }
    if k1 != k2 {
        return Err("incompatible types for comparison".into());
    }
    Ok(match (&a.v, &b.v) {
        (Value::Int(x) | Value::Int64(x), Value::Int(y) | Value::Int64(y)) => x < y,
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::String(x), Value::String(y)) => x < y,
        _ => return Err("invalid type for comparison".into()),
    })
}

/// Go's `template.HTMLEscapeString`.
pub fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => o.push('\u{FFFD}'),
            '"' => o.push_str("&#34;"),
            '\'' => o.push_str("&#39;"),
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            c => o.push(c),
        }
    }
    o
}

/// Go's `template.JSEscapeString`.
pub fn js_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\'' => o.push_str("\\'"),
            '"' => o.push_str("\\\""),
            '<' => o.push_str("\\u003C"),
            '>' => o.push_str("\\u003E"),
            '&' => o.push_str("\\u0026"),
            '=' => o.push_str("\\u003D"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04X}", c as u32)),
            c if !funcs::conv::is_go_print(c) => o.push_str(&format!("\\u{:04X}", c as u32)),
            c => o.push(c),
        }
    }
    o
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                o.push(b as char)
            }
            b' ' => o.push('+'),
            _ => o.push_str(&format!("%{b:02X}")),
        }
    }
    o
}

/// Builds a `map[string]interface{}` render object from entries.
pub fn render_object(entries: BTreeMap<String, Value>) -> Value {
    Value::dict(entries)
}

/// Convenience for a `[]interface{}` of strings.
pub fn string_list(items: &[&str]) -> Value {
    Value::List(List {
        elem: ElemType::Interface,
        items: Rc::new(items.iter().map(|s| Value::str(s)).collect()),
    })
}

#[cfg(test)]
mod tests;
