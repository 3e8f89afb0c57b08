//! wasm-bindgen glue over `presidio-x402-core`: the npm package's only way
//! into the core.
//!
//! This crate holds **no rules**. It converts flat JavaScript values to the
//! core's types and back (JSON text for structured results, because the
//! core's `serde_json` uses `arbitrary_precision`, whose numbers
//! serde-wasm-bindgen cannot represent, and because amounts stay decimal
//! strings), and it turns every core [`Code`] into a JavaScript `Error`
//! carrying `.code`. Time, keys and state come from the TypeScript host.
//!
//! Call order (see `presidio_x402_core::pipeline`): `assess` → host I/O
//! (replay store check-and-set, approvals) → `finalize` → sign and send →
//! `settle`.
#![forbid(unsafe_code)]

/// The heap allocator of the wasm module: talc, which allocates and frees
/// several times faster than the standard library's dlmalloc port in wasm
/// (measured in `make bench`; the core allocates on every crossing).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use presidio_x402_core::audit::Head;
use presidio_x402_core::driver;
use presidio_x402_core::error::{Code, ConfigError};
use presidio_x402_core::facade::{self, views};
use presidio_x402_core::guard;
use presidio_x402_core::hex;
use presidio_x402_core::mpa;
use presidio_x402_core::pii;
use presidio_x402_core::pipeline::{self, HostResults, Outcome, PaymentContext, WebhookAnswer};
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// Largest time or id that crosses as a JS number exactly (2^53 - 1).
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

fn code_error(code: Code) -> JsValue {
    let e = js_sys::Error::new(&format!("{}: {}", code.as_str(), code.describe()));
    e.set_name("PresidioCoreError");
    let _ = js_sys::Reflect::set(&e, &"code".into(), &code.as_str().into());
    e.into()
}

fn config_error(errs: &[ConfigError]) -> JsValue {
    let first = errs.first().map_or(Code::ConfigMalformed, |e| e.code);
    let e: JsValue = code_error(first);
    let arr =
        js_sys::JSON::parse(&views::config_errors_json(errs).to_string()).unwrap_or(JsValue::NULL);
    let _ = js_sys::Reflect::set(&e, &"errors".into(), &arr);
    e
}

fn ms(x: f64) -> Result<u64, JsValue> {
    if x.is_finite() && (0.0..=MAX_SAFE).contains(&x) && x.fract() == 0.0 {
        Ok(x as u64)
    } else {
        Err(code_error(Code::InvalidInput))
    }
}

fn head_of(seq: Option<f64>, mac: Option<String>) -> Result<Option<Head>, JsValue> {
    match (seq, mac) {
        (Some(s), Some(m)) => Ok(Some(Head {
            seq: ms(s)?,
            mac: m,
        })),
        (None, None) => Ok(None),
        _ => Err(code_error(Code::InvalidInput)),
    }
}

/// Runs one core operation by name on JSON text (the golden-vector entry
/// point); returns JSON text or throws an `Error` with `.code`.
#[wasm_bindgen]
pub fn call(op: &str, input_json: &str) -> Result<String, JsValue> {
    if !facade::OPERATIONS.contains(&op) {
        return Err(code_error(Code::InvalidInput));
    }
    facade::call_json(op, input_json).map_err(code_error)
}

