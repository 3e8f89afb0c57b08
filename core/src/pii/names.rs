//! PERSON and LOCATION without a model: gazetteers plus context rules.
//!
//! PERSON rules, strongest first:
//! * a cue (`patient`, `Dr.`, `user=`, `name=`, `/customers/`, `for`…)
//!   followed by name-shaped words;
//! * a capitalised `First Last` pair (`First M. Last`, `First Middle Last`);
//! * `Last, First`, `F. Last`, `F.Last`;
//! * slugs `first-last`, `first_last`, `first.last`;
//! * an unknown capitalised word before a distinctive surname (`Priya Sharma`).
//!
//! Ambiguous first names (May, Will, Grant, Bill…) only count with a cue or a
//! distinctive surname. LOCATION: countries, US states and large cities,
//! longest multi-word match first; places that are also common words
//! (Reading, Nice) need a location cue.

use super::gazetteer as gz;
use super::hit::Hit;
use super::places::{is_place, place_at, place_len};
use super::words::{Gap, Shape, Words, FIRST, FIRST_AMB, KEY_MAX, LAST, LAST_WL, STOP};
use super::EntityType;

/// A cue after which name-shaped words are a person, whatever the gazetteer says.
pub(crate) const STRONG: u8 = 1;
/// A weaker person cue (`for`, `by`): needs gazetteer support.
pub(crate) const WEAK: u8 = 2;
/// A word that introduces a place.
pub(crate) const LOC: u8 = 4;
/// A title (`Dr.`, `Mrs`): a lone surname after it is a person.
pub(crate) const TITLE: u8 = 8;

/// Cue bits of a lowercase word: [`STRONG`], [`WEAK`], [`LOC`].
pub(crate) fn cue_bits(k: &[u8]) -> u8 {
    if k.is_empty() || k.len() > 16 {
        return 0;
    }
    let key = pack(k);
    CUES.binary_search_by(|(p, _)| p.cmp(&key)).map_or(0, |i| CUES[i].1)
}

/// Packs up to 16 bytes big-endian, so integer order is string order.
const fn pack(s: &[u8]) -> u128 {
    let mut v: u128 = 0;
    let mut i = 0;
    while i < 16 {
        v <<= 8;
        if i < s.len() {
            v |= s[i] as u128;
        }
        i += 1;
    }
    v
}

