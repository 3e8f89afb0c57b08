//! PII detection and redaction for payment metadata.
//!
//! [`scan`] finds personal data in one metadata string and [`redact`]
//! replaces it with the template (idempotently); [`redact_json`] and
//! [`redact_json_paths`] do the same for every string and every object key
//! inside a JSON value (such as `extra` or the v2 `resource` echo). [`apply`] and [`apply_json`]
//! carry out the configured [`PiiAction`] (redact, warn, or block with
//! [`Code::PiiBlocked`]). [`config_from_json`] reads PII settings from JSON
//! (the `pii.*` operations of the JSON façade take them) and
//! [`hints_from_json`] a host detector's hints.
//!
//! How a string is scanned:
//! 1. It is normalised for matching only (`norm`): Cf characters dropped,
//!    NFKC-style compatibility folding, Cyrillic/Greek look-alikes and
//!    non-ASCII hyphens folded, percent-decoding (two rounds at most) and HTML
//!    character references decoded. Each normalised byte remembers the span of
//!    original bytes it came from.
//! 2. A cheap prefilter (`@`, digits, `:`, letters) picks the recognizers to
//!    run: hand-written scanners with validators (Luhn, mod-97, SSN rules,
//!    NANP/E.164, IPv4/IPv6) and the gazetteer rules for PERSON and LOCATION.
//! 3. Base64/base64url query values, query keys, path segments and fragments
//!    that decode to text are scanned as well; a finding there covers the
//!    whole encoded value.
//! 4. Matches map back to the caller's original text (on char boundaries,
//!    covering any escape they were decoded from), scores below `min_score`
//!    and entity types not asked for are dropped, and overlaps are resolved
//!    (higher score, then longer span, wins).
//!
//! Redaction replaces exactly the original spans: every other byte, benign
//! escapes included, is unchanged.

use crate::error::Code;

mod b64;
mod cues;
mod email;
mod from_json;
mod gazetteer;
mod glued;
mod hit;
mod iban;
mod ipv6;
mod json;
// Its encoder runs in `core/build.rs` only (which includes the file too).
#[allow(dead_code)]
mod lexicon_code;
mod mailbox;
mod namelike;
mod names;
mod norm;
mod numeric;
mod phone;
mod places;
mod server_ip;
mod translit;
mod unicode;
mod words;

pub use from_json::{config_from_json, hints_from_json};
use hit::Hit;
pub use json::{apply_json, redact_json, redact_json_paths, JsonFinding, MAX_JSON_PATH_BYTES};

/// Largest metadata string the scanner accepts, in bytes. Larger values fail
/// closed with [`Code::PiiInputTooLarge`].
pub const MAX_TEXT_BYTES: usize = 16 * 1024;
/// Deepest JSON nesting scanned inside `extra`.
pub const MAX_JSON_DEPTH: usize = 16;
/// Most JSON nodes scanned inside one value.
pub const MAX_JSON_NODES: usize = 1024;

/// A kind of personal data, named as in Presidio.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityType {
    /// An e-mail address.
    EmailAddress,
    /// A US social security number.
    UsSsn,
    /// A payment card number (Luhn-valid).
    CreditCard,
    /// A phone number.
    PhoneNumber,
    /// An IBAN (mod-97-valid).
    IbanCode,
    /// An IPv4 or IPv6 address.
    IpAddress,
    /// A person's name.
    Person,
    /// A place: country, state or city.
    Location,
    /// An organisation. The core has no recognizer of its own for it: it is
    /// found only through host hints ([`PiiHint`], e.g. an NER model).
    Organization,
}

impl EntityType {
    /// Every entity type.
    pub const ALL: [EntityType; 9] = [
        EntityType::EmailAddress,
        EntityType::UsSsn,
        EntityType::CreditCard,
        EntityType::PhoneNumber,
        EntityType::IbanCode,
        EntityType::IpAddress,
        EntityType::Person,
        EntityType::Location,
        EntityType::Organization,
    ];

