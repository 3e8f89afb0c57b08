//! Webhook URLs and addresses: the host of a webhook URL, and whether a host
//! or resolved address is private (refused unless `allow_private_webhooks`).

use crate::error::Code;
use core::net::{Ipv4Addr, Ipv6Addr};

/// Longest webhook URL, in bytes.
pub const MAX_URL_BYTES: usize = 2048;

/// The host of an absolute `http`/`https` URL (lower-cased, IPv6 without
/// brackets), or [`Code::UrlInvalid`]: userinfo, whitespace, control or
/// non-ASCII characters, a bad port, or an empty host.
pub(super) fn url_host(url: &str) -> Result<String, Code> {
    let bad = Code::UrlInvalid;
    if url.len() > MAX_URL_BYTES || !url.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad);
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or(bad)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains(['@', '\\']) {
        return Err(bad);
    }
    let (host, port) = if let Some(r) = authority.strip_prefix('[') {
        let (h, after) = r.split_once(']').ok_or(bad)?;
        h.parse::<Ipv6Addr>().map_err(|_| bad)?;
        if !after.is_empty() && !after.starts_with(':') {
            return Err(bad);
        }
        (h, after.strip_prefix(':'))
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if let Some(p) = port {
        let ok = !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n));
        if !ok {
            return Err(bad);
        }
    }
    let label_ok =
        |l: &str| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !authority.starts_with('[') && !host.trim_end_matches('.').split('.').all(label_ok) {
        return Err(bad);
    }
    Ok(host.to_string())
}

/// Whether `host` (a host name or an IP literal, IPv6 with or without
/// brackets) is a private, loopback, link-local, unspecified, shared,
/// multicast, documentation or reserved address, or `localhost`. Host names
/// are otherwise public here (the host checks what they resolve to). A name
/// whose last label is numeric (`127.1`, `0x7f.1`, `2130706433`) must be a
/// plain dotted quad, else [`Code::UrlInvalid`], because resolvers read such
/// forms as addresses.
pub fn is_private_host(host: &str) -> Result<bool, Code> {
    let h = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let h = h.strip_suffix('.').unwrap_or(&h);
    if h == "localhost" || h.ends_with(".localhost") {
        return Ok(true);
    }
    if let Ok(v6) = h.parse::<Ipv6Addr>() {
        return Ok(private_v6(v6));
    }
    let last = h.rsplit('.').next().unwrap_or("");
    let numeric =
        !last.is_empty() && (last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x"));
    if numeric {
        let v4: Ipv4Addr = h.parse().map_err(|_| Code::UrlInvalid)?;
        return Ok(private_v4(v4));
    }
    Ok(false)
}

fn private_v4(a: Ipv4Addr) -> bool {
    let [o0, o1, o2, _] = a.octets();
    o0 == 0
        || o0 == 10
        || o0 == 127
        || (o0 == 100 && (64..128).contains(&o1))
        || (o0 == 169 && o1 == 254)
        || (o0 == 172 && (16..32).contains(&o1))
        || (o0 == 192 && o1 == 0 && (o2 == 0 || o2 == 2))
        || (o0 == 192 && o1 == 168)
        || (o0 == 198 && (o1 == 18 || o1 == 19))
        || (o0 == 198 && o1 == 51 && o2 == 100)
        || (o0 == 203 && o1 == 0 && o2 == 113)
        || o0 >= 224
}

fn private_v6(a: Ipv6Addr) -> bool {
    let s = a.segments();
    if let Some(v4) = a.to_ipv4_mapped() {
        return private_v4(v4);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let o = a.octets();
        return private_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
    }
    a.is_unspecified()
        || a.is_loopback()
        || s[..6] == [0; 6] // IPv4-compatible (deprecated)
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] & 0xff00) == 0xff00 // multicast
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_hosts() {
        for h in [
            "127.0.0.1",
            "10.1.2.3",
            "localhost",
            "[::1]",
            "::ffff:192.168.1.1",
            "169.254.169.254",
            "fd00::1",
            "0.0.0.0",
        ] {
            assert_eq!(is_private_host(h), Ok(true), "{h}");
        }
        for h in ["8.8.8.8", "approvals.internal", "2606:4700::1111"] {
            assert_eq!(is_private_host(h), Ok(false), "{h}");
        }
        for h in ["127.1", "0x7f.0.0.1", "2130706433", "017.0.0.1"] {
            assert_eq!(is_private_host(h), Err(Code::UrlInvalid), "{h}");
        }
        for u in [
            "https://[::1]x/",
            "https://[::1/",
            "https:///p",
            "https://a..b/",
            "https://%31.0.0.1/",
            "https://a.example:/",
        ] {
            assert_eq!(url_host(u), Err(Code::UrlInvalid), "{u}");
        }
        assert_eq!(
            url_host("HTTPS://Approvals.Example.COM:8443/x?y#z").unwrap(),
            "approvals.example.com"
        );
        assert_eq!(
            url_host("http://[2606:4700::1111]:80/").unwrap(),
            "2606:4700::1111"
        );
    }
}