/// Every cue word, sorted.
const CUES: &[(u128, u8)] = &[
    (pack(b"about"), WEAK),
    (pack(b"account"), STRONG),
    (pack(b"accounts"), STRONG),
    (pack(b"across"), LOC),
    (pack(b"address"), LOC),
    (pack(b"and"), WEAK),
    (pack(b"applicant"), STRONG),
    (pack(b"approver"), STRONG),
    (pack(b"area"), LOC),
    (pack(b"around"), LOC),
    (pack(b"assignee"), STRONG),
    (pack(b"at"), LOC),
    (pack(b"attn"), STRONG | TITLE),
    (pack(b"author"), STRONG),
    (pack(b"based"), LOC),
    (pack(b"beneficiary"), STRONG),
    (pack(b"born"), LOC),
    (pack(b"buyer"), STRONG),
    (pack(b"by"), WEAK),
    (pack(b"candidate"), STRONG),
    (pack(b"capital"), LOC),
    (pack(b"cardholder"), STRONG),
    (pack(b"cc"), WEAK),
    (pack(b"city"), LOC),
    (pack(b"claimant"), STRONG),
    (pack(b"client"), STRONG),
    (pack(b"clients"), STRONG),
    (pack(b"contact"), STRONG),
    (pack(b"country"), LOC),
    (pack(b"county"), LOC),
    (pack(b"customer"), STRONG),
    (pack(b"customers"), STRONG),
    (pack(b"dear"), STRONG | TITLE),
    (pack(b"deliver"), LOC),
    (pack(b"delivery"), LOC),
    (pack(b"destination"), LOC),
    (pack(b"doctor"), STRONG),
    (pack(b"dr"), STRONG | TITLE),
    (pack(b"driver"), STRONG),
    (pack(b"employee"), STRONG),
    (pack(b"employees"), STRONG),
    (pack(b"for"), WEAK),
    (pack(b"from"), WEAK | LOC),
    (pack(b"fullname"), STRONG),
    (pack(b"geo"), LOC),
    (pack(b"guest"), STRONG),
    (pack(b"hello"), WEAK),
    (pack(b"hi"), WEAK),
    (pack(b"holder"), STRONG),
    (pack(b"in"), LOC),
    (pack(b"inside"), LOC),
    (pack(b"insured"), STRONG),
    (pack(b"into"), LOC),
    (pack(b"lives"), LOC),
    (pack(b"loc"), LOC),
    (pack(b"located"), LOC),
    (pack(b"location"), LOC),
    (pack(b"member"), STRONG),
    (pack(b"members"), STRONG),
    (pack(b"miss"), STRONG | TITLE),
    (pack(b"mr"), STRONG | TITLE),
    (pack(b"mrs"), STRONG | TITLE),
    (pack(b"ms"), STRONG | TITLE),
    (pack(b"mx"), STRONG | TITLE),
    (pack(b"name"), STRONG),
    (pack(b"near"), LOC),
    (pack(b"nurse"), STRONG),
    (pack(b"of"), WEAK),
    (pack(b"office"), LOC),
    (pack(b"origin"), LOC),
    (pack(b"outside"), LOC),
    (pack(b"owner"), STRONG),
    (pack(b"passenger"), STRONG),
    (pack(b"patient"), STRONG),
    (pack(b"patients"), STRONG),
    (pack(b"payee"), STRONG),
    (pack(b"payer"), STRONG),
    (pack(b"people"), STRONG),
    (pack(b"person"), STRONG),
    (pack(b"physician"), STRONG),
    (pack(b"place"), LOC),
    (pack(b"prof"), STRONG | TITLE),
    (pack(b"profile"), STRONG),
    (pack(b"profiles"), STRONG),
    (pack(b"province"), LOC),
    (pack(b"recipient"), STRONG),
    (pack(b"region"), LOC),
    (pack(b"requester"), STRONG),
    (pack(b"requestor"), STRONG),
    (pack(b"residence"), LOC),
    (pack(b"respondent"), STRONG),
    (pack(b"seller"), STRONG),
    (pack(b"sender"), STRONG),
    (pack(b"ship"), LOC),
    (pack(b"shipping"), LOC),
    (pack(b"signer"), STRONG),
    (pack(b"state"), LOC),
    (pack(b"student"), STRONG),
    (pack(b"students"), STRONG),
    (pack(b"subscriber"), STRONG),
    (pack(b"tenant"), STRONG),
    (pack(b"thanks"), WEAK),
    (pack(b"to"), WEAK | LOC),
    (pack(b"town"), LOC),
    (pack(b"travel"), LOC),
    (pack(b"traveler"), STRONG),
    (pack(b"traveller"), STRONG),
    (pack(b"u"), STRONG),
    (pack(b"user"), STRONG),
    (pack(b"username"), STRONG),
    (pack(b"users"), STRONG),
    (pack(b"via"), WEAK),
    (pack(b"visiting"), LOC),
    (pack(b"with"), WEAK),
    (pack(b"within"), LOC),
];


/// Finds PERSON (when `person`) and LOCATION (when `location`) in normalised text.
pub(crate) fn scan(t: &str, person: bool, location: bool, out: &mut Vec<Hit>) {
    let mut w = Words::new(t);
    let n = w.w.len();
    let mut i = 0;
    while i < n {
        let next = if person { person_at(&mut w, i, out) } else { None };
        if let Some(j) = next {
            i = j;
            continue;
        }
        if location {
            if let Some(j) = place_at(&mut w, i, out) {
                i = j;
                continue;
            }
        }
        i += 1;
    }
}

pub(crate) fn capital(s: Shape) -> bool {
    matches!(s, Shape::Title | Shape::Upper)
}

pub(crate) fn hit(w: &Words<'_>, a: usize, b: usize, e: EntityType, score: u16) -> Option<Hit> {
    let (s, t) = (w.w.get(a)?.s, w.w.get(b)?.e);
    Some(Hit::new(e, s, t, score))
}

