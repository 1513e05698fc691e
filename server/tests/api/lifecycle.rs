//! The server as a process: listening on a real port, the `rampart` binary's start-up, and
//! graceful shutdown.

use crate::helpers;
use sqlx::PgPool;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A minimal HTTP/1.1 GET over a fresh connection; returns the raw response.
async fn raw_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn serve_answers_on_a_real_port_and_drains_on_shutdown(pool: PgPool) {
    let site = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve(
        listener,
        helpers::state(pool, site.path()),
        async {
            let _ = stopped.await;
        },
    ));

    let response = raw_get(addr, "/healthz").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.ends_with(r#"{"status":"ok","database":"ok"}"#),
        "{response}"
    );

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops once idle")
        .unwrap()
        .unwrap();
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "the port is closed"
    );
}

#[test]
fn the_binary_explains_a_missing_database() {
    let output = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    assert!(
        !stderr.contains('\x1b'),
        "no colour codes when not on a terminal: {stderr:?}"
    );
}

#[test]
fn the_binary_refuses_a_public_url_with_a_path() {
    let output = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["--public-url", "https://example.com/rampart"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "clap's usage error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no path"), "{stderr}");
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let authority_start = url.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = url[authority_start..]
        .find('/')
        .map(|i| authority_start + i)
        .unwrap_or(url.len());
    let query_start = url[path_start..]
        .find('?')
        .map(|i| path_start + i)
        .unwrap_or(url.len());
    format!("{}/{}{}", &url[..path_start], name, &url[query_start..])
}

/// `DATABASE_URL` pointing at the database `name` on the same server.
pub(crate) fn url_for_database(name: &str) -> String {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for the database tests");
    with_database(&url, name)
}

#[test]
fn with_database_swaps_only_the_name() {
    assert_eq!(
        with_database("postgres://u@h:5432/a", "b"),
        "postgres://u@h:5432/b"
    );
    assert_eq!(
        with_database("postgres://u@localhost/a?host=/s&port=5433", "b"),
        "postgres://u@localhost/b?host=/s&port=5433"
    );
    assert_eq!(with_database("postgres://u@h", "b"), "postgres://u@h/b");
}

#[sqlx::test(migrations = false)]
async fn the_binary_migrates_serves_and_stops_cleanly_on_sigterm(admin: PgPool) {
    let name = format!("rampart_bin_{}", std::process::id());
    sqlx::query(&format!("drop database if exists {name}"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("create database {name}"))
        .execute(&admin)
        .await
        .unwrap();

    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let site = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .env("DATABASE_URL", url_for_database(&name))
        .env("RAMPART_BIND", format!("127.0.0.1:{port}"))
        .env("RAMPART_SITE_ROOT", site.path())
        .env("RAMPART_LOG_FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut logs = BufReader::new(child.stderr.take().unwrap()).lines();

    // Wait for the ready line, which comes after the migrations.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let line = logs
            .next()
            .expect("the server logs until it is ready")
            .unwrap();
        if line.contains("rampart is ready") {
            let event: serde_json::Value =
                serde_json::from_str(&line).expect("logs are JSON lines");
            assert_eq!(event["listen"], format!("127.0.0.1:{port}"));
            break;
        }
        assert!(Instant::now() < deadline, "no ready line");
    }
    let response = raw_get(([127, 0, 0, 1], port).into(), "/healthz").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let migrated: i64 = {
        let pool = PgPool::connect(&url_for_database(&name)).await.unwrap();
        let count = sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        count
    };
    assert_eq!(migrated as usize, db::MIGRATOR.iter().count());

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status after SIGTERM: {status}");
    assert!(
        logs.any(|l| l.unwrap().contains("stopped")),
        "the shutdown is logged"
    );

    sqlx::query(&format!("drop database {name} with (force)"))
        .execute(&admin)
        .await
        .unwrap();
}
