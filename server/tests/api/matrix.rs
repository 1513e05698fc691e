//! The authorisation matrix (issue 4): every route of the API × every kind of caller, with
//! the status each one gets. The route list comes from the OpenAPI document the router is
//! built from, so a new route without a row here fails `every_route_has_a_row`.
//!
//! Requests are chosen so that a caller who is allowed through reaches a check that changes
//! nothing (an empty name, an unknown id, the last owner), which keeps every row independent
//! of the others: an allowed caller gets 200/422/404/409/410, a refused one 401/403/404.

use crate::helpers::{self, create_user, json_request, send, sign_in, Browser, PASSWORD};
use axum::body::Body;
use axum::http::Request;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::collections::BTreeSet;

/// The callers, in the order of the table's columns.
#[derive(Debug, Clone, Copy)]
enum Caller {
    Anonymous,
    Viewer,
    Reviewer,
    Editor,
    Owner,
    /// A member (owner, even) of another team only.
    Outsider,
    /// An administrator who is not a member of the team.
    Admin,
}

const CALLERS: [Caller; 7] = [
    Caller::Anonymous,
    Caller::Viewer,
    Caller::Reviewer,
    Caller::Editor,
    Caller::Owner,
    Caller::Outsider,
    Caller::Admin,
];

/// One row: the route as the OpenAPI document names it, the URI to call (placeholders
/// `{team}`, `{owner}`, `{admin}`, `{unknown}` are filled in), a body, and the statuses.
struct Row {
    method: &'static str,
    route: &'static str,
    uri: &'static str,
    body: Option<&'static str>,
    /// anonymous, viewer, reviewer, editor, owner, outsider, admin
    expect: [u16; 7],
}

const fn row(
    method: &'static str,
    route: &'static str,
    uri: &'static str,
    body: Option<&'static str>,
    expect: [u16; 7],
) -> Row {
    Row {
        method,
        route,
        uri,
        body,
        expect,
    }
}

const PW: &str = "violet-harbour-lantern-91";

