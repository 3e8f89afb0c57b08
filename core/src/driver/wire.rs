//! The driver's events and actions, and their JSON forms (the same bytes in
//! every host). The grammar is documented once, in [`crate::driver`].

use crate::audit::Head;
use crate::error::Code;
use crate::pii::PiiHint;
use base64::Engine as _;
use serde::Serialize;
use serde_json::{Map, Value};

/// Longest events text one crossing accepts, in bytes.
pub const MAX_EVENTS_BYTES: usize = 1 << 20;
/// Most events one crossing accepts.
pub const MAX_EVENTS: usize = 64;

/// How a host keeps state and writes its audit log (given once, when the
/// driver is made). The default is the JSON default: an unshared store
/// (whose `cas_fingerprint` is then unused).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The store may be changed by other processes (or outlives the
    /// process): every state change runs as a compare-and-set transaction.
    pub shared: bool,
    /// The replica's audit head is kept in the store (`load-head` /
    /// `save-head`).
    pub keep_head: bool,
    /// The audit sink can read its own last head back (a file log).
    pub log_reads_back: bool,
    /// The shared store's compare-and-set can set a fingerprint in the same
    /// atomic step (`cas-state` with `fingerprint`, `ttl_ms`; default true).
    /// When false, a reservation's `cas-state` carries no fingerprint and
    /// the fingerprint is set afterwards with `replay-set`, one round trip
    /// more (a replay then costs its reservation's write and its release).
    pub cas_fingerprint: bool,
    /// The shared store's compare-and-set can save the replica's audit head
    /// in the same atomic step (`cas-state` with `save_head`; default
    /// false). With `shared`, `keep_head` and `log_reads_back` too, a line's
    /// head then rides with a compare-and-set instead of a `save-head` of
    /// its own (see "Heads riding the compare-and-sets" in [`crate::driver`]).
    pub cas_head: bool,
}

impl Default for Profile {
    fn default() -> Profile {
        Profile {
            shared: false,
            keep_head: false,
            log_reads_back: false,
            cas_fingerprint: true,
            cas_head: false,
        }
    }
}

impl Profile {
    /// Reads `{"shared", "keep_head", "log_reads_back", "cas_fingerprint",
    /// "cas_head"}` (each optional; default false, `cas_fingerprint` true). Another key
    /// or a value that is not a boolean is [`Code::InvalidInput`].
    pub fn from_json(v: &Value) -> Result<Profile, Code> {
        let m = v.as_object().ok_or(Code::InvalidInput)?;
        let flag = |k: &str, default: bool| match m.get(k) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(Code::InvalidInput),
        };
        if m.keys().any(|k| {
            ![
                "shared",
                "keep_head",
                "log_reads_back",
                "cas_fingerprint",
                "cas_head",
            ]
            .contains(&k.as_str())
        }) {
            return Err(Code::InvalidInput);
        }
        Ok(Profile {
            shared: flag("shared", false)?,
            keep_head: flag("keep_head", false)?,
            log_reads_back: flag("log_reads_back", false)?,
            cas_fingerprint: flag("cas_fingerprint", true)?,
            cas_head: flag("cas_head", false)?,
        })
    }
}

/// A request that got a 402: what starts a payment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Begin {
    /// HTTP method.
    pub method: String,
    /// The real request URL, as the host's client sent it.
    pub url: String,
    /// The v2 `PAYMENT-REQUIRED` header, if any.
    pub payment_required: Option<String>,
    /// The 402 body as text, if any (hosts that hold it as text, e.g. an
    /// official client's parsed challenge).
    pub body: Option<String>,
    /// The 402 body as the bytes the host read (at most
    /// [`crate::challenge::MAX_CHALLENGE_BYTES`] + 1), decoded by the core
    /// ([`crate::challenge::decode_body`]); at most one of `body` and `body_bytes`.
    pub body_bytes: Option<Vec<u8>>,
    /// The 402's `Content-Type` header (its `charset` decides the decoding).
    pub content_type: Option<String>,
    /// The agent's reason for paying.
    pub reason: String,
    /// SHA-256 (hex) of the request's body, when it has one the host could
    /// read (see [`crate::replay`]).
    pub request_body_sha256: Option<String>,
    /// The caller's idempotency key (e.g. the request's `Idempotency-Key`
    /// header), if any.
    pub idempotency_key: Option<String>,
    /// Host detector PII hints (`pii_mode="nlp"`).
    pub hints: Vec<PiiHint>,
    /// Seed of the backoff jitter and of a new payment id ([`crate::payid`]).
    pub seed: u64,
    /// The payment id of an earlier attempt of the same purchase (from its
    /// `done.details.payment_id`), when the host retries it: reused when it
    /// belongs to this payment's fingerprint, else the payment is refused
    /// with `payment-id-mismatch`.
    pub purchase: Option<String>,
    /// The host has a tracer: `done` carries the payment's span plan
    /// (`done.spans`, [`super::spans`]). Off by default, so a host without
    /// OpenTelemetry pays nothing for it.
    pub spans: bool,
}

