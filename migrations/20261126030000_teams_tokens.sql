-- Teams and roles, invitations, API tokens, password-reset tokens, the sign-in throttle and
-- the index of signed-in sessions (issue 4; SECURITY.md R3, R5, R11, R14-R16).
--
-- Every secret handed to a person (invitation, reset and API tokens) is stored only as its
-- SHA-256: a copy of the database lets nobody use them.

create table teams (
    team_id uuid primary key default gen_random_uuid(),
    name text not null check (length(btrim(name)) between 1 and 100),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create trigger teams_updated_at before update on teams
    for each row execute function set_updated_at();

-- One role per member and team. A team keeps at least one owner: the code that demotes or
-- removes an owner locks the team's row first and counts the owners in the same
-- transaction (db::teams).
create table team_members (
    team_id uuid not null references teams on delete cascade,
    user_id uuid not null references users on delete cascade,
    role text not null check (role in ('owner', 'editor', 'reviewer', 'viewer')),
    joined_at timestamptz not null default now(),
    primary key (team_id, user_id)
);

create index team_members_user_idx on team_members (user_id);

-- An owner's invitation of an e-mail address into a team with a role. It is made whether or
-- not an account has that address (no enumeration), and it is usable once, until it expires
-- or is revoked, by the account with that address.
create table invitations (
    invitation_id uuid primary key default gen_random_uuid(),
    team_id uuid not null references teams on delete cascade,
    email text not null check (email <> '' and length(email) <= 254),
    role text not null check (role in ('owner', 'editor', 'reviewer', 'viewer')),
    token_hash bytea not null unique check (octet_length(token_hash) = 32),
    invited_by uuid references users on delete set null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    accepted_at timestamptz,
    accepted_by uuid references users on delete set null,
    revoked_at timestamptz,
    check (accepted_at is null or revoked_at is null)
);

create index invitations_email_idx on invitations (lower(email)) where accepted_at is null and revoked_at is null;
create index invitations_team_idx on invitations (team_id);

-- Personal API tokens (`Authorization: Bearer rpt_...`).
create table api_tokens (
    token_id uuid primary key default gen_random_uuid(),
    user_id uuid not null references users on delete cascade,
    name text not null check (length(btrim(name)) between 1 and 100),
    token_hash bytea not null unique check (octet_length(token_hash) = 32),
    read_only boolean not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    last_used_at timestamptz,
    revoked_at timestamptz
);

create index api_tokens_user_idx on api_tokens (user_id);

-- One-time password-reset tokens, made by `rampart user reset-password` or an administrator.
create table password_resets (
    token_hash bytea primary key check (octet_length(token_hash) = 32),
    user_id uuid not null references users on delete cascade,
    created_by uuid references users on delete set null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz
);

create index password_resets_user_idx on password_resets (user_id);

-- Failed sign-ins, for the throttle (R3): counted per account (lower-cased e-mail, whether or
-- not an account has it) and per client address over a sliding window. Old rows are purged;
-- nothing here ever locks an account for good.
create table signin_failures (
    signin_failure_id bigint generated always as identity primary key,
    email_key text not null,
    client_addr inet,
    failed_at timestamptz not null default now()
);

create index signin_failures_email_idx on signin_failures (email_key, failed_at);
create index signin_failures_addr_idx on signin_failures (client_addr, failed_at);

-- Which signed-in user each session belongs to, so people can list and end their sessions
-- and a password change can end the others. The row goes when the session row goes.
create table user_sessions (
    session_id text primary key references sessions (id) on delete cascade,
    user_id uuid not null references users on delete cascade,
    signed_in_at timestamptz not null default now(),
    client_addr inet,
    user_agent text check (length(user_agent) <= 300)
);

create index user_sessions_user_idx on user_sessions (user_id);