/// The audit verifications whose input is a whole log (`audit.verify`,
/// `audit.verify-report`, `audit.verify-chains`, `audit.report`), without
/// [`call`]'s 1 MiB input cap: logs outgrow it. The JSON input crosses as
/// UTF-8 bytes and a log's `text` member, when given, as separate bytes: a
/// log of megabytes is copied once, neither escaped into JSON nor passed
/// character by character (wasm-bindgen's string passing took a quarter of a
/// verification's time). JSON text out, as [`call`].
#[wasm_bindgen(js_name = callAuditUtf8)]
pub fn call_audit_utf8(
    op: &str,
    input_json: &[u8],
    text: Option<Vec<u8>>,
) -> Result<String, JsValue> {
    if !facade::AUDIT_OPERATIONS.contains(&op) {
        return Err(code_error(Code::InvalidInput));
    }
    let mut v: Value =
        serde_json::from_slice(input_json).map_err(|_| code_error(Code::InvalidInput))?;
    if let Some(t) = text {
        let t = String::from_utf8(t).map_err(|_| code_error(Code::InvalidInput))?;
        match v.as_object_mut() {
            Some(m) if !m.contains_key("text") => {
                m.insert("text".to_owned(), Value::String(t));
            }
            _ => return Err(code_error(Code::InvalidInput)),
        }
    }
    facade::call(op, &v)
        .map(|out| out.to_string())
        .map_err(code_error)
}

/// Every operation name [`call`] understands, as a JSON array.
#[wasm_bindgen]
pub fn operations() -> String {
    Value::from(facade::OPERATIONS.to_vec()).to_string()
}

/// Every error code with its fixed description, as a JSON object.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> String {
    let m: serde_json::Map<String, Value> = Code::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), Value::from(c.describe())))
        .collect();
    Value::Object(m).to_string()
}