impl Begin {
    /// Reads `{"method", "url", "payment_required", "body" | "body_base64",
    /// "content_type", "request_body_sha256", "idempotency_key", "reason",
    /// "hints", "seed", "purchase", "spans"}` (`body_base64`: the bytes read, standard padded
    /// base64; `spans`: a boolean, default false).
    pub fn from_json(v: &Value) -> Result<Begin, Code> {
        let m = v.as_object().ok_or(Code::InvalidInput)?;
        let s = |k: &str| -> Result<Option<String>, Code> {
            match m.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(Code::InvalidInput),
            }
        };
        let hints = match m.get("hints") {
            None | Some(Value::Null) => Vec::new(),
            Some(h) => crate::pii::hints_from_json(h)?,
        };
        let body = s("body")?;
        let body_bytes = match s("body_base64")? {
            Some(_) if body.is_some() => return Err(Code::InvalidInput),
            Some(b) => Some(
                base64::engine::general_purpose::STANDARD
                    .decode(b)
                    .map_err(|_| Code::InvalidInput)?,
            ),
            None => None,
        };
        Ok(Begin {
            method: s("method")?.unwrap_or_else(|| "GET".into()),
            url: s("url")?.ok_or(Code::InvalidInput)?,
            payment_required: s("payment_required")?,
            body,
            body_bytes,
            content_type: s("content_type")?,
            reason: s("reason")?.unwrap_or_default(),
            request_body_sha256: s("request_body_sha256")?,
            idempotency_key: s("idempotency_key")?,
            hints,
            seed: m
                .get("seed")
                .map_or(Ok(0), |v| v.as_u64().ok_or(Code::InvalidInput))?,
            purchase: s("purchase")?,
            spans: match m.get("spans") {
                None | Some(Value::Null) => false,
                Some(v) => v.as_bool().ok_or(Code::InvalidInput)?,
            },
        })
    }

    /// Decodes `body_bytes` into `body` (once; see
    /// [`crate::challenge::decode_body`]): the code when the bytes are refused.
    pub fn decode_body(&mut self) -> Option<Code> {
        let bytes = self.body_bytes.take()?;
        match crate::challenge::decode_body(&bytes, self.content_type.as_deref()) {
            Ok(text) => {
                self.body = Some(text);
                None
            }
            Err(c) => Some(c),
        }
    }
}

/// One webhook approver's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookReply {
    /// The approver asked.
    pub approver_id: String,
    /// HTTP status (0 when the host refused the address or the transport failed).
    pub status: u16,
    /// The body, capped by the host.
    pub body: String,
    /// The `X-MPA-HMAC` header.
    pub hmac: Option<String>,
    /// The host's deadline passed before an answer.
    pub timed_out: bool,
    /// When the answer arrived (default: the crossing's `now_ms`); an answer
    /// that arrived after the deadline counts as a timeout.
    pub at_ms: Option<u64>,
}

