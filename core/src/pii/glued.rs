//! A person's handle written as a given name and a surname run together
//! (`/u/@osaidmanasrah/`, `?referrer=rafaellaalkhaldi`, `/creators/kobichu/tip`),
//! where the text says a handle or a person comes: the word is split where
//! both halves read as a name's.

use super::cues::{STRONG, WEAK};
use super::hit::Hit;
use super::namelike::score;
use super::words::{
    hit, key_class, Gap, Shape, Words, ENDING, FIRST, FIRST_AMB, LAST, LAST_WL, STOP,
};
use super::EntityType;

/// Keys and path segments whose value is a person's handle, besides the
/// person cues and role nouns (`?referrer=`, `/creators/…/`): a referral's
/// or an invitation's source, a creator.
const HANDLE_KEYS: &str = "referrer referrers referral referred referee ref inviter invitedby \
                           creator creators handle";

/// Fewest letters of a glued handle: two halves of 3 or more, and no name
/// of two short halves (`kinwoo`) is told from a word by its letters.
const GLUED_LEN: usize = 7;

/// The least name-likeness ([`score`]) of the whole word and of a half no
/// list knows; a known half needs only not to read as English (0). Chosen
/// on a probe (`experiments/pii/HELDOUT.md`, v14 run 35): of 7,039 words
/// that name no one (English words of 7+ letters, pairs of short ones and
/// products before a word run together, traffic sources), 31 were read,
/// one of them a real word (`margarine`), and 193 of 323 glued names. A bar
/// of 15 read about twice the false ones, one of 25 a tenth fewer names.
const GLUED_MIN: i32 = 20;

/// Finds a glued handle at word `i` (see the module's comment): a whole
/// path segment, query value or JSON string of lower-case letters only,
/// after `@` or a handle's key, that no list knows whole.
pub(super) fn glued_name(w: &mut Words<'_>, i: usize, out: &mut Vec<Hit>) -> Option<usize> {
    let x = *w.w.get(i)?;
    let t = w.b.get(x.s..x.e)?;
    // The letters' score reads 24 letters at most.
    if x.shape != Shape::Lower || t.len() < GLUED_LEN || t.len() > 24 {
        return None;
    }
    let before = x.s.checked_sub(1).and_then(|k| w.b.get(k)).copied();
    let close = matches!(w.after(i), 0 | b'/' | b'?' | b'&' | b'#' | b'"');
    let handle = before == Some(b'@')
        && matches!(
            x.s.checked_sub(2).and_then(|k| w.b.get(k)),
            None | Some(b'/' | b' ' | b'=' | b'"')
        );
    let keyed = i > 0
        && x.gap == Gap::Key
        && matches!(before, Some(b'/' | b'=' | b'"' | b' '))
        && (w.cue(i - 1) & (STRONG | WEAK) != 0 || w.role(i - 1) || w.is(i - 1, HANDLE_KEYS));
    if !close || !(handle || keyed) || !split_name(t) {
        return None;
    }
    out.push(hit(w, i, i, EntityType::Person, 600)?);
    Some(i + 1)
}

/// True when `t` (lower-case letters) is no word or name of the lexicon
/// whole, reads as a name by its letters ([`GLUED_MIN`]), and splits into
/// two halves of 3+ letters that read as a given name and a surname: each
/// half known as one (a given name first, a surname second) and not
/// English by its letters, or unknown to every list and name-like
/// ([`GLUED_MIN`]). A stop word or a word-like name on either side ends
/// the reading of that split (`coffeeshop`, `newsletter`).
fn split_name(t: &[u8]) -> bool {
    // A surname by its ending alone (`…ides`) is no listed word.
    let whole = key_class(t);
    if (whole != 0 && whole & ENDING == 0) || score(t).is_none_or(|s| s < GLUED_MIN) {
        return false;
    }
    // `known` is the flag the half must carry and `doubt` the flags that
    // make it a word as often as a name's.
    let half = |h: &[u8], known: u8, doubt: u8| {
        let c = key_class(h) as u8;
        let need = if c == 0 {
            GLUED_MIN
        } else if c & (known | doubt | STOP) == known {
            0
        } else {
            return false;
        };
        score(h).is_some_and(|s| s >= need)
    };
    (3..=t.len() - 3).any(|k| {
        let (a, b) = t.split_at(k);
        half(a, FIRST, FIRST_AMB) && half(b, LAST, LAST_WL)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glued_halves() {
        for t in ["ioanamokoena", "mariagarcia", "osaidmanasrah"] {
            assert!(split_name(t.as_bytes()), "{t}");
        }
        for t in [
            "newsletter",
            "homepage",
            "coffeeshop",
            "bluebird",
            "producthunt",
        ] {
            assert!(!split_name(t.as_bytes()), "{t}");
        }
    }
}
