-- Accounts, the first-admin setup token and the server-side sessions (issue 4; SECURITY.md
-- R1, R6, R9-R12).

-- One row per person. `email` keeps the case the person typed; uniqueness and look-ups are
-- case-insensitive through the index on lower(email). `password_hash` is an argon2id PHC
-- string (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`), never a password.
-- gen_random_uuid() is built in since PostgreSQL 13.
create table users (
    user_id uuid primary key default gen_random_uuid(),
    email text not null check (email <> '' and length(email) <= 254),
    name text not null check (length(name) <= 200),
    password_hash text not null check (password_hash like '$argon2id$%'),
    is_admin boolean not null default false,
    -- Set when an administrator disables the account: sign-in fails and existing sessions
    -- stop working at their next request.
    disabled_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create unique index users_email_key on users (lower(email));

create trigger users_updated_at before update on users
    for each row execute function set_updated_at();

-- One-time tokens that let the first administrator be created on a fresh instance (R6).
-- Only the SHA-256 of the token is stored; the token itself is printed once at start-up.
-- A token is deleted when used, and every token is deleted once the first admin exists.
create table setup_tokens (
    token_hash bytea primary key check (octet_length(token_hash) = 32),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null
);

-- Server-side sessions, read and written by tower-sessions-sqlx-store 0.15's PostgresStore
-- (configured with schema `public` and table `sessions`). The columns are exactly those its
-- `migrate()` would create; creating them here keeps every table under our migrations (one
-- schema history, no DDL at run time, the same tables in every `#[sqlx::test]` database).
-- `id` is the 128-bit session id, `data` the MessagePack record (user id, sign-in time,
-- CSRF token), `expiry_date` the idle deadline, moved forward as the session is used.
create table sessions (
    id text primary key not null,
    data bytea not null,
    expiry_date timestamptz not null
);

create index sessions_expiry_date_idx on sessions (expiry_date);
