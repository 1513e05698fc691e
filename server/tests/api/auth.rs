//! Accounts, sessions and CSRF through the real router and a real database (issue 4;
//! SECURITY.md R1, R2, R4, R6, R9-R12, R25).

use crate::helpers::{
    self, body_json, body_text, create_user, get, json_request, pre_session, send, set_cookie,
    sign_in, Browser, ORIGIN, PASSWORD,
};
use axum::body::Body;
use axum::http::Request;
use serde_json::json;
use sqlx::PgPool;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn state(pool: PgPool) -> server::AppState {
    // No page or file is requested here; any folder will do as the site root.
    helpers::state(pool, std::env::temp_dir().as_path())
}

fn me_with(browser: &Browser) -> Request<Body> {
    Request::get("/api/v1/me")
        .header("cookie", &browser.cookie)
        .body(Body::empty())
        .unwrap()
}

async fn setup_request(
    state: server::AppState,
    token: &str,
    password: &str,
) -> axum::http::Response<Body> {
    let browser = pre_session(state.clone()).await;
    let body = json!({
        "token": token,
        "email": "admin@example.com",
        "name": "Ada Admin",
        "password": password,
    });
    send(
        state,
        json_request("POST", "/api/v1/auth/setup", body, Some(&browser)),
    )
    .await
}

