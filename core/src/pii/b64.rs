//! Base64 and base64url segments in query values, query keys, path segments
//! and fragments, decoded for matching.
//!
//! A value (see [`segments`]) made only of base64/base64url characters (8..=1024 of
//! them, optional `=` padding) is decoded; when the result is printable UTF-8
//! text it is scanned too, and any finding in it covers the whole encoded
//! segment. Every segment is decoded (their decoded texts are shorter than the
//! input, and the caller scans them together in one pass); decoded text is not
//! decoded again.

const MIN_LEN: usize = 8;
const MAX_LEN: usize = 1024;

fn sextet(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    }))
}

/// Decodes unpadded base64 (either alphabet, not mixed).
fn decode(s: &[u8]) -> Option<Vec<u8>> {
    let std = s.iter().any(|&c| c == b'+' || c == b'/');
    let url = s.iter().any(|&c| c == b'-' || c == b'_');
    if (std && url) || s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in s {
        acc = (acc << 6) | sextet(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Base64 segments of `t`: `(start, end, decoded text)`.
///
/// A segment starts after `=` (a query value), `/` (a path segment), `#` (a
/// fragment), `?` or `&` (a query key). After `=` the body may hold `/` (the
/// standard alphabet); elsewhere `/` ends it, since it ends the path segment.
/// It must end at the text's end or a delimiter (`&`, `#`, `/`, `?`, space,
/// `;`, quotes), after optional `=` padding; a key may also end at its `=`.
/// One left-to-right pass: the next start is searched after the body.
pub(crate) fn segments(t: &str) -> Vec<(usize, usize, String)> {
    let b = t.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(off) = b.get(from..).and_then(|r| {
        r.iter()
            .position(|&c| matches!(c, b'=' | b'/' | b'#' | b'?' | b'&'))
    }) {
        let opener = b[from + off];
        let s = from + off + 1;
        let mut e = s;
        while e < b.len() && sextet(b[e]).is_some() && (opener == b'=' || b[e] != b'/') {
            e += 1;
        }
        let body = e;
        let key = matches!(opener, b'?' | b'&') && b.get(body) == Some(&b'=');
        while !key && e < b.len() && e - body < 2 && b[e] == b'=' {
            e += 1;
        }
        from = e.max(s);
        let terminated = key
            || e == b.len()
            || matches!(
                b[e],
                b'&' | b'#' | b' ' | b';' | b'"' | b'\'' | b'\n' | b'\t' | b'/' | b'?'
            );
        let n = body - s;
        if !terminated || !(MIN_LEN..=MAX_LEN).contains(&n) {
            continue;
        }
        let Some(bytes) = decode(&b[s..body]) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let printable = text.chars().all(|c| !c.is_control() || c == '\t');
        if printable
            && text.len() >= 5
            && text
                .bytes()
                .any(|c| c.is_ascii_punctuation() || c.is_ascii_digit() || c == b' ')
        {
            out.push((s, e, text));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_query_values() {
        let t = "https://x.io/a?q=YWxpY2VAZXhhbXBsZS5jb20=&h=deadbeefdeadbeef";
        let s = segments(t);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].2, "alice@example.com");
        assert_eq!(&t[s[0].0..s[0].1], "YWxpY2VAZXhhbXBsZS5jb20=");
        // base64url, unpadded
        let s = segments("c=NDExMSAxMTExIDExMTEgMTExMQ");
        assert_eq!(s[0].2, "4111 1111 1111 1111");
    }

    #[test]
    fn decodes_segments_fragments_keys() {
        // alice@example.com, base64url, in a path segment, a fragment and a key.
        for t in [
            "https://x.io/u/YWxpY2VAZXhhbXBsZS5jb20/orders",
            "https://x.io/u#YWxpY2VAZXhhbXBsZS5jb20",
            "https://x.io/u?YWxpY2VAZXhhbXBsZS5jb20=1",
            "https://x.io/u?a=1&YWxpY2VAZXhhbXBsZS5jb20",
        ] {
            let s = segments(t);
            assert_eq!(s.len(), 1, "{t}");
            assert_eq!(s[0].2, "alice@example.com", "{t}");
            assert_eq!(&t[s[0].0..s[0].1], "YWxpY2VAZXhhbXBsZS5jb20", "{t}");
        }
        // Plain path words decode to nothing printable.
        for t in [
            "https://api.example.com/v1/completions/trending/inventory",
            "https://x.io/jobs/job-7a3f2c/status",
        ] {
            assert!(segments(t).is_empty(), "{t}: {:?}", segments(t));
        }
    }
}
