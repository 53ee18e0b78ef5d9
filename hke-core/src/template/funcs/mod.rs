//! The function library: Sprig v3.3.0's `TxtFuncMap` without `env`/`expandenv`, plus
//! Helm's context-free functions (`toYaml`, `fromYaml`, `toJson`, `toToml`, …).
//!
//! Functions that need the engine (`include`, `tpl`, `required`, `fail`, `lookup`) and
//! Go's builtins (`and`, `or`, `len`, `index`, `printf`, `eq`…) are defined by the
//! evaluator, not here.
//!
//! Each function declares its Go signature; the evaluator checks and converts the
//! arguments against it before the call (so `until` receives a [`Value::Int`]), and a
//! [`FuncError`] becomes `error calling NAME: MESSAGE`.
//!
//! Families: [`strings`], [`collections`] (lists and dicts), [`numeric`] (math and
//! spf13/cast conversions), [`data`] (YAML/JSON/TOML, encodings, hashes, regex,
//! semver, reflection, defaults, paths, URLs, randomness, dates).

pub mod collections;
pub mod conv;
pub mod crypto;
pub mod data;
pub mod numeric;
pub mod strings;

use std::collections::HashMap;
use std::sync::OnceLock;

use super::value::{FuncError, Signature, Type, Value};

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

/// Builds a [`Function`] with fixed parameters.
pub const fn f(name: &'static str, params: &'static [Type], call: NativeFn) -> Function {
    Function {
        name,
        sig: Signature {
            params,
            variadic: None,
        },
        call,
    }
}

/// Builds a variadic [`Function`].
pub const fn fv(
    name: &'static str,
    params: &'static [Type],
    variadic: Type,
    call: NativeFn,
) -> Function {
    Function {
        name,
        sig: Signature {
            params,
            variadic: Some(variadic),
        },
        call,
    }
}

/// All library functions by name.
pub fn library() -> &'static HashMap<&'static str, Function> {
    static LIB: OnceLock<HashMap<&'static str, Function>> = OnceLock::new();
    LIB.get_or_init(|| {
        let mut all: Vec<Function> = Vec::new();
        strings::register(&mut all);
        collections::register(&mut all);
        numeric::register(&mut all);
        data::register(&mut all);
        crypto::register(&mut all);
        all.into_iter().map(|f| (f.name, f)).collect()
    })
}

/// Calls a library function by name on already-typed arguments (for tests and tools).
pub fn call(name: &str, args: Vec<Value>) -> Result<Value, FuncError> {
    match library().get(name) {
        Some(f) => (f.call)(args),
        None => Err(FuncError::new(format!("function {name:?} not defined"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_functions_are_absent_and_the_common_ones_present() {
        let lib = library();
        assert!(!lib.contains_key("env"));
        assert!(!lib.contains_key("expandenv"));
        for name in [
            "dict",
            "nindent",
            "quote",
            "list",
            "default",
            "toYaml",
            "empty",
            "set",
            "merge",
            "append",
            "trunc",
            "trimSuffix",
            "contains",
            "omit",
            "hasKey",
            "toString",
            "b64enc",
            "ternary",
            "int",
            "keys",
            "has",
            "join",
            "fromYaml",
            "typeIs",
            "coalesce",
            "indent",
            "kindIs",
            "upper",
            "sha256sum",
            "add",
            "semverCompare",
            "lower",
            "regexFind",
            "splitList",
            "uniq",
            "regexReplaceAll",
            "randAlpha",
            "until",
            "semver",
            "pick",
        ] {
            assert!(lib.contains_key(name), "{name} missing");
        }
    }
}