async fn user_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from users")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn a_fresh_database_has_no_account_and_offers_a_setup_token_only_until_an_admin_exists(
    pool: PgPool,
) {
    assert_eq!(user_count(&pool).await, 0, "no default account");
    assert!(server::auth::setup::prepare(&pool).await.unwrap().is_some());
    create_user(&pool, "someone@example.com", PASSWORD, true).await;
    assert!(server::auth::setup::prepare(&pool).await.unwrap().is_none());
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn the_setup_token_creates_the_first_admin_once(pool: PgPool) {
    let token = server::auth::setup::prepare(&pool).await.unwrap().unwrap();
    let response = setup_request(state(pool.clone()), &token, PASSWORD).await;
    assert_eq!(response.status(), 201);
    let user = body_json(response).await;
    assert_eq!(user["email"], "admin@example.com");
    assert_eq!(user["is_admin"], true);
    assert!(
        user.get("password_hash").is_none(),
        "the hash never leaves the server"
    );

    let again = setup_request(state(pool.clone()), &token, "another-fine-passphrase-7").await;
    assert_eq!(again.status(), 410);
    assert_eq!(body_json(again).await["error"]["code"], "setup_unavailable");
    assert_eq!(user_count(&pool).await, 1);

    let actions: Vec<(String, String)> =
        sqlx::query_as("select action, outcome from audit_log order by audit_log_id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        [
            ("auth.setup".to_owned(), "success".to_owned()),
            ("auth.setup".to_owned(), "failure".to_owned())
        ]
    );
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn the_stored_hash_is_argon2id_at_owasp_parameters(pool: PgPool) {
    let token = server::auth::setup::prepare(&pool).await.unwrap().unwrap();
    let response = setup_request(state(pool.clone()), &token, PASSWORD).await;
    assert_eq!(response.status(), 201);
    let hash: String = sqlx::query_scalar("select password_hash from users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(!hash.contains(PASSWORD));
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn weak_short_and_long_passwords_are_refused_with_a_clear_message(pool: PgPool) {
    let token = server::auth::setup::prepare(&pool).await.unwrap().unwrap();
    let too_long = "x7-".repeat(43);
    for (password, says) in [
        ("short-pw-1", "at least 12 characters"),
        (too_long.as_str(), "at most 128 characters"),
        ("password1234", "too common"),
        ("ramparrampart", "too common"),
    ] {
        let response = setup_request(state(pool.clone()), &token, password).await;
        assert_eq!(response.status(), 422, "{password}");
        let body = body_json(response).await;
        assert_eq!(body["error"]["code"], "invalid_input");
        assert_eq!(body["error"]["details"]["field"], "password");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{password}: {message}");
    }
    assert_eq!(user_count(&pool).await, 0);
    let response = setup_request(state(pool.clone()), &token, PASSWORD).await;
    assert_eq!(
        response.status(),
        201,
        "a refused password does not burn the token"
    );
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn sign_in_sets_a_hardened_host_cookie(pool: PgPool) {
    create_user(&pool, "alice@example.com", PASSWORD, false).await;
    let before = pre_session(state(pool.clone())).await;
    let body = json!({ "email": "alice@example.com", "password": PASSWORD });
    let response = send(
        state(pool.clone()),
        json_request("POST", "/api/v1/auth/signin", body, Some(&before)),
    )
    .await;
    assert_eq!(response.status(), 200);
    let cookie = set_cookie(&response).expect("a __Host-rampart cookie");
    let attributes: Vec<String> = cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    for wanted in ["secure", "httponly", "samesite=lax", "path=/"] {
        assert!(
            attributes.iter().any(|a| a == wanted),
            "{wanted} missing: {cookie}"
        );
    }
    assert!(
        !attributes.iter().any(|a| a.starts_with("domain")),
        "no Domain: {cookie}"
    );
    let id = helpers::cookie_pair(&cookie);
    let id = id.trim_start_matches("__Host-rampart=");
    assert!(id.len() >= 20, "a 128-bit id: {id}");
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn the_session_id_changes_at_sign_in_and_the_old_one_is_worthless(pool: PgPool) {
    create_user(&pool, "alice@example.com", PASSWORD, false).await;
    let before = pre_session(state(pool.clone())).await;
    let body = json!({ "email": "alice@example.com", "password": PASSWORD });
    let response = send(
        state(pool.clone()),
        json_request("POST", "/api/v1/auth/signin", body, Some(&before)),
    )
    .await;
    assert_eq!(response.status(), 200);
    let after = helpers::cookie_pair(&set_cookie(&response).unwrap());
    assert_ne!(after, before.cookie, "a new id at sign-in");
    let fixed = send(state(pool.clone()), me_with(&before)).await;
    assert_eq!(fixed.status(), 401, "the pre-sign-in id is not signed in");
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn me_answers_with_the_cookie_and_401_without(pool: PgPool) {
    let user = create_user(&pool, "alice@example.com", PASSWORD, false).await;
    let browser = sign_in(state(pool.clone()), "ALICE@example.com", PASSWORD).await;
    let response = send(state(pool.clone()), me_with(&browser)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        body_json(response).await,
        json!({
            "id": user.id.to_string(),
            "email": "alice@example.com",
            "name": "Test Person",
            "is_admin": false,
        })
    );
    let anonymous = get(state(pool.clone()), "/api/v1/me").await;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        body_json(anonymous).await["error"]["code"],
        "unauthenticated"
    );
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn sign_out_deletes_the_session_on_the_server(pool: PgPool) {
    create_user(&pool, "alice@example.com", PASSWORD, false).await;
    let browser = sign_in(state(pool.clone()), "alice@example.com", PASSWORD).await;
    let response = send(
        state(pool.clone()),
        json_request("POST", "/api/v1/auth/signout", json!({}), Some(&browser)),
    )
    .await;
    assert_eq!(response.status(), 204);
    assert!(helpers::header(&response, "clear-site-data").is_some_and(|v| v.contains("cookies")));
    let sessions: i64 = sqlx::query_scalar("select count(*) from sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0, "the session row is gone");
    // Replaying the old cookie, as a thief who copied it would, gets nothing.
    let replay = send(state(pool.clone()), me_with(&browser)).await;
    assert_eq!(replay.status(), 401);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn sign_in_failures_are_identical_for_unknown_email_wrong_password_and_disabled_account(
    pool: PgPool,
) {
    create_user(&pool, "alice@example.com", PASSWORD, false).await;
    let bob = create_user(&pool, "bob@example.com", PASSWORD, false).await;
    db::users::disable_user(&pool, bob.id).await.unwrap();
    let mut answers = Vec::new();
    for (email, password) in [
        ("nobody@example.com", PASSWORD),
        ("alice@example.com", "wrong-but-long-password"),
        ("bob@example.com", PASSWORD),
    ] {
        let browser = pre_session(state(pool.clone())).await;
        let body = json!({ "email": email, "password": password });
        let response = send(
            state(pool.clone()),
            json_request("POST", "/api/v1/auth/signin", body, Some(&browser)),
        )
        .await;
        let status = response.status();
        assert!(
            set_cookie(&response).is_none() || status == 200,
            "no new session"
        );
        answers.push((status, body_text(response).await));
    }
    assert_eq!(answers[0].0, 401);
    assert!(
        answers[0].1.contains("invalid_credentials"),
        "{}",
        answers[0].1
    );
    assert_eq!(answers[0], answers[1], "unknown e-mail vs wrong password");
    assert_eq!(answers[0], answers[2], "unknown e-mail vs disabled account");

    let failures: Vec<(String, serde_json::Value)> = sqlx::query_as(
        "select outcome, details from audit_log where action = 'auth.signin' order by audit_log_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let reasons: Vec<&str> = failures
        .iter()
        .map(|(outcome, details)| {
            assert_eq!(outcome, "failure");
            details["reason"].as_str().unwrap()
        })
        .collect();
    assert_eq!(reasons, ["unknown_account", "wrong_password", "disabled"]);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn a_successful_sign_in_is_audited_with_the_request_id(pool: PgPool) {
    let user = create_user(&pool, "alice@example.com", PASSWORD, false).await;
    let before = pre_session(state(pool.clone())).await;
    let mut request = json_request(
        "POST",
        "/api/v1/auth/signin",
        json!({ "email": "alice@example.com", "password": PASSWORD }),
        Some(&before),
    );
    request
        .headers_mut()
        .insert("x-request-id", "req-signin-1".parse().unwrap());
    assert_eq!(send(state(pool.clone()), request).await.status(), 200);
    let (actor, outcome, request_id): (Option<String>, String, Option<String>) = sqlx::query_as(
        "select actor, outcome, request_id from audit_log where action = 'auth.signin'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(actor, Some(user.id.to_string()));
    assert_eq!(outcome, "success");
    assert_eq!(request_id.as_deref(), Some("req-signin-1"));
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn a_disabled_account_loses_its_session_at_the_next_request(pool: PgPool) {
    let user = create_user(&pool, "alice@example.com", PASSWORD, false).await;
    let browser = sign_in(state(pool.clone()), "alice@example.com", PASSWORD).await;
    db::users::disable_user(&pool, user.id).await.unwrap();
    let response = send(state(pool.clone()), me_with(&browser)).await;
    assert_eq!(response.status(), 401);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn a_session_past_its_absolute_lifetime_is_over_even_when_active(pool: PgPool) {
    create_user(&pool, "alice@example.com", PASSWORD, false).await;
    let mut short = state(pool.clone());
    // Sign-in times are whole seconds, so a 1 s lifetime could end at the next second
    // boundary, before the first check under load: 3 s leaves room for it.
    short.auth.sessions.absolute_timeout = Duration::from_secs(3);
    let browser = sign_in(short.clone(), "alice@example.com", PASSWORD).await;
    assert_eq!(send(short.clone(), me_with(&browser)).await.status(), 200);
    tokio::time::sleep(Duration::from_millis(4100)).await;
    assert_eq!(send(short, me_with(&browser)).await.status(), 401);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn a_session_left_idle_too_long_is_over(pool: PgPool) {
    create_user(&pool, "alice@example.com", PASSWORD, false).await;
    let mut short = state(pool.clone());
    short.auth.sessions.idle_timeout = Duration::from_secs(2);
    let browser = sign_in(short.clone(), "alice@example.com", PASSWORD).await;
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_eq!(send(short, me_with(&browser)).await.status(), 401);
}

/// Sign-out from a signed-in browser with the request changed by `tamper`.
async fn sign_out_with(
    pool: &PgPool,
    tamper: impl FnOnce(&mut Request<Body>, &Browser),
) -> (u16, serde_json::Value) {
    create_user(pool, "alice@example.com", PASSWORD, false).await;
    let browser = sign_in(state(pool.clone()), "alice@example.com", PASSWORD).await;
    let mut request = json_request("POST", "/api/v1/auth/signout", json!({}), Some(&browser));
    tamper(&mut request, &browser);
    let response = send(state(pool.clone()), request).await;
    let status = response.status().as_u16();
    let body = if status == 204 {
        json!(null)
    } else {
        body_json(response).await
    };
    // Whatever happened, a refused request left the session signed in.
    let still = send(state(pool.clone()), me_with(&browser)).await.status();
    assert_eq!(
        still == 200,
        status == 403,
        "refused requests change nothing"
    );
    (status, body)
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn csrf_an_unsafe_request_without_a_token_is_refused(pool: PgPool) {
    let (status, body) = sign_out_with(&pool, |request, _| {
        request.headers_mut().remove("x-csrf-token");
    })
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "csrf_failed");
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn csrf_a_token_from_another_session_is_refused(pool: PgPool) {
    let other = pre_session(state(pool.clone())).await;
    let (status, _) = sign_out_with(&pool, |request, _| {
        request
            .headers_mut()
            .insert("x-csrf-token", other.csrf.parse().unwrap());
    })
    .await;
    assert_eq!(status, 403);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn csrf_a_foreign_origin_is_refused(pool: PgPool) {
    let (status, _) = sign_out_with(&pool, |request, _| {
        request
            .headers_mut()
            .insert("origin", "https://evil.example".parse().unwrap());
    })
    .await;
    assert_eq!(status, 403);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn csrf_cross_site_fetch_metadata_is_refused(pool: PgPool) {
    let (status, _) = sign_out_with(&pool, |request, _| {
        request
            .headers_mut()
            .insert("sec-fetch-site", "cross-site".parse().unwrap());
    })
    .await;
    assert_eq!(status, 403);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn csrf_same_origin_fetch_metadata_stands_in_for_a_missing_origin(pool: PgPool) {
    let (status, _) = sign_out_with(&pool, |request, _| {
        request.headers_mut().remove("origin");
        request
            .headers_mut()
            .insert("sec-fetch-site", "same-origin".parse().unwrap());
    })
    .await;
    assert_eq!(status, 204);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn csrf_neither_origin_nor_fetch_metadata_is_refused(pool: PgPool) {
    let (status, _) = sign_out_with(&pool, |request, _| {
        request.headers_mut().remove("origin");
    })
    .await;
    assert_eq!(status, 403);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn csrf_sign_in_without_a_pre_session_is_refused(pool: PgPool) {
    create_user(&pool, "alice@example.com", PASSWORD, false).await;
    let body = json!({ "email": "alice@example.com", "password": PASSWORD });
    let response = send(
        state(pool.clone()),
        json_request("POST", "/api/v1/auth/signin", body, None),
    )
    .await;
    assert_eq!(response.status(), 403);
    assert!(set_cookie(&response).is_none());
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn a_state_changing_route_refuses_get_with_405(pool: PgPool) {
    for path in [
        "/api/v1/auth/signin",
        "/api/v1/auth/signout",
        "/api/v1/auth/setup",
    ] {
        let response = get(state(pool.clone()), path).await;
        assert_eq!(response.status(), 405, "{path}");
    }
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn unknown_json_fields_are_refused_in_the_error_format(pool: PgPool) {
    create_user(&pool, "alice@example.com", PASSWORD, false).await;
    let browser = pre_session(state(pool.clone())).await;
    let body = json!({ "email": "alice@example.com", "password": PASSWORD, "is_admin": true });
    let response = send(
        state(pool.clone()),
        json_request("POST", "/api/v1/auth/signin", body, Some(&browser)),
    )
    .await;
    assert_eq!(response.status(), 422);
    let body = body_json(response).await;
    assert_eq!(body["error"]["code"], "invalid_body");
    assert!(
        body["error"]["details"]["reason"]
            .as_str()
            .unwrap()
            .contains("unknown field `is_admin`"),
        "{body}"
    );

    let mut malformed = json_request("POST", "/api/v1/auth/signin", json!({}), Some(&browser));
    *malformed.body_mut() = Body::from("{not json");
    let response = send(state(pool.clone()), malformed).await;
    assert_eq!(response.status(), 400);
    assert_eq!(body_json(response).await["error"]["code"], "malformed_json");
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn an_unknown_api_path_answers_404_in_the_error_format(pool: PgPool) {
    let response = get(state(pool), "/api/v1/nothing-here").await;
    assert_eq!(response.status(), 404);
    assert_eq!(body_json(response).await["error"]["code"], "not_found");
}

/// A `Write` that keeps everything in memory, for a log subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn no_password_session_id_or_token_reaches_the_logs(pool: PgPool) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The global subscriber, not a thread-local one: tasks and blocking work may run on other
    // threads, and a scoped subscriber can miss their events. Other tests' logs land here too,
    // which is harmless: only this test's secrets are looked for. Only this test sets it.
    tracing::subscriber::set_global_default(subscriber)
        .expect("no other test installs a global subscriber");

    let token = server::auth::setup::prepare(&pool).await.unwrap().unwrap();
    assert_eq!(
        setup_request(state(pool.clone()), &token, PASSWORD)
            .await
            .status(),
        201
    );
    let wrong = pre_session(state(pool.clone())).await;
    let body = json!({ "email": "admin@example.com", "password": "not-the-password-at-all" });
    send(
        state(pool.clone()),
        json_request("POST", "/api/v1/auth/signin", body, Some(&wrong)),
    )
    .await;
    let browser = sign_in(state(pool.clone()), "admin@example.com", PASSWORD).await;
    send(state(pool.clone()), me_with(&browser)).await;
    // An API token, used; an invitation link; a reset link.
    let created = body_json(
        send(
            state(pool.clone()),
            json_request(
                "POST",
                "/api/v1/tokens",
                json!({ "name": "ci", "expires_in_days": 1 }),
                Some(&browser),
            ),
        )
        .await,
    )
    .await;
    let api_token = created["token"].as_str().unwrap().to_owned();
    let used = Request::get("/api/v1/me")
        .header("authorization", format!("Bearer {api_token}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(state(pool.clone()), used).await.status(), 200);
    let team = body_json(
        send(
            state(pool.clone()),
            json_request(
                "POST",
                "/api/v1/teams",
                json!({ "name": "T" }),
                Some(&browser),
            ),
        )
        .await,
    )
    .await;
    let invitation = body_json(
        send(
            state(pool.clone()),
            json_request(
                "POST",
                &format!("/api/v1/teams/{}/members", team["id"].as_str().unwrap()),
                json!({ "email": "b@example.com", "role": "viewer" }),
                Some(&browser),
            ),
        )
        .await,
    )
    .await;
    let invitation_token = invitation["link"]
        .as_str()
        .unwrap()
        .split_once("#token=")
        .unwrap()
        .1
        .to_owned();
    let me: serde_json::Value = body_json(send(state(pool.clone()), me_with(&browser)).await).await;
    let reset = body_json(
        send(
            state(pool.clone()),
            json_request(
                "POST",
                &format!(
                    "/api/v1/users/{}/password-reset",
                    me["id"].as_str().unwrap()
                ),
                json!({}),
                Some(&browser),
            ),
        )
        .await,
    )
    .await;
    let reset_token = reset["link"]
        .as_str()
        .unwrap()
        .split_once("#token=")
        .unwrap()
        .1
        .to_owned();
    send(
        state(pool.clone()),
        json_request("POST", "/api/v1/auth/signout", json!({}), Some(&browser)),
    )
    .await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("request"), "the capture works: {logs}");
    let session_id = browser.cookie.trim_start_matches("__Host-rampart=");
    for secret in [
        PASSWORD,
        "not-the-password-at-all",
        session_id,
        wrong.cookie.trim_start_matches("__Host-rampart="),
        browser.csrf.as_str(),
        wrong.csrf.as_str(),
        token.as_str(),
        api_token.as_str(),
        invitation_token.as_str(),
        reset_token.as_str(),
    ] {
        assert!(
            !logs.contains(secret),
            "a secret reached the logs: {secret}"
        );
    }
}

fn database_url_of(pool: &PgPool) -> String {
    let name = pool.connect_options().get_database().unwrap().to_owned();
    crate::lifecycle::url_for_database(&name)
}

fn user_create(pool: &PgPool, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["user", "create"])
        .args(args)
        .env("DATABASE_URL", database_url_of(pool))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn rampart_user_create_reads_the_password_from_stdin(pool: PgPool) {
    let output = user_create(
        &pool,
        &["--email", "Ops@Example.com", "--name", "Ops", "--admin"],
        &format!("{PASSWORD}\n"),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("created administrator Ops@Example.com"),
        "{stdout}"
    );
    assert!(!stdout.contains(PASSWORD) && !stderr.contains(PASSWORD));

    let user = db::users::find_user_by_email(&pool, "ops@example.com")
        .await
        .unwrap()
        .expect("the account exists");
    assert!(user.is_admin);
    assert_eq!(user.name, "Ops");
    // The password works for signing in.
    sign_in(state(pool.clone()), "ops@example.com", PASSWORD).await;
    let audited: String =
        sqlx::query_scalar("select actor from audit_log where action = 'user.create'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, "cli");

    let again = user_create(
        &pool,
        &["--email", "ops@example.com"],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(again.status.code(), Some(1), "the address is taken");
    let weak = user_create(&pool, &["--email", "weak@example.com"], "password1234\n");
    assert_eq!(weak.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&weak.stderr).contains("too common"));
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn rampart_user_reset_password_prints_a_one_time_link(pool: PgPool) {
    create_user(&pool, "ada@example.com", PASSWORD, false).await;
    let run = |email: &str| {
        Command::new(env!("CARGO_BIN_EXE_rampart"))
            .args(["user", "reset-password", "--email", email])
            .env("DATABASE_URL", database_url_of(&pool))
            .env("RAMPART_PUBLIC_URL", "https://rampart.example.com")
            .output()
            .unwrap()
    };
    let unknown = run("nobody@example.com");
    assert_eq!(unknown.status.code(), Some(1));
    let output = run("ADA@example.com");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let link = stdout
        .split_whitespace()
        .find(|w| w.starts_with("https://rampart.example.com/reset-password#token="))
        .unwrap_or_else(|| panic!("no link in {stdout}"));
    let token = link.split_once("#token=").unwrap().1;

    let anonymous = pre_session(state(pool.clone())).await;
    let new_password = "quartz-meadow-signal-47";
    let body = json!({ "token": token, "new_password": new_password });
    let response = send(
        state(pool.clone()),
        json_request(
            "POST",
            "/api/v1/auth/password-reset",
            body,
            Some(&anonymous),
        ),
    )
    .await;
    assert_eq!(response.status(), 204);
    sign_in(state(pool.clone()), "ada@example.com", new_password).await;
    let audited: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where action like '%reset%' order by audit_log_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audited, ["user.reset_link", "auth.password.reset"]);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn rampart_serve_prints_a_setup_link_on_a_fresh_database(pool: PgPool) {
    let site = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .env("DATABASE_URL", database_url_of(&pool))
        .env("RAMPART_BIND", "127.0.0.1:0")
        .env("RAMPART_SITE_ROOT", site.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut link = None;
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(at) = line.find("setup link: ") {
            link = Some(line[at + "setup link: ".len()..].trim().to_owned());
        }
        let ready = line.contains("rampart is ready");
        seen.push(line);
        if ready {
            break;
        }
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let link = link.unwrap_or_else(|| panic!("no setup link in {seen:#?}"));
    // The public URL defaults to the address actually bound, here a port chosen by the OS.
    let (origin, token) = link.split_once("/setup#token=").expect("a setup page link");
    assert!(origin.starts_with("http://127.0.0.1:"), "{origin}");
    assert!(!origin.ends_with(":0"), "{origin}");
    assert!(
        seen.iter()
            .any(|l| l.contains("rampart user create --email")),
        "the other way in is shown too: {seen:#?}"
    );
    let logged_lines = seen.iter().filter(|l| l.contains(token)).count();
    assert_eq!(logged_lines, 1, "printed once, and never in a log line");
    let stored: bool =
        sqlx::query_scalar("select exists (select 1 from setup_tokens where token_hash = $1)")
            .bind(&server::auth::secret_hash(token)[..])
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(stored, "the printed token is the stored one");
    let _ = ORIGIN;
}
