//! (values: under construction)
