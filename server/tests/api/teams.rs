//! Teams, invitations, API tokens, the sign-in throttle, password change and reset, session
//! listing and administration, through the real router (issue 4).

use crate::helpers::{
    self, body_json, create_user, json_request, pre_session, send, sign_in, Browser, PASSWORD,
};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use serde_json::{json, Value};
use server::AppState;
use sqlx::PgPool;
use std::net::SocketAddr;

fn state(pool: &PgPool) -> AppState {
    helpers::state(pool.clone(), std::env::temp_dir().as_path())
}

/// Sends a JSON request as `browser` (or anonymously) and returns the status and body.
async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    body: Value,
    browser: Option<&Browser>,
) -> (u16, Value) {
    let request = if method == "GET" {
        let mut request = Request::get(uri);
        if let Some(browser) = browser {
            request = request.header("cookie", &browser.cookie);
        }
        request.body(Body::empty()).unwrap()
    } else {
        json_request(method, uri, body, browser)
    };
    let response = send(state.clone(), request).await;
    let status = response.status().as_u16();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, value)
}

/// A request authenticated by an API token only: no cookie, no CSRF token, no Origin.
async fn with_token(state: &AppState, method: &str, uri: &str, token: &str, body: Value) -> u16 {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    send(state.clone(), request).await.status().as_u16()
}

async fn team_of(state: &AppState, owner: &Browser, name: &str) -> String {
    let (status, team) = call(
        state,
        "POST",
        "/api/v1/teams",
        json!({ "name": name }),
        Some(owner),
    )
    .await;
    assert_eq!(status, 201, "{team}");
    assert_eq!(team["role"], "owner");
    team["id"].as_str().unwrap().to_owned()
}

