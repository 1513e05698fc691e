//! The browser's client for the REST API (`/api/v1`), shared by every page.
//!
//! [`Api`] keeps the session's CSRF token (fetched from `GET /auth/csrf` before the first
//! unsafe request, replaced by the `csrf_token` that sign-in and sign-up return), sends it as
//! `X-CSRF-Token` on every POST, PUT, PATCH and DELETE, and turns the API's error format into an
//! [`ApiError`] whose `Display` is a sentence for people. The session cookie is `HttpOnly` and
//! travels by itself (same origin).
//!
//! Requests run in the browser only: the transport is compiled with the `hydrate` feature,
//! and on the server (where pages render their forms, never their data) every call fails.

mod types;

pub use types::*;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where the REST API lives, relative to the page's origin.
pub const BASE: &str = "/api/v1";

/// A failed request, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status; 0 when the server could not be reached.
    pub status: u16,
    /// The API's stable code (`invalid_credentials`, `last_owner`, ...).
    pub code: String,
    /// The API's message for people (lowercase, no final period).
    pub message: String,
    /// `details.field` of a 422: the input at fault.
    pub field: Option<String>,
    /// Seconds to wait before trying again (a 429's `Retry-After`).
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn local(code: &str, message: &str) -> ApiError {
        ApiError {
            status: 0,
            code: code.to_string(),
            message: message.to_string(),
            field: None,
            retry_after: None,
        }
    }

    /// The request never got an answer.
    pub fn network() -> ApiError {
        ApiError::local(
            "network",
            "the server could not be reached; check the connection and try again",
        )
    }

    /// What a 401 says: no session, or it has ended.
    pub fn signed_out() -> ApiError {
        ApiError {
            status: 401,
            ..ApiError::local("unauthenticated", "sign in to continue")
        }
    }

    /// True for a 401: the session is missing or has ended.
    pub fn is_unauthenticated(&self) -> bool {
        self.status == 401
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.status == 429 {
            if let Some(secs) = self.retry_after {
                let unit = if secs == 1 { "second" } else { "seconds" };
                return write!(f, "Too many attempts. Try again in {secs} {unit}.");
            }
        }
        f.write_str(&sentence(&self.message))
    }
}

/// The API's messages are lowercase fragments ("the name must have 1 to 200 characters"); on a
/// page they read as sentences.
pub fn sentence(message: &str) -> String {
    let message = message.trim();
    let mut chars = message.chars();
    let mut out = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
        None => return String::from("Something went wrong."),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// What the transport hands back: enough to build a value or an [`ApiError`].
struct RawResponse {
    status: u16,
    retry_after: Option<u64>,
    body: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorInner,
}

#[derive(Deserialize)]
struct ErrorInner {
    code: String,
    message: String,
    #[serde(default)]
    details: Option<serde_json::Value>,
}

/// Reads an answer: the value for a 2xx (`null` stands in for an empty 204 body, so `()` works),
/// the API's error otherwise.
fn decode<T: DeserializeOwned>(raw: RawResponse) -> Result<T, ApiError> {
    if (200..300).contains(&raw.status) {
        let body = if raw.body.trim().is_empty() {
            "null"
        } else {
            raw.body.as_str()
        };
        return serde_json::from_str(body).map_err(|_| ApiError {
            status: raw.status,
            code: "unreadable".to_string(),
            message: "the server's answer could not be read; reload the page and try again"
                .to_string(),
            field: None,
            retry_after: None,
        });
    }
    let parsed = serde_json::from_str::<ErrorBody>(&raw.body).ok();
    let details = parsed.as_ref().and_then(|b| b.error.details.as_ref());
    let field = details
        .and_then(|d| d.get("field"))
        .and_then(|f| f.as_str())
        .map(str::to_string);
    let retry_after = raw.retry_after.or_else(|| {
        details
            .and_then(|d| d.get("retry_after_secs"))
            .and_then(|s| s.as_u64())
    });
    let (code, message) = match parsed {
        Some(body) => (body.error.code, body.error.message),
        None => (
            "http".to_string(),
            format!("the server answered with status {}", raw.status),
        ),
    };
    Err(ApiError {
        status: raw.status,
        code,
        message,
        field,
        retry_after,
    })
}

/// The HTTP methods the API uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

/// A request body: its text and its `Content-Type` (read by the browser's transport only).
#[derive(Clone)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct Body {
    text: String,
    content_type: &'static str,
}