/// `n` random bytes from the platform CSPRNG (for replay and audit keys).
#[wasm_bindgen(js_name = randomBytes)]
pub fn random_bytes(n: usize) -> Result<Vec<u8>, JsValue> {
    if n == 0 || n > 1024 {
        return Err(code_error(Code::InvalidInput));
    }
    let mut out = vec![0u8; n];
    fill_random(&mut out)?;
    Ok(out)
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn fill_random(out: &mut [u8]) -> Result<(), JsValue> {
    getrandom::fill(out).map_err(|_| code_error(Code::InvalidInput))
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn fill_random(_out: &mut [u8]) -> Result<(), JsValue> {
    Err(code_error(Code::InvalidInput))
}

/// One configured guard with its state and in-flight assessments.
#[wasm_bindgen]
pub struct Guard {
    inner: guard::Guard,
}

#[wasm_bindgen]
impl Guard {
    /// Validates `config_json`; throws an `Error` with `.code` (the first
    /// problem) and `.errors` (every `{path, code}`).
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str) -> Result<Guard, JsValue> {
        guard::Guard::new(config_json)
            .map(|inner| Guard { inner })
            .map_err(|e| config_error(&e))
    }

    /// Step 1: assess a 402. Returns the assessment JSON plus `id` and, when
    /// approval is needed, `approval_canonical` (the webhook POST body).
    #[allow(clippy::too_many_arguments)]
    pub fn assess(
        &mut self,
        method: &str,
        request_url: &str,
        payment_required: Option<String>,
        body: Option<String>,
        reason: &str,
        now_ms: f64,
        replay_key: &[u8],
    ) -> Result<String, JsValue> {
        let ctx = PaymentContext {
            method,
            request_url,
            payment_required: payment_required.as_deref(),
            body: body.as_deref(),
            reason,
            // The fine-grained guard keeps its signature; the driver's
            // `begin` carries the request's body digest and idempotency key.
            request_body_sha256: None,
            idempotency_key: None,
            now_ms: ms(now_ms)?,
        };
        let (id, a) = self.inner.assess(&ctx, replay_key);
        let mut out = String::with_capacity(2048);
        views::write_assessment(&mut out, a, Some(id));
        Ok(out)
    }

    /// Step 3: the pre-signing verdict. `replay_fresh` is the replay store's
    /// answer (`undefined` when it failed). `approvals_json` is
    /// `{"signatures": [[approver_id, hex]...], "webhooks": [{approver_id,
    /// status, body_hex, hmac, timed_out}...]}` (raw evidence, judged by the
    /// core) or empty. Returns the decision JSON plus the judged `votes`.
    #[allow(clippy::too_many_arguments)]
    pub fn finalize(
        &mut self,
        id: f64,
        replay_fresh: Option<bool>,
        approvals_json: &str,
        audit_key: &[u8],
        head_seq: Option<f64>,
        head_mac: Option<String>,
        now_ms: f64,
    ) -> Result<String, JsValue> {
        let id = ms(id)?;
        let now = ms(now_ms)?;
        let head = head_of(head_seq, head_mac)?;
        let votes = if approvals_json.is_empty() {
            Vec::new()
        } else {
            let (sigs, hooks) = approvals(approvals_json)?;
            let a = self
                .inner
                .assessment(id)
                .ok_or_else(|| code_error(Code::InvalidInput))?;
            pipeline::judge_approvals(self.inner.config(), a, &sigs, &hooks, now)
        };
        let io = HostResults {
            replay_fresh,
            votes,
        };
        let d = self
            .inner
            .finalize(id, &io, audit_key, head.as_ref(), now)
            .map_err(code_error)?;
        let mut out = String::with_capacity(1024);
        views::write_decision(&mut out, &d, Some(&io.votes));
        Ok(out)
    }

    /// Step 4: `outcome` is `"settled"` or a failure code (`signer-failed`,
    /// `settlement-failed`). Returns the decision JSON.
    pub fn settle(
        &mut self,
        id: f64,
        outcome: &str,
        audit_key: &[u8],
        head_seq: Option<f64>,
        head_mac: Option<String>,
        now_ms: f64,
    ) -> Result<String, JsValue> {
        let outcome = match outcome {
            "settled" => Outcome::Settled,
            c => Outcome::Failed(Code::parse(c).ok_or_else(|| code_error(Code::InvalidInput))?),
        };
        let head = head_of(head_seq, head_mac)?;
        let d = self
            .inner
            .settle(ms(id)?, outcome, audit_key, head.as_ref(), ms(now_ms)?)
            .map_err(code_error)?;
        let mut out = String::with_capacity(1024);
        views::write_decision(&mut out, &d, None);
        Ok(out)
    }

    /// Takes back the last successful assess/finalize/settle on the in-flight
    /// assessments (not the state): a store whose compare-and-set lost a race
    /// reloads the state and runs the step again. False when nothing to undo.
    pub fn undo(&mut self) -> bool {
        self.inner.undo()
    }

    /// The state's serialised form, for the host's store.
    #[wasm_bindgen(js_name = stateJson)]
    pub fn state_json(&self) -> String {
        self.inner.state_json()
    }

    /// Replaces the state with a stored one (empty text: a fresh state).
    #[wasm_bindgen(js_name = loadStateJson)]
    pub fn load_state_json(&mut self, text: &str) -> Result<(), JsValue> {
        self.inner.load_state_json(text).map_err(code_error)
    }

    /// The MPA settings without secrets (`null` when MPA is off): threshold,
    /// timeout_ms, allow_private_webhooks and each approver's id, mode and
    /// webhook_url.
    #[wasm_bindgen(js_name = mpaSummary)]
    pub fn mpa_summary(&self) -> String {
        self.inner
            .config()
            .mpa
            .as_ref()
            .map_or(Value::Null, mpa::MpaConfig::summary)
            .to_string()
    }

    /// Whether a webhook may be posted to `address` (an IP literal the host
    /// resolved the webhook's host to) under this guard's MPA settings.
    #[wasm_bindgen(js_name = webhookAddressAllowed)]
    pub fn webhook_address_allowed(&self, address: &str) -> bool {
        self.inner
            .config()
            .mpa
            .as_ref()
            .is_some_and(|m| mpa::webhook_address_allowed(m, address))
    }

    /// Redacts `text` with this guard's PII settings: `{text, count, entities}`.
    pub fn redact(&self, text: &str) -> Result<String, JsValue> {
        let r = pii::redact(text, &self.inner.config().pii).map_err(code_error)?;
        Ok(views::redaction_json(&r).to_string())
    }
}

/// The sans-I/O payment driver (`presidio_x402_core::driver`): one
/// configured guard with its keys and host profile. The host performs the
/// actions it returns and feeds back what happened; every crossing is JSON
/// text in and out, the same bytes as in every other host.
#[wasm_bindgen]
pub struct Driver {
    inner: driver::Driver,
}

#[wasm_bindgen]
impl Driver {
    /// Validates `config_json` and `profile_json` (`{"shared", "keep_head",
    /// "log_reads_back"}`, empty text: all false). Throws an `Error` with
    /// `.code` and, for configuration problems, `.errors` (every `{path,
    /// code}`), like the `Guard` constructor.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config_json: &str,
        profile_json: &str,
        replay_key: &[u8],
        audit_key: &[u8],
    ) -> Result<Driver, JsValue> {
        driver::Driver::from_json(config_json, profile_json, replay_key, audit_key)
            .map(|inner| Driver { inner })
            .map_err(|e| driver_new_error(&e))
    }

    /// Starts the guard (audit head reconciliation): `{"id", "actions"}`.
    pub fn open(&mut self) -> String {
        self.inner.open_json()
    }

    /// Starts a payment for a request that got a 402 (`begin_json`: `{method,
    /// url, payment_required, body, reason, hints, seed}`): `{"id", "actions"}`.
    pub fn begin(&mut self, begin_json: &str, now_ms: f64) -> Result<String, JsValue> {
        self.inner
            .begin_json(begin_json, ms(now_ms)?)
            .map_err(code_error)
    }

    /// Starts a control task (the kill switch): `{"halt": true, "by",
    /// "reason"}` or `{"halt": false}`; `{"id", "actions"}`, run like a payment's.
    pub fn control(&mut self, control_json: &str, now_ms: f64) -> Result<String, JsValue> {
        self.inner
            .control_json(control_json, ms(now_ms)?)
            .map_err(code_error)
    }

    /// [`Driver::begin`] with the request as values (no hints): the same
    /// output, without a JSON round trip. The 402 body is `body` (text) or
    /// `body_bytes` (the bytes read, decoded by the core with `content_type`),
    /// not both. Each input is capped like `begin`'s JSON input.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = beginRequest)]
    pub fn begin_request(
        &mut self,
        method: &str,
        url: &str,
        payment_required: Option<String>,
        body: Option<String>,
        body_bytes: Option<Vec<u8>>,
        content_type: Option<String>,
        request_body_sha256: Option<String>,
        idempotency_key: Option<String>,
        reason: &str,
        seed: f64,
        now_ms: f64,
    ) -> Result<String, JsValue> {
        let cap = driver::wire::MAX_EVENTS_BYTES;
        let too_long = [method.len(), url.len(), reason.len()]
            .into_iter()
            .chain(payment_required.as_ref().map(String::len))
            .chain(body.as_ref().map(String::len))
            .chain(request_body_sha256.as_ref().map(String::len))
            .chain(idempotency_key.as_ref().map(String::len))
            .chain(body_bytes.as_ref().map(Vec::len))
            .chain(content_type.as_ref().map(String::len))
            .any(|n| n > cap);
        if too_long || (body.is_some() && body_bytes.is_some()) {
            return Err(code_error(Code::InvalidInput));
        }
        let b = driver::Begin {
            method: method.to_string(),
            url: url.to_string(),
            payment_required,
            body,
            request_body_sha256,
            idempotency_key,
            body_bytes,
            content_type,
            reason: reason.to_string(),
            hints: Vec::new(),
            seed: ms(seed)?,
            purchase: None,
            spans: false,
        };
        Ok(self.inner.begin_text(b, ms(now_ms)?))
    }

    /// Replaces the policy on the running guard (`Driver::reload_json`):
    /// `{"id", "actions"}`, a task whose `done` says whether it applied.
    pub fn reload(&mut self, config_json: &str, now_ms: f64) -> Result<String, JsValue> {
        Ok(self.inner.reload_json(config_json, ms(now_ms)?))
    }

    /// The guard is quiet: saves an audit head the store does not hold yet
    /// (`Driver::flush_json`, whose docs give the host's contract):
    /// `{"id", "actions"}`, run like a payment's.
    pub fn flush(&mut self, now_ms: f64) -> Result<String, JsValue> {
        Ok(self.inner.flush_json(ms(now_ms)?))
    }

    /// One crossing of task `id`: the answers (`events_json`, one event or an
    /// array) in, the next batch of actions (a JSON array) out.
    pub fn handle(&mut self, id: f64, now_ms: f64, events_json: &str) -> Result<String, JsValue> {
        self.inner
            .handle_json(ms(id)?, ms(now_ms)?, events_json)
            .map_err(code_error)
    }

    /// The state's serialised form (with a shared store: as of the last step).
    #[wasm_bindgen(js_name = stateJson)]
    pub fn state_json(&self) -> String {
        self.inner.state_json()
    }

    /// Replaces the state with a saved one (empty text: a fresh state), for
    /// an unshared store.
    #[wasm_bindgen(js_name = loadStateJson)]
    pub fn load_state_json(&mut self, text: &str) -> Result<(), JsValue> {
        self.inner.load_state_json(text).map_err(code_error)
    }

    /// The current audit head as JSON text: `{"seq", "mac"}` or `null`.
    pub fn head(&self) -> String {
        head_text(self.inner.head())
    }
}

