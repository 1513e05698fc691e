//! Rampart's threat engine.
//!
//! A pure library: it never does file, network or database I/O and never spawns tasks, so the
//! same code runs in the server, in the command line and in the browser (wasm32). The model,
//! the rule catalogue and the path analysis grow here; scoring lives in [`dread`].

pub mod dread;

pub use dread::{Dread, Severity};