    /// The Presidio name, e.g. `EMAIL_ADDRESS`.
    pub const fn as_str(self) -> &'static str {
        match self {
            EntityType::EmailAddress => "EMAIL_ADDRESS",
            EntityType::UsSsn => "US_SSN",
            EntityType::CreditCard => "CREDIT_CARD",
            EntityType::PhoneNumber => "PHONE_NUMBER",
            EntityType::IbanCode => "IBAN_CODE",
            EntityType::IpAddress => "IP_ADDRESS",
            EntityType::Person => "PERSON",
            EntityType::Location => "LOCATION",
            EntityType::Organization => "ORGANIZATION",
        }
    }

    /// Parses a Presidio entity name.
    pub fn parse(s: &str) -> Option<EntityType> {
        EntityType::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// What the pipeline does when PII is found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PiiAction {
    /// Replace each finding with the template (the default).
    #[default]
    Redact,
    /// Refuse the payment with [`Code::PiiBlocked`].
    Block,
    /// Send the metadata unchanged but report the findings.
    Warn,
}

impl PiiAction {
    /// The configuration string: `redact`, `block` or `warn`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PiiAction::Redact => "redact",
            PiiAction::Block => "block",
            PiiAction::Warn => "warn",
        }
    }
    /// Parses a configuration string.
    pub fn parse(s: &str) -> Option<PiiAction> {
        match s {
            "redact" => Some(PiiAction::Redact),
            "block" => Some(PiiAction::Block),
            "warn" => Some(PiiAction::Warn),
            _ => None,
        }
    }
}

/// PII settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PiiConfig {
    /// Entity types to look for. An empty list finds nothing.
    pub entities: Vec<EntityType>,
    /// What to do with findings.
    pub action: PiiAction,
    /// Replacement text; `{entity_type}` is replaced by the entity name.
    pub template: String,
    /// Findings scoring below this (per mille, 0..=1000) are ignored.
    pub min_score: u16,
    /// Spans a host's own detector found (never part of the configuration
    /// file; the pipeline sets them per assessment from the host's hints).
    pub hints: Vec<PiiHint>,
    /// Evaluation switch (not a configuration key; `true` by default): `false`
    /// turns every context rule off (cue words before a value or a name,
    /// record path segments, version and not-PII keys, organisation and
    /// owned-pair words), leaving patterns, gazetteers and validators, so
    /// `make pii-eval` can measure what the context rules add.
    pub context: bool,
}

/// Most hints one assessment accepts.
pub const MAX_HINTS: usize = 64;
/// Longest hint text, in bytes.
pub const MAX_HINT_BYTES: usize = 256;

/// A surface string that a host-side detector (presidio-analyzer with a
/// spaCy model, say) classified as personal data. Every occurrence of `text`
/// in a scanned value becomes a finding of `entity` with `score`; the core
/// still applies the configured entities, `min_score`, overlap resolution and
/// action, so a hint can add findings but never remove the core's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PiiHint {
    /// The entity type the detector assigned.
    pub entity: EntityType,
    /// The exact text found (2..=256 bytes).
    pub text: String,
    /// The detector's confidence, per mille.
    pub score: u16,
}

impl PiiHint {
    /// Checks a host's hints: at most [`MAX_HINTS`], each text 2..=256 bytes
    /// and score ≤ 1000; otherwise [`Code::InvalidInput`].
    pub fn validate(hints: &[PiiHint]) -> Result<(), Code> {
        let ok = hints.len() <= MAX_HINTS
            && hints
                .iter()
                .all(|h| h.text.len() >= 2 && h.text.len() <= MAX_HINT_BYTES && h.score <= 1000);
        if ok {
            Ok(())
        } else {
            Err(Code::InvalidInput)
        }
    }
}

impl Default for PiiConfig {
    fn default() -> Self {
        PiiConfig {
            entities: EntityType::ALL.to_vec(),
            action: PiiAction::Redact,
            template: "<REDACTED>".to_string(),
            min_score: 0,
            hints: Vec::new(),
            context: true,
        }
    }
}

