//! Criterion benchmarks of hke-core live in `benches/`; this library holds the input
//! builders they share.
