//! Small things the pages need from the browser and from URLs: the `#key=value` parameters of
//! the address's fragment (where links keep their tokens, so the server never receives them),
//! the local path to come back to after signing in, percent-encoding, the clipboard, and
//! short times.

/// Percent-encodes a value for a query string or a fragment parameter (RFC 3986 unreserved
/// characters stay as they are).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Decodes `%XX` escapes and `+` (a space); malformed escapes are kept as they are.
pub fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of `key` in a fragment such as `#token=abc&next=%2Fteams` (with or without the
/// leading `#`).
pub fn fragment_param(fragment: &str, key: &str) -> Option<String> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| decode(v))
        .filter(|v| !v.is_empty())
}

/// A path to go to after signing in, when it is a path of this site: it must start with one
/// `/` (so `//evil.example` and `https://…` are refused) and hold no backslash or control
/// character. Anything else gives `None`.
pub fn local_path(next: &str) -> Option<String> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    ok.then(|| next.to_string())
}

/// The sign-in page, asked to come back to `next` (kept in the fragment, like every token).
pub fn signin_href(next: &str) -> String {
    format!("/signin#next={}", encode(next))
}

/// The sign-up page, asked to come back to `next`.
pub fn signup_href(next: &str) -> String {
    format!("/signup#next={}", encode(next))
}

/// A count with its noun, singular for one: "1 threat", "3 threats".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// An RFC 3339 time as `2025-06-01 14:03 UTC`; anything unexpected is shown as it is.
pub fn short_time(rfc3339: &str) -> String {
    let utc = rfc3339.ends_with('Z') || rfc3339.ends_with("+00:00");
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(date), Some(time)) if utc && rfc3339.as_bytes().get(10) == Some(&b'T') => {
            format!("{date} {time} UTC")
        }
        _ => rfc3339.to_string(),
    }
}

/// The date of an RFC 3339 time (`2025-06-01`).
pub fn short_date(rfc3339: &str) -> String {
    rfc3339.get(..10).unwrap_or(rfc3339).to_string()
}

/// A `datetime-local` input's value (`2025-06-01T14:03`, read as UTC) as RFC 3339.
pub fn utc_from_input(value: &str) -> Option<String> {
    let value = value.trim();
    match value.len() {
        16 => Some(format!("{value}:00Z")),
        19 => Some(format!("{value}Z")),
        _ => None,
    }
}

/// Copies `text` to the clipboard; `false` when the browser refused (the text stays selectable
/// on the page).
#[cfg(feature = "hydrate")]
pub async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

#[cfg(not(feature = "hydrate"))]
pub async fn copy_text(_text: &str) -> bool {
    false
}

/// A file the person picked or dropped: its name and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickedFile {
    pub name: String,
    pub text: String,
}

/// The largest file read for an import; the server's own body limit applies too.
pub const MAX_FILE_BYTES: f64 = 16.0 * 1024.0 * 1024.0;

/// Reads the first file of a file input's `change` event, or of a drop's `DataTransfer`, and
/// hands its text (or why it could not be read) to `done`. Nothing happens without a file.
#[cfg(feature = "hydrate")]
pub fn read_file(
    input: Option<&leptos::ev::Event>,
    drop: Option<&leptos::ev::DragEvent>,
    done: impl FnOnce(Result<PickedFile, String>) + 'static,
) {
    use leptos::wasm_bindgen::JsCast;
    let files = match (input, drop) {
        (Some(ev), _) => ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files()),
        (None, Some(ev)) => ev.data_transfer().and_then(|d| d.files()),
        (None, None) => None,
    };
    let Some(file) = files.and_then(|f| f.get(0)) else {
        return;
    };
    if file.size() > MAX_FILE_BYTES {
        done(Err(format!(
            "{} is larger than 16 MB; import a smaller file.",
            file.name()
        )));
        return;
    }
    let name = file.name();
    let promise = file.text();
    leptos::task::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_string());
        done(text.map(|text| PickedFile { name, text }).ok_or_else(|| {
            "The file could not be read; check that it is a text file and try again.".to_string()
        }));
    });
}

#[cfg(not(feature = "hydrate"))]
pub fn read_file(
    _input: Option<&leptos::ev::Event>,
    _drop: Option<&leptos::ev::DragEvent>,
    _done: impl FnOnce(Result<PickedFile, String>) + 'static,
) {
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_singular_for_one_only() {
        assert_eq!(count(0, "threat"), "0 threats");
        assert_eq!(count(1, "threat"), "1 threat");
        assert_eq!(count(2, "threat"), "2 threats");
    }

    #[test]
    fn fragment_parameters_round_trip_through_encoding() {
        let next = "/invitations#token=abc_DEF-123";
        let href = signin_href(next);
        assert_eq!(href, "/signin#next=%2Finvitations%23token%3Dabc_DEF-123");
        let fragment = href.split_once('#').unwrap().1;
        assert_eq!(fragment_param(fragment, "next").as_deref(), Some(next));
        assert_eq!(
            fragment_param("#token=t0k&x=1", "token").as_deref(),
            Some("t0k")
        );
        assert_eq!(fragment_param("#token=", "token"), None);
        assert_eq!(fragment_param("", "token"), None);
        assert_eq!(decode("a%2"), "a%2");
        assert_eq!(decode("caf%C3%A9+x"), "café x");
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(local_path("/teams/1").as_deref(), Some("/teams/1"));
        assert_eq!(local_path("//evil.example/x"), None);
        assert_eq!(local_path("https://evil.example"), None);
        assert_eq!(local_path("/\\evil.example"), None);
        assert_eq!(local_path("javascript:alert(1)"), None);
    }

    #[test]
    fn times_are_shortened_only_when_they_are_utc() {
        assert_eq!(
            short_time("2025-06-01T14:03:59.123Z"),
            "2025-06-01 14:03 UTC"
        );
        assert_eq!(
            short_time("2025-06-01T14:03:59+00:00"),
            "2025-06-01 14:03 UTC"
        );
        assert_eq!(
            short_time("2025-06-01T14:03:59+02:00"),
            "2025-06-01T14:03:59+02:00"
        );
        assert_eq!(short_date("2025-06-01T14:03:59Z"), "2025-06-01");
        assert_eq!(
            utc_from_input("2025-06-01T14:03").as_deref(),
            Some("2025-06-01T14:03:00Z")
        );
        assert_eq!(utc_from_input(""), None);
    }
}