/// Tries every PERSON rule at word `i`; returns the index after the match.
fn person_at(w: &mut Words<'_>, i: usize, out: &mut Vec<Hit>) -> Option<usize> {
    if let Some(r) = after_cue(w, i, out) {
        return Some(r);
    }
    pattern_at(w, i, out)
}

/// The cue-free PERSON patterns at word `i`.
fn pattern_at(w: &mut Words<'_>, i: usize, out: &mut Vec<Hit>) -> Option<usize> {
    let x = *w.w.get(i)?;
    let nx = w.w.get(i + 1).copied();
    match x.shape {
        Shape::Title | Shape::Upper => {
            let f = w.flags(i);
            if f & STOP != 0 {
                return None;
            }
            // A multi-word place (San Francisco, New York) or a known
            // organisation (Morgan Stanley) is not a name.
            if place_len(w, i) >= 2 || is_org(w, i) {
                return None;
            }
            let nx = nx?;
            // Last, First
            if nx.gap == Gap::Comma && f & LAST != 0 && capital(nx.shape) {
                let g = w.flags(i + 1);
                if g & FIRST != 0 && g & (FIRST_AMB | STOP) == 0 && !is_place(w, i, 1) {
                    out.push(hit(w, i, i + 1, EntityType::Person, 800)?);
                    return Some(i + 2);
                }
            }
            let joined = matches!(nx.gap, Gap::Space | Gap::Join(b'-' | b'_'));
            if !joined || !(capital(nx.shape) || nx.shape == Shape::Initial) {
                return None;
            }
            // First [Middle | M.] Last
            let (last, mid) = surname_after(w, i + 1);
            let lf = w.flags(last);
            if lf & STOP != 0 || w.w.get(last).is_none_or(|y| y.e - y.s < 2) {
                return None;
            }
            let last_ok = lf & LAST != 0;
            let distinctive = last_ok && lf & LAST_WL == 0;
            let score = if f & FIRST != 0 && f & FIRST_AMB == 0 {
                if last_ok {
                    850
                } else if !is_place(w, last, 1) {
                    700
                } else {
                    0
                }
            } else if f & FIRST != 0 {
                if distinctive { 650 } else { 0 }
            } else if distinctive && x.shape == Shape::Title && !is_place(w, i, 1) && x.e - x.s >= 3 {
                600
            } else {
                0
            };
            if score == 0 || (mid && !last_ok) {
                return None;
            }
            out.push(hit(w, i, last, EntityType::Person, score)?);
            Some(last + 1)
        }
        Shape::Initial => {
            // F. Last / F.Last
            let nx = nx?;
            if !matches!(nx.gap, Gap::DotSpace | Gap::Join(b'.')) || nx.shape != Shape::Title {
                return None;
            }
            let g = w.flags(i + 1);
            if g & STOP != 0 {
                return None;
            }
            if g & LAST != 0 {
                out.push(hit(w, i, i + 1, EntityType::Person, 750)?);
                return Some(i + 2);
            }
            // `F. Unknown` (a spaced initial before an unknown capitalised word).
            let long = w.w.get(i + 1).is_some_and(|y| y.e - y.s >= 3);
            if nx.gap == Gap::DotSpace && long && place_len(w, i + 1) == 0 && !w.after(i + 1).is_ascii_digit() {
                out.push(hit(w, i, i + 1, EntityType::Person, 600)?);
                return Some(i + 2);
            }
            None
        }
        Shape::Lower => {
            // first-last / first_last / first.last slugs.
            let nx = nx?;
            if !matches!(nx.gap, Gap::Join(_)) || nx.shape != Shape::Lower {
                return None;
            }
            let f = w.flags(i);
            if f & FIRST == 0 || f & (FIRST_AMB | STOP) != 0 {
                return None;
            }
            let mut last = i + 1;
            if w.flags(last) & FIRST != 0
                && w.w.get(last + 1).is_some_and(|y| y.gap == nx.gap && y.shape == Shape::Lower)
                && w.flags(last + 1) & LAST != 0
            {
                last += 1;
            }
            let g = w.flags(last);
            if g & LAST == 0 || g & STOP != 0 || w.after(last).is_ascii_digit() {
                return None;
            }
            out.push(hit(w, i, last, EntityType::Person, 800)?);
            Some(last + 1)
        }
        Shape::Other => None,
    }
}