/// A driver construction failure: configuration problems as in
/// [`Guard::new`]; a problem outside the configuration (the profile, a key
/// too short), reported with an empty path, as a plain coded error.
fn driver_new_error(errs: &[ConfigError]) -> JsValue {
    match errs {
        [e] if e.path.is_empty() && !e.code.as_str().starts_with("config-") => code_error(e.code),
        _ => config_error(errs),
    }
}

fn head_text(h: Option<&Head>) -> String {
    h.map_or(Value::Null, Head::to_json).to_string()
}

/// The limits the package applies while reading from the network (the 402
/// body cap and read deadline), as JSON text (`driver::tables::limits_json`).
#[wasm_bindgen(js_name = limitTable)]
pub fn limit_table() -> String {
    driver::tables::limits_json().to_string()
}

/// The Lua scripts of the Redis store protocol by name, as JSON text
/// (`driver::redis::scripts_json`): what `RedisStore` registers.
#[wasm_bindgen(js_name = redisScripts)]
pub fn redis_scripts() -> String {
    driver::redis::scripts_json().to_string()
}

/// Every error code with its family, class, description and policy
/// `limit_type`, as JSON text (`driver::tables::codes_json`): the table the
/// package builds its error classes from.
#[wasm_bindgen(js_name = errorTable)]
pub fn error_table() -> String {
    driver::tables::codes_json().to_string()
}