/// One piece of personal data found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What was found.
    pub entity: EntityType,
    /// Start byte offset in the caller's original text (a char boundary).
    pub start: usize,
    /// End byte offset (exclusive) in the caller's original text.
    pub end: usize,
    /// Confidence, per mille.
    pub score: u16,
}

/// A redacted text and what was replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redaction {
    /// The text with every finding replaced by the template.
    pub text: String,
    /// The findings, in order, with spans into the original text.
    pub findings: Vec<Finding>,
}

/// Longest replacement template accepted, in bytes, by the `pii.*`
/// operations and the guard's `pii.template` alike. Every finding may become
/// one template, so this bounds the answer: a 16 KiB text with a finding every
/// 8 bytes redacts to at most about 130 KiB.
pub const MAX_TEMPLATE_BYTES: usize = 64;

/// Finds personal data in `text`. Spans refer to the original text, are on
/// char boundaries, sorted and non-overlapping.
pub fn scan(text: &str, cfg: &PiiConfig) -> Result<Vec<Finding>, Code> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(Code::PiiInputTooLarge);
    }
    let want = Want::of(&cfg.entities);
    if want.none() || text.is_empty() {
        return Ok(Vec::new());
    }
    let n = norm::normalize(text);
    let mut hits = Vec::new();
    detect(&n.text, n.marks(text), want, cfg.context, &mut hits);
    let mut cands: Vec<Finding> = Vec::with_capacity(hits.len());
    for h in &hits {
        if let Some((s, e)) = n.original(h.start, h.end) {
            cands.push(Finding {
                entity: h.entity,
                start: s,
                end: e,
                score: h.score,
            });
        }
    }
    if n.text
        .bytes()
        .any(|c| matches!(c, b'=' | b'/' | b'#' | b'?' | b'&'))
    {
        // A form-encoded `+` read as a space would break a standard-base64
        // value, so when the text holds one its own bytes are decoded too.
        let raw = if n.text.as_ref() != text && text.contains('+') {
            b64::segments(text)
        } else {
            Vec::new()
        };
        let normed = b64::segments(&n.text)
            .into_iter()
            .map(|(s, e, d)| (n.original(s, e), d));
        let raw = raw.into_iter().map(|(s, e, d)| (Some((s, e)), d));
        // Two scans, so each joined text is no longer than the text its
        // segments came from.
        decoded_findings(normed, want, cfg.context, &mut cands);
        decoded_findings(raw, want, cfg.context, &mut cands);
    }
    for h in &cfg.hints {
        if want.has(h.entity) {
            cands.extend(text.match_indices(h.text.as_str()).map(|(s, m)| Finding {
                entity: h.entity,
                start: s,
                end: s + m.len(),
                score: h.score,
            }));
        }
    }
    cands.retain(|f| f.score >= cfg.min_score && want.has(f.entity) && f.start < f.end);
    cands.retain(|f| {
        f.entity != EntityType::IpAddress || !server_ip::is_local_address(text, f.start, f.end)
    });
    Ok(resolve(text, cands))
}

/// Scans every decoded base64 segment in one pass and adds, per segment, a
/// finding over its whole encoded span for the best hit that overlaps it.
///
/// The decoded texts are joined with a blank line between them: a segment of
/// `n >= 8` characters decodes to at most `3n/4` bytes, so with its separator
/// it takes no more room than it had, and the work is one scan no longer than
/// the text the segments came from, however many segments it holds
/// (no segment is skipped: a cap would let the segments past it through
/// unredacted). A hit that crosses a separator covers every segment it
/// touches.
fn decoded_findings(
    segments: impl Iterator<Item = (Option<(usize, usize)>, String)>,
    want: Want,
    ctx: bool,
    out: &mut Vec<Finding>,
) {
    const SEP: &str = "\n\n";
    let mut joined = String::new();
    // Per segment: its start and end in `joined` and its original span.
    let mut parts: Vec<(usize, usize, (usize, usize))> = Vec::new();
    for (span, decoded) in segments {
        let Some(span) = span else { continue };
        if !joined.is_empty() {
            joined.push_str(SEP);
        }
        parts.push((joined.len(), joined.len() + decoded.len(), span));
        joined.push_str(&decoded);
    }
    if parts.is_empty() {
        return;
    }
    let inner = norm::normalize(&joined);
    let mut sub = Vec::new();
    detect(&inner.text, inner.marks(&joined), want, ctx, &mut sub);
    // Per segment: the best hit so far (the last of equal scores).
    let mut best: Vec<Option<(EntityType, u16)>> = vec![None; parts.len()];
    for h in &sub {
        let Some((js, je)) = inner.original(h.start, h.end) else {
            continue;
        };
        let first = parts.partition_point(|p| p.1 <= js);
        for (k, p) in parts.iter().enumerate().skip(first) {
            if p.0 >= je {
                break;
            }
            if best[k].is_none_or(|(_, s)| h.score >= s) {
                best[k] = Some((h.entity, h.score));
            }
        }
    }
    for (p, b) in parts.iter().zip(best) {
        if let Some((entity, score)) = b {
            out.push(Finding {
                entity,
                start: p.2 .0,
                end: p.2 .1,
                score,
            });
        }
    }
}

