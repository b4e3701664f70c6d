//! Synthetic extracts in the data contract, with falsification injected and
//! its ground truth (the generator issue).
