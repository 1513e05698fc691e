//! Import and export through the real router (issue 6): the shared samples import as new
//! models, bad files are refused with nothing stored, and every export format comes back with
//! its content type, file name and content; the diagram comes back as SVG and PNG.

use crate::helpers::{self, create_user, json_request, send, sign_in, Browser, PASSWORD};
use axum::body::Body;
use axum::http::Request;
use serde_json::{json, Value};
use server::AppState;
use sqlx::PgPool;

const TD: &str =
    include_str!("../../../interop/tests/samples/OWASP__threat-dragon__v2-threat-model.json");
const OTM_TD: &str =
    include_str!("../../../interop/tests/samples/OWASP__threat-dragon__mobile-cloud.otm.json");
const OTM_IRIUS: &str =
    include_str!("../../../interop/tests/samples/iriusrisk__OpenThreatModel__EXAMPLE.json");

struct Setup {
    state: AppState,
    editor: Browser,
    team: String,
}

async fn setup(pool: &PgPool) -> Setup {
    let state = helpers::state(pool.clone(), std::env::temp_dir().as_path());
    create_user(pool, "editor@example.com", PASSWORD, false).await;
    let editor = sign_in(state.clone(), "editor@example.com", PASSWORD).await;
    let response = send(
        state.clone(),
        json_request(
            "POST",
            "/api/v1/teams",
            json!({ "name": "Platform" }),
            Some(&editor),
        ),
    )
    .await;
    let team = helpers::body_json(response).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Setup {
        state,
        editor,
        team,
    }
}

/// Posts `file` as it is to the import endpoint.
async fn import(s: &Setup, format: &str, file: impl Into<Body>) -> (u16, Value) {
    let request = Request::post(format!(
        "/api/v1/models/import?team_id={}&format={format}",
        s.team
    ))
    .header("content-type", "application/json")
    .header("origin", helpers::ORIGIN)
    .header("cookie", &s.editor.cookie)
    .header("x-csrf-token", &s.editor.csrf)
    .body(file.into())
    .unwrap();
    let response = send(s.state.clone(), request).await;
    let status = response.status().as_u16();
    let text = helpers::body_text(response).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn export(s: &Setup, model: &str, format: &str) -> (u16, String, String, Vec<u8>) {
    let request = Request::get(format!("/api/v1/models/{model}/export?format={format}"))
        .header("cookie", &s.editor.cookie)
        .body(Body::empty())
        .unwrap();
    let response = send(s.state.clone(), request).await;
    let status = response.status().as_u16();
    let content_type = helpers::header(&response, "content-type")
        .unwrap_or("")
        .to_owned();
    let disposition = helpers::header(&response, "content-disposition")
        .unwrap_or("")
        .to_owned();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, content_type, disposition, bytes)
}

