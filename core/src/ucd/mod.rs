//! The few Unicode normalisation facts the core uses, as small generated
//! tables (`tables.rs`). They replace the `unicode-normalization` crate,
//! whose perfect-hash tables took about 112 KB of the component; these take
//! about 38 KB and answer the same for every code point.
//!
//! * [`is_combining_mark`], as `unicode_normalization::char::is_combining_mark`;
//! * [`fold_nfkd`], `decompose_compatible(c)` with every combining mark
//!   dropped (the PII scanner's folding);
//! * [`nfkc_repertoire`], `url::idna`'s NFKC of one code point of its
//!   repertoire ([`SCRIPTS`]);
//! * [`lower_repertoire`], `char::to_lowercase` of that repertoire and of its
//!   NFKC (the standard library's table of every script took about 12 KB).
//!
//! `tables.rs` is generated from `unicode-normalization` (a dev-dependency,
//! pinned in `Cargo.lock`) and the standard library's `char::to_lowercase`
//! by the test `core/tests/ucd_tables.rs`, which fails when the file differs
//! and rewrites it when `PRESIDIO_X402_REGENERATE_UCD=1` is set. Three more
//! tests there compare every code point with the crate and the standard
//! library.

#[rustfmt::skip]
mod tables;
use tables::*;

/// The scripts of the repertoire (letters are picked inside them), as
/// inclusive ranges (`url::idna` picks its letters inside them; the NFKC
/// table of [`nfkc_repertoire`] covers exactly these).
pub(crate) const SCRIPTS: [(char, char); 10] = [
    ('\u{00C0}', '\u{024F}'), // Latin-1 letters, Latin Extended-A and -B
    ('\u{0370}', '\u{03FF}'), // Greek
    ('\u{0400}', '\u{052F}'), // Cyrillic and its supplement
    ('\u{0531}', '\u{0587}'), // Armenian letters
    ('\u{1E00}', '\u{1EFF}'), // Latin Extended Additional
    ('\u{3041}', '\u{3096}'), // Hiragana
    ('\u{30A1}', '\u{30FA}'), // Katakana
    ('\u{30FC}', '\u{30FE}'), // Katakana prolonged sound and iteration marks
    ('\u{4E00}', '\u{9FFF}'), // CJK Unified Ideographs
    ('\u{AC00}', '\u{D7A3}'), // Hangul syllables
];

/// True for a combining mark (as `unicode-normalization`).
pub(crate) fn is_combining_mark(c: char) -> bool {
    let u = c as u32;
    let k = MARKS.partition_point(|&(lo, _)| lo <= u);
    k > 0 && u <= MARKS[k - 1].1
}

// Hangul syllable decomposition (Unicode 15, section 3.12), computed rather
// than tabled as `unicode-normalization` does.
const S_BASE: u32 = 0xAC00;
const L_BASE: u32 = 0x1100;
const V_BASE: u32 = 0x1161;
const T_BASE: u32 = 0x11A7;
const T_COUNT: u32 = 28;
const N_COUNT: u32 = 588;
const S_COUNT: u32 = 11172;

/// Writes the compatibility decomposition of `c`, without its combining
/// marks, to `out`.
pub(crate) fn fold_nfkd(c: char, mut out: impl FnMut(char)) {
    let u = c as u32;
    if u < 0x80 {
        out(c);
        return;
    }
    // Every value below is a valid scalar by construction of the tables (the
    // `unwrap_or(c)` is never taken; checked by the exhaustive test).
    let ch = |x: u32| char::from_u32(x).unwrap_or(c);
    if (S_BASE..S_BASE + S_COUNT).contains(&u) {
        let s = u - S_BASE;
        out(ch(L_BASE + s / N_COUNT));
        out(ch(V_BASE + (s % N_COUNT) / T_COUNT));
        if s % T_COUNT != 0 {
            out(ch(T_BASE + s % T_COUNT));
        }
        return;
    }
    if is_combining_mark(c) {
        return;
    }
    if u <= 0xFFFF {
        if let Ok(k) = BMP1.binary_search_by_key(&(u as u16), |&(key, _)| key) {
            out(ch(u32::from(BMP1[k].1)));
            return;
        }
    }
    // Runs of single mappings outside the BMP (or onto it from outside).
    let k = RUNS.partition_point(|r| r[0] <= u);
    if k > 0 {
        let r = RUNS[k - 1];
        if u < r[0] + r[1] {
            out(ch(r[2] + (u - r[0])));
            return;
        }
    }
    if let Ok(k) = MULTI_KEYS.binary_search(&u) {
        MULTI_TEXT[usize::from(MULTI_AT[k])..usize::from(MULTI_AT[k + 1])]
            .chars()
            .for_each(out);
        return;
    }
    out(c);
}

/// NFKC of one code point of `url::idna`'s repertoire, without composition
/// tables (they would cost ~40 KB): a code point without a compatibility
/// mapping is its own NFKC (the repertoire holds no canonical singletons or
/// composition exclusions; a singleton is refused); one with a compatibility
/// mapping is its decomposition, refused when that holds a combining mark (it
/// would need composing). `None` refuses. Outside the repertoire the answer
/// is `c` itself and means nothing: callers check the repertoire first.
pub(crate) fn nfkc_repertoire(c: char) -> Option<Vec<char>> {
    let u = c as u32;
    match IDNA_KEYS.binary_search_by_key(&u, |&k| k & 0x7FFF_FFFF) {
        Ok(k) if IDNA_KEYS[k] & 0x8000_0000 != 0 => None,
        Ok(k) => Some(
            IDNA_TEXT[usize::from(IDNA_AT[k])..usize::from(IDNA_AT[k + 1])]
                .chars()
                .collect(),
        ),
        Err(_) => Some(vec![c]),
    }
}

/// `char::to_lowercase` of ASCII, of `url::idna`'s repertoire ([`SCRIPTS`])
/// and of what [`nfkc_repertoire`] maps it to, without the standard
/// library's lower-case table of every script (about 12 KB of the
/// component): `None` when the lower case is more than one code point
/// (`İ`). Elsewhere the answer is `c` itself and means nothing.
pub(crate) fn lower_repertoire(c: char) -> Option<char> {
    let Ok(u) = u16::try_from(c as u32) else {
        return Some(c);
    };
    let k = LOWER.partition_point(|r| r[0] <= u);
    match LOWER.get(k.wrapping_sub(1)) {
        Some(&[start, _, 0, _]) if start == u => None,
        Some(&[start, end, step, delta]) if u <= end && step > 0 && (u - start) % step == 0 => {
            char::from_u32(u32::from(u.wrapping_add(delta)))
        }
        _ => Some(c),
    }
}
