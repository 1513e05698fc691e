//! The audit log (SECURITY.md R32): appending security events to a hash chain, listing them
//! for the UI and the API, and verifying the chain for `rampart audit verify`.
//!
//! # The chain
//!
//! Rows are numbered 1, 2, 3, … with no holes. Row `n` stores `prev_hash`, the `hash` of row
//! `n - 1` ([`GENESIS_HASH`], 32 zero bytes, for row 1), and its own `hash`:
//!
//! ```text
//! hash = SHA-256(
//!     "rampart.audit_log.v1" 0x00           domain and version, 21 bytes
//!     prev_hash                             32 bytes
//!     audit_log_id                          i64, 8 bytes big-endian
//!     occurred_at                           i64, 8 bytes big-endian: microseconds since
//!                                           1970-01-01T00:00:00Z (Postgres's precision)
//!     actor                                 optional string
//!     action                                string
//!     outcome                               string: success, failure or denied
//!     client_addr                           0x00 (null) | 0x04 + 4 octets | 0x06 + 16 octets
//!     request_id                            optional string
//!     target                                optional string
//!     details                               string: Postgres's text output of the jsonb
//! )
//! string          = u64 big-endian byte length, then the UTF-8 bytes
//! optional string = 0x00 (null) | 0x01 string
//! ```
//!
//! Every field has a fixed length or a length prefix, and nulls are tagged, so two different
//! rows never encode to the same bytes (`"ab"` + `"c"` differs from `"a"` + `"bc"`, null from
//! `""`). `details` is hashed in the form Postgres stores it (`details::text`: keys sorted,
//! duplicates dropped, numbers as written), which it reproduces exactly on every read; hashing
//! the caller's serde_json text instead would break on key order and number formatting.
//!
//! # Writing
//!
//! [`append_audit_event`] takes `pg_advisory_xact_lock(`[`AUDIT_LOCK_KEY`]`)`, reads the last
//! row, computes the hash and inserts, all inside the caller's transaction. The lock is held
//! until that transaction ends, so the audited change and its event commit (or roll back)
//! together, and the next writer reads the new row as the last one: the chain cannot fork
//! (and the unique `prev_hash` constraint would refuse a fork anyway). Ids come from the
//! previous row, not a sequence, so a rolled-back append leaves no hole.
//!
//! # What verification proves
//!
//! A row changed, removed or inserted in the middle of the chain is detected, whoever did it
//! (a trigger refuses UPDATE, DELETE and TRUNCATE; a superuser can disable it). The chain is
//! not keyed: someone able to rewrite every row from the tampered one onwards, or to remove
//! the newest rows, is caught only by comparing the last hash with a copy kept elsewhere.

use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection, PgPool};
use std::fmt;
use std::net::IpAddr;
use time::OffsetDateTime;

/// The key of the transaction-scoped advisory lock that serialises appends: the ASCII bytes
/// `rampaudt` read as a big-endian integer (8241989122503566452).
pub const AUDIT_LOCK_KEY: i64 = 0x7261_6d70_6175_6474;

/// The `prev_hash` of the first row.
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// The default page size of [`list_audit_events`], and its largest.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
pub const MAX_PAGE_SIZE: u32 = 500;

/// Prefix of every hashed encoding: names the format so that a future version can differ.
const HASH_DOMAIN: &[u8] = b"rampart.audit_log.v1\0";

/// Rows read per query while verifying, so the table is never held in memory at once.
const VERIFY_BATCH: i64 = 1000;

/// The columns every read returns, in [`StoredRow`]'s order: the address without a netmask and
/// the details in Postgres's canonical text, as they are hashed.
macro_rules! stored_columns {
    () => {
        "audit_log_id, occurred_at, actor, action, outcome, host(client_addr) as client_addr, \
         request_id, target, details::text as details, prev_hash, hash"
    };
}

/// How the audited attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditOutcome {
    /// The action was carried out.
    Success,
    /// The action failed, e.g. a wrong password.
    Failure,
    /// An authorisation check refused the action.
    Denied,
}

impl AuditOutcome {
    /// The stored value (`success`, `failure`, `denied`).
    pub fn as_str(self) -> &'static str {
        match self {
            AuditOutcome::Success => "success",
            AuditOutcome::Failure => "failure",
            AuditOutcome::Denied => "denied",
        }
    }

    fn parse(value: &str) -> Option<AuditOutcome> {
        match value {
            "success" => Some(AuditOutcome::Success),
            "failure" => Some(AuditOutcome::Failure),
            "denied" => Some(AuditOutcome::Denied),
            _ => None,
        }
    }
}

