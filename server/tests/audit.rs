//! The real `rampart audit verify` against databases of the tests' own: its verdicts, exit
//! statuses, and its promise to change nothing.

use db::audit::{append_audit_event_with_pool, AuditOutcome, NewAuditEvent};
use sqlx::PgPool;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Runs `rampart` with `args` and no Rampart setting or `DATABASE_URL` from the environment
/// of the test run, then `database_url` as `DATABASE_URL` when given.
fn rampart(args: &[&str], database_url: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rampart"));
    command.args(args).env_remove("DATABASE_URL");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("RAMPART_") {
            command.env_remove(name);
        }
    }
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    command.output().expect("the rampart binary runs")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited, not killed")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The test run's `DATABASE_URL`, pointing at the database `pool` is connected to instead.
fn url_of(pool: &PgPool) -> String {
    let name = pool
        .connect_options()
        .get_database()
        .expect("the test database has a name")
        .to_owned();
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for the database tests");
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let (authority, query) = match rest.split_once('/') {
        Some((authority, path)) => (authority, path.split_once('?').map(|(_, q)| q)),
        None => match rest.split_once('?') {
            Some((authority, query)) => (authority, Some(query)),
            None => (rest, None),
        },
    };
    match query {
        Some(query) => format!("{scheme}://{authority}/{name}?{query}"),
        None => format!("{scheme}://{authority}/{name}"),
    }
}

async fn append(pool: &PgPool, count: usize) {
    for i in 0..count {
        let event = NewAuditEvent {
            actor: Some("system".into()),
            request_id: Some(format!("req-{i}")),
            details: serde_json::json!({"i": i}),
            ..NewAuditEvent::new("admin.settings.change", AuditOutcome::Success)
        };
        append_audit_event_with_pool(pool, &event).await.unwrap();
    }
}

async fn migrations_table_exists(pool: &PgPool) -> bool {
    sqlx::query_scalar("select to_regclass('_sqlx_migrations') is not null")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn verify_reports_an_intact_chain_and_exits_0(pool: PgPool) {
    append(&pool, 12).await;
    let output = rampart(&["audit", "verify"], Some(&url_of(&pool)));
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "audit chain intact: 12 events\n");
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn verify_names_a_row_changed_with_the_trigger_disabled_and_exits_1(pool: PgPool) {
    append(&pool, 12).await;
    sqlx::query("alter table audit_log disable trigger audit_log_append_only")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("update audit_log set actor = 'mallory' where audit_log_id = 7")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("alter table audit_log enable trigger audit_log_append_only")
        .execute(&pool)
        .await
        .unwrap();
    let output = rampart(&["audit", "verify"], Some(&url_of(&pool)));
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "audit chain broken at event 7: its contents do not match its hash\n"
    );
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn verify_reports_a_deleted_row_and_exits_1(pool: PgPool) {
    append(&pool, 5).await;
    sqlx::query("alter table audit_log disable trigger audit_log_append_only")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("delete from audit_log where audit_log_id = 3")
        .execute(&pool)
        .await
        .unwrap();
    let output = rampart(&["audit", "verify"], Some(&url_of(&pool)));
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "audit chain broken at event 4: events from 3 onwards are missing before it\n"
    );
}

#[sqlx::test(migrations = false)]
async fn verify_on_an_unmigrated_database_exits_2_and_changes_nothing(pool: PgPool) {
    let output = rampart(&["audit", "verify"], Some(&url_of(&pool)));
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "");
    let message = stderr(&output);
    assert!(message.contains("no audit log"), "{message}");
    assert!(
        !migrations_table_exists(&pool).await,
        "verify applied no migration"
    );
}

#[test]
fn verify_without_a_database_exits_2_and_says_how_to_name_one() {
    let output = rampart(&["audit", "verify"], None);
    assert_eq!(code(&output), 2);
    let message = stderr(&output);
    assert!(message.contains("DATABASE_URL"), "{message}");
}

#[test]
fn verify_exits_2_quickly_when_the_database_is_unreachable() {
    let started = Instant::now();
    // Port 9 (discard) on loopback: nothing listens there on a test machine.
    let output = rampart(
        &["audit", "verify"],
        Some("postgres://nobody@127.0.0.1:9/none"),
    );
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("cannot reach the database"));
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn verify_help_lists_the_exit_statuses() {
    let output = rampart(&["audit", "verify", "--help"], None);
    assert_eq!(code(&output), 0);
    let help = stdout(&output);
    assert!(help.contains("0  the chain is intact"), "{help}");
    assert!(help.contains("1  the chain is broken"), "{help}");
}
