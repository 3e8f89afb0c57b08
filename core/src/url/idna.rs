//! Domain to ASCII: a small, deliberately partial UTS-46 ("UTS-46-lite").
//!
//! WHATWG maps a domain with UTS-46 `ToASCII` (non-transitional,
//! `CheckHyphens`, `UseSTD3ASCIIRules` and `VerifyDnsLength` off,
//! `CheckBidi` and `CheckJoiners` on). The `idna` crate does that exactly, but
//! its Unicode data would take the component past its 1 MiB cap (measured:
//! 1,138,252 bytes with `idna` 1.1 on ICU4X, 1,152,398 on the unicode-rs back
//! end, against 1,001,956 without; the `url` crate depends on `idna`). So this
//! module does what it can check and refuses the rest (`url-invalid`):
//!
//! * An ASCII domain is lower-cased (what UTS-46 does to ASCII). A label
//!   starting `xn--` must be canonical punycode (RFC 3492; re-encoding gives
//!   it back) of a label of the repertoire below, not all ASCII, in NFC and
//!   unchanged by the mapping; it is kept as written (lower-cased).
//! * A non-ASCII domain: `U+3002`, `U+FF0E` and `U+FF61` are dots, a
//!   fullwidth ASCII form (`U+FF01..U+FF5E`) is its ASCII character, and
//!   every other non-ASCII code point must be in the repertoire: the letters
//!   of Latin-1, Latin Extended-A/B and Additional, Greek, Cyrillic (and its
//!   supplement), Armenian, Hiragana, Katakana, CJK Unified Ideographs and
//!   Hangul syllables. Each is mapped as NFKC then per-character lower case
//!   (`char::to_lowercase`, read from the core's own table of the repertoire,
//!   [`crate::ucd::lower_repertoire`], as the standard library's of every
//!   script took about 12 KB of the component; not `str::to_lowercase`, whose
//!   final-sigma rule UTS-46 does not have), and every non-ASCII character of
//!   the result must be a letter of the
//!   repertoire, not a combining mark, that lower case and NFKC leave as it
//!   is: a mapped label is a fixed point of the mapping and already in NFC.
//!   Non-ASCII labels are written `xn--` + punycode.
//!
//! NFKC is taken per code point from the core's own decomposition tables
//! ([`crate::ucd`]; composition tables would add ~40 KB, measured with
//! `unicode-normalization` at 1,048,755 bytes, over the cap). So nothing is
//! composed: a code point whose compatibility mapping holds a combining mark
//! (`ǅ`, `ϓ`) and decomposed input (`u` + `U+0308`) are refused.
//!
//! Where this differs from full UTS-46 (always by refusing, never by another
//! answer): other scripts (Arabic, Hebrew and every right-to-left script, so
//! the bidi rule never applies; Indic and Thai scripts, whose combining marks
//! need the General_Category table), combining marks and decomposed input,
//! Hangul jamo, symbols and punctuation, code points UTS-46 maps to nothing
//! (soft hyphen, zero width space, variation selectors), the joiners
//! ZWJ/ZWNJ (CheckJoiners needs joining types), code points whose mapping
//! leaves the repertoire (`İ` maps to `i` + `U+0307`), and a few code points
//! whose UTS-46 mapping is not NFKC + lower case ([`EXCEPTIONS`]: e.g. `ẞ`
//! maps to `ss`, `Ӏ` is disallowed). The Node test `url-canon.test.mjs`
//! checks every code point the core accepts against WHATWG `new URL()`
//! (33,542 of them, inside a label and at its start, none differs).

use crate::error::Code;
use crate::ucd::{is_combining_mark, lower_repertoire, nfkc_repertoire, SCRIPTS};

/// Longest domain mapped, in characters (punycode is quadratic).
pub(super) const MAX_DOMAIN_CHARS: usize = 512;

/// Code points of the repertoire whose UTS-46 mapping is not NFKC + lower
/// case, or which UTS-46 disallows: refused.
pub(super) const EXCEPTIONS: &[(char, char)] = &[
    ('\u{03F2}', '\u{03F2}'), // ϲ: UTS-46 maps to σ
    ('\u{04C0}', '\u{04C0}'), // Ӏ: UTS-46 disallowed
    ('\u{0558}', '\u{0558}'), // ՘: newer than the UTS-46 data of today's browsers
    ('\u{1E9A}', '\u{1E9F}'), // ẚ..ẟ: ẚ maps to aʾ, ẞ to ss
];

