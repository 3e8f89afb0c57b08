//! Masking of credentials in URLs before they are written anywhere.
//!
//! A request URL may carry secrets of its own: user info
//! (`https://user:pw@host/`) and secret-looking parameters
//! (`?api_key=…`, `#access_token=…`). [`mask`] replaces them with
//! [`MASK`] in the copy of the URL that is logged: audit lines, approval
//! requests (MPA webhook bodies, countersigned requests), the metadata handed
//! to the signer and error or detail texts. It never touches the URL a
//! request is sent to, nor the parsed URL that policy, payee pins and the
//! replay identity use (those come from [`crate::url`] on the raw URL).
//!
//! The rule, case-insensitive:
//! * user info: everything between `scheme://` and the last `@` of the
//!   authority (which ends at the first `/`, `\`, `?` or `#`) becomes `***`;
//! * parameters of the query and of the fragment, separated by `&` or `;`:
//!   the name is percent-decoded (and `+` read as a space, as in form
//!   encoding), ASCII lower-cased, `-`, `.` and spaces are read as `_` and
//!   leading or trailing `_` dropped; when it
//!   is one of [`SECRET_NAMES`] or ends with one of [`SECRET_SUFFIXES`], the
//!   value becomes `***` (the name is kept). A secret name without a value
//!   (`?token`) is kept as it is: there is nothing to mask.
//!
//! Masking is total: any text (a URL or not) gives a text; at most
//! [`MAX_MASK_BYTES`] (four times the longest URL the guard accepts) are
//! examined, a longer text is replaced by `***` whole (fail closed).

/// What a masked credential is replaced with.
pub const MASK: &str = "***";

/// Parameter names whose value is a secret (after the normalisation of the
/// module docs).
pub const SECRET_NAMES: &[&str] = &[
    "access_token",
    "api_key",
    "apikey",
    "auth",
    "auth_token",
    "authorization",
    "bearer",
    "client_secret",
    "code",
    "credential",
    "credentials",
    "id_token",
    "jwt",
    "key",
    "pass",
    "passwd",
    "password",
    "private_key",
    "pwd",
    "refresh_token",
    "secret",
    "session",
    "session_id",
    "sessionid",
    "sig",
    "signature",
    "token",
    "x_amz_credential",
    "x_amz_security_token",
    "x_amz_signature",
    "x_goog_signature",
];

/// Name endings that mark a secret parameter (`stripe_key`, `github_token`…).
pub const SECRET_SUFFIXES: &[&str] = &[
    "_key",
    "_token",
    "_secret",
    "_password",
    "_signature",
    "_sig",
    "apikey",
];

/// Longest text examined (longer texts are masked whole).
pub const MAX_MASK_BYTES: usize = 32 * 1024;

/// Masks the credentials of `url` (see the module docs). A URL without
/// credentials comes back byte for byte.
///
/// ```
/// use presidio_x402_core::url_mask::mask;
/// assert_eq!(
///     mask("https://bob:hunter2@api.example/x?API_KEY=abc&q=1#access_token=t"),
///     "https://***@api.example/x?API_KEY=***&q=1#access_token=***"
/// );
/// ```
pub fn mask(url: &str) -> String {
    if url.len() > MAX_MASK_BYTES {
        return MASK.to_string();
    }
    let b = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    let frag = b.iter().position(|&c| c == b'#').unwrap_or(b.len());
    let query = b[..frag].iter().position(|&c| c == b'?').unwrap_or(frag);
    // Every cut below is at an ASCII byte, so on a char boundary.
    push_userinfo_masked(&url[..query], &mut out);
    if query < frag {
        out.push('?');
        push_params_masked(&url[query + 1..frag], &mut out);
    }
    if frag < b.len() {
        out.push('#');
        push_params_masked(&url[frag + 1..], &mut out);
    }
    out
}

/// True when `url` holds something [`mask`] would hide.
pub fn has_credentials(url: &str) -> bool {
    mask(url) != url
}

