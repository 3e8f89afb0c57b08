//! Quote drift: refuse an offer whose price rose too far over the last price
//! paid for the same resource.
//!
//! A *resource* is the request URL's origin and path (normalised; the query
//! is left out so per-call parameters do not make every offer new), the
//! network and the asset: prices are compared in the asset's atomic units,
//! exactly (`new × 1 ≤ last × (1 + ratio)`, 256-bit products, no floats).
//! The state keeps only a digest of that triple (no URL, so no personal data
//! in the path reaches the store).
//!
//! **Which price is remembered**: the last *paid* one. A payment records its
//! price when it settles (or its outcome is unknown, as the spend is then
//! committed); a refused or failed payment records nothing. Only while
//! `max_quote_increase_ratio` is set are prices remembered.
//!
//! **First purchase and eviction**: with no remembered price the offer is
//! allowed (trust on first use, as payee pinning) and its price becomes the
//! reference once paid. At most [`MAX_QUOTES`] resources are remembered; the
//! one paid longest ago is evicted first, and an evicted resource is then a
//! first purchase again.

use super::Controls;
use crate::error::Code;
use crate::url::NormalizedUrl;
use core::cmp::Ordering;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Most remembered resource prices.
pub const MAX_QUOTES: usize = 1024;

/// Last paid price per resource: digest → (atomic amount, paid at ms).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quotes(pub BTreeMap<String, (u128, u64)>);

/// The state key of a resource: the first 32 hex digits of
/// SHA-256(len‖origin+path ‖ len‖network ‖ len‖asset).
pub fn key(url: &NormalizedUrl, network: &str, asset: &str) -> String {
    let mut h = Sha256::new();
    let route = format!("{}{}", url.origin(), url.path);
    let asset = crate::assets::canonical_address(network, asset);
    for part in [route.as_str(), network, asset.as_str()] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    crate::hex::encode(&h.finalize()[..16])
}

/// Checks an offer of `amount` for resource `key`. `Ok(Some(..))` is the
/// price to remember once the payment is paid; `Ok(None)` when drift is off.
pub fn check(
    c: &Controls,
    quotes: &Quotes,
    key: String,
    amount: u128,
) -> Result<Option<(String, u128)>, Code> {
    let Some(ratio) = c.max_quote_increase_ratio else {
        return Ok(None);
    };
    if let Some(&(last, _)) = quotes.0.get(&key) {
        let one = crate::money::USD_ONE;
        // amount × 1 > last × (1 + ratio), with 1 = USD_ONE.
        let ceiling_factor = one.saturating_add(ratio.0);
        if super::cmp_products(amount, one, last, ceiling_factor) == Ordering::Greater {
            return Err(Code::QuoteDriftExceeded);
        }
    }
    Ok(Some((key, amount)))
}

impl Quotes {
    /// Remembers a paid price, evicting the oldest beyond [`MAX_QUOTES`].
    pub fn record(&mut self, key: &str, amount: u128, now_ms: u64) {
        self.0.insert(key.to_string(), (amount, now_ms));
        while self.0.len() > MAX_QUOTES {
            let oldest = self
                .0
                .iter()
                .min_by_key(|(k, (_, t))| (*t, (*k).clone()))
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => self.0.remove(&k),
                None => break,
            };
        }
    }

    /// `{"<key>": ["<amount>", paid_at_ms]}`.
    pub fn to_json(&self) -> Value {
        // Inserted, not collected (see `SpendState::to_json`).
        let mut m = Map::new();
        for (k, (a, t)) in &self.0 {
            m.insert(k.clone(), json!([a.to_string(), t]));
        }
        Value::Object(m)
    }

    /// Parses [`Quotes::to_json`] output.
    pub fn from_json(v: &Value) -> Result<Quotes, Code> {
        let m = v.as_object().ok_or(Code::StateCorrupt)?;
        if m.len() > MAX_QUOTES {
            return Err(Code::StateCorrupt);
        }
        let mut out = BTreeMap::new();
        for (k, e) in m {
            let a = e.get(0).and_then(Value::as_str).ok_or(Code::StateCorrupt)?;
            let a = crate::money::parse_atomic(a).map_err(|_| Code::StateCorrupt)?;
            let t = e.get(1).and_then(Value::as_u64).ok_or(Code::StateCorrupt)?;
            if !crate::hex::is_lower(k, 32) || e.as_array().map(Vec::len) != Some(2) {
                return Err(Code::StateCorrupt);
            }
            out.insert(k.clone(), (a, t));
        }
        Ok(Quotes(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Usd, USD_ONE};

    #[test]
    fn ratio_boundary_and_eviction() {
        let c = Controls {
            max_quote_increase_ratio: Some(Usd(USD_ONE / 10)),
            ..Controls::default()
        };
        let mut q = Quotes::default();
        let u = crate::url::parse("https://A.example/x?user=1").unwrap();
        let k = key(&u, "eip155:8453", "0xAA");
        assert_eq!(
            k,
            key(
                &crate::url::parse("https://a.example:443/x?user=2").unwrap(),
                "eip155:8453",
                "0xaa"
            )
        );
        assert_eq!(check(&c, &q, k.clone(), 5), Ok(Some((k.clone(), 5))));
        q.record(&k, 1000, 1);
        assert!(check(&c, &q, k.clone(), 1100).is_ok());
        assert_eq!(
            check(&c, &q, k.clone(), 1101),
            Err(Code::QuoteDriftExceeded)
        );
        assert_eq!(check(&Controls::default(), &q, k.clone(), 9999), Ok(None));
        for i in 0..MAX_QUOTES as u64 {
            q.record(&format!("{i:032x}"), 1, 2 + i);
        }
        assert_eq!(q.0.len(), MAX_QUOTES);
        assert!(!q.0.contains_key(&k), "the oldest went first");
        assert_eq!(Quotes::from_json(&q.to_json()), Ok(q));
    }
}
