//! Threat models, their change history, decisions and versions (issue 5).
//!
//! This module stores documents as JSON (`serde_json::Value`); reading and checking them
//! as `rampart/1` models is the server's job, with `analysis`. The concurrency rule lives
//! here: a change names the revision it was made against, the model's row is locked
//! (`for update`), and a change whose base is not the current revision is refused without
//! writing anything ([`Stale`]). Every accepted change bumps the revision by one and is kept
//! in `model_changes` in the same transaction.

use serde_json::Value;
use sqlx::{FromRow, PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

/// How long a deleted model can be restored.
pub const TRASH_DAYS: i64 = 30;

/// A model as stored.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Model {
    pub model_id: Uuid,
    pub team_id: Uuid,
    pub name: String,
    pub document: Value,
    pub revision: i64,
    pub element_count: i32,
    pub created_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub deleted_at: Option<OffsetDateTime>,
}

const MODEL_COLUMNS: &str = "model_id, team_id, name, document, revision, element_count, \
     created_by, created_at, updated_at, deleted_at";

/// A model in a list: no document.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ModelSummary {
    pub model_id: Uuid,
    pub team_id: Uuid,
    pub name: String,
    pub revision: i64,
    pub element_count: i32,
    pub updated_at: OffsetDateTime,
    pub deleted_at: Option<OffsetDateTime>,
    /// The name of whoever made the latest accepted change (the creation at first); `None`
    /// when that account is gone.
    pub updated_by_name: Option<String>,
}

/// What a new model or a change carries besides the document.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// `create`, `operations` or `replace`.
    pub kind: &'a str,
    /// The operations, or the whole document for `create` and `replace`.
    pub payload: &'a Value,
    /// A short description for history and the audit log.
    pub summary: &'a str,
    pub actor: Uuid,
}

/// Creates a model at revision 1 and records its creation.
pub async fn create_model(
    conn: &mut PgConnection,
    team: Uuid,
    name: &str,
    document: &Value,
    element_count: i32,
    change: &Change<'_>,
) -> Result<Model, sqlx::Error> {
    let sql = format!(
        "insert into models (team_id, name, document, element_count, created_by) \
         values ($1, $2, $3, $4, $5) returning {MODEL_COLUMNS}"
    );
    let model: Model = sqlx::query_as(&sql)
        .bind(team)
        .bind(name)
        .bind(document)
        .bind(element_count)
        .bind(change.actor)
        .fetch_one(&mut *conn)
        .await?;
    record_change(conn, model.model_id, 1, change).await?;
    Ok(model)
}

async fn record_change(
    conn: &mut PgConnection,
    model: Uuid,
    revision: i64,
    change: &Change<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into model_changes (model_id, revision, kind, payload, summary, actor) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(model)
    .bind(revision)
    .bind(change.kind)
    .bind(change.payload)
    .bind(change.summary)
    .bind(change.actor)
    .execute(conn)
    .await?;
    Ok(())
}

/// The model with this id, deleted or not.
pub async fn get_model(
    executor: impl PgExecutor<'_>,
    id: Uuid,
) -> Result<Option<Model>, sqlx::Error> {
    let sql = format!("select {MODEL_COLUMNS} from models where model_id = $1");
    sqlx::query_as(&sql).bind(id).fetch_optional(executor).await
}

/// The model with this id, its row locked until the transaction ends.
pub async fn lock_model(conn: &mut PgConnection, id: Uuid) -> Result<Option<Model>, sqlx::Error> {
    let sql = format!("select {MODEL_COLUMNS} from models where model_id = $1 for update");
    sqlx::query_as(&sql).bind(id).fetch_optional(conn).await
}

/// A change was made against an old revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the model is at revision {current}, not {base}")]
pub struct Stale {
    pub base: i64,
    pub current: i64,
}

/// Stores a new document for a model locked by [`lock_model`] at revision `base`, bumps the
/// revision and records the change; returns the new revision. The caller checked `base`
/// against the locked row; this re-checks it in the update, so a change can never land on
/// another base.
pub async fn commit_change(
    conn: &mut PgConnection,
    id: Uuid,
    base: i64,
    document: &Value,
    element_count: i32,
    name: Option<&str>,
    change: &Change<'_>,
) -> Result<Result<i64, Stale>, sqlx::Error> {
    let revision: Option<i64> = sqlx::query_scalar(
        "update models set document = $3, element_count = $4, name = coalesce($5, name), \
                revision = revision + 1 \
         where model_id = $1 and revision = $2 returning revision",
    )
    .bind(id)
    .bind(base)
    .bind(document)
    .bind(element_count)
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(revision) = revision else {
        let current: i64 = sqlx::query_scalar("select revision from models where model_id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
        return Ok(Err(Stale { base, current }));
    };
    record_change(conn, id, revision, change).await?;
    Ok(Ok(revision))
}

/// Which models [`list_models`] returns.
#[derive(Debug, Clone, Default)]
pub struct ModelFilter<'a> {
    /// Only models of these teams; `None` for every team (administrators).
    pub teams: Option<&'a [Uuid]>,
    /// Only this team.
    pub team: Option<Uuid>,
    /// Only names containing this, without regard to case.
    pub query: Option<&'a str>,
    /// The trash (deleted within [`TRASH_DAYS`]) instead of the live models.
    pub trash: bool,
    /// 1-based page of `page_size` models, by name.
    pub page: u32,
    pub page_size: u32,
}

