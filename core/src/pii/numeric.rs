//! Digit-group recognizers: US_SSN, CREDIT_CARD, PHONE_NUMBER and IPv4.
//!
//! A *chain* is a run of digit groups joined by single separators (space, `-`,
//! `.`; a tab reads as a space and `_` as `-`), optionally with a leading `+`
//! and parenthesised groups. A chain glued
//! to letters (`ORD-123`, `v1.2.3.4`, UUID tails, hex digests) is never read.
//! Every contiguous sub-chain (up to 8 groups, starting and ending at a space
//! or at the chain's ends) is tried, longest first, against each validator.
//!
//! A `/` before a chain is a path-segment boundary (unless it follows a one-
//! or two-digit number, as in a date), so path segments are read like query
//! values; the word before (the previous segment, the query key) is the
//! context. Numbers after `+` or `00` are checked against the numbering plan
//! ([`super::phone`]).

use super::hit::{file_ext, is_among, is_one_of, label_colon, word_before, Hit};
use super::EntityType;

const MAX_GROUPS: usize = 24;

#[derive(Clone, Copy, Debug, Default)]
struct Group {
    start: usize, // first digit (or `(`)
    end: usize,   // after last digit (or `)`)
    ds: usize,    // first digit
    de: usize,    // after last digit
    paren: bool,
    sep: u8, // separator before this group (0 for none / first)
}

/// Words that, right before a bare digit run, say it is not personal data.
const NOT_PII_KEYS: &[&str] = &[
    "amount",
    "value",
    "nonce",
    "ts",
    "timestamp",
    "time",
    "id",
    "block",
    "height",
    "gas",
    "wei",
    "atomic",
    "maxamountrequired",
    "qty",
    "price",
    "order",
    "orderid",
    "invoice",
    "ref",
    "seq",
    "chain",
    "chainid",
    "epoch",
    "exp",
    "iat",
    "nbf",
    "expires",
    "deadline",
    "slot",
    "round",
    "version",
    "ver",
    "v",
    "build",
    "release",
    "size",
    "bytes",
    "count",
    "limit",
    "offset",
    "page",
    "tokens",
    "sku",
    "tx",
    "txid",
    "hash",
    "number",
    "no",
    "units",
    "max",
    "min",
];

/// Words that make a following `number`/`no` a card number's label: a
/// card's own words and the schemes' names (`visa no. 4111…`).
const CARD_WORDS: &[&str] = &[
    "card",
    "cc",
    "credit",
    "debit",
    "pan",
    "maestro",
    "visa",
    "mastercard",
    "amex",
    "discover",
    "jcb",
    "diners",
    "unionpay",
];

/// Words after a bare number that only a card's number has beside it: its
/// expiry or its security code, when a date or 3 or 4 digits follow
/// (`number 4111…, exp 12/29`, `… CVV 123`).
const CARD_AFTER: &str = "exp expiry expires expiration cvv cvc cvv2 cvc2";

/// True when a card's expiry or security code follows the number ending at
/// `end` ([`CARD_AFTER`]): past a comma, a semicolon or spaces, the word,
/// then past `:`, `.` or spaces a month and `/` (`exp 12/29`, `expiry:
/// 03/2031`) or 3 or 4 digits ending there (`cvc 123`).
fn card_label_after(b: &[u8], end: usize) -> bool {
    let rest = b.get(end..).unwrap_or(&[]);
    let skip = |r: &[u8], seps: &[u8]| r.iter().take(3).take_while(|c| seps.contains(c)).count();
    let r = &rest[skip(rest, b",; ")..];
    let n = r
        .iter()
        .take(12)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let (word, r) = r.split_at(n);
    let r = &r[skip(r, b":. ")..];
    let digits = r.iter().take(5).take_while(|c| c.is_ascii_digit()).count();
    is_among(word, CARD_AFTER)
        && if word[0].eq_ignore_ascii_case(&b'e') {
            (1..=2).contains(&digits) && r.get(digits) == Some(&b'/')
        } else {
            (3..=4).contains(&digits) && !r.get(digits).is_some_and(u8::is_ascii_alphanumeric)
        }
}

/// The word before `word` (a slice of `b`, as [`word_before`] returns it):
/// the label's first word in `card number`, `phone number`; empty when
/// `word` is no slice of `b`.
fn word_back<'a>(b: &'a [u8], word: &[u8]) -> &'a [u8] {
    let start = (word.as_ptr() as usize)
        .checked_sub(b.as_ptr() as usize)
        .filter(|&o| o <= b.len())
        .unwrap_or(0);
    word_before(b, start)
}

const SSN_CUES: &[&str] = &["ssn", "social", "security", "taxpayer", "tin", "itin", "ss"];
const PHONE_CUES: &[&str] = &[
    "phone",
    "tel",
    "telephone",
    "mobile",
    "cell",
    "call",
    "sms",
    "fax",
    "whatsapp",
    "contact",
    "msisdn",
    "text",
    "phones",
    "telephones",
    "mobiles",
];
/// Words after a phone cue that label its number (`phone number`, `mobile
/// no.`): the cue then stands one word further back.
const NUMBER_WORDS: &[&str] = &["number", "no", "nr", "num"];

