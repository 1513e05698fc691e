//! OWASP Threat Dragon v2 JSON: [`import`] and [`export`].
//!
//! Mapping (both ways):
//! - `tm.Actor` → `external_actor`; `tm.Process` → `workload` (privileged when
//!   `privilegeLevel` names more than an ordinary user); `tm.Store` → `data_store`
//!   (`isEncrypted` → encrypted at rest); `tm.BoundaryBox` → `subnet`, the closest
//!   Rampart container. A `rampartKind` field written by [`export`] restores Rampart's own
//!   kind instead.
//! - Every other scalar field of `cell.data` (isALog, isSigned, storesCredentials,
//!   providesAuthentication, privilegeLevel, isPublicNetwork, isBidirectional, ...) is kept
//!   verbatim in the element's or flow's `attributes`, and written back by [`export`].
//!   Stores with `storesCredentials` also hold a `credentials` asset, so rules see it.
//! - Membership: the smallest boundary box (by area) that contains the centre of an
//!   element; a box only sits in a strictly larger one, so containment has no cycles.
//! - Flows: `protocol` (or `unspecified`), `isEncrypted` → TLS. A flow with an end not
//!   attached to an element, or attached to a boundary, or looping to itself, is dropped
//!   with a warning (and so are its threats). Trust-boundary curves and text blocks have
//!   no Rampart counterpart and become warnings.
//! - Threats (`cell.data.threats`, and `cell.threats` in older files) become user threats:
//!   type → STRIDE, severity → an even DREAD score in the middle of its band, status →
//!   a decision keyed `user:<id>`, mitigation → the mitigation text.

mod export;
mod import;

pub use export::export;
pub use import::import;

/// The Threat Dragon schema version written by [`export`].
pub const VERSION: &str = "2.3.0";
/// The name used in messages and synthesized justifications.
pub(crate) const FORMAT: &str = "Threat Dragon";