/// A page of models by name, and the total that match.
pub async fn list_models(
    executor: impl PgExecutor<'_> + Copy,
    filter: &ModelFilter<'_>,
) -> Result<(Vec<ModelSummary>, i64), sqlx::Error> {
    let conditions = "($1::uuid[] is null or m.team_id = any($1)) \
         and ($2::uuid is null or m.team_id = $2) \
         and ($3::text is null or strpos(lower(m.name), lower($3)) > 0) \
         and case when $4 then m.deleted_at > now() - make_interval(days => $5) \
                  else m.deleted_at is null end";
    let page_size = filter.page_size.clamp(1, 200);
    let offset = i64::from(filter.page.max(1) - 1) * i64::from(page_size);
    // The latest change is the one at the model's revision (every accepted change is a row).
    let sql = format!(
        "select m.model_id, m.team_id, m.name, m.revision, m.element_count, m.updated_at, \
                m.deleted_at, u.name as updated_by_name \
         from models m \
         left join model_changes c on c.model_id = m.model_id and c.revision = m.revision \
         left join users u on u.user_id = c.actor \
         where {conditions} order by lower(m.name), m.model_id limit $6 offset $7"
    );
    let rows: Vec<ModelSummary> = sqlx::query_as(&sql)
        .bind(filter.teams)
        .bind(filter.team)
        .bind(filter.query)
        .bind(filter.trash)
        .bind(TRASH_DAYS as i32)
        .bind(i64::from(page_size))
        .bind(offset)
        .fetch_all(executor)
        .await?;
    let total: i64 =
        sqlx::query_scalar(&format!("select count(*) from models m where {conditions}"))
            .bind(filter.teams)
            .bind(filter.team)
            .bind(filter.query)
            .bind(filter.trash)
            .bind(TRASH_DAYS as i32)
            .fetch_one(executor)
            .await?;
    Ok((rows, total))
}

/// The stored documents (without decisions) of these models, and their decisions as
/// `(model, threat key, decision)`, for summaries that need the analysis of several models.
pub async fn documents_with_decisions(
    executor: impl PgExecutor<'_> + Copy,
    models: &[Uuid],
) -> Result<(Vec<(Uuid, Value)>, Vec<(Uuid, String, Value)>), sqlx::Error> {
    let documents =
        sqlx::query_as("select model_id, document from models where model_id = any($1)")
            .bind(models)
            .fetch_all(executor)
            .await?;
    let decisions = sqlx::query_as(
        "select model_id, threat_key, decision from decisions where model_id = any($1) \
         order by model_id, threat_key",
    )
    .bind(models)
    .fetch_all(executor)
    .await?;
    Ok((documents, decisions))
}

/// Moves a live model to the trash; false when it is not live.
pub async fn trash_model(
    executor: impl PgExecutor<'_>,
    id: Uuid,
    actor: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update models set deleted_at = now(), deleted_by = $2 \
         where model_id = $1 and deleted_at is null",
    )
    .bind(id)
    .bind(actor)
    .execute(executor)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Brings a model back from the trash within [`TRASH_DAYS`]; false otherwise.
pub async fn restore_model(executor: impl PgExecutor<'_>, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update models set deleted_at = null, deleted_by = null \
         where model_id = $1 and deleted_at > now() - make_interval(days => $2)",
    )
    .bind(id)
    .bind(TRASH_DAYS as i32)
    .execute(executor)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One accepted change, for history.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ChangeRecord {
    pub revision: i64,
    pub kind: String,
    pub payload: Value,
    pub summary: String,
    pub actor: Option<Uuid>,
    pub actor_name: Option<String>,
    pub changed_at: OffsetDateTime,
}

/// A page of a model's changes, newest first, and their total.
pub async fn list_changes(
    executor: impl PgExecutor<'_> + Copy,
    model: Uuid,
    page: u32,
    page_size: u32,
) -> Result<(Vec<ChangeRecord>, i64), sqlx::Error> {
    let page_size = page_size.clamp(1, 200);
    let rows = sqlx::query_as(
        "select c.revision, c.kind, c.payload, c.summary, c.actor, u.name as actor_name, \
                c.changed_at \
         from model_changes c left join users u on u.user_id = c.actor \
         where c.model_id = $1 order by c.revision desc limit $2 offset $3",
    )
    .bind(model)
    .bind(i64::from(page_size))
    .bind(i64::from(page.max(1) - 1) * i64::from(page_size))
    .fetch_all(executor)
    .await?;
    let total: i64 = sqlx::query_scalar("select count(*) from model_changes where model_id = $1")
        .bind(model)
        .fetch_one(executor)
        .await?;
    Ok((rows, total))
}

