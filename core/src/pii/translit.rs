//! Cyrillic and Greek words in Latin letters, for matching: `Дмитрий
//! Иванов` reads as `Dmitrii Ivanov` and `Γιώργος Παπαδόπουλος` as `Giorgos
//! Papadopoulos`, so the name lists (which hold these romanised forms), the
//! surname endings and every rule of letter case read them as they read
//! Latin names.
//!
//! Only a word of these scripts alone is romanised, and only when one of
//! its letters has no Latin look-alike: a word written in look-alikes to
//! pass for a Latin one (`ѕѕп` for `ssn`, `аррӏе`) keeps the look-alike
//! folding of [`super::unicode::fold`], as does a word that mixes scripts
//! (`Jоhn`). The romanisation is the common one of passports and the name
//! lists (BGN/PCGN-like for Russian and Ukrainian, ELOT 743-like for
//! Greek), after NFKD: a letter's accents are dropped first, so `й` is `i`
//! and `ώ` is `o`.

use super::unicode::homoglyph;
use crate::ucd::{fold_nfkd, is_combining_mark, SCRIPTS};

/// Cyrillic `а` to `џ` (U+0430..=U+045F), lower case, in order, then Greek
/// `α` to `ω` (U+03B1..=U+03C9; `ς` is U+03C2), four bytes each, padded
/// with spaces (the hard and soft signs write nothing). One string rather
/// than a table of `&str`s, whose pointers cost the component more than the
/// letters.
const ROMAN: &[u8; 4 * 73] = b"a   b   v   g   d   e   zh  z   i   y   k   l   \
    m   n   o   p   r   s   t   u   f   kh  ts  ch  \
    sh  shch    y       e   yu  ya  e   e   dj  g   \
    ye  dz  i   yi  j   lj  nj  c   k   i   u   dz  \
    a   v   g   d   e   z   i   th  i   k   l   m   \
    n   x   o   p   r   s   s   t   y   f   ch  ps  \
    o   ";

/// Greek's first entry in [`ROMAN`].
const GREEK_AT: u32 = 48;

/// The lower-case romanisation of a Cyrillic or Greek letter without
/// accents, and whether the letter is a capital; `None` for any other
/// character. (Case by code point: `char::is_uppercase` would bring its
/// tables into the component.)
fn roman(c: char) -> Option<(&'static [u8], bool)> {
    let u = c as u32;
    let (lower, upper) = match u {
        0x400..=0x40F => (u + 0x50, true),
        0x410..=0x42F | 0x391..=0x3A9 => (u + 0x20, true),
        0x490 => return Some((b"g", true)),
        0x491 => return Some((b"g", false)),
        _ => (u, false),
    };
    let k = match lower {
        0x430..=0x45F => lower - 0x430,
        0x3B1..=0x3C9 => lower - 0x3B1 + GREEK_AT,
        _ => return None,
    };
    let k = 4 * k as usize;
    let r = ROMAN.get(k..k + 4)?;
    let n = r.iter().take_while(|&&b| b != b' ').count();
    Some((r.get(..n)?, upper))
}

/// The romanisation of `c` after NFKD (its accents dropped: `й` is `и`).
fn base(c: char) -> Option<(char, &'static [u8], bool)> {
    let mut r = None;
    fold_nfkd(c, |d| {
        if r.is_none() {
            r = roman(d).map(|(s, up)| (d, s, up));
        }
    });
    r
}

/// True for a character that may be part of a word for [`romanised`]: an
/// ASCII letter, a letter of the Latin, Greek, Cyrillic and other scripts
/// of `ucd::SCRIPTS`, or a combining mark.
pub(crate) fn word_char(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (!c.is_ascii()
            && (SCRIPTS.iter().any(|&(lo, hi)| (lo..=hi).contains(&c)) || is_combining_mark(c)))
}

/// Whether the word `w` (a run of [`word_char`]s) is romanised: each of its
/// letters is Cyrillic or Greek (no Latin one) and one of them has no Latin
/// look-alike. `Some(caps)` when it is, `caps` when no letter is lower case.
pub(crate) fn romanised(w: &str) -> Option<bool> {
    let (mut plain, mut caps) = (false, true);
    for c in w.chars() {
        if is_combining_mark(c) {
            continue;
        }
        let (_, _, upper) = base(c)?;
        plain |= homoglyph(c).is_none();
        caps &= upper;
    }
    plain.then_some(caps)
}

/// Writes the romanisation of `c`, a character of a romanised word (see
/// [`romanised`]), to `out`. An upper-case letter's romanisation is in
/// capitals when `caps` (the word is), else in Title case (`Ж` is `Zh`);
/// Greek `υ` after `ο` is `u` (`ου`, `Παπαδόπουλος`), so `prev` is the
/// character before in the word. Hard and soft signs and marks write
/// nothing.
pub(crate) fn romanise(c: char, prev: Option<char>, caps: bool, out: &mut impl FnMut(char)) {
    let Some((d, r, upper)) = base(c) else {
        return;
    };
    let after_o = prev
        .and_then(base)
        .is_some_and(|(p, _, _)| matches!(p, 'ο' | 'Ο'));
    let r: &[u8] = if after_o && matches!(d, 'υ' | 'Υ') {
        b"u"
    } else {
        r
    };
    for (k, &l) in r.iter().enumerate() {
        out(char::from(if upper && (k == 0 || caps) {
            l.to_ascii_uppercase()
        } else {
            l
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rom(w: &str) -> String {
        let caps = romanised(w).expect(w);
        let mut o = String::new();
        let mut prev = None;
        for c in w.chars() {
            romanise(c, prev, caps, &mut |d| o.push(d));
            prev = Some(c);
        }
        o
    }

    #[test]
    fn names_in_latin_letters() {
        for (w, r) in [
            ("Дмитрий", "Dmitrii"),
            ("Иванов", "Ivanov"),
            ("Олена", "Olena"),
            ("Шевченко", "Shevchenko"),
            ("ЖУКОВ", "ZHUKOV"),
            ("Жуков", "Zhukov"),
            ("Игорь", "Igor"),
            ("Щукин", "Shchukin"),
            ("Юлия", "Yuliya"),
            ("Γιώργος", "Giorgos"),
            ("Παπαδόπουλος", "Papadopoulos"),
            ("Αλέξανδρος", "Alexandros"),
            ("ΝΙΚΟΣ", "NIKOS"),
            ("Ђорђе", "Djordje"),
        ] {
            assert_eq!(rom(w), r, "{w}");
        }
        // Look-alikes that pass for Latin words, and mixed scripts, are
        // not romanised.
        for w in ["ѕѕп", "аррӏе", "Jоhn", "ВАСК"] {
            assert_eq!(romanised(w), None, "{w}");
        }
    }
}
