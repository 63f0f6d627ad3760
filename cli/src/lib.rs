//! The library half of the `tower-webhook` command line: the captured-request parser
//! (fuzzed: `fuzz/fuzz_targets/capture.rs`), the preset catalogue and the sample bodies.
//! The binary is the commands: `src/main.rs` parses and dispatches to `src/commands/`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod capture;
pub mod catalogue;
pub mod gateway;
pub mod samples;
