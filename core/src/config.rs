//! Guard configuration: parsing and validation.
//!
//! The configuration is one JSON object (hosts turn TOML, dicts and options
//! into it). Every problem is reported, each with its path and [`Code`], so a
//! policy file can be fixed in one pass. Unknown keys are errors: a typo such
//! as `max_per_cal_usd` must not silently disable a limit.
//!
//! Every key with its type, default, range, unit and error codes:
//! `docs/CONFIG.md`, generated from `schema/policy.schema.json` and this
//! parser by `core/tests/config_reference.rs` (which also checks the
//! schema's defaults against [`GuardConfig::default`]).

use crate::assets::{self, TrustedAsset};
use crate::error::{Code, ConfigError};
use crate::money::Usd;
use crate::mpa::MpaConfig;
use crate::payload::{self, Binding};
use crate::pii::{EntityType, PiiAction, PiiConfig};
use crate::url::EndpointKey;
use serde_json::Value;

/// Most per-endpoint entries.
pub const MAX_ENDPOINTS: usize = 256;
/// Most trusted wallets, networks or extra assets.
pub const MAX_LIST: usize = 1024;

/// Every top-level key the configuration accepts.
pub const KEYS: &[&str] = &[
    "max_per_call_usd",
    "daily_limit_usd",
    "window_seconds",
    "per_endpoint",
    "agent_id",
    "replica_id",
    "trusted_wallets",
    "pin_pay_to",
    "networks",
    "assets",
    "replay_ttl_seconds",
    "reservation_lease_seconds",
    "pii",
    "mpa",
    "payload",
    // operator controls (see `crate::controls`)
    "velocity",
    "asset_caps",
    "max_quote_increase_ratio",
    "wallet_pinning",
    "budget_alerts",
    "alert_webhook",
];

/// Keys of the `payload` table.
pub const PAYLOAD_KEYS: &[&str] = &["check", "skew_seconds", "wallet"];

/// Keys of the `pii` table.
pub const PII_KEYS: &[&str] = &["entities", "action", "template", "min_score"];
/// Keys of one `assets` entry.
pub const ASSET_KEYS: &[&str] = &["network", "address", "decimals", "usd_price", "symbol"];

/// A validated guard configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardConfig {
    /// Largest single payment, or `None` for no per-call limit.
    pub max_per_call_usd: Option<Usd>,
    /// Limit of spend per window, or `None` for none.
    pub daily_limit_usd: Option<Usd>,
    /// Window length in seconds.
    pub window_seconds: u64,
    /// Per-endpoint window limits.
    pub per_endpoint: Vec<(EndpointKey, Usd)>,
    /// Agent identifier for audit lines.
    pub agent_id: String,
    /// Replica id written in every audit line (empty: a single process).
    pub replica_id: String,
    /// Allowed payees (canonical form) where no endpoint-specific list
    /// applies; empty allows any.
    pub trusted_wallets: Vec<String>,
    /// Allowed payees per endpoint (the object form of `trusted_wallets`):
    /// a payment must go to a payee in the list of every key that matches
    /// its request URL; where none matches, [`GuardConfig::trusted_wallets`]
    /// (the `"*"` entry) applies.
    pub trusted_wallets_by_endpoint: Vec<(EndpointKey, Vec<String>)>,
    /// Pin the first payee seen per (origin, network).
    pub pin_pay_to: bool,
    /// Allowed networks (CAIP-2) in preference order; empty allows any.
    pub networks: Vec<String>,
    /// The trusted asset table: built-in entries plus configured ones.
    pub assets: Vec<TrustedAsset>,
    /// Replay TTL floor in seconds (the offer's `maxTimeoutSeconds` may raise it).
    pub replay_ttl_seconds: u64,
    /// Lease after which an open reservation is released.
    pub reservation_lease_seconds: u64,
    /// PII settings.
    pub pii: PiiConfig,
    /// Multi-party authorisation, when configured.
    pub mpa: Option<MpaConfig>,
    /// How signed payloads are bound to the approval.
    pub payload: Binding,
    /// Operator controls ([`crate::controls`]).
    pub controls: crate::controls::Controls,
}