/// Something the host reports to the driver.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// Answer to `load-state`.
    State {
        /// The stored state (`None` when empty).
        state: Option<String>,
        /// Its opaque version.
        version: String,
    },
    /// Answer to `cas-state`.
    Cas {
        /// True when the state was stored.
        won: bool,
        /// With a `fingerprint` in the `cas-state`: true when it was new and
        /// is now set (with the state), false when it is live (nothing was
        /// written); `None` when the answer does not say.
        fresh: Option<bool>,
        /// The store's state after the answer, when the host gives it: the
        /// new version on a win (the state is the one sent), the state as it
        /// stands and its version on a lost version check.
        snapshot: Option<(Option<String>, String)>,
        /// With a `save_head` in the `cas-state`: true when the head was
        /// saved (with the state), false when the stored head's `seq` was
        /// not `prev_seq` (nothing was written); `None` when the answer does
        /// not say.
        head_saved: Option<bool>,
    },
    /// A store action (`load-state`, `cas-state`, `replay-set`, `load-head`) failed.
    StoreError,
    /// Answer to `replay-set`.
    Replay {
        /// True when the fingerprint was new (and is now stored).
        fresh: bool,
    },
    /// Answer to `load-head`.
    Head {
        /// The replica's head in the store.
        stored: Option<Head>,
        /// The audit log's own last head (hosts whose log reads back).
        log: Option<Head>,
    },
    /// `save-head` was refused (another writer) or failed.
    HeadSaveFailed,
    /// `audit` could not be written.
    AuditFailed,
    /// One webhook approver's answer.
    Webhook(WebhookReply),
    /// Answer to `countersign`: `(approver_id, hex)` pairs (pre-approval
    /// tokens too) and when they arrived (default: the crossing's `now_ms`).
    Countersignatures(Vec<(String, String)>, Option<u64>),
    /// Answer to `ask-human`: a person's vote (`approve`, `deny`, `timeout`
    /// or `unavailable`, judged by [`crate::mpa::judge_human`]) and when it
    /// arrived (default: the crossing's `now_ms`).
    Human {
        /// The approver asked.
        approver_id: String,
        /// The vote, as the host reports it.
        vote: String,
        /// When it arrived.
        at_ms: Option<u64>,
    },
    /// Answer to `sign`: the signer's payload (a JSON object).
    Signed(Value),
    /// The signer failed (its error is not passed in: it may hold key material).
    SignerFailed,
    /// Answer to `send`: the paid response.
    Response {
        /// HTTP status.
        status: u16,
        /// The settlement header, if any.
        settlement: Option<String>,
    },
    /// `send` failed; `sent` is false only when nothing left the process.
    NetworkError {
        /// Whether the request may have left.
        sent: bool,
    },
    /// The host's client sent the paid request and does not show its answer.
    Unobserved,
    /// Answer to `sleep`.
    Wake,
}

/// A head the host read back: 64 hex digits of mac (lower-cased), or `invalid-input`.
fn head_from(v: Option<&Value>) -> Result<Option<Head>, Code> {
    match Head::from_json(v)? {
        Some(h) if h.mac.len() == 64 && h.mac.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(Some(Head {
                seq: h.seq,
                mac: h.mac.to_ascii_lowercase(),
            }))
        }
        Some(_) => Err(Code::InvalidInput),
        None => Ok(None),
    }
}

/// The JSON form of a head ([`Head::to_json`]).
pub fn head_json(h: &Head) -> Value {
    h.to_json()
}

