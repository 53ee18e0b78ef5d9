//! A semantic version as Masterminds' lenient `NewVersion` reads it.

use super::SemverError;
use std::cmp::Ordering;
use std::fmt;
use std::sync::LazyLock;

/// Masterminds' `semVerRegex`, anchored (`versionRegex`).
static VERSION_RE: LazyLock<regex_lite::Regex> = LazyLock::new(|| {
    // A constant pattern: it compiles, as the unit tests show.
    regex_lite::Regex::new(concat!(
        r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?",
        r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?",
        r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$"
    ))
    .expect("valid version regex")
});

/// A parsed semantic version (`major.minor.patch[-prerelease][+metadata]`).
///
/// Equality and ordering follow SemVer precedence: build metadata is ignored, a
/// prerelease sorts before its release, prerelease identifiers compare numerically when
/// both are numeric and as bytes otherwise.
#[derive(Clone, Debug)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

fn parse_segment(digits: &str) -> Result<u64, SemverError> {
    digits
        .parse::<u64>()
        .map_err(|_| SemverError::SegmentOutOfRange(digits.to_string()))
}

/// Masterminds' `validatePrerelease`: numeric identifiers without leading zeros.
fn validate_prerelease(pre: &str) -> Result<(), SemverError> {
    for part in pre.split('.') {
        if part.bytes().all(|b| b.is_ascii_digit()) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(SemverError::SegmentStartsZero);
            }
        } else if !part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(SemverError::InvalidPrerelease);
        }
    }
    Ok(())
}

/// Masterminds' `validateMetadata`.
fn validate_metadata(meta: &str) -> Result<(), SemverError> {
    if meta
        .split('.')
        .all(|p| p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    {
        Ok(())
    } else {
        Err(SemverError::InvalidMetadata)
    }
}

impl Version {
    /// Parses like Masterminds' `NewVersion`: an optional `v`, one to three numeric
    /// segments (missing ones are 0), then an optional `-prerelease` and `+metadata`.
    pub fn parse(text: &str) -> Result<Version, SemverError> {
        let caps = VERSION_RE
            .captures(text)
            .ok_or(SemverError::InvalidSemVer)?;
        let group = |i: usize| caps.get(i).map_or("", |m| m.as_str());
        let major = parse_segment(group(1))?;
        let minor = match group(2) {
            "" => 0,
            s => parse_segment(s.trim_start_matches('.'))?,
        };
        let patch = match group(3) {
            "" => 0,
            s => parse_segment(s.trim_start_matches('.'))?,
        };
        let pre = group(5).to_string();
        let metadata = group(8).to_string();
        if !pre.is_empty() {
            validate_prerelease(&pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(&metadata)?;
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre,
            metadata,
            original: text.to_string(),
        })
    }

    /// Builds a version from its parts (Masterminds' `New`); `original` is the
    /// canonical string.
    pub fn new(major: u64, minor: u64, patch: u64, pre: &str, metadata: &str) -> Version {
        let mut v = Version {
            major,
            minor,
            patch,
            pre: pre.to_string(),
            metadata: metadata.to_string(),
            original: String::new(),
        };
        v.original = v.to_string();
        v
    }

    /// The major number.
    pub fn major(&self) -> u64 {
        self.major
    }

    /// The minor number (0 when the text had none).
    pub fn minor(&self) -> u64 {
        self.minor
    }

    /// The patch number (0 when the text had none).
    pub fn patch(&self) -> u64 {
        self.patch
    }

    /// The prerelease, without its `-` (empty when none).
    pub fn prerelease(&self) -> &str {
        &self.pre
    }

    /// The build metadata, without its `+` (empty when none).
    pub fn metadata(&self) -> &str {
        &self.metadata
    }

    /// The text the version was parsed from, verbatim (`v1.2` stays `v1.2`).
    pub fn original(&self) -> &str {
        &self.original
    }

    /// Masterminds' `Compare`: -1, 0 or 1 by SemVer precedence (metadata ignored).
    pub fn compare(&self, other: &Version) -> i32 {
        match self.cmp(other) {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        }
    }
}

/// Masterminds' `comparePrePart`.
fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => s.cmp(o),
        // A number sorts before an alphanumeric identifier.
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        // Equal numbers spelt differently cannot occur: leading zeros are rejected.
        (Ok(a), Ok(b)) => a.cmp(&b),
    }
}

/// Masterminds' `comparePrerelease`.
pub(crate) fn compare_prerelease(s: &str, o: &str) -> Ordering {
    let sp: Vec<&str> = s.split('.').collect();
    let op: Vec<&str> = o.split('.').collect();
    for i in 0..sp.len().max(op.len()) {
        let a = sp.get(i).copied().unwrap_or("");
        let b = op.get(i).copied().unwrap_or("");
        let d = compare_pre_part(a, b);
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.major
            .cmp(&other.major)
            .then(self.minor.cmp(&other.minor))
            .then(self.patch.cmp(&other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &other.pre),
            })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    /// The canonical form (`String()`): no `v`, all three numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Version {
    type Err = SemverError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}