impl Default for GuardConfig {
    fn default() -> Self {
        GuardConfig {
            max_per_call_usd: Some(Usd::dollars(1)),
            daily_limit_usd: Some(Usd::dollars(10)),
            window_seconds: 86_400,
            per_endpoint: Vec::new(),
            agent_id: String::new(),
            replica_id: String::new(),
            trusted_wallets: Vec::new(),
            trusted_wallets_by_endpoint: Vec::new(),
            pin_pay_to: false,
            networks: Vec::new(),
            assets: assets::built_in(),
            replay_ttl_seconds: 300,
            reservation_lease_seconds: 900,
            pii: PiiConfig::default(),
            mpa: None,
            payload: Binding::default(),
            controls: crate::controls::Controls::default(),
        }
    }
}

impl GuardConfig {
    /// Window length in milliseconds.
    pub fn window_ms(&self) -> u64 {
        self.window_seconds.saturating_mul(1000)
    }

    /// Canonical form of a payee for allowlist and pin comparison.
    pub fn canonical_wallet(addr: &str) -> String {
        if addr.len() == 42 && addr.starts_with("0x") {
            addr.to_ascii_lowercase()
        } else {
            addr.to_string()
        }
    }

    /// Parses JSON text; see [`GuardConfig::from_value`].
    pub fn from_json(text: &str) -> Result<GuardConfig, Vec<ConfigError>> {
        let v = crate::canonical::parse_strict(text, 1 << 20, 16)
            .map_err(|_| vec![ConfigError::new("", Code::ConfigMalformed)])?;
        GuardConfig::from_value(&v)
    }

    /// Validates a configuration object, reporting every error with its path.
    pub fn from_value(v: &Value) -> Result<GuardConfig, Vec<ConfigError>> {
        let mut errs = Vec::new();
        let mut c = GuardConfig::default();
        let Some(o) = v.as_object() else {
            return Err(vec![ConfigError::new("", Code::ConfigMalformed)]);
        };
        for k in o.keys() {
            if !KEYS.contains(&k.as_str()) {
                ConfigError::push(&mut errs, k, Code::ConfigUnknownField);
            }
        }
        if let Some(x) = o.get("max_per_call_usd") {
            c.max_per_call_usd = opt_usd(x, "max_per_call_usd", &mut errs);
        }
        if let Some(x) = o.get("daily_limit_usd") {
            c.daily_limit_usd = opt_usd(x, "daily_limit_usd", &mut errs);
        }
        if let Some(x) = o.get("window_seconds") {
            c.window_seconds =
                int_in(x, "window_seconds", 1, 31_536_000, &mut errs).unwrap_or(c.window_seconds);
        }
        if let Some(x) = o.get("replay_ttl_seconds") {
            c.replay_ttl_seconds =
                int_in(x, "replay_ttl_seconds", 1, 604_800, &mut errs).unwrap_or(300);
        }
        if let Some(x) = o.get("reservation_lease_seconds") {
            c.reservation_lease_seconds =
                int_in(x, "reservation_lease_seconds", 1, 86_400, &mut errs).unwrap_or(900);
        }
        if let Some(x) = o.get("agent_id") {
            match x.as_str() {
                Some(s) if s.len() <= 128 && !s.chars().any(char::is_control) => {
                    c.agent_id = s.to_string()
                }
                Some(_) => ConfigError::push(&mut errs, "agent_id", Code::ConfigOutOfRange),
                None => ConfigError::push(&mut errs, "agent_id", Code::ConfigBadType),
            }
        }
        if let Some(x) = o.get("replica_id") {
            match x.as_str() {
                Some(s) if s.is_empty() || crate::audit::is_replica_id(s) => {
                    c.replica_id = s.to_string()
                }
                Some(_) => ConfigError::push(&mut errs, "replica_id", Code::ConfigOutOfRange),
                None => ConfigError::push(&mut errs, "replica_id", Code::ConfigBadType),
            }
        }
        if let Some(x) = o.get("pin_pay_to") {
            match x.as_bool() {
                Some(b) => c.pin_pay_to = b,
                None => ConfigError::push(&mut errs, "pin_pay_to", Code::ConfigBadType),
            }
        }
        if let Some(x) = o.get("per_endpoint") {
            c.per_endpoint = per_endpoint(x, &mut errs);
        }
        if let Some(x) = o.get("trusted_wallets") {
            match x.as_object() {
                None => c.trusted_wallets = wallets(x, "trusted_wallets", &mut errs),
                Some(m) if m.len() > MAX_ENDPOINTS => {
                    ConfigError::push(&mut errs, "trusted_wallets", Code::ConfigOutOfRange);
                }
                Some(m) => {
                    for (k, list) in m {
                        let path = format!("trusted_wallets.{k}");
                        let ws = wallets(list, &path, &mut errs);
                        if k == "*" {
                            c.trusted_wallets = ws;
                            continue;
                        }
                        match EndpointKey::parse(k) {
                            // An empty list for an endpoint would silently allow any payee there.
                            Ok(_) if list.as_array().is_some_and(Vec::is_empty) => {
                                ConfigError::push(&mut errs, &path, Code::ConfigOutOfRange)
                            }
                            Ok(key) => c.trusted_wallets_by_endpoint.push((key, ws)),
                            Err(code) => ConfigError::push(&mut errs, &path, code),
                        }
                    }
                }
            }
        }
        if let Some(x) = o.get("networks") {
            for (i, s) in strings(x, "networks", &mut errs).into_iter().enumerate() {
                match assets::normalize_network(&s, 1) {
                    Ok(n) => c.networks.push(n),
                    Err(code) => ConfigError::push(&mut errs, &format!("networks[{i}]"), code),
                }
            }
        }
        if let Some(x) = o.get("assets") {
            extra_assets(x, &mut c.assets, &mut errs);
        }
        if let Some(x) = o.get("pii") {
            c.pii = pii(x, &mut errs);
        }
        if let Some(x) = o.get("payload") {
            c.payload = payload_table(x, &mut errs);
        }
        let (controls, pinning) = crate::controls::parse(o, &mut errs);
        c.controls = controls;
        if let Some(p) = pinning {
            c.pin_pay_to = p;
        }
        match o.get("mpa") {
            None | Some(Value::Null) => {}
            Some(x) => match MpaConfig::from_json(x, "mpa") {
                Ok(m) => c.mpa = Some(m),
                Err(e) => errs.extend(e),
            },
        }
        if errs.is_empty() {
            Ok(c)
        } else {
            Err(errs)
        }
    }
}

