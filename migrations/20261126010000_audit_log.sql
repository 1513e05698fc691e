-- The audit log (SECURITY.md R32): one row per security-relevant event, append-only and
-- hash-chained so that a changed or removed row is detectable by `rampart audit verify`.
--
-- Rows are written only by `db::audit::append_audit_event`, which, inside the caller's
-- transaction:
--   1. takes `pg_advisory_xact_lock(8241989122503566452)` (0x7261_6d70_6175_6474, the ASCII
--      bytes "rampaudt"), so appends are serialised until that transaction ends;
--   2. reads the last row's id and hash;
--   3. computes the new row's hash in Rust (the encoding is documented in db/src/audit.rs);
--   4. inserts the row with id = last id + 1 (1 for the first row) and prev_hash = the last
--      hash (32 zero bytes for the first row).
--
-- The id is assigned under the lock rather than by an identity column: sequences are not
-- transactional, so an audited change rolled back after its append would leave a hole that
-- the verifier could not tell from a deleted row. Dense ids make every hole evidence.
--
-- `actor` is text, not a foreign key: a user id, or a label such as `system` or `anonymous`;
-- audit rows must outlive the accounts they mention.

create table audit_log (
    audit_log_id bigint primary key check (audit_log_id > 0),
    occurred_at timestamptz not null default now() check (isfinite(occurred_at)),
    actor text,
    action text not null check (action <> ''),
    outcome text not null check (outcome in ('success', 'failure', 'denied')),
    -- A host address only, never a network.
    client_addr inet check (masklen(client_addr) = case family(client_addr) when 4 then 32 else 128 end),
    request_id text,
    target text,
    details jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
    prev_hash bytea not null check (octet_length(prev_hash) = 32),
    hash bytea not null check (octet_length(hash) = 32),
    constraint audit_log_hash_key unique (hash),
    -- One successor per row: the chain cannot fork even if the lock were bypassed.
    constraint audit_log_prev_hash_key unique (prev_hash)
);

create index audit_log_actor_idx on audit_log (actor, audit_log_id);
create index audit_log_action_idx on audit_log (action, audit_log_id);
create index audit_log_occurred_at_idx on audit_log (occurred_at);

create function audit_log_refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception 'audit_log is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege',
              hint = 'audit events are never changed or removed; record a new event instead';
end;
$$;

-- A statement trigger fires even when no row matches, so every attempt is refused, whatever
-- the role (a superuser could still disable it: `rampart audit verify` detects the result).
create trigger audit_log_append_only
    before update or delete or truncate on audit_log
    for each statement execute function audit_log_refuse_change();
