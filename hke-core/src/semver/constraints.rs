//! Version constraints as Masterminds' `NewConstraint` reads them and `Check` applies
//! them.
//!
//! Grammar (Masterminds' regular expressions, with Go's ASCII `\s`): alternatives are
//! split on `||`; each alternative is one or more `OP VERSION` pairs separated by
//! whitespace or a comma; `A - B` (spaces required) is first rewritten to
//! `>= A, <= B`. `OP` is one of `= != > < >= => <= =< ~ ~> ^` or nothing; `VERSION` may
//! use `x`, `X` or `*` for a segment and may omit trailing segments (both make the
//! constraint "dirty", i.e. a range).

use super::version::{compare_prerelease, Version};
use super::SemverError;
use std::fmt;
use std::sync::LazyLock;

/// Go's `\s`: `[\t\n\f\r ]` (Rust's `\s` would also take Unicode spaces and `\v`).
macro_rules! ws {
    () => {
        r"[\t\n\x0C\r ]"
    };
}
/// Masterminds' operator alternation (note the empty alternative).
macro_rules! ops {
    () => {
        r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^"
    };
}
/// Masterminds' `cvRegex` (nine capture groups).
macro_rules! cv {
    () => {
        concat!(
            r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?",
            r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?",
            r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
        )
    };
}

fn compile(pattern: &str) -> regex_lite::Regex {
    // Only ever called with the constant patterns below, which the unit tests compile.
    regex_lite::Regex::new(pattern).expect("constant semver constraint pattern")
}

/// One `OP VERSION` pair, anchored (`constraintRegex`).
static CONSTRAINT_RE: LazyLock<regex_lite::Regex> = LazyLock::new(|| {
    compile(concat!(
        "^",
        ws!(),
        "*(",
        ops!(),
        ")",
        ws!(),
        "*(",
        cv!(),
        ")",
        ws!(),
        "*$"
    ))
});

/// A hyphen range `A - B` (`constraintRangeRegex`).
static RANGE_RE: LazyLock<regex_lite::Regex> = LazyLock::new(|| {
    compile(concat!(
        ws!(),
        "*(",
        cv!(),
        ")",
        ws!(),
        "+-",
        ws!(),
        "+(",
        cv!(),
        ")",
        ws!(),
        "*"
    ))
});

/// Finds each `OP VERSION` pair of an alternative (`findConstraintRegex`).
static FIND_RE: LazyLock<regex_lite::Regex> =
    LazyLock::new(|| compile(concat!("(", ops!(), ")", ws!(), "*(", cv!(), ")")));

/// Validates one alternative (`validConstraintRegex`).
static VALID_RE: LazyLock<regex_lite::Regex> = LazyLock::new(|| {
    compile(concat!(
        "^(",
        ws!(),
        "*(",
        ops!(),
        ")",
        ws!(),
        "*(",
        cv!(),
        ")",
        ws!(),
        "*)((?:",
        ws!(),
        "+|,",
        ws!(),
        "*)(",
        ops!(),
        ")",
        ws!(),
        "*(",
        cv!(),
        ")",
        ws!(),
        "*)*$"
    ))
});

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// `` or `=`: equality, or a tilde range when the version is dirty.
    TildeOrEqual,
    /// `!=`
    NotEqual,
    /// `>`
    GreaterThan,
    /// `<`
    LessThan,
    /// `>=` or `=>`
    GreaterThanEqual,
    /// `<=` or `=<`
    LessThanEqual,
    /// `~` or `~>`
    Tilde,
    /// `^`
    Caret,
}

impl Op {
    fn from_text(op: &str) -> Op {
        match op {
            "!=" => Op::NotEqual,
            ">" => Op::GreaterThan,
            "<" => Op::LessThan,
            ">=" | "=>" => Op::GreaterThanEqual,
            "<=" | "=<" => Op::LessThanEqual,
            "~" | "~>" => Op::Tilde,
            "^" => Op::Caret,
            _ => Op::TildeOrEqual,
        }
    }
}

/// One `OP VERSION` pair.
#[derive(Clone, Debug)]
struct Constraint {
    /// The version compared against (wildcards and missing segments as 0).
    con: Version,
    /// The version text as written (`4.x`).
    orig: String,
    /// The operator as written.
    op_text: String,
    op: Op,
    /// The minor segment was a wildcard or missing.
    minor_dirty: bool,
    /// Some segment was a wildcard or missing.
    dirty: bool,
    /// The patch segment was a wildcard or missing.
    patch_dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

impl Constraint {
    /// Masterminds' `parseConstraint` for a non-empty pair.
    fn parse(text: &str) -> Result<Constraint, SemverError> {
        let caps = CONSTRAINT_RE
            .captures(text)
            .ok_or_else(|| SemverError::ImproperConstraint(text.to_string()))?;
        let g = |i: usize| caps.get(i).map_or("", |m| m.as_str());
        let (major, minor, patch, pre) = (g(3), g(4), g(5), g(6));
        let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
        let ver = if is_x(major) || major.is_empty() {
            dirty = true;
            format!("0.0.0{pre}")
        } else if is_x(minor.trim_start_matches('.')) || minor.is_empty() {
            dirty = true;
            minor_dirty = true;
            format!("{major}.0.0{pre}")
        } else if is_x(patch.trim_start_matches('.')) || patch.is_empty() {
            dirty = true;
            patch_dirty = true;
            format!("{major}{minor}.0{pre}")
        } else {
            g(2).to_string()
        };
        let con = Version::parse(&ver).map_err(|_| SemverError::ConstraintParser)?;
        Ok(Constraint {
            con,
            orig: g(2).to_string(),
            op_text: g(1).to_string(),
            op: Op::from_text(g(1)),
            minor_dirty,
            dirty,
            patch_dirty,
        })
    }

