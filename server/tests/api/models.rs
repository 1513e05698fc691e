//! Models through the real router and a real database (issue 5): creation, reads with ETag,
//! operations against a base revision (stale, failing, concurrent), whole-model PUT with
//! If-Match, decisions and orphans, versions and hashes, diffs, history, trash and restore,
//! limits.

use crate::helpers::{self, create_user, json_request, send, sign_in, Browser, PASSWORD};
use axum::body::Body;
use axum::http::Request;
use serde_json::{json, Value};
use server::AppState;
use sqlx::PgPool;

fn state(pool: &PgPool) -> AppState {
    helpers::state(pool.clone(), std::env::temp_dir().as_path())
}

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    body: Value,
    browser: &Browser,
    if_match: Option<&str>,
) -> (u16, Value, Option<String>) {
    let mut request = if method == "GET" {
        Request::get(uri)
            .header("cookie", &browser.cookie)
            .body(Body::empty())
            .unwrap()
    } else {
        json_request(method, uri, body, Some(browser))
    };
    if let Some(value) = if_match {
        request
            .headers_mut()
            .insert("if-match", value.parse().unwrap());
    }
    let response = send(state.clone(), request).await;
    let status = response.status().as_u16();
    let etag = helpers::header(&response, "etag").map(str::to_owned);
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        etag,
    )
}

struct Setup {
    state: AppState,
    editor: Browser,
    team: String,
    model: String,
}

/// An editor of a team with one model: the reference architecture at revision 1.
async fn setup(pool: &PgPool) -> Setup {
    let state = state(pool);
    create_user(pool, "editor@example.com", PASSWORD, false).await;
    let editor = sign_in(state.clone(), "editor@example.com", PASSWORD).await;
    let (_, team, _) = call(
        &state,
        "POST",
        "/api/v1/teams",
        json!({ "name": "Platform" }),
        &editor,
        None,
    )
    .await;
    let team = team["id"].as_str().unwrap().to_owned();
    let reference: Value = serde_json::from_str(analysis::reference_model_json()).unwrap();
    let (status, model, etag) = call(
        &state,
        "POST",
        "/api/v1/models",
        json!({ "team_id": team, "name": "Shop", "model": reference }),
        &editor,
        None,
    )
    .await;
    assert_eq!(status, 201, "{model}");
    assert_eq!(model["revision"], 1);
    assert_eq!(etag.as_deref(), Some("\"1\""));
    let model = model["id"].as_str().unwrap().to_owned();
    Setup {
        state,
        editor,
        team,
        model,
    }
}

fn add_element(id: &str) -> Value {
    json!({ "op": "add_element", "element": { "id": id, "name": id, "kind": { "type": "user" } } })
}

