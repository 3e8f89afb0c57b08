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
        Hit { entity, start, end, score }
    }
}

/// The lowercase ASCII word that ends at or before `end` (skipping up to a few
/// separator bytes such as spaces, `=`, `:`, `_`, `-`, `/`, `#`), within the
/// 24 bytes before `end`. Returns the word's bytes (possibly mixed case).
pub(crate) fn word_before(b: &[u8], end: usize) -> &[u8] {
    let mut e = end.min(b.len());
    let floor = end.saturating_sub(24);
    while e > floor && matches!(b[e - 1], b' ' | b'=' | b':' | b'_' | b'-' | b'/' | b'#' | b'"' | b'\'' | b'.' | b'?' | b'&' | b'(') {
        e -= 1;
    }
    let mut s = e;
    while s > floor && b[s - 1].is_ascii_alphabetic() {
        s -= 1;
    }
    &b[s..e]
}

/// True when `word` equals one of `list`, ignoring ASCII case.
pub(crate) fn is_one_of(word: &[u8], list: &[&str]) -> bool {
    list.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(word))
}
