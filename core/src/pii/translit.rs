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
use crate::ucd::fold_nfkd;

/// Cyrillic `а` to `џ` (U+0430..=U+045F), lower case, in order.
const CYRILLIC: [&str; 48] = [
    "a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t",
    "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "e", "e", "dj", "g",
    "ye", "dz", "i", "yi", "j", "lj", "nj", "c", "k", "i", "u", "dz",
];

/// Greek `α` to `ω` (U+03B1..=U+03C9), lower case, in order (`ς` is U+03C2).
const GREEK: [&str; 25] = [
    "a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s", "s",
    "t", "y", "f", "ch", "ps", "o",
];

/// The lower-case romanisation of a Cyrillic or Greek letter without
/// accents (either case), or `None` for any other character.
fn roman(c: char) -> Option<&'static str> {
    let u = c as u32;
    let lower = match u {
        0x400..=0x40F => u + 0x50,
        0x410..=0x42F => u + 0x20,
        0x391..=0x3A9 => u + 0x20,
        0x490 | 0x491 => return Some("g"),
        _ => u,
    };
    match lower {
        0x430..=0x45F => CYRILLIC.get((lower - 0x430) as usize).copied(),
        0x3B1..=0x3C9 => GREEK.get((lower - 0x3B1) as usize).copied(),
        _ => None,
    }
}

/// True for a Cyrillic or Greek letter that [`roman`] reads (before or
/// after its accents are dropped).
fn scripted(c: char) -> bool {
    let mut r = false;
    fold_nfkd(c, |d| r |= roman(d).is_some());
    r
}

/// True when the word `w` (letters and marks, no ASCII) is romanised: each
/// of its letters is Cyrillic or Greek (no Latin one) and one of them has
/// no Latin look-alike.
pub(crate) fn romanised(w: &str) -> bool {
    let mut plain = false;
    for c in w.chars() {
        if crate::ucd::is_combining_mark(c) {
            continue;
        }
        if !scripted(c) {
            return false;
        }
        plain |= homoglyph(c).is_none();
    }
    plain
}

/// Writes the romanisation of `c`, a character of a romanised word (see
/// [`romanised`]), to `out`. An upper-case letter's romanisation is in
/// capitals when `caps` (the word is), else in Title case (`Ж` is `Zh`);
/// Greek `υ` after `ο` is `u` (`ου`, `Παπαδόπουλος`), so `prev` is the
/// character before in the word. Hard and soft signs write nothing.
pub(crate) fn romanise(c: char, prev: Option<char>, caps: bool, out: &mut impl FnMut(char)) {
    let after_o = prev.is_some_and(|p| {
        let mut o = false;
        fold_nfkd(p, |d| o |= matches!(d, 'ο' | 'Ο'));
        o
    });
    fold_nfkd(c, |d| {
        let Some(r) = roman(d) else {
            return;
        };
        let r = if after_o && matches!(d, 'υ' | 'Υ') {
            "u"
        } else {
            r
        };
        let upper = d.is_uppercase();
        for (k, l) in r.chars().enumerate() {
            out(if upper && (k == 0 || caps) {
                l.to_ascii_uppercase()
            } else {
                l
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rom(w: &str) -> String {
        assert!(romanised(w), "{w}");
        let caps = !w.chars().any(char::is_lowercase);
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
            assert!(!romanised(w), "{w}");
        }
    }
}