/// Which entity types to look for, as a bit set.
#[derive(Clone, Copy)]
struct Want(u16);

impl Want {
    fn of(list: &[EntityType]) -> Want {
        Want(list.iter().fold(0, |a, e| a | (1 << *e as u16)))
    }
    fn has(self, e: EntityType) -> bool {
        self.0 & (1 << e as u16) != 0
    }
    fn none(self) -> bool {
        self.0 == 0
    }
}

/// Runs the recognizers the prefilter allows over normalised text (with the
/// context rules when `ctx`; `marks` tells its letters written outside
/// ASCII).
fn detect(t: &str, marks: norm::Marks<'_>, want: Want, ctx: bool, out: &mut Vec<Hit>) {
    let mut classes = 0u8;
    for &c in t.as_bytes() {
        classes |= hit::CLASS[c as usize];
    }
    let at = classes & hit::AT != 0;
    let digit = classes & hit::DIGIT != 0;
    let colon = classes & hit::COLON != 0;
    let alpha = classes & (hit::UPPER | hit::LOWER) != 0;
    use EntityType::*;
    if at && want.has(EmailAddress) {
        email::scan(t, out);
    }
    if digit
        && (want.has(UsSsn) || want.has(CreditCard) || want.has(PhoneNumber) || want.has(IpAddress))
    {
        numeric::scan(t, ctx, out);
    }
    if digit && alpha && want.has(IbanCode) {
        iban::scan(t, out);
    }
    if colon && want.has(IpAddress) {
        ipv6::scan(t, out);
    }
    if alpha && (want.has(Person) || want.has(Location)) {
        names::scan(t, marks, want.has(Person), want.has(Location), ctx, out);
    }
    out.retain(|h| want.has(h.entity));
}

/// Keeps the best non-overlapping findings, in text order, with spans widened
/// to char boundaries (they already are; this is a guard).
fn resolve(text: &str, mut c: Vec<Finding>) -> Vec<Finding> {
    // Usually no two candidates overlap; then the greedy choice below keeps
    // every one on char boundaries, so sorting by start gives the same list
    // (without its ordered-map queries).
    by_start(&mut c);
    if c.windows(2).all(|p| p[0].end <= p[1].start) {
        c.retain(|f| {
            text.is_char_boundary(f.start) && text.is_char_boundary(f.end) && f.end <= text.len()
        });
        return c;
    }
    sort_findings(&mut c, |a, b| {
        b.score
            .cmp(&a.score)
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
            .then(a.entity.cmp(&b.entity))
    });
    // The kept findings are disjoint, keyed by start: a candidate overlaps
    // one of them exactly when it overlaps the last one starting before its
    // end (linearithmic; a scan of every kept finding was quadratic).
    let mut kept: std::collections::BTreeMap<usize, Finding> = std::collections::BTreeMap::new();
    for f in c {
        if !text.is_char_boundary(f.start) || !text.is_char_boundary(f.end) || f.end > text.len() {
            continue;
        }
        let free = kept
            .range(..f.end)
            .next_back()
            .is_none_or(|(_, k)| k.end <= f.start);
        if free {
            kept.insert(f.start, f);
        }
    }
    kept.into_values().collect()
}