fn token_of(link: &str) -> &str {
    link.split_once("#token=").expect("a link with a token").1
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn an_invitation_brings_a_new_person_in_by_sign_up_with_the_invited_role(pool: PgPool) {
    let state = state(&pool);
    create_user(&pool, "owner@example.com", PASSWORD, false).await;
    let owner = sign_in(state.clone(), "owner@example.com", PASSWORD).await;
    let team = team_of(&state, &owner, "Platform").await;

    let (status, invitation) = call(
        &state,
        "POST",
        &format!("/api/v1/teams/{team}/members"),
        json!({ "email": "New.Person@example.com", "role": "editor" }),
        Some(&owner),
    )
    .await;
    assert_eq!(status, 201, "{invitation}");
    let link = invitation["link"].as_str().unwrap();
    assert!(
        link.starts_with("http://localhost:3000/invitations#token="),
        "{link}"
    );
    let token = token_of(link);

    // The link shows what it offers before any account exists.
    let (status, preview) = call(
        &state,
        "POST",
        "/api/v1/invitations/preview",
        json!({ "token": token }),
        Some(&pre_session(state.clone()).await),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(preview["team_name"], "Platform");
    assert_eq!(preview["role"], "editor");

    // Sign-up is by invitation only, for the invited address only.
    let newcomer = pre_session(state.clone()).await;
    let body = |email: &str, invitation: Option<&str>| json!({ "email": email, "name": "New Person", "password": PASSWORD, "invitation": invitation });
    let (status, refused) = call(
        &state,
        "POST",
        "/api/v1/auth/signup",
        body("new.person@example.com", None),
        Some(&newcomer),
    )
    .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (403, Some("signup_closed"))
    );
    let (status, refused) = call(
        &state,
        "POST",
        "/api/v1/auth/signup",
        body("someone.else@example.com", Some(token)),
        Some(&newcomer),
    )
    .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (403, Some("invitation_for_another_address"))
    );
    let (status, signed_up) = call(
        &state,
        "POST",
        "/api/v1/auth/signup",
        body("new.person@example.com", Some(token)),
        Some(&newcomer),
    )
    .await;
    assert_eq!(status, 201, "{signed_up}");
    assert_eq!(signed_up["user"]["is_admin"], false);

    let (_, members) = call(
        &state,
        "GET",
        &format!("/api/v1/teams/{team}/members"),
        json!(null),
        Some(&owner),
    )
    .await;
    let roles: Vec<(&str, &str)> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["email"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [
            ("owner@example.com", "owner"),
            ("new.person@example.com", "editor")
        ]
    );

    // Used once.
    let again = pre_session(state.clone()).await;
    let (status, _) = call(
        &state,
        "POST",
        "/api/v1/auth/signup",
        body("new.person@example.com", Some(token)),
        Some(&again),
    )
    .await;
    assert_eq!(status, 410);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn inviting_says_nothing_about_whether_an_account_exists(pool: PgPool) {
    let state = state(&pool);
    create_user(&pool, "owner@example.com", PASSWORD, false).await;
    create_user(&pool, "known@example.com", PASSWORD, false).await;
    let owner = sign_in(state.clone(), "owner@example.com", PASSWORD).await;
    let team = team_of(&state, &owner, "Platform").await;
    let invite = |email: &'static str| {
        let state = state.clone();
        let owner = owner.clone();
        let team = team.clone();
        async move {
            call(
                &state,
                "POST",
                &format!("/api/v1/teams/{team}/members"),
                json!({ "email": email, "role": "viewer" }),
                Some(&owner),
            )
            .await
        }
    };
    let (known_status, known) = invite("known@example.com").await;
    let (unknown_status, unknown) = invite("unknown@example.com").await;
    assert_eq!(known_status, unknown_status);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&known), keys(&unknown));

    // The existing account sees the invitation and accepts it from the list.
    let known_browser = sign_in(state.clone(), "known@example.com", PASSWORD).await;
    let (_, mine) = call(
        &state,
        "GET",
        "/api/v1/invitations",
        json!(null),
        Some(&known_browser),
    )
    .await;
    let mine = mine.as_array().unwrap();
    assert_eq!(mine.len(), 1);
    let id = mine[0]["id"].as_str().unwrap();
    let (status, accepted) = call(
        &state,
        "POST",
        &format!("/api/v1/invitations/{id}/accept"),
        json!({}),
        Some(&known_browser),
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["role"], "viewer");
    let (status, _) = call(
        &state,
        "GET",
        &format!("/api/v1/teams/{team}"),
        json!(null),
        Some(&known_browser),
    )
    .await;
    assert_eq!(status, 200);

    // Another account cannot use someone else's link.
    let link = unknown["link"].as_str().unwrap();
    let (status, body) = call(
        &state,
        "POST",
        "/api/v1/invitations/accept",
        json!({ "token": token_of(link) }),
        Some(&known_browser),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("invitation_for_another_address"))
    );
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn a_team_always_keeps_an_owner(pool: PgPool) {
    let state = state(&pool);
    create_user(&pool, "owner@example.com", PASSWORD, false).await;
    let second = create_user(&pool, "second@example.com", PASSWORD, false).await;
    let owner = sign_in(state.clone(), "owner@example.com", PASSWORD).await;
    let (_, me) = call(&state, "GET", "/api/v1/me", json!(null), Some(&owner)).await;
    let me = me["id"].as_str().unwrap().to_owned();
    let team = team_of(&state, &owner, "Platform").await;
    let member = |user: &str| format!("/api/v1/teams/{team}/members/{user}");

    let (status, body) = call(
        &state,
        "PATCH",
        &member(&me),
        json!({ "role": "editor" }),
        Some(&owner),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("last_owner"))
    );
    let (status, _) = call(&state, "DELETE", &member(&me), json!(null), Some(&owner)).await;
    assert_eq!(status, 409, "the last owner cannot leave either");

    sqlx::query(
        "insert into team_members (team_id, user_id, role) values ($1::uuid, $2, 'viewer')",
    )
    .bind(&team)
    .bind(second.id)
    .execute(&pool)
    .await
    .unwrap();
    let (status, changed) = call(
        &state,
        "PATCH",
        &member(&second.id.to_string()),
        json!({ "role": "owner" }),
        Some(&owner),
    )
    .await;
    assert_eq!((status, changed["role"].as_str()), (200, Some("owner")));
    let (status, demoted) = call(
        &state,
        "PATCH",
        &member(&me),
        json!({ "role": "viewer" }),
        Some(&owner),
    )
    .await;
    assert_eq!((status, demoted["role"].as_str()), (200, Some("viewer")));
    // Now a viewer: no longer allowed to manage members, but may leave.
    let (status, _) = call(
        &state,
        "PATCH",
        &member(&second.id.to_string()),
        json!({ "role": "viewer" }),
        Some(&owner),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(&state, "DELETE", &member(&me), json!(null), Some(&owner)).await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &state,
        "GET",
        &format!("/api/v1/teams/{team}"),
        json!(null),
        Some(&owner),
    )
    .await;
    assert_eq!(status, 404, "a former member sees the team as absent");

    let changes: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where details->>'team_id' = $1 order by audit_log_id",
    )
    .bind(&team)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        changes,
        [
            "team.create",
            "team.member.role",
            "team.member.role",
            "team.member.remove"
        ]
    );
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn api_tokens_are_shown_once_scoped_and_revocable(pool: PgPool) {
    let state = state(&pool);
    create_user(&pool, "ada@example.com", PASSWORD, false).await;
    let ada = sign_in(state.clone(), "ada@example.com", PASSWORD).await;
    let make = |read_only: bool| {
        let state = state.clone();
        let ada = ada.clone();
        async move {
            let (status, token) = call(
                &state,
                "POST",
                "/api/v1/tokens",
                json!({ "name": "ci", "expires_in_days": 30, "read_only": read_only }),
                Some(&ada),
            )
            .await;
            assert_eq!(status, 201, "{token}");
            token
        }
    };
    let reader = make(true).await;
    let writer = make(false).await;
    let reader_token = reader["token"].as_str().unwrap();
    let writer_token = writer["token"].as_str().unwrap();
    assert!(reader_token.starts_with("rpt_"));

    // Only the hash is stored, and the listing never shows the token.
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("select token_hash from api_tokens")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(stored.iter().all(|h| h.len() == 32));
    assert!(stored.contains(&server::auth::secret_hash(reader_token).to_vec()));
    let (_, listed) = call(&state, "GET", "/api/v1/tokens", json!(null), Some(&ada)).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(!listed.to_string().contains("rpt_"));

    // Scope: a read-only token reads; a full one writes (without CSRF: not a cookie).
    assert_eq!(
        with_token(&state, "GET", "/api/v1/me", reader_token, json!(null)).await,
        200
    );
    assert_eq!(
        with_token(&state, "GET", "/api/v1/teams", reader_token, json!(null)).await,
        200
    );
    assert_eq!(
        with_token(
            &state,
            "POST",
            "/api/v1/teams",
            reader_token,
            json!({ "name": "T" })
        )
        .await,
        403
    );
    assert_eq!(
        with_token(
            &state,
            "POST",
            "/api/v1/teams",
            writer_token,
            json!({ "name": "T" })
        )
        .await,
        201
    );
    // No token manages credentials.
    assert_eq!(
        with_token(&state, "GET", "/api/v1/tokens", writer_token, json!(null)).await,
        403
    );
    assert_eq!(
        with_token(
            &state,
            "POST",
            "/api/v1/tokens",
            writer_token,
            json!({ "name": "more", "expires_in_days": 1 })
        )
        .await,
        403
    );
    assert_eq!(
        with_token(&state, "GET", "/api/v1/me", "rpt_forged", json!(null)).await,
        401
    );

    let id = reader["id"].as_str().unwrap();
    let (status, _) = call(
        &state,
        "DELETE",
        &format!("/api/v1/tokens/{id}"),
        json!(null),
        Some(&ada),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        with_token(&state, "GET", "/api/v1/me", reader_token, json!(null)).await,
        401
    );
    let (status, _) = call(
        &state,
        "DELETE",
        &format!("/api/v1/tokens/{id}"),
        json!(null),
        Some(&ada),
    )
    .await;
    assert_eq!(status, 404);
}

