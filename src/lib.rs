//! fullemp: the nightly pipeline behind the re-inspection of provincial
//! full-employment communities and the city-level (star) evaluation.
//!
//! Data flows one way, one folder a stage:
//! `ingest` (raw files → typed frames) → `indicators` (frames → per-community
//! indicators) → `ratings` and `detectors` (indicators → decisions and
//! findings) → `publish` (everything that writes). `run` puts the stages in
//! order; `compare` tries a candidate rules file on a published run
//! (re-rated, never written to). `contract` and `config` are read by every
//! stage; `generate` writes synthetic extracts in the contract.

pub mod compare;
pub mod config;
pub mod contract;
pub mod detectors;
pub mod digest;
pub mod error;
pub mod explain;
pub mod fault;
pub mod fingerprint;
pub mod frame;
pub mod generate;
pub mod indicators;
pub mod ingest;
pub mod memory;
pub mod panel;
pub mod parallel;
pub mod privacy;
pub mod publish;
pub mod ratings;
pub mod run;

pub use error::{Error, Result};