async fn model_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from models")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn every_shared_sample_imports_as_a_new_model(pool: PgPool) {
    let s = setup(&pool).await;
    for (format, file) in [("threat-dragon", TD), ("otm", OTM_TD), ("otm", OTM_IRIUS)] {
        let expected = match format {
            "threat-dragon" => interop::threat_dragon::import(file).unwrap(),
            _ => interop::otm::import(file).unwrap(),
        };
        let (status, imported) = import(&s, format, file).await;
        assert_eq!(status, 201, "{format}: {imported}");
        assert_eq!(imported["revision"], 1);
        assert_eq!(
            imported["warnings"].as_array().unwrap().len(),
            expected.warnings.len()
        );
        let id = imported["id"].as_str().unwrap();
        let request = Request::get(format!("/api/v1/models/{id}"))
            .header("cookie", &s.editor.cookie)
            .body(Body::empty())
            .unwrap();
        let stored = helpers::body_json(send(s.state.clone(), request).await).await;
        let stored: analysis::ThreatModel =
            serde_json::from_value(stored["model"].clone()).unwrap();
        assert_eq!(
            stored.elements.len(),
            expected.model.elements.len(),
            "{format}"
        );
        assert_eq!(stored.flows.len(), expected.model.flows.len(), "{format}");
        assert_eq!(
            stored.threats.len(),
            expected.model.threats.len(),
            "{format}"
        );
    }
    assert_eq!(model_count(&pool).await, 3);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn bad_files_are_refused_and_nothing_is_stored(pool: PgPool) {
    let s = setup(&pool).await;
    let mut unknown_kind: Value = serde_json::from_str(analysis::reference_model_json()).unwrap();
    unknown_kind["elements"][0]["kind"]["type"] = json!("mainframe");
    let mut dangling: Value = serde_json::from_str(analysis::reference_model_json()).unwrap();
    dangling["flows"][0]["target"] = json!("nowhere");
    let cases: Vec<(&str, String, &str)> = vec![
        ("threat-dragon", "{ not json".into(), "not valid JSON"),
        (
            "otm",
            r#"{"otmVersion":"9.9","project":{}}"#.into(),
            "version",
        ),
        ("threat-dragon", r#"{"summary":{}}"#.into(), "version"),
        (
            "rampart",
            r#"{"schema":"rampart/7","name":"x"}"#.into(),
            "rampart/7",
        ),
        ("rampart", unknown_kind.to_string(), "mainframe"),
        ("rampart", dangling.to_string(), "nowhere"),
    ];
    for (format, file, named) in cases {
        let (status, refused) = import(&s, format, file).await;
        assert_eq!(status, 422, "{format}: {refused}");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(named),
            "{format}: {message} should name {named}"
        );
    }
    let mut small = s.state.clone();
    small.max_body_bytes = 1024;
    let big = Setup {
        state: small,
        editor: s.editor.clone(),
        team: s.team.clone(),
    };
    let (status, _) = import(&big, "threat-dragon", TD).await;
    assert_eq!(status, 413);
    assert_eq!(model_count(&pool).await, 0);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn every_export_format_has_its_type_name_and_content(pool: PgPool) {
    let s = setup(&pool).await;
    let (_, imported) = import(&s, "rampart", analysis::reference_model_json()).await;
    let id = imported["id"].as_str().unwrap().to_owned();
    let model = analysis::reference_model();
    let report = analysis::analyze(&model, &analysis::Options::default());
    let stem = "reference-architecture-r1";

    let (status, content_type, disposition, bytes) = export(&s, &id, "csv").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert_eq!(
        disposition,
        format!("attachment; filename=\"{stem}-register.csv\"")
    );
    let text = String::from_utf8(bytes).unwrap();
    let unsaved = interop::register::Provenance {
        model: model.name.clone(),
        revision: Some(1),
        ..Default::default()
    };
    assert_eq!(text, interop::register::csv(&model, &report, &unsaved));

    // With a saved version, the register names it and its hash.
    let response = send(
        s.state.clone(),
        json_request(
            "POST",
            &format!("/api/v1/models/{id}/versions"),
            json!({ "name": "audit-2026" }),
            Some(&s.editor),
        ),
    )
    .await;
    let version = helpers::body_json(response).await;
    let (_, _, _, bytes) = export(&s, &id, "csv").await;
    let saved = interop::register::Provenance {
        version: Some("audit-2026".into()),
        content_hash: version["content_hash"].as_str().map(str::to_owned),
        ..unsaved
    };
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        interop::register::csv(&model, &report, &saved)
    );

    let (_, content_type, disposition, bytes) = export(&s, &id, "xlsx").await;
    assert!(content_type.contains("spreadsheetml"));
    assert!(disposition.ends_with("-register.xlsx\""));
    assert_eq!(&bytes[..2], b"PK", "a zip container");

    let (_, content_type, _, bytes) = export(&s, &id, "pdf").await;
    assert_eq!(content_type, "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"));

    let (_, _, _, bytes) = export(&s, &id, "json").await;
    let rows: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(rows.is_array() || rows.is_object());
    let (_, content_type, _, bytes) = export(&s, &id, "md").await;
    assert_eq!(content_type, "text/markdown; charset=utf-8");
    assert!(String::from_utf8(bytes).unwrap().contains('|'));

    for format in ["threat-dragon", "otm"] {
        let (status, _, disposition, bytes) = export(&s, &id, format).await;
        assert_eq!(status, 200);
        assert!(
            disposition.contains(&format!(".{format}.json")),
            "{disposition}"
        );
        let (status, again) = import(&s, format, bytes).await;
        assert_eq!(status, 201, "{format} re-imports: {again}");
    }

    // Rampart's own format round-trips to the same model.
    let (_, _, _, bytes) = export(&s, &id, "rampart").await;
    let exported = analysis::parse(std::str::from_utf8(&bytes).unwrap()).unwrap();
    assert_eq!(exported, model);
    let (status, _, _, _) = export(&s, &id, "docx").await;
    assert_eq!(status, 422);
}

