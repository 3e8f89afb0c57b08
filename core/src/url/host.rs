//! The WHATWG host parser for http(s) URLs: one spelling per host.
//!
//! [`parse_host`] follows the WHATWG URL Standard's host parser for special
//! schemes, so every way of writing one host ends in the same string:
//!
//! 1. `[…]` is an IPv6 address, parsed as WHATWG does (`::` compression,
//!    hex pieces of up to 4 digits, an embedded dotted IPv4 tail) and written
//!    in its serialisation: lower-case hex, no leading zeros, the first
//!    longest run of two or more zero pieces as `::`. One deliberate
//!    difference: an IPv4-mapped address (`::ffff:a.b.c.d`) is the IPv4 host
//!    `a.b.c.d` (a dual-stack socket reaches that host), where WHATWG keeps
//!    `[::ffff:…]`.
//! 2. Otherwise the host is percent-decoded (`%41` is `A`; the bytes must be
//!    UTF-8), mapped to ASCII by [`super::idna::domain_to_ascii`], and checked
//!    for forbidden domain code points.
//! 3. If it "ends in a number" (its last label, a trailing dot aside, is all
//!    digits or a `0x` hex number), it is an IPv4 address and must parse as
//!    one: 1 to 4 parts, each decimal, octal (`0`-prefixed) or hex (`0x`),
//!    every part but the last at most 255 and the last filling the remaining
//!    bytes (`127.1`, `0x7f.1`, `2130706433`, `0177.0.0.1` are all
//!    `127.0.0.1`); anything else (`1.2.3.4.5`, `0x100000000`, `a.1`) is
//!    invalid. It is written as dotted decimal.
//! 4. A domain loses one trailing dot (`a.example.` is `a.example`: the same
//!    DNS name; WHATWG keeps the dot). Empty labels otherwise (`a..b`, `.a`,
//!    `a..`) are refused, where WHATWG keeps them.
//!
//! Every refusal is `url-invalid`.

use super::idna;
use crate::error::Code;

/// Longest host accepted before decoding, in bytes.
pub const MAX_HOST_BYTES: usize = 1024;

/// The canonical host: a lower-case ASCII domain without a trailing dot, a
/// dotted-decimal IPv4 address, or a bracketed IPv6 address.
pub fn parse_host(input: &str) -> Result<String, Code> {
    if input.is_empty() || input.len() > MAX_HOST_BYTES {
        return Err(Code::UrlInvalid);
    }
    if let Some(inner) = input.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or(Code::UrlInvalid)?;
        let a = parse_ipv6(inner.as_bytes()).ok_or(Code::UrlInvalid)?;
        if a[..5] == [0; 5] && a[5] == 0xffff {
            let v4 = (u32::from(a[6]) << 16) | u32::from(a[7]);
            return Ok(ipv4_string(v4));
        }
        return Ok(format!("[{}]", ipv6_string(&a)));
    }
    let decoded = percent_decode(input)?;
    let text = String::from_utf8(decoded).map_err(|_| Code::UrlInvalid)?;
    let ascii = idna::domain_to_ascii(&text)?;
    if ascii.bytes().any(forbidden_domain_byte) {
        return Err(Code::UrlInvalid);
    }
    if ends_in_number(&ascii) {
        return parse_ipv4(&ascii).map(ipv4_string).ok_or(Code::UrlInvalid);
    }
    let domain = ascii.strip_suffix('.').unwrap_or(&ascii);
    if domain.is_empty() || domain.split('.').any(str::is_empty) {
        return Err(Code::UrlInvalid);
    }
    Ok(domain.to_string())
}

/// WHATWG percent-decode: `%XX` is one byte; a `%` not followed by two hex
/// digits would stay and is a forbidden code point, so it is refused here.
fn percent_decode(s: &str) -> Result<Vec<u8>, Code> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: Option<&u8>| c.and_then(|c| (*c as char).to_digit(16));
            match (hex(b.get(i + 1)), hex(b.get(i + 2))) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => return Err(Code::UrlInvalid),
            }
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// A forbidden domain code point of the WHATWG URL Standard (ASCII part):
/// C0 controls, space, `#`, `%`, `/`, `:`, `<`, `>`, `?`, `@`, `[`, `\`,
/// `]`, `^`, `|`, DEL.
fn forbidden_domain_byte(b: u8) -> bool {
    b <= 0x20 || b == 0x7f || b"#%/:<>?@[\\]^|".contains(&b)
}

