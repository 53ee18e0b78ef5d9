//! Go `text/template`, as Helm 3.17 (Go 1.23) uses it, with the Sprig v3.3.0 and Helm
//! function library.
//!
//! - [`value`]: the Go-typed value the evaluator works on.
//! - [`funcs`]: the function library (Sprig and Helm's context-free functions).
//! - [`gofmt`]: Go `fmt` formatting of values (`%v`, `Sprint`, floats).

pub mod ast;
pub mod exec;
pub mod funcs;
pub mod gofmt;
pub mod lexer;
pub mod parser;
pub mod value;
