//! IP_ADDRESS, version 6 (RFC 4291 text forms, with `::` and a dotted tail).

use super::hit::{label_colon, Hit};
use super::EntityType;

/// Longest IPv6 text form (with a dotted IPv4 tail) plus trailing punctuation.
const MAX_TEXT_LEN: usize = 48;

fn is_v6(c: u8) -> bool {
    c.is_ascii_hexdigit() || c == b':' || c == b'.'
}

/// Finds IPv6 addresses in normalised text.
pub(crate) fn scan(t: &str, out: &mut Vec<Hit>) {
    let b = t.as_bytes();
    let mut from = 0;
    while let Some(off) = b
        .get(from..)
        .and_then(|r| r.iter().position(|&c| c == b':'))
    {
        let colon = from + off;
        // The whole run of address characters around this colon; every byte
        // is visited a bounded number of times (the run is skipped after).
        let mut s = colon;
        while s > from && is_v6(b[s - 1]) {
            s -= 1;
        }
        let mut e = colon;
        while e < b.len() && is_v6(b[e]) {
            e += 1;
        }
        from = e.max(colon + 1);
        if e - s > MAX_TEXT_LEN {
            continue;
        }
        // Leading dots are punctuation (`ip...2001:db8::1`).
        while s < e && b[s] == b'.' {
            s += 1;
        }
        if s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_') {
            // A label glued by one `:` (`ip:2001:db8::1`, `source:fe80::1`):
            // the address starts after it.
            match b[s..e].iter().position(|&c| c == b':') {
                Some(k) if b.get(s + k + 1) != Some(&b':') && label_colon(b, s + k) => s += k + 1,
                _ => continue,
            }
        }
        if e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
            continue;
        }
        // Trailing sentence punctuation or a lone `:`.
        while e > s
            && (b[e - 1] == b'.' || (b[e - 1] == b':' && b.get(e.wrapping_sub(2)) != Some(&b':')))
        {
            e -= 1;
        }
        if valid(&b[s..e]) && !super::numeric::url_host(b, s) {
            out.push(Hit::new(EntityType::IpAddress, s, e, 900));
        }
    }
}

fn valid_v4(s: &[u8]) -> bool {
    let mut n = 0;
    for p in s.split(|&c| c == b'.') {
        n += 1;
        if p.is_empty()
            || p.len() > 3
            || !p.iter().all(u8::is_ascii_digit)
            || (p.len() > 1 && p[0] == b'0')
        {
            return false;
        }
        if p.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0')) > 255 {
            return false;
        }
    }
    n == 4
}

/// Counts the groups of one side of `::`; `None` when malformed.
fn groups(side: &[u8], last_side: bool) -> Option<usize> {
    if side.is_empty() {
        return Some(0);
    }
    let parts: Vec<&[u8]> = side.split(|&c| c == b':').collect();
    let mut n = 0;
    for (k, p) in parts.iter().enumerate() {
        if p.contains(&b'.') {
            if !(last_side && k + 1 == parts.len() && valid_v4(p)) {
                return None;
            }
            n += 2;
        } else if p.is_empty() || p.len() > 4 || !p.iter().all(u8::is_ascii_hexdigit) {
            return None;
        } else {
            n += 1;
        }
    }
    Some(n)
}

fn valid(s: &[u8]) -> bool {
    if s.iter().filter(|&&c| c == b':').count() < 2 {
        return false;
    }
    match s.windows(2).position(|w| w == b"::") {
        Some(p) => {
            let (l, r) = (&s[..p], &s[p + 2..]);
            if r.windows(2).any(|w| w == b"::")
                || r.first() == Some(&b':')
                || l.last() == Some(&b':')
            {
                return false;
            }
            match (groups(l, r.is_empty()), groups(r, true)) {
                (Some(a), Some(b)) => a + b >= 1 && a + b <= 7,
                _ => false,
            }
        }
        None => groups(s, true) == Some(8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(t: &str) -> Vec<&str> {
        let mut v = Vec::new();
        scan(t, &mut v);
        v.iter().map(|h| &t[h.start..h.end]).collect()
    }

    #[test]
    fn v6() {
        assert_eq!(
            found("from 2001:db8::8a2e:370:7334."),
            ["2001:db8::8a2e:370:7334"]
        );
        assert_eq!(found("[fe80::1]:443"), ["fe80::1"]);
        assert_eq!(
            found("2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
            ["2001:0db8:85a3:0000:0000:8a2e:0370:7334"]
        );
        assert_eq!(found("::ffff:192.0.2.128"), ["::ffff:192.0.2.128"]);
        for t in [
            "12:30:45",
            "std::vector",
            "eip155:8453",
            "00:1a:2b:3c:4d:5e",
            "a:b",
            "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp",
        ] {
            assert!(found(t).is_empty(), "{t}");
        }
    }
}