/// A decision as stored.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct DecisionRecord {
    pub threat_key: String,
    pub decision: Value,
    pub revision: i64,
    pub updated_by: Option<Uuid>,
    pub updated_at: OffsetDateTime,
}

const DECISION_COLUMNS: &str = "threat_key, decision, revision, updated_by, updated_at";

/// A model's decisions, by threat key.
pub async fn list_decisions(
    executor: impl PgExecutor<'_>,
    model: Uuid,
) -> Result<Vec<DecisionRecord>, sqlx::Error> {
    let sql =
        format!("select {DECISION_COLUMNS} from decisions where model_id = $1 order by threat_key");
    sqlx::query_as(&sql).bind(model).fetch_all(executor).await
}

/// Creates or replaces the decision on `key`. `base` is the revision the caller last saw
/// (0 or `None`: it saw none); a different current revision is [`Stale`] and nothing is
/// written. A decision's revision is its own: the model's does not move.
pub async fn put_decision(
    conn: &mut PgConnection,
    model: Uuid,
    key: &str,
    decision: &Value,
    base: Option<i64>,
    actor: Uuid,
) -> Result<Result<DecisionRecord, Stale>, sqlx::Error> {
    let current: Option<i64> = sqlx::query_scalar(
        "select revision from decisions where model_id = $1 and threat_key = $2 for update",
    )
    .bind(model)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(base) = base {
        if current.unwrap_or(0) != base {
            return Ok(Err(Stale {
                base,
                current: current.unwrap_or(0),
            }));
        }
    }
    let sql = format!(
        "insert into decisions (model_id, threat_key, decision, updated_by) values ($1, $2, $3, $4) \
         on conflict (model_id, threat_key) do update \
         set decision = excluded.decision, revision = decisions.revision + 1, \
             updated_by = excluded.updated_by, updated_at = now() \
         returning {DECISION_COLUMNS}"
    );
    let record = sqlx::query_as(&sql)
        .bind(model)
        .bind(key)
        .bind(decision)
        .bind(actor)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Ok(record))
}

/// A saved version.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Version {
    pub version_id: Uuid,
    pub model_id: Uuid,
    pub name: String,
    pub model_revision: i64,
    pub snapshot: Value,
    pub content_hash: String,
    pub created_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    /// The creator's name, filled in by [`list_versions`] only (`None` elsewhere, and when
    /// the account is gone).
    #[sqlx(default)]
    pub created_by_name: Option<String>,
}

const VERSION_COLUMNS: &str = "version_id, model_id, name, model_revision, snapshot, \
     content_hash, created_by, created_at";

/// Why [`create_version`] failed.
#[derive(Debug, thiserror::Error)]
pub enum VersionError {
    #[error("a version of this model already has that name")]
    NameTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Saves an immutable version.
pub async fn create_version(
    executor: impl PgExecutor<'_>,
    model: Uuid,
    name: &str,
    model_revision: i64,
    snapshot: &Value,
    content_hash: &str,
    actor: Uuid,
) -> Result<Version, VersionError> {
    let sql = format!(
        "insert into model_versions (model_id, name, model_revision, snapshot, content_hash, \
                                     created_by) \
         values ($1, $2, $3, $4, $5, $6) returning {VERSION_COLUMNS}"
    );
    sqlx::query_as(&sql)
        .bind(model)
        .bind(name)
        .bind(model_revision)
        .bind(snapshot)
        .bind(content_hash)
        .bind(actor)
        .fetch_one(executor)
        .await
        .map_err(|err| match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => VersionError::NameTaken,
            _ => VersionError::Database(err),
        })
}

/// A model's versions, newest first, with their creators' names.
pub async fn list_versions(
    executor: impl PgExecutor<'_>,
    model: Uuid,
) -> Result<Vec<Version>, sqlx::Error> {
    let sql = "select v.version_id, v.model_id, v.name, v.model_revision, v.snapshot, \
                      v.content_hash, v.created_by, v.created_at, u.name as created_by_name \
               from model_versions v left join users u on u.user_id = v.created_by \
               where v.model_id = $1 order by v.created_at desc, v.version_id";
    sqlx::query_as(sql).bind(model).fetch_all(executor).await
}

/// One version of a model.
pub async fn get_version(
    executor: impl PgExecutor<'_>,
    model: Uuid,
    version: Uuid,
) -> Result<Option<Version>, sqlx::Error> {
    let sql = format!(
        "select {VERSION_COLUMNS} from model_versions where model_id = $1 and version_id = $2"
    );
    sqlx::query_as(&sql)
        .bind(model)
        .bind(version)
        .fetch_optional(executor)
        .await
}