/// The replacement text for one finding.
pub fn replacement(template: &str, entity: EntityType) -> String {
    template.replace("{entity_type}", entity.as_str())
}

/// Whether `template` reads as personal data in any of its renderings (one
/// per entity type when it holds `{entity_type}`), to the default scanner.
/// Such a template is refused where it is configured (`config-bad-pii`): it
/// would put PII-looking text into every answer, and [`redact`]'s rescan
/// would find it again in every round.
pub fn template_reads_as_pii(template: &str) -> bool {
    if template == PiiConfig::default().template {
        return false;
    }
    let cfg = PiiConfig::default();
    let reads = |t: &str| scan(t, &cfg).map_or(true, |f| !f.is_empty());
    if template.contains("{entity_type}") {
        EntityType::ALL
            .iter()
            .any(|e| reads(&replacement(template, *e)))
    } else {
        reads(template)
    }
}

/// Carries out `cfg.action` on one string: `redact` replaces findings,
/// `warn` keeps the text and reports them, `block` fails with
/// [`Code::PiiBlocked`] when anything is found.
pub fn apply(text: &str, cfg: &PiiConfig) -> Result<Redaction, Code> {
    match cfg.action {
        PiiAction::Redact => redact(text, cfg),
        PiiAction::Warn => Ok(Redaction {
            text: text.to_string(),
            findings: scan(text, cfg)?,
        }),
        PiiAction::Block => {
            let findings = scan(text, cfg)?;
            if findings.is_empty() {
                Ok(Redaction {
                    text: text.to_string(),
                    findings,
                })
            } else {
                Err(Code::PiiBlocked)
            }
        }
    }
}

/// Most rescans [`redact`] does to reach a fixpoint.
const MAX_REDACT_ROUNDS: usize = 4;

/// Scans `text` and replaces every finding with the template.
///
/// Redaction is idempotent: after replacing, the result is scanned again, and
/// anything that only became recognisable once its neighbour was replaced
/// (a match glued to another one) is merged into the findings, whose spans
/// may therefore be wider than [`scan`]'s.
pub fn redact(text: &str, cfg: &PiiConfig) -> Result<Redaction, Code> {
    let mut findings = scan(text, cfg)?;
    if findings.is_empty() {
        return Ok(Redaction {
            text: text.to_string(),
            findings,
        });
    }
    for _ in 0..MAX_REDACT_ROUNDS {
        let (out, map) = build(text, &findings, &cfg.template, true);
        // The output may exceed the size cap when the template is long; then
        // there is nothing more to check.
        let again = match scan(&out, cfg) {
            Ok(a) => a,
            Err(_) => break,
        };
        if again.is_empty() {
            return Ok(Redaction {
                text: out,
                findings,
            });
        }
        let before = findings.clone();
        for g in again {
            if let (Some(a), Some(b)) = (map.get(g.start), map.get(g.end.saturating_sub(1))) {
                findings.push(Finding {
                    entity: g.entity,
                    start: a.0 as usize,
                    end: b.1 as usize,
                    score: g.score,
                });
            }
        }
        findings = merge(findings);
        if findings == before {
            // A fixpoint: what the rescan found lies inside the replacements
            // (a template that itself reads as personal data), so every
            // further round would build and scan this same output again.
            return Ok(Redaction {
                text: out,
                findings,
            });
        }
    }
    let (out, _) = build(text, &findings, &cfg.template, false);
    Ok(Redaction {
        text: out,
        findings,
    })
}

