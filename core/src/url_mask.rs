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
//!   encoding), lower-cased, and `-`, `.` and spaces are read as `_`; when it
//!   is one of [`SECRET_NAMES`] or ends with one of [`SECRET_SUFFIXES`], the
//!   value becomes `***` (the name is kept). A secret name without a value
//!   (`?token`) is kept as it is: there is nothing to mask.
//!
//! Masking is total: any text (a URL or not) gives a text; at most
//! [`crate::url::MAX_URL_BYTES`] × 4 bytes are examined, a longer text is
//! replaced by `***` whole (fail closed).

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
pub const MAX_MASK_BYTES: usize = 4 * crate::url::MAX_URL_BYTES;

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
    let mut out = String::with_capacity(url.len());
    let (before_frag, frag) = match url.find('#') {
        Some(i) => (&url[..i], Some(&url[i + 1..])),
        None => (url, None),
    };
    let (head, query) = match before_frag.find('?') {
        Some(i) => (&before_frag[..i], Some(&before_frag[i + 1..])),
        None => (before_frag, None),
    };
    out.push_str(&mask_userinfo(head));
    if let Some(q) = query {
        out.push('?');
        mask_params(q, &mut out);
    }
    if let Some(f) = frag {
        out.push('#');
        mask_params(f, &mut out);
    }
    out
}

/// True when `url` holds something [`mask`] would hide.
pub fn has_credentials(url: &str) -> bool {
    mask(url) != url
}

fn mask_userinfo(head: &str) -> String {
    let Some(i) = head.find("://") else {
        return head.to_string();
    };
    let start = i + 3;
    let rest = &head[start..];
    let end = rest.find(['/', '\\']).unwrap_or(rest.len());
    let authority = &rest[..end];
    match authority.rfind('@') {
        Some(at) => format!("{}{MASK}{}", &head[..start], &head[start + at..]),
        None => head.to_string(),
    }
}

fn mask_params(params: &str, out: &mut String) {
    for part in params.split_inclusive(['&', ';']) {
        let (body, sep) = match part.char_indices().last() {
            Some((i, c @ ('&' | ';'))) => (&part[..i], Some(c)),
            _ => (part, None),
        };
        match body.find('=') {
            Some(eq) if is_secret_name(&body[..eq]) => {
                out.push_str(&body[..=eq]);
                out.push_str(MASK);
            }
            _ => out.push_str(body),
        }
        if let Some(c) = sep {
            out.push(c);
        }
    }
}

/// The name normalised: percent-decoded once, `+` as a space, lower-cased,
/// and `-`, `.`, spaces as `_`.
fn normal_name(raw: &str) -> String {
    let b = raw.as_bytes();
    let mut bytes = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex_val(b[i + 1]), hex_val(b[i + 2])) {
                bytes.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        bytes.push(if c == b'+' { b' ' } else { c });
        i += 1;
    }
    String::from_utf8_lossy(&bytes)
        .trim()
        .chars()
        .map(|c| match c {
            '-' | '.' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn is_secret_name(raw: &str) -> bool {
    let n = normal_name(raw);
    let n = n.trim_start_matches('_');
    // `x_api_key`, `stripe-key`: one of the names, or one of the endings.
    SECRET_NAMES.contains(&n) || SECRET_SUFFIXES.iter().any(|s| n.ends_with(s))
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
