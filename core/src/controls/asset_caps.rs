//! Per-asset caps in atomic units, beside the USD limits.
//!
//! An entry names an asset by `network` (v1 name or CAIP-2) and `address`
//! (canonical form as in the asset table) and limits each payment
//! (`max_per_call`) and the spend per window (`max_per_window`, the window of
//! `window_seconds`), as decimal strings of atomic units (exact, u128). The
//! window spend is kept in the spend ledger under `asset:{network}:{address}`
//! with the same reserve / commit / release semantics as USD spend.
//!
//! An asset the guard cannot price (not in the asset table) is refused with
//! `asset-untrusted`, unless a cap with `max_per_window` names it: it is then
//! payable within its caps, and the USD limits count it as $0 (MPA, which
//! needs a USD amount, still refuses it).

use super::MAX_ASSET_CAPS;
use crate::assets;
use crate::error::{Code, ConfigError};
use serde_json::Value;

/// Keys of one `asset_caps` entry.
pub const KEYS: &[&str] = &["network", "address", "max_per_call", "max_per_window"];

/// A cap on one asset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetCap {
    /// CAIP-2 network id.
    pub network: String,
    /// Canonical asset address.
    pub address: String,
    /// Largest payment in atomic units.
    pub max_per_call: Option<u128>,
    /// Most atomic units per window (committed + reserved).
    pub max_per_window: Option<u128>,
}

/// The prefix of an asset cap's spend-ledger key (`asset:{network}:{address}`).
pub const KEY_PREFIX: &str = "asset:";

impl AssetCap {
    /// The spend-ledger key of the cap.
    pub fn key(&self) -> String {
        format!("{KEY_PREFIX}{}:{}", self.network, self.address)
    }
}

/// The cap for an asset, if any.
pub fn find<'a>(caps: &'a [AssetCap], network: &str, address: &str) -> Option<&'a AssetCap> {
    let want = assets::canonical_address(network, address);
    caps.iter()
        .find(|c| c.network == network && c.address == want)
}

/// The asset's window as a budget-alert window `(ledger key, limit)`: the
/// limit is atomic units in `Usd.0`, like the ledger's totals under that key.
pub fn window(
    caps: &[AssetCap],
    network: &str,
    address: &str,
) -> Option<(String, crate::money::Usd)> {
    let cap = find(caps, network, address)?;
    Some((cap.key(), crate::money::Usd(cap.max_per_window?)))
}

/// Whether an unpriced asset may be paid: a cap with a window limit names it.
pub fn admits_unpriced(caps: &[AssetCap], network: &str, address: &str) -> bool {
    find(caps, network, address).is_some_and(|c| c.max_per_window.is_some())
}

fn atomic(x: Option<&Value>, path: String, errs: &mut Vec<ConfigError>) -> Option<u128> {
    match x {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match crate::money::parse_atomic(s) {
            Ok(n) => Some(n),
            Err(_) => {
                ConfigError::push(errs, &path, Code::ConfigOutOfRange);
                None
            }
        },
        Some(_) => {
            ConfigError::push(errs, &path, Code::ConfigBadType);
            None
        }
    }
}

/// Parses `asset_caps`: an array of `{network, address, max_per_call?, max_per_window?}`.
pub(crate) fn parse(x: &Value, errs: &mut Vec<ConfigError>) -> Vec<AssetCap> {
    let Some(a) = x.as_array() else {
        ConfigError::push(errs, "asset_caps", Code::ConfigBadType);
        return Vec::new();
    };
    if a.len() > MAX_ASSET_CAPS {
        ConfigError::push(errs, "asset_caps", Code::ConfigOutOfRange);
        return Vec::new();
    }
    let mut out: Vec<AssetCap> = Vec::new();
    for (i, e) in a.iter().enumerate() {
        let path = format!("asset_caps[{i}]");
        let Some(o) = e.as_object() else {
            ConfigError::push(errs, &path, Code::ConfigBadType);
            continue;
        };
        let before = errs.len();
        super::unknown_keys(o, KEYS, &path, errs);
        let (network, address) = assets::asset_id(o, &path, errs);
        let per_call = atomic(o.get("max_per_call"), format!("{path}.max_per_call"), errs);
        let per_window = atomic(
            o.get("max_per_window"),
            format!("{path}.max_per_window"),
            errs,
        );
        if errs.len() != before {
            continue;
        }
        if per_call.is_none() && per_window.is_none() {
            ConfigError::push(errs, &path, Code::ConfigBadAsset);
            continue;
        }
        if let (Some(network), Some(address)) = (network, address) {
            let address = assets::canonical_address(&network, address);
            if find(&out, &network, &address).is_some() {
                ConfigError::push(errs, &path, Code::ConfigBadAsset);
                continue;
            }
            out.push(AssetCap {
                network,
                address,
                max_per_call: per_call,
                max_per_window: per_window,
            });
        }
    }
    out
}