fn usd(x: &Value, path: &str, errs: &mut Vec<ConfigError>) -> Option<Usd> {
    let text = match x {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => {
            ConfigError::push(errs, path, Code::ConfigBadType);
            return None;
        }
    };
    match Usd::parse(&text) {
        Ok(u) => Some(u),
        Err(code) => {
            ConfigError::push(errs, path, code);
            None
        }
    }
}

fn opt_usd(x: &Value, path: &str, errs: &mut Vec<ConfigError>) -> Option<Usd> {
    if x.is_null() {
        None
    } else {
        usd(x, path, errs)
    }
}

pub(crate) fn int_in(
    x: &Value,
    path: &str,
    lo: u64,
    hi: u64,
    errs: &mut Vec<ConfigError>,
) -> Option<u64> {
    match x.as_u64() {
        Some(n) if (lo..=hi).contains(&n) => Some(n),
        Some(_) => {
            ConfigError::push(errs, path, Code::ConfigOutOfRange);
            None
        }
        None if x.is_number() => {
            ConfigError::push(errs, path, Code::ConfigOutOfRange);
            None
        }
        None => {
            ConfigError::push(errs, path, Code::ConfigBadType);
            None
        }
    }
}

/// An array of payee addresses, canonicalised; bad ones are reported at `path[i]`.
fn wallets(x: &Value, path: &str, errs: &mut Vec<ConfigError>) -> Vec<String> {
    let mut out = Vec::new();
    for (i, s) in strings(x, path, errs).into_iter().enumerate() {
        if (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            out.push(GuardConfig::canonical_wallet(&s));
        } else {
            ConfigError::push(errs, &format!("{path}[{i}]"), Code::ConfigBadAddress);
        }
    }
    out
}

fn strings(x: &Value, path: &str, errs: &mut Vec<ConfigError>) -> Vec<String> {
    let Some(a) = x.as_array() else {
        ConfigError::push(errs, path, Code::ConfigBadType);
        return Vec::new();
    };
    if a.len() > MAX_LIST {
        ConfigError::push(errs, path, Code::ConfigOutOfRange);
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, s) in a.iter().enumerate() {
        match s.as_str() {
            Some(s) => out.push(s.to_string()),
            None => ConfigError::push(errs, &format!("{path}[{i}]"), Code::ConfigBadType),
        }
    }
    out
}