/// Every metric the core emits, with type, help, labels and histogram
/// buckets, as JSON text (`driver::tables::metrics_json`).
#[wasm_bindgen(js_name = metricTable)]
pub fn metric_table() -> String {
    driver::tables::metrics_json().to_string()
}

type Approvals = (Vec<(String, String)>, Vec<WebhookAnswer>);

fn approvals(text: &str) -> Result<Approvals, JsValue> {
    let bad = || code_error(Code::InvalidInput);
    let v: Value = serde_json::from_str(text).map_err(|_| bad())?;
    let mut sigs = Vec::new();
    for p in v
        .get("signatures")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match p.as_array().map(Vec::as_slice) {
            Some([Value::String(a), Value::String(s)]) => sigs.push((a.clone(), s.clone())),
            _ => return Err(bad()),
        }
    }
    let mut hooks = Vec::new();
    for h in v
        .get("webhooks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let s = |k: &str| h.get(k).and_then(Value::as_str);
        hooks.push(WebhookAnswer {
            approver_id: s("approver_id").ok_or_else(bad)?.to_string(),
            status: h
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|x| u16::try_from(x).ok())
                .unwrap_or(0),
            body: hex::decode(s("body_hex").unwrap_or("")).ok_or_else(bad)?,
            hmac: s("hmac").map(str::to_string),
            timed_out: h.get("timed_out").and_then(Value::as_bool).unwrap_or(false),
        });
    }
    Ok((sigs, hooks))
}

