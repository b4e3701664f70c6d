//! Per-community indicators (indicators.md): typed frames → one row per
//! community and year.
