//! HTTP tests against the real router, one binary (see ARCHITECTURE.md, "Tests").
//!
//! Each test that touches Postgres gets a database of its own from `#[sqlx::test]`, which reads
//! `DATABASE_URL`; the README's test command sets it.

mod helpers;

mod auth;
mod health;
mod lifecycle;
mod matrix;
mod pages;
mod security_headers;
mod static_files;
mod teams;