/// From the word after a first name: the surname index and whether a middle
/// name or initial was skipped.
fn surname_after(w: &mut Words<'_>, j: usize) -> (usize, bool) {
    let Some(y) = w.w.get(j).copied() else { return (j, false) };
    if let Some(z) = w.w.get(j + 1).copied() {
        let mid_initial = y.shape == Shape::Initial && matches!(z.gap, Gap::DotSpace | Gap::Space);
        let mid_name = y.shape == Shape::Title && z.gap == Gap::Space && w.flags(j) & FIRST != 0;
        if (mid_initial || mid_name) && z.shape == Shape::Title && w.flags(j + 1) & LAST != 0 {
            return (j + 1, true);
        }
    }
    (j, false)
}

/// Name words after a cue at word `i`.
fn after_cue(w: &mut Words<'_>, i: usize, out: &mut Vec<Hit>) -> Option<usize> {
    // Cheap shape checks before the cue lookup.
    let first = *w.w.get(i + 1)?;
    let spaced = matches!(first.gap, Gap::Space | Gap::DotSpace);
    let capital_next = matches!(first.shape, Shape::Title | Shape::Upper | Shape::Initial);
    // A lower-case word after a short cue may start `for john smith`; after
    // longer words the lookup is not worth it.
    let short_cue = w.w.get(i).is_some_and(|x| x.e - x.s <= 7);
    if !(first.gap == Gap::Key || (spaced && (capital_next || (short_cue && first.shape == Shape::Lower)))) {
        return None;
    }
    if w.w.get(i).is_none_or(|x| x.e - x.s > 16) {
        return None;
    }
    let cue = w.cue(i);
    let strong = cue & STRONG != 0;
    let weak = !strong && cue & WEAK != 0;
    if !strong && !weak {
        return None;
    }
    let keyed = strong && first.gap == Gap::Key;
    if !keyed && !spaced {
        return None;
    }
    if is_org(w, i + 1) {
        return None;
    }
    // Lower-case `first last` after a cue in free text: both from the gazetteer.
    if spaced && first.shape == Shape::Lower {
        let second = *w.w.get(i + 2)?;
        let f = w.flags(i + 1);
        if second.gap != Gap::Space || second.shape != Shape::Lower || f & FIRST == 0 || f & (FIRST_AMB | STOP) != 0 {
            return None;
        }
        let g = w.flags(i + 2);
        if g & LAST == 0 || g & STOP != 0 || w.after(i + 2).is_ascii_digit() {
            return None;
        }
        out.push(hit(w, i + 1, i + 2, EntityType::Person, 700)?);
        return Some(i + 3);
    }
    // A full pattern right after the cue (`Patient: Garcia, Maria`) wins.
    let before = out.len();
    if let Some(r) = pattern_at(w, i + 1, out) {
        if let Some(h) = out.get_mut(before) {
            h.score = h.score.max(if strong { 850 } else { 800 });
        }
        return Some(r);
    }
    // Collect up to four name words.
    let mut j = i + 1;
    let mut support = false;
    let mut any_name = false;
    let mut cap_words = 0;
    let mut end = None;
    while j <= i + 4 {
        let Some(y) = w.w.get(j).copied() else { break };
        if j > i + 1 {
            let joint = match y.gap {
                Gap::Space | Gap::DotSpace => true,
                Gap::Join(c) => keyed || c == b'-',
                _ => false,
            };
            if !joint {
                break;
            }
        }
        let f = w.flags(j);
        let ok_shape = if keyed {
            matches!(y.shape, Shape::Title | Shape::Upper | Shape::Lower | Shape::Initial)
        } else {
            capital(y.shape) || (y.shape == Shape::Initial && j + 1 < w.w.len())
        };
        if !ok_shape || f & STOP != 0 || (y.shape != Shape::Initial && y.e - y.s < 2) {
            break;
        }
        if !keyed && place_len(w, j) > 0 && (weak || f & (FIRST | LAST) == 0) {
            break;
        }
        // An all-caps word is an acronym (SSN, API) unless it is a known name.
        if y.shape == Shape::Upper && f & (FIRST | LAST) == 0 {
            break;
        }
        if (f & FIRST != 0 && f & FIRST_AMB == 0) || (f & LAST != 0 && f & LAST_WL == 0) {
            support = true;
        }
        if f & (FIRST | LAST) != 0 {
            any_name = true;
        }
        if capital(y.shape) || y.shape == Shape::Initial {
            cap_words += 1;
        }
        end = Some(j);
        j += 1;
    }
    let end = end?;
    if w.after(end).is_ascii_digit() || w.w.get(end).is_some_and(|y| y.shape == Shape::Initial) {
        return None;
    }
    let words = end - i;
    let score = if strong {
        // In free text a lone unknown word after `patient`/`customer` is more
        // often a product word (Customer Success) than a name; titles differ.
        if !keyed && !support && words == 1 && cue & TITLE == 0 {
            return None;
        }
        if support { 850 } else { 650 }
    } else if cap_words == words && words >= 2 && (support || any_name) {
        800
    } else if cap_words == words && words == 1 && w.flags(i + 1) & (FIRST | FIRST_AMB) == FIRST {
        600
    } else {
        return None;
    };
    out.push(hit(w, i + 1, end, EntityType::Person, score)?);
    Some(end + 1)
}

