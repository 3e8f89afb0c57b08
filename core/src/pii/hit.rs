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
