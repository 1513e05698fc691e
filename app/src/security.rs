//! The Content-Security-Policy of rendered pages (R26).
//!
//! Scripts run only when they carry the page's nonce, which `leptos_axum` creates per
//! request and puts on its hydration scripts; `'strict-dynamic'` lets those scripts load the
//! bundle, and `'wasm-unsafe-eval'` lets the browser compile the wasm. Nothing inline runs
//! without the nonce, and no style attribute is used, so `'unsafe-inline'` is never needed.

/// The policy for a page whose scripts carry `nonce`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; \
         script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; \
         img-src 'self' data:; \
         connect-src 'self'; \
         object-src 'none'; \
         base-uri 'none'; \
         frame-ancestors 'none'; \
         form-action 'self'"
    )
}

/// Puts the page policy on the response being rendered. Runs on the server only, inside the
/// render, where the request's nonce and response options are in context.
#[cfg(feature = "ssr")]
pub(crate) fn set_page_policy() {
    use http::header::{HeaderValue, CONTENT_SECURITY_POLICY};
    use leptos::prelude::use_context;

    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce)) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_need_the_nonce_and_nothing_inline_is_allowed() {
        let policy = page_policy("abc123");
        assert!(policy.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("object-src 'none'"));
        assert!(policy.contains("base-uri 'none'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains('\n'), "a header value is one line");
    }
}
