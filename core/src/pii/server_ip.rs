//! Loopback and unspecified addresses are not personal data.
//!
//! `127.0.0.1`, `::1`, `0.0.0.0` name this machine, never a person, so they
//! are not reported as `IP_ADDRESS` wherever they appear; nor is any other
//! IPv6 address of one group after `::` (`::8080`: a port after a stripped
//! host, in a block of RFC 4291 that is assigned to no host). (An IP in a URL's
//! host position is skipped by the recognizers themselves:
//! `numeric::url_host`.)

use core::net::{Ipv4Addr, Ipv6Addr};

/// True when `text[start..end]` is a loopback or unspecified IPv4 address, or
/// an IPv6 address whose first seven groups are zero (`::`, `::1`, `::8080`).
pub(crate) fn is_local_address(text: &str, start: usize, end: usize) -> bool {
    let Some(span) = text.get(start..end) else {
        return false;
    };
    let bare = span.trim_start_matches('[').trim_end_matches(']');
    match (bare.parse::<Ipv4Addr>(), bare.parse::<Ipv6Addr>()) {
        (Ok(v4), _) => v4.is_loopback() || v4.is_unspecified(),
        (_, Ok(v6)) => v6.segments()[..7] == [0; 7],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_local_address;

    fn at(text: &str, ip: &str) -> bool {
        let s = text.find(ip).unwrap();
        is_local_address(text, s, s + ip.len())
    }

    #[test]
    fn loopback_unspecified_and_one_group_after_double_colon() {
        assert!(at("connect to 127.0.0.1", "127.0.0.1"));
        assert!(at("peer [::1]:8080", "::1"));
        assert!(at("bind 0.0.0.0", "0.0.0.0"));
        assert!(!at("visitor 203.0.113.7 paid", "203.0.113.7"));
        assert!(!at("device 192.168.1.20", "192.168.1.20"));
        assert!(at("listen ::8080", "::8080"));
        assert!(!at("mapped ::ffff:1.2.3.4", "::ffff:1.2.3.4"));
        assert!(!at("compatible ::1.2.3.4", "::1.2.3.4"));
        assert!(!at("peer 2001:db8::1", "2001:db8::1"));
    }
}