/// The WHATWG "ends in a number" checker.
fn ends_in_number(s: &str) -> bool {
    let mut parts: Vec<&str> = s.split('.').collect();
    if parts.last() == Some(&"") {
        if parts.len() == 1 {
            return false;
        }
        parts.pop();
    }
    let last = parts.last().copied().unwrap_or("");
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    parse_ipv4_number(last).is_some()
}

/// The WHATWG IPv4 number parser; values past `u64` saturate (they are
/// refused by the range checks anyway).
fn parse_ipv4_number(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (h, 16)
    } else if s.len() > 1 && s.starts_with('0') {
        (&s[1..], 8)
    } else {
        (s, 10)
    };
    let mut v: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        v = v
            .saturating_mul(u64::from(radix))
            .saturating_add(u64::from(d));
    }
    Some(v)
}

/// The WHATWG IPv4 parser.
fn parse_ipv4(s: &str) -> Option<u32> {
    let mut parts: Vec<&str> = s.split('.').collect();
    if parts.last() == Some(&"") && parts.len() > 1 {
        parts.pop();
    }
    if parts.len() > 4 {
        return None;
    }
    let numbers = parts
        .iter()
        .map(|p| parse_ipv4_number(p))
        .collect::<Option<Vec<u64>>>()?;
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|&n| n > 255) || *last >= 256u64.pow(5 - numbers.len() as u32) {
        return None;
    }
    let mut v = *last;
    for (i, n) in init.iter().enumerate() {
        v += n << (8 * (3 - i));
    }
    u32::try_from(v).ok()
}

