//! Reusable views.

mod dread_scorer;
mod form;
mod top_bar;

pub use dread_scorer::DreadScorer;
pub use form::{error_message, invalid, CopyField, FormError, Submit};
pub use top_bar::TopBar;
