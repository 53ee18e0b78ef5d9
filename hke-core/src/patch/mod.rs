//! (patch: under construction)