#[cfg(feature = "hydrate")]
async fn transport(
    method: Method,
    path: &str,
    csrf: Option<&str>,
    body: Option<Body>,
) -> Result<RawResponse, ApiError> {
    use gloo_net::http::Request;

    let url = format!("{BASE}{path}");
    let mut builder = match method {
        Method::Get => Request::get(&url),
        Method::Post => Request::post(&url),
        Method::Put => Request::put(&url),
        Method::Patch => Request::patch(&url),
        Method::Delete => Request::delete(&url),
    }
    .header("Accept", "application/json")
    // Answers are private and change with every write: never from the browser's cache, whatever
    // Cache-Control says.
    .cache(web_sys::RequestCache::NoStore);
    if let Some(token) = csrf {
        builder = builder.header("X-CSRF-Token", token);
    }
    let request = match body {
        Some(body) => builder
            .header("Content-Type", body.content_type)
            .body(body.text),
        None => builder.build(),
    }
    .map_err(|_| ApiError::network())?;
    let response = request.send().await.map_err(|_| ApiError::network())?;
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok());
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    Ok(RawResponse {
        status,
        retry_after,
        body,
    })
}

#[cfg(not(feature = "hydrate"))]
async fn transport(
    _method: Method,
    _path: &str,
    _csrf: Option<&str>,
    _body: Option<Body>,
) -> Result<RawResponse, ApiError> {
    Err(ApiError::local(
        "browser_only",
        "this request runs in the browser only",
    ))
}

#[derive(Deserialize)]
struct CsrfToken {
    token: String,
}

/// The API client. Cheap to copy; one per application, from [`use_api`].
#[derive(Clone, Copy)]
pub struct Api {
    csrf: StoredValue<Option<String>>,
}

impl Default for Api {
    fn default() -> Self {
        Api::new()
    }
}

impl Api {
    pub fn new() -> Api {
        Api {
            csrf: StoredValue::new(None),
        }
    }

    /// Keeps the token a sign-in or sign-up answer carries (the earlier one stops working).
    pub fn set_csrf(&self, token: String) {
        self.csrf.set_value(Some(token));
    }

    /// Drops the token, after signing out: the next unsafe request fetches a new one.
    pub fn forget_csrf(&self) {
        self.csrf.set_value(None);
    }

    async fn csrf_token(&self) -> Result<String, ApiError> {
        if let Some(token) = self.csrf.get_value() {
            return Ok(token);
        }
        let raw = transport(Method::Get, "/auth/csrf", None, None).await?;
        let CsrfToken { token } = decode(raw)?;
        self.csrf.set_value(Some(token.clone()));
        Ok(token)
    }

    /// `GET {BASE}{path}`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        decode(transport(Method::Get, path, None, None).await?)
    }

    /// An unsafe request with the CSRF token. When the token was refused (the session ended or
    /// was replaced in another tab), a fresh one is fetched and the request sent once more.
    pub async fn send<B, T>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let body = match body {
            Some(body) => Some(Body {
                text: serde_json::to_string(body)
                    .map_err(|_| ApiError::local("unencodable", "this input could not be sent"))?,
                content_type: "application/json",
            }),
            None => None,
        };
        self.send_body(method, path, body).await
    }

    /// An unsafe request whose body is sent as it is (a file to import), with its type.
    pub async fn send_raw<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        content_type: &'static str,
        text: String,
    ) -> Result<T, ApiError> {
        self.send_body(method, path, Some(Body { text, content_type }))
            .await
    }

    async fn send_body<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Body>,
    ) -> Result<T, ApiError> {
        let token = self.csrf_token().await?;
        let raw = transport(method, path, Some(&token), body.clone()).await?;
        if raw.status == 403 && raw.body.contains("\"csrf_failed\"") {
            self.forget_csrf();
            let token = self.csrf_token().await?;
            return decode(transport(method, path, Some(&token), body).await?);
        }
        decode(raw)
    }

    /// `POST` with a JSON body.
    pub async fn post<B, T>(&self, path: &str, body: &B) -> Result<T, ApiError>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        self.send(Method::Post, path, Some(body)).await
    }

    /// `POST` without a body.
    pub async fn post_empty<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send::<(), T>(Method::Post, path, None).await
    }

    /// `PUT` with a JSON body.
    pub async fn put<B, T>(&self, path: &str, body: &B) -> Result<T, ApiError>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        self.send(Method::Put, path, Some(body)).await
    }

    /// `PATCH` with a JSON body.
    pub async fn patch<B, T>(&self, path: &str, body: &B) -> Result<T, ApiError>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        self.send(Method::Patch, path, Some(body)).await
    }

    /// `DELETE`, expecting 204.
    pub async fn delete(&self, path: &str) -> Result<(), ApiError> {
        self.send::<(), ()>(Method::Delete, path, None).await
    }
}

