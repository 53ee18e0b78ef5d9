//! `.helmignore` rules exactly as Helm 3.17.2's `pkg/ignore` applies them (directory
//! loads only).
//!
//! One pattern a line (spaces trimmed, blank lines and `#` comments skipped, `**`
//! rejected); a pattern without `/` is matched against the base name, one with a leading
//! `/` or an inner `/` against the whole relative path; a trailing `/` restricts it to
//! directories. Rules are tried in order and the first match ignores the path. Helm's
//! negation is inverted: a `!pattern` rule ignores every path that does *not* match it
//! (and `!dir/` ignores every file); we reproduce that. The default rule
//! `templates/.?*` is always appended.

use super::gomatch::{go_match, BadPattern};

/// Why a `.helmignore` could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IgnoreError {
    /// A pattern holds `**`.
    #[error("double-star (**) syntax is not supported")]
    DoubleStar,
    /// A pattern is not a valid Go glob.
    #[error("{0}")]
    BadPattern(#[from] BadPattern),
    /// A line longer than Go's `bufio.Scanner` limit (64 KiB).
    #[error("bufio.Scanner: token too long")]
    TokenTooLong,
}

/// How a rule's pattern is matched.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Anchor {
    /// Against the whole relative path (pattern had a leading `/`, now removed).
    Root,
    /// Against the whole relative path (pattern contains `/`).
    Path,
    /// Against the base name only.
    Base,
}

#[derive(Clone, Debug)]
struct Pattern {
    glob: String,
    negate: bool,
    must_dir: bool,
    anchor: Anchor,
}

impl Pattern {
    fn matches(&self, path: &str) -> bool {
        let subject = match self.anchor {
            Anchor::Root | Anchor::Path => path,
            Anchor::Base => go_base(path),
        };
        // Helm logs and treats a failing pattern as no match; patterns were checked
        // when parsed, so this cannot fail here.
        go_match(&self.glob, subject).unwrap_or(false)
    }
}

/// Go's `filepath.Base` for `/`-separated paths.
pub(crate) fn go_base(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "." } else { "/" };
    }
    match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

/// A parsed `.helmignore` (plus, once [`Rules::add_defaults`] ran, Helm's default rule).
#[derive(Clone, Debug, Default)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

/// Go's `bufio.MaxScanTokenSize`.
const MAX_LINE: usize = 64 * 1024;

impl Rules {
    /// No rules.
    pub fn empty() -> Rules {
        Rules::default()
    }

    /// Parses the text of a `.helmignore` (a UTF-8 BOM on the first line is dropped,
    /// lines split like Go's `bufio.ScanLines`: `\n`, with a trailing `\r` removed).
    pub fn parse(data: &[u8]) -> Result<Rules, IgnoreError> {
        let mut rules = Rules::empty();
        let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
        if data.is_empty() {
            return Ok(rules);
        }
        let body = data.strip_suffix(b"\n").unwrap_or(data);
        for line in body.split(|&b| b == b'\n') {
            if line.len() >= MAX_LINE {
                return Err(IgnoreError::TokenTooLong);
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            rules.parse_rule(&String::from_utf8_lossy(line))?;
        }
        Ok(rules)
    }

    /// Appends Helm's default rule `templates/.?*` (dotfiles directly in `templates/`).
    pub fn add_defaults(&mut self) {
        // A constant, valid rule.
        let _ = self.parse_rule("templates/.?*");
    }

    fn parse_rule(&mut self, rule: &str) -> Result<(), IgnoreError> {
        let rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(IgnoreError::DoubleStar);
        }
        go_match(rule, "abc")?;
        let (negate, rule) = match rule.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, rule),
        };
        let (must_dir, rule) = match rule.strip_suffix('/') {
            Some(r) => (true, r),
            None => (false, rule),
        };
        let (anchor, glob) = if let Some(r) = rule.strip_prefix('/') {
            (Anchor::Root, r)
        } else if rule.contains('/') {
            (Anchor::Path, rule)
        } else {
            (Anchor::Base, rule)
        };
        self.patterns.push(Pattern {
            glob: glob.to_string(),
            negate,
            must_dir,
            anchor,
        });
        Ok(())
    }

    /// Whether the file or directory at `path` (relative, `/`-separated) is ignored.
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for p in &self.patterns {
            if p.negate {
                // Helm's inverted negation: a non-match ignores, a match moves on.
                if p.must_dir && !is_dir {
                    return true;
                }
                if !p.matches(path) {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if p.matches(path) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::{IgnoreError, Rules};

    fn rules(text: &str) -> Rules {
        let mut r = Rules::parse(text.as_bytes()).unwrap();
        r.add_defaults();
        r
    }

    #[test]
    fn base_name_path_and_root_patterns() {
        let r = rules("*.txt\nconf/\n/other.yaml\nsub/*.md\n# comment\n\n  spaced.yaml  \n");
        assert!(r.ignore("a.txt", false));
        assert!(r.ignore("deep/dir/a.txt", false));
        assert!(r.ignore("conf", true));
        assert!(r.ignore("x/conf", true));
        assert!(!r.ignore("conf", false));
        assert!(r.ignore("other.yaml", false));
        assert!(!r.ignore("x/other.yaml", false));
        assert!(r.ignore("sub/a.md", false));
        assert!(!r.ignore("x/sub/a.md", false));
        assert!(r.ignore("spaced.yaml", false));
        assert!(!r.ignore("Chart.yaml", false));
    }

    #[test]
    fn default_rule_hides_template_dotfiles() {
        let r = rules("");
        assert!(r.ignore("templates/.swp", false));
        assert!(r.ignore("templates/.hidden", true));
        assert!(!r.ignore("templates/.", false));
        assert!(!r.ignore("templates/x/.y", false));
        assert!(!r.ignore(".helmignore", false));
    }

    #[test]
    fn negation_is_inverted_like_helm() {
        let r = rules("*.txt\n!nolf.txt\n");
        assert!(r.ignore("Chart.yaml", false));
        // `*.txt` comes first and matches: first match wins.
        assert!(r.ignore("nolf.txt", false));
        assert!(r.ignore("a.txt", false));
        let r = rules("!nolf.txt\n");
        assert!(!r.ignore("nolf.txt", false));
        assert!(r.ignore("values.yaml", false));
        let r = rules("!keep/\n");
        assert!(r.ignore("Chart.yaml", false));
        assert!(!r.ignore("keep", true));
        assert!(r.ignore("other", true));
    }

    #[test]
    fn parse_errors() {
        assert_eq!(Rules::parse(b"a/**/b").err(), Some(IgnoreError::DoubleStar));
        assert_eq!(
            Rules::parse(b"[a-").err().map(|e| e.to_string()),
            Some("syntax error in pattern".to_string())
        );
        assert!(Rules::parse(b"\xEF\xBB\xBF*.md\r\nx\r\n").is_ok());
        let r = Rules::parse(b"\xEF\xBB\xBF*.md\r\n").unwrap();
        assert!(r.ignore("README.md", false));
    }

    #[test]
    fn dot_and_empty_paths_are_never_ignored() {
        let r = rules("*\n");
        assert!(!r.ignore("", true));
        assert!(!r.ignore(".", true));
        assert!(r.ignore("a", false));
    }
}
