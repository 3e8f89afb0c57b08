//! x402 challenge parsing and requirement selection.
//!
//! * v1: the JSON **body** of a 402, `{x402Version:1, error, accepts:[…]}`
//!   with per-offer `maxAmountRequired`, `resource`, `description`, `mimeType`.
//! * v2: the **`PAYMENT-REQUIRED` header**, base64 of
//!   `{x402Version:2, error, resource:{url,description,mimeType}, accepts:[…]}`
//!   with per-offer `amount`.
//!
//! Both become [`PaymentOffer`]s. Every field is treated as hostile: sizes are
//! capped, JSON depth is capped, duplicate keys are refused, and every
//! malformed input gets a stable [`Code`].

use crate::assets::{self, TrustedAsset};
use crate::canonical::{self as json, StrictJsonError};
use crate::error::Code;
use crate::money::{self, Usd};
use base64::Engine as _;
use serde_json::{Map, Value};

/// Largest challenge accepted (decoded JSON, and the encoded header), in bytes.
pub const MAX_CHALLENGE_BYTES: usize = 64 * 1024;
/// Deepest JSON nesting accepted in a challenge.
pub const MAX_DEPTH: usize = 16;
/// Most payment requirements accepted in one challenge.
pub const MAX_OFFERS: usize = 32;
/// Longest resource URL, in bytes.
pub const MAX_URL_BYTES: usize = 8 * 1024;
/// Longest description, mime type or error text, in bytes.
pub const MAX_TEXT_BYTES: usize = 4 * 1024;
/// Longest `maxTimeoutSeconds` accepted (7 days).
pub const MAX_TIMEOUT_SECONDS: u64 = 7 * 24 * 3600;

/// One payment requirement, normalised across x402 versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentOffer {
    /// Index of this offer in `accepts`.
    pub index: usize,
    /// Payment scheme, e.g. `exact`.
    pub scheme: String,
    /// CAIP-2 network id (v1 names are mapped).
    pub network: String,
    /// Network id exactly as sent.
    pub network_raw: String,
    /// Amount in atomic token units.
    pub amount: u128,
    /// Token contract or mint, as sent.
    pub asset: String,
    /// Payee address, as sent.
    pub pay_to: String,
    /// Seconds the server allows for the payment.
    pub max_timeout_seconds: u64,
    /// Resource URL claimed by the server (metadata; never trusted for matching).
    pub resource_url: String,
    /// Resource description.
    pub description: String,
    /// Resource MIME type.
    pub mime_type: String,
    /// The `extra` object (or `Null`).
    pub extra: Value,
    /// The requirement object exactly as offered (what a signer needs).
    pub raw: Value,
}

/// A parsed 402 challenge.
#[derive(Clone, Debug, PartialEq)]
pub struct Challenge {
    /// 1 or 2.
    pub x402_version: u8,
    /// The server's `error` text (metadata).
    pub error: String,
    /// v2 top-level `resource` object as sent (echoed back by clients); `Null` in v1.
    pub resource: Value,
    /// Each offer, parsed, or why it could not be.
    pub offers: Vec<Result<PaymentOffer, Code>>,
    /// v2 top-level `extensions` object as sent (`Null` when absent, not an
    /// object, or in v1). Only its `payment-identifier` entry is read
    /// ([`crate::payid::declaration`]); the whole challenge is capped.
    pub extensions: Value,
}

/// Parses a 402 challenge. The v2 `PAYMENT-REQUIRED` header wins when present;
/// otherwise the body is parsed (x402Version 1, or 2 for servers that put the
/// v2 object in the body).
pub fn parse(header: Option<&str>, body: Option<&str>) -> Result<Challenge, Code> {
    match (header, body) {
        (Some(h), _) if !h.trim().is_empty() => parse_v2_header(h),
        (_, Some(b)) if !b.trim().is_empty() => parse_body(b),
        _ => Err(Code::ChallengeMissing),
    }
}

/// Parses a v2 `PAYMENT-REQUIRED` header value (standard padded base64 of JSON).
pub fn parse_v2_header(h: &str) -> Result<Challenge, Code> {
    if h.len() > MAX_CHALLENGE_BYTES * 4 / 3 + 4 {
        return Err(Code::ChallengeTooLarge);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(h.trim_matches([' ', '\t']))
        .map_err(|_| Code::ChallengeBadBase64)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| Code::ChallengeBadJson)?;
    let doc = parse_json(text)?;
    let c = from_doc(doc)?;
    if c.x402_version != 2 {
        return Err(Code::ChallengeUnsupportedVersion);
    }
    Ok(c)
}