fn ipv4_string(v: u32) -> String {
    let b = v.to_be_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

/// The WHATWG IPv6 parser (without the brackets).
fn parse_ipv6(input: &[u8]) -> Option<[u16; 8]> {
    let mut a = [0u16; 8];
    let mut piece = 0usize;
    let mut compress: Option<usize> = None;
    let mut p = 0usize;
    let len = input.len();
    let at = |i: usize| input.get(i).copied();
    if at(0) == Some(b':') {
        if at(1) != Some(b':') {
            return None;
        }
        p = 2;
        piece = 1;
        compress = Some(1);
    }
    while p < len {
        if piece == 8 {
            return None;
        }
        if input[p] == b':' {
            if compress.is_some() {
                return None;
            }
            p += 1;
            piece += 1;
            compress = Some(piece);
            continue;
        }
        let mut value: u32 = 0;
        let mut length = 0;
        while length < 4 {
            match at(p).and_then(|c| (c as char).to_digit(16)) {
                Some(d) => {
                    value = value * 16 + d;
                    p += 1;
                    length += 1;
                }
                None => break,
            }
        }
        match at(p) {
            Some(b'.') => {
                if length == 0 || piece > 6 {
                    return None;
                }
                p -= length;
                let mut seen = 0;
                while p < len {
                    if seen > 0 {
                        if input[p] == b'.' && seen < 4 {
                            p += 1;
                        } else {
                            return None;
                        }
                    }
                    let mut v4: Option<u32> = None;
                    while let Some(c @ b'0'..=b'9') = at(p) {
                        let n = u32::from(c - b'0');
                        v4 = match v4 {
                            None => Some(n),
                            Some(0) => return None,
                            Some(v) => Some(v * 10 + n),
                        };
                        if v4 > Some(255) {
                            return None;
                        }
                        p += 1;
                    }
                    let v4 = v4?;
                    a[piece] = ((u32::from(a[piece]) << 8) | v4) as u16;
                    seen += 1;
                    if seen == 2 || seen == 4 {
                        piece += 1;
                    }
                }
                if seen != 4 {
                    return None;
                }
                break;
            }
            Some(b':') => {
                p += 1;
                if p >= len {
                    return None;
                }
            }
            Some(_) => return None,
            None => {}
        }
        a[piece] = value as u16;
        piece += 1;
    }
    match compress {
        Some(c) => {
            let mut swaps = piece - c;
            piece = 7;
            while piece != 0 && swaps > 0 {
                a.swap(piece, c + swaps - 1);
                piece -= 1;
                swaps -= 1;
            }
        }
        None if piece != 8 => return None,
        None => {}
    }
    Some(a)
}

/// The WHATWG IPv6 serialiser (without the brackets).
fn ipv6_string(a: &[u16; 8]) -> String {
    // The first longest run of two or more zero pieces.
    let (mut best, mut best_len) = (None, 1);
    let mut i = 0;
    while i < 8 {
        let start = i;
        while i < 8 && a[i] == 0 {
            i += 1;
        }
        if i - start > best_len {
            best = Some(start);
            best_len = i - start;
        }
        i += 1;
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if Some(i) == best {
            out.push_str(if i == 0 { "::" } else { ":" });
            i += best_len;
            continue;
        }
        out.push_str(&format!("{:x}", a[i]));
        if i != 7 {
            out.push(':');
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Result<String, Code> {
        parse_host(s)
    }

    #[test]
    fn ipv4_spellings_are_one_host() {
        for s in [
            "127.0.0.1",
            "2130706433",
            "0x7f.1",
            "0X7F.0.0.1",
            "0177.0.0.1",
            "127.1",
            "127.0.1",
            "0x7f000001",
            "017700000001",
            "127.0.0.1.",
            "%31%32%37.0.0.1",
            "\u{ff11}\u{ff12}\u{ff17}.0.0.1",
            "127\u{3002}0\u{3002}0\u{3002}1",
            "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]",
            "[0:0:0:0:0:ffff:7f00:0001]",
        ] {
            assert_eq!(h(s).as_deref(), Ok("127.0.0.1"), "{s}");
        }
        assert_eq!(h("0").as_deref(), Ok("0.0.0.0"));
        assert_eq!(h("0x").as_deref(), Ok("0.0.0.0"));
        assert_eq!(h("4294967295").as_deref(), Ok("255.255.255.255"));
        assert_eq!(h("1.2.3.4.").as_deref(), Ok("1.2.3.4"));
    }

    #[test]
    fn ipv4_refusals() {
        for s in [
            "1.2.3.4.5",
            "0x100000000",
            "4294967296",
            "256.0.0.1",
            "1.256.0.1",
            "1.2.65536",
            "1.2.3.09",
            "a.1",
            "foo.0x4",
            "1..2",
            "99999999999999999999999999",
            "1.2.3.4..",
        ] {
            assert_eq!(h(s), Err(Code::UrlInvalid), "{s}");
        }
        // Not a number: a domain.
        assert_eq!(h("1.2.3.a").as_deref(), Ok("1.2.3.a"));
        assert_eq!(h("0x7g").as_deref(), Ok("0x7g"));
    }

    #[test]
    fn ipv6_forms() {
        for (i, o) in [
            ("[::1]", "[::1]"),
            ("[0:0::1]", "[::1]"),
            ("[0:0:0:0:0:0:0:1]", "[::1]"),
            ("[::]", "[::]"),
            ("[2001:DB8::1]", "[2001:db8::1]"),
            ("[2001:0db8:0000:0000:0000:0000:0000:0001]", "[2001:db8::1]"),
            ("[1:0:0:2:0:0:0:3]", "[1:0:0:2::3]"),
            ("[1:0:2:0:3:0:4:0]", "[1:0:2:0:3:0:4:0]"),
            ("[1:0:0:2:0:0:3:4]", "[1::2:0:0:3:4]"),
            ("[::1.2.3.4]", "[::102:304]"),
            ("[64:ff9b::127.0.0.1]", "[64:ff9b::7f00:1]"),
            ("[fe80::1:2:3:4:5]", "[fe80::1:2:3:4:5]"),
            ("[1:0:2:3:4:5:6:7]", "[1:0:2:3:4:5:6:7]"),
        ] {
            assert_eq!(h(i).as_deref(), Ok(o), "{i}");
        }
        for s in [
            "[]",
            "[:]",
            "[:1]",
            "[1:]",
            "[::1",
            "[1::2::3]",
            "[1:2:3:4:5:6:7:8:9]",
            "[12345::]",
            "[::1.2.3]",
            "[::1.2.3.4.5]",
            "[::01.2.3.4]",
            "[::256.2.3.4]",
            "[1:2:3:4:5:6:7:1.2.3.4]",
            "[::1%25eth0]",
            "[zz]",
        ] {
            assert_eq!(h(s), Err(Code::UrlInvalid), "{s}");
        }
    }

    #[test]
    fn domains() {
        assert_eq!(h("A.Example.").as_deref(), Ok("a.example"));
        assert_eq!(h("%41.example").as_deref(), Ok("a.example"));
        assert_eq!(h("a%2eb").as_deref(), Ok("a.b"));
        assert_eq!(h("a_b.example").as_deref(), Ok("a_b.example"));
        for s in [
            "a..b", ".a", "a..", ".", "a%", "a%2", "a%zz", "a%00b", "a%20b", "a%2fb", "a%3a1",
            "a%40b", "a%ffb", "a^b", "a|b",
        ] {
            assert_eq!(h(s), Err(Code::UrlInvalid), "{s}");
        }
    }
}