/// True when `before` (the word before a chain, a slice of `b`) is a phone
/// cue ([`PHONE_CUES`]), or a number's word after one (`phone number`,
/// `mobile no.`).
fn phone_cued(b: &[u8], before: &[u8]) -> bool {
    is_one_of(before, PHONE_CUES)
        || (is_one_of(before, NUMBER_WORDS) && is_one_of(word_back(b, before), PHONE_CUES))
}

/// True when, after a phone cue, the digits `d` in groups `gs` (of text
/// `b`) are a national number written without its country's code, as the
/// numbering plans of most countries write them (libphonenumber's national
/// formats):
/// 7 to 12 digits, in two or more groups of 8 digits at most, or 8 to 12
/// bare; a trunk `0` (`089 5123467`, `(02) 3234 5678`, `07781 123456`)
/// or none (`2234 5678`, `79 12 34 56`, `923 123 456`, `(11) 96123-4567`),
/// where a bracketed group is the first, or the second after a trunk `8`
/// (`8 (912) 345-67-89`). Not a date (`2024-01-15`), a count in
/// thousands (`1 000 000`: a later group `000`) nor NANP's shapes (3-3-4,
/// 1-3-3-4, 10 bare digits), which NANP's rules read (`123-555-2671` is
/// none).
fn national(b: &[u8], d: &[u8], gs: &[Group]) -> bool {
    let ng = gs.len();
    let len = |g: &Group| g.de - g.ds;
    let date = ng == 3
        && len(&gs[0]) == 4
        && len(&gs[1]) == 2
        && len(&gs[2]) == 2
        && matches!(d[..2], [1, 9] | [2, 0]);
    let bracket_ok = gs
        .iter()
        .enumerate()
        .all(|(k, g)| !g.paren || k == 0 || (k == 1 && len(&gs[0]) == 1 && d[0] == 8));
    let trunk = d.first() == Some(&0) && d.get(1).is_some_and(|&x| x != 0);
    let round = gs
        .iter()
        .skip(1)
        .any(|g| b.get(g.ds..g.de) == Some(b"000".as_slice()));
    // NANP's shapes (never after a trunk `0`) are read by its own rules
    // ([`nanp`]) only.
    let lens = gs.iter().map(len);
    let nanp_shaped = d[0] != 0
        && ((ng == 1 && (d.len() == 10 || (d.len() == 11 && d[0] == 1)))
            || lens.clone().eq([3, 3, 4])
            || lens.eq([1, 3, 3, 4]));
    (if ng == 1 { 8..=12 } else { 7..=12 }).contains(&d.len())
        && !nanp_shaped
        && (trunk || d[0] != 0)
        && (ng == 1 || gs.iter().all(|g| len(g) <= 8))
        && bracket_ok
        && !date
        && !round
}

/// Path segments before a bare 9-digit segment that make it an SSN
/// (`/patients/312456789/…`).
const RECORD_CUES: &[&str] = &[
    "records",
    "record",
    "patient",
    "patients",
    "member",
    "members",
    "employee",
    "employees",
    "claimant",
    "claimants",
    "taxpayer",
    "taxpayers",
];
/// Words before a dotted chain that make it a version, never an address.
const VERSION_CUES: &str = "version versions ver v release releases build builds firmware rev \
    sdk lib pkg package plugin app os kernel driver patch semver schema protocol tag spec runtime \
    engine oid revision module";

/// Finds digit-group entities in normalised text.
pub(crate) fn scan(t: &str, ctx: bool, out: &mut Vec<Hit>) {
    let b = t.as_bytes();
    let mut i = 0;
    let mut groups: Vec<Group> = Vec::new();
    while i < b.len() {
        let c = b[i];
        let k = super::hit::CLASS[c as usize];
        if k & (super::hit::DIGIT | super::hit::OPENER) == 0 {
            i += 1;
            continue;
        }
        let starts = k & super::hit::DIGIT != 0 || b.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !starts {
            i += 1;
            continue;
        }
        // Left boundary: not glued to an alphanumeric token. A `/` after a
        // word or a longer number is a path-segment boundary (`/cards/4111…`,
        // `/v2/…`, `/items/1042/…`); after one or two digits it is a date or a
        // fraction (`12/31/2024`, `3/4`).
        // A `(` is never part of a token (`card(4111…)`); a `:` after a
        // label word is a key's end (`card:4111…`, `tel:+1…`).
        let glued = i > 0
            && c != b'('
            && (b[i - 1].is_ascii_alphanumeric()
                || b[i - 1] == b'_'
                || (matches!(b[i - 1], b'-' | b'.' | b':')
                    && i >= 2
                    && b[i - 2].is_ascii_alphanumeric()
                    && !label_colon(b, i - 1))
                || (b[i - 1] == b'/' && number_before(b, i - 1)));
        if glued {
            // Skip the rest of this alphanumeric token.
            i += 1;
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            continue;
        }
        let plus = c == b'+';
        let (end, ok_right) = chain(b, if plus { i + 1 } else { i }, &mut groups);
        if !groups.is_empty() {
            let before = if ctx { word_before(b, i) } else { &[] };
            let seg = ctx && i > 0 && b[i - 1] == b'/' && segment_end(b, end);
            classify_all(b, &groups, plus, i, ok_right, Ctx { before, seg }, out);
        }
        i = end.max(i + 1);
    }
}