/// Maps a percent-decoded host to ASCII (see the module notes).
pub(super) fn domain_to_ascii(s: &str) -> Result<String, Code> {
    if s.is_ascii() {
        let lower = s.to_ascii_lowercase();
        for label in lower.split('.') {
            check_ace(label)?;
        }
        return Ok(lower);
    }
    if s.chars().count() > MAX_DOMAIN_CHARS {
        return Err(Code::UrlInvalid);
    }
    let mut mapped = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{3002}' | '\u{FF0E}' | '\u{FF61}' => mapped.push('.'),
            c if c.is_ascii() => mapped.push(c.to_ascii_lowercase()),
            // NFKC of a fullwidth ASCII form is its ASCII character.
            '\u{FF01}'..='\u{FF5E}' => {
                let a = char::from_u32(c as u32 - 0xFEE0).ok_or(Code::UrlInvalid)?;
                mapped.push(a.to_ascii_lowercase());
            }
            c if in_scripts(c) => {
                for d in nfkc_repertoire(c).ok_or(Code::UrlInvalid)? {
                    // A lower case of more than one code point (`İ`: `i` +
                    // U+0307) would leave the repertoire: refused.
                    mapped.push(lower_repertoire(d).ok_or(Code::UrlInvalid)?);
                }
            }
            _ => return Err(Code::UrlInvalid),
        }
    }
    let mut out = String::with_capacity(mapped.len() * 2);
    for (i, label) in mapped.split('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        if label.is_ascii() {
            check_ace(label)?;
            out.push_str(label);
            continue;
        }
        if !label.chars().all(|c| c.is_ascii() || is_output(c)) {
            return Err(Code::UrlInvalid);
        }
        let ace = encode(&label.chars().collect::<Vec<_>>()).ok_or(Code::UrlInvalid)?;
        // What `decode` (and so a reparse of this output) accepts, no more.
        if ace.len() > MAX_DOMAIN_CHARS {
            return Err(Code::UrlInvalid);
        }
        out.push_str("xn--");
        out.push_str(&ace);
    }
    // The canonical host must parse again as written (found by the url fuzz target).
    if out.len() > super::MAX_HOST_BYTES {
        return Err(Code::UrlInvalid);
    }
    Ok(out)
}

/// An `xn--` label (lower case) must be the canonical punycode of a label of
/// the repertoire that is not all ASCII and is its own mapping.
fn check_ace(label: &str) -> Result<(), Code> {
    let Some(rest) = label.strip_prefix("xn--") else {
        return Ok(());
    };
    let chars = decode(rest).ok_or(Code::UrlInvalid)?;
    let ok = chars.iter().any(|c| !c.is_ascii())
        && chars.iter().all(|&c| c.is_ascii() || is_output(c))
        && encode(&chars).as_deref() == Some(rest);
    if ok {
        Ok(())
    } else {
        Err(Code::UrlInvalid)
    }
}

/// A code point of the repertoire's scripts, not an exception.
fn in_scripts(c: char) -> bool {
    SCRIPTS.iter().any(|&(a, b)| (a..=b).contains(&c))
        && !EXCEPTIONS.iter().any(|&(a, b)| (a..=b).contains(&c))
}

/// A non-ASCII code point that may stay in a mapped label: a letter of the
/// repertoire, not a combining mark, that lower case and NFKC leave as it is
/// (so a mapped label is a fixed point, and in NFC: it holds no combining
/// mark, and no two letters of the repertoire compose).
fn is_output(c: char) -> bool {
    in_scripts(c)
        && c.is_alphabetic()
        && !is_combining_mark(c)
        && lower_repertoire(c) == Some(c)
        && nfkc_repertoire(c).is_some_and(|m| m == [c])
}

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;

fn threshold(k: u32, bias: u32) -> u32 {
    if k <= bias {
        T_MIN
    } else if k >= bias + T_MAX {
        T_MAX
    } else {
        k - bias
    }
}

fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + 38)
}

fn digit(d: u32) -> char {
    // d < 36 by construction.
    if d < 26 {
        (b'a' + d as u8) as char
    } else {
        (b'0' + (d - 26) as u8) as char
    }
}

/// RFC 3492 encoding (without `xn--`); `None` on overflow.
pub(super) fn encode(input: &[char]) -> Option<String> {
    let mut out: String = input.iter().filter(|c| c.is_ascii()).collect();
    let basic = out.len() as u32;
    let mut h = basic;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias) = (128u32, 0u32, 72u32);
    while (h as usize) < input.len() {
        let m = input.iter().map(|&c| c as u32).filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(h + 1)?)?;
        n = m;
        for &c in input {
            let c = c as u32;
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, h + 1, h == basic);
                delta = 0;
                h += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

