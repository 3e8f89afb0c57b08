//! EMAIL_ADDRESS: `local@domain.tld` with a validated domain.

use super::hit::Hit;
use super::EntityType;

/// A local-part byte: ASCII letters, digits, `._%+-`, and any byte of a
/// non-ASCII character (internationalised addresses, RFC 6531), so a local
/// part in another script is covered whole.
fn is_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-') || c >= 0x80
}

fn is_domain(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-')
}

/// True for `label(.label)+` where labels are 1..=63 alnum/hyphen bytes not
/// starting or ending with `-`, and the last label is 2..=24 letters.
fn valid_domain(d: &[u8]) -> bool {
    if d.len() > 253 {
        return false;
    }
    let mut labels = 0;
    let mut last: &[u8] = &[];
    for l in d.split(|&c| c == b'.') {
        if l.is_empty() || l.len() > 63 || l[0] == b'-' || l[l.len() - 1] == b'-' {
            return false;
        }
        labels += 1;
        last = l;
    }
    labels >= 2 && (2..=24).contains(&last.len()) && last.iter().all(u8::is_ascii_alphabetic)
}

/// The end of an IPv4 address literal at `i` (`[192.0.2.1]`, as
/// `core::net::Ipv4Addr` parses it: no leading zero), if one stands there.
fn ipv4_literal(b: &[u8], i: usize) -> Option<usize> {
    let r = b.get(i..)?.strip_prefix(b"[")?;
    let close = r.iter().take(16).position(|&c| c == b']')?;
    let text = core::str::from_utf8(&r[..close]).ok()?;
    text.parse::<core::net::Ipv4Addr>()
        .is_ok()
        .then_some(i + close + 2)
}

/// Finds e-mail addresses in normalised text.
pub(crate) fn scan(t: &str, out: &mut Vec<Hit>) {
    let b = t.as_bytes();
    let mut from = 0;
    while let Some(off) = b
        .get(from..)
        .and_then(|r| r.iter().position(|&c| c == b'@'))
    {
        let at = from + off;
        from = at + 1;
        let mut s = at;
        // An apostrophe between letters is the local part's too
        // (`o'brien@example.ie`); a quote before it is not (`'bob@x.io'`).
        let part = |s: usize| {
            is_local(b[s - 1])
                || (b[s - 1] == b'\''
                    && s >= 2
                    && b[s - 2].is_ascii_alphanumeric()
                    && b[s].is_ascii_alphanumeric())
        };
        while s > 0 && at - s < 64 && part(s) {
            s -= 1;
        }
        if s > 0 && part(s) {
            continue; // local part longer than 64
        }
        while s < at && matches!(b[s], b'.' | b'-' | b'+' | b'%') {
            s += 1;
        }
        if s == at || b[at - 1] == b'.' {
            continue;
        }
        // An address literal (`user@[192.0.2.1]`, RFC 5321): the whole
        // address, not only the IPv4 address inside it.
        if let Some(e) = ipv4_literal(b, at + 1) {
            out.push(Hit::new(EntityType::EmailAddress, s, e, 1000));
            from = e;
            continue;
        }
        let mut e = at + 1;
        while e < b.len() && e - at <= 254 && is_domain(b[e]) {
            e += 1;
        }
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        if e < b.len() && b[e].is_ascii_alphanumeric() {
            continue;
        }
        if valid_domain(&b[at + 1..e]) {
            out.push(Hit::new(EntityType::EmailAddress, s, e, 1000));
            from = e;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(t: &str) -> Vec<&str> {
        let mut v = Vec::new();
        scan(t, &mut v);
        v.iter().map(|h| &t[h.start..h.end]).collect()
    }

    #[test]
    fn emails() {
        assert_eq!(
            spans("https://x.io/u/alice@example.com?x=1"),
            ["alice@example.com"]
        );
        assert_eq!(
            spans("email=john.smith+tag@mail.co.uk."),
            ["john.smith+tag@mail.co.uk"]
        );
        assert_eq!(spans("to 用户名@example.com now"), ["用户名@example.com"]);
        assert_eq!(spans("Ёжик.ёж@example.com"), ["Ёжик.ёж@example.com"]);
        assert_eq!(spans("pkg@1.2.3 and @scope/x"), Vec::<&str>::new());
        assert_eq!(spans("user@localhost"), Vec::<&str>::new());
        assert_eq!(spans("a@b.c"), Vec::<&str>::new());
        // An apostrophe between letters, not a quote around the address.
        assert_eq!(spans("mail o'brien@example.ie"), ["o'brien@example.ie"]);
        assert_eq!(spans("{'to':'bob@example.com'}"), ["bob@example.com"]);
        assert_eq!(spans("to='bob@example.com'"), ["bob@example.com"]);
        // An address literal is the whole address; a bad one is none.
        assert_eq!(spans("mail user@[192.0.2.1] now"), ["user@[192.0.2.1]"]);
        for t in [
            "user@[192.0.2.256]",
            "user@[1.2.3]",
            "user@[01.2.3.4]",
            "user@[a.b.c.d]",
        ] {
            assert_eq!(spans(t), Vec::<&str>::new(), "{t}");
        }
    }
}
