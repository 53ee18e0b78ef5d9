//! Masterminds SemVer v3 versions and constraints.