/// True when the alphanumeric run ending at `end` (exclusive) is a number of
/// one or two digits: the day or month of a date, or a fraction (`12/31`).
fn number_before(b: &[u8], end: usize) -> bool {
    let mut k = end;
    while k > 0 && b[k - 1].is_ascii_alphanumeric() {
        if !b[k - 1].is_ascii_digit() || end - k >= 2 {
            return false;
        }
        k -= 1;
    }
    k < end
}

/// True when a path segment ends at `e` (`/`, `?`, `#`, `;`, `&`, a space,
/// the text's end, or a file extension: `/cards/4111….json`).
fn segment_end(b: &[u8], e: usize) -> bool {
    matches!(
        b.get(e),
        None | Some(b'/' | b'?' | b'#' | b';' | b'&' | b' ')
    ) || file_ext(b, e)
}

/// What stands before a chain: the word before it and whether the chain is a
/// whole URL path segment (`/records/312456789/history`).
#[derive(Clone, Copy)]
struct Ctx<'a> {
    before: &'a [u8],
    seg: bool,
}

/// Reads the chain starting at `i`; returns (end, right boundary clean).
fn chain(b: &[u8], mut i: usize, groups: &mut Vec<Group>) -> (usize, bool) {
    groups.clear();
    let mut sep = 0u8;
    loop {
        let start = i;
        let paren = b.get(i) == Some(&b'(');
        let ds = if paren { i + 1 } else { i };
        let mut de = ds;
        while de < b.len() && b[de].is_ascii_digit() {
            de += 1;
        }
        if de == ds || de - ds > 24 {
            break;
        }
        let mut end = de;
        if paren {
            if b.get(de) != Some(&b')') {
                break;
            }
            end = de + 1;
        }
        let next_ok = |j: usize| {
            b.get(j).is_some_and(u8::is_ascii_digit)
                || (b.get(j) == Some(&b'(') && b.get(j + 1).is_some_and(u8::is_ascii_digit))
        };
        // A first bracketed group that nothing continues encloses a whole
        // number (`(4111…)`): its brackets are punctuation. Only an area
        // code (`(415) 555-0100`) is a bracketed group of the chain.
        let enclosed = paren
            && groups.is_empty()
            && !next_ok(end)
            && !(matches!(b.get(end), Some(b' ' | b'-' | b'.')) && next_ok(end + 1));
        let (start, end, paren) = if enclosed {
            (ds, de, false)
        } else {
            (start, end, paren)
        };
        groups.push(Group {
            start,
            end,
            ds,
            de,
            paren,
            sep,
        });
        i = end;
        if groups.len() >= MAX_GROUPS {
            break;
        }
        // Separator.
        let s = b.get(i).copied().unwrap_or(0);
        if paren && next_ok(i) && b.get(i) != Some(&b'(') {
            sep = b')';
            continue;
        }
        // A tab reads as a space and an underscore as a dash (TSV columns,
        // `4916_3385_0608_2832`): the rules below know three separators.
        if matches!(s, b' ' | b'-' | b'.' | b'_' | b'\t') && next_ok(i + 1) {
            sep = match s {
                b'\t' => b' ',
                b'_' => b'-',
                s => s,
            };
            i += 1;
            continue;
        }
        break;
    }
    let end = groups.last().map_or(i, |g| g.end);
    let right_ok = match b.get(end) {
        None => true,
        Some(b'.') if file_ext(b, end) => true,
        Some(&c) if c.is_ascii_alphanumeric() || c == b'_' => false,
        Some(&(b'-' | b'.' | b'@')) => !b.get(end + 1).is_some_and(|&d| d.is_ascii_alphanumeric()),
        Some(_) => true,
    };
    (end, right_ok)
}

fn classify_all(
    b: &[u8],
    groups: &[Group],
    plus: bool,
    chain_start: usize,
    right_ok: bool,
    cx: Ctx<'_>,
    out: &mut Vec<Hit>,
) {
    let n = groups.len();
    let mut g0 = 0;
    while g0 < n {
        // A sub-chain may start mid-chain only after a space.
        if g0 > 0 && groups[g0].sep != b' ' {
            g0 += 1;
            continue;
        }
        let mut found = None;
        let hi = n.min(g0 + 8);
        for g1 in (g0 + 1..=hi).rev() {
            let at_end = g1 == n;
            if at_end && !right_ok {
                continue;
            }
            if !at_end && groups[g1].sep != b' ' {
                continue;
            }
            let p = plus && g0 == 0;
            let ctx = if g0 == 0 {
                Ctx {
                    seg: cx.seg && at_end,
                    ..cx
                }
            } else {
                Ctx {
                    before: &[][..],
                    seg: false,
                }
            };
            if let Some((e, score)) = classify(b, &groups[g0..g1], p, ctx) {
                let start = if p { chain_start } else { groups[g0].start };
                found = Some((Hit::new(e, start, groups[g1 - 1].end, score), g1));
                break;
            }
        }
        match found {
            Some((h, g1)) => {
                out.push(h);
                g0 = g1;
            }
            None => g0 += 1,
        }
    }
}

