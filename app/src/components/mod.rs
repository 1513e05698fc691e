//! Reusable views.

mod dread_scorer;

pub use dread_scorer::DreadScorer;