#[cfg(test)]
mod tests {
    //! Native tests of the conversions that create no JS value (errors
    //! need a JS engine: they are covered by the package's Node tests).
    use super::*;
    use serde_json::json;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn tables_are_the_cores_json() {
        let codes: Value = serde_json::from_str(&error_table()).unwrap();
        let codes = codes.as_array().unwrap();
        assert_eq!(codes.len(), Code::ALL.len());
        for (row, c) in codes.iter().zip(Code::ALL) {
            assert_eq!(row["code"], c.as_str());
            assert!(row["family"].is_string() && row["class"].is_string());
        }
        let metrics: Value = serde_json::from_str(&metric_table()).unwrap();
        assert_eq!(metrics, driver::tables::metrics_json());
    }

    #[test]
    fn driver_crossings_are_the_cores_bytes() {
        let cfg = r#"{"max_per_call_usd": "0.10"}"#;
        let mut glue = Driver::new(cfg, "", &KEY, &KEY).unwrap_or_else(|_| panic!("valid config"));
        let mut core = driver::Driver::from_json(cfg, "", &KEY, &KEY).unwrap();
        assert_eq!(glue.open(), core.open_json());
        assert_eq!(glue.head(), "null");
        let body = json!({"x402Version": 1, "error": "pay", "accepts": [{"scheme": "exact", "network": "base-sepolia",
            "maxAmountRequired": "10000", "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
            "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "resource": "https://api.example.com/x",
            "description": "d", "mimeType": "application/json", "maxTimeoutSeconds": 60}]});
        let begin =
            json!({"url": "https://api.example.com/x", "body": body.to_string(), "seed": 1})
                .to_string();
        let (g, c) = (
            glue.begin(&begin, 1000.0).ok().unwrap(),
            core.begin_json(&begin, 1000).unwrap(),
        );
        assert_eq!(g, c);
        // An unshared store: the replay set lives in the driver, the payment goes to `sign`.
        let first: Value = serde_json::from_str(&g).unwrap();
        assert_eq!(first["actions"][0]["do"], "audit", "{g}");
        assert_eq!(first["actions"][1]["do"], "sign", "{g}");
        let id = first["id"].as_u64().unwrap();
        // A payload that authorizes exactly the approved payment (the core binds it).
        let ev = json!({"on": "signed", "payload": {"signature": format!("0x{}", "11".repeat(65)),
            "authorization": {"from": format!("0x{}", "22".repeat(20)),
                "to": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "value": "10000",
                "validAfter": "0", "validBefore": "61", "nonce": format!("0x{}", "00".repeat(32))}}})
        .to_string();
        let ev = ev.as_str();
        let (g, c) = (
            glue.handle(id as f64, 1001.0, ev).ok().unwrap(),
            core.handle_json(id, 1001, ev).unwrap(),
        );
        assert_eq!(g, c);
        assert!(g.contains(r#""do":"send""#), "{g}");
        assert_eq!(glue.head(), head_text(core.head()));
        assert_ne!(glue.head(), "null");
        assert_eq!(glue.state_json(), core.state_json());
        assert_eq!(
            head_text(Some(&Head {
                seq: 3,
                mac: "ab".repeat(32)
            })),
            format!(r#"{{"mac":"{}","seq":3}}"#, "ab".repeat(32))
        );
    }
}