    /// Whether `v` satisfies this pair.
    fn check(&self, v: &Version) -> bool {
        // Masterminds: a prerelease version only satisfies constraints that carry a
        // prerelease themselves (issue 21); `!=` applies the rule to ranges only.
        if self.op == Op::NotEqual {
            return self.not_equal(v);
        }
        if !v.prerelease().is_empty() && self.con.prerelease().is_empty() {
            return false;
        }
        match self.op {
            Op::NotEqual => self.not_equal(v),
            Op::GreaterThan => self.greater_than(v),
            Op::LessThan => v < &self.con,
            Op::GreaterThanEqual => v >= &self.con,
            Op::LessThanEqual => self.less_than_equal(v),
            Op::Tilde => self.tilde(v),
            Op::TildeOrEqual => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v == &self.con
                }
            }
            Op::Caret => self.caret(v),
        }
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.dirty {
            if !v.prerelease().is_empty() && c.prerelease().is_empty() {
                return false;
            }
            if c.major() != v.major() {
                return true;
            }
            if c.minor() != v.minor() && !self.minor_dirty {
                return true;
            } else if self.minor_dirty {
                return false;
            } else if c.patch() != v.patch() && !self.patch_dirty {
                return true;
            } else if self.patch_dirty {
                if !v.prerelease().is_empty() || !c.prerelease().is_empty() {
                    return compare_prerelease(v.prerelease(), c.prerelease())
                        != std::cmp::Ordering::Equal;
                }
                return false;
            }
        }
        v != c
    }

    fn greater_than(&self, v: &Version) -> bool {
        let c = &self.con;
        if !self.dirty {
            return v > c;
        }
        if v.major() > c.major() {
            true
        } else if v.major() < c.major() || self.minor_dirty {
            // `>11` needs 12 or more.
            false
        } else if self.patch_dirty {
            // `>11.1` needs 11.2 or more.
            v.minor() > c.minor()
        } else {
            v > c
        }
    }

    fn less_than_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if !self.dirty {
            return v <= c;
        }
        !(v.major() > c.major()
            || (v.major() == c.major() && v.minor() > c.minor() && !self.minor_dirty))
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v < c {
            return false;
        }
        // `~0.0.0` (and `~*`) accept everything.
        if c.major() == 0
            && c.minor() == 0
            && c.patch() == 0
            && !self.minor_dirty
            && !self.patch_dirty
        {
            return true;
        }
        if v.major() != c.major() {
            return false;
        }
        v.minor() == c.minor() || self.minor_dirty
    }

    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v < c {
            return false;
        }
        if c.major() > 0 || self.minor_dirty {
            return v.major() == c.major();
        }
        if v.major() > 0 {
            return false;
        }
        if c.minor() > 0 || self.patch_dirty {
            return v.minor() == c.minor();
        }
        if v.minor() > 0 {
            return false;
        }
        c.patch() == v.patch()
    }
}

/// Masterminds' `rewriteRange`: `A - B` becomes `>= A, <= B `.
fn rewrite_range(text: &str) -> String {
    let mut out = text.to_string();
    for caps in RANGE_RE.captures_iter(text) {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let lo = caps.get(1).map_or("", |m| m.as_str());
        let hi = caps.get(11).map_or("", |m| m.as_str());
        out = out.replacen(whole, &format!(">= {lo}, <= {hi} "), 1);
    }
    out
}

/// A parsed constraint string: alternatives (`||`) of conjunctions.
#[derive(Clone, Debug)]
pub struct Constraints {
    alternatives: Vec<Vec<Constraint>>,
}

impl Constraints {
    /// Parses like Masterminds' `NewConstraint`. A malformed alternative gives
    /// `improper constraint: ALTERNATIVE` (the alternative as written, spaces kept).
    pub fn parse(text: &str) -> Result<Constraints, SemverError> {
        let rewritten = rewrite_range(text);
        let mut alternatives = Vec::new();
        for alt in rewritten.split("||") {
            if !VALID_RE.is_match(alt) {
                return Err(SemverError::ImproperConstraint(alt.to_string()));
            }
            let mut pairs: Vec<&str> = FIND_RE.find_iter(alt).map(|m| m.as_str()).collect();
            if pairs.is_empty() {
                pairs.push(alt);
            }
            let conj = pairs
                .into_iter()
                .map(Constraint::parse)
                .collect::<Result<Vec<_>, _>>()?;
            alternatives.push(conj);
        }
        Ok(Constraints { alternatives })
    }

    /// Whether `version` satisfies at least one alternative (every pair of it).
    pub fn check(&self, version: &Version) -> bool {
        self.alternatives
            .iter()
            .any(|conj| conj.iter().all(|c| c.check(version)))
    }
}

impl fmt::Display for Constraints {
    /// Masterminds' `String()`: pairs joined by a space, alternatives by ` || `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, conj) in self.alternatives.iter().enumerate() {
            if i > 0 {
                f.write_str(" || ")?;
            }
            for (j, c) in conj.iter().enumerate() {
                if j > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{}{}", c.op_text, c.orig)?;
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for Constraints {
    type Err = SemverError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Constraints::parse(s)
    }
}
