//! PERSON and LOCATION without a model: gazetteers plus context rules.
//!
//! PERSON rules, strongest first:
//! * a cue (`patient`, `Dr.`, `user=`, `name=`, `/customers/`, `for`…), or a
//!   lower-case role noun (`landlord`, `tutor`: a WordNet noun that only ever
//!   names a person), followed by name-shaped words;
//! * a capitalised `First Last` pair (`First M. Last`, `First Middle Last`);
//! * `Last, First`, `F. Last`, `F.Last`;
//! * slugs `first-last`, `first_last`, `first.last`;
//! * an unknown capitalised word before a distinctive surname (`Priya Sharma`);
//! * a Title-case pair that is owned (`Kenji Iyer's records`, `Liv Ozturk
//!   account`) or ends the clause after `for`/`by`/`cc` (`for Folake Asante`),
//!   whatever the gazetteer says;
//! * a mailbox's display name before its address (`Vuyo Mahlangu
//!   <vuyo@example.org>`; see [`super::mailbox`]);
//! * a lone word where someone approves, is on call or signs off
//!   (`Approved by Serghei`, `on call: Gulnar`, `"sign_off": "Yolette"`,
//!   `Thanks, Oluwaseun`);
//! * a known given name alone as an owner, a speaker's label, in a list of
//!   given names, before a person's verb, asked about something or after
//!   `per` (`Kofi's share`, `Priya: please pay`, `Kofi, Priya & Ruslan`,
//!   `Ruslan paid the deposit`, `ask Priya about the refund`, `refund per
//!   Sahar`);
//! * a lone word that reads as a name where its clause says one: a writer
//!   introducing themself (`Israa here, please retry`), a family before
//!   `household` (`Zebari household`), a subject after a person's noun
//!   (`landlord Santosa wants the deposit`), after `requested by` before a
//!   linking word, or as a greeting's key (`?greet=Ernie`); pinged,
//!   assigned, opened by, shared with, handed to, thanked, owed or picking
//!   up (`ping Priya when it settles`, `assigned to Gunel`, `opened by
//!   Rathanak`, `handed it to Sihle`, `refund owed to Joujou`, `pickup by
//!   Erbol`: see `lone_named`), welcomed back, or from a department
//!   (`Vibol from accounting`);
//! * two words no list knows, or that only the given names list knows
//!   (`open_word`: `Bunga Marcelin`), that read as a name by their letters
//!   (see [`super::namelike`]): after a person's cue (`/donors/vasea-cretu/`,
//!   `asked by avanti jayraman on slack`), or standing alone as a slug, a
//!   clause or `Last, First` (`/exports/7/njoya-zamri.csv`, `Tshegofatso
//!   Mballa - deposit`); never in running text.
//!
//! A Turkic patronymic's word ends the name before it (`Ali Mammadov oglu`;
//! see `Words::patronymic`). Joined currency codes are no name
//! (`/rates/eur-aud`: `currency_pair`). A person's key before words no list
//! knows and a capitalised stop word reads a thing (`created_by: Github
//! Actions`: `stop_after`), before a place and its region a town (`holder:
//! Paris, Texas`); a verb of naming's key reads as its spaced form
//! (`"registered_as":`, see `named_as`), and so does `booked under`.
//!
//! A capitalised pair is an organisation, not a person, when a later word is
//! a corporate designator (`Warner Bros`, `Vanguard Group`) or the next word
//! is an organisation word or any bare lower-case common noun (`Franklin
//! Templeton funds`, `Tommy Bahama apparel`); see [`super::cues::ORG`] and
//! `org_phrase`. Whole-segment slugs with one known part
//! (`/kyc/alexandra_chindamo/`) and labelled `Last, First` values are names.
//! A camelCase key is read by its last hump (`"firstName":`); a `name` key
//! that names a thing or a place reads no person (`merchant_name`,
//! `appName`, `placeName`); FHIR's `family` and `given` keys nested in a
//! `name` key or a person's key name a person (`{"name":[{"family":`).
//!
//! Ambiguous first names (May, Will, Grant, Bill…) only count with a cue or a
//! distinctive surname. LOCATION: countries, US states and large cities,
//! longest multi-word match first; places that are also common words
//! (Reading, Nice) need a location cue.

use super::cues::{LOC, ORG, OWN, STRONG, TITLE, WEAK};
use super::gazetteer as gz;
use super::glued::glued_name;
use super::hit::{file_ext, is_among, Hit};
use super::mailbox::display_name;
use super::namelike::Context::{Bounded, Cued};
use super::norm::Marks;
use super::places::{
    after_in, before_site, is_place, keyed_or_routed, place_at, place_cue, place_len, region_at,
    told_after, toponym_head, Pending, DIRECTIONS, NO_PLACE, ROUTED, SURE,
};
use super::words::{
    capital, hit, s_ending, Gap, Shape, Words, BOOKING_TITLES, FIRST, FIRST_AMB, KEY_MAX, LAST,
    LAST_WL, PARTICLES, PLACE, PLACE_AMB, STOP,
};
use super::EntityType;

/// Finds PERSON (when `person`) and LOCATION (when `location`) in normalised
/// text, whose letters written outside ASCII `marks` tells; without `ctx` no
/// word is a cue.
pub(crate) fn scan(
    t: &str,
    marks: Marks<'_>,
    person: bool,
    location: bool,
    ctx: bool,
    out: &mut Vec<Hit>,
) {
    let mut w = Words::new(t);
    w.ctx = ctx;
    w.marks = marks;
    let n = w.w.len();
    let mut i = 0;
    let mut pending = Pending::default();
    let start = out.len();
    while i < n {
        let before = out.len();
        let next = if person {
            person_at(&mut w, i, out)
        } else {
            None
        };
        let next = match next {
            Some(j) => Some(j),
            None if location => place_at(&mut w, i, out, &mut pending),
            None => None,
        };
        if let Some(mut j) = next {
            given_before(&mut w, before, out);
            if location {
                town_not_person(&w, before, out);
            }
            // The word after the new finding of two words or more, if any
            // (see `Words::hit_end`); the scan goes on after the finding
            // (`words::hit` may take in a double surname's second half).
            if let Some(h) = out.get(before..).and_then(<[Hit]>::last) {
                let first = w.w.binary_search_by_key(&h.start, |y| y.s);
                if let Ok(k) = w.w.binary_search_by_key(&h.end, |y| y.e) {
                    if first != Ok(k) {
                        w.hit_end = k + 1;
                    }
                    j = j.max(k + 1);
                }
            }
            i = j;
            continue;
        }
        i += 1;
    }
    pending.settle(&w, out);
    if person {
        echoes(&w, start, out);
    }
}

/// Most name parts [`echoes`] reads; a text with more names repeats none
/// of the later ones.
const ECHO_PARTS: usize = 16;

/// `patient: Zorvak Telmiri; Zorvak paid 3 USDC`: a name found once is
/// personal data wherever its words come again in the same text, so each
/// later capitalised word equal to a part of a PERSON finding from `start`
/// on is one too. Only parts of 3 letters or more that read as no English
/// word or place are echoed: no stop word or word-like given name (`Will`,
/// `Rose`), and no word-like surname or place unless it is a given name too
/// (`Maria` and `Florence` are echoed, `Current` and `Paris` are not). A
/// text with no name is untouched.
fn echoes(w: &Words<'_>, start: usize, out: &mut Vec<Hit>) {
    let mut parts = [0usize; ECHO_PARTS];
    let mut n = 0;
    let part = |k: usize| {
        let f = w.flags(k);
        w.w.get(k).is_some_and(|x| {
            capital(x.shape)
                && x.e - x.s >= 3
                && f & (STOP | FIRST_AMB) == 0
                && (f & FIRST != 0 || f & (LAST_WL | PLACE | PLACE_AMB) == 0)
        })
    };
    for h in out.get(start..).unwrap_or_default() {
        if h.entity != EntityType::Person {
            continue;
        }
        let from = w.w.partition_point(|y| y.s < h.start);
        for k in from..w.w.partition_point(|y| y.e <= h.end) {
            if n < ECHO_PARTS && part(k) {
                parts[n] = k;
                n += 1;
            }
        }
    }
    if n == 0 {
        return;
    }
    let bytes = |k: usize| w.w.get(k).and_then(|x| w.b.get(x.s..x.e));
    // The words any finding covers (no sort: its code costs the component
    // kilobytes).
    let mut covered = vec![false; w.w.len()];
    for h in out.iter() {
        let from = w.w.partition_point(|y| y.e <= h.start);
        let to = w.w.partition_point(|y| y.s < h.end);
        for c in covered.get_mut(from..to).unwrap_or_default() {
            *c = true;
        }
    }
    // A word spaced beside another capitalised one is part of a run no rule
    // read as a name (`imported by Phiri Masilo feather dusters`, a brand
    // named like a person), not an echo.
    let run = |a: usize, b: usize| {
        w.w.get(a)
            .zip(w.w.get(b))
            .is_some_and(|(p, q)| capital(p.shape) && capital(q.shape) && q.gap == Gap::Space)
    };
    for (j, y) in w.w.iter().enumerate() {
        if covered.get(j).copied().unwrap_or(true)
            || !capital(y.shape)
            || (j > 0 && run(j - 1, j))
            || run(j, j + 1)
        {
            continue;
        }
        let echo = parts.get(..n).unwrap_or_default().iter().any(|&k| {
            bytes(k)
                .zip(bytes(j))
                .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b))
        });
        if echo {
            out.push(Hit::new(EntityType::Person, y.s, y.e, 600));
        }
    }
}

/// `receipt issued in Sidi Khaled`, `from our team in Koh Kong`: a name
/// right after a spaced `in` (see [`after_in`]) is a town's, not a
/// person's, unless a possessive follows (`in Maria Lopez's office`). On
/// every dev split, the seed's corpus and ours, each of the 8 names read
/// after `in` was a town (HELDOUT "v14 run 29"). So is one a town's key
/// or a label's route in capitals tells (`?exam_centre=Dayr%20Yusuf`,
/// `FROM Dura TO central returns`; see [`keyed_or_routed`]): on the dev
/// splits each of the 3 was a town (HELDOUT "v14 run 52").
fn town_not_person(w: &Words<'_>, before: usize, out: &mut [Hit]) {
    let Some(h) = out
        .get_mut(before..)
        .and_then(<[Hit]>::first_mut)
        .filter(|h| h.entity == EntityType::Person)
    else {
        return;
    };
    let possessive = w.b.get(h.end) == Some(&b'\'');
    let (Ok(k), Ok(last)) = (
        w.w.binary_search_by_key(&h.start, |y| y.s),
        w.w.binary_search_by_key(&h.end, |y| y.e),
    ) else {
        return;
    };
    if !possessive && (after_in(w, k) || keyed_or_routed(w, k, last)) {
        h.entity = EntityType::Location;
    }
}

/// `from San Carlo Rossi` where no rule read the cue's words but a later
/// one read `Carlo Rossi`: the known given name between the cue and that
/// finding joins it. Replaced, the finding would leave `from San *`, a lone
/// given name after a cue, for the rescan to find; the first scan finds it.
fn given_before(w: &mut Words<'_>, before: usize, out: &mut [Hit]) {
    let (done, new) = out.split_at_mut(before.min(out.len()));
    let Some(h) = new.first_mut().filter(|h| h.entity == EntityType::Person) else {
        return;
    };
    let Ok(k) = w.w.binary_search_by_key(&h.start, |y| y.s) else {
        return;
    };
    if k < 2 || w.w[k].gap != Gap::Space {
        return;
    }
    let prev_end = done.last().map_or(0, |p| p.end);
    let g = w.w[k - 1];
    if g.shape == Shape::Title
        && g.gap == Gap::Space
        && g.s >= prev_end
        && w.flags(k - 1) & (FIRST | FIRST_AMB | STOP) == FIRST
        && w.cue(k - 2) & (STRONG | WEAK) != 0
    {
        h.start = g.s;
    }
}

/// Tries every PERSON rule at word `i`; returns the index after the match.
fn person_at(w: &mut Words<'_>, i: usize, out: &mut Vec<Hit>) -> Option<usize> {
    let before = out.len();
    let r = after_cue(w, i, out).or_else(|| pattern_at(w, i, out));
    if r.is_some() && article_pair(w, before, out) {
        out.truncate(before);
        return None;
    }
    r
}

/// True when the first finding from `before` on is `Al` and one word no
/// list knows as a surname, with no strong cue before it: Arabic's article
/// and a place's name (`from Al Kittah on Saturdays`, `clinic (Al Qatranah)`),
/// not the given name `Al` (`Al Gore`, `Al Roker`: known surnames). After a
/// strong cue it stays a person's (`patient: Al Mansouri`); after `in` the
/// finding is kept, and read as a town (see [`town_not_person`]).
fn article_pair(w: &mut Words<'_>, before: usize, out: &[Hit]) -> bool {
    let Some(h) = out.get(before) else {
        return false;
    };
    let Ok(k) = w.w.binary_search_by_key(&h.start, |y| y.s) else {
        return false;
    };
    w.w.get(k).is_some_and(|x| x.shape == Shape::Title)
        && w.is(k, "al")
        && w.w
            .get(k + 1)
            .is_some_and(|y| y.e == h.end && y.gap == Gap::Space)
        && w.flags(k + 1) & LAST == 0
        && (k == 0 || w.cue(k - 1) & STRONG == 0)
        && !after_in(w, k)
}