/// Who is using the page, as far as the browser knows.
#[derive(Clone, Debug, PartialEq)]
pub enum Viewer {
    /// `GET /me` has not answered yet (and never does during the server's render).
    Unknown,
    SignedOut,
    SignedIn(UserView),
}

/// The signed-in user, shared by the top bar and the pages.
#[derive(Clone, Copy)]
pub struct Session {
    pub viewer: RwSignal<Viewer>,
}

impl Session {
    /// The user, when one is signed in.
    pub fn user(&self) -> Option<UserView> {
        match self.viewer.get() {
            Viewer::SignedIn(user) => Some(user),
            _ => None,
        }
    }
}

/// Puts the client and the session into the context; asks `GET /me` once in the browser.
pub fn provide_api() {
    let api = Api::new();
    let session = Session {
        viewer: RwSignal::new(Viewer::Unknown),
    };
    provide_context(api);
    provide_context(session);
    // Effects run in the browser only.
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            let viewer = match api.get::<UserView>("/me").await {
                Ok(user) => Viewer::SignedIn(user),
                Err(_) => Viewer::SignedOut,
            };
            session.viewer.set(viewer);
        });
    });
}

/// The application's API client.
pub fn use_api() -> Api {
    expect_context::<Api>()
}

/// The application's session state.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            retry_after: None,
            body: body.to_string(),
        }
    }

    #[test]
    fn an_error_body_becomes_a_sentence_with_its_field() {
        let err = decode::<()>(raw(
            422,
            r#"{"error":{"code":"invalid_input","message":"the name must have 1 to 200 characters","details":{"field":"name"}}}"#,
        ))
        .unwrap_err();
        assert_eq!(err.code, "invalid_input");
        assert_eq!(err.field.as_deref(), Some("name"));
        assert_eq!(err.to_string(), "The name must have 1 to 200 characters.");
    }

    #[test]
    fn too_many_attempts_says_how_long_to_wait() {
        let mut response = raw(
            429,
            r#"{"error":{"code":"too_many_attempts","message":"too many attempts"}}"#,
        );
        response.retry_after = Some(42);
        let err = decode::<()>(response).unwrap_err();
        assert_eq!(err.retry_after, Some(42));
        assert_eq!(
            err.to_string(),
            "Too many attempts. Try again in 42 seconds."
        );

        let from_details = decode::<()>(raw(
            429,
            r#"{"error":{"code":"too_many_attempts","message":"slow down","details":{"retry_after_secs":1}}}"#,
        ))
        .unwrap_err();
        assert_eq!(
            from_details.to_string(),
            "Too many attempts. Try again in 1 second."
        );
    }

    #[test]
    fn an_empty_success_reads_as_unit_and_an_unknown_error_names_its_status() {
        decode::<()>(raw(204, "")).unwrap();
        let err = decode::<()>(raw(502, "<html>bad gateway</html>")).unwrap_err();
        assert_eq!(err.to_string(), "The server answered with status 502.");
        assert!(decode::<UserView>(raw(200, "{}")).is_err());
    }
}