impl fmt::Display for AuditOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event to record. Never put a password, token or session id in any field.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEvent {
    /// Who acted: a user id, or a label such as `system` or `anonymous`.
    pub actor: Option<String>,
    /// What was attempted, dotted and lowercase, e.g. `auth.signin`.
    pub action: String,
    pub outcome: AuditOutcome,
    /// The client's address, as the server established it.
    pub client_addr: Option<IpAddr>,
    /// The request's `x-request-id`, to join the event with the operational logs.
    pub request_id: Option<String>,
    /// What was acted on, e.g. `team:<id>` or `user:<id>`.
    pub target: Option<String>,
    /// Anything else worth keeping; must be a JSON object.
    pub details: serde_json::Value,
}

impl NewAuditEvent {
    /// An event with no actor, address, request, target or details; set the fields to add them.
    pub fn new(action: impl Into<String>, outcome: AuditOutcome) -> NewAuditEvent {
        NewAuditEvent {
            actor: None,
            action: action.into(),
            outcome,
            client_addr: None,
            request_id: None,
            target: None,
            details: serde_json::Value::Object(serde_json::Map::new()),
        }
    }
}

/// A recorded event.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    /// When it was recorded, UTC, to the microsecond.
    pub occurred_at: OffsetDateTime,
    pub actor: Option<String>,
    pub action: String,
    pub outcome: AuditOutcome,
    pub client_addr: Option<IpAddr>,
    pub request_id: Option<String>,
    pub target: Option<String>,
    /// The details as stored (Postgres normalises the JSON: keys sorted, duplicates dropped).
    pub details: serde_json::Value,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

/// Which events [`list_audit_events`] returns. The default lists the newest page of all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    /// Only this actor's events.
    pub actor: Option<String>,
    /// Only this action (exact match).
    pub action: Option<String>,
    /// Only events at or after this time.
    pub from: Option<OffsetDateTime>,
    /// Only events before this time.
    pub to: Option<OffsetDateTime>,
    /// Page size, [`DEFAULT_PAGE_SIZE`] when absent; clamped to 1..=[`MAX_PAGE_SIZE`].
    pub limit: Option<u32>,
    /// Only events older than this id: the previous page's `next_before_id`.
    pub before_id: Option<i64>,
    /// Only events about this team (their `details.team_id`).
    pub team: Option<uuid::Uuid>,
}

/// One page of events, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as [`AuditFilter::before_id`] for the next page; `None` on the last page.
    pub next_before_id: Option<i64>,
}

/// The result of [`verify_audit_chain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainReport {
    /// Every row checked out; `rows` were read (0 for an empty log).
    Intact { rows: u64 },
    /// `first_bad_id` is the first row that does not fit the chain.
    Broken {
        first_bad_id: i64,
        reason: ChainBreak,
    },
}

/// Why a row does not fit the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainBreak {
    /// The row's stored hash is not the hash of its contents: the row was changed.
    HashMismatch,
    /// The row's `prev_hash` is not the previous row's hash: the previous row was replaced,
    /// or this one was rewritten to hide a change.
    PrevHashMismatch,
    /// Rows `expected_id` up to this one's id minus one are missing: they were deleted.
    Gap { expected_id: i64 },
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainBreak::HashMismatch => f.write_str("its contents do not match its hash"),
            ChainBreak::PrevHashMismatch => {
                f.write_str("its prev_hash is not the hash of the event before it")
            }
            ChainBreak::Gap { expected_id } => {
                write!(f, "events from {expected_id} onwards are missing before it")
            }
        }
    }
}

