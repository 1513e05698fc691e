//! Open Threat Model (OTM) 0.1 and 0.2 JSON: [`import`] and [`export`].
//!
//! Mapping (both ways):
//! - Trust zones → `subnet` boundaries (nested through `parent.trustZone`); components →
//!   elements whose kind is guessed from `type` and name (databases, storage, queues and
//!   caches → `data_store`; clients, devices and browsers → `external_actor`; load
//!   balancers, WAFs; anything else → `workload`). A `rampartKind` attribute written by
//!   [`export`] restores Rampart's own kind instead.
//! - A component inside another component (`parent.component`) sits in the nearest
//!   enclosing trust zone, since Rampart containers are boundaries; the component parent is
//!   kept in the `otm.parentComponent` attribute and written back.
//! - `attributes` entries are kept under their own names, the non-standard `properties`
//!   under `properties.<name>`, and `type`, `tags`, `trustRating` and asset links under
//!   `otm.*`. Flow attributes `protocol`, `port`, `encryption`, `authentication` and
//!   `classification` fill Rampart's flow fields.
//! - Each threat link on a component or dataflow becomes one user threat (id: the OTM
//!   threat id, or `<threat>.<target>` when the threat is linked more than once), with the
//!   first mappable category as STRIDE, likelihood → reproducibility, exploitability and
//!   discoverability, impact → damage and affected users (0-100 → 0-10), the link state
//!   → a status (a state Rampart cannot name is kept in the decision's notes), and the
//!   linked mitigations with their state, `riskReduction` and description.
//! - Assets → assets (value from the highest of confidentiality, integrity and
//!   availability), stored in the components that list them under `assets.stored`.

mod export;
mod import;

pub use export::export;
pub use import::import;

/// The OTM version written by [`export`].
pub const VERSION: &str = "0.2.0";
pub(crate) const FORMAT: &str = "OTM";
/// Prefix of a decision note that keeps an OTM link state Rampart has no status for.
pub(crate) const STATE_NOTE: &str = "OTM state: ";

use analysis::model::Status;

/// The OTM link state written for a status.
pub(crate) fn state_label(status: Status) -> &'static str {
    match status {
        Status::Open => "exposed",
        Status::Mitigated => "mitigated",
        Status::Accepted => "accepted",
        Status::Transferred => "transferred",
        Status::NotApplicable => "not-applicable",
    }
}

/// The status of an OTM link state, and whether the state is one [`state_label`] writes.
pub(crate) fn status_of_state(state: &str) -> (Status, bool) {
    let status = if state.trim().eq_ignore_ascii_case("exposed") {
        Status::Open
    } else {
        crate::common::status_from(state).unwrap_or(Status::Open)
    };
    (
        status,
        state_label(status).eq_ignore_ascii_case(state.trim()),
    )
}