fn push_userinfo_masked(head: &str, out: &mut String) {
    let b = head.as_bytes();
    let Some(i) = b.windows(3).position(|w| w == b"://") else {
        out.push_str(head);
        return;
    };
    let start = i + 3;
    let end = b[start..]
        .iter()
        .position(|&c| c == b'/' || c == b'\\')
        .map_or(b.len(), |e| start + e);
    match b[start..end].iter().rposition(|&c| c == b'@') {
        Some(at) => {
            out.push_str(&head[..start]);
            out.push_str(MASK);
            out.push_str(&head[start + at..]);
        }
        None => out.push_str(head),
    }
}

fn push_params_masked(params: &str, out: &mut String) {
    let b = params.as_bytes();
    let mut from = 0;
    loop {
        let end = b[from..]
            .iter()
            .position(|&c| c == b'&' || c == b';')
            .map_or(b.len(), |e| from + e);
        let part = &params[from..end];
        match part.as_bytes().iter().position(|&c| c == b'=') {
            Some(eq) if is_secret_name(&part.as_bytes()[..eq]) => {
                out.push_str(&part[..=eq]);
                out.push_str(MASK);
            }
            _ => out.push_str(part),
        }
        if end == b.len() {
            break;
        }
        out.push_str(&params[end..=end]);
        from = end + 1;
    }
}

/// The name normalised: percent-decoded once, `+` as a space, ASCII
/// lower-cased, `-`, `.` and spaces as `_`, and `_` trimmed at both ends.
fn normal_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let mut c = raw[i];
        i += 1;
        if c == b'%' && i + 1 < raw.len() {
            if let (Some(h), Some(l)) = (hex_val(raw[i]), hex_val(raw[i + 1])) {
                c = h << 4 | l;
                i += 2;
            }
        }
        out.push(match c {
            b'+' | b'-' | b'.' | b' ' => b'_',
            c => c.to_ascii_lowercase(),
        });
    }
    let first = out.iter().position(|&c| c != b'_').unwrap_or(out.len());
    let last = out
        .iter()
        .rposition(|&c| c != b'_')
        .map_or(first, |l| l + 1);
    out[first..last].to_vec()
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn is_secret_name(raw: &[u8]) -> bool {
    let n = normal_name(raw);
    // `x_api_key`, `stripe-key`: one of the names, or one of the endings.
    SECRET_NAMES.iter().any(|s| n == s.as_bytes())
        || SECRET_SUFFIXES.iter().any(|s| n.ends_with(s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_userinfo_and_secret_params() {
        assert_eq!(
            mask("https://user:pw@a.example/p?api_key=K&x=1"),
            "https://***@a.example/p?api_key=***&x=1"
        );
        assert_eq!(
            mask("https://a.example/p?Api%5FKey=K;TOKEN=t&sig="),
            "https://a.example/p?Api%5FKey=***;TOKEN=***&sig=***"
        );
        assert_eq!(
            mask("https://a.example/#access_token=abc&state=1"),
            "https://a.example/#access_token=***&state=1"
        );
        assert_eq!(
            mask("https://a.example/?x-api-key=1&stripe_key=2&monkey=3"),
            "https://a.example/?x-api-key=***&stripe_key=***&monkey=3"
        );
    }

    #[test]
    fn leaves_clean_urls_alone() {
        for u in [
            "https://a.example/p?q=1&page=2",
            "https://evil.example\\@good.example/x",
            "https://a.example/user@host/x",
            "not a url",
            "",
            "https://a.example/?token",
        ] {
            assert_eq!(mask(u), u);
            assert!(!has_credentials(u));
        }
    }

    #[test]
    fn oversized_is_masked_whole() {
        let long = format!("https://a.example/?q={}", "a".repeat(MAX_MASK_BYTES));
        assert_eq!(mask(&long), MASK);
    }
}
