//! URL normalisation and per-endpoint key matching.
//!
//! Endpoints are matched by normalised origin (scheme, lower-cased host,
//! default port removed) plus an optional path prefix that must end on a `/`
//! boundary — never by a bare string prefix. So the key
//! `https://premium-api.io` matches `https://PREMIUM-API.io/x` and
//! `https://premium-api.io:443/x`, but not `https://premium-api.io.evil.com`
//! or `https://premium-api.iox`.
//!
//! This is a small hand-written parser rather than the `url` crate: the guard
//! needs only http(s) origins and paths, and the `url` crate's IDNA tables
//! would take a large share of the component's 1 MB budget. Non-ASCII hosts
//! are compared after Unicode lower-casing; configure IDN hosts in the same
//! form (punycode or Unicode) that requests use.

use crate::error::Code;

mod host;
mod idna;

pub use host::{parse_host, MAX_HOST_BYTES};

/// Longest URL accepted, in bytes.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// An absolute http(s) URL in normal form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NormalizedUrl {
    /// `http` or `https`.
    pub scheme: &'static str,
    /// The canonical host ([`parse_host`]): a lower-case ASCII domain
    /// (IDNs as `xn--` punycode) without a trailing dot, a dotted-decimal
    /// IPv4 address, or a bracketed IPv6 address in WHATWG form.
    pub host: String,
    /// The port, only when it is not the scheme's default.
    pub port: Option<u16>,
    /// The path, starting with `/`, with dot segments removed and percent
    /// escapes normalised.
    pub path: String,
    /// The query without `?`, escapes normalised; `None` when absent.
    pub query: Option<String>,
}

impl NormalizedUrl {
    /// `scheme://host[:port]`.
    pub fn origin(&self) -> String {
        let mut s = String::with_capacity(self.scheme.len() + self.host.len() + 9);
        self.push_origin(&mut s);
        s
    }

    /// Appends `scheme://host[:port]` to `s` (no formatting machinery: this
    /// runs on every decision).
    fn push_origin(&self, s: &mut String) {
        s.push_str(self.scheme);
        s.push_str("://");
        s.push_str(&self.host);
        if let Some(p) = self.port {
            s.push(':');
            s.push_str(crate::money::decimal(u64::from(p), 1, &mut [0u8; 20]));
        }
    }

    /// The full normalised URL (no user info, no fragment).
    pub fn to_url_string(&self) -> String {
        let mut s = String::with_capacity(
            self.scheme.len()
                + self.host.len()
                + 9
                + self.path.len()
                + self.query.as_ref().map_or(0, |q| q.len() + 1),
        );
        self.push_origin(&mut s);
        s.push_str(&self.path);
        if let Some(q) = &self.query {
            s.push('?');
            s.push_str(q);
        }
        s
    }
}

/// Parses and normalises an absolute http(s) URL.
///
/// ```
/// use presidio_x402_core::url::parse;
/// let u = parse("HTTPS://User@API.Example.com.:443/a/./b/../c?x=1#frag").unwrap();
/// assert_eq!(u.to_url_string(), "https://api.example.com/a/c?x=1");
/// ```
pub fn parse(input: &str) -> Result<NormalizedUrl, Code> {
    if input.len() > MAX_URL_BYTES || input.chars().any(|c| c.is_control() || c == ' ') {
        return Err(Code::UrlInvalid);
    }
    let (scheme, rest) = input.split_once("://").ok_or(Code::UrlInvalid)?;
    let (scheme, default_port) = if scheme.eq_ignore_ascii_case("https") {
        ("https", 443)
    } else if scheme.eq_ignore_ascii_case("http") {
        ("http", 80)
    } else {
        return Err(Code::UrlInvalid);
    };
    // WHATWG treats `\` like `/` in special schemes; so must we, or
    // `https://evil.com\@good.com` would be read two ways.
    let rest = rest.replace('\\', "/");
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let tail = &rest[end..];
    let hostport = match authority.rfind('@') {
        Some(i) => &authority[i + 1..],
        None => authority,
    };
    let (host, port) = split_host_port(hostport)?;
    let port = match port {
        None => None,
        Some(p) if p == default_port => None,
        Some(p) => Some(p),
    };
    let tail = tail.split('#').next().unwrap_or("");
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(normalize_escapes(q, false)?)),
        None => (tail, None),
    };
    let path = remove_dot_segments(&normalize_escapes(
        if path.is_empty() { "/" } else { path },
        true,
    )?);
    Ok(NormalizedUrl {
        scheme,
        host,
        port,
        path,
        query,
    })
}

fn split_host_port(hp: &str) -> Result<(String, Option<u16>), Code> {
    // A `:` inside IPv6 brackets is not a port separator.
    let colon = match hp.rfind(']') {
        Some(close) if hp.starts_with('[') => match &hp[close + 1..] {
            "" => None,
            after if after.starts_with(':') => Some(close + 1),
            _ => return Err(Code::UrlInvalid),
        },
        _ => hp.rfind(':'),
    };
    let (host, port) = match colon {
        Some(i) => (&hp[..i], Some(&hp[i + 1..])),
        None => (hp, None),
    };
    let host = host::parse_host(host)?;
    let port = match port {
        None | Some("") => None,
        Some(p) => {
            // WHATWG: any number of leading zeros; the value must fit 16 bits.
            if !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Code::UrlInvalid);
            }
            let digits = p.trim_start_matches('0');
            if digits.len() > 5 {
                return Err(Code::UrlInvalid);
            }
            Some(if digits.is_empty() {
                0
            } else {
                digits.parse::<u16>().map_err(|_| Code::UrlInvalid)?
            })
        }
    };
    Ok((host, port))
}

