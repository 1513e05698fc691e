-- Threat models, their change history, decisions and versions (issue 5).
--
-- `models.document` is the `rampart/1` model without its decisions (they are rows of
-- `decisions`, with a revision of their own). `revision` starts at 1 and grows by one with
-- every accepted change, in the transaction of the change, which also writes the change to
-- `model_changes`: replaying the changes from revision 1 rebuilds the document.

create table models (
    model_id uuid primary key default gen_random_uuid(),
    team_id uuid not null references teams on delete cascade,
    name text not null check (length(btrim(name)) between 1 and 200),
    document jsonb not null check (jsonb_typeof(document) = 'object'),
    revision bigint not null default 1 check (revision >= 1),
    element_count integer not null default 0 check (element_count >= 0),
    created_by uuid references users on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    -- Soft deletion: a deleted model sits in its team's trash and can be restored for 30
    -- days.
    deleted_at timestamptz,
    deleted_by uuid references users on delete set null
);

create index models_team_idx on models (team_id, lower(name));

create trigger models_updated_at before update on models
    for each row execute function set_updated_at();

-- One row per accepted change: the revision it produced, what it was (`create`: the first
-- document; `operations`: a batch of operations; `replace`: a whole new document, from PUT),
-- its payload, who and when. Append-only, like the audit log.
create table model_changes (
    model_id uuid not null references models on delete cascade,
    revision bigint not null check (revision >= 1),
    kind text not null check (kind in ('create', 'operations', 'replace')),
    payload jsonb not null,
    summary text not null,
    actor uuid references users on delete set null,
    changed_at timestamptz not null default now(),
    primary key (model_id, revision)
);

create function model_changes_refuse_update() returns trigger
    language plpgsql as $$
begin
    raise exception 'model_changes is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger model_changes_append_only before update on model_changes
    for each statement execute function model_changes_refuse_update();

-- What people decided about a threat, by its stable key. A decision whose threat no longer
-- appears is kept (shown as orphaned).
create table decisions (
    model_id uuid not null references models on delete cascade,
    threat_key text not null check (threat_key <> '' and length(threat_key) <= 500),
    decision jsonb not null check (jsonb_typeof(decision) = 'object'),
    revision bigint not null default 1 check (revision >= 1),
    updated_by uuid references users on delete set null,
    updated_at timestamptz not null default now(),
    primary key (model_id, threat_key)
);

-- Named, immutable snapshots: the document with its decisions, and the SHA-256 of its
-- canonical serialisation.
create table model_versions (
    version_id uuid primary key default gen_random_uuid(),
    model_id uuid not null references models on delete cascade,
    name text not null check (length(btrim(name)) between 1 and 200),
    model_revision bigint not null,
    snapshot jsonb not null,
    content_hash text not null check (content_hash ~ '^[0-9a-f]{64}$'),
    created_by uuid references users on delete set null,
    created_at timestamptz not null default now(),
    unique (model_id, name)
);

create function model_versions_refuse_update() returns trigger
    language plpgsql as $$
begin
    raise exception 'a model version is immutable: % refused', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger model_versions_immutable before update on model_versions
    for each statement execute function model_versions_refuse_update();