fn digits_of(b: &[u8], gs: &[Group], buf: &mut [u8; 32]) -> usize {
    let mut n = 0;
    for g in gs {
        for &d in &b[g.ds..g.de] {
            if n < buf.len() {
                buf[n] = d - b'0';
            }
            n += 1;
        }
    }
    n
}

fn classify(b: &[u8], gs: &[Group], plus: bool, cx: Ctx<'_>) -> Option<(EntityType, u16)> {
    let before = cx.before;
    let ng = gs.len();
    // Cheap gates first: the digit count and the grouping each rule below
    // needs. Most sub-chains of a long run of short groups end here.
    let total: usize = gs.iter().map(|g| g.de - g.ds).sum();
    if plus && !(7..=15).contains(&total) {
        return None;
    }
    // `00`, then a calling code (never 0), then 8..=15 digits in all.
    let lead00 = (10..=17).contains(&total)
        && gs[0].de - gs[0].ds >= 3
        && b[gs[0].ds..gs[0].ds + 3].starts_with(b"00")
        && b[gs[0].ds + 2] != b'0';
    // The shapes of an SSN, a card, an IPv4 address or a NANP number.
    let shaped = match ng {
        1 | 3 => (9..=19).contains(&total),
        4 => total <= 19,
        _ => (13..=19).contains(&total) && gs[..ng - 1].iter().all(|g| g.de - g.ds == 4),
    };
    let phone_cue = phone_cued(b, before);
    let cued = (7..=15).contains(&total) && phone_cue;
    if !(plus || lead00 || shaped || cued) {
        return None;
    }
    let mut buf = [0u8; 32];
    let nd = digits_of(b, gs, &mut buf);
    let d = &buf[..nd];
    let lens: [usize; 8] = core::array::from_fn(|k| gs.get(k).map_or(0, |g| g.de - g.ds));
    let seps_same = gs
        .iter()
        .skip(1)
        .all(|g| g.sep == gs.get(1).map_or(0, |x| x.sep));
    // Separators from `-`, ` ` and `.`, possibly mixed (`123.45-6789`).
    let seps_any = gs
        .iter()
        .skip(1)
        .all(|g| matches!(g.sep, b'-' | b' ' | b'.'));
    let sep = gs.get(1).map_or(0, |g| g.sep);
    let any_paren = gs.iter().any(|g| g.paren);
    let bare = ng == 1;
    let not_pii_key = is_one_of(before, NOT_PII_KEYS);

    if plus {
        return e164(d, gs).then_some((EntityType::PhoneNumber, 750));
    }
    // International prefix `00` instead of `+`, with separators or a cue.
    if d.len() > 2 && d[..2] == [0, 0] && (ng >= 2 || phone_cue) && e164_trimmed(&d[2..], gs, 2) {
        return Some((EntityType::PhoneNumber, 700));
    }
    // IPv4
    if ng == 4 && !any_paren && gs.iter().skip(1).all(|g| g.sep == b'.') {
        let ok = gs.iter().all(|g| {
            let s = &b[g.ds..g.de];
            s.len() <= 3
                && !(s.len() > 1 && s[0] == b'0')
                && s.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0')) <= 255
        });
        if ok
            && !is_among(before, VERSION_CUES)
            && !url_host(b, gs[0].start)
            && !pinned_version(b, gs[0].start)
        {
            return Some((EntityType::IpAddress, 900));
        }
        // Four short dotted groups are an address or a version, never more;
        // `4111.1111.1111.1111` goes on to the card rule.
        if gs.iter().all(|g| g.de - g.ds <= 3) {
            return None;
        }
    }
    if any_paren {
        if nanp(d, gs) {
            return Some((EntityType::PhoneNumber, 750));
        }
        return (phone_cue && national(b, d, gs)).then_some((EntityType::PhoneNumber, 650));
    }
    // SSN: 3-2-4 with `-`, ` ` or `.` (mixed too), or 9 bare digits after a
    // cue (in a path, a segment naming people's records counts as one).
    let dotted = gs.iter().any(|g| g.sep == b'.');
    if (ng == 3
        && lens[..3] == [3, 2, 4]
        && seps_any
        && !(dotted && is_among(before, VERSION_CUES)))
        || (bare
            && nd == 9
            && (is_one_of(before, SSN_CUES) || (cx.seg && is_one_of(before, RECORD_CUES))))
    {
        if ssn_valid(d) {
            return Some((EntityType::UsSsn, if bare { 700 } else { 850 }));
        }
        return None;
    }
    // Card: 13..=19 digits, bare or in 4s (or Amex/Diners 4-6-5 / 4-6-4,
    // a 13-digit Visa 4-4-5); a 12-digit Maestro in 4-4-4, or bare after a
    // card word.
    let card_seps = (seps_same && matches!(sep, 0 | b' ' | b'-')) || (ng >= 3 && seps_any);
    if (12..=19).contains(&nd) && card_seps {
        // `number`/`no` is a not-PII key unless it names a card (`card
        // number 4111…`, `card_number=…`, `cc no. …`).
        // The card word may stand one word further back (`card ending
        // block 4111…`, `credit card no 4111…`).
        let w1 = word_back(b, before);
        let card_number = not_pii_key
            && (is_one_of(w1, CARD_WORDS)
                || (!w1.is_empty() && is_one_of(word_back(b, w1), CARD_WORDS)));
        let shaped = if nd == 12 {
            maestro(d)
                && ((ng == 3 && lens[..3] == [4, 4, 4])
                    || (bare && (card_number || is_one_of(before, CARD_WORDS))))
        } else {
            bare || (ng >= 3
                && gs[..ng - 1].iter().all(|g| g.de - g.ds == 4)
                && (1..=4).contains(&lens[ng.min(8) - 1]))
                || (ng == 3 && matches!(lens[..3], [4, 6, 5] | [4, 6, 4] | [4, 4, 5]))
        };
        let card_number = card_number || (bare && card_label_after(b, gs[0].end));
        if shaped && card_valid(d) && !(bare && not_pii_key && !card_number) {
            return Some((EntityType::CreditCard, if bare { 900 } else { 1000 }));
        }
    }
    // NANP phone: 3-3-4 (optionally 1-3-3-4) with separators, or 10 bare
    // digits after a phone cue.
    if nanp(d, gs) && (!bare || phone_cue) {
        return Some((EntityType::PhoneNumber, 750));
    }
    // After a phone cue: a national number ([`national`]; `tel: 089
    // 5123467`, `phone: 2234 5678`), or an international one written
    // without `+`.
    if phone_cue
        && (national(b, d, gs) || (nd >= 10 && d.first().is_some_and(|&x| x != 0) && e164(d, gs)))
    {
        return Some((EntityType::PhoneNumber, 650));
    }
    None
}

