//! A mailbox's display name (RFC 5322's `name-addr`): the Title-case words
//! right before an address in angle brackets name the address's owner
//! (`From: Vuyo Mahlangu <vuyo@example.org>`, `"Orquiz Quarshie"
//! <oq@example.org>`, `cc Aigerim <aigerim@example.org>`), whatever the
//! gazetteer says. A sender that is a business names itself in its domain
//! (`Coinbase Commerce <no-reply@coinbase.com>`) or writes from a role's
//! address (`Acme Payouts <noreply@mailer.example>`): no person.

use super::cues::ORG;
use super::hit::is_among;
use super::places::is_place;
use super::words::{Gap, Shape, Words, FIRST, FIRST_AMB, KEY_MAX, STOP};

/// The most words a display name is read with.
const MAX_WORDS: usize = 3;

/// The longest address read between the angle brackets (RFC 5321's limit
/// on a path).
const MAX_ADDR: usize = 256;

/// Local parts of the addresses that roles and systems write from, not
/// people (`noreply@`, `billing@`).
const ROLE_LOCALS: &str = "noreply no-reply donotreply do-not-reply support billing info hello \
                           team notifications notification alerts admin sales help contact \
                           accounts payments receipts orders mailer news newsletter";

/// Sites a mailbox may be named for (`Paris Office <paris@acme.example>`).
const SITES: &str = "office branch store shop desk hq depot warehouse";

/// The address in angle brackets right after word `j` (an optional closing
/// quote, spaces, `<`, one `@` and no space before `>`): its local part
/// and its domain, lower case as written.
fn address_after<'a>(w: &Words<'a>, j: usize) -> Option<(&'a [u8], &'a [u8])> {
    let b: &'a [u8] = w.b;
    let mut k = w.w.get(j)?.e;
    if b.get(k) == Some(&b'"') {
        k += 1;
    }
    while b.get(k) == Some(&b' ') {
        k += 1;
    }
    if b.get(k) != Some(&b'<') {
        return None;
    }
    let rest = b.get(k + 1..)?;
    let close = rest.iter().take(MAX_ADDR).position(|&c| c == b'>')?;
    let addr = rest.get(..close)?;
    if addr.iter().any(|&c| c == b' ' || c == b'<') {
        return None;
    }
    let at = addr.iter().position(|&c| c == b'@')?;
    let (local, domain) = (addr.get(..at)?, addr.get(at + 1..)?);
    (!local.is_empty() && !domain.is_empty() && !domain.contains(&b'@')).then_some((local, domain))
}

/// True when `hay` holds `needle` (both lower case), ignoring ASCII case
/// in `hay`.
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && hay
            .windows(needle.len())
            .any(|h| h.eq_ignore_ascii_case(needle))
}

/// The last word of a display name that starts at word `i`, or `None`: one
/// to [`MAX_WORDS`] spaced Title-case words before an address in angle
/// brackets (see [`address_after`]), not after another Title-case word but
/// a stop word. No stop word, organisation word or site ([`SITES`]) among
/// them, none in the address's domain, and no role's local part
/// ([`ROLE_LOCALS`]). One word alone must be a known given name, and no
/// place, or be in the local part (`Aigerim <aigerim.n@example.org>`).
pub(crate) fn display_name(w: &mut Words<'_>, i: usize) -> Option<usize> {
    // The name starts the run of Title-case words (`Zoom Rooms
    // <rooms@zoom.us>` is no `Rooms`), but for a stop word before it
    // (`Contact Vuyo Mahlangu <…>`).
    if i > 0
        && w.w.get(i).is_some_and(|x| x.gap == Gap::Space)
        && w.w.get(i - 1).is_some_and(|p| p.shape == Shape::Title)
        && w.flags(i - 1) & STOP == 0
    {
        return None;
    }
    let mut j = i;
    let (local, domain) = loop {
        let y = *w.w.get(j)?;
        if y.shape != Shape::Title || (j > i && y.gap != Gap::Space) {
            return None;
        }
        if let Some(addr) = address_after(w, j) {
            break addr;
        }
        if j + 1 >= i + MAX_WORDS {
            return None;
        }
        j += 1;
    };
    if is_among(local, ROLE_LOCALS) {
        return None;
    }
    let mut buf = [0u8; KEY_MAX];
    for k in i..=j {
        if w.flags(k) & STOP != 0 || w.cue(k) & ORG != 0 || w.is(k, SITES) {
            return None;
        }
        let n = w.key(k, &mut buf)?;
        let key = buf.get(..n)?;
        if n >= 3 && contains(domain, key) {
            return None;
        }
    }
    if j == i {
        let n = w.key(i, &mut buf)?;
        let given = w.flags(i) & (FIRST | FIRST_AMB) == FIRST;
        let in_local = n >= 3 && buf.get(..n).is_some_and(|k| contains(local, k));
        if !(given || in_local) || is_place(w, i, 1) {
            return None;
        }
    }
    Some(j)
}
