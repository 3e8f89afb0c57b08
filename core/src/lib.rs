//! # presidio-x402-core
//!
//! The pure decision core of **presidio-hardened-x402**: it decides, before an
//! x402 payment is signed, whether the payment may go ahead.
//!
//! ## The rule: this crate is pure
//! This crate is fully deterministic. It contains no networking or file code,
//! never reads a clock, never draws randomness, never reads the environment
//! and keeps no global state (the PII lexicon, constant data, is unpacked
//! once on first use into a read-only table that no input changes; the
//! purity test allows that one place). The current time (`now_ms`), keys and
//! every piece of prior state come in as arguments; new state comes back as
//! return values.
//! It forbids `unsafe` code. The same inputs give the same bytes out, natively
//! and inside the `presidio_x402.wasm` component (whose import list is empty,
//! which CI checks).
//!
//! ## Totality
//! Every input, however hostile, gives a result or a stable [`Code`]. Inputs
//! have size caps. Nothing panics on bad input.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

#[macro_use]
mod json_object;
pub mod assets;
pub mod audit;
pub mod canonical;
pub mod challenge;
pub mod config;
pub mod controls;
pub mod driver;
pub mod echo;
pub mod error;
pub mod facade;
pub mod guard;
pub mod hex;
pub mod ledger;
pub mod money;
pub mod mpa;
pub mod payid;
pub mod payload;
pub mod pii;
pub mod pipeline;
pub mod policy;
pub mod replay;
mod ucd;
pub mod url;
pub mod url_mask;

pub use error::{Code, ConfigError};