async fn get_model(s: &Setup) -> (Value, String) {
    let (status, model, etag) = call(
        &s.state,
        "GET",
        &format!("/api/v1/models/{}", s.model),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 200);
    (model, etag.unwrap())
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn operations_apply_against_the_current_revision_and_a_stale_base_changes_nothing(
    pool: PgPool,
) {
    let s = setup(&pool).await;
    let ops = format!("/api/v1/models/{}/operations", s.model);
    let (status, revised, _) = call(
        &s.state,
        "POST",
        &ops,
        json!({ "base_revision": 1, "operations": [add_element("visitor")] }),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(
        (status, revised["revision"].as_i64()),
        (200, Some(2)),
        "{revised}"
    );
    assert_eq!(revised["summary"], "added element visitor");

    let (before, _) = get_model(&s).await;
    let (status, refused, _) = call(
        &s.state,
        "POST",
        &ops,
        json!({ "base_revision": 1, "operations": [add_element("other")] }),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(refused["error"]["code"], "stale_revision");
    assert_eq!(refused["error"]["details"]["current_revision"], 2);
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("revision 2"));
    let (after, etag) = get_model(&s).await;
    assert_eq!(before, after, "a stale batch changes nothing");
    assert_eq!(etag, "\"2\"");
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn a_batch_that_fails_midway_leaves_nothing_half_written(pool: PgPool) {
    let s = setup(&pool).await;
    let ops = format!("/api/v1/models/{}/operations", s.model);
    let batch = json!({ "base_revision": 1, "operations": [
        add_element("visitor"),
        { "op": "delete_flow", "id": "no-such-flow" },
    ]});
    let (status, refused, _) = call(&s.state, "POST", &ops, batch, &s.editor, None).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["details"]["index"], 1);
    let (model, etag) = get_model(&s).await;
    assert_eq!(etag, "\"1\"");
    assert!(!model["model"]["elements"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["id"] == "visitor"));
    let changes: i64 = sqlx::query_scalar("select count(*) from model_changes")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(changes, 1, "only the creation");
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn fifty_concurrent_writers_each_land_exactly_once_or_are_told_to_retry(pool: PgPool) {
    let s = setup(&pool).await;
    let ops = format!("/api/v1/models/{}/operations", s.model);
    let mut writers = Vec::new();
    for i in 0..50 {
        let state = s.state.clone();
        let editor = s.editor.clone();
        let ops = ops.clone();
        writers.push(tokio::spawn(async move {
            // Each writer reads, then retries on 409 with the revision it is told.
            let mut base = 1;
            loop {
                let body =
                    json!({ "base_revision": base, "operations": [add_element(&format!("w{i}"))] });
                let (status, answer, _) = call(&state, "POST", &ops, body, &editor, None).await;
                match status {
                    200 => return answer["revision"].as_i64().unwrap(),
                    409 => {
                        base = answer["error"]["details"]["current_revision"]
                            .as_i64()
                            .unwrap()
                    }
                    other => panic!("writer {i}: {other} {answer}"),
                }
            }
        }));
    }
    let mut revisions = Vec::new();
    for writer in writers {
        revisions.push(writer.await.unwrap());
    }
    revisions.sort();
    assert_eq!(
        revisions,
        (2..=51).collect::<Vec<i64>>(),
        "each accepted once, in sequence"
    );
    let (model, etag) = get_model(&s).await;
    assert_eq!(etag, "\"51\"");
    let elements = model["model"]["elements"].as_array().unwrap();
    for i in 0..50 {
        let id = format!("w{i}");
        assert_eq!(
            elements.iter().filter(|e| e["id"] == id.as_str()).count(),
            1,
            "{id}"
        );
    }
    let changes: i64 = sqlx::query_scalar("select count(*) from model_changes")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(changes, 51);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn a_whole_model_put_needs_the_current_revision_in_if_match(pool: PgPool) {
    let s = setup(&pool).await;
    let uri = format!("/api/v1/models/{}", s.model);
    let (model, _) = get_model(&s).await;
    let mut document = model["model"].clone();
    document["description"] = json!("models as code");
    let body = json!({ "model": document });
    let (status, _, _) = call(&s.state, "PUT", &uri, body.clone(), &s.editor, None).await;
    assert_eq!(status, 428);
    let (status, stale, _) = call(
        &s.state,
        "PUT",
        &uri,
        body.clone(),
        &s.editor,
        Some("\"7\""),
    )
    .await;
    assert_eq!(
        (
            status,
            stale["error"]["details"]["current_revision"].as_i64()
        ),
        (412, Some(1))
    );
    let (status, revised, etag) = call(
        &s.state,
        "PUT",
        &uri,
        body.clone(),
        &s.editor,
        Some("\"1\""),
    )
    .await;
    assert_eq!(
        (status, revised["revision"].as_i64()),
        (200, Some(2)),
        "{revised}"
    );
    assert_eq!(etag.as_deref(), Some("\"2\""));
    let (model, _) = get_model(&s).await;
    assert_eq!(model["model"]["description"], "models as code");
    let (status, _, _) = call(&s.state, "PUT", &uri, body, &s.editor, Some("\"1\"")).await;
    assert_eq!(status, 412, "the same If-Match again is now stale");
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn decisions_survive_reanalysis_and_orphans_are_listed(pool: PgPool) {
    let s = setup(&pool).await;
    let (_, threats, _) = call(
        &s.state,
        "GET",
        &format!("/api/v1/models/{}/threats", s.model),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    let findings = threats["report"]["findings"].as_array().unwrap();
    // The reference model's one threat is user-written; deleting it orphans its decision.
    let finding = findings
        .iter()
        .find(|f| f["rule"] == "user")
        .expect("the reference model has a threat");
    let key = finding["key"].as_str().unwrap().to_owned();
    let threat = key.trim_start_matches("user:").to_owned();
    let decision_uri = format!("/api/v1/models/{}/decisions/{key}", s.model);
    // The reference file carries a decision on it already, imported at creation.
    let (_, existing, _) = call(
        &s.state,
        "GET",
        &format!("/api/v1/models/{}/decisions", s.model),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    let seen = existing
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["threat_key"] == key.as_str())
        .map_or(0, |d| d["revision"].as_i64().unwrap());
    let accept = json!({ "base_revision": seen, "decision": { "status": "accepted", "justification": "compensating control" } });
    let (status, decided, _) = call(
        &s.state,
        "PUT",
        &decision_uri,
        accept.clone(),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["revision"], seen + 1);
    assert_eq!(decided["orphaned"], false);
    // Concurrency of decisions is their own: a stale base is refused.
    let (status, _, _) = call(
        &s.state,
        "PUT",
        &decision_uri,
        json!({ "base_revision": seen, "decision": { "status": "mitigated" } }),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 409);
    let (status, _, _) = call(
        &s.state,
        "PUT",
        &decision_uri,
        json!({ "decision": { "status": "accepted" } }),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 422, "accepted needs a justification");

    // An unrelated edit and re-analysis: the decision still applies; the model's revision
    // did not move for the decision.
    let ops = format!("/api/v1/models/{}/operations", s.model);
    let (status, _, _) = call(
        &s.state,
        "POST",
        &ops,
        json!({ "base_revision": 1, "operations": [add_element("visitor")] }),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (_, threats, _) = call(
        &s.state,
        "GET",
        &format!("/api/v1/models/{}/threats", s.model),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    let same = threats["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key.as_str())
        .unwrap();
    assert_eq!(same["status"], "accepted");

    // The threat goes away with its flow: the decision is kept, and shown as orphaned.
    let (status, answer, _) = call(
        &s.state,
        "POST",
        &ops,
        json!({ "base_revision": 2, "operations": [{ "op": "delete_threat", "id": threat }] }),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let (_, threats, _) = call(
        &s.state,
        "GET",
        &format!("/api/v1/models/{}/threats", s.model),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    assert!(threats["orphaned_decisions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k == key.as_str()));
    let (_, decisions, _) = call(
        &s.state,
        "GET",
        &format!("/api/v1/models/{}/decisions", s.model),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    let kept = decisions
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["threat_key"] == key.as_str())
        .unwrap();
    assert_eq!(kept["orphaned"], true);
    assert_eq!(kept["decision"]["status"], "accepted");
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn versions_are_immutable_hashed_and_diffable(pool: PgPool) {
    let s = setup(&pool).await;
    let versions = format!("/api/v1/models/{}/versions", s.model);
    let (status, first, _) = call(
        &s.state,
        "POST",
        &versions,
        json!({ "name": "v1" }),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 201, "{first}");
    // The hash is the engine's canonical hash of the model as stored: the same on every
    // run and machine (analysis pins the reference model's hash in its own tests).
    let (model, _) = get_model(&s).await;
    let stored: analysis::ThreatModel = serde_json::from_value(model["model"].clone()).unwrap();
    assert_eq!(
        first["content_hash"],
        analysis::canonical::content_hash(&stored)
    );
    let (status, _, _) = call(
        &s.state,
        "POST",
        &versions,
        json!({ "name": "v1" }),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 409, "names are unique per model");

    let ops = format!("/api/v1/models/{}/operations", s.model);
    call(
        &s.state,
        "POST",
        &ops,
        json!({ "base_revision": 1, "operations": [add_element("visitor")] }),
        &s.editor,
        None,
    )
    .await;
    let (_, second, _) = call(
        &s.state,
        "POST",
        &versions,
        json!({ "name": "v2" }),
        &s.editor,
        None,
    )
    .await;
    assert_ne!(first["content_hash"], second["content_hash"]);

    let (status, one, _) = call(
        &s.state,
        "GET",
        &format!("{versions}/{}", first["id"].as_str().unwrap()),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(one["model_revision"], 1);
    assert!(one["model"]["elements"].is_array());

    let diff_uri =
        |from: &str, to: &str| format!("/api/v1/models/{}/diff?from={from}&to={to}", s.model);
    let (status, diff, _) = call(
        &s.state,
        "GET",
        &diff_uri(
            first["id"].as_str().unwrap(),
            second["id"].as_str().unwrap(),
        ),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 200, "{diff}");
    assert_eq!(diff["elements"]["added"], json!(["visitor"]));
    assert_eq!(diff["elements"]["removed"], json!([]));
    let (_, same, _) = call(
        &s.state,
        "GET",
        &diff_uri(second["id"].as_str().unwrap(), "draft"),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(same["elements"]["added"], json!([]));
    let (status, _, _) = call(
        &s.state,
        "GET",
        &diff_uri("nonsense", "draft"),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 422);

    // Immutable, even to SQL.
    let refused = sqlx::query("update model_versions set name = 'changed'")
        .execute(&pool)
        .await;
    assert!(refused.is_err());
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn history_lists_every_change_and_audit_has_summaries(pool: PgPool) {
    let s = setup(&pool).await;
    let ops = format!("/api/v1/models/{}/operations", s.model);
    call(
        &s.state,
        "POST",
        &ops,
        json!({ "base_revision": 1, "operations": [add_element("visitor")] }),
        &s.editor,
        None,
    )
    .await;
    let (status, history, _) = call(
        &s.state,
        "GET",
        &format!("/api/v1/models/{}/history", s.model),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let changes = history["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["revision"], 2);
    assert_eq!(changes[0]["kind"], "operations");
    assert_eq!(changes[0]["payload"][0]["op"], "add_element");
    assert_eq!(changes[0]["actor_name"], "Test Person");
    assert_eq!(changes[1]["kind"], "create");
    let audited: Vec<String> = sqlx::query_scalar(
        "select details->>'summary' from audit_log where action like 'model.%' order by audit_log_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audited.len(), 2);
    assert_eq!(audited[1], "added element visitor");
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn trash_and_restore_and_other_teams_see_nothing(pool: PgPool) {
    let s = setup(&pool).await;
    create_user(&pool, "stranger@example.com", PASSWORD, false).await;
    let stranger = sign_in(s.state.clone(), "stranger@example.com", PASSWORD).await;
    let uri = format!("/api/v1/models/{}", s.model);
    let (status, body, _) = call(&s.state, "GET", &uri, json!(null), &stranger, None).await;
    assert_eq!(
        (status, body["error"]["message"].as_str()),
        (404, Some("no such model"))
    );
    let (_, list, _) = call(
        &s.state,
        "GET",
        "/api/v1/models",
        json!(null),
        &stranger,
        None,
    )
    .await;
    assert_eq!(list["total"], 0);

    // The team's creator is its owner, and owners may delete and restore.
    let (status, _, _) = call(&s.state, "DELETE", &uri, json!(null), &s.editor, None).await;
    assert_eq!(status, 204);
    assert_eq!(
        call(&s.state, "GET", &uri, json!(null), &s.editor, None)
            .await
            .0,
        404
    );
    let (_, live, _) = call(
        &s.state,
        "GET",
        &format!("/api/v1/models?team_id={}", s.team),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(live["total"], 0);
    let (_, trash, _) = call(
        &s.state,
        "GET",
        &format!("/api/v1/models?team_id={}&trash=true", s.team),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(trash["total"], 1);
    let (status, restored, _) = call(
        &s.state,
        "POST",
        &format!("{uri}/restore"),
        json!({}),
        &s.editor,
        None,
    )
    .await;
    assert_eq!((status, restored["revision"].as_i64()), (200, Some(1)));
    assert_eq!(
        call(&s.state, "GET", &uri, json!(null), &s.editor, None)
            .await
            .0,
        200
    );

    // After 30 days in the trash, restoring is no longer possible.
    call(&s.state, "DELETE", &uri, json!(null), &s.editor, None).await;
    sqlx::query("update models set deleted_at = now() - interval '31 days'")
        .execute(&pool)
        .await
        .unwrap();
    let (status, _, _) = call(
        &s.state,
        "POST",
        &format!("{uri}/restore"),
        json!({}),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 410);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn limits_refuse_large_bodies_and_models(pool: PgPool) {
    let mut s = setup(&pool).await;
    s.state.limits.max_elements = 3;
    let (status, body, _) = call(&s.state, "POST", "/api/v1/models", json!({ "team_id": s.team, "name": "Big", "model": serde_json::from_str::<Value>(analysis::reference_model_json()).unwrap() }), &s.editor, None).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "model_too_large");
    assert_eq!(body["error"]["details"]["limit"], 3);

    s.state.max_body_bytes = 2048;
    let padding = "x".repeat(4096);
    let (status, body, _) = call(
        &s.state,
        "POST",
        "/api/v1/models",
        json!({ "team_id": s.team, "name": padding }),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn an_api_token_automates_models(pool: PgPool) {
    let s = setup(&pool).await;
    let (_, token, _) = call(
        &s.state,
        "POST",
        "/api/v1/tokens",
        json!({ "name": "ci", "expires_in_days": 1 }),
        &s.editor,
        None,
    )
    .await;
    let token = token["token"].as_str().unwrap();
    let request = Request::builder()
        .method("POST")
        .uri(format!("/api/v1/models/{}/operations", s.model))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(
            json!({ "base_revision": 1, "operations": [add_element("bot")] }).to_string(),
        ))
        .unwrap();
    assert_eq!(send(s.state.clone(), request).await.status(), 200);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn the_list_says_who_changed_a_model_last_and_counts_its_open_threats(pool: PgPool) {
    let s = setup(&pool).await;
    let list_uri = format!("/api/v1/models?team_id={}", s.team);
    let (status, list, _) = call(&s.state, "GET", &list_uri, json!(null), &s.editor, None).await;
    assert_eq!(status, 200, "{list}");
    let summary = &list["models"][0];
    assert_eq!(summary["updated_by"], "Test Person");
    // The counts are the engine's, on the stored model with its decisions.
    let (model, _) = get_model(&s).await;
    let full: analysis::ThreatModel = serde_json::from_value(model["model"].clone()).unwrap();
    let [low, medium, high, critical] =
        analysis::analyze(&full, &analysis::Options::default()).open_by_severity();
    assert_eq!(
        summary["open_by_severity"],
        json!({ "low": low, "medium": medium, "high": high, "critical": critical })
    );
    assert!(
        low + medium + high + critical > 0,
        "the reference has open threats"
    );

    // A decision closes a threat: the counts follow, though the revision does not move.
    let (_, threats, _) = call(
        &s.state,
        "GET",
        &format!("/api/v1/models/{}/threats", s.model),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    let open = threats["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["status"] == "open")
        .expect("an open threat");
    let key = open["key"].as_str().unwrap();
    let severity = open["severity"].as_str().unwrap();
    let before = summary["open_by_severity"][severity].as_u64().unwrap();
    let (status, _, _) = call(
        &s.state,
        "PUT",
        &format!("/api/v1/models/{}/decisions/{key}", s.model),
        json!({ "decision": { "status": "mitigated" } }),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (_, list, _) = call(&s.state, "GET", &list_uri, json!(null), &s.editor, None).await;
    assert_eq!(list["models"][0]["open_by_severity"][severity], before - 1);

    // Someone else's change (straight through `db`) makes them the one who changed it last.
    let other = create_user(&pool, "second@example.com", PASSWORD, false).await;
    sqlx::query("update users set name = 'Second Editor' where user_id = $1")
        .bind(other.id)
        .execute(&pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let model_id: uuid::Uuid = s.model.parse().unwrap();
    let stored = db::models::lock_model(&mut tx, model_id)
        .await
        .unwrap()
        .unwrap();
    let document = stored.document;
    db::models::commit_change(
        &mut tx,
        model_id,
        1,
        &document,
        stored.element_count,
        None,
        &db::models::Change {
            kind: "replace",
            payload: &document,
            summary: "the same again",
            actor: other.id,
        },
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    let (_, list, _) = call(&s.state, "GET", &list_uri, json!(null), &s.editor, None).await;
    assert_eq!(list["models"][0]["updated_by"], "Second Editor");
    assert_eq!(list["models"][0]["revision"], 2);

    // The trash lists the same fields.
    call(
        &s.state,
        "DELETE",
        &format!("/api/v1/models/{}", s.model),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    let (_, trash, _) = call(
        &s.state,
        "GET",
        &format!("{list_uri}&trash=true"),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(trash["models"][0]["updated_by"], "Second Editor");
    assert!(trash["models"][0]["deleted_at"].is_string());
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn a_model_can_start_from_the_reference_template(pool: PgPool) {
    let s = setup(&pool).await;
    let (status, created, etag) = call(
        &s.state,
        "POST",
        "/api/v1/models",
        json!({ "team_id": s.team, "name": "From the template", "template": "reference" }),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(etag.as_deref(), Some("\"1\""));
    assert_eq!(created["name"], "From the template");
    let reference = analysis::reference_model();
    assert_eq!(
        created["model"]["elements"].as_array().unwrap().len(),
        reference.elements.len()
    );
    assert_eq!(
        created["model"]["flows"].as_array().unwrap().len(),
        reference.flows.len()
    );
    // The reference has no diagram geometry; the template is laid out for the editor.
    assert!(
        created["model"]["elements"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["geometry"].is_object()),
        "{created}"
    );
    // The template's decisions come along as the model's decisions.
    let (_, decisions, _) = call(
        &s.state,
        "GET",
        &format!(
            "/api/v1/models/{}/decisions",
            created["id"].as_str().unwrap()
        ),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(
        decisions.as_array().unwrap().len(),
        reference.decisions.len()
    );

    for body in [
        json!({ "team_id": s.team, "name": "Both", "template": "reference", "model": { "name": "x" } }),
        json!({ "team_id": s.team, "name": "Unknown", "template": "mainframe" }),
    ] {
        let (status, error, _) =
            call(&s.state, "POST", "/api/v1/models", body, &s.editor, None).await;
        assert_eq!(status, 422, "{error}");
        assert_eq!(error["error"]["details"]["field"], "template", "{error}");
    }
    let (_, list, _) = call(
        &s.state,
        "GET",
        &format!("/api/v1/models?team_id={}", s.team),
        json!(null),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(
        list["total"], 2,
        "nothing was stored for the refused requests"
    );

    let document = server::api::openapi();
    let new_model = &document["components"]["schemas"]["NewModel"]["properties"];
    assert!(new_model["template"].is_object(), "{new_model}");
    assert_eq!(
        document["components"]["schemas"]["Template"]["enum"],
        json!(["reference"])
    );
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn versions_are_listed_with_their_creators_names(pool: PgPool) {
    let s = setup(&pool).await;
    let versions = format!("/api/v1/models/{}/versions", s.model);
    let (status, created, _) = call(
        &s.state,
        "POST",
        &versions,
        json!({ "name": "v1" }),
        &s.editor,
        None,
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(created["created_by_name"], "Test Person");
    let (_, list, _) = call(&s.state, "GET", &versions, json!(null), &s.editor, None).await;
    assert_eq!(list[0]["created_by_name"], "Test Person");
    assert!(list[0].get("model").is_none(), "lists carry no snapshots");
}

#[test]
fn the_openapi_document_describes_operations_and_models() {
    let document = server::api::openapi();
    let schemas = &document["components"]["schemas"];
    assert!(
        schemas["Operation"].is_object(),
        "the operation schema is there"
    );
    assert!(schemas["ThreatModel"].is_object());
    assert_eq!(
        schemas["OperationBatch"]["properties"]["operations"]["items"]["$ref"],
        "#/components/schemas/Operation"
    );
    let text = serde_json::to_string(document).unwrap();
    for reference in text.split("\"$ref\":\"").skip(1) {
        let target = reference.split('"').next().unwrap();
        let name = target.trim_start_matches("#/components/schemas/");
        assert!(schemas[name].is_object(), "dangling reference {target}");
    }
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn a_model_says_what_its_reader_may_do_with_it(pool: PgPool) {
    let s = setup(&pool).await;
    let (model, _) = get_model(&s).await;
    assert_eq!(model["access"], json!({ "edit": true, "decide": true }));

    let viewer = create_user(&pool, "viewer@example.com", PASSWORD, false).await;
    sqlx::query("insert into team_members (team_id, user_id, role) values ($1, $2, 'viewer')")
        .bind(uuid::Uuid::parse_str(&s.team).unwrap())
        .bind(viewer.id)
        .execute(&pool)
        .await
        .unwrap();
    let viewer = sign_in(s.state.clone(), "viewer@example.com", PASSWORD).await;
    let (status, model, _) = call(
        &s.state,
        "GET",
        &format!("/api/v1/models/{}", s.model),
        json!(null),
        &viewer,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(model["access"], json!({ "edit": false, "decide": false }));
}