/// A sign-in attempt from `peer`, with an optional `X-Forwarded-For`.
async fn attempt(
    state: &AppState,
    email: &str,
    password: &str,
    peer: &str,
    forwarded: Option<&str>,
) -> (u16, Option<String>) {
    let browser = pre_session(state.clone()).await;
    let mut request = json_request(
        "POST",
        "/api/v1/auth/signin",
        json!({ "email": email, "password": password }),
        Some(&browser),
    );
    request
        .extensions_mut()
        .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    if let Some(forwarded) = forwarded {
        request
            .headers_mut()
            .insert("x-forwarded-for", forwarded.parse().unwrap());
    }
    let response = send(state.clone(), request).await;
    let retry = helpers::header(&response, "retry-after").map(str::to_owned);
    (response.status().as_u16(), retry)
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn sign_in_is_throttled_per_account_with_retry_after(pool: PgPool) {
    let mut state = state(&pool);
    state.auth.throttle.per_account = 3;
    create_user(&pool, "ada@example.com", PASSWORD, false).await;
    for _ in 0..3 {
        let (status, _) = attempt(
            &state,
            "ada@example.com",
            "wrong password here",
            "192.0.2.1:5000",
            None,
        )
        .await;
        assert_eq!(status, 401);
    }
    // From another address, and with the right password: still 429 for this account.
    let (status, retry) =
        attempt(&state, "ADA@example.com", PASSWORD, "192.0.2.2:5000", None).await;
    assert_eq!(status, 429);
    let retry: u64 = retry.expect("Retry-After").parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    // Other accounts are untouched, and the wait ends: no permanent lock-out.
    create_user(&pool, "bob@example.com", PASSWORD, false).await;
    assert_eq!(
        attempt(&state, "bob@example.com", PASSWORD, "192.0.2.1:5000", None)
            .await
            .0,
        200
    );
    sqlx::query("update signin_failures set failed_at = now() - interval '16 minutes'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        attempt(&state, "ada@example.com", PASSWORD, "192.0.2.2:5000", None)
            .await
            .0,
        200
    );
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn a_forged_forwarded_for_from_an_untrusted_peer_does_not_escape_the_address_limit(
    pool: PgPool,
) {
    let mut state = state(&pool);
    state.auth.throttle.per_address = 3;
    for i in 0..3 {
        let forged = format!("198.51.100.{i}");
        let (status, _) = attempt(
            &state,
            &format!("user{i}@example.com"),
            "wrong password here",
            "203.0.113.5:4000",
            Some(&forged),
        )
        .await;
        assert_eq!(status, 401);
    }
    let (status, _) = attempt(
        &state,
        "user9@example.com",
        "wrong password here",
        "203.0.113.5:4000",
        Some("198.51.100.77"),
    )
    .await;
    assert_eq!(
        status, 429,
        "the socket's address is counted, not the header's"
    );
    let counted: Vec<String> =
        sqlx::query_scalar("select distinct host(client_addr) from signin_failures")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(counted, ["203.0.113.5"]);

    // Behind a trusted proxy, the forwarded client is the one counted.
    state.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
    let (status, _) = attempt(
        &state,
        "user8@example.com",
        "wrong password here",
        "10.0.0.2:4000",
        Some("203.0.113.99"),
    )
    .await;
    assert_eq!(status, 401);
    let last: String = sqlx::query_scalar(
        "select host(client_addr) from signin_failures order by signin_failure_id desc limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(last, "203.0.113.99");
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions(pool: PgPool) {
    let state = state(&pool);
    create_user(&pool, "ada@example.com", PASSWORD, false).await;
    let here = sign_in(state.clone(), "ada@example.com", PASSWORD).await;
    let elsewhere = sign_in(state.clone(), "ada@example.com", PASSWORD).await;

    let (_, sessions) = call(
        &state,
        "GET",
        "/api/v1/me/sessions",
        json!(null),
        Some(&here),
    )
    .await;
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    let cookie_id = here.cookie.split_once('=').unwrap().1;
    assert!(
        !sessions.iter().any(|s| s["id"] == cookie_id),
        "the session id never leaves the cookie"
    );

    let new_password = "quartz-meadow-signal-47";
    let (status, body) = call(
        &state,
        "POST",
        "/api/v1/auth/password",
        json!({ "current_password": "not the password", "new_password": new_password }),
        Some(&here),
    )
    .await;
    assert_eq!(
        (status, body["error"]["details"]["field"].as_str()),
        (422, Some("current_password"))
    );
    let (status, body) = call(
        &state,
        "POST",
        "/api/v1/auth/password",
        json!({ "current_password": PASSWORD, "new_password": "short" }),
        Some(&here),
    )
    .await;
    assert_eq!(
        (status, body["error"]["details"]["field"].as_str()),
        (422, Some("new_password"))
    );
    let (status, _) = call(
        &state,
        "POST",
        "/api/v1/auth/password",
        json!({ "current_password": PASSWORD, "new_password": new_password }),
        Some(&here),
    )
    .await;
    assert_eq!(status, 204);

    assert_eq!(
        call(&state, "GET", "/api/v1/me", json!(null), Some(&here))
            .await
            .0,
        200
    );
    assert_eq!(
        call(&state, "GET", "/api/v1/me", json!(null), Some(&elsewhere))
            .await
            .0,
        401
    );
    sign_in(state.clone(), "ada@example.com", new_password).await;
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn a_session_can_be_ended_from_the_list(pool: PgPool) {
    let state = state(&pool);
    create_user(&pool, "ada@example.com", PASSWORD, false).await;
    let here = sign_in(state.clone(), "ada@example.com", PASSWORD).await;
    let elsewhere = sign_in(state.clone(), "ada@example.com", PASSWORD).await;
    let (_, sessions) = call(
        &state,
        "GET",
        "/api/v1/me/sessions",
        json!(null),
        Some(&here),
    )
    .await;
    let other = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = call(
        &state,
        "DELETE",
        &format!("/api/v1/me/sessions/{other}"),
        json!(null),
        Some(&here),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        call(&state, "GET", "/api/v1/me", json!(null), Some(&elsewhere))
            .await
            .0,
        401
    );
    assert_eq!(
        call(&state, "GET", "/api/v1/me", json!(null), Some(&here))
            .await
            .0,
        200
    );
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn an_administrator_disables_an_account_and_makes_reset_links(pool: PgPool) {
    let state = state(&pool);
    let admin_user = create_user(&pool, "admin@example.com", PASSWORD, true).await;
    let ada_user = create_user(&pool, "ada@example.com", PASSWORD, false).await;
    let admin = sign_in(state.clone(), "admin@example.com", PASSWORD).await;
    let ada = sign_in(state.clone(), "ada@example.com", PASSWORD).await;

    let (status, body) = call(
        &state,
        "PATCH",
        &format!("/api/v1/users/{}", admin_user.id),
        json!({ "disabled": true }),
        Some(&admin),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("last_admin"))
    );

    let (status, changed) = call(
        &state,
        "PATCH",
        &format!("/api/v1/users/{}", ada_user.id),
        json!({ "disabled": true }),
        Some(&admin),
    )
    .await;
    assert_eq!((status, changed["disabled"].as_bool()), (200, Some(true)));
    assert_eq!(
        call(&state, "GET", "/api/v1/me", json!(null), Some(&ada))
            .await
            .0,
        401
    );
    let left: i64 = sqlx::query_scalar("select count(*) from user_sessions where user_id = $1")
        .bind(ada_user.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "the sessions are deleted, not only refused");
    call(
        &state,
        "PATCH",
        &format!("/api/v1/users/{}", ada_user.id),
        json!({ "disabled": false }),
        Some(&admin),
    )
    .await;

    let (status, reset) = call(
        &state,
        "POST",
        &format!("/api/v1/users/{}/password-reset", ada_user.id),
        json!({}),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 201, "{reset}");
    let token = token_of(reset["link"].as_str().unwrap()).to_owned();
    let ada = sign_in(state.clone(), "ada@example.com", PASSWORD).await;
    let anonymous = pre_session(state.clone()).await;
    let new_password = "quartz-meadow-signal-47";
    let (status, _) = call(
        &state,
        "POST",
        "/api/v1/auth/password-reset",
        json!({ "token": token, "new_password": new_password }),
        Some(&anonymous),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        call(&state, "GET", "/api/v1/me", json!(null), Some(&ada))
            .await
            .0,
        401,
        "every session ends"
    );
    let (status, _) = call(
        &state,
        "POST",
        "/api/v1/auth/password-reset",
        json!({ "token": token, "new_password": "another-quartz-meadow-48" }),
        Some(&anonymous),
    )
    .await;
    assert_eq!(status, 410, "used once");
    sign_in(state.clone(), "ada@example.com", new_password).await;
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn owners_read_their_teams_audit_events_and_only_those(pool: PgPool) {
    let state = state(&pool);
    create_user(&pool, "owner@example.com", PASSWORD, false).await;
    create_user(&pool, "other@example.com", PASSWORD, false).await;
    let owner = sign_in(state.clone(), "owner@example.com", PASSWORD).await;
    let other = sign_in(state.clone(), "other@example.com", PASSWORD).await;
    let team = team_of(&state, &owner, "Platform").await;
    team_of(&state, &other, "Elsewhere").await;

    let (status, page) = call(
        &state,
        "GET",
        &format!("/api/v1/audit?team={team}"),
        json!(null),
        Some(&owner),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["action"], "team.create");
    assert_eq!(events[0]["actor_name"], "Test Person");
    assert_eq!(
        call(&state, "GET", "/api/v1/audit", json!(null), Some(&owner))
            .await
            .0,
        403
    );
    assert_eq!(
        call(
            &state,
            "GET",
            &format!("/api/v1/audit?team={team}"),
            json!(null),
            Some(&other)
        )
        .await
        .0,
        404
    );
    let (status, body) = call(
        &state,
        "GET",
        &format!("/api/v1/audit?team={team}&from=yesterday"),
        json!(null),
        Some(&owner),
    )
    .await;
    assert_eq!(
        (status, body["error"]["details"]["field"].as_str()),
        (422, Some("from"))
    );
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn open_sign_up_needs_no_invitation(pool: PgPool) {
    let mut state = state(&pool);
    let browser = pre_session(state.clone()).await;
    let body = json!({ "email": "ada@example.com", "name": "Ada", "password": PASSWORD });
    assert_eq!(
        call(
            &state,
            "POST",
            "/api/v1/auth/signup",
            body.clone(),
            Some(&browser)
        )
        .await
        .0,
        403
    );
    state.auth.open_signup = true;
    let (_, options) = call(&state, "GET", "/api/v1/auth/options", json!(null), None).await;
    assert_eq!(options["signup"], "open");
    let (status, signed_up) = call(
        &state,
        "POST",
        "/api/v1/auth/signup",
        body.clone(),
        Some(&browser),
    )
    .await;
    assert_eq!(status, 201, "{signed_up}");
    let (status, taken) = call(
        &state,
        "POST",
        "/api/v1/auth/signup",
        body,
        Some(&pre_session(state.clone()).await),
    )
    .await;
    assert_eq!(
        (status, taken["error"]["code"].as_str()),
        (409, Some("email_taken"))
    );
    let _ = body_json;
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn a_weaker_stored_hash_is_upgraded_at_sign_in(pool: PgPool) {
    let state = state(&pool);
    let user = create_user(&pool, "ada@example.com", PASSWORD, false).await;
    // This very password, hashed with far weaker parameters than today's.
    let weak = {
        use argon2::password_hash::{PasswordHasher, SaltString};
        argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(8, 1, 1, None).unwrap(),
        )
        .hash_password(
            PASSWORD.as_bytes(),
            &SaltString::from_b64("c2FsdHNhbHRzYWx0").unwrap(),
        )
        .unwrap()
        .to_string()
    };
    db::users::set_password_hash(&pool, user.id, &weak)
        .await
        .unwrap();
    sign_in(state.clone(), "ada@example.com", PASSWORD).await;
    let stored: String = sqlx::query_scalar("select password_hash from users where user_id = $1")
        .bind(user.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
}