/// Appends `event` to the chain inside the transaction `conn` is in, and returns it as stored.
///
/// Pass `&mut *tx` for a `sqlx::Transaction`: the event then commits or rolls back with the
/// caller's change (it runs in a savepoint). On a connection outside any transaction it opens
/// and commits one of its own. The advisory lock is held until the caller's transaction ends,
/// so append last and commit soon. In a `repeatable read` or `serializable` transaction whose
/// snapshot predates the lock, the insert fails (duplicate id) rather than fork the chain.
pub async fn append_audit_event(
    conn: &mut PgConnection,
    event: &NewAuditEvent,
) -> Result<AuditEntry, sqlx::Error> {
    let details =
        serde_json::to_string(&event.details).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
    let mut tx = conn.begin().await?;
    sqlx::query("select pg_advisory_xact_lock($1)")
        .bind(AUDIT_LOCK_KEY)
        .execute(&mut *tx)
        .await?;
    // After the lock, so this statement's snapshot includes the previous holder's row, and the
    // time follows the previous event's.
    let (last_id, last_hash, occurred_at, details): (
        Option<i64>,
        Option<Vec<u8>>,
        OffsetDateTime,
        String,
    ) = sqlx::query_as(
        "select last.audit_log_id, last.hash, clock_timestamp(), $1::jsonb::text \
         from (select) as one \
         left join lateral ( \
             select audit_log_id, hash from audit_log order by audit_log_id desc limit 1 \
         ) as last on true",
    )
    .bind(&details)
    .fetch_one(&mut *tx)
    .await?;
    let id = match last_id {
        None => 1,
        Some(last) => last
            .checked_add(1)
            .ok_or_else(|| decode_error("the audit log's ids are exhausted"))?,
    };
    let prev_hash = match last_hash {
        None => GENESIS_HASH,
        Some(hash) => to_hash(&hash)?,
    };
    let fields = ChainFields {
        prev_hash: &prev_hash,
        id,
        occurred_at,
        actor: event.actor.as_deref(),
        action: &event.action,
        outcome: event.outcome.as_str(),
        client_addr: event.client_addr,
        request_id: event.request_id.as_deref(),
        target: event.target.as_deref(),
        details: &details,
    };
    let hash = fields.hash();
    sqlx::query(
        "insert into audit_log (audit_log_id, occurred_at, actor, action, outcome, client_addr, \
             request_id, target, details, prev_hash, hash) \
         values ($1, $2, $3, $4, $5, $6::inet, $7, $8, $9::jsonb, $10, $11)",
    )
    .bind(id)
    .bind(occurred_at)
    .bind(event.actor.as_deref())
    .bind(&event.action)
    .bind(event.outcome.as_str())
    .bind(event.client_addr.map(|addr| addr.to_string()))
    .bind(event.request_id.as_deref())
    .bind(event.target.as_deref())
    .bind(&details)
    .bind(&prev_hash[..])
    .bind(&hash[..])
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(AuditEntry {
        id,
        occurred_at,
        actor: event.actor.clone(),
        action: event.action.clone(),
        outcome: event.outcome,
        client_addr: event.client_addr,
        request_id: event.request_id.clone(),
        target: event.target.clone(),
        details: parse_details(&details)?,
        prev_hash,
        hash,
    })
}

/// Appends `event` in a transaction of its own, for events that accompany no other change
/// (a failed sign-in, a refused request).
pub async fn append_audit_event_with_pool(
    pool: &PgPool,
    event: &NewAuditEvent,
) -> Result<AuditEntry, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    append_audit_event(&mut conn, event).await
}

/// One page of the events matching `filter`, newest first. Pages are cut by id (keyset), so
/// events appended meanwhile never shift or repeat entries of later pages.
pub async fn list_audit_events(
    pool: &PgPool,
    filter: &AuditFilter,
) -> Result<AuditPage, sqlx::Error> {
    let limit = filter
        .limit
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_PAGE_SIZE);
    // One row more than the page tells whether another page follows.
    let rows: Vec<StoredRow> = sqlx::query_as(concat!(
        "select ",
        stored_columns!(),
        " from audit_log \
         where ($1::text is null or actor = $1) \
           and ($2::text is null or action = $2) \
           and ($3::timestamptz is null or occurred_at >= $3) \
           and ($4::timestamptz is null or occurred_at < $4) \
           and ($5::bigint is null or audit_log_id < $5) \
           and ($7::text is null or details->>'team_id' = $7) \
         order by audit_log_id desc \
         limit $6"
    ))
    .bind(filter.actor.as_deref())
    .bind(filter.action.as_deref())
    .bind(filter.from)
    .bind(filter.to)
    .bind(filter.before_id)
    .bind(i64::from(limit) + 1)
    .bind(filter.team.map(|team| team.to_string()))
    .fetch_all(pool)
    .await?;
    let more = rows.len() > limit as usize;
    let entries = rows
        .into_iter()
        .take(limit as usize)
        .map(StoredRow::into_entry)
        .collect::<Result<Vec<_>, _>>()?;
    let next_before_id = if more {
        entries.last().map(|entry| entry.id)
    } else {
        None
    };
    Ok(AuditPage {
        entries,
        next_before_id,
    })
}