/// The cue-free PERSON patterns at word `i`.
fn pattern_at(w: &mut Words<'_>, i: usize, out: &mut Vec<Hit>) -> Option<usize> {
    let x = *w.w.get(i)?;
    let nx = w.w.get(i + 1).copied();
    if currency_pair(w, i) {
        return None;
    }
    match x.shape {
        Shape::Title | Shape::Upper => {
            let f = w.flags(i);
            if f & STOP != 0 || toponym_head(w, i) {
                return None;
            }
            // A key or label of a place kind or a site comes before
            // (`depot_town=Jacobo Hunter`, `field office, Sri Aman`), or a
            // site noun after (`our Charles Hill branch`): a town.
            if place_cue(w, i) == SURE || before_site(w, i) {
                return None;
            }
            // A known organisation (Morgan Stanley) is skipped whole: its
            // second word starts no name (`Johnnie Walker Black Label`).
            if is_org(w, i) {
                return Some(i + 2);
            }
            // A multi-word place (San Francisco, New York, Greater London:
            // see `places::DIRECTIONS`) is not a name.
            if place_len(w, i) >= 2
                || (w.is(i, DIRECTIONS)
                    && w.w.get(i + 1).is_some_and(|y| y.gap == Gap::Space)
                    && place_len(w, i + 1) > 0)
            {
                return None;
            }
            // `From: Vuyo Mahlangu <vuyo@example.org>`: a mailbox's name.
            if let Some(k) = display_name(w, i) {
                out.push(hit(w, i, k, EntityType::Person, 750)?);
                return Some(k + 1);
            }
            // `SMITH/JOHN MR`: an airline's passenger name.
            if booked_name(w, i) {
                out.push(hit(w, i, i + 1, EntityType::Person, 800)?);
                return Some(i + 2);
            }
            // `refund per Sahar` may end the text.
            if lone_per(w, i) {
                out.push(hit(w, i, i, EntityType::Person, 600)?);
                return Some(i + 1);
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
            if nx.gap == Gap::Comma
                && (labelled_last_first(w, i)
                    || unknown_first_after_last(w, i)
                    || unknown_last_before_first(w, i))
            {
                out.push(hit(w, i, i + 1, EntityType::Person, 700)?);
                return Some(i + 2);
            }
            // First [particles] Last: `Krisztina van der Loo`, `Rowan O Liain`
            // (spaced: `tier: Harbour; De Armas` is no name's run).
            if let Some(k) = (nx.gap == Gap::Space)
                .then(|| particle_run(w, i + 1))
                .flatten()
            {
                let known = f & (FIRST | FIRST_AMB) == FIRST;
                let shaped = x.shape == Shape::Title && x.e - x.s >= 3 && !is_place(w, i, 1);
                if !(known || shaped) {
                    return None;
                }
                // A brand named after the person is skipped whole (no
                // place inside it either: `Florence O Hara shoes`).
                if !org_phrase(w, i, k) {
                    out.push(hit(
                        w,
                        i,
                        k,
                        EntityType::Person,
                        if known { 800 } else { 650 },
                    )?);
                }
                return Some(k + 1);
            }
            if lone_subject(w, i)
                || lone_owner(w, i)
                || lone_speaker(w, i)
                || lone_asked(w, i)
                || lone_here(w, i)
                || lone_household(w, i)
                || lone_from_team(w, i)
            {
                out.push(hit(w, i, i, EntityType::Person, 600)?);
                return Some(i + 1);
            }
            if let Some(k) = given_names_joined(w, i, out) {
                return Some(k);
            }
            let joined = matches!(nx.gap, Gap::Space | Gap::Join(b'-' | b'_'));
            if !joined || !(capital(nx.shape) || nx.shape == Shape::Initial) {
                return None;
            }
            // `ships to Knokke-Heist`, `"city": "Helen-Bos"`: a hyphenated
            // pair where a place is introduced is a town (the place rules
            // read it), not `First-Last`.
            if nx.gap == Gap::Join(b'-') && place_cue(w, i) != 0 {
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
                if distinctive {
                    650
                } else {
                    0
                }
            } else if distinctive
                && x.shape == Shape::Title
                && f & LAST_WL == 0
                && !is_place(w, i, 1)
                && x.e - x.s >= 3
            {
                600
            } else {
                0
            };
            let score = if score == 0 && !mid && f & FIRST_AMB == 0 && owned_pair(w, i, last) {
                650
            } else if score == 0 && !mid && unknown_pair(w, i, last) {
                600
            } else {
                score
            };
            // `Receipt ORD-3263303`: an id's prefix is no surname.
            if score == 0 || (mid && !last_ok) || w.id_prefix(last) || org_phrase(w, i, last) {
                return None;
            }
            out.push(hit(w, i, last, EntityType::Person, score)?);
            Some(last + 1)
        }
        Shape::Initial => {
            // F. Last / F.Last
            let nx = nx?;
            // `J. R. Tolkien`: an initial before another initial's pattern
            // joins it (two initials at most, so this recurses once).
            if nx.gap == Gap::DotSpace
                && nx.shape == Shape::Initial
                && w.w.get(i + 2).is_some_and(|z| z.shape != Shape::Initial)
            {
                let before = out.len();
                let r = pattern_at(w, i + 1, out)?;
                if let Some(h) = out.get_mut(before) {
                    h.start = x.s;
                }
                return Some(r);
            }
            if nx.gap == Gap::DotSpace {
                if let Some(k) = particle_run(w, i + 1) {
                    out.push(hit(w, i, k, EntityType::Person, 700)?);
                    return Some(k + 1);
                }
            }
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
            if nx.gap == Gap::DotSpace
                && long
                && place_len(w, i + 1) == 0
                && !w.after(i + 1).is_ascii_digit()
            {
                out.push(hit(w, i, i + 1, EntityType::Person, 600)?);
                return Some(i + 2);
            }
            None
        }
        Shape::Lower => {
            if let Some(r) = glued_name(w, i, out) {
                return Some(r);
            }
            if given_after_role(w, i) {
                out.push(hit(w, i, i, EntityType::Person, 600)?);
                return Some(i + 1);
            }
            // first-last / first_last / first.last slugs.
            let nx = nx?;
            if nx.gap == Gap::Space {
                return searched_pair(w, i, out);
            }
            // A place's key's value (`?city=sao-paulo`) is a town's, not a
            // slug of given names.
            if !matches!(nx.gap, Gap::Join(_))
                || nx.shape != Shape::Lower
                || place_cue(w, i) == SURE
            {
                return None;
            }
            let f = w.flags(i);
            if f & FIRST == 0 || f & (FIRST_AMB | STOP) != 0 {
                return half_known_slug(w, i, out);
            }
            let mut last = i + 1;
            if w.flags(last) & FIRST != 0
                && w.w
                    .get(last + 1)
                    .is_some_and(|y| y.gap == nx.gap && y.shape == Shape::Lower)
                && w.flags(last + 1) & LAST != 0
            {
                last += 1;
            }
            let g = w.flags(last);
            if g & LAST == 0 || g & STOP != 0 || w.after(last).is_ascii_digit() {
                return half_known_slug(w, i, out);
            }
            out.push(hit(w, i, last, EntityType::Person, 800)?);
            Some(last + 1)
        }
        Shape::Other | Shape::Script => None,
    }
}

/// Verbs and nouns of paying and giving before a `_to` key (`tip_to=`,
/// `paid_to:`, `giftTo`): the key names a person (see [`given_to_key`]).
const GIVEN_TO: &str = "tip tips tipped pay paid payout send sent transfer transferred \
                        gift gifted donate donated refund refunded reimburse reimbursed";

/// True when word `i` is a key `to` joined by `_` or `-` to one of
/// [`GIVEN_TO`] (`tip_to`), or a camelCase key whose last hump is `To` after
/// one of them (`giftTo`).
fn given_to_key(w: &Words<'_>, i: usize) -> bool {
    if let Some((head, h)) = w.hump_split(i) {
        return h.eq_ignore_ascii_case(b"to") && is_among(head, GIVEN_TO);
    }
    i > 0
        && w.is(i, "to")
        && w.w
            .get(i)
            .is_some_and(|x| matches!(x.gap, Gap::Join(b'_' | b'-')))
        && w.is(i - 1, GIVEN_TO)
}

/// True when word `i` is a known given name in lower case (no ambiguous
/// one, stop word or place) that is a whole path segment after a role
/// noun's (`/instructors/douaa/timetable`, `/tutors/nayef`): a role's key
/// reads capitalised words only (see `after_cue`), and a lower-case word
/// there is as often a view (`/instructors/active/`).
fn given_after_role(w: &mut Words<'_>, i: usize) -> bool {
    let Some(x) = w.w.get(i).copied() else {
        return false;
    };
    x.gap == Gap::Key
        && i > 0
        && x.e - x.s >= 3
        && w.after_slash(i)
        && matches!(w.after(i), 0 | b'/' | b'?' | b'#')
        && w.flags(i) & (FIRST | FIRST_AMB | STOP) == FIRST
        && w.cue(i) == 0
        && w.role(i - 1)
        && !is_place(w, i, 1)
}

/// The least name-likeness of each unknown word of [`searched_pair`]:
/// searches are English as often as names, and a name read in a search's
/// URL changes the resource's echo. On 3,000 random searches of two words
/// (English, and developer and payment products before a word), 1 was
/// read at 15 (27 with the pair's check alone, 5 at 10, none at 20), and
/// 16 of 28 lower-case names (12 at 20); 2026-12-06.
const SEARCH_MIN: i32 = 15;

/// Keys whose value is what was searched for (`?q=`, `"query":`).
const SEARCH_KEYS: &str = "q query search lookup term keyword keywords";

/// `?q=kofi+boateng`, `{"query":"obada sahani"}`: a search's whole value of
/// two lower-case words at word `i` is a name when they are a given name
/// and a surname, neither word-like nor a stop word, or when no list knows
/// either and their letters read as a name's standing alone (a search is no cue).
/// Searches are written in lower case; not `?q=red+shoes` or `?q=jordan+
/// sneakers`, and no place (`?q=santa+rosa`). The weak key `for` reads the
/// known pair only (`?for=maria+garcia`, `{"for":"kofi boateng"}`).
fn searched_pair(w: &mut Words<'_>, i: usize, out: &mut Vec<Hit>) -> Option<usize> {
    let (x, y) = (*w.w.get(i)?, *w.w.get(i + 1)?);
    if i == 0
        || x.gap != Gap::Key
        || y.shape != Shape::Lower
        || !matches!(w.after(i + 1), 0 | b'&' | b'"' | b'#')
    {
        return None;
    }
    let search = w.is(i - 1, SEARCH_KEYS);
    if !search && !w.is(i - 1, "for") {
        return None;
    }
    let (f, g) = (w.flags(i), w.flags(i + 1));
    let known = f & (FIRST | FIRST_AMB | STOP) == FIRST && g & (LAST | LAST_WL | STOP) == LAST;
    let unknown = search
        && open_word(f)
        && open_word(g)
        && w.cue(i) == 0
        && w.cue(i + 1) == 0
        && w.namelike_pair(i, i + 1, Bounded)
        && [i, i + 1]
            .iter()
            .all(|&k| w.namelike_word(k).is_some_and(|s| s >= SEARCH_MIN));
    if !(known || unknown) || is_place(w, i, 1) || is_place(w, i, 2) || is_place(w, i + 1, 1) {
        return None;
    }
    out.push(hit(w, i, i + 1, EntityType::Person, 650)?);
    Some(i + 2)
}

/// True when words `i` and `j = i + 1`, two Title-case words no list knows
/// (no name, stop word, cue or place; or a given name only, see
/// [`open_word`]), stand alone and read as a personal
/// name by their letters (see [`super::namelike::pair_namelike`]): a
/// clause, a key or the text opens before them, or a clause closes after
/// them (`Tshegofatso Mballa — deposit`, `thanks — Syafiq Nsangou`,
/// `?for=Bakang+Fotso&qty=1`, `coach Ketino Bisbas (weekly)`), or inside a
/// sentence a lower-case word other than `via` or `using` comes before them
/// and a linking word after them ([`pair_linker`]: `delivered to Orquiz
/// Quarshie at reception`). In running text a capitalised pair is as often
/// a brand (`The Mogami Java Client SDK`, `sold through Babaeva Aleksovska
/// stopwatches`). A pair told a town by what joins it (`places::told_after`:
/// `/noticeboard/Mazkeret%20Batya/furniture`) is none.
fn unknown_pair(w: &mut Words<'_>, i: usize, j: usize) -> bool {
    let opens =
        w.w.get(i)
            .is_some_and(|x| matches!(x.gap, Gap::Break | Gap::Key));
    // The normaliser folds dashes to `-`.
    let ends = matches!(w.after(j), 0 | b';' | b',' | b'.' | b')' | b'&' | b'"');
    let closes = ends || matches!(w.next_mark(j), b'|' | b'(' | b'-' | b'\n');
    // Inside a sentence: a lower-case word before and a linking word
    // after (`delivered to Orquiz Quarshie at reception`, `met Guzelya
    // Blida for lunch`); a brand's pair goes on with its head noun
    // (`sold through Babaeva Aleksovska stopwatches`), and `via` or
    // `using` lead to a channel (`paid via Olipop Soda for the order`).
    let linked = i > 0
        && w.w.get(i).is_some_and(|x| x.gap == Gap::Space)
        && w.w.get(i - 1).is_some_and(|p| p.shape == Shape::Lower)
        && !w.is(i - 1, "via using")
        && pair_linker(w, j + 1);
    // The whole value of a person's key (`?for=Judeline+Ngah&qty=1`,
    // `?from=Yvens%20Molebatsi`): read as after a cue.
    let ctx = if ends
        && i > 0
        && w.w.get(i).is_some_and(|x| x.gap == Gap::Key)
        && w.cue(i - 1) & (STRONG | WEAK) != 0
    {
        Cued
    } else {
        Bounded
    };
    // Right after a word that introduces only places (`from our team in
    // Ângk Tasaôm`, `?collected_in=Otdam%20Souriya`) the pair is a town.
    let after_place_cue = i > 0 && w.cue(i - 1) & (LOC | STRONG | WEAK) == LOC;
    j == i + 1
        && (opens || closes || linked)
        && !after_place_cue
        && (i..=j).all(|k| {
            w.w.get(k).is_some_and(|z| z.shape == Shape::Title)
                && open_word(w.flags(k))
                && w.cue(k) == 0
                && !is_place(w, k, 1)
        })
        && w.namelike_pair(i, j, ctx)
        && !told_after(w, i, j)
}

/// ISO 4217 codes of the currencies in use and the tickers of the largest
/// crypto assets of three letters, lower case, one after another (every
/// entry is three letters wide).
const CURRENCIES: &[u8] =
    b"aedafnallamdangaoaarsaudawgaznbambbdbdtbgnbhdbifbmdbndbobbrlbsdbtnbwpbynbzd\
cadcdfchfclpcnycopcrccupcveczkdjfdkkdopdzdegpernetbeurfjdfkpgbpgelghsgipgmdgnfgtqgydhkdhnlhtghuf\
idrilsinriqdirriskjmdjodjpykeskgskhrkmfkpwkrwkwdkydkztlaklbplkrlrdlsllydmadmdlmgamkdmmkmntmopmru\
murmvrmwkmxnmyrmznnadngnnionoknprnzdomrpabpenpgkphppkrplnpygqarronrsdrubrwfsarsbdscrsdgseksgdshp\
slesossrdsspstnsvcsypszlthbtjstmttndtoptryttdtwdtzsuahugxusduyuuzsvesvndvuvwstxafxcdxofxpfyerzar\
zmwzwlbtcethsoldaixrpadabnb";
const _: () = assert!(CURRENCIES.len() % 3 == 0);

/// The tickers of the largest stablecoins of four letters.
const STABLECOINS: &str = "usdt usdc eurc busd tusd usde";

/// True when words `i` and `i + 1` are joined currency codes
/// ([`CURRENCIES`], [`STABLECOINS`]: `/rates/eur-aud`, `/fx/ron_huf`, `RON-HUF`): a currency
/// pair, though `Ron`, `Aud` and `Huf` are names.
fn currency_pair(w: &Words<'_>, i: usize) -> bool {
    let code = |k: usize| {
        w.w.get(k).and_then(|y| w.b.get(y.s..y.e)).is_some_and(|s| {
            (s.len() == 3
                && CURRENCIES
                    .chunks_exact(3)
                    .any(|c| c.eq_ignore_ascii_case(s)))
                || (s.len() == 4 && super::hit::is_among(s, STABLECOINS))
        })
    };
    w.w.get(i + 1)
        .is_some_and(|y| matches!(y.gap, Gap::Join(_)))
        && code(i)
        && code(i + 1)
}

/// True when a word's flags `f` say no list knows it, or only the given
/// names do (no surname, English word, stop word or place): where the
/// letters of a pair of unknown words decide, such a word is one of them.
/// A given name is as often a surname (`Bunga Marcelin`,
/// `emerson_hamidou`), and the longer the list of given names grows the
/// more such surnames it holds.
fn open_word(f: u8) -> bool {
    f == 0 || f == FIRST
}

/// `Last, First` as a whole labelled value (`screening: Kobelt, Larissa`):
/// after a colon (or a person's label and a dash), ending the clause, two
/// Title-case words of 2+ letters, neither a stop word nor a place, one of
/// them known (a surname first or an unambiguous given name second).
fn labelled_last_first(w: &mut Words<'_>, i: usize) -> bool {
    let (Some(x), Some(y)) = (w.w.get(i).copied(), w.w.get(i + 1).copied()) else {
        return false;
    };
    let pre = w.b.get(..x.s).unwrap_or(&[]);
    // A person's label and a spaced dash (`Member name — Hanani, Wasem`;
    // the normaliser folds dashes to `-`) label the value as a colon does.
    let dashed = pre.trim_ascii_end().ends_with(b" -")
        && i > 0
        && w.cue(i - 1) & STRONG != 0
        && w.w.get(i - 1).is_some_and(|p| p.shape == Shape::Lower);
    let labelled = pre.ends_with(b": ") || pre.ends_with(b":") || dashed;
    let (f, g) = (w.flags(i), w.flags(i + 1));
    labelled
        && x.shape == Shape::Title
        && y.shape == Shape::Title
        && y.e - y.s >= 2
        && matches!(w.after(i + 1), 0 | b'.' | b';' | b')')
        && (f | g) & STOP == 0
        && (f & (LAST | LAST_WL) == LAST
            || g & (FIRST | FIRST_AMB) == FIRST
            || unknown_pair_labelled(w, i))
        && !is_place(w, i, 1)
        && !is_place(w, i + 1, 1)
}

/// `Kunaeva, Qaluan` ending the clause: a distinctive surname (no English
/// word), a comma, and a Title-case word of 3+ letters that no list knows
/// (no name, stop word, cue or place). `Ibragimov, Kazakhstan` is a place.
fn unknown_first_after_last(w: &mut Words<'_>, i: usize) -> bool {
    let Some(y) = w.w.get(i + 1).copied() else {
        return false;
    };
    w.flags(i) & (LAST | LAST_WL) == LAST
        && y.shape == Shape::Title
        && y.e - y.s >= 3
        && w.flags(i + 1) == 0
        && w.cue(i + 1) == 0
        && matches!(w.after(i + 1), 0 | b'.' | b';' | b')' | b'"')
        && !is_place(w, i + 1, 1)
}

/// `Thangavelu, Siddhartha owes the balance`, `invoice for Thangavelu,
/// Siddhartha`: a Title-case word of 4+ letters that no list knows (or a
/// distinctive surname), a comma, and a known given name (or, neither word
/// known, both read as a name by their letters: `Vathana, Agilan`), where a
/// clause starts (the text's start, after `;` or `:`) or after a cue word,
/// and before the clause ends, a colon or a lower-case word. `Paris, Maria`
/// is a place and a name, unless a person's verb follows (`Centar, John
/// owes the balance`: a town's name as a surname); `apples, Grace notes`
/// has no clause start.
fn unknown_last_before_first(w: &mut Words<'_>, i: usize) -> bool {
    let (Some(x), Some(y)) = (w.w.get(i).copied(), w.w.get(i + 1).copied()) else {
        return false;
    };
    let pre = w.b.get(..x.s).unwrap_or(&[]).trim_ascii_end();
    let start = pre.is_empty()
        || pre.ends_with(b";")
        || pre.ends_with(b":")
        || (i > 0 && x.gap == Gap::Space && w.cue(i - 1) != 0);
    // A colon after the pair makes it the label of what follows
    // (`Kyriakou, Jameela: annual check-up`).
    let end = match w.after(i + 1) {
        0 | b'.' | b';' | b')' | b'"' | b':' => true,
        b' ' => w.w.get(i + 2).is_some_and(|z| z.shape == Shape::Lower),
        _ => false,
    };
    // Before a person's verb (`Thangatthamizhan, Padmini owes the balance`)
    // the letters are read as after a cue.
    let verb = end && (w.is(i + 2, SUBJECT_VERBS) || present_verb(w, i + 2));
    let ctx = if verb { Cued } else { Bounded };
    let given = w.flags(i + 1) & (FIRST | FIRST_AMB | STOP) == FIRST;
    start
        && end
        && x.shape == Shape::Title
        && y.shape == Shape::Title
        && x.e - x.s >= 4
        && w.flags(i) & (FIRST | FIRST_AMB | LAST_WL | STOP) == 0
        && (given || (w.flags(i) | w.flags(i + 1)) == 0 && w.namelike_pair(i, i + 1, ctx))
        && w.cue(i) == 0
        && (!is_place(w, i, 1) || (verb && given))
        && !is_place(w, i + 1, 1)
}

/// `screening: Cudzich, Parth` with neither word known: the label before the
/// colon is a lower-case word, and both words have 3+ letters and are no
/// English word the lists know (ambiguous given names, word-like surnames)
/// and no cue (`Tags: Red, Blue` and `sizes: Small, Large` stay untouched).
fn unknown_pair_labelled(w: &mut Words<'_>, i: usize) -> bool {
    let label = i > 0 && w.w.get(i - 1).is_some_and(|p| p.shape == Shape::Lower);
    let long = (i..=i + 1).all(|k| w.w.get(k).is_some_and(|y| y.e - y.s >= 3));
    label
        && long
        && (w.flags(i) | w.flags(i + 1)) & (FIRST_AMB | LAST_WL) == 0
        && w.cue(i) == 0
        && w.cue(i + 1) == 0
}

/// A two-word lower-case slug that is a whole path segment, query value,
/// JSON string or file name (`/kyc/alexandra_chindamo/`, `?attendee=alma.sahni`,
/// `{"driver_id":"daanyaal.stojanovski"}`, `/exports/7/petrovski-balabay.csv`)
/// where one word is a known given name (first) or a distinctive surname
/// (either) and the other an unknown word of 3+ letters, neither a stop word
/// nor a place (the known word may be a place too).
fn half_known_slug(w: &mut Words<'_>, i: usize, out: &mut Vec<Hit>) -> Option<usize> {
    let (x, y) = (*w.w.get(i)?, *w.w.get(i + 1)?);
    let open = x.s == 0 || matches!(w.b.get(x.s - 1), Some(b'/' | b'=' | b'"'));
    let close =
        matches!(w.after(i + 1), 0 | b'/' | b'?' | b'&' | b'#' | b'"') || file_ext(w.b, y.e);
    if !open || !close || x.e - x.s < 3 || y.e - y.s < 3 {
        return None;
    }
    let (f, g) = (w.flags(i), w.flags(i + 1));
    let plain = |k: u8| k & (FIRST | LAST | STOP) == 0;
    let distinct = |k: u8| k & (LAST | LAST_WL | STOP) == LAST;
    // The place a given name's surname may be is checked below (`maria_albertslund`).
    let given = f & (FIRST | FIRST_AMB | STOP) == FIRST && open_word(g & !PLACE);
    // A surname first only when its ending says so (`petrovski-balabay`,
    // `vasileva-aysa`) or a plain given name follows (`kowalski-maria`): a
    // Census surname first is as often a brand (`garcia-widgets`).
    let ending = w.surname_ending(i);
    let given_after = g & (FIRST | FIRST_AMB | LAST_WL | STOP) == FIRST;
    let surname = (distinct(g) && plain(f))
        || (ending && (plain(g) || given_after))
        || (distinct(f) && f & FIRST == 0 && given_after);
    // Neither word known: both read as names by their letters, less
    // plainly where a person's cue or role noun names the segment or key
    // before (`/exports/7/njoya-zamri.csv`; `/donors/vasea-cretu/pledges`,
    // `?by=visnu-shengelia`).
    let cued = i > 0 && x.gap == Gap::Key && (w.cue(i - 1) & (STRONG | WEAK) != 0 || w.role(i - 1));
    let context = if cued { Cued } else { Bounded };
    // After a cue a known name that is no English word may be either word
    // (`/landlords/amla-isai/`): the letters decide. A word-like name
    // (`may-june`, `page-rank`) reads as English there.
    let unknown = (if cued {
        (f | g) & (STOP | FIRST_AMB | LAST_WL) == 0
    } else {
        open_word(f) && open_word(g)
    }) && w.cue(i) == 0
        && w.cue(i + 1) == 0
        && w.namelike_pair(i, i + 1, context);
    // The known word reads as a name even when it is also a place
    // (`alexandra`: the PERSON rules win, as everywhere); the unknown one
    // must not be a place.
    let first_ok = given || ending || !is_place(w, i, 1);
    let second_ok = (surname && distinct(g)) || !is_place(w, i + 1, 1);
    if !(given || surname || unknown) || !first_ok || !second_ok {
        return None;
    }
    out.push(hit(w, i, i + 1, EntityType::Person, 650)?);
    Some(i + 2)
}

/// From the word after a first name: the surname index and whether a middle
/// name or initial was skipped.
fn surname_after(w: &mut Words<'_>, j: usize) -> (usize, bool) {
    let Some(y) = w.w.get(j).copied() else {
        return (j, false);
    };
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
    // `the driver, Kesner Teoh, is waiting`: a role noun's apposition.
    let comma = first.gap == Gap::Comma && first.shape == Shape::Title;
    if !(first.gap == Gap::Key
        || comma
        || (spaced && (capital_next || (short_cue && first.shape == Shape::Lower))))
    {
        return None;
    }
    if w.w.get(i).is_none_or(|x| x.e - x.s > 16) {
        return None;
    }
    let cue = w.cue(i);
    if cue & STRONG != 0 && thing_name(w, i) {
        return None;
    }
    // `kin` hyphenated to a word other than `of` is a slug's end, no cue:
    // `szeto-kin` names someone itself (`/tutors/szeto-kin/sessions`;
    // `next-of-kin: …`, `/kin/kruger` are cues).
    if i > 0
        && w.is(i, "kin")
        && w.w.get(i).is_some_and(|x| x.gap == Gap::Join(b'-'))
        && !w.is(i - 1, "of")
    {
        return None;
    }
    // A lower-case role noun (`landlord`, `colleague`; see `Words::role`)
    // is a strong cue, before spaced words and as a key. As a key
    // (`landlord: Zorvak Telmiri`) it reads capitalised words only, and the
    // brand check below still applies (`partner: Solvej Haro gazebos`),
    // unlike a cue word's key. Role nouns have 4 letters or more, and no
    // cue word is one.
    let role = cue & (STRONG | WEAK) == 0
        && w.w
            .get(i)
            .is_some_and(|x| x.shape == Shape::Lower && x.e - x.s >= 4)
        && w.role(i);
    // A key that ends in `_by` names a person (`approved_by=`, `paid_by:`,
    // `createdBy`).
    let by_key = cue & WEAK != 0
        && first.gap == Gap::Key
        && ((w.w.get(i).is_some_and(|x| x.gap == Gap::Join(b'_')) && w.is(i, "by"))
            || w.hump(i).is_some_and(|h| h.eq_ignore_ascii_case(b"by")));
    // A key naming whom a payment or gift went to (`tip_to=`, `paid_to:`,
    // `giftTo`; see [`GIVEN_TO`]); `ship_to` stays a place's key.
    let to_key = first.gap == Gap::Key && given_to_key(w, i);
    // `in memory of Pat Mosavi`, `?in_memory_of=`: whom a gift remembers.
    let memory_of =
        (spaced || first.gap == Gap::Key) && i > 0 && w.is(i, "of") && w.is(i - 1, "memory");
    // `c/o Zamri Kenfack`: care of.
    let care_of = spaced
        && i > 0
        && w.is(i, "o")
        && w.w.get(i).is_some_and(|x| x.gap == Gap::Key)
        && w.after_slash(i)
        && w.is(i - 1, "c");
    // `registered as Huanca, Mesidor`, `known as Zorvak`: a verb of naming
    // and `as`, spaced or as a key (`"registered_as":`, `knownAs=`).
    let named_as = named_as(w, i, spaced || first.gap == Gap::Key);
    // `Approved by Amarilys.`: `by` after a verb of approval names the
    // approver (see [`APPROVING`]); a weak cue that also reads a lone
    // Title-case word ending the clause.
    let approved_by = spaced
        && i > 0
        && w.is(i, "by")
        && w.w.get(i).is_some_and(|x| x.gap == Gap::Space)
        && w.is(i - 1, APPROVING);
    // `on call: Abdizhamil`, `"sign_off": "Zoila"`, `approved: Emzar Ara`,
    // `?greet=Ernie`, `name on card: Vuyo Mahlangu`, `{"nameOnCard":`,
    // `{"name":[{"family":"Stanikzai"}]}`: a key that names who is on duty,
    // signs off, approved, is greeted or holds a card, or a part of a
    // person's name (see [`nested_name_part`]); like a role noun's key it
    // reads capitalised words only (`approved: yes`), and a lone one must
    // end the value.
    let duty_key = first.gap == Gap::Key
        && (w.is(i, "approved greet greeting nameoncard")
            || on_duty(w, i).is_some()
            || (i > 0 && w.is(i, "off") && w.is(i - 1, "sign"))
            || (i > 1 && w.is(i, "card") && w.is(i - 1, "on") && w.is(i - 2, "name"))
            || nested_name_part(w, i));
    // `pay Vimal Srigama for the cab ride`, `reimburse Rabit Zahri`: a
    // lower-case verb of payment before capitalised words.
    let lower_cue = w.w.get(i).is_some_and(|x| x.shape == Shape::Lower);
    let paid = spaced && capital_next && lower_cue && w.is(i, PAY_VERBS);
    // `ping Xime when it settles`, `assigned to Gunel`, `ticket 4 opened
    // by Rathanak`, `spoke with Nomsa today`, `handed it to Sihle`, `refund
    // owed to Joujou`: a lower-case verb of contact before its object, a
    // verb of assignment and `to`, `thanks` or `owed` and `to`, of
    // reporting and `by`, of company and `with`, or of giving, `it` and
    // `to` (see [`CONTACT_VERBS`], [`ASSIGNING`], [`REPORTING`],
    // [`SOCIAL`], [`GIVING`]); a weak cue whose lone word must read as a
    // name ([`lone_named`]). After a verb's preposition a lower-case pair
    // may follow too (`handed over to tricia mahmoodi at the door`), read
    // as after `for`.
    let contacted = spaced
        && lower_cue
        && ((capital_next && w.is(i, CONTACT_VERBS))
            || (i > 0
                && w.w.get(i).is_some_and(|x| x.gap == Gap::Space)
                && ((w.is(i, "to") && w.is(i - 1, ASSIGNING))
                    || (w.is(i, "to") && w.is(i - 1, "thanks owed"))
                    || (w.is(i, "by") && w.is(i - 1, REPORTING))
                    || (w.is(i, "with") && w.is(i - 1, SOCIAL))
                    || (i > 1
                        && w.is(i, "to")
                        && w.is(i - 1, "it them over")
                        && w.is(i - 2, GIVING)))));
    // `mentioned Olumide in the thread`: a verb of mention, a weak cue
    // like `for` (a lone word must be a known given name: products are
    // mentioned and tagged as often, `mentioned Kubernetes`).
    let mentioned = spaced && capital_next && lower_cue && w.is(i, "mentioned tagged");
    // `?host=Joudy&room=4b`, `{"host":"Maisa"}`: an event's host as a key,
    // a weak cue (in running text `host` is as often a hotel's or a cloud's:
    // `our host AWS`); so are a message's sender and recipient as a key of
    // their own (`{"from":"Tosin","via":"mobile"}`, `?to=Priya`; not
    // `collect_from=`), whose value is one word, a known given name and no
    // place (`{"from":"Lagos"}` is a town's, `{"from":"Grace Church"}` no
    // one).
    let own_key = w.w.get(i).is_some_and(|x| !matches!(x.gap, Gap::Join(_)));
    let host_key = first.gap == Gap::Key
        && first.shape == Shape::Title
        && (w.is(i, "host hosts") || (own_key && w.is(i, "from to") && w.value_end(i + 1)));
    // `Thanks, Amarilys`, `Kind regards, Zorvak Telmiri`: a sign-off that
    // opens its clause, a comma and a name (see [`SIGN_OFFS`]).
    let sign_off = comma && sign_off(w, i);
    // `guest of Messaoud`, `wife of Zorvak Telmiri`: whose guest or kin.
    let kin_of = spaced && i > 0 && w.is(i, "of") && w.is(i - 1, KIN_OF);
    let strong = cue & STRONG != 0
        || role
        || by_key
        || to_key
        || memory_of
        || care_of
        || named_as
        || paid
        || duty_key
        || kin_of;
    let weak = !strong
        && (cue & WEAK != 0 || sign_off || contacted || mentioned || host_key || greeting(w, i));
    if (!strong && !weak) || (comma && !sign_off && !(strong && lower_cue && !by_key)) {
        return None;
    }
    // `ships to Knokke Heist`, `the village of Bourg Achard`: where a place
    // is introduced, a weak cue reads a person only from a known given name
    // (`ships to Anne Smith`), and none where it surely is
    // (`depot_town=Jacobo Hunter`); the place rules read the rest.
    let place = place_cue(w, i + 1);
    if place == SURE || (weak && place == ROUTED && w.flags(i + 1) & FIRST == 0) {
        return None;
    }
    let key = strong && first.gap == Gap::Key;
    // A naming verb's key reads as its spaced form does (`"registered_as":
    // "Individual"` is a category, no name).
    let keyed = key && !role && !duty_key && !named_as;
    if !key && !spaced && !comma && !host_key {
        return None;
    }
    // After a person's cue, joined currency codes are a pair unless one is
    // a name (`/users/btc-usdt`; `/users/ron-huf` may be Ron Huf).
    if is_org(w, i + 1)
        || token_after_cue(w.b, first.s)
        || toponym_head(w, i + 1)
        || (currency_pair(w, i + 1) && (w.flags(i + 1) | w.flags(i + 2)) & (FIRST | LAST) == 0)
    {
        return None;
    }
    // Lower-case `first last` after a cue in free text: both from the
    // gazetteer; or an unknown given name (or one that is a distinctive
    // surname) before a surname when the pair ends the text or the clause
    // (`for kian esposito`, `for reza perez`).
    // `Mr van der Velden`, `patient de la Cruz`: particles and a surname.
    if strong && spaced && first.shape == Shape::Lower {
        if let Some(k) = particle_run(w, i + 1) {
            if !org_phrase(w, i + 1, k) {
                out.push(hit(w, i + 1, k, EntityType::Person, 700)?);
                return Some(k + 1);
            }
        }
    }
    if spaced && first.shape == Shape::Lower {
        let second = *w.w.get(i + 2)?;
        let f = w.flags(i + 1);
        if second.gap != Gap::Space || second.shape != Shape::Lower {
            return None;
        }
        let g = w.flags(i + 2);
        // A hyphenated second surname joins a pair no list knows
        // (`emergency contact entela delos-reyes`; a known pair keeps its
        // own already: `for reza perez-sola`).
        let end = if w
            .w
            .get(i + 3)
            .is_some_and(|z| z.gap == Gap::Join(b'-') && z.shape == Shape::Lower)
            && w.flags(i + 3) & STOP == 0
        {
            i + 3
        } else {
            i + 2
        };
        let ends = |k: usize| matches!(w.after(k), 0 | b'.' | b',' | b';' | b')' | b'"');
        let clause_end = ends(i + 2);
        // Neither word known: both read as names by their letters, and the
        // clause ends or a linking word follows (`asked by avanti jayraman
        // on slack`, `entered as keabetswe huamani`; see [`LINKERS`]); or a
        // known given name and a word no list knows that reads as a surname
        // alone (`handed over to tricia mahmoodi at the door`).
        let context = if strong { Cued } else { Bounded };
        if open_word(f)
            && open_word(g)
            && (ends(end) || pair_linker(w, end + 1))
            && w.cue(i + 2) == 0
            && (w.namelike_pair(i + 1, i + 2, context)
                || (f == FIRST && g == 0 && w.surname_namelike(i + 2, context)))
        {
            out.push(hit(w, i + 1, end, EntityType::Person, 600)?);
            return Some(end + 1);
        }
        if g & LAST == 0 || g & STOP != 0 || w.after(i + 2).is_ascii_digit() {
            return None;
        }
        let known = f & FIRST != 0 && f & (FIRST_AMB | STOP) == 0;
        let unknown = f & (FIRST | LAST | STOP) == 0
            && first.e - first.s >= 3
            && g & LAST_WL == 0
            && clause_end;
        // A given name that is also a distinctive surname (`for reza perez`,
        // `for tao berg`): no English word, so a name at the clause end.
        let surname_first = f & LAST != 0
            && f & (LAST_WL | FIRST_AMB | STOP) == 0
            && first.e - first.s >= 3
            && clause_end;
        if !(known || unknown || surname_first) {
            return None;
        }
        let score = if known { 700 } else { 600 };
        out.push(hit(w, i + 1, i + 2, EntityType::Person, score)?);
        return Some(i + 3);
    }
    // `Last, First` after a strong cue, whatever the gazetteer says
    // (`patient=Nkosi, Wanjiru`, `Patient: Okafor,Chidi`).
    if strong {
        if let Some(r) = last_first_after_cue(w, i, out) {
            return Some(r);
        }
    }
    // A full pattern right after the cue (`Patient: Garcia, Maria`) wins.
    let before = out.len();
    if let Some(r) = pattern_at(w, i + 1, out) {
        if let Some(h) = out.get_mut(before) {
            h.score = h.score.max(if strong { 850 } else { 800 });
        }
        return Some(r);
    }
    // A key's value in capitals, as cards print it (`"cardholder": "ZORVAK
    // TELMIRI"`, `cardholder ZORVAK TELMIRI`): two words no list knows are
    // a name when their letters read as one even without the key (capitals
    // are as often a product's label: `NDVI TILE`).
    let caps_pair = (keyed || (strong && spaced))
        && first.shape == Shape::Upper
        && w.w
            .get(i + 2)
            .is_some_and(|y| y.gap == Gap::Space && y.shape == Shape::Upper)
        && (w.flags(i + 1) | w.flags(i + 2)) & STOP == 0
        && w.namelike_pair(i + 1, i + 2, Bounded);
    // Collect up to four name words.
    let mut j = i + 1;
    let mut support = false;
    let mut any_name = false;
    let mut cap_words = 0;
    let mut units = 0;
    let mut end = None;
    while j <= i + 4 {
        let Some(y) = w.w.get(j).copied() else { break };
        // `Mr van der Velden`: particles and the capitalised word after them.
        if !keyed && matches!(y.gap, Gap::Space | Gap::DotSpace) {
            if let Some(k) = particle_run(w, j) {
                cap_words += 1;
                units += 1;
                end = Some(k);
                j = k + 1;
                continue;
            }
        }
        if j > i + 1 {
            // `. ` joins after an initial only (`J. R. Smith`, not `By
            // Fewsats. Beneficiary …`).
            // `passenger name Norkus/Giedrius`: a ticket's `Last/First`
            // after a strong cue in free text.
            let slash = |w: &Words<'_>| strong && !keyed && j == i + 2 && w.slashed(j);
            let joint = match y.gap {
                Gap::Space => true,
                Gap::DotSpace => w.w.get(j - 1).is_some_and(|p| p.shape == Shape::Initial),
                Gap::Join(c) => keyed || c == b'-',
                Gap::Key => slash(w),
                _ => false,
            };
            if !joint {
                break;
            }
        }
        let f = w.flags(j);
        // A key's value reads words of any case, and of a script without
        // case (`{"customer":"محمد أحمد"}`); in running text those are left
        // unread, with no cue of their own.
        let ok_shape = if keyed {
            matches!(
                y.shape,
                Shape::Title | Shape::Upper | Shape::Lower | Shape::Initial | Shape::Script
            )
        } else {
            // An initial that ends the clause is a one-word name's surname
            // (`landlord Zhana I; …`), taken by `words::hit`.
            capital(y.shape)
                || (y.shape == Shape::Initial && j + 1 < w.w.len() && !w.initial_after(j - 1))
        };
        // A stop word opens a name where a name surely follows: a given
        // name that is also one before a particle (`name: Jan van Dijk`;
        // `Jan` is a month's too), or, after a strong cue, an initial that
        // is also a word before a listed surname (`name: A Khan`; `A` is an
        // article too), a surname that is also a word only where it ends
        // the value (not `name: A Good Day`).
        let opens = j == i + 1
            && f & STOP != 0
            && w.w.get(j + 1).is_some_and(|z| z.gap == Gap::Space)
            && ((matches!(y.shape, Shape::Title | Shape::Upper)
                && particle_run(w, j + 1).is_some())
                || (strong
                    && y.shape == Shape::Initial
                    && w.w[j + 1].shape == Shape::Title
                    && w.flags(j + 1) & (LAST | FIRST_AMB | STOP) == LAST
                    && (w.flags(j + 1) & LAST_WL == 0 || w.value_end(j + 1))));
        if !ok_shape || (f & STOP != 0 && !opens) || (y.shape != Shape::Initial && y.e - y.s < 2) {
            break;
        }
        // A surname named like a place after a particle inside the name is
        // the name's end (`Alketa Delos Santos`, `Juan de los Reyes`).
        let particle_surname = j > i + 2 && f & LAST != 0 && w.is(j - 1, PARTICLES);
        if !keyed && place_len(w, j) > 0 && (weak || f & (FIRST | LAST) == 0) && !particle_surname {
            break;
        }
        // An all-caps word is an acronym (SSN, API) unless it is a known
        // name, or a particle or a given name before one (`JAN VAN DIJK`, see
        // `opens`; `words::hit` takes in the surname after the particle).
        let particle = j > i + 1 && w.is(j, PARTICLES);
        if y.shape == Shape::Upper
            && f & (FIRST | LAST) == 0
            && !(caps_pair && j <= i + 2)
            && !particle
            && !opens
        {
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
        units += 1;
        end = Some(j);
        j += 1;
    }
    let end = end?;
    // `owner: Unassigned`, `teacher: English`, `guest: Remote`: one word
    // that names no one (see [`NOBODY`], `places::NO_PLACE`).
    // A weak cue reads no assistant alone (see [`ASSISTANTS`]).
    if units == 1
        && (w.is(end, NOBODY) || w.is(end, NO_PLACE) || (!strong && w.is(end, ASSISTANTS)))
    {
        return None;
    }
    // A key's value of words no list knows that goes on with a capitalised
    // stop word names a thing (`updatedBy: Release Bot`, `bank_account:
    // Savings Plus`, `repo_owner: Coinbase Developer Platform`, `created_by:
    // Github Actions`), not a person.
    if keyed && !any_name && stop_after(w, end) {
        return None;
    }
    // A listed place before its region names a town, whatever the key
    // (`holder: Paris, Texas`).
    if keyed && is_place(w, i + 1, end - i) && region_at(w, end + 1) {
        return None;
    }
    // An initial ends a name only after a given name, known or read as one
    // by its letters (`name: Maria G.`, `patient: Zorvak T.`): the loop
    // above took every name word after it, so none follows; not `Plan B`.
    let initial_end = w.w.get(end).is_some_and(|y| y.shape == Shape::Initial)
        && !(end > i + 1
            && w.w.get(end - 1).is_some_and(|p| p.shape == Shape::Title)
            && (w.flags(end - 1) & (FIRST | FIRST_AMB | STOP) == FIRST
                || unknown_namelike(w, end - 1)));
    if w.after(end).is_ascii_digit()
        || initial_end
        || (comma
            && !sign_off
            && (w.after(end) != b','
                || (i + 1..=end).any(|k| w.flags(k) & (FIRST_AMB | LAST_WL) != 0)))
    {
        return None;
    }
    // `Paid to Gwynfor Studio`, `{"merchant":"Priya Media"}`: a lone word
    // before a capitalised stop word that names a kind of business heads
    // the business's name (other stop words are surnames too: `Maria
    // Long`, `Kofi West`, whose given name is still read).
    if units == 1
        && w.w
            .get(end + 1)
            .is_some_and(|y| y.gap == Gap::Space && y.shape == Shape::Title)
        && w.is(end + 1, BUSINESS_STOPS)
    {
        return None;
    }
    let words = units;
    let score = if strong {
        // In free text a lone unknown word after `patient`/`customer` is more
        // often a product word (Customer Success, Member Services) than a
        // name; titles differ. A lone Title-case word that ends the clause
        // after a lower-case cue (`for patient Wanjiru.`) is a given name; a
        // capitalised cue starts a product phrase (`Customer Success`).
        // After a verb of naming the word must also read as a name, as
        // after a sign-off (`registered as Zorvak`, not `registered as
        // Individual`).
        let cue_lower = w.w.get(i).is_some_and(|x| x.shape == Shape::Lower);
        if !keyed
            && !support
            && words == 1
            && cue & TITLE == 0
            && !(named_as && lone_signer(w, end))
            && !(cue_lower && !named_as && lone_given_name(w, end))
            && !(cue_lower && !named_as && spaced && lone_before_verb(w, end))
            && !(paid && lone_given_name_linked(w, end))
        {
            return None;
        }
        // A lone word on shift or duty must read as a name (`on shift:
        // Night`); `on call` names people only.
        let shift = on_duty(w, i).is_some_and(|k| !w.is(k, "call"));
        if duty_key && shift && !support && words == 1 && !lone_named(w, end) {
            return None;
        }
        if support {
            850
        } else {
            650
        }
    } else if cap_words == words && words >= 2 && (support || any_name) {
        800
    } else if (cap_words == words && words == 1 && w.flags(i + 1) & (FIRST | FIRST_AMB) == FIRST)
        || (words == 2 && clause_pair(w, i))
        || (words == 1
            && end == i + 1
            && ((greeting(w, i) && (lone_given_name(w, end) || lone_given_name_linked(w, end)))
                || (sign_off && lone_signer(w, end))
                || (contacted
                    && (lone_given_name(w, end) || lone_given_name_linked(w, end))
                    && lone_named(w, end))
                || (approved_by
                    && (lone_approver(w, end)
                        || (w.cue(end) == 0 && lone_given_name_linked(w, end))))))
    {
        600
    } else {
        return None;
    };
    // A cue word's key reads any value (`user=li.wei`), but no
    // organisation's (`seller: Apple Inc`).
    let org = if keyed {
        (i + 1..=end + 1).any(|k| {
            w.w.get(k).is_some_and(|y| k <= end || y.gap == Gap::Space) && w.cue(k) & ORG != 0
        })
    } else {
        org_phrase(w, i + 1, end)
    };
    if org {
        return None;
    }
    out.push(hit(w, i + 1, end, EntityType::Person, score)?);
    Some(end + 1)
}

/// True when a capitalised stop word follows word `end` after a space
/// (`Release Bot`, `Savings Plus`).
fn stop_after(w: &mut Words<'_>, end: usize) -> bool {
    w.w.get(end + 1)
        .is_some_and(|y| y.gap == Gap::Space && capital(y.shape))
        && w.flags(end + 1) & STOP != 0
}

/// `Last, First` right after the cue at word `i`: two capitalised words
/// joined by a comma, neither a stop word nor a place, the second not
/// followed by another capitalised word (`Paris, Texas, USA`).
fn last_first_after_cue(w: &mut Words<'_>, i: usize, out: &mut Vec<Hit>) -> Option<usize> {
    let a = *w.w.get(i + 1)?;
    let b = *w.w.get(i + 2)?;
    // In capitals (`Name: TELMIRI, ZORVAK`) a known name or letters that
    // read as one tell it from a label (`NOTE: API, SDK`).
    let title = a.shape == Shape::Title && b.shape == Shape::Title;
    let caps = a.shape == Shape::Upper
        && b.shape == Shape::Upper
        && ((w.flags(i + 1) | w.flags(i + 2)) & (FIRST | LAST) != 0
            || w.namelike_pair(i + 1, i + 2, Bounded));
    if b.gap != Gap::Comma || !(title || caps) {
        return None;
    }
    if a.e - a.s < 2 || b.e - b.s < 2 {
        return None;
    }
    // A surname that is also a place before a known given name is no town
    // (`customer: Jordan, Kofi`; `holder: Paris, Texas` is one).
    let (f, g) = (w.flags(i + 1), w.flags(i + 2));
    let surname_place = f & LAST != 0 && g & (FIRST | FIRST_AMB) == FIRST;
    if (f | g) & STOP != 0 || (is_place(w, i + 1, 1) && !surname_place) || is_place(w, i + 2, 1) {
        return None;
    }
    if w.w
        .get(i + 3)
        .is_some_and(|c| capital(c.shape) && matches!(c.gap, Gap::Space | Gap::Comma))
    {
        return None;
    }
    if w.after(i + 2).is_ascii_digit() {
        return None;
    }
    out.push(hit(w, i + 1, i + 2, EntityType::Person, 800)?);
    Some(i + 3)
}

/// True when word `j`, a lone capitalised word after a strong cue, ends its
/// clause: the text ends, or punctuation (`.`, `,`, `;`, `)`, `'s`, a JSON
/// string's `"`) follows, and it is not a place.
fn lone_given_name(w: &mut Words<'_>, j: usize) -> bool {
    let Some(y) = w.w.get(j).copied() else {
        return false;
    };
    if !lone_word(w, j) {
        return false;
    }
    if w.initial_after(j) {
        return true;
    }
    let rest = w.b.get(y.e..).unwrap_or(&[]);
    match rest.first() {
        None => true,
        Some(b'.' | b',' | b';' | b')' | b'\'' | b'!' | b'"') => true,
        Some(b' ') => rest.get(1).is_none_or(|c| matches!(c, b'-' | b'(')),
        _ => false,
    }
}

/// True when words `i` and `i + 1` are an airline's passenger name,
/// `LAST/FIRST` in one case and a booking's title after it (`SMITH/JOHN
/// MR`, `Okafor/Chidi Mrs`): without the title a slash joins pairs of
/// codes as often (`EUR/USD`, `TCP/IP`).
fn booked_name(w: &mut Words<'_>, i: usize) -> bool {
    let (Some(x), Some(y), Some(t)) = (w.w.get(i), w.w.get(i + 1), w.w.get(i + 2)) else {
        return false;
    };
    matches!(x.shape, Shape::Title | Shape::Upper)
        && y.shape == x.shape
        && w.slashed(i + 1)
        && x.e - x.s >= 2
        && y.e - y.s >= 2
        && t.gap == Gap::Space
        && w.is(i + 2, BOOKING_TITLES)
        && w.flags(i) & STOP == 0
        && w.flags(i + 1) & STOP == 0
}

/// True when word `j`, a lone word after `Approved by`, ends its clause
/// ([`lone_given_name`]) and is no cue (`Prof.`) and no surname before a
/// comma or title's dot and a capital (`Smith, J.`, `Prof. Kowalski`:
/// other rules read those whole).
fn lone_approver(w: &mut Words<'_>, j: usize) -> bool {
    w.cue(j) == 0
        && w.w
            .get(j + 1)
            .is_none_or(|n| !matches!(n.gap, Gap::Comma | Gap::DotSpace) || n.shape == Shape::Lower)
        && lone_given_name(w, j)
}

/// True when word `i`, a lone Title-case word of 3+ letters that opens a
/// clause (the text, a `;`-separated part or a JSON string starts there), is
/// the subject of a person's verb ([`SUBJECT_VERBS`]) and a lower-case word
/// follows the verb (`Yash signs for the parcel`, `Yash asked for an
/// invoice`), or a known given name before `will`, `paid` or another of
/// [`GIVEN_VERBS`] (`Saul will sort out the tip`, `Ruslan paid the
/// deposit`): a given name. Not a stop word, a cue, a place, an organisation
/// or a word-like name (`Will`, `Rose`). Only verbs a business seldom has:
/// `Stripe handles payouts`, `Firecrawl scrapes the page` and `Stripe will
/// charge` are the descriptions of products.
fn lone_subject(w: &mut Words<'_>, i: usize) -> bool {
    let (Some(x), Some(v)) = (w.w.get(i).copied(), w.w.get(i + 1).copied()) else {
        return false;
    };
    let given = w.flags(i) & FIRST != 0;
    // The verb's object in lower case (`Mahama said to bill`), or, after a
    // known given name, an amount or the clause's end (`Kofi paid 3 USDC`,
    // `Priya paid.`).
    let object = w.w.get(i + 2).map_or(given, |z| {
        (z.gap == Gap::Space && z.shape == Shape::Lower) || (given && z.gap == Gap::Break)
    });
    opens_clause(w, i)
        && x.shape == Shape::Title
        && x.e - x.s >= 3
        && v.gap == Gap::Space
        && v.shape == Shape::Lower
        && object
        && (w.is(i + 1, SUBJECT_VERBS) || (given && w.is(i + 1, GIVEN_VERBS)))
        && w.flags(i) & (STOP | FIRST_AMB | LAST_WL) == 0
        && w.cue(i) == 0
        && !is_place(w, i, 1)
        && !is_org(w, i)
}

/// True when word `i` opens a clause: the text, a `;`-separated part or a
/// JSON string starts there.
fn opens_clause(w: &Words<'_>, i: usize) -> bool {
    w.w.get(i).is_some_and(|x| {
        x.gap == Gap::Break || (x.gap == Gap::Key && x.s > 0 && w.b.get(x.s - 1) == Some(&b'"'))
    })
}

/// True when word `i` is a known given name that is no English word, no
/// surname that is one, no place and no organisation: what a lone given
/// name with no cue must be ([`lone_owner`], [`lone_speaker`],
/// [`given_names_joined`]).
fn plain_given(w: &mut Words<'_>, i: usize) -> bool {
    w.w.get(i)
        .is_some_and(|x| x.shape == Shape::Title && x.e - x.s >= 3)
        && w.flags(i) & (FIRST | FIRST_AMB | LAST_WL | STOP) == FIRST
        && w.cue(i) == 0
        && !is_place(w, i, 1)
        && !is_org(w, i)
}

/// Known given names that are also the names of chains in the possessive
/// (`Wendy's`, `Macy's`): see [`lone_owner`].
const CHAINS: &str = "wendy macy denny claire carl lowe culver";

/// Things a person has a share of or is owed, and what a person has a turn
/// at, takes or goes through (see [`lone_owner`]; `Kofi's surgery`,
/// `Amara's lesson`). A list: brands own lower-case nouns too
/// (`Nathan's hot dogs`, `Ben's cookies`).
const POSSESSED: &str = "share shares birthday gift gifts rent tip refund deposit salary wages \
                         allowance invoice bill payment fees fee cut half portion order orders \
                         turn round shift lesson lessons class appointment appointments surgery \
                         treatment therapy tuition wedding funeral graduation retirement farewell \
                         recovery membership pass wallet";

/// What only a person has or uses of [`POSSESSED`] and more, after a lone
/// word no list knows (`Guljahan's taxi home`; `Amazon's invoice` is a
/// business's, and so are `Amazon's gift cards`: no `gift` here).
const PERSONAL: &str = "birthday tip salary wages allowance share shares taxi cab ride flight \
                        trip hotel room meal dinner ticket seat visa mileage";

/// True when word `i`, opening a clause, owns what follows (`Kofi's share
/// of the rent`, `Amara's birthday gift`, `Guljahan's taxi home`): `'s`
/// and, within [`OWNED_REACH`] words of a lower-case phrase, a
/// personal-record noun ([`OWN`]), a thing owed ([`POSSESSED`]) or what
/// only a person has ([`PERSONAL`]) after a known given name
/// ([`plain_given`]); only the last after a word no list knows that reads
/// as a name ([`unknown_namelike`]). Not a chain's name (`Wendy's order`,
/// see [`CHAINS`]).
fn lone_owner(w: &mut Words<'_>, i: usize) -> bool {
    // The `s` of `'s` is a word of its own. A weekday may open the owned
    // phrase (`Kofi's Tuesday pilates pass`).
    let day = shaped_after(w, i, b"'s ", 2, Shape::Title)
        && w.is(i + 2, WEEKDAYS)
        && w.spaced_lower(i + 3);
    let from = if day { i + 3 } else { i + 2 };
    if !(day || shaped_after(w, i, b"'s ", 2, Shape::Lower))
        || !opens_clause(w, i)
        || w.is(i, CHAINS)
    {
        return false;
    }
    let (mut owed, mut personal) = (false, false);
    // The owned noun may come after up to two lower-case words of its
    // phrase (`Kofi's gym membership`, `Alon's mutual-aid round`).
    for k in from..from + OWNED_REACH {
        let joined = k == from
            || w.w.get(k).is_some_and(|y| {
                y.shape == Shape::Lower && matches!(y.gap, Gap::Space | Gap::Join(b'-'))
            });
        if !joined {
            break;
        }
        personal |= w.is(k, PERSONAL);
        owed |= personal || w.is(k, POSSESSED) || w.cue(k) & OWN != 0;
    }
    (owed && plain_given(w, i)) || (personal && unknown_namelike(w, i) && lone_name_word(w, i))
}

/// Words of the phrase after an owner's `'s` that [`lone_owner`] reads
/// for the owned noun.
const OWNED_REACH: usize = 3;

/// Days of the week, which may open an owned phrase ([`lone_owner`]).
const WEEKDAYS: &str = "monday tuesday wednesday thursday friday saturday sunday";

/// Stop words that name a kind of business after its owner's given name
/// (`Gwynfor Studio`; see [`after_cue`]): no surname's.
const BUSINESS_STOPS: &str = "studio media records hotel home shop store";

/// True when word `i`, a known given name ([`plain_given`]) that opens a
/// clause, is a speaker's label: `: ` and a lower-case word follow (`Kofi:
/// please pay this`).
fn lone_speaker(w: &mut Words<'_>, i: usize) -> bool {
    shaped_after(w, i, b": ", 1, Shape::Lower) && opens_clause(w, i) && plain_given(w, i)
}

/// True when word `i`, opening a clause, introduces its writer: `here`
/// and a comma follow (`Israa here, please retry`). A known given name
/// ([`plain_given`]), or a word no list knows whose letters read as a
/// name (`Click here, …` and `Sign here, …` are no one).
fn lone_here(w: &mut Words<'_>, i: usize) -> bool {
    w.w.get(i + 1).is_some_and(|y| y.gap == Gap::Space)
        && w.is(i + 1, "here")
        && w.after(i + 1) == b','
        && opens_clause(w, i)
        && lone_named(w, i)
}

/// True when word `i`, opening a clause, is a family's surname: `household`
/// or `family` follows (`Zebari household, unit 4`, `the Okoye family`
/// does not open a clause and is left to the cues). A known surname, a
/// word only the given names know (`Jabbar household`: many a surname is
/// one), or a word no list knows whose letters read as a name (`Product
/// family`, `Premium household` are no one).
fn lone_household(w: &mut Words<'_>, i: usize) -> bool {
    w.spaced_lower(i + 1)
        && w.is(i + 1, "household family")
        && opens_clause(w, i)
        && (w.flags(i) & (LAST | STOP | LAST_WL | FIRST_AMB) == LAST
            || w.flags(i) & (FIRST | LAST | STOP | FIRST_AMB) == FIRST
            || unknown_namelike(w, i))
        && lone_name_word(w, i)
}

/// Departments people work in (see [`lone_from_team`]).
const DEPARTMENTS: &str = "accounting finance sales support legal ops operations marketing \
                           engineering billing procurement payroll hr admin compliance";

/// True when word `i`, opening a clause, is a colleague: `from` and a
/// lower-case department follow (`Vibol from accounting signed off`; see
/// [`DEPARTMENTS`]). Not a stop word, a cue, a place or an organisation
/// (`Invoice from accounting`, `Hello from support`).
fn lone_from_team(w: &mut Words<'_>, i: usize) -> bool {
    w.spaced_lower(i + 1)
        && w.is(i + 1, "from")
        && w.spaced_lower(i + 2)
        && w.is(i + 2, DEPARTMENTS)
        && opens_clause(w, i)
        && w.flags(i) & STOP == 0
        && lone_name_word(w, i)
}

/// True when word `i` is in no list and its letters read as a name
/// (name-likeness at least [`LONE_NAMELIKE`]): what a lone word no list
/// knows must be where a clause says a name ([`lone_here`],
/// [`lone_household`]).
fn unknown_namelike(w: &Words<'_>, i: usize) -> bool {
    w.flags(i) & (FIRST | LAST | STOP) == 0
        && w.namelike_word(i).is_some_and(|s| s >= LONE_NAMELIKE)
}

/// True when word `i` is Title-case of 3+ letters, no cue, no place and
/// no organisation ([`lone_word`] and more).
fn lone_name_word(w: &mut Words<'_>, i: usize) -> bool {
    w.cue(i) == 0 && lone_word(w, i) && !is_org(w, i)
}

/// True when word `i`, a known given name ([`plain_given`]) after a
/// lower-case `per`, ends its clause (`refund per Sahar`, `per Kofi's
/// request`). Units after `per` are stop words or no given names (`per
/// Month`, `per Request`).
fn lone_per(w: &mut Words<'_>, i: usize) -> bool {
    i > 0
        && w.w.get(i).is_some_and(|x| x.gap == Gap::Space)
        && w.w.get(i - 1).is_some_and(|p| p.shape == Shape::Lower)
        && w.is(i - 1, "per")
        && plain_given(w, i)
        && lone_given_name(w, i)
}

/// The least name-likeness (see `namelike.rs`) of a word no list knows
/// read alone as a name ([`unknown_namelike`]): `Siham` 31, `Lanny` 23,
/// `Click` 1, `Tap` 7. 12 with the table of the name lists alone; 9 since
/// the table reads the given names of more countries (2026-12-05, on the
/// dev splits: PERSON +10 true positives over v17-v20 and no false
/// positive, against 12; 6 found 4 more, but lets `Zendesk` and `Babbel`
/// through, which score 7 and 8). After a verb of contact ([`lone_named`])
/// a lower least was measured on 2026-12-07: 0 found 14 more dev true
/// positives (`spoke with Nomsa` 3, `shared with Cleaven` 1) and no false
/// positive, but read 440 of 560 brand and team words after those verbs as
/// names (`shared with Google`, `assigned to Helpdesk`), against 190 at 9:
/// most well-known brands score 4 to 8.
const LONE_NAMELIKE: i32 = 9;

/// True when word `j`, a lone Title-case word after a lower-case person
/// cue, is the subject of a verb: a lower-case word in the present tense's
/// third person or the past follows (`landlord Santosa wants the deposit`,
/// `the rider Wahyu rated 5 stars`), then a space. Not a stop word,
/// a place or an organisation.
fn lone_before_verb(w: &mut Words<'_>, j: usize) -> bool {
    let past = w.w.get(j + 1).is_some_and(|v| {
        v.gap == Gap::Space
            && v.shape == Shape::Lower
            && v.e - v.s >= 4
            && w.b.get(v.e - 2..v.e) == Some(b"ed".as_slice())
    });
    (past || present_verb(w, j + 1))
        && w.after(j + 1) == b' '
        && w.flags(j) & STOP == 0
        && lone_word(w, j)
        && !is_org(w, j)
}

/// Values of a person's key or words after a person's cue that name no one
/// (`owner: Unassigned`, `tenant: Staff`, `patient Approved`, `/users/me/`,
/// `/sellers/payout/`, `/patients/intake/`); the values
/// that name no place name no one either (`places::NO_PLACE`: `teacher:
/// English`, `guest: Remote`).
const NOBODY: &str = "unassigned unknown anonymous staff approved pending declined rejected \
                      everyone nobody someone anyone self me current new payout payouts intake \
                      onboarding honour honor";

/// Voice and chat assistants named like people (`ask Alexa about …`): a
/// weak cue reads none of them alone (`reviewed by Claude`, `session with
/// Claude`; `from Claude Dubois` is a person).
const ASSISTANTS: &str = "siri alexa claude cortana";

/// True when word `i`, a known given name ([`plain_given`]) and no
/// assistant's ([`ASSISTANTS`]), is asked about something: `ask` before it,
/// `about` after it (`ask Priya about the refund`).
fn lone_asked(w: &mut Words<'_>, i: usize) -> bool {
    i > 0
        && w.is(i - 1, "ask")
        && w.w.get(i).is_some_and(|x| x.gap == Gap::Space)
        && w.w.get(i + 1).is_some_and(|y| y.gap == Gap::Space)
        && w.is(i + 1, "about")
        && !w.is(i, ASSISTANTS)
        && plain_given(w, i)
}

/// True when `sep` follows word `i` and word `i + k`, of shape `shape`,
/// starts right after it ([`lone_owner`], [`lone_speaker`]).
fn shaped_after(w: &Words<'_>, i: usize, sep: &[u8], k: usize, shape: Shape) -> bool {
    w.w.get(i).is_some_and(|x| {
        w.b.get(x.e..x.e + sep.len()) == Some(sep)
            && w.w
                .get(i + k)
                .is_some_and(|y| y.s == x.e + sep.len() && y.shape == shape)
    })
}

/// Most given names read as one list (see [`given_names_joined`]); a longer
/// list is read in runs of this many.
const MAX_JOINED: usize = 6;

/// `Kofi and Priya`, `Kofi & Priya`, `Kofi, Priya and Yaw`, `Attendees:
/// Kofi, Priya, Ruslan`: known given names ([`plain_given`]) joined by
/// commas and a last `and` or `&`, or three or more by commas alone; the
/// last one not followed by another capitalised word (`Kofi and Ama
/// Boateng`: the other rules read that pair) or by `'s` (`Ben & Jerry's`).
/// Pushes each name; returns the index after the last.
fn given_names_joined(w: &mut Words<'_>, i: usize, out: &mut Vec<Hit>) -> Option<usize> {
    let joint = |w: &Words<'_>, k: usize| -> Option<bool> {
        // Some(false): a comma; Some(true): the last joint (` and `, ` & `).
        let a = w.w.get(k - 1)?;
        let y = w.w.get(k)?;
        match w.b.get(a.e..y.s)? {
            b", " => Some(false),
            b" & " => Some(true),
            _ => None,
        }
    };
    // Cheap first: a comma, ` & ` or ` and ` right after the word.
    if joint(w, i + 1).is_none() && !w.is(i + 1, "and") {
        return None;
    }
    if !plain_given(w, i) {
        return None;
    }
    let mut names = vec![i];
    let mut k = i + 1;
    let mut closed = false;
    while names.len() < MAX_JOINED {
        let last = match joint(w, k) {
            Some(l) => l,
            None if w.is(k, "and")
                && w.w.get(k).is_some_and(|y| y.gap == Gap::Space)
                && w.w.get(k + 1).is_some_and(|y| y.gap == Gap::Space) =>
            {
                k += 1;
                true
            }
            None => break,
        };
        if !plain_given(w, k) {
            if last {
                return None;
            }
            break;
        }
        names.push(k);
        if last {
            closed = true;
            break;
        }
        k += 1;
    }
    // Without `and` or `&`, three names at least (`Kofi, Priya, Ruslan`),
    // or the rest of a longer list read before.
    let rest = i > 0 && joint(w, i) == Some(false) && plain_given(w, i - 1);
    if !closed && names.len() < 3 && !rest {
        return None;
    }
    let end = *names.last()?;
    let followed = w.w.get(end + 1).is_some_and(|y| {
        y.gap == Gap::Space && matches!(y.shape, Shape::Title | Shape::Upper | Shape::Initial)
    });
    if followed || w.after(end) == b'\'' {
        return None;
    }
    for &n in &names {
        out.push(hit(w, n, n, EntityType::Person, 600)?);
    }
    Some(end + 1)
}

/// Verbs after a known given name with no cue (see [`lone_subject`]); a
/// brand is their subject as often when the name is no known one
/// (`Stripe will charge`, `Coinbase paid out`).
const GIVEN_VERBS: &str =
    "will paid wants needs sent requested ordered bought covered renewed cancelled canceled";

/// True when word `k` reads as a verb in the present tense's third person
/// (`collects`, `covers`, `handles`): 5+ lower-case letters ending in `s`,
/// not `ss`, `us` or `is`, no stop word, and no cue word unless a person's
/// verb ([`OWN`]).
fn present_verb(w: &mut Words<'_>, k: usize) -> bool {
    let Some(v) = w.w.get(k).copied() else {
        return false;
    };
    let b = w.b.get(v.s..v.e).unwrap_or_default();
    v.shape == Shape::Lower && s_ending(b, 5) && w.flags(k) & STOP == 0 && w.cue(k) & !OWN == 0
}

/// Keys of a name's parts in a name's or a person's object (see
/// [`nested_name_part`]).
const NESTED_PARTS: &str = "family given first last middle forename";

/// True when word `i` is a key of a name's part ([`NESTED_PARTS`]) in the
/// object or list that a `name` key or a person's key opens, as FHIR and
/// most APIs write a person's name (`{"name":[{"family":"Stanikzai"}]}`,
/// `{"claimant":{"given":"Nomsa"}}`, `{"name":{"first":"Maria","last":
/// "Garcia"}}`): the object's first key, or a later one with no brace
/// between (at most [`NESTED_BACK`] words back); not a font's family
/// (`{"font":{"family":`) nor a range's ends (`{"range":{"first":1`).
fn nested_name_part(w: &mut Words<'_>, i: usize) -> bool {
    // A strong cue's key (`surname`) reads any value already.
    if i == 0 || !w.is(i, NESTED_PARTS) || w.cue(i) & STRONG != 0 {
        return false;
    }
    let Some(x) = w.w.get(i).copied() else {
        return false;
    };
    for k in (i.saturating_sub(NESTED_BACK).max(1)..=i).rev() {
        let Some(y) = w.w.get(k).copied() else {
            return false;
        };
        if w.b
            .get(y.s..x.s)
            .is_some_and(|g| g.iter().any(|&c| c == b'{' || c == b'}'))
            && k != i
        {
            return false;
        }
        if w.nested_key(k) {
            return w.is(k - 1, "name names") || w.cue(k - 1) & STRONG != 0;
        }
    }
    false
}

/// How many words back [`nested_name_part`] looks for the key that opens
/// a name's object: a given name, a middle name and a surname of a few
/// words each.
const NESTED_BACK: usize = 8;

/// The word `call`, `shift` or `duty` of an `on call`, `on shift` or `on
/// duty` that word `i` ends, with a time word after it or not (`on call
/// tonight: Aynure`, `driver on shift: Vefa Ozkan`), or a person's noun
/// before a time word (`cleaner this week: Sherlyn`, `nurse tonight:
/// Aynure`; see [`ROTA`]): a duty key (see `after_cue`), whose lone word
/// must read as a name unless it is on call.
fn on_duty(w: &Words<'_>, i: usize) -> Option<usize> {
    let k = if w.is(i, "tonight today now") {
        i.checked_sub(1)?
    } else if i > 1 && w.is(i, "week") && w.is(i - 1, "this") {
        i - 2
    } else {
        i
    };
    let rota = k < i
        && w.w.get(k).is_some_and(|x| x.shape == Shape::Lower)
        && (w.role(k) || w.cue_uncached(k) & STRONG != 0 || w.is(k, ROTA));
    ((k > 0 && w.is(k, "call shift duty") && w.is(k - 1, "on")) || rota).then_some(k)
}

/// Household and volunteer rotas' nouns no other list reads as a person's
/// (see [`on_duty`]).
const ROTA: &str = "cleaner cleaners cook cooks sitter sitters walker walkers volunteer \
                    volunteers helper helpers";

/// Lower-case verbs of contact whose object is a person (see `after_cue`):
/// `ping Xime when it settles`, `remind Ercan to pay`, `tell Pavlos the key
/// is at reception`, `invited Ximena`. Not `call`, `text` or `email`, which
/// name teams and products as often (`call Support`).
const CONTACT_VERBS: &str =
    "ping remind nudge notify met meet tell told thank thanked invite invited";

/// Guests and kin, before `of` and whose guest or kin they are, and
/// `memory`: a strong cue (`guest of Messaoud`, `in memory of Sapir
/// Peretz`; see [`after_cue`]).
const KIN_OF: &str = "guest guests wife husband widow son daughter mother father sister brother \
                      friend friends child children parent parents memory";

/// Verbs of assignment: with `to` after them, a cue whose lone word must
/// read as a name (`assigned to Gunel`; not `escalated to Support`).
const ASSIGNING: &str = "assigned reassigned delegated";

/// Verbs of company, and the lessons and appointments people have
/// together: with `with` after them, a cue whose lone word must read as a
/// name (`spoke with Nomsa today`, `shared with Senzo and the team`, `lesson
/// with Shaheedha on Tuesday`; not `integrates with Stripe`, nor `session`:
/// `session with Claude` is one with a model).
const SOCIAL: &str = "spoke speak speaking talked chatted met meeting shared split lesson \
                      lessons appointment appointments";

/// Verbs of giving: with `it`, `them` or `over` and `to` after them, a cue
/// whose lone word must read as a name (`the courier handed it to Sihle`,
/// `handed over to Sihle at the door`).
const GIVING: &str = "handed gave give sent send passed forwarded";

/// Verbs of reporting, posting and walking, and a pickup: with `by` after
/// them, a cue whose lone word must read as a name (`ticket 4 opened by
/// Rathanak`, `listing posted by Hanoo`, `dog walked by Moaad`, `pickup by
/// Erbol after 5pm`; not `opened by Zapier`).
const REPORTING: &str = "opened raised reported logged filed posted walked pickup";

/// True when word `j`, a lone word after a verb of contact or assignment,
/// reads as a name: a known given name ([`plain_given`]), or a word no
/// list knows whose letters read as one ([`unknown_namelike`]).
fn lone_named(w: &mut Words<'_>, j: usize) -> bool {
    plain_given(w, j) || (unknown_namelike(w, j) && lone_name_word(w, j))
}

/// Verbs of payment whose object is a person (see `after_cue`): `tipped
/// Moaad Tun 2 USDC`; not `paid`, whose object is a business as often.
const PAY_VERBS: &str = "pay reimburse refund repay tip tipped compensate";

/// Verbs whose subject is a person, after a lone given name (see
/// [`lone_subject`]): `Mahama said to bill the studio`. Not `says`, which
/// products do as often (`Docs says`).
const SUBJECT_VERBS: &str = "signs owes asks asked booked wrote emailed said told flew";

/// Verbs of travel in the past whose subject is a person, after a pair
/// (`Dowran Minou flew economy`; see [`owned_pair`]), and so no head noun
/// ([`head_noun`]).
const TRAVELLED: &str = "flew drove travelled traveled commuted";

/// True when word `j`, a lone Title-case word of 3+ letters after a verb of
/// payment or a thanks, is no place and a linking word follows it (`pay
/// Yash for the ride`, `thanks Aikkiya for covering this`; see [`LINKERS`]).
fn lone_given_name_linked(w: &mut Words<'_>, j: usize) -> bool {
    linker(w, j + 1) && lone_word(w, j)
}

/// True when word `j` is Title-case, of 3+ letters and no place: what a
/// lone given name must be ([`lone_given_name`], [`lone_given_name_linked`]).
fn lone_word(w: &mut Words<'_>, j: usize) -> bool {
    w.w.get(j)
        .is_some_and(|y| y.shape == Shape::Title && y.e - y.s >= 3)
        && !is_place(w, j, 1)
}

/// True when words `a..=b` (a capitalised name candidate) read as an
/// organisation: a later word is a corporate designator (`Warner Bros`,
/// `Vanguard Group`), or the word right after them is an organisation word
/// (`Franklin Templeton funds`, `Henry Schein supplies`; see [`ORG`]) or a
/// lower-case plural that is not a personal-record noun or a person's verb
/// (`Steve Madden shoes`, `Jimmy Dean sausages`; see [`OWN`]).
fn org_phrase(w: &mut Words<'_>, a: usize, b: usize) -> bool {
    if (a + 1..=b).any(|k| w.cue(k) & ORG != 0) {
        return true;
    }
    let Some(y) = w.w.get(b + 1).copied() else {
        return false;
    };
    if y.gap != Gap::Space {
        return false;
    }
    // One more capitalised word may stand between the pair and the head
    // noun (`Albina Toledo shoes`, `Mac Iosog Brunet porcelain`).
    if y.shape == Shape::Title
        && w.w.get(b + 2).is_some_and(|z| z.shape == Shape::Lower)
        && head_noun(w, b + 1)
    {
        return true;
    }
    head_noun(w, b)
}

/// True when the word after word `b` makes the capitalised words ending at
/// `b` its modifier: an organisation word, a lower-case plural that is not a
/// personal-record noun or a person's verb, or a bare common noun (see
/// [`org_phrase`]).
fn head_noun(w: &mut Words<'_>, mut b: usize) -> bool {
    // A patronymic's word is part of the name (see `words::hit`): the head
    // noun comes after it (`Abisheva Zhansugir qyzy napkin rings`).
    if w.patronymic(b + 1) {
        b += 1;
    }
    let Some(y) = w.w.get(b + 1).copied() else {
        return false;
    };
    if y.gap != Gap::Space {
        return false;
    }
    let c = w.cue(b + 1);
    if c & ORG != 0 {
        return true;
    }
    let word = w.b.get(y.s..y.e).unwrap_or(&[]);
    // A word before a determiner or an object pronoun is a verb, the pair
    // its subject (`… checks the totals`, `… owes us`), not a head noun.
    let object = w.w.get(b + 2).is_some_and(|z| {
        z.gap == Gap::Space
            && z.shape == Shape::Lower
            && w.b
                .get(z.s..z.e)
                .is_some_and(|d| super::hit::is_among(d, OBJECT_STARTS))
    });
    if object {
        return false;
    }
    let closed = super::hit::is_among(word, NOT_HEADS);
    let plural = y.shape == Shape::Lower && !closed && s_ending(word, 4);
    // Any other bare common noun right after the pair makes the pair its
    // modifier, which a person's name is not (`Tommy Bahama apparel`,
    // `Baker McKenzie briefing`): a lower-case word of 3+ letters that is no
    // cue, stop word, past-tense verb (`signed`) or adverb (`directly`), nor
    // a label before a value (`phone: …`, `tel +44…`).
    let label = matches!(w.after(b + 1), b':' | b'=' | b'+' | b'@' | b'0'..=b'9')
        || w.b
            .get(y.e + 1)
            .is_some_and(|&d| d.is_ascii_digit() || d == b'+');
    let noun = y.shape == Shape::Lower
        && word.len() >= 3
        && c == 0
        && !closed
        && !super::hit::is_among(word, TRAVELLED)
        && w.flags(b + 1) & STOP == 0
        && (!word.ends_with(b"ed") || super::hit::is_among(word, ED_NOUNS))
        && !(word.ends_with(b"ly") && word.len() >= 4)
        && !label;
    (plural && c & OWN == 0) || noun
}

/// Nouns that end like a past tense (see [`head_noun`]): `Anna Smith
/// seed trays` is a brand.
const ED_NOUNS: &str = "seed feed weed reed deed speed breed tweed steed bed shed sled";

/// True when word `i` is `as` after a verb of naming ([`NAMING`]), or
/// `under` after a verb of booking (`booked under`): spaced
/// from it (`registered as`), or joined to it in a key when `key_or_spaced`
/// says word `i` is one (`registered_as:`, `"knownAs":`).
fn named_as(w: &Words<'_>, i: usize, key_or_spaced: bool) -> bool {
    let Some(x) = w.w.get(i).filter(|_| key_or_spaced) else {
        return false;
    };
    if i > 0 && matches!(x.gap, Gap::Space | Gap::Join(b'_')) && w.is(i, "as") {
        return w.is(i - 1, NAMING);
    }
    // `booked under Nqobile Micallef`, `?booked_under=…`: a booking's name.
    if i > 0 && matches!(x.gap, Gap::Space | Gap::Join(b'_')) && w.is(i, "under") {
        return w.is(i - 1, "booked reserved registered");
    }
    // camelCase: the verb and its `As` hump in one word.
    w.hump(i).is_some_and(|h| h == b"As")
        && w.b
            .get(x.s..x.e - 2)
            .is_some_and(|v| super::hit::is_among(v, NAMING))
}

/// Verbs of naming: with `as` after them, a cue (`registered as …`); a
/// booking's with `under` too (see [`named_as`]).
const NAMING: &str = "registered entered listed known signed named booked";

/// Verbs of approval and of asking: with `by` after them, a weak cue that
/// also reads a lone word ending the clause or before a linking word
/// (`Approved by Serghei`, `requested by Berik in the ops channel`; see
/// [`lone_approver`]). Not `signed`, `verified` or `certified`: `Signed by
/// Ledger`, `Verified by Visa` name products; nor `submitted` or
/// `initiated`, which systems do as often (`initiated by Zapier`).
const APPROVING: &str = "approved authorized authorised reviewed countersigned requested";

/// Determiners and object pronouns: the word before one is a verb (see
/// `head_noun`).
const OBJECT_STARTS: &str = "the a an our your his her their its my this that these those it them \
    us him me every each all";

/// Closed-class words that follow a name without being its head noun
/// (`for Maria Garcia please`, `… tomorrow`, `… who`): adverbs, the
/// prepositions and conjunctions no list reads as a cue or a stop word
/// (`Kofi Boateng since March`, `… until Friday`, `… because`), and the verbs a
/// name is the subject of whose form no suffix gives away: modals and
/// auxiliaries (`Mrs Rogava will pick it up`, `… has paid`) and the
/// irregular past tenses of paying and sending (`… paid the rest`; those of
/// travelling are [`TRAVELLED`]).
const NOT_HEADS: &str = "will would shall should can could must might has had have was were are \
                         does did paid sent made bought sold gave got took left wrote said told \
                         please thanks asap too instead here there then soon tomorrow yesterday \
                         tonight later who whose whom when where while \
                         above along amid among around before behind below beneath beside besides \
                         beyond despite down during except inside near onto outside over past \
                         since through throughout toward towards under underneath unlike until \
                         upon versus within without although because though unless whereas \
                         whether whilst once till nor yet even just still already ever never \
                         only but";

/// True when the pair `i`, `j` of Title-case words (neither a place, the
/// pair not the tail of a longer capitalised phrase) is owned: a possessive
/// `'s` or a personal-record noun follows (`Kenji Iyer's records`, `Liv
/// Ozturk account`; see [`OWN`]), or a role noun in brackets (`Liv Ozturk
/// (tenant, flat 4)`).
fn owned_pair(w: &mut Words<'_>, i: usize, j: usize) -> bool {
    let (Some(x), Some(y)) = (w.w.get(i).copied(), w.w.get(j).copied()) else {
        return false;
    };
    if j != i + 1 || x.shape != Shape::Title || y.shape != Shape::Title || y.gap != Gap::Space {
        return false;
    }
    if x.gap == Gap::Space && i > 0 && w.w.get(i - 1).is_some_and(|p| capital(p.shape)) {
        return false;
    }
    // A known given name keeps a town's name as its surname (`Maria
    // Centar paid the invoice`).
    let given = w.flags(i) & (FIRST | FIRST_AMB) == FIRST;
    if is_place(w, i, 1) || (is_place(w, j, 1) && !given) {
        return false;
    }
    let possessive = w.b.get(y.e..y.e + 2) == Some(b"'s".as_slice());
    let next = w.w.get(j + 1).copied();
    let role = next.is_some_and(|z| {
        z.shape == Shape::Lower
            && w.b.get(y.e..z.s) == Some(b" (".as_slice())
            && matches!(w.b.get(z.e), Some(b',' | b')'))
            && w.role(j + 1)
    });
    // A pair no list knows must not read as English by its letters
    // (`Coinbase Checkout confirmed`, `Stripe Commerce requests`).
    let letters = (w.flags(i) | w.flags(j)) & (FIRST | LAST) != 0 || !w.pair_english(i, j);
    let verb = letters
        && next.is_some_and(|z| z.gap == Gap::Space)
        && (w.cue(j + 1) & OWN != 0
            || ((present_verb(w, j + 1) || w.is(j + 1, TRAVELLED))
                && w.w
                    .get(j + 2)
                    .is_some_and(|z| z.gap == Gap::Space && z.shape == Shape::Lower)
                && !w.is(j + 2, "of and or per")));
    possessive || role || verb || past_subject(w, i, j)
}

/// Objects after a verb in the past whose subject is a person (see
/// [`past_subject`]): determiners and pronouns.
const OBJECTS: &str = "the a an us me my our his her their them him";

/// True when the pair `i`, `j` opens a clause before a verb in the past
/// (lower case, 4+ letters, ending in `ed`, or one of [`GIVEN_VERBS`] and
/// [`TRAVELLED`]) and its object (`Meimei Atias organised the fundraiser`,
/// `Meimei Atias requested a refund`, `Zorvak Telmiri asked us to hold the
/// order`), and its letters read as a name's: a product's pair reads as
/// English (`Coinbase Commerce confirmed the payment`, `Apple Pay declined
/// the card`).
fn past_subject(w: &mut Words<'_>, i: usize, j: usize) -> bool {
    let past = w.w.get(j + 1).is_some_and(|v| {
        v.gap == Gap::Space
            && v.shape == Shape::Lower
            && v.e - v.s >= 4
            && w.b.get(v.e - 2..v.e) == Some(b"ed".as_slice())
    }) || w.is(j + 1, GIVEN_VERBS)
        || w.is(j + 1, TRAVELLED);
    // `a` is no word of its own (one letter).
    let object = (w.spaced_lower(j + 2) && w.is(j + 2, OBJECTS))
        || w.w
            .get(j + 1)
            .is_some_and(|v| w.b.get(v.e..v.e + 3) == Some(b" a ".as_slice()));
    past && object
        && opens_clause(w, i)
        && (i..=j).all(|k| open_word(w.flags(k)) && w.cue(k) == 0)
        && w.namelike_pair(i, j, Cued)
}

/// True when, after the weak cue `for`, `by`, `cc` (see [`PAIR_CUES`]) or a
/// greeting or sign-off at word `i`, the two Title-case words that follow
/// end the clause or the label (`for Folake Asante`, `cc Yetunde Ivanov.`,
/// `Signed by Liuba Moraru | Premium image`, `hi Vuyo Mahlangu,`, `Kind
/// regards, Orquiz Quarshie`): a name where a product phrase would go on.
/// A product's name of two words may end a clause too (`paid for Hugging
/// Face.`, `thanks Zoom Rooms!`).
fn clause_pair(w: &mut Words<'_>, i: usize) -> bool {
    if !w.ctx || !(w.is(i, PAIR_CUES) || thanked(w, i)) {
        return false;
    }
    let titled = (i + 1..=i + 2).all(|k| {
        w.w.get(k)
            .is_some_and(|y| y.shape == Shape::Title && y.e - y.s >= 3)
    });
    // Cue words (`Customer Success`, `Member Services`) name products.
    titled
        && w.cue(i + 1) == 0
        && w.cue(i + 2) == 0
        && !is_place(w, i + 1, 1)
        && !is_place(w, i + 2, 1)
        && (matches!(
            w.after(i + 2),
            0 | b'.' | b',' | b';' | b':' | b')' | b'"' | b'!'
        ) || matches!(w.next_mark(i + 2), b'|' | b']' | b'(' | b'\n')
            || pair_linker(w, i + 3)
            || post_nominal(w, i + 3))
}

/// Degrees and suffixes written after a person's name (`assessment by
/// Antri Shatnawi BSc`, `Kofi Boateng MD`): the name before one has ended.
const POST_NOMINALS: &str = "bsc msc phd md mba cpa rn dds dmd dvm llb llm esq jr sr ba ma";

/// True when word `k` is one of [`POST_NOMINALS`] after a space, in the
/// case they are written in (`BSc`, `PhD`, `MD`, `Jr`), not a lower-case
/// word (`ma`, `sr`).
fn post_nominal(w: &Words<'_>, k: usize) -> bool {
    w.w.get(k)
        .is_some_and(|y| y.gap == Gap::Space && y.shape != Shape::Lower)
        && w.is(k, POST_NOMINALS)
}

/// The cues of [`clause_pair`]: weak cues, greetings and sign-offs.
const PAIR_CUES: &str = "for by cc with of to from hi hello dear thanks welcome congrats regards \
                         cheers best sincerely met signed thx warmly";

/// Lower-case words that go on after a name without being its head noun
/// (`requested by Juna Honan via agent`, `for Maria Garcia on Friday`,
/// `spoke with Siham today`): linking words, and the time adverbs
/// [`NOT_HEADS`] lists too.
const LINKERS: &str =
    "via on at from and in to using through with for please when once about after before today \
     yesterday tomorrow";

/// True when word `k` is a lower-case linking word ([`LINKERS`]) after a
/// space: the name before it has ended.
fn linker(w: &Words<'_>, k: usize) -> bool {
    w.spaced_lower(k) && w.is(k, LINKERS)
}

/// True when word `k` is a linking word ([`LINKERS`]) or one that goes on
/// after a pair of names only (`for Vuyo Mahlangu is pending`, `the order of
/// Vuyo Mahlangu was shipped`, `prepared by Vuyo Mahlangu last week`,
/// `coached by Vuyo Mahlangu since March`), not after a lone word (`thanks
/// Slack is great`).
fn pair_linker(w: &Words<'_>, k: usize) -> bool {
    linker(w, k) || (w.spaced_lower(k) && w.is(k, "is was last next this since until till during"))
}

/// True when the cue at word `i` is a greeting or thanks (`thanks Brid!`,
/// `hello Sneha,`, `congrats Amara`, `thanks again Gulsat!`): a lone
/// capitalised word that ends the clause after it is a given name. Not `hey` (`hey Siri`, `hey Google`).
fn greeting(w: &Words<'_>, i: usize) -> bool {
    w.ctx && (w.is(i, "thanks hello hi dear congrats") || thanked(w, i))
}

/// True when word `i` ends `thanks again` or `thank you` (`thanks again
/// Gulsat!`, `thank you Vuyo Mahlangu`): a greeting (see [`greeting`]).
fn thanked(w: &Words<'_>, i: usize) -> bool {
    i > 0 && w.is(i, "again you") && w.is(i - 1, "thanks thank") && w.spaced_lower(i)
}

/// What a `name` key may name that is no person: a business, a product or
/// a part of a system (`merchant_name`, `appName`, `project_name`); see
/// [`thing_name`]. Not `display`, `user`, `account`, `card` or `full`: those
/// name people.
const THINGS: &str = "merchant business company store shop vendor brand product service app \
                      application project agent bot team org organization organisation network \
                      token asset coin chain model tool plugin package repo repository file host \
                      domain site website server device bank event plan tier item sku category \
                      collection venue restaurant hotel resource endpoint api route method field \
                      table column key variable job task queue topic channel group role scheme \
                      currency facilitator platform provider";

/// True when word `i` is a `name` key that names a thing ([`THINGS`]):
/// `merchant_name=`, `"appName":`.
fn thing_name(w: &Words<'_>, i: usize) -> bool {
    w.name_key_head(i).is_some_and(|h| {
        super::hit::is_among(h, THINGS) || super::hit::is_among(h, super::places::PLACE_NAMES)
    })
}

/// Words that close a message before the writer's name (`Thanks,
/// Amarilys`; see [`sign_off`]).
const SIGN_OFFS: &str = "thanks thx cheers regards sincerely best love warmly yours signed";

/// Least name-likeness (see [`super::namelike::score`]) of a lone word no
/// list knows after a sign-off: `Zorvak` (18) signs, `Stripe` (-6) does not.
const SIGNER_MIN_SCORE: i32 = 10;

/// True when word `j`, a lone word after a sign-off, ends its clause (see
/// [`lone_given_name`]) and is a known given name that is no English word
/// (`Thanks, Amara`) or, in no list, reads as a name by its letters
/// (`Cheers, Zorvak`); a brand (`Best, Apple`) or a relative (`Love, Mum`)
/// does not.
fn lone_signer(w: &mut Words<'_>, j: usize) -> bool {
    let f = w.flags(j);
    let known = f & (FIRST | FIRST_AMB) == FIRST;
    let letters = f == 0 && w.namelike_word(j).is_some_and(|s| s >= SIGNER_MIN_SCORE);
    (known || letters) && lone_given_name(w, j)
}

/// True when word `i` is a sign-off ([`SIGN_OFFS`]) that opens its clause
/// (the text, a sentence or a `;`-separated part starts there) or follows
/// its modifier (`Kind regards`, `Many thanks`, `Best wishes`), or the
/// greetings `welcome back` and `welcome aboard` (`welcome back, Egill`).
fn sign_off(w: &Words<'_>, i: usize) -> bool {
    let opens = |k: usize| {
        w.w.get(k)
            .is_some_and(|x| matches!(x.gap, Gap::Break | Gap::DotSpace))
    };
    let after = |m: &str| {
        i > 0 && w.w.get(i).is_some_and(|x| x.gap == Gap::Space) && w.is(i - 1, m) && opens(i - 1)
    };
    w.ctx
        && (w.is(i, SIGN_OFFS) && opens(i)
            || (w.is(i, "regards thanks wishes") && after("kind best warm warmest many with"))
            || (w.is(i, "back aboard") && after("welcome")))
}

/// From word `j`: one or two name particles (separated by spaces) and a
/// capitalised word of 2+ letters that is neither a stop word nor a place;
/// returns that word's index. Lower-case particles, or a Title-case or single
/// capital one (`Mac`, `O`).
fn particle_run(w: &mut Words<'_>, j: usize) -> Option<usize> {
    let mut k = j;
    while k < j + 2 {
        let y = *w.w.get(k)?;
        if k > j && y.gap != Gap::Space {
            return None;
        }
        let shaped = matches!(
            y.shape,
            Shape::Lower | Shape::Title | Shape::Initial | Shape::Upper
        );
        // `an` only inside an Irish or Scottish particle (`Mac an Bhaird`).
        let gaelic = k > j && w.is(k, "an") && w.is(k - 1, "mac ni nic o");
        if !shaped || !(gaelic || w.is(k, PARTICLES)) || !w.ctx {
            break;
        }
        k += 1;
    }
    if k == j {
        return None;
    }
    // In capitals, particles and surname alike (`JAN VAN DIJK`).
    let z = *w.w.get(k)?;
    let caps = w.w[j..k].iter().all(|y| y.shape == Shape::Upper);
    let shape = if caps { Shape::Upper } else { Shape::Title };
    if z.gap != Gap::Space || z.shape != shape || z.e - z.s < 2 {
        return None;
    }
    // After two particles a listed surname that is also a town ends the
    // name (`Aquiles De Los Santos`), and after one when a known given name
    // opens the run (`for Pedro dos Santos` left `Pedro` in the clear);
    // else it may be a place's (`Paso de Carrasco`).
    let given = j > 0
        && w.w[j - 1].shape == Shape::Title
        && w.flags(j - 1) & (FIRST | FIRST_AMB | STOP) == FIRST;
    let surname = (k >= j + 2 || given) && w.flags(k) & LAST != 0;
    if w.flags(k) & STOP != 0 || (is_place(w, k, 1) && !surname) || w.cue(k) != 0 {
        return None;
    }
    Some(k)
}

/// True when the value that starts at byte `s` (up to the next `&`, `/`,
/// `?`, `#`, `;`, `,`, quote or space) is a token rather than a name: it holds
/// a digit, a `:` or an `@` (`user=mailto:grace@…`, `/users/usr_abc123`,
/// `owner=did:key:z6Mk…`). Bounded to 64 bytes.
fn token_after_cue(b: &[u8], s: usize) -> bool {
    b.iter()
        .skip(s)
        .take(64)
        .take_while(|&&c| {
            !matches!(
                c,
                b'&' | b'/' | b'?' | b'#' | b';' | b',' | b'"' | b'\'' | b' '
            )
        })
        .any(|&c| c.is_ascii_digit() || c == b':' || c == b'@')
}

/// True when words `i` and `i + 1` name a known organisation or product.
fn is_org(w: &Words<'_>, i: usize) -> bool {
    let mut buf = [0u8; KEY_MAX];
    let Some(n) = w.key(i, &mut buf) else {
        return false;
    };
    // A one-letter word's second character is the joining space.
    if !gz::ORG_HEADS.may_start(buf.get(..n.max(2)).unwrap_or(&[])) {
        return false;
    }
    let Some(y) = w.w.get(i + 1) else {
        return false;
    };
    if !matches!(y.gap, Gap::Space | Gap::Join(b'-')) || n + 1 + (y.e - y.s) > KEY_MAX {
        return false;
    }
    let mut b2 = [0u8; KEY_MAX];
    let Some(m) = w.key(i + 1, &mut b2) else {
        return false;
    };
    buf[n] = b' ';
    buf[n + 1..n + 1 + m].copy_from_slice(&b2[..m]);
    gz::ORGS.contains(&buf[..n + 1 + m])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(t: &str) -> Vec<(EntityType, &str)> {
        let mut v = Vec::new();
        scan(t, Marks::plain(t), true, true, true, &mut v);
        v.iter().map(|h| (h.entity, &t[h.start..h.end])).collect()
    }

    #[test]
    fn persons() {
        use EntityType::Person as P;
        assert_eq!(found("Report for John Smith today"), [(P, "John Smith")]);
        assert_eq!(found("/users/john-smith/orders"), [(P, "john-smith")]);
        assert_eq!(found("Smith, John"), [(P, "Smith, John")]);
        assert_eq!(found("signed J. Smith"), [(P, "J. Smith")]);
        assert_eq!(
            found("patient=oluwaseun_adeyemi&x=1"),
            [(P, "oluwaseun_adeyemi")]
        );
        assert_eq!(found("Dr. Adaeze Okonkwo"), [(P, "Adaeze Okonkwo")]);
        assert_eq!(found("May 2024 report"), []);
        assert_eq!(found("patient=Nkosi, Wanjiru"), [(P, "Nkosi, Wanjiru")]);
        assert_eq!(found("Patient: Okafor,Chidi"), [(P, "Okafor,Chidi")]);
        assert_eq!(found("Lab results for patient Wanjiru."), [(P, "Wanjiru")]);
        assert_eq!(found("Lab results for patient Wanjiru"), [(P, "Wanjiru")]);
        assert_eq!(found("Customer Success team"), []);
        assert_eq!(found("Customer Success"), []);
        assert_eq!(found("Batch job for kian esposito"), [(P, "kian esposito")]);
        // Mid-sentence, a lowercase pair needs a known given name.
        assert_eq!(found("Batch job for zelvor esposito today"), []);
        assert_eq!(
            found("Batch job for kian esposito today"),
            [(P, "kian esposito")]
        );
        assert_eq!(found("priced for gpu hours"), []);
        // A hyphenated second surname joins a lower-case pair no list knows.
        assert_eq!(
            found("emergency contact entela delos-reyes"),
            [(P, "entela delos-reyes")]
        );
        assert_eq!(found("for john smith-style hats"), [(P, "john smith")]);
        assert_eq!(found("Member Services portal"), []);
        assert_eq!(found("user=mailto:grace@example.com"), []);
        assert_eq!(found("owner=did:key:z6MkhaXg"), []);
        assert_eq!(found("https://api.example.com/v2/users/usr_abc123"), []);
        assert_eq!(found("/users/cus_9fK2/orders"), []);
        assert_eq!(found("/users/john-smith/orders"), [(P, "john-smith")]);
        assert_eq!(found("Will deliver by Friday"), []);
        assert_eq!(found("Grant access to the API"), []);
    }

    /// Organisation words (designators, offerings) next to a capitalised
    /// pair make it an organisation; owned pairs and clause-final pairs after
    /// `for`/`by`/`cc` make it a person.
    #[test]
    fn organisations_and_owned_pairs() {
        use EntityType::Person as P;
        assert_eq!(found("Research task; Franklin Templeton funds"), []);
        assert_eq!(found("Henry Schein supplies"), []);
        assert_eq!(
            found("Warner Bros library for Yetunde Watanabe"),
            [(P, "Yetunde Watanabe")]
        );
        assert_eq!(found("Export from Vanguard Group"), []);
        assert_eq!(found("Harold Lindqvist Holdings report"), []);
        assert_eq!(found("quotes via Tobias Marlowe Capital"), []);
        assert_eq!(found("Olamide Brightwater Inc. filings"), []);
        // A club, a league, a society or an association is an organisation.
        assert_eq!(found(r#"{"home_club":"Segun Tennis Club"}"#), []);
        assert_eq!(found("dues to the Maria Rowing Society"), []);
        // So is a shop, a trade or a place to eat named after its owner's
        // given name.
        assert_eq!(found("Paid to Gwynfor Pharmacy for the order"), []);
        assert_eq!(found(r#"{"merchant":"Priya Fitness"}"#), []);
        assert_eq!(found("Receipt from Kofi Pizzeria; thanks"), []);
        assert_eq!(found("Anna Smith hotel booking"), [(P, "Anna Smith")]);
        // A lone name before a capitalised stop word that names a kind of
        // business heads its name; other stop words are surnames too.
        assert_eq!(found("Paid to Gwynfor Studio for the order"), []);
        assert_eq!(found("invoice for Maria Long"), [(P, "Maria")]);
        assert_eq!(
            found("Research task - Liv Ozturk account"),
            [(P, "Liv Ozturk")]
        );
        assert_eq!(found("Refresh - Kenji Iyer's records"), [(P, "Kenji Iyer")]);
        assert_eq!(found("Open Weather Map account"), []);
        assert_eq!(found("Batch job for Folake Asante"), [(P, "Folake Asante")]);
        assert_eq!(found("cc Yetunde Ivanov."), [(P, "Yetunde Ivanov")]);
        assert_eq!(found("priced for Stable Diffusion today"), []);
        assert_eq!(found("Research task for tao berg"), [(P, "tao berg")]);
        assert_eq!(
            found("GPU hour on A100 for reza perez"),
            [(P, "reza perez")]
        );
        // Mid-sentence, a lowercase pair needs a known given name (`tao` is one).
        assert_eq!(found("Research task for zelvor berg today"), []);
        assert_eq!(found("Research task for tao berg today"), [(P, "tao berg")]);
        assert_eq!(found("Report for John Smith funds"), []);
        assert_eq!(found("Retail data; Steve Madden shoes"), []);
        assert_eq!(
            found("Dariush Morozov requests a refund"),
            [(P, "Dariush Morozov")]
        );
        assert_eq!(found("John Smith pays the invoice"), [(P, "John Smith")]);
        assert_eq!(found("Invoice for John Smith status"), [(P, "John Smith")]);
        assert_eq!(found("patient=John Smith"), [(P, "John Smith")]);
    }

    /// A bare common noun after a capitalised pair makes it a brand; a verb,
    /// a label or a clause end keeps it a name. Half-known slugs, labelled
    /// `Last, First`, and the context switch.
    #[test]
    fn brands_slugs_and_context() {
        use EntityType::{Location as L, Person as P};
        assert_eq!(found("Licensed imagery; Gideon Farrow porcelain"), []);
        assert_eq!(
            found("Report for Maria Garcia please"),
            [(P, "Maria Garcia")]
        );
        assert_eq!(found("sponsored by Mabel Quist roastery"), []);
        assert_eq!(found("Tasting notes; Celestina Salvador distillery"), []);
        assert_eq!(
            found("Refund: John Smith signed the form"),
            [(P, "John Smith")]
        );
        assert_eq!(
            found("Maria Garcia tel +33 1 42 68 53 00"),
            [(P, "Maria Garcia")]
        );
        assert_eq!(
            found("/v1/kyc/alexandra_quintrell/status"),
            [(P, "alexandra_quintrell")]
        );
        assert_eq!(found("?owner=brandon.zaleski"), [(P, "brandon.zaleski")]);
        assert_eq!(found("/datasets/weather-history"), []);
        assert_eq!(found("/v1/docs/alexandra_quintrell_x/status"), []);
        assert_eq!(
            found("Audit trail; reviewer: Quintrell, Isaac"),
            [(P, "Quintrell, Isaac")]
        );
        assert_eq!(found("Tags: Quintrell, Isaac, Other"), []);
        assert_eq!(
            found("Call notes with Folake Asante"),
            [(P, "Folake Asante")]
        );
        // A place-named surname after a one-word name joins it, and a given
        // name between a cue and a later name joins that: nothing is left
        // for redaction's rescan to find alone.
        assert_eq!(
            found("signed off by Daniele Corlu today"),
            [(P, "Daniele Corlu")]
        );
        assert_eq!(found("thanks Taher Motijheel"), [(P, "Taher Motijheel")]);
        assert_eq!(found("from San Carlo Rossi"), [(P, "San Carlo Rossi")]);
        // A one-word place after a known given name is its surname where
        // the two stand alone (`places::after_given`), in a slug too; not
        // after a given name that is a place itself.
        assert_eq!(found("Stig Albuquerque"), [(P, "Stig Albuquerque")]);
        assert_eq!(
            found("thanks Maria Albertslund!"),
            [(P, "Maria Albertslund")]
        );
        assert_eq!(found("From: Maria Albertslund"), [(P, "Maria Albertslund")]);
        assert_eq!(
            found("?guardian=maria_albertslund"),
            [(P, "maria_albertslund")]
        );
        assert_eq!(found("Austin Texas"), [(L, "Texas"), (L, "Austin")]);
        assert_eq!(found("weather in Albertslund"), [(L, "Albertslund")]);
        // x402's own words are stop words: no clause pair of them is a name.
        assert_eq!(found("Access to Protected Resource"), []);
        assert_eq!(found("Built with Base Sepolia"), []);
        assert_eq!(found("Settled by Solana Facilitator."), []);
        assert_eq!(found("Deployed on Avalanche Fuji"), []);
        // ... and so are developer products' head nouns (a brand before
        // one is no given name).
        assert_eq!(found("Served by Cloudflare Workers"), []);
        assert_eq!(found("Price feed from Chainlink Oracle"), []);
        assert_eq!(found("built by Zorvak Studio"), []);
        // The chains the place rule names are stop words too (one list in
        // tools/gazetteer/build.py, the other in places.rs).
        for n in super::super::places::NETWORKS.split(' ') {
            assert!(Words::new(n).flags(0) & STOP != 0, "{n} is no stop word");
        }
        let mut v = Vec::new();
        scan(
            "Lab results for patient Wanjiru.",
            Marks::default(),
            true,
            true,
            false,
            &mut v,
        );
        assert!(v.is_empty());
    }

    /// Particles, greetings, clause pairs before a linking word or a closing
    /// quote, labelled `Last, First` with neither word known, and brands
    /// with three capitalised words.
    #[test]
    fn particles_greetings_and_labels() {
        use EntityType::Person as P;
        assert_eq!(
            found("payout to Krisztina van der Loo"),
            [(P, "Krisztina van der Loo")]
        );
        assert_eq!(
            found("holder G. van Schevinghuizen"),
            [(P, "G. van Schevinghuizen")]
        );
        assert_eq!(
            found("Mr van der Velden asked for a copy"),
            [(P, "van der Velden")]
        );
        assert_eq!(found("reviewer Rowan O Liain ok"), [(P, "Rowan O Liain")]);
        assert_eq!(found("supplier Isla Mac an Bhaird porcelain"), []);
        assert_eq!(found("Florence O Hara shoes"), []);
        assert_eq!(found("powered by Albina Toledo shoes"), []);
        assert_eq!(found("Tour de France tickets").len(), 1);
        assert_eq!(found("thanks Brid!"), [(P, "Brid")]);
        assert_eq!(found("hello World!"), []);
        assert_eq!(
            found("requested by Juna Honan via agent"),
            [(P, "Juna Honan")]
        );
        assert_eq!(
            found("{\"memo\":\"tip for Philippa Simbolon\"}"),
            [(P, "Philippa Simbolon")]
        );
        assert_eq!(
            found("background screening: Cudzich, Parth"),
            [(P, "Cudzich, Parth")]
        );
        assert_eq!(found("sizes: Small, Large"), []);
        assert_eq!(found("Tags: Red, Blue"), []);
    }

    /// A lower-case role noun (a WordNet noun that only names people) is a
    /// cue before spaced words, not as a key, and the brand check still
    /// applies; a modal or an irregular past tense after a name is no head
    /// noun. The names are invented: in no list.
    #[test]
    fn role_nouns_and_verbs_after_names() {
        use EntityType::Person as P;
        assert_eq!(
            found("rent paid to landlord Zorvak Telmiri"),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(
            found("lesson with tutor Ilvane Duskor (weekly)"),
            [(P, "Ilvane Duskor")]
        );
        assert_eq!(found("merchant: Zorvak Telmiri canoes"), []);
        assert_eq!(found("partner Zorvak Telmiri gazebos"), []);
        assert_eq!(found("host Docker Desktop"), []);
        assert_eq!(found("Mrs Telmiri will pick it up"), [(P, "Telmiri")]);
        assert_eq!(
            found("Dr. Ilvane Duskor paid the rest"),
            [(P, "Ilvane Duskor")]
        );
        assert_eq!(found("Mrs Telmiri shoes"), []);
    }

    /// A role noun as a key names the person after it (capitalised words
    /// only, the brand check still on), and so does one in brackets after a
    /// Title-case pair; a role that is also a kind of merchant or supplier
    /// in WordNet (`merchant`, `vendor`, `supplier`) is no role cue: in
    /// payment metadata it names a business as often.
    #[test]
    fn role_nouns_as_keys() {
        use EntityType::Person as P;
        assert_eq!(found("landlord: Zorvak Telmiri"), [(P, "Zorvak Telmiri")]);
        assert_eq!(
            found(r#"{"tutor": "Ilvane Duskor"}"#),
            [(P, "Ilvane Duskor")]
        );
        assert_eq!(found("tutor: Ilvane."), [(P, "Ilvane")]);
        assert_eq!(found("landlord: zorvak telmiri"), []);
        assert_eq!(found("landlord: Zorvak Telmiri gazebos"), []);
        assert_eq!(found("tutor: Khan Academy"), []);
        assert_eq!(found("merchant Blue Bottle Coffee"), []);
        assert_eq!(found("merchant: Blue Bottle Coffee"), []);
        assert_eq!(found("vendor: Stripe"), []);
        assert_eq!(found("supplier Acme Widgets"), []);
        assert_eq!(
            found("accountant Zorvak Telmiri checks the totals"),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(
            found("Silo 4; Zorvak Telmiri (tenant, flat 3442)"),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(found("Green Valley (tenant association)"), []);
        assert_eq!(found("Acme Widgets (supplier)"), []);
    }

    /// A camelCase key is read by its last hump, as a snake_case key by
    /// its last word; compound name keys are person cues.
    #[test]
    fn camel_case_and_compound_keys() {
        use EntityType::Person as P;
        assert_eq!(found(r#"{"firstName":"Kofi"}"#), [(P, "Kofi")]);
        assert_eq!(
            found(r#"{"givenName":"Zorvak","familyName":"Telmiri"}"#),
            [(P, "Zorvak"), (P, "Telmiri")]
        );
        assert_eq!(
            found("customerName=Zorvak Telmiri"),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(found(r#"{"createdBy":"Kofi"}"#), [(P, "Kofi")]);
        assert_eq!(found(r#"{"surname":"Telmiri"}"#), [(P, "Telmiri")]);
        assert_eq!(
            found("lastname=Telmiri&firstname=Zorvak"),
            [(P, "Telmiri"), (P, "Zorvak")]
        );
        // Only a key's hump counts, and only a person's or place's cue.
        assert_eq!(found("LinkedIn Kofi"), []);
        assert_eq!(found(r#"{"productName":"Pro Plan"}"#), []);
        assert_eq!(found(r#"{"displayName":"Weather Pro"}"#), []);
        assert_eq!(found(r#"{"tokenName":"USD Coin"}"#), []);
    }

    /// A capitalised role noun before a name is its title, no part of it.
    #[test]
    fn role_titles_before_names() {
        use EntityType::Person as P;
        assert_eq!(found("approved by Director Anna Berg"), [(P, "Anna Berg")]);
        assert_eq!(found("paid by Manager Kofi Boateng"), [(P, "Kofi Boateng")]);
        assert_eq!(found("by Driver Kofi"), [(P, "Kofi")]);
        assert_eq!(found("for Taylor Swift"), [(P, "Taylor Swift")]);
        assert_eq!(found("Customer Success Team"), []);
    }

    /// A `name` key that names a business, a product or a part of a system
    /// reads no person; one that names a person still does.
    #[test]
    fn names_of_things() {
        use EntityType::Person as P;
        for t in [
            r#"{"merchant_name":"Blue Bottle"}"#,
            r#"{"merchantName":"Blue Bottle"}"#,
            r#"{"app_name":"Tide Watch"}"#,
            r#"{"project_name":"Moon Garden"}"#,
            r#"{"bot_name":"Marlowe"}"#,
            "store_name=Corner Deli",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
        assert_eq!(
            found(r#"{"customer_name":"Zorvak Telmiri"}"#),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(
            found(r#"{"account_name":"Zorvak Telmiri"}"#),
            [(P, "Zorvak Telmiri")]
        );
        // A known name is still one (a sole trader's shop).
        assert_eq!(found("merchant_name=Kofi Boateng"), [(P, "Kofi Boateng")]);
        // A lower-case pair closes at a JSON string's end.
        assert_eq!(
            found(r#"{"memo":"for zorvak telmiri"}"#),
            [(P, "zorvak telmiri")]
        );
        assert_eq!(found(r#"{"memo":"for tide table"}"#), []);
    }

    /// A listed town is a known given name's surname before a person's
    /// verb (see `owned_pair`, `unknown_last_before_first`).
    #[test]
    fn towns_as_surnames_before_a_persons_verb() {
        use EntityType::{Location as L, Person as P};
        // Centar (37,000 people in GeoNames) is a listed town; before
        // a person's verb it is a known given name's surname.
        assert_eq!(
            found("Maria Centar paid the invoice"),
            [(P, "Maria Centar")]
        );
        assert_eq!(
            found("Centar, John owes the balance"),
            [(P, "Centar, John")]
        );
        // Without the verb the town stays a town.
        assert_eq!(found("Centar, John"), [(L, "Centar")]);
        assert_eq!(found("collected in Centar"), [(L, "Centar")]);
        assert_eq!(found("Centar, Maria: annual check-up"), [(L, "Centar")]);
    }

    /// A given name in a surname's place is read where two unknown words
    /// would be (see `open_word`), and a pair of currency codes is no name
    /// (see `currency_pair`).
    #[test]
    fn given_names_as_surnames_and_currency_pairs() {
        use EntityType::Person as P;
        for (t, name) in [
            ("Zorvak Kofi \u{2014} deposit", "Zorvak Kofi"),
            ("asked by zorvak kofi on slack", "zorvak kofi"),
            ("/exports/7/zorvak-kofi.csv", "zorvak-kofi"),
            ("/bookings/priya_kofi", "priya_kofi"),
        ] {
            assert_eq!(found(t), [(P, name)], "{t}");
        }
        for t in [
            "/rates/eur-aud",
            "/fx/ron_huf/quote",
            "pair: RON-HUF",
            "/ron-huf",
            "/btc-usd/",
            "/pairs/eth_usdc",
            "/users/btc-usdt",
            "groceries at Trader Joe's",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
        // After a person's cue a pair with a name in it may be a person.
        assert_eq!(found("/users/ron-huf"), [(P, "ron-huf")]);
        // Spaced, a pair of codes may be a name (`Ron Huf`).
        assert_eq!(found("rates for Ron Huf"), [(P, "Ron Huf")]);
    }

    /// A person's key reads no thing and no town: unknown words before a
    /// capitalised stop word (see `stop_after`), a listed place before its
    /// region (see `places::region_at`); a surname that is a place before a
    /// known given name is still `Last, First`.
    #[test]
    fn things_and_towns_after_a_person_key() {
        use EntityType::{Location as L, Person as P};
        for t in [
            "created_by: Github Actions",
            r#"{"updatedBy": "Release Bot"}"#,
            "bank_account: Savings Plus",
            "repo_owner: Coinbase Developer Platform",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
        assert_eq!(found("created_by: Zorvak Telmiri"), [(P, "Zorvak Telmiri")]);
        assert_eq!(
            found(r#"{"customer": "Kofi Boateng Team"}"#),
            [(P, "Kofi Boateng")]
        );
        assert_eq!(found("holder: Paris, Texas"), [(L, "Paris"), (L, "Texas")]);
        assert_eq!(found("holder: Hilton, Paris"), [(P, "Hilton, Paris")]);
        assert_eq!(found("customer: Jordan, Kofi"), [(P, "Jordan, Kofi")]);
    }

    /// A verb of naming's key reads as its spaced form (see `named_as`):
    /// a lone word must read as a name there; a known given name asked
    /// about something is one (see `lone_asked`).
    #[test]
    fn named_as_keys_and_asked_names() {
        use EntityType::Person as P;
        for (t, name) in [
            (r#"{"registered_as":"Huanca, Mesidor"}"#, "Huanca, Mesidor"),
            (r#"{"knownAs":"Zorvak Telmiri"}"#, "Zorvak Telmiri"),
            ("known_as=Zorvak", "Zorvak"),
            ("registered as Zorvak", "Zorvak"),
            ("ask Priya about the refund", "Priya"),
            ("Ask Kofi about it", "Kofi"),
        ] {
            assert_eq!(found(t), [(P, name)], "{t}");
        }
        for t in [
            r#"{"registered_as":"Individual"}"#,
            r#"{"signed_as":"Witness"}"#,
            "registered as Nonprofit",
            "ask Alexa about the weather",
            "ask Claude about the refund",
            "ask Support about it",
            "ask Priya",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
    }

    /// A Turkic patronymic's word ends the name before it, and the head
    /// noun of a brand comes after it (see `Words::patronymic`); a Malay
    /// one joins two names (see `PARTICLES`).
    #[test]
    fn patronymics_end_names() {
        use EntityType::Person as P;
        assert_eq!(
            found("reimburse Zorvak Telmiri qyzy from petty cash"),
            [(P, "Zorvak Telmiri qyzy")]
        );
        assert_eq!(
            found("patient: Ali Mammadov oglu"),
            [(P, "Ali Mammadov oglu")]
        );
        assert_eq!(found("brand name Zorvak Telmiri qyzy napkin rings"), []);
        // Malay `binti`/`binte` join a given name to the father's, as `bin`.
        assert_eq!(
            found("for Siti binti Abdullah"),
            [(P, "Siti binti Abdullah")]
        );
        assert_eq!(
            found("paid by Nur Aisyah binte Zorvak"),
            [(P, "Nur Aisyah binte Zorvak")]
        );
    }

    /// A key's value in capitals is a name when its letters read as one
    /// even without the key.
    #[test]
    fn names_in_capitals() {
        use EntityType::Person as P;
        assert_eq!(
            found(r#"{"cardholder":"ZORVAK TELMIRI"}"#),
            [(P, "ZORVAK TELMIRI")]
        );
        assert_eq!(found("name: ZORVAK TELMIRI"), [(P, "ZORVAK TELMIRI")]);
        assert_eq!(found("cardholder ZORVAK TELMIRI"), [(P, "ZORVAK TELMIRI")]);
        assert_eq!(found("Name: TELMIRI, ZORVAK"), [(P, "TELMIRI, ZORVAK")]);
        assert_eq!(found("Name: BOATENG, KOFI"), [(P, "BOATENG, KOFI")]);
        assert_eq!(found("NOTE: API, SDK"), []);
        assert_eq!(found("customer SUPPORT TEAM"), []);
        assert_eq!(found(r#"{"name":"NDVI TILE"}"#), []);
        assert_eq!(found(r#"{"name":"PRO PLAN"}"#), []);
        assert_eq!(found(r#"{"name":"WEATHER API"}"#), []);
        assert_eq!(found("cardholder TIDE TABLE"), []);
    }

    /// A sign-off that opens its clause names its writer after a comma.
    #[test]
    fn sign_offs_before_a_name() {
        use EntityType::Person as P;
        assert_eq!(found("Thanks, Oluwaseun"), [(P, "Oluwaseun")]);
        assert_eq!(found("Paid in full. Cheers, Zorvak"), [(P, "Zorvak")]);
        assert_eq!(
            found("Kind regards, Zorvak Telmiri"),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(found("Best wishes, Amara"), [(P, "Amara")]);
        // `Cheers` is a surname too: not read as `Last, First`.
        assert_eq!(found("Cheers, Ayodele"), [(P, "Ayodele")]);
        for t in [
            "Best, Apple",
            "Cheers, Stripe",
            "Love, Mum",
            "Thanks, Team",
            "Regards, Accounts Payable",
            "Best, The Weather Team",
            "the best, Amara",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
    }

    /// A known given name alone: owning a share, as a speaker's label,
    /// joined to other given names, before a verb, after a congratulation.
    #[test]
    fn lone_given_names_without_a_cue() {
        use EntityType::Person as P;
        for (t, name) in [
            ("Kofi's share of the rent", "Kofi"),
            ("paid; Priya's birthday gift", "Priya"),
            ("Priya: please pay this", "Priya"),
            ("Ruslan paid the deposit", "Ruslan"),
            ("Nnamdi wants the invoice", "Nnamdi"),
            ("congrats Priya", "Priya"),
            ("Ruslan paid 3 USDC", "Ruslan"),
            ("batch 4; Ruslan paid", "Ruslan"),
            ("Order 4471; Priya's orders, week 3", "Priya"),
            ("Kofi's surgery went well", "Kofi"),
            ("batch 2; Amara's lesson moved", "Amara"),
            ("mentioned Olumide in the thread", "Olumide"),
            ("note; Shahzad renewed for two years", "Shahzad"),
            ("Kyriakos cancelled twice this month", "Kyriakos"),
        ] {
            assert_eq!(found(t), [(P, name)], "{t}");
        }
        assert_eq!(
            found("Kofi, Priya & Ruslan split it"),
            [(P, "Kofi"), (P, "Priya"), (P, "Ruslan")]
        );
        assert_eq!(found("Kofi and Priya"), [(P, "Kofi"), (P, "Priya")]);
        assert_eq!(
            found("Attendees: Kofi, Priya, Ruslan"),
            [(P, "Kofi"), (P, "Priya"), (P, "Ruslan")]
        );
        assert_eq!(
            found("Kofi, Priya, Ruslan and Nnamdi"),
            [(P, "Kofi"), (P, "Priya"), (P, "Ruslan"), (P, "Nnamdi")]
        );
        // Two names need `and` or `&`; a list that ends in no given name
        // after `and` is none.
        assert_eq!(found("Kofi, Priya"), []);
        assert_eq!(
            found("Kofi, Priya, Ruslan, Nnamdi, Amara, Yusuf, Kofi, Priya").len(),
            8
        );
        assert_eq!(found("Kofi, Priya and Stripe"), []);
        assert_eq!(found("Kofi and Ama Boateng"), [(P, "Ama Boateng")]);
        for t in [
            "Wendy's order",
            "Nathan's hot dogs",
            "Macy's gift card",
            "Ben & Jerry's ice cream",
            "Note: please pay",
            "Stripe paid out",
            "Apple wants the money",
            "Procter & Gamble",
            "hey Siri",
            "Congrats Team!",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
    }

    /// A town in no list after a street's part of an address, at either end
    /// of a route, after its dwellers or before its kind.
    #[test]
    fn towns_in_addresses_routes_and_kinds() {
        use EntityType::Location as L;
        for (t, town) in [
            ("12 Ring Road, Zorvaby", "Zorvaby"),
            ("Hauptstrasse 5, 10115 Zorvaby", "Zorvaby"),
            ("Kerkstraat 12, 4021 Zorvaby", "Zorvaby"),
            ("Avenida Paulista 1000, 01310 Zorvaby", "Zorvaby"),
            ("PO Box 77, Zorvaby", "Zorvaby"),
            ("a resident of Zorvaby", "Zorvaby"),
            ("the Zorvaby municipality", "Zorvaby"),
            ("Zorvaby district", "Zorvaby"),
            ("taxi in Zorvaby", "Zorvaby"),
        ] {
            assert_eq!(found(t), [(L, town)], "{t}");
        }
        assert_eq!(
            found("train from Zorvaby to Telmira Nort"),
            [(L, "Zorvaby"), (L, "Telmira Nort")]
        );
        assert_eq!(
            found("distance from Kribi Sud to Zorvaby"),
            [(L, "Kribi Sud"), (L, "Zorvaby")]
        );
        for t in [
            "from Monday to Friday",
            "upgrade from Basic to Pro",
            "transfer from Savings to Checking",
            "Suite 500, 10115 Zorvaby",
            "Version 2, 10115 Downloads",
            "Wall Street, Inc.",
            "Default region",
            "ticket to Ride",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
        // A street's name is no person.
        assert_eq!(found("Rua Augusta 12, Zorvaby"), [(L, "Zorvaby")]);
    }

    /// A key that ends in `_by` names a person; a file extension in a path
    /// is no name part (`Ogg` is a Census surname).
    #[test]
    fn by_keys_and_file_extensions() {
        use EntityType::Person as P;
        assert_eq!(
            found(r#"{"approved_by":"Ritta Agaran"}"#),
            [(P, "Ritta Agaran")]
        );
        assert_eq!(
            found(r#"{"signed_by":"zorvak.telmiri"}"#),
            [(P, "zorvak.telmiri")]
        );
        assert_eq!(
            found(r#"{"APPROVED_BY":"Ritta Agaran"}"#),
            [(P, "Ritta Agaran")]
        );
        assert_eq!(found("/x?created_by=usr_123"), []);
        assert_eq!(found("/x?sort_by=name&group_by=region"), []);
        assert_eq!(found("/x?by=Zorvak%20Telmiri"), []);
        assert_eq!(found("https://a.example/birdsong/7/clip.ogg"), []);
        assert_eq!(found("https://a.example/a/tom.ogg/meta"), []);
        assert_eq!(found("https://a.example/users/li.wei"), [(P, "li.wei")]);
        assert_eq!(
            found("https://a.example/users/john.smith.pdf"),
            [(P, "john.smith")]
        );
    }

    /// An apostrophe inside a name keeps it one title-case word (`O'Brien`,
    /// `K'atsadze`); a contraction after a cue is no name.
    #[test]
    fn apostrophes_in_names() {
        use EntityType::Person as P;
        assert_eq!(found("customer: Liam O'Brien"), [(P, "Liam O'Brien")]);
        assert_eq!(found("Mrs O'Neil will pick it up"), [(P, "O'Neil")]);
        assert_eq!(
            found("payee name Zorvak K'atsadze"),
            [(P, "Zorvak K'atsadze")]
        );
        assert_eq!(
            found("holder: K'up'reishvili, Ilvane"),
            [(P, "K'up'reishvili, Ilvane")]
        );
        assert_eq!(found("customer: I'm not sure"), []);
        assert_eq!(found("customer: We'll see"), []);
        assert_eq!(found("customer: Don't know"), []);
    }

    #[test]
    fn places() {
        use EntityType::Location as L;
        assert_eq!(found("Weather for New York"), [(L, "New York")]);
        assert_eq!(found("shipping to Germany"), [(L, "Germany")]);
        assert_eq!(found("?city=paris"), [(L, "paris")]);
        assert_eq!(found("Reading list"), []);
        assert_eq!(found("office in Reading"), [(L, "Reading")]);
        // A path segment after a place segment, read like `?city=`.
        assert_eq!(found("/cities/lyon/"), [(L, "lyon")]);
        assert_eq!(found("/weather/lyon/hourly"), [(L, "lyon")]);
        assert_eq!(found("/towns/graz/stores"), [(L, "graz")]);
        assert_eq!(found("/weather/current/hourly"), []);
        assert_eq!(found("/cities/zorvaby/"), []);
    }

    /// After a kind of place as a key or before `of`, title-case words are
    /// a place in no gazetteer; placeholders are not, and lowercase values
    /// only by their letters.
    #[test]
    fn places_after_a_place_kind() {
        use EntityType::Location as L;
        assert_eq!(found("?city=Kemijarvi"), [(L, "Kemijarvi")]);
        assert_eq!(found(r#"{"pickup_town":"Sabugal"}"#), [(L, "Sabugal")]);
        assert_eq!(
            found(r#"{"town": "Alcacer do Sal", "zip": "7580"}"#),
            [(L, "Alcacer do Sal")]
        );
        assert_eq!(found("town=Aarle-Rixtel"), [(L, "Aarle-Rixtel")]);
        assert_eq!(found("the village of Sauwerd is quiet"), [(L, "Sauwerd")]);
        assert_eq!(found("city: Remote"), []);
        assert_eq!(found("city: Unknown"), []);
        // Lower case, read by its letters (see `lower_case_towns_by_their_keys`).
        assert_eq!(found("?city=kemijarvi"), [(L, "kemijarvi")]);
        assert_eq!(found("Kemijarvi"), []);
    }

    /// A town in no list before a comma and a listed region that ends the
    /// clause is a place; a known name, a greeting and an office of a
    /// business are not.
    #[test]
    fn towns_before_a_region() {
        use EntityType::Location as L;
        assert_eq!(
            found("Customer from Kilkee, Ireland."),
            [(L, "Kilkee"), (L, "Ireland")]
        );
        assert_eq!(
            found("{\"ship\": \"Zorvaby Nort, Texas\"}"),
            [(L, "Zorvaby Nort"), (L, "Texas")]
        );
        assert_eq!(found("Hello, London."), [(L, "London")]);
        assert_eq!(found("Kilkee, Ireland"), [(L, "Kilkee"), (L, "Ireland")]);
        assert_eq!(found("from Okafor, Nigeria"), [(L, "Nigeria")]);
        assert_eq!(found("order from Acme, Berlin office"), [(L, "Berlin")]);
        assert_eq!(found("from Kilkee, Ireland Ltd"), []);
    }

    /// Labels of a place: a region key or path segment, a kind of place that
    /// opens a bracket, a branch or depot before the words that end the
    /// label; `region=us-east-1` and `region: Auto` are no places.
    #[test]
    fn places_in_labels() {
        use EntityType::Location as L;
        assert_eq!(found(r#"{"region":"Pasaje"}"#), [(L, "Pasaje")]);
        assert_eq!(found("/enterprise/regions/Negotin"), [(L, "Negotin")]);
        assert_eq!(
            found("Paid. [region Medjez el Bab]"),
            [(L, "Medjez el Bab")]
        );
        assert_eq!(found("(city Kilkee)"), [(L, "Kilkee")]);
        assert_eq!(
            found("Nearest branch Pedro Carbo | Premium data"),
            [(L, "Pedro Carbo")]
        );
        assert_eq!(found("region=us-east-1"), []);
        assert_eq!(found("region: Auto"), []);
        assert_eq!(found("the branch John Smith runs"), []);
    }

    /// A `Cc:` header, the plural of a stop word, and a sentence break inside
    /// a cue's words.
    #[test]
    fn sign_offs_and_headers() {
        use EntityType::Person as P;
        assert_eq!(found("Cc: Aixa Hajri"), [(P, "Aixa Hajri")]);
        assert_eq!(found("Powered by Stripe"), []);
        assert_eq!(found("Approved by Compliance Team"), []);
        assert_eq!(found("Layer for Aggregating Facilitators."), []);
        assert_eq!(
            found("By Fewsats. Beneficiary Jbeli Imed"),
            [(P, "Jbeli Imed")]
        );
        assert_eq!(found("Cc: J. R. Tolkien"), [(P, "J. R. Tolkien")]);
        assert_eq!(found("signed by J. R. Tolkien"), [(P, "J. R. Tolkien")]);
        assert_eq!(found("A. B. C. D. Tolkien"), [(P, "C. D. Tolkien")]);
        // Letters after a digit end an id: `cc` there is no header.
        assert_eq!(found("/fields/a10be87f-2d6c4638d8cc/ndvi"), []);
        // ... and only hex letters: a digit glued to another cue hides no name.
        assert_eq!(found("9patient: Zorvak Telmiri"), [(P, "Zorvak Telmiri")]);
    }

    /// Names as the object of a verb of payment or a thanks, and as the
    /// subject of a person's verb; a business as the subject of its
    /// description stays.
    #[test]
    fn verbs_around_names() {
        use EntityType::Person as P;
        assert_eq!(
            found("pay Zorvak Telmiri for the cab ride"),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(found("reimburse Zorvak from petty cash"), [(P, "Zorvak")]);
        assert_eq!(found("thanks Zorvak for covering this"), [(P, "Zorvak")]);
        assert_eq!(found("Pay Per Call"), []);
        assert_eq!(found("pay USDC on Base"), []);
        assert_eq!(
            found("Item 7; Zorvak signs for the parcel"),
            [(P, "Zorvak")]
        );
        assert_eq!(
            found("Zorvak Telmiri collects the keys"),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(
            found("Zorvak Telmiri wrote: see the invoice"),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(
            found("Batch 7; Zorvak said to bill the studio"),
            [(P, "Zorvak")]
        );
        assert_eq!(found("Zorvak told us to wait"), [(P, "Zorvak")]);
        assert_eq!(found("Docs says to retry"), []);
        assert_eq!(found("Stripe handles payouts"), []);
        assert_eq!(found("Stripe will charge the card"), []);
        assert_eq!(found("Stripe paid 3 USDC"), []);
        assert_eq!(found("Wendy's order"), []);
        assert_eq!(
            found("mentioned Kubernetes in the docs; tagged Grafana"),
            []
        );
        assert_eq!(found("Netflix renewed for a year"), []);
        assert_eq!(found("Practical Examples of paid APIs"), []);
        assert_eq!(found("Zorvak Telmiri plans and prices"), []);
        assert_eq!(
            found("Signed by Zorvak Telmiri | Premium image"),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(
            found("note from Zorvak Telmiri: urgent"),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(found("/api/payers/zorvak.telmiri"), [(P, "zorvak.telmiri")]);
        assert_eq!(found("rider: Zorvak Telmiri"), [(P, "Zorvak Telmiri")]);
    }

    /// Two words no list knows are a name by their letters where the
    /// context allows one: after a person's cue, or standing alone.
    #[test]
    fn names_by_their_letters() {
        use EntityType::Person as P;
        assert_eq!(found("/donors/vasea-cretu/pledges"), [(P, "vasea-cretu")]);
        assert_eq!(
            found("/recipes/1/full?by=vardo-ghvinjilia"),
            [(P, "vardo-ghvinjilia")]
        );
        assert_eq!(found("/exports/7/njoya-zamri.csv"), [(P, "njoya-zamri")]);
        assert_eq!(
            found("asked by avanti jayraman on slack"),
            [(P, "avanti jayraman")]
        );
        assert_eq!(
            found("Tshegofatso Mballa - deposit for the hall"),
            [(P, "Tshegofatso Mballa")]
        );
        assert_eq!(
            found("Vathana, Agilan owes the balance"),
            [(P, "Vathana, Agilan")]
        );
        // Before a person's verb the letters are read as after a cue.
        assert_eq!(
            found("Birdsong clip; Cretu, Vasea owes the balance"),
            [(P, "Cretu, Vasea")]
        );
        assert_eq!(found("Cretu, Vasea - the balance"), []);
        // After a cue a known given name may be either word; word-like
        // names read as English.
        assert_eq!(found("/landlords/amla-isai/rent"), [(P, "amla-isai")]);
        assert_eq!(found("/donors/may-june/pledges"), []);
        assert_eq!(found("/r/1?by=page-rank"), []);
        // `vasea cretu` reads as a name only after a cue.
        assert_eq!(found("/exports/7/vasea-cretu.csv"), []);
        for text in [
            "/donors/tide-table/pledges",
            "/exports/7/weather-forecast.csv",
            "for lorem ipsum",
            "Stable Diffusion - image model",
            "The Mogami Java Client SDK makes it easy",
            "sold through Babaeva Aleksovska stopwatches",
            "paid via Olipop Zevia for the order",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
        // Inside a sentence, between a lower-case word and a linking word.
        assert_eq!(
            found("delivered to Tshegofatso Mballa at reception"),
            [(P, "Tshegofatso Mballa")]
        );
        assert_eq!(
            found("front desk to call Tshegofatso Mballa when the room frees up"),
            [(P, "Tshegofatso Mballa")]
        );
    }

    /// Lone names in the slots of who approves, is on call or signs off,
    /// and before `will` when the list knows the given name.
    #[test]
    fn approvers_and_people_on_duty() {
        use EntityType::Person as P;
        for (text, name) in [
            ("Premium quality image Approved by Serghei", "Serghei"),
            ("Approved by Zied; thanks", "Zied"),
            ("reviewed by Tolea.", "Tolea"),
            ("Meter reading 482; on call: Gulnar", "Gulnar"),
            ("name on card: Vuyo Mahlangu", "Vuyo Mahlangu"),
            (r#"{"nameOnCard":"Vuyo Mahlangu"}"#, "Vuyo Mahlangu"),
            ("name_on_card=Aigerim", "Aigerim"),
            ("{\"note\":\"thanks\",\"sign_off\":\"Yolette\"}", "Yolette"),
            ("Billed per tile; Saul will sort out the tip", "Saul"),
            ("approved by Prof. Kowalski", "Kowalski"),
            ("Poem text; approved: Birat Tuladhr", "Birat Tuladhr"),
            ("requested by Zorvak in the ops channel", "Zorvak"),
            ("landlord Zorvak wants the deposit", "Zorvak"),
            ("the rider Zorvak rated 5 stars", "Zorvak"),
            ("Batch 4; Siham here, please retry", "Siham"),
            ("Priya here, please retry", "Priya"),
            ("x; Telmiri household, unit 4", "Telmiri"),
            ("refund per Priya", "Priya"),
            ("per Priya's request", "Priya"),
            ("signed, Zorvak Telmiri", "Zorvak Telmiri"),
            // Letters that read as a name only after a cue: the sign-off
            // and the clause's end read them (see `clause_pair`).
            ("signed, Desy Santoso", "Desy Santoso"),
            ("Warmly, Desy Santoso", "Desy Santoso"),
            ("nominee: Zorvak Telmiri", "Zorvak Telmiri"),
            ("{\"household\":\"Telmiri\"}", "Telmiri"),
            ("/hello?greet=Zorvak", "Zorvak"),
            ("{\"greeting\":\"Zorvak Telmiri\"}", "Zorvak Telmiri"),
            ("approved by Zorvak via Slack", "Zorvak"),
            ("Requested by Zorvak.", "Zorvak"),
        ] {
            assert_eq!(found(text), [(P, name)], "{text}");
        }
        for text in [
            "Approved by Payroll",
            "Signed, Acme Corp",
            "approved by Compliance; ok",
            "on call: none",
            "on call: Ops",
            "Stripe will charge the card",
            "Signed by Ledger",
            "Verified by Visa",
            "approved: yes",
            "approved: Auto",
            "on call: yes",
            "contact: yes",
            "{\"sign_off\":\"true\"}",
            "initiated by Zorvak via webhook",
            "Click here, to pay",
            "Product family pricing",
            "Premium household plan",
            "Pay Per Call",
            "billed per Request",
            "per Grace",
            "Sign here, please",
            "the customer Success team",
            "Signed, sealed, delivered",
            "/riders/phone/",
            "/users/settings",
            "?greet=hello",
            "?greeting=World",
            "submitted by Zorvak via the form",
            "requested by Finance in the ops channel",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
        // A surname before a comma and an initial is no lone approver.
        assert!(!found("approved by Smith, J.").contains(&(P, "Smith")));
    }

    /// A double surname is one name: its second half is not left in the
    /// clear.
    #[test]
    fn double_surnames_whole() {
        use EntityType::Person as P;
        for (text, name) in [
            ("for Kwame Mensah-Bonsu", "Kwame Mensah-Bonsu"),
            ("invoice for Anna Smith-Jones today", "Anna Smith-Jones"),
            ("Nkechi Okonkwo-Adeyemi paid", "Nkechi Okonkwo-Adeyemi"),
            ("for Anna-Lena Smith-Jones", "Anna-Lena Smith-Jones"),
            ("patient Ana Garcia-Lopez-Perez", "Ana Garcia-Lopez-Perez"),
            // A surname named like a town after a particle.
            (
                "paid on behalf of Zorvak Delos Santos",
                "Zorvak Delos Santos",
            ),
            ("for Juan Delos Reyes", "Juan Delos Reyes"),
            ("for Ana de las Casas", "Ana de las Casas"),
        ] {
            assert_eq!(found(text), [(P, name)], "{text}");
        }
        assert_eq!(found("for Anna Smith-2"), [(P, "Anna Smith")]);
    }

    /// A person's key's value in a script without case is a name; the same
    /// words in running text or after another key, and a phrase of CJK
    /// ideographs, are none.
    #[test]
    fn names_in_scripts_without_case() {
        use EntityType::Person as P;
        for (text, name) in [
            (r#"{"customer":"محمد أحمد"}"#, "محمد أحمد"),
            ("/customers/محمد-أحمد/invoices", "محمد-أحمد"),
            ("recipient: דוד כהן", "דוד כהן"),
            ("name=王伟&n=1", "王伟"),
            ("customer: 김민준", "김민준"),
        ] {
            assert_eq!(found(text), [(P, name)], "{text}");
        }
        for text in [
            "memo: محمد أحمد",
            "paid محمد أحمد for March",
            r#"{"name":"高级会员计划年度订阅"}"#,
        ] {
            assert_eq!(found(text), [], "{text}");
        }
    }

    /// A second surname, particles and hyphens in capitals, a stop word
    /// that is a given name before a particle, and `Last, First` after a
    /// strong key: each name is read whole, or a part of it stays in the
    /// clear.
    #[test]
    fn names_whole_with_second_surnames_and_particles() {
        use EntityType::Person as P;
        for (text, name) in [
            ("for Maria Garcia Lopez today", "Maria Garcia Lopez"),
            ("customer: MARIA GARCIA LOPEZ", "MARIA GARCIA LOPEZ"),
            ("customer: JUAN DE LA CRUZ", "JUAN DE LA CRUZ"),
            ("customer: KWAME MENSAH-BONSU", "KWAME MENSAH-BONSU"),
            ("customer: Jan van Dijk", "Jan van Dijk"),
            ("name=Jan van Dijk", "Jan van Dijk"),
            ("customer: de la Cruz, Juan", "de la Cruz, Juan"),
            (r#"{"name":"Garcia Lopez, Maria"}"#, "Garcia Lopez, Maria"),
            ("customer: Nguyen Van An", "Nguyen Van An"),
            ("customer: anne-marie dubois", "anne-marie dubois"),
            // A surname that is also a town after a given name and one
            // particle (`Santos` alone was a town, `Pedro` in the clear).
            ("for Pedro dos Santos", "Pedro dos Santos"),
            // A person's segment's slug ends the name, whatever its last
            // part, unless a stop word.
            (
                "/customers/kwame-mensah-bonsu/invoices",
                "kwame-mensah-bonsu",
            ),
            ("?customer=kofi-boateng-admin&x=1", "kofi-boateng"),
        ] {
            assert_eq!(found(text), [(P, name)], "{text}");
        }
        // Not a second surname: a word, a place, a stop word.
        assert_eq!(found("for Maria Garcia Baker"), [(P, "Maria Garcia")]);
        assert_eq!(found("for Maria Garcia Monday"), [(P, "Maria Garcia")]);
        assert_eq!(
            found(r#"{"customer": "Kofi Boateng Team"}"#),
            [(P, "Kofi Boateng")]
        );
        // `Last, First` ends the key's value; a list of names goes on.
        assert_eq!(
            found("customer: Garcia Lopez, Maria Smith"),
            [(P, "Garcia Lopez"), (P, "Maria Smith")]
        );
    }

    /// A one-word name takes its surname's initial when that ends the
    /// clause; a pair does not (`John Smith A`), nor does a dot's initial
    /// (`Anna B. Smith` is read whole by the initials rule).
    #[test]
    fn surname_initials() {
        use EntityType::Person as P;
        for (text, name) in [
            ("Agent run 4177; landlord Zhana I", "Zhana I"),
            ("approved: Ayusma O", "Ayusma O"),
            ("customer Anna B", "Anna B"),
            ("customer Anna B. Smith", "Anna B. Smith"),
            ("report for John Smith A", "John Smith"),
        ] {
            assert_eq!(found(text), [(P, name)], "{text}");
        }
        assert_eq!(found("customer Plan B"), []);
    }

    /// A town in no list as an office's or a location's key or path
    /// segment, or after `weather for`.
    #[test]
    fn towns_as_offices() {
        use EntityType::Location as L;
        for (t, place) in [
            ("Orbital elements; office: Krapina", "Krapina"),
            ("office: Agua de Dios", "Agua de Dios"),
            ("https://api.example.com/offices/Kribi/hours", "Kribi"),
            ("location: Kongerslev", "Kongerslev"),
            ("?location=Kongerslev&days=3", "Kongerslev"),
            ("Hourly weather for Kongerslev", "Kongerslev"),
            ("tides for Molagavita", "Molagavita"),
            ("hotel in Molagavita", "Molagavita"),
            ("{\"depot\":\"Kongerslev\"}", "Kongerslev"),
            ("district: Molagavita", "Molagavita"),
        ] {
            assert_eq!(found(t), [(L, place)], "{t}");
        }
        for t in [
            "office: Head Office",
            "office: Microsoft Office",
            "office: Remote",
            "store: Apple Store",
            "https://api.example.com/stores/Apple/hours",
            "branch: Develop",
            "forecast: Sunny",
            "weather: Cloudy",
            "weather in English",
            "location: Remote",
            "origin: Organic",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
    }

    /// A town in no list after a phrase of movement and `to` or `in`.
    #[test]
    fn towns_after_movement() {
        use EntityType::Location as L;
        for t in [
            "heading to Zorvaby tomorrow",
            "layover in Zorvaby",
            "commuting to Zorvaby",
            "arriving in Zorvaby on Monday",
            "tour in Zorvaby",
            "flying to Zorvaby",
        ] {
            assert_eq!(found(t), [(L, "Zorvaby")], "{t}");
        }
        assert_eq!(
            found("return to Sender; stay in Touch; train in Python"),
            []
        );
        // Mail folders are stop words.
        assert_eq!(found("move to Trash; move it to Inbox"), []);
    }

    /// Plural person nouns and `kyc` as path segments name the person in
    /// the next segment, as `users` does.
    #[test]
    fn plural_person_segments() {
        use EntityType::Person as P;
        assert_eq!(
            found("/authors/zorvak-telmiri/posts"),
            [(P, "zorvak-telmiri")]
        );
        assert_eq!(
            found("/v1/kyc/zorvak_telmiri/status"),
            [(P, "zorvak_telmiri")]
        );
        assert_eq!(found("/tenants/Zorvak/lease"), [(P, "Zorvak")]);
        assert_eq!(
            found("/staff/zorvak.telmiri/timesheet"),
            [(P, "zorvak.telmiri")]
        );
        assert_eq!(
            found("/riders/zorvak_telmiri/trips"),
            [(P, "zorvak_telmiri")]
        );
        assert_eq!(found("today; Staff Picks"), []);
        assert_eq!(found("/authors/123/posts"), []);
        // Under a strong cue a two-word name leading a longer slug is taken,
        // as after `users`.
        assert_eq!(
            found("/v1/kyc/zorvak_telmiri_x/status"),
            [(P, "zorvak_telmiri")]
        );
    }

    /// A word no list knows is a surname when it ends like one of a name
    /// family the Census lacks; a word-like surname (`Crew`) is no unknown
    /// given name before it.
    #[test]
    fn surname_endings() {
        use EntityType::Person as P;
        assert_eq!(
            found("Zorvak Telmirov asked for an invoice"),
            [(P, "Zorvak Telmirov")]
        );
        assert_eq!(
            found("ok; Zorvak Telmirova will review it"),
            [(P, "Zorvak Telmirova")]
        );
        assert_eq!(
            found("paid by Zorvak Telmirovski"),
            [(P, "Zorvak Telmirovski")]
        );
        // `Last, First` with a distinctive surname and an unknown given name
        // that ends the clause; not a place, not a word-like surname.
        assert_eq!(found("per Telmirova, Zorvak"), [(P, "Telmirova, Zorvak")]);
        assert_eq!(found("per Garcia, Zorvak."), [(P, "Garcia, Zorvak")]);
        assert_eq!(found("per Smith, Zorvak"), []);
        assert_eq!(found("per Garcia, Zorvak and more"), []);
        // Too short for the ending, a word-like first word, a place-like run.
        assert_eq!(found("Zorvak Nova shipped"), []);
        assert_eq!(found("done; Crew Telmirov"), []);
        assert_eq!(found("done; Crew Garcia"), []);
    }

    /// Slugs that are a JSON string or a file name, and a surname first when
    /// its ending says so; a Census surname first stays a brand slug.
    #[test]
    fn slugs_as_values_and_file_names() {
        use EntityType::Person as P;
        assert_eq!(
            found(r#"{"driver_id":"zorvak.telmirov"}"#),
            [(P, "zorvak.telmirov")]
        );
        assert_eq!(
            found("/exports/7/telmirov-zorvak.csv"),
            [(P, "telmirov-zorvak")]
        );
        assert_eq!(
            found("/exports/7/telmirov-zorvak.csv?dl=1"),
            [(P, "telmirov-zorvak")]
        );
        assert_eq!(found("/assets/app-config.json"), []);
        assert_eq!(found(r#"{"status":"garcia-widgets"}"#), []);
        assert_eq!(found("/exports/7/telmirov-zorvak.tar.gz"), []);
        // A surname by its ending or a distinctive one, then a given name.
        assert_eq!(
            found("/exports/7/vasileva-aysa.csv"),
            [(P, "vasileva-aysa")]
        );
        assert_eq!(
            found("/exports/7/kowalski-anna.csv"),
            [(P, "kowalski-anna")]
        );
        assert_eq!(found(r#"{"status":"garcia-express"}"#), []);
    }

    /// Given names that 9 to 11 of `nomquamgender`'s sources list, and no
    /// word or place (`tools/gazetteer/build.py`, `WORLD_RARE_MIN_SOURCES`),
    /// read like every other given name; a brand among them is a stop word.
    #[test]
    fn rarer_world_given_names() {
        use EntityType::Person as P;
        assert_eq!(found("refund per Agung"), [(P, "Agung")]);
        assert_eq!(found("Aishat: please pay this"), [(P, "Aishat")]);
        assert_eq!(found("Olabisi's birthday gift"), [(P, "Olabisi")]);
        assert_eq!(found("paid Uber for the ride"), []);
        assert_eq!(found("per Uber"), []);
    }

    /// No PERSON starts with a place name's generic word: the place rules
    /// read the run (`trip to Puerto Zorvaby`); `Villa, Zorvak` is a name.
    #[test]
    fn place_generic_words() {
        use EntityType::Location as L;
        assert_eq!(found("trip to Puerto Lopez"), [(L, "Puerto Lopez")]);
        assert_eq!(found("trip to Agua de Zorvaby"), [(L, "Agua de Zorvaby")]);
        // No person; an office's key names a place (see `towns_as_offices`).
        assert_eq!(found("office: San Zorvaby"), [(L, "San Zorvaby")]);
        // A one-word gazetteer place (`La`) there starts the run.
        assert_eq!(found("city=La Merced"), [(L, "La Merced")]);
        assert_eq!(found("trip to La Zorvaby"), [(L, "La Zorvaby")]);
        assert_eq!(
            found("patient: Villa, Maria"),
            [(EntityType::Person, "Villa, Maria")]
        );
    }

    /// After a noun of travel and `to`/`in`, or a site noun after a
    /// determiner and `in`, title-case words are a place in no gazetteer;
    /// not after `from`, nor after a bare `store in` (`store in Redis`).
    #[test]
    fn places_after_travel_or_a_site() {
        use EntityType::Location as L;
        assert_eq!(found("flight to Zorvaby next week"), [(L, "Zorvaby")]);
        assert_eq!(found("conference in Zorvaby next week"), [(L, "Zorvaby")]);
        assert_eq!(found("meeting in Zoomly"), []);
        assert_eq!(found("?trip_to=Zorvaby"), [(L, "Zorvaby")]);
        assert_eq!(found("based in Zorvaby-Oost"), [(L, "Zorvaby-Oost")]);
        assert_eq!(found("the store in Zorvaby"), [(L, "Zorvaby")]);
        assert_eq!(found("pickup point in Loo Zorv"), [(L, "Loo Zorv")]);
        assert_eq!(found("our warehouse near Zorvaby"), [(L, "Zorvaby")]);
        assert_eq!(found("hotel near Zorvaby"), [(L, "Zorvaby")]);
        assert_eq!(found("?near=Zorvaby&radius=5km"), [(L, "Zorvaby")]);
        assert_eq!(found("/depots/Zorvaby/stock"), [(L, "Zorvaby")]);
        assert_eq!(found("hub: Zorvaby"), [(L, "Zorvaby")]);
        assert_eq!(found("?zone=Zorvaby"), [(L, "Zorvaby")]);
        assert_eq!(found("x; departing Zorvaby at 9:40"), [(L, "Zorvaby")]);
        assert_eq!(found("?departing=Zorvaby&t=0940"), [(L, "Zorvaby")]);
        assert_eq!(found("visiting Stripe"), []);
        assert_eq!(found("the entry point near Python"), []);
        assert_eq!(found("a store near Me"), []);
        assert_eq!(found("?dropoff=Zorvaby"), [(L, "Zorvaby")]);
        assert_eq!(
            found("trip to Alcacer do Sal and back"),
            [(L, "Alcacer do Sal")]
        );
        assert_eq!(found("Key-value store in Redis"), []);
        assert_eq!(found("the entry point in Python"), []);
        assert_eq!(found("delivery from Zorvaby"), []);
        assert_eq!(found("trip to zorvaby"), []);
        assert_eq!(
            found("ship to Maria Lopez"),
            [(EntityType::Person, "Maria Lopez")]
        );
    }

    /// Verbs of shipping and moving, `is in` after a site noun, and office
    /// or warehouse path segments introduce a place; an organisation word
    /// ends no place (`ships to Acme Corp`), and `Main` or `HQ` is none.
    #[test]
    fn places_after_moving_and_office_segments() {
        use EntityType::Location as L;
        assert_eq!(found("ships to Zorvaby"), [(L, "Zorvaby")]);
        assert_eq!(found("moving to Zorvaby in May"), [(L, "Zorvaby")]);
        assert_eq!(found("?moving_to=Zorvaby&m=5"), [(L, "Zorvaby")]);
        assert_eq!(found("their office is in Zorvaby"), [(L, "Zorvaby")]);
        assert_eq!(found("our offices are in Zorvaby"), [(L, "Zorvaby")]);
        assert_eq!(found("/offices/Zorvaby/staff"), [(L, "Zorvaby")]);
        assert_eq!(found("/warehouses/Zorvaby/stock"), [(L, "Zorvaby")]);
        assert_eq!(found("/offices/Main/staff"), []);
        assert_eq!(found("ships to Acme Corp"), []);
        assert_eq!(found("the entry point is in Python"), []);
        assert_eq!(found("office is in Zorvaby"), [(L, "Zorvaby")]);
        assert_eq!(found("store is in Redis"), []);
    }

    /// After a travel word that leads to places only, `to` and `from` read
    /// a place even where its words are names (`relocating to Paso de
    /// Carrasco`, `ships from Dolores`); so do stopover and route keys, a
    /// carrier leaving a town, a hyphenated drop-off and a town before a
    /// bus station. Who sends, or is sent to, stays a person.
    #[test]
    fn places_after_travel_words_that_lead_to_no_one() {
        use EntityType::{Location as L, Person as P};
        assert_eq!(
            found("relocating to Paso de Carrasco next month"),
            [(L, "Paso de Carrasco")]
        );
        assert_eq!(found("ships from Dolores"), [(L, "Dolores")]);
        assert_eq!(found("?ship_from=Zorvaby"), [(L, "Zorvaby")]);
        assert_eq!(
            found(r#"{"route":{"from":"Zorvaby","to":"port"}}"#),
            [(L, "Zorvaby")]
        );
        assert_eq!(found(r#"{"gift":{"from":"Zorvaby"}}"#), []);
        assert_eq!(found("stopover: Pan de Zorvaby"), [(L, "Pan de Zorvaby")]);
        assert_eq!(found("/routes/Zorvaby/stops"), [(L, "Zorvaby")]);
        assert_eq!(found("courier left Zorvaby this morning"), [(L, "Zorvaby")]);
        assert_eq!(found("drop-off in Zorvaby before noon"), [(L, "Zorvaby")]);
        assert_eq!(found("meet at the Zorvaby bus station"), [(L, "Zorvaby")]);
        assert_eq!(found("the Treinta y Tres branch"), [(L, "Treinta y Tres")]);
        assert_eq!(found("the Shell station"), []);
        assert_eq!(found("pickup from Maria Lopez"), [(P, "Maria Lopez")]);
        assert_eq!(
            found("the rider left Maria Lopez a note"),
            [(P, "Maria Lopez")]
        );
        assert_eq!(found("ship to Maria Lopez"), [(P, "Maria Lopez")]);
    }

    /// Venues, schools, clinics, a flat, relief and a journey's end name
    /// the places they are in or near; a clinic's branch and a ride's end
    /// are place keys; languages, a code branch and a start date are none.
    /// Teachers and counsel are people, and so is whom a lesson is with.
    #[test]
    fn places_of_venues_and_journeys_and_people_of_lessons() {
        use EntityType::{Location as L, Person as P};
        for text in [
            "school in Zorvaby (term fees)",
            "wedding venue near Zorvaby",
            "the flat is in Zorvaby",
            "clinic branch: Zorvaby",
            "flood relief in Zorvaby",
            "picked up outside Zorvaby",
            "ride ended near Zorvaby",
            "?ride_end=Zorvaby",
            "?flat_in=Zorvaby",
        ] {
            assert_eq!(found(text), [(L, "Zorvaby")], "{text}");
        }
        for text in [
            "conference in January",
            "wedding in June",
            "ride ended near Midnight",
            "the venue is in Building 4",
            "layover in Room 4",
            "residence: Permanent",
            "geo: Disabled",
            "school in English",
            "taught in Spanish",
            "feature branch: Develop",
            "trip_start=Monday",
            "lesson with Duolingo",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
        assert_eq!(found("moving to May Pen"), [(L, "May Pen")]);
        assert_eq!(
            found("class teacher Zorvak Telmiri"),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(found("?counsel=Kribaso"), [(P, "Kribaso")]);
        assert_eq!(found("lesson with Priya on Tuesday"), [(P, "Priya")]);
    }

    /// A `name` key nested in a thing's key names the thing, and in a
    /// place's key the place; a place key's last camelCase hump and
    /// Cloudflare's city header name places.
    #[test]
    fn nested_names_of_things_and_places() {
        use EntityType::{Location as L, Person as P};
        for text in [
            r#"{"merchant":{"name":"Kribaso Coffee"}}"#,
            r#"{"token":{"name":"Wrapped Ether"}}"#,
            r#"{"product":{"name":"Desk Lamp"}}"#,
        ] {
            assert_eq!(found(text), [], "{text}");
        }
        for text in [
            r#"{"location":{"name":"Zorvaby"}}"#,
            r#"{"currentLocation":"Zorvaby"}"#,
            "cf-ipcity: Zorvaby",
            "?place=Zorvaby",
        ] {
            assert_eq!(found(text), [(L, "Zorvaby")], "{text}");
        }
        assert_eq!(
            found(r#"{"customer":{"name":"Vuyo Mahlangu"}}"#),
            [(P, "Vuyo Mahlangu")]
        );
    }

    /// Distances, directions, a mayor, the Incoterms and `downtown` lead to
    /// places, and so do airports and harbours after a town, a label's
    /// `Ship From`, an origin, headquarters, a jurisdiction, where goods
    /// are grown or roasted and kiosks; the ends of a shipment named in its
    /// terms, levels of government and `made in` do not.
    #[test]
    fn places_by_distance_direction_and_terms() {
        use EntityType::Location as L;
        for text in [
            "10 km from Zorvaby",
            "20 miles outside Zorvaby",
            "5km north of Zorvaby",
            "the mayor of Zorvaby",
            "CIF Zorvaby",
            "EXW Zorvaby",
            "downtown Zorvaby",
            "Zorvaby airport",
            "Zorvaby harbour",
            "Ship From: Zorvaby",
            "country of origin: Zorvaby",
            "HQ: Zorvaby",
            "HQ in Zorvaby",
            "jurisdiction: Zorvaby",
            "coffee roasted in Zorvaby",
            "kiosk in Zorvaby",
        ] {
            assert_eq!(found(text), [(L, "Zorvaby")], "{text}");
        }
        for text in [
            "CIF Destination",
            "EXW Origin",
            "rural Development",
            "10 km from Home",
            "Redis port",
            "jurisdiction: Federal",
            "HQ: Remote",
            "made in Rust",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
    }

    /// A mailbox's display name is a person's, known to no list or not;
    /// a business's (named in its domain, or a role's address) or a site's
    /// is not, nor is the end of a product's name.
    #[test]
    fn mailbox_display_names() {
        use EntityType::Person as P;
        for (text, name) in [
            ("From: Vuyo Mahlangu <vuyo@example.org>", "Vuyo Mahlangu"),
            (r#""Orquiz Quarshie" <oq@example.org>"#, "Orquiz Quarshie"),
            (
                r#"{"from":"Vuyo Mahlangu <vm@example.org>"}"#,
                "Vuyo Mahlangu",
            ),
            ("Contact Vuyo Mahlangu <v@example.org>", "Vuyo Mahlangu"),
            ("From: Kagiso Seretse <k@example.org>", "Kagiso Seretse"),
            ("Aigerim <aigerim.n@example.org>", "Aigerim"),
            ("Priya <p@example.org>", "Priya"),
        ] {
            let f = found(text);
            assert!(f.contains(&(P, name)), "{text}: {f:?}");
        }
        for text in [
            "Coinbase Commerce <no-reply@coinbase.com>",
            "Acme Payouts <noreply@mailer.example>",
            "Zoom Rooms <rooms@zoom.us>",
            "Kribaso Depot <depot@example.org>",
            // One word no list knows is a name where the address echoes it
            // (`Zorvak <zorvak@example.org>`), not before another's.
            "Zorvak <ops@example.org>",
            // No address, no mailbox: the pair then stands alone, and these
            // letters read as a name only after a cue (see `unknown_pair`).
            "Kagiso Seretse <not an address>",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
    }

    /// Expenses and travel: a station's or a drive's destination, a
    /// guesthouse, an offsite's venue and a per diem's place are places;
    /// thanks again, the guest of, whom one met and dined with are people;
    /// `/users/me/` and `/sellers/payout/` are no one.
    #[test]
    fn expenses_travel_and_guests() {
        use EntityType::{Location as L, Person as P};
        for text in [
            "taxi from the airport to Zorvaby",
            "mileage claimed for the drive to Zorvaby",
            "two nights at a guesthouse in Zorvaby",
            "team offsite held near Zorvaby",
            "per diem rate for Zorvaby",
            "https://a.example/per-diem/Zorvaby/rates",
            "https://a.example/offsites/Zorvaby/agenda",
            "handwoven in Zorvaby",
        ] {
            assert_eq!(found(text), [(L, "Zorvaby")], "{text}");
        }
        for (text, name) in [
            ("thanks again Gulsat!", "Gulsat"),
            ("thank you Vuyo Mahlangu", "Vuyo Mahlangu"),
            ("guest of Messaoud", "Messaoud"),
            ("met Mago Kahar for lunch", "Mago Kahar"),
            ("dinner with Gurban Latip (client)", "Gurban Latip"),
            ("Guljahan's taxi home after the event", "Guljahan"),
            ("Kofi's gym membership renews on the 1st", "Kofi"),
            ("Kofi's Tuesday pilates pass", "Kofi"),
            ("Jabbar household, unit 4601", "Jabbar"),
            ("Alon's mutual-aid round, week 4", "Alon"),
            ("Modestas flew economy as per policy", "Modestas"),
            ("Dowran Minou flew economy as per policy", "Dowran Minou"),
            ("passenger name Norkus/Giedrius", "Norkus/Giedrius"),
        ] {
            assert_eq!(found(text), [(P, name)], "{text}");
        }
        for text in [
            "invoice issued in Stripe",
            "conference held in Hybrid",
            "drive to Success",
            "guest of Honour",
            "https://a.example/users/me/orders",
            "https://a.example/sellers/payout/123",
            "Amazon's invoice",
            "Amazon's gift card balance",
            "Amazon's Tuesday gift card deals",
            "Premium household, unit 4",
            "customer Acme/Support",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
    }

    /// A direction before a listed place is part of its name, and no
    /// person's.
    #[test]
    fn directions_before_places() {
        use EntityType::Location as L;
        for (text, place) in [
            ("customer region North America", "North America"),
            ("ships to North America", "North America"),
            ("Upper Egypt", "Upper Egypt"),
            ("sold in Southern California", "Southern California"),
            ("Greater London", "Greater London"),
        ] {
            assert_eq!(found(text), [(L, place)], "{text}");
        }
        assert_eq!(found("The North Face jacket"), []);
    }

    /// Values that name no one are no person after any cue, and assistants
    /// are none after a weak one; a strong cue and a surname still read them.
    #[test]
    fn nobody_values_and_assistants() {
        use EntityType::Person as P;
        for text in [
            "teacher: English",
            "tenant: Staff",
            "patient Approved",
            "owner: Unassigned",
            "guest: Remote",
            "reviewed by Claude",
            "chatted with Claude",
            "session with Claude",
            "thanks Claude Code!",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
        assert_eq!(found("payer: Claude"), [(P, "Claude")]);
        assert_eq!(found("from Claude Dubois"), [(P, "Claude Dubois")]);
    }

    /// A greeting or a sign-off before two Title-case words that end the
    /// clause names a person, known to no list or not; so does a weak cue
    /// before a pair that a word of names only follows.
    #[test]
    fn greeted_and_signed_pairs() {
        use EntityType::Person as P;
        for (text, name) in [
            ("hi Vuyo Mahlangu, the refund is in", "Vuyo Mahlangu"),
            ("thanks Orquiz Quarshie!", "Orquiz Quarshie"),
            ("Kind regards, Vuyo Mahlangu", "Vuyo Mahlangu"),
            ("hello Orquiz Quarshie.", "Orquiz Quarshie"),
            // A pair after a weak cue, before a word that goes on after
            // names only (see `pair_linker`).
            ("Delivery for Vuyo Mahlangu is pending", "Vuyo Mahlangu"),
            ("the order of Vuyo Mahlangu was shipped", "Vuyo Mahlangu"),
            (
                "Invoice prepared by Vuyo Mahlangu last week",
                "Vuyo Mahlangu",
            ),
        ] {
            assert_eq!(found(text), [(P, name)], "{text}");
        }
        for text in [
            "support for Apple Pay is live",
            "invoice for Premium Plan is due",
            "data from Yahoo Finance is delayed",
            "thanks Vuyo Mahlangu Studio for the frames",
            "hello World",
            "best Match Rate.",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
    }

    /// A town's generic word and Arabic's article before a name no list
    /// knows (`Umm ar Rizam`) are read as `Umm Rizam` is; after `in`, a
    /// listed town's name before title-case words no list knows starts
    /// theirs, so no part is left in the clear (`Anlong Thnaot`), but not
    /// before a listed word or an organisation's (`in Lagos Nigeria`, `in
    /// Lagos Bank`); a name a town's key or a label's route in capitals
    /// tells is a town's.
    #[test]
    fn towns_after_an_article_and_past_a_listed_start() {
        use EntityType::Location as L;
        assert_eq!(
            found("parcel locker at the Umm ar Rizam petrol station"),
            [(L, "Umm ar Rizam")]
        );
        assert_eq!(
            found("from our team in Umm ar Rizam"),
            [(L, "Umm ar Rizam")]
        );
        assert_eq!(
            found("Quarterly plan; collected in Anlong Thnaot"),
            [(L, "Anlong Thnaot")]
        );
        assert_eq!(
            found("from our team in Lagos Nigeria"),
            [(L, "Lagos"), (L, "Nigeria")]
        );
        assert_eq!(found("from our team in Lagos Bank"), [(L, "Lagos")]);
        // A name a town's key or a label's route in capitals tells is a
        // town's; a gift's `from` and `to` in lower case is a person's.
        assert_eq!(found("?exam_centre=Dayr Yusuf"), [(L, "Dayr Yusuf")]);
        assert_eq!(found("label: FROM Dura TO central returns"), [(L, "Dura")]);
        assert_eq!(
            found("gift from Erkan to the office"),
            [(EntityType::Person, "Erkan")]
        );
    }

    /// Places of trade, of worship and of meals, stays, weather and
    /// lodging before `in`, `near`, `around` or `at`, nested or joined as
    /// keys, name places; units, spans of time, parking spaces and data
    /// warehouses do not.
    #[test]
    fn places_of_trade_stays_weather_and_nested_routes() {
        use EntityType::Location as L;
        for text in [
            "sourced from farms around Zorvaby",
            "https://a.example/farms-around/Zorvaby/harvest",
            r#"{"trip":{"to":"Zorvaby"}}"#,
            r#"{"clinic":{"near":"Zorvaby"}}"#,
            "?trip-to=Zorvaby",
            "market in Zorvaby",
            "dinner in Zorvaby",
            "our office in Zorvaby",
            "weather in Zorvaby",
            "temperature in Zorvaby",
            "stayed at Zorvaby",
            "lodging in Zorvaby",
            "headquartered in Zorvaby",
            "departs from Zorvaby",
            "/locations/Zorvaby/hours",
            "venue: Zorvaby",
            "meeting point: Zorvaby",
            "Air quality in Zorvaby",
            "UV index for Zorvaby today",
            "Sunrise and sunset times for Zorvaby",
            "pollen count for Zorvaby",
            "rainfall in Zorvaby",
            "Timezone for Zorvaby",
        ] {
            assert_eq!(found(text), [(L, "Zorvaby")], "{text}");
        }
        // A pair right after a word that introduces only places is never
        // read as a name by its letters (see `unknown_pair`).
        for text in [
            "from our team in Otdam Souriya",
            "?collected_in=Otdam Souriya",
        ] {
            assert!(found(text).iter().all(|(e, _)| *e == L), "{text}");
        }
        for text in [
            "Air quality for Enterprise plans",
            "humidity for Sensor",
            "Pollen count for Tomorrow",
            "Timezone for Server",
            "Rainfall in January",
            "temperature in Celsius",
            "departure in Minutes",
            "parking in Zone B",
            "warehouse in Snowflake",
            "meetup in Discord",
            "workshop in Figma",
            "arrived at Checkout",
            "market in BTC",
            "the market in Bitcoin",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
    }

    /// Residences, localities, a place's name key, a place of birth and a
    /// label's kind of place name places; Arabic's article starts or joins
    /// one where it took the next letter's sound; a family or given name
    /// nested in a name or a person's key is a person's (FHIR).
    #[test]
    fn structured_places_articles_and_nested_name_parts() {
        use EntityType::{Location as L, Person as P};
        for (text, place) in [
            ("residence: Zorvaby", "Zorvaby"),
            ("/localities/Zorvaby/rates", "Zorvaby"),
            (r#"{"geo":{"placeName":"Zorvaby"}}"#, "Zorvaby"),
            ("city_name=Zorvaby", "Zorvaby"),
            ("place of birth - Zorvaby", "Zorvaby"),
            ("customer region Zorvaby", "Zorvaby"),
            ("ship-to city: As Salwa", "As Salwa"),
            ("?residence=An-Nasr", "An-Nasr"),
            ("nearest town Dar as Salam", "Dar as Salam"),
        ] {
            assert_eq!(found(text), [(L, place)], "{text}");
        }
        for text in [
            "trip to An Example",
            "based in As Well",
            r#"{"font":{"family":"Roboto"}}"#,
        ] {
            assert_eq!(found(text), [], "{text}");
        }
        assert_eq!(found("trip to Zorvaby as Planned"), [(L, "Zorvaby")]);
        assert_eq!(
            found(r#"{"patient":{"name":[{"family":"Kribaso"}]}}"#),
            [(P, "Kribaso")]
        );
        assert_eq!(found(r#"{"claimant":{"given":"Zorvak"}}"#), [(P, "Zorvak")]);
        assert_eq!(found(r#"{"townName":"Kribaso"}"#), [(L, "Kribaso")]);
    }

    /// A lone name after a verb of contact or of assignment, on duty or
    /// welcomed back must read as a name; reviewers and cosigners are
    /// person keys; a brand's `seed trays` is its head noun; a field label
    /// after a person's segment is no one.
    #[test]
    fn lone_names_contacted_assigned_on_duty_or_welcomed() {
        use EntityType::Person as P;
        assert_eq!(found("ping Priya when it settles"), [(P, "Priya")]);
        assert_eq!(found("remind Siham to pay"), [(P, "Siham")]);
        assert_eq!(
            found("tell Pavlos the locker key is at reception"),
            [(P, "Pavlos")]
        );
        assert_eq!(found("invited Ximena to the class"), [(P, "Ximena")]);
        assert_eq!(found("assigned to Gunel"), [(P, "Gunel")]);
        assert_eq!(found("welcome back, Egill"), [(P, "Egill")]);
        assert_eq!(found("welcome aboard, Egill!"), [(P, "Egill")]);
        // A verb's preposition reads a lower-case pair too: a known given
        // name and a word no list knows that reads as a surname.
        assert_eq!(
            found("handed over to tricia mahmoodi at the door"),
            [(P, "tricia mahmoodi")]
        );
        assert_eq!(found("on call tonight: Aynure"), [(P, "Aynure")]);
        assert_eq!(found("cleaner this week: Sherlyn"), [(P, "Sherlyn")]);
        assert_eq!(found("cook today: Kofi"), [(P, "Kofi")]);
        assert_eq!(
            found("driver on shift: Zorvak Telmiri"),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(
            found(r#"{"cosigner":"Zorvak Telmiri"}"#),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(
            found("/reviewers/zorvak_telmiri/stars"),
            [(P, "zorvak_telmiri")]
        );
        for none in [
            "assigned to Finance",
            "escalated to Support",
            "ping Stripe when it settles",
            "tell Support the key is here",
            "invite Finance to the channel",
            "welcome back, Team",
            "welcome aboard, Team!",
            "handed over to tricia today",
            "shared with grace notes today",
            "on shift: Night",
            "cleaner this week: the usual team",
            "special this week: Lasagna",
            "restocked at Anna Smith seed trays",
            "/payees/ssn/",
        ] {
            assert_eq!(found(none), [], "{none}");
        }
    }

    /// Service roles are person cues, as key and before a name; a
    /// preposition or conjunction after a pair is no head noun.
    #[test]
    fn service_roles_and_prepositions_after_a_pair() {
        use EntityType::Person as P;
        assert_eq!(found("trainer: Alauddin"), [(P, "Alauddin")]);
        assert_eq!(found(r#"{"stylist":"Zorvak"}"#), [(P, "Zorvak")]);
        assert_eq!(found("our hygienist Raneem is off"), [(P, "Raneem")]);
        assert_eq!(
            found("your stylist, Raghda, is running late"),
            [(P, "Raghda")]
        );
        for t in [
            "Kofi Boateng since March",
            "Kofi Boateng until Friday",
            "Kofi Boateng towards Monday",
            "coached by Kofi Boateng since last year",
        ] {
            assert_eq!(found(t), [(P, "Kofi Boateng")], "{t}");
        }
        // A head noun still makes the pair a brand's.
        assert_eq!(found("restocked at Anna Smith seed trays"), []);
        assert_eq!(found("trainer: the usual"), []);
    }

    /// A search's whole value of two lower-case words: a known given name
    /// and surname, or two unknown words that read strongly as a name's.
    #[test]
    fn searched_names() {
        // `+` is a space here: the normaliser folds it before the scan.
        use EntityType::Person as P;
        assert_eq!(
            found("https://a.example/s?q=kofi boateng&type=member"),
            [(P, "kofi boateng")]
        );
        assert_eq!(
            found(r#"{"lookup":{"query":"obada sahani","matches":0}}"#),
            [(P, "obada sahani")]
        );
        for none in [
            "https://a.example/s?q=red shoes",
            "https://a.example/s?q=jordan sneakers",
            "https://a.example/s?q=santa rosa",
            "https://a.example/s?q=django chimpanzees",
            "https://a.example/s?q=kofi boateng bio",
            "https://a.example/s?page=kofi boateng",
        ] {
            assert_eq!(found(none), [], "{none}");
        }
    }

    /// A handle of a given name and a surname run together, after `@` or a
    /// handle's key; a key naming a part of a person's name after a
    /// person's word.
    #[test]
    fn glued_handles_and_name_part_keys() {
        use EntityType::Person as P;
        for (t, name) in [
            ("https://a.example/u/@ioanamokoena/bookings", "ioanamokoena"),
            (
                "https://a.example/c/1?referrer=mariagarcia&promo=spring",
                "mariagarcia",
            ),
            (
                "https://a.example/creators/osaidmanasrah/tip",
                "osaidmanasrah",
            ),
            (
                "https://a.example/c/1?patient_last=Sawalha&dob_check=1",
                "Sawalha",
            ),
            (r#"{"guestFirst":"Raeda","room":"4b"}"#, "Raeda"),
        ] {
            assert_eq!(found(t), [(P, name)], "{t}");
        }
        for none in [
            "https://a.example/c/1?referrer=newsletter&promo=spring",
            "https://a.example/c/1?referrer=producthunt",
            "https://a.example/u/@coffeeshop/bookings",
            "https://a.example/c/1?ref=homepage",
            "https://a.example/ioanamokoena/bookings",
            "https://a.example/c/1?promo_last=Spring",
        ] {
            assert_eq!(found(none), [], "{none}");
        }
    }

    /// A town's words joined by underscores; a place key's slug is a
    /// town's even when its words are given names; a German town's own
    /// name without its river.
    #[test]
    fn towns_by_underscores_place_keys_and_short_names() {
        use EntityType::{Location as L, Person as P};
        assert_eq!(
            found("https://a.example/x?city=New_York"),
            [(L, "New_York")]
        );
        assert_eq!(
            found("https://a.example/x?city=sao-paulo&n=1"),
            [(L, "sao-paulo")]
        );
        assert_eq!(found("office in Frankfurt"), [(L, "Frankfurt")]);
        assert_eq!(
            found("https://a.example/users/maria_garcia/x"),
            [(P, "maria_garcia")]
        );
    }

    /// A given name and a surname's initial after a person's key; every
    /// key of a name's parts in a name's or a person's object. A label
    /// and a letter, a range's and a page's ends are none.
    #[test]
    fn initials_and_name_objects() {
        use EntityType::Person as P;
        assert_eq!(found("name: Maria G."), [(P, "Maria G")]);
        assert_eq!(
            found(r#"{"name":{"first":"Maria","middle":"J","last":"Garcia"}}"#),
            [(P, "Maria"), (P, "Garcia")]
        );
        assert_eq!(
            found(r#"{"customer":{"id":4,"first":"Zorvak","last":"Telmiri"}}"#),
            [(P, "Zorvak"), (P, "Telmiri")]
        );
        for none in [
            "customer: Plan B",
            "name: API V.",
            r#"{"range":{"first":1,"last":9}}"#,
            r#"{"page":{"first":"Intro","last":"Summary"}}"#,
            r#"{"font":{"family":"Inter","weight":400}}"#,
        ] {
            assert_eq!(found(none), [], "{none}");
        }
    }

    /// A `_to` key after a verb of paying or giving, and `in memory of`,
    /// name a person; a shipping key names a place, an organisation none.
    #[test]
    fn whom_a_gift_went_to() {
        use EntityType::{Location as L, Person as P};
        for (t, name) in [
            ("https://a.example/a?tip_to=Kit Wat&amount=3", "Kit Wat"),
            (r#"{"giftTo":"Nay Yuen"}"#, "Nay Yuen"),
            ("donated in memory of Pat Mosavi", "Pat Mosavi"),
        ] {
            assert_eq!(found(t), [(P, name)], "{t}");
        }
        assert_eq!(
            found("https://a.example/a?ship_to=Kit Wat"),
            [(L, "Kit Wat")]
        );
        for none in [
            "https://a.example/a?paid_to=Acme Inc",
            "https://a.example/a?tip_to=Support Team",
            "in memory of the victims",
        ] {
            assert_eq!(found(none), [], "{none}");
        }
    }

    /// An event's host as a key reads a known given name, and so does a
    /// message's sender or recipient as a key of its own, whose value is
    /// one word; a lower-case known given name is a whole segment after a
    /// role noun's.
    #[test]
    fn hosts_and_given_names_after_roles() {
        use EntityType::Person as P;
        for (t, name) in [
            ("https://a.example/a?host=Maisa&room=4b", "Maisa"),
            (r#"{"host":"Aliki","room":"4b"}"#, "Aliki"),
            ("https://a.example/instructors/douaa/timetable", "douaa"),
            (r#"{"from":"Tosin","via":"mobile"}"#, "Tosin"),
            ("https://a.example/a?to=Priya&amount=3", "Priya"),
        ] {
            assert_eq!(found(t), [(P, name)], "{t}");
        }
        for none in [
            "https://a.example/a?host=Heroku",
            "https://a.example/a?host=AWS",
            "our host Hilton",
            "https://a.example/instructors/active/timetable",
            "https://a.example/instructors/douaa.json",
            r#"{"from":"Grace Church"}"#,
            r#"{"from":"USD","to":"EUR"}"#,
            r#"{"from":"Zendesk"}"#,
            "https://a.example/a?from=Jan&to=May",
        ] {
            assert_eq!(found(none), [], "{none}");
        }
    }

    /// `Last, First` after a person's label and a dash, or opening the text
    /// before a colon; a label of things is none.
    #[test]
    fn last_first_dashed_or_before_a_colon() {
        use EntityType::Person as P;
        for (t, name) in [
            ("Member name - Hanani, Wasem", "Hanani, Wasem"),
            (
                "Kyriakou, Jameela: annual dental check-up",
                "Kyriakou, Jameela",
            ),
            ("coached by Styliana Mattar since March", "Styliana Mattar"),
        ] {
            assert_eq!(found(t), [(P, name)], "{t}");
        }
        for none in [
            "plan - Gold, Silver",
            "customer - Premium, Gold",
            "Tags, Notes: none",
            "Sizes, Colours: see chart",
        ] {
            assert_eq!(found(none), [], "{none}");
        }
    }

    /// A booking's name after `booked under`, a ticket's opener who reads
    /// as a name, a colleague from a department, next of kin, signatories
    /// and payslips; a pair before `after` ends its clause. Products and
    /// automations that open tickets are no one.
    #[test]
    fn bookings_openers_colleagues_and_kin() {
        use EntityType::Person as P;
        for (t, name) in [
            ("booked under Nqobile Micallef", "Nqobile Micallef"),
            ("?booked_under=Zorvak", "Zorvak"),
            ("ticket 4 opened by Rathanak", "Rathanak"),
            ("Vibol from accounting signed off", "Vibol"),
            ("next of kin: Meang Butoyi", "Meang Butoyi"),
            ("/kin/kruger", "kruger"),
            ("/signatories/zorvak.telmiri", "zorvak.telmiri"),
            ("/payslips/zorvak-telmiri/2026-05", "zorvak-telmiri"),
            (
                "refund approved for Melance Mercieca after review",
                "Melance Mercieca",
            ),
        ] {
            assert_eq!(found(t), [(P, name)], "{t}");
        }
        // Company and giving: `spoke with`, `handed it to`; thanks, a debt
        // and a pickup (`thanks to`, `owed to`, `pickup by`), but not a
        // team's or a product's word.
        for (t, name) in [
            ("shared with Senzo and the team", "Senzo"),
            ("big thanks to Obaapa for sorting it", "Obaapa"),
            ("refund owed to Joujou", "Joujou"),
            ("pickup by Gulzhan after 5pm", "Gulzhan"),
        ] {
            assert_eq!(found(t), [(P, name)], "{t}");
        }
        for t in [
            "thanks to Support for the fix",
            "refund owed to Stripe",
            "pickup by Courier after 5pm",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
        assert_eq!(found("the courier handed it to Sihle"), [(P, "Sihle")]);
        for t in [
            "opened by Zapier",
            "Invoice from accounting",
            "Hello from support",
            "integrates with Stripe",
            "shared with Whatsapp",
            "sent it to Finance",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
    }

    /// A town before `region`, `town hall` or a market where something is
    /// bought, and after `around` a travel word or a site; not a team's
    /// product (`our team in Slack`) nor a market alone.
    #[test]
    fn towns_before_regions_halls_and_markets() {
        use EntityType::Location as L;
        assert_eq!(found("served from the Kayogoro region"), [(L, "Kayogoro")]);
        assert_eq!(found("venue: Koh Kong town hall"), [(L, "Koh Kong")]);
        assert_eq!(found("paid at the Qormi market"), [(L, "Qormi")]);
        assert_eq!(found("based around Kep"), [(L, "Kep")]);
        assert_eq!(found("parcel held in Gobu for pickup"), [(L, "Gobu")]);
        assert_eq!(found("delivery zone Damboa"), [(L, "Damboa")]);
        assert_eq!(found("package held in Customs"), []);
        for t in [
            "our team in Slack",
            "the Bitcoin market",
            "the Sales region",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
    }

    #[test]
    fn unknown_surname_before_a_known_given_name() {
        use EntityType::{Location as L, Person as P};
        let pair = [(P, "Thangavelu, Siddhartha")];
        assert_eq!(found("Thangavelu, Siddhartha owes the balance"), pair);
        assert_eq!(found("clip; Thangavelu, Siddhartha owes the balance"), pair);
        assert_eq!(found("invoice for Thangavelu, Siddhartha"), pair);
        assert_eq!(found("on behalf of Thangavelu, Siddhartha."), pair);
        assert_eq!(found("Ceramics, Grace notes"), []);
        assert_eq!(found("Invoice; Stripe, Will pay later"), []);
        assert_eq!(found("Kubernetes, Ruby on Rails"), []);
        assert_eq!(
            found("ships from Cleveland, Madison"),
            [(L, "Cleveland"), (L, "Madison")]
        );
        // No clause start before it: a list.
        assert_eq!(found("Ceramics, Pottery, Thangavelu, Siddhartha"), []);
    }

    #[test]
    fn towns_at_sites_and_no_names_there() {
        use EntityType::{Location as L, Person as P};
        assert_eq!(found("parcel goes to the depot in Kribi"), [(L, "Kribi")]);
        assert_eq!(
            found("parcel goes to the depot in Denai Alam"),
            [(L, "Denai Alam")]
        );
        assert_eq!(
            found("stock kept at our Akonolinga branch"),
            [(L, "Akonolinga")]
        );
        assert_eq!(
            found("stock kept at our Charles Hill branch"),
            [(L, "Charles Hill")]
        );
        assert_eq!(found("field office, Sri Aman"), [(L, "Sri Aman")]);
        assert_eq!(
            found("collection point: Jean-Rabel market"),
            [(L, "Jean-Rabel")]
        );
        assert_eq!(found("?collection_point=Rey Bouba"), [(L, "Rey Bouba")]);
        assert_eq!(
            found("?depot_town=Jacobo Hunter&slot=am"),
            [(L, "Jacobo Hunter")]
        );
        assert_eq!(found("/branches/Trou du Nord/hours"), [(L, "Trou du Nord")]);
        // Not after `to`, a brand's site, or a site without its determiner.
        assert_eq!(found("ships to Anne Smith"), [(P, "Anne Smith")]);
        assert_eq!(found("our Etsy shop"), []);
        assert_eq!(found("the entry point: Main"), []);
        assert_eq!(found("point: Zorvaby"), []);
    }

    #[test]
    fn ids_keys_and_care_of() {
        use EntityType::Person as P;
        // An id's prefix is no surname; `number` is a metadata word.
        assert_eq!(found("Receipt ORD-3263303"), []);
        assert_eq!(found("paid John Smith-2 back"), [(P, "John Smith")]);
        assert_eq!(found("?momo_number=5&x=1"), []);
        assert_eq!(found(r#"{"anna_number":"5"}"#), []);
        assert_eq!(found("?ref=anna_smith"), [(P, "anna_smith")]);
        // Care of, and a role noun's apposition.
        assert_eq!(found("c/o Zamri Kenfack, gate 4"), [(P, "Zamri Kenfack")]);
        assert_eq!(found("C/O Zamri Kenfack"), [(P, "Zamri Kenfack")]);
        assert_eq!(found("c/o Acme Corp"), []);
        assert_eq!(
            found("the driver, Kesner Teoh, is waiting outside"),
            [(P, "Kesner Teoh")]
        );
        assert_eq!(found("our partner, Blue Bottle, ships tomorrow"), []);
        assert_eq!(found("the driver, Acme Logistics, is late"), []);
        assert_eq!(found("the driver, Kesner Teoh is waiting"), []);
        // A verb of naming and `as`.
        assert_eq!(
            found("registered as Huanca, Mesidor"),
            [(P, "Huanca, Mesidor")]
        );
        assert_eq!(
            found("name entered as tsholofelo gallardo"),
            [(P, "tsholofelo gallardo")]
        );
        assert_eq!(found("registered as Acme Corp"), []);
        assert_eq!(found("booked as Economy Plus"), []);
        // A cue word's key reads no organisation (an organisation word in
        // or right after the value), and `Red Bull` is a listed brand.
        assert_eq!(found("seller: Apple Inc"), []);
        assert_eq!(found("seller: Apple Store"), []);
        assert_eq!(found("seller: Maria Lopez"), [(P, "Maria Lopez")]);
        assert_eq!(found("sponsor: Red Bull"), []);
        // `from` ends a clause pair like `for`, and `please` goes on after one.
        assert_eq!(
            found("voice note from Zamri Kenfack"),
            [(P, "Zamri Kenfack")]
        );
        assert_eq!(
            found("receipt to Zamri Kenfack please"),
            [(P, "Zamri Kenfack")]
        );
        assert_eq!(found("imported from Zamri Kenfack tea cosies"), []);
        assert_eq!(found("data from Google Cloud"), []);
        // A three-letter noun is a brand's head noun too.
        assert_eq!(found("a product of Tau Sulaiman fly swatters"), []);
    }

    #[test]
    fn hyphenated_towns_where_a_place_is_introduced() {
        use EntityType::{Location as L, Person as P};
        assert_eq!(found("ships to Knokke-Heist"), [(L, "Knokke-Heist")]);
        assert_eq!(found("ships to Knokke Heist"), [(L, "Knokke Heist")]);
        assert_eq!(found(r#"{"ship_to_city":"Helen-Bos"}"#), [(L, "Helen-Bos")]);
        assert_eq!(found("the village of Bourg Achard"), [(L, "Bourg Achard")]);
        assert_eq!(found("city=Saint-Jean-de-Luz"), [(L, "Saint-Jean-de-Luz")]);
        // A listed town's name that a hyphen continues, anywhere.
        assert_eq!(
            found("ships to Stratford-upon-Avon"),
            [(L, "Stratford-upon-Avon")]
        );
        assert_eq!(found("a Paris-based team"), [(L, "Paris")]);
        // A known given name is still a person there, and elsewhere the
        // pair is read as before.
        assert_eq!(
            found("ships to Anne-Marie Smith"),
            [(P, "Anne-Marie Smith")]
        );
        assert_eq!(found("paid to Helen-Bos"), [(P, "Helen-Bos")]);
        assert_eq!(found("paid to Brakkel Heist"), [(P, "Brakkel Heist")]);
        // Knokke-Heist (33,000 people) is a listed town.
        assert_eq!(found("paid to Knokke Heist"), [(L, "Knokke Heist")]);
    }

    /// The round of the dev split v23 (tips, donations and local
    /// services): who did the job, who was tipped, where things are
    /// collected and where a charge holds.
    #[test]
    fn tips_donations_and_local_services() {
        use EntityType::{Location as L, Person as P};
        // A clause-opening pair before a verb in the past and its object,
        // when its letters read as a name's.
        assert_eq!(
            found("Meimei Atias organised the fundraiser"),
            [(P, "Meimei Atias")]
        );
        assert_eq!(
            found("Zorvak Telmiri asked us to hold the order"),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(found("Coinbase Checkout confirmed payment"), []);
        assert_eq!(found("Stripe Commerce requests a refund"), []);
        assert_eq!(found("Apple Pay declined the card"), []);
        // Walkers and organisers are people; so are the tipped, those
        // remembered, and those a thing is handed over to.
        assert_eq!(found("?walker=Nezar&slot=am"), [(P, "Nezar")]);
        assert_eq!(found("the organiser Zorvak"), [(P, "Zorvak")]);
        assert_eq!(found("tipped Moaad Tun 2 USDC"), [(P, "Moaad Tun")]);
        assert_eq!(
            found("in memory of Zorvak Telmiri"),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(found("handed over to Sihle at the door"), [(P, "Sihle")]);
        assert_eq!(found("dog walked by Moaad (Tue/Thu)"), [(P, "Moaad")]);
        assert_eq!(found("listing posted by Zapier (auto)"), []);
        // A slug's `kin` is no cue for the segment after it.
        assert!(!found("/tutors/szeto-kin/sessions")
            .iter()
            .any(|&(_, t)| t == "sessions"));
        // Where a thing is collected, walked around, held or streamed from,
        // and where a charge holds.
        assert_eq!(
            found("courier collected it from Tsz Wan Shan"),
            [(L, "Tsz Wan Shan")]
        );
        assert_eq!(found("sofa to be collected in Zintan"), [(L, "Zintan")]);
        assert_eq!(found("data collected in Datadog"), []);
        assert_eq!(
            found("dog walks around Al Ghurayfah on weekdays"),
            [(L, "Al Ghurayfah")]
        );
        assert_eq!(found("walking to Success"), []);
        assert_eq!(
            found("callout fee applies outside Sidi Bin Zinah"),
            [(L, "Sidi Bin Zinah")]
        );
        assert_eq!(
            found("fundraiser for the animal shelter in Yio Chu Kang"),
            [(L, "Yio Chu Kang")]
        );
        assert_eq!(
            found("tutoring at the public library in Al Mayah"),
            [(L, "Al Mayah")]
        );
        assert_eq!(found("a library in Rust"), []);
        assert_eq!(
            found("streaming live from Hong Lok Yuen tonight"),
            [(L, "Hong Lok Yuen")]
        );
        assert_eq!(found("streaming live from Twitch"), []);
        assert_eq!(
            found("covers Shahin Dezh and nearby villages"),
            [(L, "Shahin Dezh")]
        );
        assert_eq!(found("Stripe and nearby services"), []);
    }

    /// Payment, crypto and AI products named like people (`orgs.txt`, stop
    /// words, `AI` and `Network` as organisation words) are no names; the
    /// people beside them still are.
    #[test]
    fn products_named_like_people() {
        use EntityType::Person as P;
        for t in [
            "Airdrop from Magic Eden",
            "Data provided by Alpha Vantage",
            "Quote from Jupiter Aggregator",
            "Data provided by Arkham Intelligence",
            "Paid via Coinbase Commerce",
            "Powered by Vercel Edge Functions",
            "embeddings by Jina AI",
            "Paid via Akash Network",
            "organizer: Eventbrite",
            "owner: Stripe",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
        // An organisation's pair is skipped whole: its second word starts
        // no name with the word after it.
        assert_eq!(found("Johnnie Walker Black Label"), []);
        assert_eq!(found("paid via Ralph Lauren Polo"), []);
        assert_eq!(
            found("Data provided by Alpha Vantage for Maria Lopez"),
            [(P, "Maria Lopez")]
        );
        assert_eq!(found("user: Mint Chanthavong"), [(P, "Mint Chanthavong")]);
    }

    /// `in` before a word no list knows whose letters read strongly as a
    /// name's is a town, unless a verb of software or payment comes before
    /// `in` or the letters read as English.
    #[test]
    fn unlisted_towns_after_in() {
        use EntityType::Location as L;
        assert_eq!(found("from our team in Kanyosha"), [(L, "Kanyosha")]);
        assert_eq!(found("receipt issued in Lakhdaria"), [(L, "Lakhdaria")]);
        assert_eq!(
            found("the job was in Plettenberg Bay, two visits"),
            [(L, "Plettenberg Bay")]
        );
        for t in [
            "written in Kotlin",
            "hosted in Heroku",
            "available in Safari",
            "paid in Klarna",
            "meeting in Zoom",
            "logged in Kanyosha",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
        // A town no list knows before its country in brackets, as after a
        // comma.
        assert_eq!(
            found("shipped from Ulundi (South Africa)"),
            [(L, "Ulundi"), (L, "South Africa")]
        );
        assert_eq!(found("Acme (Berlin office)"), [(L, "Berlin")]);
        // A name read right after `in` is a town's, unless a possessive
        // follows or a verb of software or payment comes before `in`.
        use EntityType::Person as P;
        assert_eq!(found("receipt issued in Sidi Khaled"), [(L, "Sidi Khaled")]);
        assert_eq!(found("from our team in Koh Kong"), [(L, "Koh Kong")]);
        assert_eq!(
            found("meeting in Maria Lopez's office"),
            [(P, "Maria Lopez")]
        );
        assert_eq!(found("written in Maria Lopez"), [(P, "Maria Lopez")]);
    }

    /// A town after a weather path segment, x402's own example route; not
    /// a word-like name, nor a weather key's value.
    #[test]
    fn towns_after_weather_segments() {
        use EntityType::Location as L;
        assert_eq!(
            found("https://a.example/weather/Kuressaare/today"),
            [(L, "Kuressaare")]
        );
        assert_eq!(found("/v1/forecast/Tsumeb"), [(L, "Tsumeb")]);
        for t in [
            "https://a.example/weather/Current",
            "https://a.example/weather/Sunny",
            "forecast: Cloudbreak",
            "weather/Kuressaare",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
    }

    /// A lower-case town no list knows (or knows as a name only) as the
    /// value of a town's own key, read by its letters; not English words or
    /// placeholders, nor the value of a region's key.
    #[test]
    fn lower_case_towns_by_their_keys() {
        use EntityType::Location as L;
        assert_eq!(found("?city=kuressaare&x=1"), [(L, "kuressaare")]);
        assert_eq!(found("billing_city=ouidah"), [(L, "ouidah")]);
        assert_eq!(found(r#"{"hometown":"omaruru"}"#), [(L, "omaruru")]);
        assert_eq!(found("city: kandy"), [(L, "kandy")]);
        for t in [
            "?city=sample",
            "?city=lorem",
            "?city=current",
            "?city=test",
            "?region=kuressaare",
            "?town=maria",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
    }

    /// Arabic's article: `Al` and a word no list knows as a surname is a
    /// place's name, not the given name `Al`, unless a strong cue comes
    /// before; in Title case inside a name it joins the surname; and a
    /// degree after a pair ends the name.
    #[test]
    fn arabic_article_and_post_nominals() {
        use EntityType::{Location as L, Person as P};
        assert_eq!(
            found("coach travels from Al Kittah on Saturdays"),
            [(L, "Al Kittah")]
        );
        assert_eq!(found("notes from Al Kittah on Saturdays"), []);
        // A venue's brackets tell a town; the article's next word reads
        // as one by its letters (`places::town_letters`).
        assert_eq!(
            found("clinic (Al Qatranah) confirmed"),
            [(L, "Al Qatranah")]
        );
        assert_eq!(found("Al Gore paid"), [(P, "Al Gore")]);
        assert_eq!(found("patient: Al Mansouri"), [(P, "Al Mansouri")]);
        assert_eq!(
            found("dental clinic on the high street in Al Jubayhah"),
            [(L, "Al Jubayhah")]
        );
        assert_eq!(found("Ahmed Al Mansouri paid"), [(P, "Ahmed Al Mansouri")]);
        assert_eq!(
            found("covers Baqa el Gharbiya and nearby villages"),
            [(L, "Baqa el Gharbiya")]
        );
        assert_eq!(
            found("assessment by Antri Shatnawi BSc (physiotherapist)"),
            [(P, "Antri Shatnawi")]
        );
        assert_eq!(found("for Pro Max"), []);
    }

    /// A JSON list's first value under a person's or a place's key, the
    /// attendees and invitees of a booking, and a town after a verb of
    /// travel and `in`, `back` or `over` before `from`.
    #[test]
    fn lists_attendees_and_travel_from() {
        use EntityType::{Location as L, Person as P};
        assert_eq!(
            found(r#"{"locations":["Geroskipou"]}"#),
            [(L, "Geroskipou")]
        );
        assert_eq!(
            found(r#"{"patients": ["Zorvak Telmiri"]}"#),
            [(P, "Zorvak Telmiri")]
        );
        assert_eq!(found(r#"{"tags":["Alpha","Beta"]}"#), []);
        assert_eq!(found(r#"{"attendee":"Azul Liaw"}"#), [(P, "Azul Liaw")]);
        assert_eq!(found("invitee: Kofi"), [(P, "Kofi")]);
        assert_eq!(found("attendee: Remote"), []);
        assert_eq!(found("coach travels from Dura on Saturdays"), [(L, "Dura")]);
        assert_eq!(found("travelling in from Dura for the 10am"), [(L, "Dura")]);
        assert_eq!(found("gift in from Kofi"), [(P, "Kofi")]);
        // Around, outside or near, as after `in`.
        assert_eq!(found("home visits around Kanyosha only"), [(L, "Kanyosha")]);
        assert_eq!(found("outside Business Hours; around Christmas"), []);
    }

    /// A name found once is found wherever its parts stand alone again in
    /// the text, before it or after it; word-like parts and places are not
    /// echoed, nor a part inside another capitalised run, and a text with
    /// no name echoes nothing.
    #[test]
    fn name_parts_echoed() {
        use EntityType::{Location as L, Person as P};
        assert_eq!(
            found("patient: Zorvak Telmiri; Zorvak paid 3 USDC"),
            [(P, "Zorvak Telmiri"), (P, "Zorvak")]
        );
        assert_eq!(
            found("TELMIRI paid; patient: Zorvak Telmiri"),
            [(P, "Zorvak Telmiri"), (P, "TELMIRI")]
        );
        assert_eq!(
            found("patient: Maria Lopez; Maria said hi"),
            [(P, "Maria Lopez"), (P, "Maria")]
        );
        assert_eq!(
            found("guest: Will Zorvak; Will pay later"),
            [(P, "Will Zorvak")]
        );
        assert_eq!(
            found("Paris Hilton; Paris trip"),
            [(P, "Paris Hilton"), (L, "Paris")]
        );
        assert_eq!(
            found("imported by Phiri Telmiri dusters; Dr. J. Telmiri (referring)")
                .iter()
                .filter(|&&(_, t)| t == "Telmiri")
                .count(),
            0
        );
        assert_eq!(found("Zorvak paid 3 USDC; Zorvak again"), []);
    }

    /// A town no list holds, told by what joins it where its letters read
    /// as a town's: `-based`, a clause's `branch`, a determiner's `hub`,
    /// the keys `origin`, `area`, `site`, `collected_in` and an exam
    /// centre's, a community hall's comma, a venue's brackets, a way
    /// `between`, a petrol station, a community kitchen, a move to a site
    /// and a label's `FROM … TO`. Not English-looking words or people
    /// between.
    #[test]
    fn towns_told_by_what_joins_them() {
        use EntityType::{Location as L, Person as P};
        for t in [
            "our Kanyosha-based coach",
            "Kanyosha branch, treatment room 2",
            "meeting room booked at the Kanyosha hub",
            "origin: Kanyosha",
            "/returns/origin/Kanyosha",
            "exam centre: Kanyosha",
            "?exam_centre=Kanyosha",
            "venue: community hall, Kanyosha",
            "clinic (Kanyosha) confirmed the referral",
            "shuttle between Kanyosha and the stadium",
            "parcel locker at the Kanyosha petrol station",
            "Kanyosha community kitchen appeal",
            r#"{"listing":{"area":"Kanyosha"}}"#,
            r#"{"locker":{"site":"Kanyosha"}}"#,
            "?collected_in=Kanyosha",
            "moving the membership from Kanyosha to the downtown branch",
            "label: FROM Kanyosha TO central returns",
        ] {
            assert_eq!(found(t), [(L, "Kanyosha")], "{t}");
        }
        for t in [
            "our Rust-based agent",
            "origin: Organic",
            "the Focus hub",
            "Develop branch, merged",
            "split between Anne and Bob",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
        assert_eq!(
            found("forwarded from Anne to the finance office"),
            [(P, "Anne")]
        );
    }

    /// A town no list holds as a URL path's segment of its own in title
    /// case between lower-case ones, its letters a town's, and a town's
    /// name after Arabic's article or a generic head word read by the words
    /// after it. Not a segment after an organisation's collection, the
    /// host, a file's name, English-looking words or a lower-case slug.
    #[test]
    fn towns_in_a_path_segment() {
        use EntityType::Location as L;
        for (t, town) in [
            ("https://x.test/v1/stores/Kanyosha/hours", "Kanyosha"),
            ("https://x.test/tours/2025/Kanyosha/tickets", "Kanyosha"),
            ("https://x.test/clinics/Kanyosha", "Kanyosha"),
            ("https://x.test/clinics/Kanyosha?day=2", "Kanyosha"),
            // As the normaliser leaves `Az%20Zallaq` (see `pii::norm`).
            ("https://x.test/salons/in/Az Zallaq", "Az Zallaq"),
            ("https://x.test/clinics/Umm Kaddadah/branch", "Umm Kaddadah"),
            // A pair no list knows that its place tells a town is no
            // person's (`unknown_pair`).
            (
                "https://x.test/noticeboard/Mazkeret Batya/furniture",
                "Mazkeret Batya",
            ),
            ("our Al Kanyosha-based coach", "Al Kanyosha"),
        ] {
            assert_eq!(found(t), [(L, town)], "{t}");
        }
        for t in [
            "https://x.test/integrations/Kanyosha/status",
            "https://x.test/partners/2025/Kanyosha/invoices",
            "https://x.test/Kanyosha/hours",
            "https://Kanyosha.test/hours",
            "https://x.test/stores/Kanyosha.csv",
            "https://x.test/stores/Kanyosha/Hours",
            "https://x.test/fhir/Observation/7",
            "https://x.test/stores/Hours/today",
            "https://x.test/stores/kanyosha/hours",
            "stores/Kanyosha/hours",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
    }

    /// An arrow between a label and its value is a key's joint (`class
    /// location → Kanyosha` reads as `location: Kanyosha`); a school's
    /// grade is no part of a town's name.
    #[test]
    fn arrows_after_labels() {
        use EntityType::{Location as L, Person as P};
        assert_eq!(found("class location → Kanyosha"), [(L, "Kanyosha")]);
        assert_eq!(found("patient → Wanjiru Kamau"), [(P, "Wanjiru Kamau")]);
        assert_eq!(found("lookup: Kanyosha → none"), []);
        // A school's grade ends the town's name before it.
        assert_eq!(
            found("exam centre: Kanyosha Secondary School, hall B"),
            [(L, "Kanyosha")]
        );
    }

    /// A listed town before a name and a product in the plural is a
    /// brand's name, even after a word that introduces places; a town goes
    /// on with its site or its time.
    #[test]
    fn brands_named_after_a_town_and_a_person() {
        use EntityType::Location as L;
        for t in [
            "ordered from Chanda Thanigaivel rolling pins",
            "back in stock at Tambunan Sugiarto jam jars",
            "under licence from Sanaa Barakat dust pans",
        ] {
            assert_eq!(found(t), [], "{t}");
        }
        for (t, town) in [
            ("shipped from Sarandi Grande warehouse", "Sarandi Grande"),
            ("conference in Novi Vinodolski next week", "Novi Vinodolski"),
            ("ordered from Chanda today", "Chanda"),
        ] {
            assert_eq!(found(t), [(L, town)], "{t}");
        }
    }
}