fn per_endpoint(x: &Value, errs: &mut Vec<ConfigError>) -> Vec<(EndpointKey, Usd)> {
    let Some(m) = x.as_object() else {
        ConfigError::push(errs, "per_endpoint", Code::ConfigBadType);
        return Vec::new();
    };
    if m.len() > MAX_ENDPOINTS {
        ConfigError::push(errs, "per_endpoint", Code::ConfigOutOfRange);
        return Vec::new();
    }
    let mut out: Vec<(EndpointKey, Usd)> = Vec::new();
    for (k, v) in m {
        let path = format!("per_endpoint.{k}");
        let key = EndpointKey::parse(k);
        let limit = usd(v, &path, errs);
        match (key, limit) {
            (Ok(key), Some(limit)) => {
                if out.iter().any(|(e, _)| *e == key) {
                    ConfigError::push(errs, &path, Code::ConfigBadEndpoint);
                } else {
                    out.push((key, limit));
                }
            }
            (Err(code), _) => ConfigError::push(errs, &path, code),
            _ => {}
        }
    }
    out
}

fn extra_assets(x: &Value, table: &mut Vec<TrustedAsset>, errs: &mut Vec<ConfigError>) {
    let Some(a) = x.as_array() else {
        ConfigError::push(errs, "assets", Code::ConfigBadType);
        return;
    };
    if a.len() > MAX_LIST {
        ConfigError::push(errs, "assets", Code::ConfigOutOfRange);
        return;
    }
    for (i, e) in a.iter().enumerate() {
        let path = format!("assets[{i}]");
        let Some(o) = e.as_object() else {
            ConfigError::push(errs, &path, Code::ConfigBadType);
            continue;
        };
        let before = errs.len();
        crate::controls::unknown_keys(o, ASSET_KEYS, &path, errs);
        let (network, address) = assets::asset_id(o, &path, errs);
        let decimals = o
            .get("decimals")
            .and_then(Value::as_u64)
            .filter(|d| *d <= 38);
        if decimals.is_none() {
            ConfigError::push(errs, &format!("{path}.decimals"), Code::ConfigBadAsset);
        }
        let price = match o.get("usd_price") {
            Some(p) => usd(p, &format!("{path}.usd_price"), errs),
            None => {
                ConfigError::push(errs, &format!("{path}.usd_price"), Code::ConfigBadAsset);
                None
            }
        };
        let symbol = match o.get("symbol") {
            None => String::new(),
            Some(Value::String(s)) if s.len() <= 32 => s.clone(),
            Some(_) => {
                ConfigError::push(errs, &format!("{path}.symbol"), Code::ConfigBadAsset);
                String::new()
            }
        };
        if errs.len() != before {
            continue;
        }
        if let (Some(network), Some(address), Some(decimals), Some(usd_price)) =
            (network, address, decimals, price)
        {
            let entry = TrustedAsset {
                network,
                address: address.to_string(),
                symbol,
                decimals: decimals as u8,
                usd_price,
            };
            // A configured entry replaces a built-in one for the same asset.
            table.retain(|t| {
                assets::lookup(std::slice::from_ref(t), &entry.network, &entry.address).is_none()
            });
            table.push(entry);
        }
    }
}

fn payload_table(x: &Value, errs: &mut Vec<ConfigError>) -> Binding {
    let mut b = Binding::default();
    let Some(o) = x.as_object() else {
        ConfigError::push(errs, "payload", Code::ConfigBadType);
        return b;
    };
    for k in o.keys() {
        if !PAYLOAD_KEYS.contains(&k.as_str()) {
            ConfigError::push(errs, &format!("payload.{k}"), Code::ConfigUnknownField);
        }
    }
    if let Some(m) = o.get("check") {
        match m.as_str().map(payload::Mode::parse) {
            Some(Some(m)) => b.mode = m,
            Some(None) => ConfigError::push(errs, "payload.check", Code::ConfigOutOfRange),
            None => ConfigError::push(errs, "payload.check", Code::ConfigBadType),
        }
    }
    if let Some(s) = o.get("skew_seconds") {
        b.skew_seconds = int_in(
            s,
            "payload.skew_seconds",
            0,
            payload::MAX_SKEW_SECONDS,
            errs,
        )
        .unwrap_or(payload::DEFAULT_SKEW_SECONDS);
    }
    match o.get("wallet") {
        None | Some(Value::Null) => {}
        Some(Value::String(w))
            if crate::assets::valid_address("eip155:1", w)
                || crate::assets::valid_address(crate::assets::SOLANA_MAINNET, w) =>
        {
            b.wallet = Some(GuardConfig::canonical_wallet(w));
        }
        Some(Value::String(_)) => ConfigError::push(errs, "payload.wallet", Code::ConfigBadAddress),
        Some(_) => ConfigError::push(errs, "payload.wallet", Code::ConfigBadType),
    }
    b
}