/// Whether the audit log table exists, so a read-only caller can explain its absence instead
/// of failing on a query.
pub async fn audit_log_exists(pool: &PgPool) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("select to_regclass('audit_log') is not null")
        .fetch_one(pool)
        .await
}

/// Reads the whole chain in id order, a batch at a time, recomputing every hash; stops at the
/// first row that does not fit. Reads only: it never changes the database.
pub async fn verify_audit_chain(pool: &PgPool) -> Result<ChainReport, sqlx::Error> {
    let mut prev_hash = GENESIS_HASH;
    let mut last_id = 0_i64;
    let mut rows = 0_u64;
    loop {
        let batch: Vec<StoredRow> = sqlx::query_as(concat!(
            "select ",
            stored_columns!(),
            " from audit_log where audit_log_id > $1 order by audit_log_id limit $2"
        ))
        .bind(last_id)
        .bind(VERIFY_BATCH)
        .fetch_all(pool)
        .await?;
        if batch.is_empty() {
            return Ok(ChainReport::Intact { rows });
        }
        for row in &batch {
            let broken = |reason| ChainReport::Broken {
                first_bad_id: row.audit_log_id,
                reason,
            };
            let expected_id = last_id + 1;
            if row.audit_log_id != expected_id {
                return Ok(broken(ChainBreak::Gap { expected_id }));
            }
            if row.prev_hash != prev_hash {
                return Ok(broken(ChainBreak::PrevHashMismatch));
            }
            let hash = row.fields(&prev_hash)?.hash();
            if row.hash != hash {
                return Ok(broken(ChainBreak::HashMismatch));
            }
            prev_hash = hash;
            last_id = row.audit_log_id;
            rows += 1;
        }
    }
}

/// A row as read back, every column in the form it is hashed in.
#[derive(Debug, sqlx::FromRow)]
struct StoredRow {
    audit_log_id: i64,
    occurred_at: OffsetDateTime,
    actor: Option<String>,
    action: String,
    outcome: String,
    client_addr: Option<String>,
    request_id: Option<String>,
    target: Option<String>,
    details: String,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

impl StoredRow {
    fn client_addr(&self) -> Result<Option<IpAddr>, sqlx::Error> {
        self.client_addr
            .as_deref()
            .map(|addr| {
                addr.parse()
                    .map_err(|_| decode_error(format!("not an IP address: {addr}")))
            })
            .transpose()
    }

    fn fields<'a>(&'a self, prev_hash: &'a [u8; 32]) -> Result<ChainFields<'a>, sqlx::Error> {
        Ok(ChainFields {
            prev_hash,
            id: self.audit_log_id,
            occurred_at: self.occurred_at,
            actor: self.actor.as_deref(),
            action: &self.action,
            outcome: &self.outcome,
            client_addr: self.client_addr()?,
            request_id: self.request_id.as_deref(),
            target: self.target.as_deref(),
            details: &self.details,
        })
    }

    fn into_entry(self) -> Result<AuditEntry, sqlx::Error> {
        let client_addr = self.client_addr()?;
        let outcome = AuditOutcome::parse(&self.outcome)
            .ok_or_else(|| decode_error(format!("unknown audit outcome: {}", self.outcome)))?;
        Ok(AuditEntry {
            id: self.audit_log_id,
            occurred_at: self.occurred_at,
            actor: self.actor,
            action: self.action,
            outcome,
            client_addr,
            request_id: self.request_id,
            target: self.target,
            details: parse_details(&self.details)?,
            prev_hash: to_hash(&self.prev_hash)?,
            hash: to_hash(&self.hash)?,
        })
    }
}

/// The hashed fields of one row (see the module documentation for the encoding).
struct ChainFields<'a> {
    prev_hash: &'a [u8; 32],
    id: i64,
    occurred_at: OffsetDateTime,
    actor: Option<&'a str>,
    action: &'a str,
    outcome: &'a str,
    client_addr: Option<IpAddr>,
    request_id: Option<&'a str>,
    target: Option<&'a str>,
    details: &'a str,
}

