//! Masterminds SemVer v3 (v3.3.0, the version Helm 3.17.2 pins) versions and constraints.
//!
//! - [`Version`]: the lenient parser of `semver.NewVersion` (`1`, `1.0`, `v1.2.3`,
//!   prerelease and build metadata), precedence ordering and the accessors the
//!   template function `semver` exposes.
//! - [`Constraints`]: `semver.NewConstraint` and `Constraints.Check`: comparison
//!   operators, `~`/`^` ranges, wildcards (`1.x`, `*`), hyphen ranges (`1 - 2`), `,`/space
//!   AND and `||` OR, with Masterminds' prerelease rule (a prerelease version only
//!   satisfies a constraint whose own version carries a prerelease).
//!
//! Error texts are Masterminds' own (`Invalid Semantic Version`,
//! `improper constraint: …`), since templates print them.

mod constraints;
mod version;

pub use constraints::Constraints;
pub use version::Version;

/// Why a version or a constraint string was rejected (Masterminds' messages).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SemverError {
    /// The string is not a (lenient) semantic version.
    #[error("Invalid Semantic Version")]
    InvalidSemVer,
    /// A prerelease identifier holds characters outside `[0-9A-Za-z-]`.
    #[error("Invalid Prerelease string")]
    InvalidPrerelease,
    /// A numeric prerelease identifier has a leading zero (`1.0.0-01`).
    #[error("Version segment starts with 0")]
    SegmentStartsZero,
    /// A build metadata identifier holds characters outside `[0-9A-Za-z-]`.
    #[error("Invalid Metadata string")]
    InvalidMetadata,
    /// A numeric segment does not fit in 64 bits (Go's `strconv.ParseUint` message).
    #[error(
        "Error parsing version segment: strconv.ParseUint: parsing \"{0}\": value out of range"
    )]
    SegmentOutOfRange(String),
    /// A constraint (one `||` alternative, or one operator/version pair) is malformed.
    #[error("improper constraint: {0}")]
    ImproperConstraint(String),
    /// A constraint matched the grammar but its version did not parse (`1|2`).
    #[error("constraint Parser Error")]
    ConstraintParser,
}

#[cfg(test)]
mod tests;
