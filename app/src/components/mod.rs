//! Reusable views.

mod dread_scorer;
mod form;
mod top_bar;
mod versions;

pub use dread_scorer::DreadScorer;
pub use form::{error_message, invalid, CopyField, FormError, Submit};
pub use top_bar::TopBar;
pub use versions::VersionsPanel;