async fn diagram(
    s: &Setup,
    browser: &Browser,
    model: &str,
    query: &str,
) -> (u16, String, String, Vec<u8>) {
    let request = Request::get(format!("/api/v1/models/{model}/diagram{query}"))
        .header("cookie", &browser.cookie)
        .body(Body::empty())
        .unwrap();
    let response = send(s.state.clone(), request).await;
    let status = response.status().as_u16();
    let content_type = helpers::header(&response, "content-type")
        .unwrap_or("")
        .to_owned();
    let disposition = helpers::header(&response, "content-disposition")
        .unwrap_or("")
        .to_owned();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, content_type, disposition, bytes)
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn the_diagram_comes_as_svg_and_png_to_the_team_only(pool: PgPool) {
    let s = setup(&pool).await;
    let (_, imported) = import(&s, "rampart", analysis::reference_model_json()).await;
    let id = imported["id"].as_str().unwrap().to_owned();
    let model = analysis::reference_model();

    // SVG by default: well-formed, with every element's name.
    for query in ["", "?format=svg"] {
        let (status, content_type, disposition, bytes) = diagram(&s, &s.editor, &id, query).await;
        assert_eq!(status, 200);
        assert_eq!(content_type, "image/svg+xml");
        assert_eq!(
            disposition,
            "attachment; filename=\"reference-architecture-r1-diagram.svg\""
        );
        let svg = String::from_utf8(bytes).unwrap();
        assert!(svg.starts_with("<?xml"), "{svg}");
        let open = svg.matches("<g").count();
        let close = svg.matches("</g>").count();
        assert_eq!(open, close, "balanced groups");
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(!svg.contains("<!>"));
        for e in &model.elements {
            assert!(
                svg.contains(&format!(">{}</text>", e.name)),
                "{} missing",
                e.name
            );
        }
    }

    // PNG: the signature, and an IHDR with a real size.
    let started = std::time::Instant::now();
    let (status, content_type, disposition, png) = diagram(&s, &s.editor, &id, "?format=png").await;
    let took = started.elapsed();
    assert_eq!(status, 200);
    assert_eq!(content_type, "image/png");
    assert!(disposition.ends_with("-r1-diagram.png\""), "{disposition}");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert!(width > 0 && height > 0 && width <= 8000 && height <= 8000);
    eprintln!(
        "reference diagram PNG: {width}x{height}, {} bytes, {took:?}",
        png.len()
    );

    let (status, _, _, body) = diagram(&s, &s.editor, &id, "?format=gif").await;
    assert_eq!(status, 422);
    let error: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["error"]["details"]["field"], "format", "{error}");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("format"));

    // Another team's member finds nothing there.
    create_user(&pool, "stranger@example.com", PASSWORD, false).await;
    let stranger = sign_in(s.state.clone(), "stranger@example.com", PASSWORD).await;
    let response = send(
        s.state.clone(),
        json_request(
            "POST",
            "/api/v1/teams",
            json!({ "name": "Elsewhere" }),
            Some(&stranger),
        ),
    )
    .await;
    assert_eq!(response.status().as_u16(), 201);
    let (status, _, _, _) = diagram(&s, &stranger, &id, "?format=svg").await;
    assert_eq!(status, 404);
    let (status, _, _, _) = diagram(&s, &stranger, &id, "?format=png").await;
    assert_eq!(status, 404);
}
