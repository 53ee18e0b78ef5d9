//! Python bindings of hke-core, built with maturin (`pip install ./bindings/python`).

use pyo3::prelude::*;

/// The Helm version whose behaviour hke reproduces.
#[pyfunction]
fn helm_compat_version() -> &'static str {
    "v3.17.2"
}

/// The `hke` Python module.
#[pymodule]
fn hke(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(helm_compat_version, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