/// Decodes a 402 body from the bytes the host read (at most
/// [`MAX_CHALLENGE_BYTES`] + 1: hosts stop there) and its `Content-Type`.
/// One rule for every host:
///
/// * more than [`MAX_CHALLENGE_BYTES`] bytes (a leading BOM included):
///   `challenge-too-large`;
/// * a `charset` parameter other than `utf-8`/`utf8` or `us-ascii`/`ascii`
///   (case-insensitive, quoted or not): `challenge-bad-json` (JSON between
///   systems is UTF-8, RFC 8259 §8.1; nothing else is transcoded);
/// * one leading UTF-8 BOM (`EF BB BF`) is dropped;
/// * the rest must be UTF-8 (under `us-ascii`: ASCII), else `challenge-bad-json`.
///
/// The media type itself is not judged (servers label challenges loosely).
pub fn decode_body(bytes: &[u8], content_type: Option<&str>) -> Result<String, Code> {
    if bytes.len() > MAX_CHALLENGE_BYTES {
        return Err(Code::ChallengeTooLarge);
    }
    let ascii_only = match content_type.and_then(charset) {
        None => false,
        Some(c) if c.eq_ignore_ascii_case("utf-8") || c.eq_ignore_ascii_case("utf8") => false,
        Some(c) if c.eq_ignore_ascii_case("us-ascii") || c.eq_ignore_ascii_case("ascii") => true,
        Some(_) => return Err(Code::ChallengeBadJson),
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if ascii_only && !bytes.is_ascii() {
        return Err(Code::ChallengeBadJson);
    }
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|_| Code::ChallengeBadJson)
}

/// The `charset` parameter of a `Content-Type` value (unquoted), if any.
fn charset(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').trim())
    })
}

/// Parses a 402 response body.
pub fn parse_body(b: &str) -> Result<Challenge, Code> {
    let doc = parse_json(b)?;
    from_doc(doc)
}

fn parse_json(text: &str) -> Result<Value, Code> {
    json::parse_strict(text, MAX_CHALLENGE_BYTES, MAX_DEPTH).map_err(|e| match e {
        StrictJsonError::TooLarge => Code::ChallengeTooLarge,
        StrictJsonError::TooDeep => Code::ChallengeTooDeep,
        StrictJsonError::Invalid | StrictJsonError::DuplicateKey => Code::ChallengeBadJson,
    })
}

fn from_doc(doc: Value) -> Result<Challenge, Code> {
    let Value::Object(mut obj) = doc else {
        return Err(Code::ChallengeBadField);
    };
    let version = match obj.get("x402Version") {
        None => return Err(Code::ChallengeMissingField),
        Some(v) => match v.as_u64() {
            Some(1) => 1u8,
            Some(2) => 2u8,
            Some(_) => return Err(Code::ChallengeUnsupportedVersion),
            None => return Err(Code::ChallengeBadField),
        },
    };
    let error = opt_text(&obj, "error", MAX_TEXT_BYTES)?;
    let accepts = match obj.remove("accepts") {
        None => return Err(Code::ChallengeMissingField),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(Code::ChallengeBadField),
    };
    if accepts.is_empty() {
        return Err(Code::ChallengeNoOffers);
    }
    if accepts.len() > MAX_OFFERS {
        return Err(Code::ChallengeTooManyOffers);
    }
    let (resource, top) = if version == 2 {
        let r = obj.remove("resource").ok_or(Code::ChallengeMissingField)?;
        let ro = r.as_object().ok_or(Code::ChallengeBadField)?;
        let url = req_text(ro, "url", MAX_URL_BYTES)?;
        let desc = opt_text(ro, "description", MAX_TEXT_BYTES)?;
        let mime = opt_text(ro, "mimeType", MAX_TEXT_BYTES)?;
        (r, Some((url, desc, mime)))
    } else {
        (Value::Null, None)
    };
    let extensions = match obj.remove("extensions") {
        Some(e @ Value::Object(_)) if version == 2 => e,
        _ => Value::Null,
    };
    let offers = accepts
        .into_iter()
        .enumerate()
        .map(|(i, a)| parse_offer(i, a, version, top.as_ref()))
        .collect();
    Ok(Challenge {
        x402_version: version,
        error,
        resource,
        offers,
        extensions,
    })
}

fn parse_offer(
    index: usize,
    v: Value,
    version: u8,
    top: Option<&(String, String, String)>,
) -> Result<PaymentOffer, Code> {
    let o = v.as_object().ok_or(Code::ChallengeBadField)?;
    let scheme = req_text(o, "scheme", 32)?;
    if !scheme
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        return Err(Code::ChallengeBadField);
    }
    let network_raw = req_text(o, "network", 64)?;
    let network = assets::normalize_network(&network_raw, version)?;
    let amount_key = if version == 1 {
        "maxAmountRequired"
    } else {
        "amount"
    };
    let amount = match o.get(amount_key) {
        None => return Err(Code::ChallengeMissingField),
        Some(Value::String(s)) => money::parse_atomic(s)?,
        Some(_) => return Err(Code::AmountMalformed),
    };
    let asset = req_text(o, "asset", 128)?;
    let pay_to = req_text(o, "payTo", 128)?;
    if !assets::valid_address(&network, &asset) || !assets::valid_address(&network, &pay_to) {
        return Err(Code::ChallengeBadField);
    }
    let max_timeout_seconds = match o.get("maxTimeoutSeconds") {
        None => return Err(Code::ChallengeMissingField),
        Some(v) => v
            .as_u64()
            .filter(|&t| t <= MAX_TIMEOUT_SECONDS)
            .ok_or(Code::ChallengeBadField)?,
    };
    let extra = match o.get("extra") {
        None | Some(Value::Null) => Value::Null,
        Some(e @ Value::Object(_)) => e.clone(),
        Some(_) => return Err(Code::ChallengeBadField),
    };
    let (resource_url, description, mime_type) = match top {
        Some((u, d, m)) => (u.clone(), d.clone(), m.clone()),
        None => (
            req_text(o, "resource", MAX_URL_BYTES)?,
            opt_text(o, "description", MAX_TEXT_BYTES)?,
            opt_text(o, "mimeType", MAX_TEXT_BYTES)?,
        ),
    };
    Ok(PaymentOffer {
        index,
        scheme,
        network,
        network_raw,
        amount,
        asset,
        pay_to,
        max_timeout_seconds,
        resource_url,
        description,
        mime_type,
        extra,
        raw: v,
    })
}