#[rustfmt::skip]
const TABLE: &[Row] = &[
    //                                                                                               anon view revw edit ownr outs admn
    row("GET",    "/openapi.json",                      "/openapi.json",                      None, [200, 200, 200, 200, 200, 200, 200]),
    row("GET",    "/auth/csrf",                         "/auth/csrf",                         None, [200, 200, 200, 200, 200, 200, 200]),
    row("GET",    "/auth/options",                      "/auth/options",                      None, [200, 200, 200, 200, 200, 200, 200]),
    row("POST",   "/auth/setup",                        "/auth/setup",                        Some(r#"{"token":"unknown","email":"new@example.com","name":"New","password":"violet-harbour-lantern-91"}"#),
                                                                                                    [410, 410, 410, 410, 410, 410, 410]),
    row("POST",   "/auth/signin",                       "/auth/signin",                       Some(r#"{"email":"nobody@example.com","password":"wrong wrong wrong"}"#),
                                                                                                    [401, 401, 401, 401, 401, 401, 401]),
    row("POST",   "/auth/signup",                       "/auth/signup",                       Some(r#"{"email":"new@example.com","name":"New","password":"violet-harbour-lantern-91","invitation":"unknown"}"#),
                                                                                                    [410, 410, 410, 410, 410, 410, 410]),
    row("POST",   "/auth/password",                     "/auth/password",                     Some(r#"{"current_password":"not it at all","new_password":"violet-harbour-lantern-92"}"#),
                                                                                                    [401, 422, 422, 422, 422, 422, 422]),
    row("POST",   "/auth/password-reset",               "/auth/password-reset",               Some(r#"{"token":"unknown","new_password":"violet-harbour-lantern-92"}"#),
                                                                                                    [410, 410, 410, 410, 410, 410, 410]),
    row("GET",    "/me",                                "/me",                                None, [401, 200, 200, 200, 200, 200, 200]),
    row("GET",    "/me/sessions",                       "/me/sessions",                       None, [401, 200, 200, 200, 200, 200, 200]),
    row("DELETE", "/me/sessions/{id}",                  "/me/sessions/unknown",               None, [401, 404, 404, 404, 404, 404, 404]),
    row("GET",    "/tokens",                            "/tokens",                            None, [401, 200, 200, 200, 200, 200, 200]),
    row("POST",   "/tokens",                            "/tokens",                            Some(r#"{"name":"","expires_in_days":1}"#),
                                                                                                    [401, 422, 422, 422, 422, 422, 422]),
    row("DELETE", "/tokens/{id}",                       "/tokens/{unknown}",                  None, [401, 404, 404, 404, 404, 404, 404]),
    row("GET",    "/teams",                             "/teams",                             None, [401, 200, 200, 200, 200, 200, 200]),
    row("POST",   "/teams",                             "/teams",                             Some(r#"{"name":""}"#),
                                                                                                    [401, 422, 422, 422, 422, 422, 422]),
    row("GET",    "/teams/{id}",                        "/teams/{team}",                      None, [401, 200, 200, 200, 200, 404, 200]),
    row("PATCH",  "/teams/{id}",                        "/teams/{team}",                      Some(r#"{"name":""}"#),
                                                                                                    [401, 403, 403, 403, 422, 404, 422]),
    row("GET",    "/teams/{id}/members",                "/teams/{team}/members",              None, [401, 200, 200, 200, 200, 404, 200]),
    row("POST",   "/teams/{id}/members",                "/teams/{team}/members",              Some(r#"{"email":"not an address","role":"viewer"}"#),
                                                                                                    [401, 403, 403, 403, 422, 404, 422]),
    row("PATCH",  "/teams/{id}/members/{user_id}",      "/teams/{team}/members/{owner}",      Some(r#"{"role":"viewer"}"#),
                                                                                                    [401, 403, 403, 403, 409, 404, 409]),
    row("DELETE", "/teams/{id}/members/{user_id}",      "/teams/{team}/members/{owner}",      None, [401, 403, 403, 403, 409, 404, 409]),
    row("GET",    "/teams/{id}/invitations",            "/teams/{team}/invitations",          None, [401, 403, 403, 403, 200, 404, 200]),
    row("DELETE", "/teams/{id}/invitations/{invitation_id}", "/teams/{team}/invitations/{unknown}", None, [401, 403, 403, 403, 404, 404, 404]),
    row("GET",    "/invitations",                       "/invitations",                       None, [401, 200, 200, 200, 200, 200, 200]),
    row("POST",   "/invitations/preview",               "/invitations/preview",               Some(r#"{"token":"unknown"}"#),
                                                                                                    [410, 410, 410, 410, 410, 410, 410]),
    row("POST",   "/invitations/accept",                "/invitations/accept",                Some(r#"{"token":"unknown"}"#),
                                                                                                    [401, 410, 410, 410, 410, 410, 410]),
    row("POST",   "/invitations/{id}/accept",           "/invitations/{unknown}/accept",      None, [401, 410, 410, 410, 410, 410, 410]),
    row("POST",   "/invitations/{id}/decline",          "/invitations/{unknown}/decline",     None, [401, 410, 410, 410, 410, 410, 410]),
    row("GET",    "/audit",                             "/audit",                             None, [401, 403, 403, 403, 403, 403, 200]),
    row("GET",    "/audit",                             "/audit?team={team}",                 None, [401, 403, 403, 403, 200, 404, 200]),
    row("GET",    "/users",                             "/users",                             None, [401, 403, 403, 403, 403, 403, 200]),
    row("PATCH",  "/users/{id}",                        "/users/{admin}",                     Some(r#"{"disabled":false}"#),
                                                                                                    [401, 403, 403, 403, 403, 403, 200]),
    row("POST",   "/users/{id}/password-reset",         "/users/{unknown}/password-reset",    None, [401, 403, 403, 403, 403, 403, 404]),
    row("GET",    "/models",                            "/models",                            None, [401, 200, 200, 200, 200, 200, 200]),
    row("GET",    "/models",                            "/models?team_id={team}",             None, [401, 200, 200, 200, 200, 404, 200]),
    row("POST",   "/models",                            "/models",                            Some(r#"{"team_id":"{team}","name":""}"#),
                                                                                                    [401, 403, 403, 422, 422, 404, 422]),
    row("GET",    "/models/{id}",                       "/models/{model}",                    None, [401, 200, 200, 200, 200, 404, 200]),
    row("PUT",    "/models/{id}",                       "/models/{model}",                    Some(r#"{"model":{}}"#),
                                                                                                    [401, 403, 403, 428, 428, 404, 428]),
    row("POST",   "/models/{id}/operations",            "/models/{model}/operations",         Some(r#"{"base_revision":999,"operations":[{"op":"delete_flow","id":"none"}]}"#),
                                                                                                    [401, 403, 403, 409, 409, 404, 409]),
    row("GET",    "/models/{id}/threats",               "/models/{model}/threats",            None, [401, 200, 200, 200, 200, 404, 200]),
    row("GET",    "/models/{id}/decisions",             "/models/{model}/decisions",          None, [401, 200, 200, 200, 200, 404, 200]),
    row("PUT",    "/models/{id}/decisions/{threat_key}", "/models/{model}/decisions/some:key", Some(r#"{"decision":{"status":"accepted"}}"#),
                                                                                                    [401, 403, 403, 422, 422, 404, 422]),
    row("GET",    "/models/{id}/versions",              "/models/{model}/versions",           None, [401, 200, 200, 200, 200, 404, 200]),
    row("POST",   "/models/{id}/versions",              "/models/{model}/versions",           Some(r#"{"name":""}"#),
                                                                                                    [401, 403, 403, 422, 422, 404, 422]),
    row("GET",    "/models/{id}/versions/{version_id}", "/models/{model}/versions/{unknown}", None, [401, 404, 404, 404, 404, 404, 404]),
    row("GET",    "/models/{id}/diff",                  "/models/{model}/diff?from=draft&to=draft", None, [401, 200, 200, 200, 200, 404, 200]),
    row("GET",    "/models/{id}/history",               "/models/{model}/history",            None, [401, 200, 200, 200, 200, 404, 200]),
    row("POST",   "/models/import",                     "/models/import?team_id={team}&format=rampart", Some(r#"{"schema":"rampart/1","name":"Imported"}"#),
                                                                                                    [401, 403, 403, 201, 201, 404, 201]),
    row("GET",    "/models/{id}/export",                "/models/{model}/export?format=csv",  None, [401, 200, 200, 200, 200, 404, 200]),
    row("GET",    "/models/{id}/diagram",               "/models/{model}/diagram?format=svg", None, [401, 200, 200, 200, 200, 404, 200]),
    // These two change state, in this order: the owner trashes the model (the admin then
    // finds it gone), then the owner restores it (the admin then finds it not deleted).
    row("DELETE", "/models/{id}",                       "/models/{model}",                    None, [401, 403, 403, 403, 204, 404, 404]),
    row("POST",   "/models/{id}/restore",               "/models/{model}/restore",            None, [401, 403, 403, 403, 200, 404, 409]),
    // Last: it ends each caller's session.
    row("POST",   "/auth/signout",                      "/auth/signout",                      None, [204, 204, 204, 204, 204, 204, 204]),
];

/// The `(method, path)` pairs of the OpenAPI document.
fn documented_routes() -> BTreeSet<(String, String)> {
    let document = server::api::openapi();
    let mut routes = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

#[test]
fn every_route_has_a_row_and_every_row_a_route() {
    let documented = documented_routes();
    let tabled: BTreeSet<(String, String)> = TABLE
        .iter()
        .map(|r| (r.method.to_owned(), r.route.to_owned()))
        .collect();
    let missing: Vec<_> = documented.difference(&tabled).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorisation matrix: {missing:?}"
    );
    let stale: Vec<_> = tabled.difference(&documented).collect();
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );
    assert_eq!(PW, PASSWORD);
}

#[test]
fn the_ui_has_no_server_functions_outside_the_matrix() {
    // The UI calls the REST API above; a Leptos server function would be a second,
    // unlisted entry point. Add rows (and a check here) before adding one.
    let functions: Vec<_> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| format!("{method} {path}"))
        .collect();
    assert!(functions.is_empty(), "server functions: {functions:?}");
}

struct Fixture {
    team: String,
    model: String,
    owner: String,
    admin: String,
    browsers: Vec<Option<Browser>>,
}

async fn fixture(pool: &PgPool) -> Fixture {
    let state = helpers::state(pool.clone(), std::env::temp_dir().as_path());
    let admin = create_user(pool, "admin@example.com", PASSWORD, true).await;
    let owner = create_user(pool, "owner@example.com", PASSWORD, false).await;
    let outsider = create_user(pool, "outsider@example.com", PASSWORD, false).await;
    let mut conn = pool.acquire().await.unwrap();
    let team = db::teams::create_team(&mut conn, "Platform", owner.id)
        .await
        .unwrap();
    db::teams::create_team(&mut conn, "Elsewhere", outsider.id)
        .await
        .unwrap();
    for (email, role) in [
        ("viewer@example.com", "viewer"),
        ("reviewer@example.com", "reviewer"),
        ("editor@example.com", "editor"),
    ] {
        let user = create_user(pool, email, PASSWORD, false).await;
        sqlx::query("insert into team_members (team_id, user_id, role) values ($1, $2, $3)")
            .bind(team.id)
            .bind(user.id)
            .bind(role)
            .execute(pool)
            .await
            .unwrap();
    }
    let mut browsers = Vec::new();
    for caller in CALLERS {
        let email = match caller {
            Caller::Anonymous => None,
            Caller::Viewer => Some("viewer@example.com"),
            Caller::Reviewer => Some("reviewer@example.com"),
            Caller::Editor => Some("editor@example.com"),
            Caller::Owner => Some("owner@example.com"),
            Caller::Outsider => Some("outsider@example.com"),
            Caller::Admin => Some("admin@example.com"),
        };
        browsers.push(match email {
            None => Some(helpers::pre_session(state.clone()).await),
            Some(email) => Some(sign_in(state.clone(), email, PASSWORD).await),
        });
    }
    let model = create_model(pool, team.id, owner.id).await;
    Fixture {
        team: team.id.to_string(),
        model: model.to_string(),
        owner: owner.id.to_string(),
        admin: admin.id.to_string(),
        browsers,
    }
}

/// A model of the reference architecture in `team`.
pub async fn create_model(pool: &PgPool, team: uuid::Uuid, owner: uuid::Uuid) -> uuid::Uuid {
    let mut document = serde_json::to_value(analysis::reference_model()).unwrap();
    document.as_object_mut().unwrap().remove("decisions");
    let mut conn = pool.acquire().await.unwrap();
    db::models::create_model(
        &mut conn,
        team,
        "Reference",
        &document,
        1,
        &db::models::Change {
            kind: "create",
            payload: &document,
            summary: "created",
            actor: owner,
        },
    )
    .await
    .unwrap()
    .model_id
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn every_caller_gets_what_the_matrix_says(pool: PgPool) {
    let fixture = fixture(&pool).await;
    let state = helpers::state(pool.clone(), std::env::temp_dir().as_path());
    let mut wrong = Vec::new();
    for row in TABLE {
        let uri = format!(
            "/api/v1{}",
            row.uri
                .replace("{team}", &fixture.team)
                .replace("{model}", &fixture.model)
                .replace("{owner}", &fixture.owner)
                .replace("{admin}", &fixture.admin)
                .replace("{unknown}", "00000000-0000-4000-8000-000000000000")
        );
        for (column, caller) in CALLERS.iter().enumerate() {
            let browser = fixture.browsers[column].as_ref();
            let request = if row.method == "GET" {
                let mut request = Request::get(&uri);
                if let Some(browser) = browser {
                    request = request.header("cookie", &browser.cookie);
                }
                request.body(Body::empty()).unwrap()
            } else {
                let body: Value = row
                    .body
                    .map(|b| serde_json::from_str(&b.replace("{team}", &fixture.team)).unwrap())
                    .unwrap_or(json!({}));
                json_request(row.method, &uri, body, browser)
            };
            let status = send(state.clone(), request).await.status().as_u16();
            if status != row.expect[column] {
                wrong.push(format!(
                    "{} {} as {caller:?}: got {status}, the matrix says {}",
                    row.method, row.uri, row.expect[column]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