impl ChainFields<'_> {
    fn hash(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(HASH_DOMAIN);
        hasher.update(self.prev_hash);
        hasher.update(self.id.to_be_bytes());
        hasher.update(unix_micros(self.occurred_at).to_be_bytes());
        put_optional_str(&mut hasher, self.actor);
        put_str(&mut hasher, self.action);
        put_str(&mut hasher, self.outcome);
        match self.client_addr {
            None => hasher.update([0]),
            Some(IpAddr::V4(addr)) => {
                hasher.update([4]);
                hasher.update(addr.octets());
            }
            Some(IpAddr::V6(addr)) => {
                hasher.update([6]);
                hasher.update(addr.octets());
            }
        }
        put_optional_str(&mut hasher, self.request_id);
        put_optional_str(&mut hasher, self.target);
        put_str(&mut hasher, self.details);
        hasher.finalize().into()
    }
}

fn put_str(hasher: &mut Sha256, value: &str) {
    hasher.update((value.len() as u64).to_be_bytes());
    hasher.update(value.as_bytes());
}

fn put_optional_str(hasher: &mut Sha256, value: Option<&str>) {
    match value {
        None => hasher.update([0]),
        Some(value) => {
            hasher.update([1]);
            put_str(hasher, value);
        }
    }
}

/// Microseconds since the Unix epoch. Postgres keeps microseconds, so the division is exact
/// for any stored time, and `time`'s range (±9999 years) fits an i64 of microseconds.
fn unix_micros(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000) as i64
}

fn to_hash(bytes: &[u8]) -> Result<[u8; 32], sqlx::Error> {
    <[u8; 32]>::try_from(bytes).map_err(|_| decode_error("an audit hash is not 32 bytes long"))
}

fn parse_details(text: &str) -> Result<serde_json::Value, sqlx::Error> {
    serde_json::from_str(text).map_err(|err| sqlx::Error::Decode(Box::new(err)))
}