fn req_text(o: &Map<String, Value>, k: &str, cap: usize) -> Result<String, Code> {
    match o.get(k) {
        None => Err(Code::ChallengeMissingField),
        Some(Value::String(s)) if s.is_empty() => Err(Code::ChallengeMissingField),
        Some(Value::String(s)) if s.len() > cap => Err(Code::ChallengeFieldTooLong),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(Code::ChallengeBadField),
    }
}

fn opt_text(o: &Map<String, Value>, k: &str, cap: usize) -> Result<String, Code> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) if s.len() > cap => Err(Code::ChallengeFieldTooLong),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(Code::ChallengeBadField),
    }
}

/// Chooses the offer to pay.
///
/// Offers that failed to parse are skipped. If `networks` is non-empty, only
/// those CAIP-2 networks are eligible. The ranking prefers, in order: the
/// `exact` scheme; an earlier network in `networks`; an asset in the trusted
/// table; the lowest USD price; the server's order. When nothing is eligible
/// the error is [`Code::NoAcceptableOffer`], or the first offer's own error
/// when every offer was malformed.
pub fn select<'a>(
    challenge: &'a Challenge,
    networks: &[String],
    table: &[TrustedAsset],
) -> Result<&'a PaymentOffer, Code> {
    let i = select_position(challenge, networks, table)?;
    challenge.offers[i].as_ref().map_err(|c| *c)
}

/// How an offer ranks in [`select_position`] (smaller is better).
type Rank = (bool, usize, bool, Usd, usize);

/// Like [`select`], but gives the position of the chosen offer in `offers`.
pub fn select_position(
    challenge: &Challenge,
    networks: &[String],
    table: &[TrustedAsset],
) -> Result<usize, Code> {
    let mut best: Option<(Rank, usize)> = None;
    let mut first_err = None;
    let mut any_ok = false;
    for (pos, o) in challenge.offers.iter().enumerate() {
        let o = match o {
            Ok(o) => o,
            Err(c) => {
                first_err.get_or_insert(*c);
                continue;
            }
        };
        any_ok = true;
        let net_rank = if networks.is_empty() {
            0
        } else {
            match networks.iter().position(|n| *n == o.network) {
                Some(p) => p,
                None => continue,
            }
        };
        let priced = assets::lookup(table, &o.network, &o.asset)
            .and_then(|a| money::to_usd(o.amount, a.decimals, a.usd_price).ok());
        let key = (
            o.scheme != "exact",
            net_rank,
            priced.is_none(),
            priced.unwrap_or(Usd(u128::MAX)),
            o.index,
        );
        if best.as_ref().is_none_or(|(k, _)| key < *k) {
            best = Some((key, pos));
        }
    }
    match best {
        Some((_, pos)) => Ok(pos),
        None if !any_ok => Err(first_err.unwrap_or(Code::ChallengeNoOffers)),
        None => Err(Code::NoAcceptableOffer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_decoded_by_one_rule() {
        let ok = |b: &[u8], ct: Option<&str>| decode_body(b, ct);
        assert_eq!(ok(b"{}", None), Ok("{}".into()));
        assert_eq!(
            ok(b"\xEF\xBB\xBF{}", Some("application/json")),
            Ok("{}".into())
        );
        assert_eq!(
            ok(b"{}", Some("application/json; charset=\"UTF-8\"")),
            Ok("{}".into())
        );
        assert_eq!(
            ok(b"{}", Some("application/json;charset=us-ascii")),
            Ok("{}".into())
        );
        let bad = Err(Code::ChallengeBadJson);
        assert_eq!(ok(b"{}", Some("application/json; charset=iso-8859-1")), bad);
        assert_eq!(ok(b"{\xE9}", None), bad);
        assert_eq!(
            ok("{\u{e9}}".as_bytes(), Some("text/plain; charset=ascii")),
            bad
        );
        assert_eq!(ok(b"\xFF\xFE{\x00}\x00", None), bad);
        let big = vec![b' '; MAX_CHALLENGE_BYTES + 1];
        assert_eq!(ok(&big, None), Err(Code::ChallengeTooLarge));
        assert!(ok(&big[1..], None).is_ok());
    }
}