/// RFC 3492 decoding (without `xn--`); `None` when malformed.
pub(super) fn decode(input: &str) -> Option<Vec<char>> {
    let (basic, rest) = match input.rfind('-') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => ("", input),
    };
    if !basic.is_ascii() || input.len() > MAX_DOMAIN_CHARS {
        return None;
    }
    let mut out: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let mut it = rest.bytes().peekable();
    while it.peek().is_some() {
        let old = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let d = match it.next()? {
                c @ b'a'..=b'z' => c - b'a',
                c @ b'A'..=b'Z' => c - b'A',
                c @ b'0'..=b'9' => c - b'0' + 26,
                _ => return None,
            } as u32;
            i = i.checked_add(d.checked_mul(w)?)?;
            let t = threshold(k, bias);
            if d < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = out.len() as u32 + 1;
        bias = adapt(i - old, len, old == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        out.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Result<String, Code> {
        domain_to_ascii(s)
    }

    #[test]
    fn rfc3492_samples() {
        // RFC 3492 §7.1 (lower-cased), and round trips.
        for (u, p) in [
            ("ü", "tda"),
            ("bücher", "bcher-kva"),
            ("münchen", "mnchen-3ya"),
            ("他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"),
            (
                "почемужеонинеговорятпорусски",
                "b1abfaaepdrnnbgefbadotcwatmq2g4l",
            ),
            ("3年b組金八先生", "3b-ww4c5e180e575a65lsy2b"),
            ("안녕하세요", "o70b841ad5c9qb763b"),
        ] {
            let chars: Vec<char> = u.chars().collect();
            assert_eq!(encode(&chars).as_deref(), Some(p), "{u}");
            assert_eq!(decode(p), Some(chars), "{p}");
        }
        assert_eq!(decode("a!"), None);
        assert_eq!(decode("99999999999"), None);
    }

    #[test]
    fn one_spelling_per_domain() {
        for s in [
            "münchen.de",
            "MÜNCHEN.de",
            "xn--mnchen-3ya.de",
            "XN--MNCHEN-3YA.DE",
            "ｍüｎｃｈｅｎ.de",
            "münchen\u{3002}de",
        ] {
            assert_eq!(a(s).as_deref(), Ok("xn--mnchen-3ya.de"), "{s}");
        }
        // Per-character lower case: a capital sigma is σ even at the end.
        assert_eq!(a("ΟΔΟΣ.gr"), a("οδοσ.gr"));
        assert_ne!(a("ΟΔΟΣ.gr"), a("οδος.gr"));
        assert_eq!(a("faß.de").as_deref(), Ok("xn--fa-hia.de"));
    }

    #[test]
    fn the_output_parses_again() {
        // Fuzzing found a label whose punycode was longer than `decode` accepts:
        // the canonical form of an accepted host did not parse.
        let long = format!("中{}", "l".repeat(510));
        assert_eq!(a(&long), Err(Code::UrlInvalid));
        let three = ["中".repeat(150), "文".repeat(150), "说".repeat(150)].join(".");
        if let Ok(out) = a(&three) {
            assert_eq!(a(&out), Ok(out.clone()));
        }
        let ok = format!("{}{}", "中".repeat(6), "l".repeat(100));
        let out = a(&ok).expect("a long label that fits");
        assert_eq!(a(&out), Ok(out.clone()));
    }

    #[test]
    fn refusals() {
        for s in [
            "xn--",
            "xn--abc",
            "xn--abc-",
            "xn--zz",
            "xn--mnchen-3yA0.de",
            "xn--mnchen-3ya-.de",
            "a\u{00AD}b.de",       // soft hyphen: UTS-46 maps it to nothing
            "a\u{200D}b.de",       // ZWJ needs CheckJoiners
            "\u{05D0}.il",         // right to left
            "\u{0915}\u{093F}.in", // Indic combining mark
            "\u{1E9E}.de",         // ẞ maps to ss
            "\u{04C0}.ru",         // disallowed
            "\u{2603}.example",    // a symbol
            "xn--n3h.example",     // the same symbol as punycode
            "\u{0301}a.example",   // a leading combining mark
        ] {
            assert_eq!(a(s), Err(Code::UrlInvalid), "{s}");
        }
    }
}