impl Event {
    /// Reads one event `{"on": …}`.
    pub fn from_json(v: &Value) -> Result<Event, Code> {
        let on = v
            .get("on")
            .and_then(Value::as_str)
            .ok_or(Code::InvalidInput)?;
        let b = |k: &str| v.get(k).and_then(Value::as_bool).ok_or(Code::InvalidInput);
        let opt_s = |k: &str| -> Result<Option<String>, Code> {
            match v.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(Code::InvalidInput),
            }
        };
        let at_ms = || match v.get("at_ms") {
            None | Some(Value::Null) => Ok(None),
            Some(t) => t.as_u64().map(Some).ok_or(Code::InvalidInput),
        };
        let status = || {
            v.get("status")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .ok_or(Code::InvalidInput)
        };
        Ok(match on {
            "state" => Event::State {
                state: opt_s("state")?,
                version: v
                    .get("version")
                    .and_then(Value::as_str)
                    .ok_or(Code::InvalidInput)?
                    .to_string(),
            },
            "cas" => {
                let won = b("won")?;
                let opt_b = |k: &str| match v.get(k) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::Bool(f)) => Ok(Some(*f)),
                    Some(_) => Err(Code::InvalidInput),
                };
                Event::Cas {
                    won,
                    fresh: opt_b("fresh")?,
                    head_saved: opt_b("head_saved")?,
                    // A lost answer gives a snapshot only with its `state` member
                    // (`null`: the store is empty): a missing one is not an empty state.
                    snapshot: match opt_s("version")? {
                        Some(ver) if won => Some((None, ver)),
                        Some(ver) if v.get("state").is_some() => Some((opt_s("state")?, ver)),
                        _ => None,
                    },
                }
            }
            "store-error" => Event::StoreError,
            "replay" => Event::Replay { fresh: b("fresh")? },
            "head" => Event::Head {
                stored: head_from(v.get("stored"))?,
                log: head_from(v.get("log"))?,
            },
            "head-save-failed" => Event::HeadSaveFailed,
            "audit-failed" => Event::AuditFailed,
            "webhook" => Event::Webhook(WebhookReply {
                approver_id: opt_s("approver_id")?.ok_or(Code::InvalidInput)?,
                status: status()?,
                body: opt_s("body")?.unwrap_or_default(),
                hmac: opt_s("hmac")?,
                timed_out: v.get("timed_out").and_then(Value::as_bool).unwrap_or(false),
                at_ms: at_ms()?,
            }),
            "countersignatures" => {
                let list = v
                    .get("signatures")
                    .and_then(Value::as_array)
                    .ok_or(Code::InvalidInput)?;
                let mut out = Vec::with_capacity(list.len());
                for p in list {
                    match p.as_array().map(Vec::as_slice) {
                        Some([Value::String(id), Value::String(sig)]) => {
                            out.push((id.clone(), sig.clone()))
                        }
                        _ => return Err(Code::InvalidInput),
                    }
                }
                Event::Countersignatures(out, at_ms()?)
            }
            "human" => Event::Human {
                approver_id: opt_s("approver_id")?.ok_or(Code::InvalidInput)?,
                vote: opt_s("vote")?
                    .filter(|s| s.len() <= 16)
                    .ok_or(Code::InvalidInput)?,
                at_ms: at_ms()?,
            },
            "signed" => match v.get("payload") {
                Some(p @ Value::Object(_)) => Event::Signed(p.clone()),
                _ => Event::SignerFailed,
            },
            "signer-failed" => Event::SignerFailed,
            "response" => Event::Response {
                status: status()?,
                settlement: opt_s("settlement")?,
            },
            "network-error" => Event::NetworkError { sent: b("sent")? },
            "unobserved" => Event::Unobserved,
            "wake" => Event::Wake,
            _ => return Err(Code::InvalidInput),
        })
    }

    /// Reads a crossing's events: one event object or an array of them.
    pub fn list_from_json(text: &str) -> Result<Vec<Event>, Code> {
        if text.len() > MAX_EVENTS_BYTES {
            return Err(Code::InvalidInput);
        }
        let v: Value = serde_json::from_str(text).map_err(|_| Code::InvalidInput)?;
        match &v {
            Value::Array(a) if a.len() <= MAX_EVENTS => a.iter().map(Event::from_json).collect(),
            Value::Object(_) => Ok(vec![Event::from_json(&v)?]),
            _ => Err(Code::InvalidInput),
        }
    }
}

/// Something the driver asks the host to do, in order (see [`crate::driver`]):
/// one JSON object `{"do": kind, …}`, written once, when the action is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    kind: &'static str,
    text: String,
}

impl Action {
    /// An action from its JSON text, written by the caller in the byte order
    /// [`Action::new`] gives (members sorted by name).
    pub(crate) fn raw(kind: &'static str, text: String) -> Action {
        Action { kind, text }
    }

    /// Adds member `key` with JSON value text `raw` at the end (a key that
    /// sorts after every other member, so the text stays in name order).
    pub(crate) fn append_member(&mut self, key: &str, raw: &str) {
        if self.text.ends_with('}') {
            self.text.pop();
            self.text.push_str(&format!(",\"{key}\":{raw}}}"));
        }
    }