/// True when the address at `start` is the host of a URL (`http://1.2.3.4/`,
/// `https://user@[2001:db8::1]/`): the server's address, not the payer's
/// personal data. Only user info may stand between `://` and the host.
pub(crate) fn url_host(b: &[u8], start: usize) -> bool {
    let Some(p) = b.get(..start) else {
        return false;
    };
    let p = p.strip_suffix(b"[").unwrap_or(p);
    if p.ends_with(b"://") {
        return true;
    }
    if !p.ends_with(b"@") {
        return false;
    }
    let Some(sep) = p.windows(3).rposition(|w| w == b"://") else {
        return false;
    };
    !p[sep + 3..]
        .iter()
        .any(|c| matches!(c, b'/' | b'?' | b'#' | b' '))
}

/// True when the dotted chain at `start` is a package's or a product's
/// version: a pin (`x402==1.2.3.4`, `>=`, `~=`, `^`, `~`) or a product token
/// outside a URL path, as `User-Agent` writes one (`x402-agent/1.4.2.9`: the
/// name starts a word). `/clients/203.0.113.7`, `ip/203.0.113.7` and
/// `root@203.0.113.7` stay addresses.
fn pinned_version(b: &[u8], start: usize) -> bool {
    let Some(p) = b.get(..start) else {
        return false;
    };
    if [&b"=="[..], b">=", b"<=", b"~=", b"^", b"~"]
        .iter()
        .any(|m| p.ends_with(m))
    {
        return true;
    }
    let Some(q) = p.strip_suffix(b"/") else {
        return false;
    };
    let k = q
        .iter()
        .rposition(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')))
        .map_or(0, |k| k + 1);
    let name = &q[k..];
    name.iter().any(u8::is_ascii_alphabetic)
        && !is_among(name, IP_NAMES)
        && matches!(
            q[..k].last(),
            None | Some(b' ' | b'"' | b'\'' | b'(' | b'=')
        )
}

/// Words that name an address: before `/` they make no product token.
const IP_NAMES: &str = "ip ipv4 addr address host client peer remote";

/// North American number: \[1\] NXX NXX XXXX in groups 3-3-4 / 1-3-3-4, or bare.
fn nanp(d: &[u8], gs: &[Group]) -> bool {
    if gs.len() > 4 {
        return false;
    }
    let mut buf = [0usize; 4];
    for (l, g) in buf.iter_mut().zip(gs) {
        *l = g.de - g.ds;
    }
    let body = match (&buf[..gs.len()], d.len()) {
        ([3, 3, 4], 10) | ([10], 10) => d,
        ([1, 3, 3, 4], 11) | ([11], 11) if d[0] == 1 => &d[1..],
        _ => return false,
    };
    body[0] >= 2 && body[3] >= 2 && !(body[1] == 1 && body[2] == 1)
}

/// E.164 after `+`: 7..=15 digits (`+683 7012`, Niue) that the numbering
/// plan accepts (a known calling code, a national number of an allowed
/// length and first digit, NANP rules for code 1), with the calling code
/// inside the first group.
fn e164(d: &[u8], gs: &[Group]) -> bool {
    e164_trimmed(d, gs, 0)
}

/// [`e164`] over `gs` whose first `k` digits (an international prefix `00`)
/// are not part of `d`.
fn e164_trimmed(d: &[u8], gs: &[Group], k: usize) -> bool {
    if !(7..=15).contains(&d.len()) {
        return false;
    }
    let Some(cc) = super::phone::plan(d) else {
        return false;
    };
    // `+4 989…` splits the calling code: not a way numbers are written.
    gs.first()
        .is_some_and(|g| (g.de - g.ds).saturating_sub(k) >= cc)
        && gs.iter().skip(1).all(|g| g.de - g.ds <= 10)
}

fn ssn_valid(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let (area, group, serial) = (value(&d[..3]), value(&d[3..5]), value(&d[5..]));
    if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
        return false;
    }
    // Famous invalid numbers: the Woolworth wallet card and the 1962 ad.
    let all = value(d);
    if all == 78_051_120 || all == 219_099_999 {
        return false;
    }
    !d.iter().all(|&x| x == d[0])
}

