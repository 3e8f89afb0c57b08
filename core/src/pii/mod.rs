//! PII detection and redaction for payment metadata.
//!
//! This module is the seam the pipeline calls. The full engine (validated
//! recognizers, evasion-proof normalisation, gazetteers) lands with the PII
//! issue; until then [`scan`] finds nothing, so every payment's metadata passes
//! through unchanged. The interface below is the stable one.

use crate::error::Code;
use serde_json::Value;

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
}

impl EntityType {
    /// Every entity type.
    pub const ALL: [EntityType; 8] = [
        EntityType::EmailAddress,
        EntityType::UsSsn,
        EntityType::CreditCard,
        EntityType::PhoneNumber,
        EntityType::IbanCode,
        EntityType::IpAddress,
        EntityType::Person,
        EntityType::Location,
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
}

impl Default for PiiConfig {
    fn default() -> Self {
        PiiConfig {
            entities: EntityType::ALL.to_vec(),
            action: PiiAction::Redact,
            template: "<REDACTED>".to_string(),
            min_score: 0,
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

/// Finds personal data in `text`. Spans refer to the original text.
pub fn scan(text: &str, cfg: &PiiConfig) -> Result<Vec<Finding>, Code> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(Code::PiiInputTooLarge);
    }
    let _ = cfg;
    Ok(Vec::new())
}

/// Scans `text` and replaces every finding with the template.
pub fn redact(text: &str, cfg: &PiiConfig) -> Result<Redaction, Code> {
    let findings = scan(text, cfg)?;
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in &findings {
        out.push_str(&text[at..f.start]);
        out.push_str(&cfg.template.replace("{entity_type}", f.entity.as_str()));
        at = f.end;
    }
    out.push_str(&text[at..]);
    Ok(Redaction { text: out, findings })
}

/// Redacts every string (keys excluded) inside a JSON value, recursively,
/// within [`MAX_JSON_DEPTH`] and [`MAX_JSON_NODES`].
pub fn redact_json(value: &Value, cfg: &PiiConfig) -> Result<(Value, Vec<Finding>), Code> {
    let mut nodes = 0usize;
    let mut all = Vec::new();
    let v = walk(value, cfg, 0, &mut nodes, &mut all)?;
    Ok((v, all))
}

fn walk(
    v: &Value,
    cfg: &PiiConfig,
    depth: usize,
    nodes: &mut usize,
    all: &mut Vec<Finding>,
) -> Result<Value, Code> {
    *nodes += 1;
    if depth > MAX_JSON_DEPTH || *nodes > MAX_JSON_NODES {
        return Err(Code::PiiInputTooLarge);
    }
    Ok(match v {
        Value::String(s) => {
            let r = redact(s, cfg)?;
            all.extend(r.findings);
            Value::String(r.text)
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| walk(x, cfg, depth + 1, nodes, all))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, x) in m {
                out.insert(k.clone(), walk(x, cfg, depth + 1, nodes, all)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}