    /// An action `{"do": kind, …fields}`.
    pub fn new(kind: &'static str, fields: Value) -> Action {
        let mut m = match fields {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        m.insert("do".into(), Value::String(kind.into()));
        Action::write(kind, &Value::Object(m))
    }

    /// An action written from a typed record, without building a JSON tree
    /// (the hot actions of a payment). The record's fields, `do` among them,
    /// are declared in the byte order of their names, so its text is the
    /// text [`Action::new`] gives for the same fields (the driver's
    /// transcripts pin this byte for byte).
    pub fn write<T: Serialize>(kind: &'static str, record: &T) -> Action {
        // Writing a record of strings, numbers and JSON values never fails.
        let text = serde_json::to_string(record).unwrap_or_default();
        Action { kind, text }
    }

    /// The action's kind (`"load-state"`, `"sign"`, `"done"`, …).
    pub fn kind(&self) -> &str {
        self.kind
    }

    /// The action's JSON text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The action as a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

/// The JSON text of a crossing's actions: `[{"do": …}, …]`.
pub fn actions_json(actions: &[Action]) -> String {
    let mut out =
        String::with_capacity(2 + actions.iter().map(|a| a.text.len() + 1).sum::<usize>());
    out.push('[');
    for (i, a) in actions.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&a.text);
    }
    out.push(']');
    out
}

/// A head as actions write it: `{"mac", "seq"}`.
#[derive(Serialize)]
pub(crate) struct HeadRecord<'a> {
    pub mac: &'a str,
    pub seq: u64,
}

impl<'a> From<&'a Head> for HeadRecord<'a> {
    fn from(h: &'a Head) -> Self {
        HeadRecord {
            mac: &h.mac,
            seq: h.seq,
        }
    }
}

/// The `audit` action: write `line`, now the replica's `head`.
#[derive(Serialize)]
pub(crate) struct AuditRecord<'a> {
    #[serde(rename = "do")]
    pub kind: &'static str,
    pub head: HeadRecord<'a>,
    pub line: &'a str,
}

/// The `sign` action: what the signer signs (fields in name order, see [`Action::write`]).
#[derive(Serialize)]
pub(crate) struct SignRecord<'a> {
    pub amount: Option<String>,
    pub amount_usd: Option<String>,
    pub asset: Option<&'a str>,
    #[serde(rename = "do")]
    pub kind: &'static str,
    pub metadata: SignMetadata<'a>,
    pub network: Option<&'a str>,
    pub network_raw: Option<&'a str>,
    pub pay_to: Option<&'a str>,
    pub requirements: &'a Value,
    pub resource: &'a Value,
    pub scheme: Option<&'a str>,
    pub x402_version: u8,
}

/// The redacted metadata of a `sign` action.
#[derive(Serialize)]
pub(crate) struct SignMetadata<'a> {
    pub description: &'a str,
    pub extra: &'a Value,
    pub reason: &'a str,
    pub request_url: &'a str,
    pub resource_url: &'a str,
}

/// The `ask-human` action (fields in name order, see [`Action::write`]).
#[derive(Serialize)]
pub(crate) struct AskHumanRecord<'a> {
    pub approver_id: &'a str,
    pub deadline_ms: u64,
    #[serde(rename = "do")]
    pub kind: &'static str,
    pub prompt: &'a Value,
}

/// The `send` action: the paid request.
#[derive(Serialize)]
pub(crate) struct SendRecord<'a> {
    #[serde(rename = "do")]
    pub kind: &'static str,
    pub header: HeaderRecord<'a>,
    pub method: &'a str,
    pub redirect: &'static str,
    pub url: &'a str,
}

/// One request header.
#[derive(Serialize)]
pub(crate) struct HeaderRecord<'a> {
    pub name: &'static str,
    pub value: &'a str,
}

/// The `done` action: the payment's verdict.
#[derive(Serialize)]
pub(crate) struct DoneRecord<'a> {
    pub allowed: bool,
    pub audit_line: Option<&'a str>,
    pub code: Option<&'static str>,
    pub details: DoneDetails<'a>,
    #[serde(rename = "do")]
    pub kind: &'static str,
    pub family: Option<&'static str>,
    pub metrics: Value,
    pub settlement: Option<&'static str>,
}

/// The details of a `done` action.
#[derive(Serialize)]
pub(crate) struct DoneDetails<'a> {
    pub amount_usd: Option<String>,
    pub approvals: Option<usize>,
    pub current_usd: Option<String>,
    pub fingerprint: Option<&'a str>,
    pub limit_usd: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<&'a str>,
    pub pii_entities: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
}