/// The number that the digit values `d` spell (at most nine digits).
fn value(d: &[u8]) -> u32 {
    d.iter().fold(0, |a, &x| a * 10 + u32::from(x))
}

/// True when `d` starts with a Maestro issuer prefix (5018, 5020, 5038,
/// 5893, 6304, 6759, 6761-6763): the only scheme that issues 12-digit cards.
fn maestro(d: &[u8]) -> bool {
    matches!(
        value(&d[..4]),
        5018 | 5020 | 5038 | 5893 | 6304 | 6759 | 6761 | 6762 | 6763
    )
}

fn card_valid(d: &[u8]) -> bool {
    // Issuer prefixes: Visa 4, Mastercard 51-55/2221-2720, Amex 34/37,
    // Discover 6011/644-649/65, Diners 30/36/38/39, JCB 35 (and 1800/2131
    // at 15 digits), UnionPay 62, Maestro 50/56-69, Mir 2200-2204, RuPay
    // 81/82, Troy 9792.
    let p2 = d[0] * 10 + d[1];
    let p4 = value(&d[..4]);
    let issuer = d[0] == 4
        || (51..=55).contains(&p2)
        || (2200..=2204).contains(&p4)
        || (2221..=2720).contains(&p4)
        || matches!(p2, 30 | 34..=39 | 50 | 56..=69 | 81 | 82)
        || p4 == 9792
        || (d.len() == 15 && matches!(p4, 1800 | 2131));
    if !issuer {
        return false;
    }
    // Round amounts are not cards: many trailing zeros.
    let zeros = d.iter().rev().take_while(|&&x| x == 0).count();
    if zeros >= 7 {
        return false;
    }
    luhn(d)
}

