//! The function library: Sprig v3.3.0's `TxtFuncMap` without `env`/`expandenv`, plus
//! Helm's context-free functions (`toYaml`, `fromYaml`, `toJson`, `toToml`, …).
//!
//! Functions that need the engine (`include`, `tpl`, `required`, `fail`, `lookup`) are
//! defined by the evaluator, not here.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::value::{FuncError, Signature, Value};

/// The native implementation of a function: receives its arguments already checked and
/// converted against the declared [`Signature`].
pub type NativeFn = fn(Vec<Value>) -> Result<Value, FuncError>;

/// A function of the library.
#[derive(Clone, Copy, Debug)]
pub struct Function {
    /// The name templates call it by.
    pub name: &'static str,
    /// Its Go parameter list.
    pub sig: Signature,
    /// The implementation.
    pub call: NativeFn,
}

/// All library functions by name.
pub fn library() -> &'static HashMap<&'static str, Function> {
    static LIB: OnceLock<HashMap<&'static str, Function>> = OnceLock::new();
    LIB.get_or_init(|| {
        let all: Vec<Function> = Vec::new();
        all.into_iter().map(|f| (f.name, f)).collect()
    })
}