/// True when words `i` and `i + 1` name a known organisation or product.
fn is_org(w: &Words<'_>, i: usize) -> bool {
    let mut buf = [0u8; KEY_MAX];
    let Some(n) = w.key(i, &mut buf) else { return false };
    let Some(y) = w.w.get(i + 1) else { return false };
    if !matches!(y.gap, Gap::Space | Gap::Join(b'-')) || n + 1 + (y.e - y.s) > KEY_MAX {
        return false;
    }
    let mut b2 = [0u8; KEY_MAX];
    let Some(m) = w.key(i + 1, &mut b2) else { return false };
    buf[n] = b' ';
    buf[n + 1..n + 1 + m].copy_from_slice(&b2[..m]);
    gz::ORGS.contains(&buf[..n + 1 + m])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(t: &str) -> Vec<(EntityType, &str)> {
        let mut v = Vec::new();
        scan(t, true, true, &mut v);
        v.iter().map(|h| (h.entity, &t[h.start..h.end])).collect()
    }

    #[test]
    fn persons() {
        use EntityType::Person as P;
        assert_eq!(found("Report for John Smith today"), [(P, "John Smith")]);
        assert_eq!(found("/users/john-smith/orders"), [(P, "john-smith")]);
        assert_eq!(found("Smith, John"), [(P, "Smith, John")]);
        assert_eq!(found("signed J. Smith"), [(P, "J. Smith")]);
        assert_eq!(found("patient=oluwaseun_adeyemi&x=1"), [(P, "oluwaseun_adeyemi")]);
        assert_eq!(found("Dr. Adaeze Okonkwo"), [(P, "Adaeze Okonkwo")]);
        assert_eq!(found("May 2024 report"), []);
        assert_eq!(found("Will deliver by Friday"), []);
        assert_eq!(found("Grant access to the API"), []);
    }

    #[test]
    fn cue_table_is_sorted() {
        assert!(CUES.windows(2).all(|p| p[0].0 < p[1].0));
        assert_eq!(cue_bits(b"u"), STRONG);
        assert_eq!(cue_bits(b"in"), LOC);
    }

    #[test]
    fn places() {
        use EntityType::Location as L;
        assert_eq!(found("Weather for New York"), [(L, "New York")]);
        assert_eq!(found("shipping to Germany"), [(L, "Germany")]);
        assert_eq!(found("?city=paris"), [(L, "paris")]);
        assert_eq!(found("Reading list"), []);
        assert_eq!(found("office in Reading"), [(L, "Reading")]);
    }
}