fn pii(x: &Value, errs: &mut Vec<ConfigError>) -> PiiConfig {
    let mut p = PiiConfig::default();
    let Some(o) = x.as_object() else {
        ConfigError::push(errs, "pii", Code::ConfigBadType);
        return p;
    };
    for k in o.keys() {
        if !PII_KEYS.contains(&k.as_str()) {
            ConfigError::push(errs, &format!("pii.{k}"), Code::ConfigUnknownField);
        }
    }
    if let Some(e) = o.get("entities") {
        p.entities.clear();
        for (i, s) in strings(e, "pii.entities", errs).into_iter().enumerate() {
            match EntityType::parse(&s) {
                Some(t) if !p.entities.contains(&t) => p.entities.push(t),
                Some(_) => {}
                None => ConfigError::push(errs, &format!("pii.entities[{i}]"), Code::ConfigBadPii),
            }
        }
    }
    if let Some(a) = o.get("action") {
        match a.as_str().and_then(PiiAction::parse) {
            Some(a) => p.action = a,
            None => ConfigError::push(errs, "pii.action", Code::ConfigBadPii),
        }
    }
    if let Some(t) = o.get("template") {
        match t.as_str() {
            Some(s)
                if s.len() <= crate::pii::MAX_TEMPLATE_BYTES
                    && !s.chars().any(char::is_control)
                    && !crate::pii::template_reads_as_pii(s) =>
            {
                p.template = s.to_string()
            }
            _ => ConfigError::push(errs, "pii.template", Code::ConfigBadPii),
        }
    }
    if let Some(m) = o.get("min_score") {
        match m.as_u64().filter(|&n| n <= 1000) {
            Some(n) => p.min_score = n as u16,
            None => ConfigError::push(errs, "pii.min_score", Code::ConfigBadPii),
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn seed_example_parses_exactly() {
        let c = GuardConfig::from_value(&json!({
            "max_per_call_usd": 0.10, "daily_limit_usd": 5.0,
            "per_endpoint": {"https://api.example.com": 1.0}
        }))
        .unwrap();
        assert_eq!(c.max_per_call_usd.unwrap().to_string(), "0.1");
        assert_eq!(c.daily_limit_usd.unwrap(), Usd::dollars(5));
        assert_eq!(c.per_endpoint[0].0.origin, "https://api.example.com");
    }

    #[test]
    fn every_error_is_reported_with_a_path() {
        let e = GuardConfig::from_value(&json!({
            "max_per_cal_usd": 1, "daily_limit_usd": "-1", "window_seconds": 0,
            "per_endpoint": {"ftp://x": 1, "https://ok.example": "1e"},
            "pii": {"entities": ["EMAIL", "PERSON"], "action": "shout"},
            "assets": [{"network": "base", "address": "0x12", "decimals": 6, "usd_price": 1}]
        }))
        .unwrap_err();
        let got: Vec<String> = e.iter().map(ToString::to_string).collect();
        for want in [
            "max_per_cal_usd: config-unknown-field",
            "daily_limit_usd: usd-malformed",
            "window_seconds: config-out-of-range",
            "per_endpoint.ftp://x: config-bad-endpoint",
            "per_endpoint.https://ok.example: usd-malformed",
            "pii.entities[0]: config-bad-pii",
            "pii.action: config-bad-pii",
            "assets[0].address: config-bad-address",
        ] {
            assert!(got.iter().any(|g| g == want), "missing {want} in {got:?}");
        }
    }
}
