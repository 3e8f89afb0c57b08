//! IP addresses that are not personal data in payment metadata.
//!
//! An x402 resource URL names the *server*: `http://127.0.0.1:4021/weather`
//! or `https://203.0.113.7/report` identifies no person, and redacting its
//! host would break the URL. So an IP in a URL's host position, and any
//! loopback or unspecified address, is not reported as `IP_ADDRESS`. IPs
//! elsewhere (a query value such as `?client_ip=…`, free text) still are.

use core::net::{Ipv4Addr, Ipv6Addr};

/// True when the IP at `text[start..end]` is a URL's host or a
/// loopback/unspecified address.
pub(crate) fn is_server_address(text: &str, start: usize, end: usize) -> bool {
    let Some(span) = text.get(start..end) else {
        return false;
    };
    let bare = span.trim_start_matches('[').trim_end_matches(']');
    if let Ok(v4) = bare.parse::<Ipv4Addr>() {
        if v4.is_loopback() || v4.is_unspecified() {
            return true;
        }
    }
    if let Ok(v6) = bare.parse::<Ipv6Addr>() {
        if v6.is_loopback() || v6.is_unspecified() {
            return true;
        }
    }
    in_url_host(text, start, end)
}

/// True when `text[start..end]` is the host of a `scheme://` URL.
fn in_url_host(text: &str, start: usize, end: usize) -> bool {
    let before = &text[..start];
    let Some(sep) = before.rfind("://") else {
        return false;
    };
    let authority_head = &before[sep + 3..];
    // Only user info may stand between `://` and the host.
    let head_ok = authority_head.is_empty()
        || authority_head == "["
        || (authority_head.ends_with('@') || authority_head.ends_with("@["))
            && !authority_head.contains(['/', '?', '#', ' ']);
    let scheme_ok = before[..sep]
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.'))
        .next()
        .is_some_and(|s| !s.is_empty());
    let after = text[end..].chars().next();
    head_ok && scheme_ok && matches!(after, None | Some('/' | ':' | '?' | '#' | ']'))
}

#[cfg(test)]
mod tests {
    use super::is_server_address;

    fn at(text: &str, ip: &str) -> bool {
        let s = text.find(ip).unwrap();
        is_server_address(text, s, s + ip.len())
    }

    #[test]
    fn hosts_and_loopback_are_not_personal() {
        assert!(at("http://127.0.0.1:4021/weather", "127.0.0.1"));
        assert!(at("https://203.0.113.7/report", "203.0.113.7"));
        assert!(at("https://user@203.0.113.7/report", "203.0.113.7"));
        assert!(at("http://[2001:db8::1]:8080/x", "2001:db8::1"));
        assert!(at("connect to 127.0.0.1", "127.0.0.1"));
        assert!(!at("https://api.example.com/geo?client_ip=203.0.113.7", "203.0.113.7"));
        assert!(!at("visitor 203.0.113.7 paid", "203.0.113.7"));
        assert!(!at("https://a.example/x/203.0.113.7", "203.0.113.7"));
    }
}