/// The Luhn checksum.
pub(crate) fn luhn(d: &[u8]) -> bool {
    let mut sum = 0u32;
    for (k, &x) in d.iter().rev().enumerate() {
        let mut v = u32::from(x);
        if k % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum % 10 == 0
}

#[cfg(test)]
mod tests {

    #[test]
    fn url_host_positions() {
        let host = |t: &str, ip: &str| super::url_host(t.as_bytes(), t.find(ip).unwrap());
        assert!(host("http://127.0.0.1:4021/weather", "127.0.0.1"));
        assert!(host("https://203.0.113.7/report", "203.0.113.7"));
        assert!(host("https://user@203.0.113.7/report", "203.0.113.7"));
        assert!(host("http://[2001:db8::1]:8080/x", "2001:db8::1"));
        assert!(host("https://u@[2001:db8::1]/x", "2001:db8::1"));
        assert!(!host(
            "https://api.example.com/geo?client_ip=203.0.113.7",
            "203.0.113.7"
        ));
        assert!(!host("https://a.example/x/u@203.0.113.7", "203.0.113.7"));
        assert!(!host("visitor 203.0.113.7 paid", "203.0.113.7"));
    }
    use super::*;

    fn found(t: &str) -> Vec<(EntityType, &str)> {
        let mut v = Vec::new();
        scan(t, true, &mut v);
        v.iter().map(|h| (h.entity, &t[h.start..h.end])).collect()
    }

    #[test]
    fn positives() {
        use EntityType::*;
        assert_eq!(found("ssn 123-45-6789."), [(UsSsn, "123-45-6789")]);
        assert_eq!(found("ssn: 123456789"), [(UsSsn, "123456789")]);
        assert_eq!(
            found("card 4111 1111 1111 1111 ok"),
            [(CreditCard, "4111 1111 1111 1111")]
        );
        assert_eq!(
            found("4111-1111-1111-1111"),
            [(CreditCard, "4111-1111-1111-1111")]
        );
        assert_eq!(
            found("amex 3782 822463 10005"),
            [(CreditCard, "3782 822463 10005")]
        );
        assert_eq!(
            found("call (415) 555-2671"),
            [(PhoneNumber, "(415) 555-2671")]
        );
        assert_eq!(found("415.555.2671"), [(PhoneNumber, "415.555.2671")]);
        assert_eq!(found("+1 415 555 2671"), [(PhoneNumber, "+1 415 555 2671")]);
        assert_eq!(
            found("+44 20 7946 0958"),
            [(PhoneNumber, "+44 20 7946 0958")]
        );
        assert_eq!(
            found("/members/401-62-7719/claims"),
            [(UsSsn, "401-62-7719")]
        );
        assert_eq!(found("/records/312456789/history"), [(UsSsn, "312456789")]);
        assert_eq!(found("ssn 401.62.7719"), [(UsSsn, "401.62.7719")]);
        assert_eq!(found("ssn 401-62.7719"), [(UsSsn, "401-62.7719")]);
        assert_eq!(
            found("card number 4111111111111111"),
            [(CreditCard, "4111111111111111")]
        );
        assert_eq!(
            found("?card_number=4111111111111111"),
            [(CreditCard, "4111111111111111")]
        );
        assert_eq!(found("order number 4111111111111111"), []);
        // Context rules off: a bare 9 digits after `ssn` is no SSN.
        let mut v = Vec::new();
        scan("ssn: 123456789", false, &mut v);
        assert!(v.is_empty());
        assert_eq!(
            found("/wallets/4916338506082832/limits"),
            [(CreditCard, "4916338506082832")]
        );
        assert_eq!(
            found("card 4111.1111.1111.1111"),
            [(CreditCard, "4111.1111.1111.1111")]
        );
        assert_eq!(
            found("card 4111-1111 1111.1111"),
            [(CreditCard, "4111-1111 1111.1111")]
        );
        assert_eq!(
            found("Munich +49 89 5123467"),
            [(PhoneNumber, "+49 89 5123467")]
        );
        assert_eq!(
            found("Paris +33 1 42 68 53 00 ok"),
            [(PhoneNumber, "+33 1 42 68 53 00")]
        );
        assert_eq!(
            found("Mumbai +91 98765 43210"),
            [(PhoneNumber, "+91 98765 43210")]
        );
        assert_eq!(
            found("office 0049 89 5123467"),
            [(PhoneNumber, "0049 89 5123467")]
        );
        assert_eq!(found("tel: 089 5123467"), [(PhoneNumber, "089 5123467")]);
        assert_eq!(found("phone=0142685300"), [(PhoneNumber, "0142685300")]);
        assert_eq!(
            found("/phones/4155552671/verify"),
            [(PhoneNumber, "4155552671")]
        );
        assert_eq!(
            found("/lines/+33142685300/porting"),
            [(PhoneNumber, "+33142685300")]
        );
        assert_eq!(
            found("host 192.168.1.20:8080"),
            [(IpAddress, "192.168.1.20")]
        );
        assert_eq!(
            found("card ending block 4111111111111111"),
            [(CreditCard, "4111111111111111")]
        );
        // A scheme's name labels a number as a card's, and so does an
        // expiry or a security code after it.
        for t in [
            "visa no. 4111111111111111",
            "amex number 378282246310005",
            "Mastercard no 5555555555554444",
            "number 4111111111111111, exp 12/29",
            "number 4111111111111111 expiry 12/2029",
            "ref 4111111111111111; CVV 123",
        ] {
            assert_eq!(found(t).len(), 1, "{t}: {:?}", found(t));
            assert_eq!(found(t)[0].0, CreditCard, "{t}");
        }
        // Not without them: an id's key, or words after it that are no
        // card's, or an expiry's word with no date after it.
        for t in [
            "order number 4111111111111111",
            "number 4111111111111111, expected soon",
            "ref 4111111111111111 expired",
            "nonce 4111111111111111 exp 1700003600",
            "id 4111111111111111 cvv 12345",
        ] {
            assert!(found(t).is_empty(), "{t}: {:?}", found(t));
        }
    }

    #[test]
    fn national_numbers_after_a_phone_cue() {
        use EntityType::PhoneNumber;
        // National formats of libphonenumber's example numbers: a trunk `0`
        // or none, brackets, 7 to 12 digits; and a number's word after the
        // cue (`phone number`, `mobile no.`).
        for (t, n) in [
            ("phone: 2234 5678", "2234 5678"),
            ("tel 79 12 34 56", "79 12 34 56"),
            ("call 923 123 456 after 6", "923 123 456"),
            ("phone: 560 1234", "560 1234"),
            ("phone: 02 123 456", "02 123 456"),
            ("phone: (02) 3234 5678", "(02) 3234 5678"),
            ("phone: (11) 96123-4567", "(11) 96123-4567"),
            ("phone: 8 (912) 345-67-89", "8 (912) 345-67-89"),
            ("{\"mobile\":\"22345678\"}", "22345678"),
            ("phone number 07781 123456", "07781 123456"),
            ("mobile no. 07781 123456", "07781 123456"),
            ("cell number 4155550100", "4155550100"),
            ("+683 7012", "+683 7012"),
        ] {
            assert_eq!(found(t), [(PhoneNumber, n)], "{t}");
        }
        // Not without a cue, nor a date, round counts, a short number or
        // one in no country's length.
        for t in [
            "reach me at 2234 5678",
            "call 2024-01-15",
            "contact 1 000 000",
            "call 12 345",
            "phone: 01 23",
            "phone: 0123 456789012",
            "order number 2234 5678",
            "+1 234 5678",
            "call 123-555-2671",
            "phone: (123) 555-2671",
            "tel 1235552671",
        ] {
            assert!(found(t).is_empty(), "{t}: {:?}", found(t));
        }
    }

    #[test]
    fn every_scheme_and_grouping() {
        use EntityType::CreditCard;
        for t in [
            "4518 1909 37869",     // Visa, 13 digits in 4-4-5
            "4518.1909.37869",     // the same, dotted
            "2131 882001 82638",   // JCB, 15 digits from 2131
            "180020579868282",     // JCB, 15 digits from 1800
            "6761 7838 4837",      // Maestro, 12 digits in 4-4-4
            "6759-2616-7510",      // the same with dashes
            "2200 1022 4807 8782", // Mir
            "8137 7169 7481 3370", // RuPay
            "9792 4372 8754 4966", // Troy
        ] {
            assert_eq!(found(t), [(CreditCard, t)], "{t}");
        }
        // A tab reads as a space and an underscore as a dash.
        for t in ["4916_3385_0608_2832", "4916\t3385\t0608\t2832"] {
            assert_eq!(found(t), [(CreditCard, t)], "{t}");
        }
        assert_eq!(found("401_62_7719"), [(EntityType::UsSsn, "401_62_7719")]);
        // A bare 12-digit Maestro number needs a card word before it.
        assert_eq!(found("card 676178384837"), [(CreditCard, "676178384837")]);
        assert_eq!(
            found("maestro: 676178384837"),
            [(CreditCard, "676178384837")]
        );
        for t in [
            "order 676178384837 shipped",
            "2131882001826380",    // 2131 issues 15 digits only
            "2205 1540 9494 1006", // after Mir's range
            "4111 1111 1111",      // 12 digits, not Maestro
            "676 1783 84837",      // 12 digits in no card's grouping
        ] {
            assert!(found(t).is_empty(), "{t}: {:?}", found(t));
        }
    }

    #[test]
    fn negatives() {
        for t in [
            "amount=1000000",
            "ts 1700000000",
            "1700000000123",
            "v1.2.3.4",
            "version 1.2.3.4",
            "sdk 10.4.0.1",
            "550e8400-e29b-41d4-a716-446655440000",
            "ORD-2024-000123",
            "2024-01-15",
            "0x1234567890123456789012345678901234567890",
            "amount=4111111111111111",
            "123-45-678",
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "1.2.3.256",
            "id 4000000000000000",
            "12:30:45",
            "3.14159",
            "12/31/2024",
            "https://x.io/v2/items/42/1700000000123",
            "/orders/550e8400-e29b-41d4-a716-446655440000/items",
            "/builds/1.2.3.4/notes",
            "/blocks/123456789/tx",
            "/tx/4111111111111111/",
            "delta +2500000000",
            "+1 155 555 2671",
            "+33 0142685300",
            "id 0142685300",
            "+100.00",
            "version 123.45.6789",
            // Glued to an identifier: a key with digits, one letter, `_`, `-`.
            "eip155:4111111111111111",
            "x402:4111111111111111",
            "t:4111111111111111",
            "card_4111111111111111",
            "card-4111111111111111",
            "nonce:4111111111111111",
            "qty:(12)",
            "total (4000000000000000)",
            "time:12:30:45",
        ] {
            assert!(found(t).is_empty(), "{t}: {:?}", found(t));
        }
    }

    #[test]
    fn package_and_product_versions_are_no_addresses() {
        for t in [
            "pkg x402==1.2.3.4",
            "requires httpx>=2.0.1.3",
            "dep ~=1.4.0.2",
            "user-agent: x402-agent/1.4.2.9",
            "User-Agent x402-python/2.0.1.3 (linux)",
            "{\"ua\":\"agent/10.4.0.1\"}",
            "schema 1.0.0.0",
            "semver 10.4.0.1",
            "OID 1.3.6.1",
        ] {
            assert!(found(t).is_empty(), "{t}: {:?}", found(t));
        }
        for t in [
            "visitor ip/203.0.113.7 paid",
            "https://api.x.io/clients/203.0.113.7/usage",
            "https://api.x.io/agent/203.0.113.7",
            "ssh root@203.0.113.7",
            "client 203.0.113.7 connected",
            "from 203.0.113.7/24",
        ] {
            assert_eq!(found(t), [(EntityType::IpAddress, "203.0.113.7")], "{t}");
        }
    }
}