fn decode_error(message: impl Into<String>) -> sqlx::Error {
    sqlx::Error::Decode(message.into().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;
    use time::macros::datetime;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn event(i: usize) -> NewAuditEvent {
        NewAuditEvent {
            actor: Some(format!("user-{}", i % 3)),
            client_addr: Some(if i.is_multiple_of(2) {
                IpAddr::from([192, 0, 2, (i % 250) as u8])
            } else {
                "2001:db8::7".parse().unwrap()
            }),
            request_id: Some(format!("req-{i}")),
            target: i.is_multiple_of(4).then(|| format!("team:{i}")),
            // Keys out of order, a duplicate, and numbers Postgres writes its own way.
            details: serde_json::from_str(&format!(
                r#"{{"z": {i}, "a": [1.50, 1e2, "é\n"], "a": {{"dup": true}}, "n": null}}"#
            ))
            .unwrap(),
            ..NewAuditEvent::new("auth.signin", AuditOutcome::Success)
        }
    }

    async fn append_many(pool: &PgPool, count: usize) -> Vec<AuditEntry> {
        let mut entries = Vec::with_capacity(count);
        for i in 0..count {
            entries.push(append_audit_event_with_pool(pool, &event(i)).await.unwrap());
        }
        entries
    }

    async fn set_trigger(pool: &PgPool, enabled: bool) {
        let verb = if enabled { "enable" } else { "disable" };
        sqlx::query(&format!(
            "alter table audit_log {verb} trigger audit_log_append_only"
        ))
        .execute(pool)
        .await
        .unwrap();
    }

    async fn row_count(pool: &PgPool) -> i64 {
        sqlx::query_scalar("select count(*) from audit_log")
            .fetch_one(pool)
            .await
            .unwrap()
    }

    #[test]
    fn the_hash_encoding_matches_its_documentation() {
        // Expected values computed independently (Python hashlib over the documented bytes).
        let signin = ChainFields {
            prev_hash: &GENESIS_HASH,
            id: 1,
            occurred_at: datetime!(2026-11-26 01:00:00.123456 UTC),
            actor: Some("alice"),
            action: "auth.signin",
            outcome: "success",
            client_addr: Some(IpAddr::from([192, 0, 2, 7])),
            request_id: None,
            target: Some(""),
            details: r#"{"a": 1}"#,
        };
        assert_eq!(
            hex(&signin.hash()),
            "f958f19e28b352961d84e8fb8f6072fdc0a475cbd3d44e6628ad04c973120a73"
        );
        let refusal = ChainFields {
            prev_hash: &[0xab; 32],
            id: 42,
            occurred_at: datetime!(1969-12-31 23:59:59.999999 UTC),
            actor: None,
            action: "team.role.change",
            outcome: "denied",
            client_addr: Some("2001:db8::1".parse().unwrap()),
            request_id: Some("req-1"),
            target: None,
            details: "{}",
        };
        assert_eq!(
            hex(&refusal.hash()),
            "5ec95294ad12801322039863ec317f14ace9f5842e6d7235416978c9005f83c0"
        );
    }

    #[test]
    fn the_hash_tells_apart_shifted_boundaries_and_null_from_empty() {
        let base = ChainFields {
            prev_hash: &GENESIS_HASH,
            id: 1,
            occurred_at: datetime!(2026-01-01 00:00 UTC),
            actor: Some("ab"),
            action: "c",
            outcome: "success",
            client_addr: None,
            request_id: None,
            target: None,
            details: "{}",
        };
        let shifted = ChainFields {
            actor: Some("a"),
            action: "bc",
            ..base
        };
        let empty_target = ChainFields {
            target: Some(""),
            ..base
        };
        let mapped_v4 = ChainFields {
            client_addr: Some("::ffff:192.0.2.1".parse().unwrap()),
            ..base
        };
        let plain_v4 = ChainFields {
            client_addr: Some(IpAddr::from([192, 0, 2, 1])),
            ..base
        };
        let hashes = [
            base.hash(),
            shifted.hash(),
            empty_target.hash(),
            mapped_v4.hash(),
            plain_v4.hash(),
        ];
        for (i, a) in hashes.iter().enumerate() {
            for b in &hashes[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn appending_chains_each_row_to_the_previous_one_starting_from_zeros(pool: PgPool) {
        let entries = append_many(&pool, 5).await;
        assert_eq!(entries[0].id, 1);
        assert_eq!(entries[0].prev_hash, GENESIS_HASH);
        for pair in entries.windows(2) {
            assert_eq!(pair[1].id, pair[0].id + 1);
            assert_eq!(pair[1].prev_hash, pair[0].hash);
            assert!(pair[1].occurred_at >= pair[0].occurred_at);
        }
        let stored: Vec<(i64, Vec<u8>, Vec<u8>)> =
            sqlx::query_as("select audit_log_id, prev_hash, hash from audit_log order by 1")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(stored.len(), 5);
        for (entry, (id, prev_hash, hash)) in entries.iter().zip(&stored) {
            assert_eq!(entry.id, *id);
            assert_eq!(entry.prev_hash[..], prev_hash[..]);
            assert_eq!(entry.hash[..], hash[..]);
        }
        // Returned as stored: Postgres's normalised JSON, the address, the optional fields.
        assert_eq!(
            entries[0].details,
            json!({"a": {"dup": true}, "n": null, "z": 0})
        );
        assert_eq!(entries[1].client_addr, Some("2001:db8::7".parse().unwrap()));
        let page = list_audit_events(&pool, &AuditFilter::default())
            .await
            .unwrap();
        let mut listed = page.entries;
        listed.reverse();
        assert_eq!(listed, entries);
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn update_delete_and_truncate_are_refused_by_the_trigger(pool: PgPool) {
        append_many(&pool, 3).await;
        for statement in [
            "update audit_log set details = '{\"forged\": true}' where audit_log_id = 2",
            "update audit_log set actor = 'nobody' where false",
            "delete from audit_log where audit_log_id = 3",
            "delete from audit_log",
            "truncate audit_log",
        ] {
            let err = sqlx::query(statement).execute(&pool).await.unwrap_err();
            let message = err
                .as_database_error()
                .map(|e| e.message().to_owned())
                .unwrap_or_default();
            assert!(
                message.starts_with("audit_log is append-only:"),
                "{statement}: {err}"
            );
        }
        assert_eq!(row_count(&pool).await, 3);
        assert_eq!(
            verify_audit_chain(&pool).await.unwrap(),
            ChainReport::Intact { rows: 3 }
        );
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn verify_accepts_an_empty_log_and_an_intact_chain_of_fifty_events(pool: PgPool) {
        assert_eq!(
            verify_audit_chain(&pool).await.unwrap(),
            ChainReport::Intact { rows: 0 }
        );
        append_many(&pool, 50).await;
        assert_eq!(
            verify_audit_chain(&pool).await.unwrap(),
            ChainReport::Intact { rows: 50 }
        );
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn verify_reads_past_one_batch(pool: PgPool) {
        let total = VERIFY_BATCH as usize + 5;
        // Straight inserts through one connection keep this quick; the chain is the same.
        let mut conn = pool.acquire().await.unwrap();
        for i in 0..total {
            append_audit_event(&mut conn, &event(i)).await.unwrap();
        }
        assert_eq!(
            verify_audit_chain(&pool).await.unwrap(),
            ChainReport::Intact { rows: total as u64 }
        );
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn verify_names_a_row_changed_with_the_trigger_disabled(pool: PgPool) {
        append_many(&pool, 30).await;
        set_trigger(&pool, false).await;
        sqlx::query("update audit_log set details = '{\"forged\": true}' where audit_log_id = 17")
            .execute(&pool)
            .await
            .unwrap();
        set_trigger(&pool, true).await;
        assert_eq!(
            verify_audit_chain(&pool).await.unwrap(),
            ChainReport::Broken {
                first_bad_id: 17,
                reason: ChainBreak::HashMismatch
            }
        );
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn verify_notices_a_changed_time_address_or_outcome(pool: PgPool) {
        for (id, change) in [
            (3, "occurred_at = occurred_at + interval '1 microsecond'"),
            (5, "client_addr = '192.0.2.99'"),
            (8, "outcome = 'failure'"),
            (9, "actor = null"),
        ] {
            append_many(&pool, 10 - row_count(&pool).await as usize).await;
            set_trigger(&pool, false).await;
            sqlx::query(&format!(
                "update audit_log set {change} where audit_log_id = {id}"
            ))
            .execute(&pool)
            .await
            .unwrap();
            assert_eq!(
                verify_audit_chain(&pool).await.unwrap(),
                ChainReport::Broken {
                    first_bad_id: id,
                    reason: ChainBreak::HashMismatch
                },
                "{change}"
            );
            // Start again from an empty log.
            sqlx::query("delete from audit_log")
                .execute(&pool)
                .await
                .unwrap();
            set_trigger(&pool, true).await;
        }
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn verify_reports_a_deleted_row_as_a_gap(pool: PgPool) {
        append_many(&pool, 20).await;
        set_trigger(&pool, false).await;
        sqlx::query("delete from audit_log where audit_log_id in (10, 11)")
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(
            verify_audit_chain(&pool).await.unwrap(),
            ChainReport::Broken {
                first_bad_id: 12,
                reason: ChainBreak::Gap { expected_id: 10 }
            }
        );
        sqlx::query("delete from audit_log where audit_log_id = 1")
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(
            verify_audit_chain(&pool).await.unwrap(),
            ChainReport::Broken {
                first_bad_id: 2,
                reason: ChainBreak::Gap { expected_id: 1 }
            }
        );
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn verify_detects_a_row_rehashed_onto_a_forged_predecessor(pool: PgPool) {
        append_many(&pool, 12).await;
        let row: StoredRow = sqlx::query_as(concat!(
            "select ",
            stored_columns!(),
            " from audit_log where audit_log_id = 10"
        ))
        .fetch_one(&pool)
        .await
        .unwrap();
        // Self-consistent, but chained to a row that never existed.
        let forged_prev: [u8; 32] = Sha256::digest(b"a predecessor that never existed").into();
        let rehashed = row.fields(&forged_prev).unwrap().hash();
        set_trigger(&pool, false).await;
        sqlx::query("update audit_log set prev_hash = $1, hash = $2 where audit_log_id = 10")
            .bind(&forged_prev[..])
            .bind(&rehashed[..])
            .execute(&pool)
            .await
            .unwrap();
        set_trigger(&pool, true).await;
        assert_eq!(
            verify_audit_chain(&pool).await.unwrap(),
            ChainReport::Broken {
                first_bad_id: 10,
                reason: ChainBreak::PrevHashMismatch
            }
        );
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn concurrent_appends_from_eight_tasks_form_one_unforked_intact_chain(pool: PgPool) {
        let tasks: Vec<_> = (0..8)
            .map(|task| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    for i in 0..25 {
                        append_audit_event_with_pool(&pool, &event(task * 25 + i))
                            .await
                            .unwrap();
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let (rows, max_id, distinct_prev): (i64, i64, i64) = sqlx::query_as(
            "select count(*), max(audit_log_id), count(distinct prev_hash) from audit_log",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!((rows, max_id, distinct_prev), (200, 200, 200));
        assert_eq!(
            verify_audit_chain(&pool).await.unwrap(),
            ChainReport::Intact { rows: 200 }
        );
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn an_event_commits_or_rolls_back_with_the_callers_transaction(pool: PgPool) {
        let mut tx = pool.begin().await.unwrap();
        append_audit_event(&mut tx, &event(0)).await.unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(row_count(&pool).await, 0);

        // While a transaction holding an event is open, other writers wait for it.
        let mut tx = pool.begin().await.unwrap();
        let first = append_audit_event(&mut tx, &event(1)).await.unwrap();
        assert_eq!(first.id, 1, "the rolled-back event left no hole");
        let waiting = tokio::spawn({
            let pool = pool.clone();
            async move { append_audit_event_with_pool(&pool, &event(2)).await }
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(
            !waiting.is_finished(),
            "the second writer waits for the lock"
        );
        assert_eq!(
            row_count(&pool).await,
            0,
            "nothing is visible before commit"
        );
        tx.commit().await.unwrap();
        let second = waiting.await.unwrap().unwrap();
        assert_eq!(second.id, 2);
        assert_eq!(second.prev_hash, first.hash);
        assert_eq!(
            verify_audit_chain(&pool).await.unwrap(),
            ChainReport::Intact { rows: 2 }
        );
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn details_that_are_not_an_object_are_refused(pool: PgPool) {
        let mut bad = event(0);
        bad.details = json!([1, 2]);
        let err = append_audit_event_with_pool(&pool, &bad).await.unwrap_err();
        assert!(err.to_string().contains("audit_log_details_check"), "{err}");
        assert_eq!(row_count(&pool).await, 0);
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn list_filters_by_actor_action_and_time_and_paginates_newest_first(pool: PgPool) {
        let mut entries = Vec::new();
        for i in 0..30 {
            let event = NewAuditEvent {
                actor: Some(if i % 2 == 0 { "alice" } else { "bob" }.into()),
                ..NewAuditEvent::new(
                    if i % 3 == 0 {
                        "auth.signin"
                    } else {
                        "team.invite"
                    },
                    AuditOutcome::Success,
                )
            };
            entries.push(append_audit_event_with_pool(&pool, &event).await.unwrap());
        }
        let ids = |page: &AuditPage| page.entries.iter().map(|e| e.id).collect::<Vec<_>>();
        let list = |filter: AuditFilter| {
            let pool = pool.clone();
            async move { list_audit_events(&pool, &filter).await.unwrap() }
        };

        let alice = list(AuditFilter {
            actor: Some("alice".into()),
            ..AuditFilter::default()
        })
        .await;
        assert_eq!(ids(&alice), (1..=29).rev().step_by(2).collect::<Vec<_>>());
        assert_eq!(alice.next_before_id, None);

        let alice_signins = list(AuditFilter {
            actor: Some("alice".into()),
            action: Some("auth.signin".into()),
            ..AuditFilter::default()
        })
        .await;
        assert_eq!(ids(&alice_signins), vec![25, 19, 13, 7, 1]);

        let (from, to) = (entries[10].occurred_at, entries[20].occurred_at);
        let window = list(AuditFilter {
            from: Some(from),
            to: Some(to),
            ..AuditFilter::default()
        })
        .await;
        let expected: Vec<i64> = entries
            .iter()
            .rev()
            .filter(|e| from <= e.occurred_at && e.occurred_at < to)
            .map(|e| e.id)
            .collect();
        assert!(expected.contains(&11) && !expected.contains(&21));
        assert_eq!(ids(&window), expected);

        let mut pages = Vec::new();
        let mut before_id = None;
        loop {
            let page = list(AuditFilter {
                limit: Some(7),
                before_id,
                ..AuditFilter::default()
            })
            .await;
            pages.push(ids(&page));
            match page.next_before_id {
                Some(id) => before_id = Some(id),
                None => break,
            }
        }
        assert_eq!(
            pages.iter().map(Vec::len).collect::<Vec<_>>(),
            [7, 7, 7, 7, 2]
        );
        assert_eq!(
            pages.concat(),
            (1..=30).rev().collect::<Vec<_>>(),
            "every event once, newest first"
        );

        let none = list(AuditFilter {
            action: Some("auth.signout".into()),
            ..AuditFilter::default()
        })
        .await;
        assert!(none.entries.is_empty());
        assert_eq!(none.next_before_id, None);
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn audit_log_exists_after_the_migrations_only(pool: PgPool) {
        assert!(audit_log_exists(&pool).await.unwrap());
    }

    #[sqlx::test(migrations = false)]
    async fn audit_log_is_absent_from_an_unmigrated_database(pool: PgPool) {
        assert!(!audit_log_exists(&pool).await.unwrap());
    }
}