/// Replaces `findings` (sorted, disjoint) in `text`; with `track`, also maps
/// each output byte to its original span (a template maps to its finding).
fn build(
    text: &str,
    findings: &[Finding],
    template: &str,
    track: bool,
) -> (String, Vec<(u32, u32)>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::new();
    let mut at = 0;
    // Each entity type's replacement, rendered once.
    let mut reps: Vec<(EntityType, String)> = Vec::new();
    for f in findings {
        let keep = text.get(at..f.start).unwrap_or("");
        out.push_str(keep);
        let i = match reps.iter().position(|(e, _)| *e == f.entity) {
            Some(i) => i,
            None => {
                reps.push((f.entity, replacement(template, f.entity)));
                reps.len() - 1
            }
        };
        let rep = reps.get(i).map_or("", |(_, r)| r.as_str());
        out.push_str(rep);
        if track {
            map.extend((at..at + keep.len()).map(|i| (i as u32, i as u32 + 1)));
            map.extend(core::iter::repeat_n(
                (f.start as u32, f.end as u32),
                rep.len(),
            ));
        }
        at = f.end;
    }
    let rest = text.get(at..).unwrap_or("");
    out.push_str(rest);
    if track {
        map.extend((at..at + rest.len()).map(|i| (i as u32, i as u32 + 1)));
    }
    (out, map)
}

/// Sorts findings by start, the longest first.
fn by_start(f: &mut [Finding]) {
    sort_findings(f, |a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
}

/// A stable sort of findings by `order`, a function pointer: one sort
/// instance serves every order (each instance costs the component about
/// 4 KB; a closure's own type would make one per call site).
fn sort_findings(f: &mut [Finding], order: fn(&Finding, &Finding) -> core::cmp::Ordering) {
    f.sort_by(order);
}

/// Sorts findings and unions overlapping ones (the higher score names it).
fn merge(mut f: Vec<Finding>) -> Vec<Finding> {
    by_start(&mut f);
    let mut out: Vec<Finding> = Vec::with_capacity(f.len());
    for x in f {
        match out.last_mut() {
            Some(l) if x.start < l.end => {
                if x.score > l.score {
                    l.entity = x.entity;
                    l.score = x.score;
                }
                l.end = l.end.max(x.end);
            }
            _ => out.push(x),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::EntityType;

    /// `EntityType::ALL` lists the types in their `Ord` order, once each:
    /// the pipeline reads the entities a scan found in that order instead of
    /// sorting them.
    #[test]
    fn all_is_in_ord_order() {
        assert!(EntityType::ALL.windows(2).all(|p| p[0] < p[1]));
    }

    /// A town no list knows whose letters read no more as a name's than an
    /// English word's is still told by a letter written outside ASCII
    /// (`places::town_letters`): `Galkynyş` (10 folded) after `issued in`,
    /// `Ýpsonas` (3) as an exam centre's, `Pérgamos` (2) after `our team
    /// in`. Written in ASCII, the same letters score under the least a town
    /// needs there (15), and stay unread.
    #[test]
    fn towns_written_with_marks() {
        use EntityType::Location as L;
        let found = |t: &'static str| -> Vec<(EntityType, &'static str)> {
            super::scan(t, &super::PiiConfig::default())
                .expect("scans")
                .iter()
                .map(|f| (f.entity, &t[f.start..f.end]))
                .collect()
        };
        assert_eq!(found("receipt issued in Galkynyş"), [(L, "Galkynyş")]);
        assert_eq!(found("receipt issued in Galkynys"), []);
        assert_eq!(
            found("exam centre: Ýpsonas Secondary School"),
            [(L, "Ýpsonas")]
        );
        assert_eq!(found("from our team in Pérgamos"), [(L, "Pérgamos")]);
        assert_eq!(found("from our team in Pergamos"), []);
        assert_eq!(found("written in Kötlin"), [], "a verb of software");
        // A given name is no town for its marks (`José`).
        assert_eq!(found("from our team in José"), []);
        // THREATS.md's evasions keep the reading: a zero-width space or a
        // BiDi override inside, the letter as an HTML reference or
        // percent-encoded twice.
        for t in [
            "receipt issued in Galk\u{200b}ynyş",
            "receipt issued in Galkynyş\u{202e}",
            "receipt issued in Galkyny&#351;",
            "receipt issued in Galkyny%25C5%259F",
        ] {
            let f = found(t);
            assert!(
                f.len() == 1 && f[0].0 == L && f[0].1.starts_with("Galk"),
                "{t}: {f:?}"
            );
        }
    }
}
