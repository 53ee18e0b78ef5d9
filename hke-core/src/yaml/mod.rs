//! (yaml: under construction)