/// Decodes escapes of unreserved characters (`%41` → `A`) and upper-cases
/// the hex of the others, so equivalent spellings compare equal. In a path,
/// `%2E` is decoded too so that dot segments cannot hide behind escapes.
fn normalize_escapes(s: &str, _in_path: bool) -> Result<String, Code> {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: u8| (c as char).to_digit(16);
            match (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            ) {
                (Some(h), Some(l)) => {
                    let v = (h * 16 + l) as u8;
                    if v.is_ascii_alphanumeric() || matches!(v, b'-' | b'.' | b'_' | b'~') {
                        out.push(v as char);
                    } else {
                        out.push('%');
                        out.push_str(&format!("{v:02X}"));
                    }
                    i += 3;
                    continue;
                }
                _ => return Err(Code::UrlInvalid),
            }
        }
        let ch = s[i..].chars().next().ok_or(Code::UrlInvalid)?;
        out.push(ch);
        i += ch.len_utf8();
    }
    Ok(out)
}

/// RFC 3986 §5.2.4 on an absolute path.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    let last = segs.len().saturating_sub(1);
    let mut trailing = false;
    for (i, seg) in segs.iter().enumerate() {
        match *seg {
            "." => trailing = i == last,
            ".." => {
                out.pop();
                trailing = i == last;
            }
            s => {
                out.push(s);
                trailing = false;
            }
        }
    }
    let mut s = String::with_capacity(path.len());
    for seg in &out {
        s.push('/');
        s.push_str(seg);
    }
    if trailing || s.is_empty() {
        s.push('/');
    }
    s
}

/// A per-endpoint policy key: an origin plus an optional path prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointKey {
    /// Normalised origin, `scheme://host[:port]`.
    pub origin: String,
    /// Path prefix without a trailing `/` (`""` matches every path).
    pub prefix: String,
}

impl EndpointKey {
    /// Parses a configured key such as `https://api.example.com` or
    /// `https://api.example.com/v1/`. Queries and fragments are not allowed.
    pub fn parse(key: &str) -> Result<EndpointKey, Code> {
        if key.contains(['?', '#']) {
            return Err(Code::ConfigBadEndpoint);
        }
        let u = parse(key).map_err(|_| Code::ConfigBadEndpoint)?;
        let prefix = u.path.trim_end_matches('/').to_string();
        Ok(EndpointKey {
            origin: u.origin(),
            prefix,
        })
    }

    /// The canonical spelling, used as the ledger key.
    pub fn canonical(&self) -> String {
        format!("{}{}", self.origin, self.prefix)
    }

    /// True when `url` is on this origin and under the prefix at a `/` boundary.
    pub fn matches(&self, url: &NormalizedUrl) -> bool {
        if url.origin() != self.origin {
            return false;
        }
        if self.prefix.is_empty() || url.path == self.prefix {
            return true;
        }
        url.path.len() > self.prefix.len()
            && url.path.starts_with(&self.prefix)
            && url.path.as_bytes()[self.prefix.len()] == b'/'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(key: &str, url: &str) -> bool {
        EndpointKey::parse(key)
            .unwrap()
            .matches(&parse(url).unwrap())
    }

    #[test]
    fn endpoint_matching_threats() {
        let k = "https://premium-api.io";
        assert!(m(k, "https://PREMIUM-API.io/x"));
        assert!(m(k, "https://premium-api.io:443/x"));
        assert!(m(k, "https://premium-api.io./x"));
        assert!(!m(k, "https://premium-api.io.evil.com/x"));
        assert!(!m(k, "https://premium-api.iox/x"));
        assert!(!m(k, "http://premium-api.io/x"));
        assert!(!m(k, "https://premium-api.io:8443/x"));
        assert!(!m(k, "https://evil.com\\@premium-api.io/x"));
        assert!(m(k, "https://evil.com@premium-api.io/x"));
        let p = "https://premium-api.io/v1/";
        assert!(m(p, "https://premium-api.io/v1"));
        assert!(m(p, "https://premium-api.io/v1/data"));
        assert!(!m(p, "https://premium-api.io/v10/data"));
        assert!(!m(p, "https://premium-api.io/v1/../admin"));
        assert!(m(p, "https://premium-api.io/x/../v1/a"));
        assert!(m(p, "https://premium-api.io/%76%31/a"));
        assert!(!m(p, "https://premium-api.io/v1%2Fa"));
    }

    #[test]
    fn rejects_bad_urls() {
        for u in [
            "ftp://a/",
            "https://",
            "https:///x",
            "https://a b/",
            "https://a:99999/",
            "https://a:x/",
            "https://[zz]/",
            "https://[::1]x/",
            "https://1.2.3.4.5/",
            "https://0x100000000/",
            "https://a/%zz",
            "https://a%zzb/",
            "//a/b",
            "https://a..b/",
            "https://.a/",
        ] {
            assert_eq!(parse(u), Err(Code::UrlInvalid), "{u}");
        }
        assert!(EndpointKey::parse("https://a/?q=1").is_err());
    }

    #[test]
    fn normal_forms() {
        assert_eq!(parse("http://A:80").unwrap().to_url_string(), "http://a/");
        assert_eq!(
            parse("https://[::1]:8443/a").unwrap().origin(),
            "https://[::1]:8443"
        );
        assert_eq!(
            parse("https://a/%7euser/%2e%2e/x?q=%7e%2f")
                .unwrap()
                .to_url_string(),
            "https://a/x?q=~%2F"
        );
    }
}
