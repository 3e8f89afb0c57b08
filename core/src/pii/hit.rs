//! A raw recognizer match in normalised coordinates.

use super::EntityType;

/// One match before mapping back to the original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    /// What was matched.
    pub(crate) entity: EntityType,
    /// Start byte in the normalised text.
    pub(crate) start: usize,
    /// End byte (exclusive) in the normalised text.
    pub(crate) end: usize,
    /// Confidence, per mille.
    pub(crate) score: u16,
}

impl Hit {
    /// Builds a hit.
    pub(crate) fn new(entity: EntityType, start: usize, end: usize, score: u16) -> Hit {
        Hit {
            entity,
            start,
            end,
            score,
        }
    }
}

/// The lowercase ASCII word that ends at or before `end` (skipping up to a few
/// separator bytes such as spaces, `=`, `:`, `_`, `-`, `/`, `#`), within the
/// 24 bytes before `end`. Returns the word's bytes (possibly mixed case).
pub(crate) fn word_before(b: &[u8], end: usize) -> &[u8] {
    let mut e = end.min(b.len());
    let floor = end.saturating_sub(24);
    while e > floor
        && matches!(
            b[e - 1],
            b' ' | b'='
                | b':'
                | b'_'
                | b'-'
                | b'/'
                | b'#'
                | b'"'
                | b'\''
                | b'.'
                | b'?'
                | b'&'
                | b'('
        )
    {
        e -= 1;
    }
    let mut s = e;
    while s > floor && b[s - 1].is_ascii_alphabetic() {
        s -= 1;
    }
    &b[s..e]
}

/// True when the `:` at `colon` ends a label: two or more ASCII letters
/// (`_` allowed inside) and at most one digit after them, as in
/// `card:4111…`, `tel:+1…`, `ipv6:2001:db8::1`. Not after a number or a
/// word with more digits (`12:30`, `eip155:8453`, `sha256:…`) or one letter.
pub(crate) fn label_colon(b: &[u8], colon: usize) -> bool {
    if b.get(colon) != Some(&b':') {
        return false;
    }
    let mut s = colon;
    while s > 0 && colon - s < 32 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_') {
        s -= 1;
    }
    let w = &b[s..colon];
    let w = match w.split_last() {
        Some((d, rest)) if d.is_ascii_digit() => rest,
        _ => w,
    };
    w.len() >= 2
        && w.iter().all(|&c| c.is_ascii_alphabetic() || c == b'_')
        && w[0].is_ascii_alphabetic()
        && w[w.len() - 1].is_ascii_alphabetic()
}

/// True when the bytes from `e` are a file extension that ends the segment
/// (`.csv`, `.pdf?dl=1`): a dot, 2 to 4 lower-case letters or digits, then
/// the end, `?`, `#` or `&`.
pub(crate) fn file_ext(b: &[u8], e: usize) -> bool {
    let rest = b.get(e..).unwrap_or(&[]);
    let n = rest
        .iter()
        .skip(1)
        .take(5)
        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        .count();
    rest.first() == Some(&b'.')
        && (2..=4).contains(&n)
        && matches!(rest.get(n + 1), None | Some(b'?' | b'#' | b'&'))
}

/// True when `word` equals one of `list`, ignoring ASCII case (the digit
/// rules' lists: a hot path, where comparing lengths first pays).
pub(crate) fn is_one_of(word: &[u8], list: &[&str]) -> bool {
    list.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(word))
}

/// True when `word` equals one of the space-separated words of `list`,
/// ignoring ASCII case. The word rules' lists are such strings: a slice of
/// `&str` costs 8 more bytes of component a word.
pub(crate) fn is_among(word: &[u8], list: &str) -> bool {
    list.as_bytes()
        .split(|&c| c == b' ')
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// Byte class bits, for cheap prefilters.
pub(crate) const DIGIT: u8 = 1;
/// `A`..=`Z`.
pub(crate) const UPPER: u8 = 2;
/// `a`..=`z`.
pub(crate) const LOWER: u8 = 4;
/// `@`.
pub(crate) const AT: u8 = 8;
/// `:`.
pub(crate) const COLON: u8 = 16;
/// `+` or `(`: may start a phone number.
pub(crate) const OPENER: u8 = 32;

/// The class of every byte.
pub(crate) static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_uppercase() {
            UPPER
        } else if c.is_ascii_lowercase() {
            LOWER
        } else if c == b'@' {
            AT
        } else if c == b':' {
            COLON
        } else if c == b'+' || c == b'(' {
            OPENER
        } else {
            0
        };
        i += 1;
    }
    t
};
