//! # presidio-x402-host-test
//!
//! A Rust wasmtime host for `presidio_x402.wasm`. Its `bindgen!` reads the
//! same `wit/` as the guest. The tests (`tests/component.rs`) run every
//! golden vector through the component, compare it byte for byte with the
//! native core on generated hostile inputs, and check that the component
//! imports nothing and stays under 1 MiB; `tests/driver.rs` replays the
//! driver transcripts (`vectors/driver/`) through the `driver` resource.
//!
//! The component is built by `make component` into
//! `target/presidio_x402.wasm` (`PRESIDIO_X402_WASM` overrides the path).

use presidio_x402_core::guard::Guard;
use presidio_x402_core::pipeline::{
    self, Assessment, Decision, HostResults, Outcome, PaymentContext, WebhookAnswer,
};
use presidio_x402_core::Code;
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::sync::OnceLock;
use wasmtime::component::{Component, Linker, ResourceAny};
use wasmtime::{Config, Engine, Store};

pub mod gen;

wasmtime::component::bindgen!({
    path: "../wit",
    world: "guard-core",
});

/// The generated host types of the `presidio:x402/api` interface.
pub use exports::presidio::x402::api as wit;

/// Largest component accepted, in bytes.
pub const MAX_COMPONENT_BYTES: u64 = 1 << 20;

/// Where the built component is read from.
pub fn wasm_path() -> PathBuf {
    match std::env::var_os("PRESIDIO_X402_WASM") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/presidio_x402.wasm"),
    }
}

/// The path of `wit/presidio-x402.wit`.
pub fn wit_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../wit/presidio-x402.wit")
}

/// The component's bytes, or a panic that says how to build it.
pub fn wasm_bytes() -> Vec<u8> {
    let p = wasm_path();
    std::fs::read(&p).unwrap_or_else(|e| {
        panic!(
            "cannot read the component at {} ({e}): run `make component` first (or `make test`)",
            p.display()
        )
    })
}

/// The shared engine (default Cranelift settings).
pub fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(&Config::new()).expect("wasmtime engine"))
}

/// The compiled component, compiled once per process.
pub fn component() -> &'static Component {
    static C: OnceLock<Component> = OnceLock::new();
    C.get_or_init(|| Component::new(engine(), wasm_bytes()).expect("the component compiles"))
}

/// The `error-code` case names in `wit/presidio-x402.wit`, in order.
pub fn wit_error_names() -> Vec<String> {
    let text = std::fs::read_to_string(wit_path()).expect("wit/presidio-x402.wit is readable");
    let start = text
        .find("enum error-code {")
        .expect("the WIT declares enum error-code");
    let body = &text[start + "enum error-code {".len()..];
    let body = &body[..body.find('}').expect("enum error-code is closed")];
    body.lines()
        .map(|l| l.split("//").next().unwrap_or("").trim())
        .flat_map(|l| l.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The kebab-case name of a WIT error code (by its position in the enum).
pub fn code_name(c: wit::ErrorCode) -> &'static str {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    let names = NAMES.get_or_init(wit_error_names);
    names[c as u8 as usize].as_str()
}

/// An instance of the component in its own store.
pub struct Host {
    /// The store (no host state: the component imports nothing).
    pub store: Store<()>,
    /// The instantiated bindings.
    pub bindings: GuardCore,
}

impl Default for Host {
    fn default() -> Self {
        Host::new()
    }
}

impl Host {
    /// Instantiates the component with an empty linker.
    pub fn new() -> Host {
        let mut store = Store::new(engine(), ());
        let linker = Linker::new(engine());
        let bindings = GuardCore::instantiate(&mut store, component(), &linker)
            .expect("instantiates with no imports");
        Host { store, bindings }
    }

    /// The exported interface, for calls these helpers do not wrap.
    pub fn api(&self) -> &wit::Guest {
        self.bindings.presidio_x402_api()
    }

    /// `call(op, input)`; a trap panics (the component must never trap).
    pub fn call(&mut self, op: &str, input: &str) -> Result<String, &'static str> {
        let r = self
            .bindings
            .presidio_x402_api()
            .call_call(&mut self.store, op, input)
            .unwrap_or_else(|t| trap("call", op, &t));
        r.map_err(code_name)
    }

    /// `audit-call(op, input)`: the audit verifications without `call`'s input cap.
    pub fn audit_call(&mut self, op: &str, input: &str) -> Result<String, &'static str> {
        let r = self
            .bindings
            .presidio_x402_api()
            .call_audit_call(&mut self.store, op, input)
            .unwrap_or_else(|t| trap("audit-call", op, &t));
        r.map_err(code_name)
    }

    /// `operations()`.
    pub fn operations(&mut self) -> Vec<String> {
        self.bindings
            .presidio_x402_api()
            .call_operations(&mut self.store)
            .unwrap_or_else(|t| trap("operations", "", &t))
    }

    /// `guard.create(config)`: the guard handle or the config errors as `(path, code)`.
    pub fn create(&mut self, config: &str) -> Result<ResourceAny, Vec<(String, &'static str)>> {
        let r = self
            .bindings
            .presidio_x402_api()
            .guard()
            .call_create(&mut self.store, config)
            .unwrap_or_else(|t| trap("create", config, &t));
        r.map_err(|es| {
            es.into_iter()
                .map(|e| (e.path, code_name(e.code)))
                .collect()
        })
    }

    /// Drops a guard handle.
    pub fn drop_guard(&mut self, g: ResourceAny) {
        g.resource_drop(&mut self.store).expect("resource drop");
    }

    /// `guard.load-state`.
    pub fn load_state(&mut self, g: ResourceAny, state: &str) -> Result<(), &'static str> {
        let r = self
            .bindings
            .presidio_x402_api()
            .guard()
            .call_load_state(&mut self.store, g, state)
            .unwrap_or_else(|t| trap("load-state", state, &t));
        r.map_err(code_name)
    }

    /// `guard.state`.
    pub fn state(&mut self, g: ResourceAny) -> String {
        self.bindings
            .presidio_x402_api()
            .guard()
            .call_state(&mut self.store, g)
            .unwrap_or_else(|t| trap("state", "", &t))
    }

    /// `guard.approvers-json`.
    pub fn approvers_json(&mut self, g: ResourceAny) -> Option<String> {
        self.bindings
            .presidio_x402_api()
            .guard()
            .call_approvers_json(&mut self.store, g)
            .unwrap_or_else(|t| trap("approvers-json", "", &t))
    }

    /// `guard.assess`.
    pub fn assess(
        &mut self,
        g: ResourceAny,
        ctx: &wit::PaymentContext,
        replay_key: &[u8],
    ) -> wit::Assessment {
        self.bindings
            .presidio_x402_api()
            .guard()
            .call_assess(&mut self.store, g, ctx, replay_key)
            .unwrap_or_else(|t| trap("assess", &format!("{ctx:?}"), &t))
    }

    /// `guard.assess-with-hints`.
    pub fn assess_with_hints(
        &mut self,
        g: ResourceAny,
        ctx: &wit::PaymentContext,
        hints: &[wit::PiiHint],
        replay_key: &[u8],
    ) -> Result<wit::Assessment, &'static str> {
        self.bindings
            .presidio_x402_api()
            .guard()
            .call_assess_with_hints(&mut self.store, g, ctx, hints, replay_key)
            .unwrap_or_else(|t| trap("assess-with-hints", &format!("{ctx:?} {hints:?}"), &t))
            .map_err(code_name)
    }

    /// `guard.finalize`.
    pub fn finalize(
        &mut self,
        g: ResourceAny,
        id: u64,
        io: &wit::HostResults,
        audit_key: &[u8],
        head: Option<&wit::Head>,
        now_ms: u64,
    ) -> Result<wit::Decision, &'static str> {
        let r = self
            .bindings
            .presidio_x402_api()
            .guard()
            .call_finalize(&mut self.store, g, id, io, audit_key, head, now_ms)
            .unwrap_or_else(|t| trap("finalize", &format!("{io:?}"), &t));
        r.map_err(code_name)
    }

    /// `guard.settle`.
    pub fn settle(
        &mut self,
        g: ResourceAny,
        id: u64,
        outcome: wit::Outcome,
        audit_key: &[u8],
        head: Option<&wit::Head>,
        now_ms: u64,
    ) -> Result<wit::Decision, &'static str> {
        let r = self
            .bindings
            .presidio_x402_api()
            .guard()
            .call_settle(&mut self.store, g, id, outcome, audit_key, head, now_ms)
            .unwrap_or_else(|t| trap("settle", &format!("{outcome:?}"), &t));
        r.map_err(code_name)
    }

    /// `guard.undo`.
    pub fn undo(&mut self, g: ResourceAny) -> bool {
        self.bindings
            .presidio_x402_api()
            .guard()
            .call_undo(&mut self.store, g)
            .unwrap_or_else(|t| trap("undo", "", &t))
    }
}

/// The `driver` resource (`presidio_x402_core::driver`): JSON text in and out.
impl Host {
    /// `driver.create(config, profile, replay-key, audit-key)`: the handle or the
    /// config errors as `(path, code)`.
    pub fn driver_create(
        &mut self,
        config: &str,
        profile: &str,
        replay_key: &[u8],
        audit_key: &[u8],
    ) -> Result<ResourceAny, Vec<(String, &'static str)>> {
        let r = self
            .bindings
            .presidio_x402_api()
            .driver()
            .call_create(&mut self.store, config, profile, replay_key, audit_key)
            .unwrap_or_else(|t| trap("driver.create", &format!("{config} {profile}"), &t));
        r.map_err(|es| {
            es.into_iter()
                .map(|e| (e.path, code_name(e.code)))
                .collect()
        })
    }

    /// Drops a driver handle.
    pub fn drop_driver(&mut self, d: ResourceAny) {
        d.resource_drop(&mut self.store).expect("resource drop");
    }

    /// `driver.open`: `{"id","actions"}`.
    pub fn driver_open(&mut self, d: ResourceAny) -> String {
        self.bindings
            .presidio_x402_api()
            .driver()
            .call_open(&mut self.store, d)
            .unwrap_or_else(|t| trap("driver.open", "", &t))
    }

    /// `driver.reload`: `{"id","actions"}`.
    pub fn driver_reload(&mut self, d: ResourceAny, config: &str, now_ms: u64) -> String {
        self.bindings
            .presidio_x402_api()
            .driver()
            .call_reload(&mut self.store, d, config, now_ms)
            .unwrap_or_else(|t| trap("driver.reload", config, &t))
    }

    /// `driver.flush`: `{"id","actions"}`.
    pub fn driver_flush(&mut self, d: ResourceAny, now_ms: u64) -> String {
        self.bindings
            .presidio_x402_api()
            .driver()
            .call_flush(&mut self.store, d, now_ms)
            .unwrap_or_else(|t| trap("driver.flush", "", &t))
    }

    /// `driver.begin`: `{"id","actions"}` or the error code.
    pub fn driver_begin(
        &mut self,
        d: ResourceAny,
        begin: &str,
        now_ms: u64,
    ) -> Result<String, &'static str> {
        let r = self
            .bindings
            .presidio_x402_api()
            .driver()
            .call_begin(&mut self.store, d, begin, now_ms)
            .unwrap_or_else(|t| trap("driver.begin", begin, &t));
        r.map_err(code_name)
    }

    /// `driver.control`: `{"id", "actions"}` or the error code.
    pub fn driver_control(
        &mut self,
        d: ResourceAny,
        control: &str,
        now_ms: u64,
    ) -> Result<String, &'static str> {
        let r = self
            .bindings
            .presidio_x402_api()
            .driver()
            .call_control(&mut self.store, d, control, now_ms)
            .unwrap_or_else(|t| trap("driver.control", control, &t));
        r.map_err(code_name)
    }

    /// `driver.handle`: the actions array or the error code.
    pub fn driver_handle(
        &mut self,
        d: ResourceAny,
        id: u64,
        now_ms: u64,
        events: &str,
    ) -> Result<String, &'static str> {
        let r = self
            .bindings
            .presidio_x402_api()
            .driver()
            .call_handle(&mut self.store, d, id, now_ms, events)
            .unwrap_or_else(|t| trap("driver.handle", events, &t));
        r.map_err(code_name)
    }

    /// `driver.state`.
    pub fn driver_state(&mut self, d: ResourceAny) -> String {
        self.bindings
            .presidio_x402_api()
            .driver()
            .call_state(&mut self.store, d)
            .unwrap_or_else(|t| trap("driver.state", "", &t))
    }

    /// `driver.load-state`.
    pub fn driver_load_state(&mut self, d: ResourceAny, state: &str) -> Result<(), &'static str> {
        let r = self
            .bindings
            .presidio_x402_api()
            .driver()
            .call_load_state(&mut self.store, d, state)
            .unwrap_or_else(|t| trap("driver.load-state", state, &t));
        r.map_err(code_name)
    }

    /// `driver.head`.
    pub fn driver_head(&mut self, d: ResourceAny) -> Option<wit::Head> {
        self.bindings
            .presidio_x402_api()
            .driver()
            .call_head(&mut self.store, d)
            .unwrap_or_else(|t| trap("driver.head", "", &t))
    }

    /// `error-table`.
    pub fn error_table(&mut self) -> String {
        self.bindings
            .presidio_x402_api()
            .call_error_table(&mut self.store)
            .unwrap_or_else(|t| trap("error-table", "", &t))
    }

    /// `metric-table`.
    pub fn metric_table(&mut self) -> String {
        self.bindings
            .presidio_x402_api()
            .call_metric_table(&mut self.store)
            .unwrap_or_else(|t| trap("metric-table", "", &t))
    }

    /// `limit-table`.
    pub fn limit_table(&mut self) -> String {
        self.bindings
            .presidio_x402_api()
            .call_limit_table(&mut self.store)
            .unwrap_or_else(|t| trap("limit-table", "", &t))
    }
}

fn trap(what: &str, input: &str, t: &wasmtime::Error) -> ! {
    let mut shown: String = input.chars().take(300).collect();
    if shown.len() < input.len() {
        shown.push('…');
    }
    panic!("the component trapped in {what} (input {shown:?}): {t:?}")
}

// ---- comparable forms of the typed flow --------------------------------------

/// An assessment as comparable text fields (built from the WIT record or
/// independently from the native [`Assessment`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlatAssessment {
    /// Every field, by WIT name, rendered as text.
    pub fields: Vec<(&'static str, String)>,
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "none".to_string(), |v| format!("some({v})"))
}

impl FlatAssessment {
    /// From the component's record.
    pub fn from_wit(a: &wit::Assessment) -> Self {
        FlatAssessment {
            fields: vec![
                ("id", a.id.to_string()),
                ("blocked", opt(a.blocked.map(code_name))),
                ("x402-version", a.x402_version.to_string()),
                ("method", a.method.clone()),
                ("scheme", opt(a.scheme.as_ref())),
                ("network", opt(a.network.as_ref())),
                ("asset", opt(a.asset.as_ref())),
                ("pay-to", opt(a.pay_to.as_ref())),
                ("amount", opt(a.amount.as_ref())),
                ("max-timeout-seconds", opt(a.max_timeout_seconds)),
                ("amount-usd", opt(a.amount_usd.as_ref())),
                ("limit-usd", opt(a.limit_usd.as_ref())),
                ("current-usd", opt(a.current_usd.as_ref())),
                ("fingerprint", opt(a.fingerprint.as_ref())),
                ("replay-ttl-ms", a.replay_ttl_ms.to_string()),
                (
                    "approval-request-json",
                    opt(a.approval_request_json.as_ref()),
                ),
                ("approval-expires-at-ms", opt(a.approval_expires_at_ms)),
                ("requirements-json", a.requirements_json.clone()),
                ("metadata-json", a.metadata_json.clone()),
                ("pii-entities", a.pii_entities.join(",")),
                ("pii-count", a.pii_count.to_string()),
            ],
        }
    }

    /// From the native core's assessment.
    pub fn from_native(id: u64, a: &Assessment) -> Self {
        let o = a.offer.as_ref();
        let m = &a.metadata;
        let mut meta = Map::new();
        meta.insert("request_url".into(), json!(m.request_url));
        meta.insert("resource_url".into(), json!(m.resource_url));
        meta.insert("description".into(), json!(m.description));
        meta.insert("reason".into(), json!(m.reason));
        meta.insert("extra".into(), m.extra.clone());
        meta.insert("resource_echo".into(), m.resource_echo.clone());
        FlatAssessment {
            fields: vec![
                ("id", id.to_string()),
                ("blocked", opt(a.blocked.map(Code::as_str))),
                ("x402-version", a.x402_version.to_string()),
                ("method", a.method.clone()),
                ("scheme", opt(o.map(|o| &o.scheme))),
                ("network", opt(o.map(|o| &o.network))),
                ("asset", opt(o.map(|o| &o.asset))),
                ("pay-to", opt(o.map(|o| &o.pay_to))),
                ("amount", opt(o.map(|o| o.amount))),
                ("max-timeout-seconds", opt(o.map(|o| o.max_timeout_seconds))),
                ("amount-usd", opt(a.amount_usd)),
                ("limit-usd", opt(a.limit_usd)),
                ("current-usd", opt(a.current_usd)),
                ("fingerprint", opt(a.fingerprint.as_ref())),
                ("replay-ttl-ms", a.replay_ttl_ms.to_string()),
                (
                    "approval-request-json",
                    opt(a.approval.as_ref().map(|r| r.canonical())),
                ),
                (
                    "approval-expires-at-ms",
                    opt(a.approval.as_ref().map(|r| r.expires_at_ms)),
                ),
                ("requirements-json", a.requirements.to_string()),
                ("metadata-json", Value::Object(meta).to_string()),
                (
                    "pii-entities",
                    a.pii_entities
                        .iter()
                        .map(|e| e.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                ("pii-count", a.pii_count.to_string()),
            ],
        }
    }
}

/// A decision (or its error code) as comparable text.
pub fn decision_from_wit(d: &Result<wit::Decision, &'static str>) -> String {
    match d {
        Ok(d) => format!(
            "allowed={} code={} head={}/{} forget={}\n{}\n{}",
            d.allowed,
            opt(d.code.map(code_name)),
            d.head.seq,
            d.head.mac,
            d.forget_fingerprint,
            d.audit_line,
            d.metrics_json
        ),
        Err(c) => format!("error {c}"),
    }
}

/// The native decision rendered like [`decision_from_wit`].
pub fn decision_from_native(d: &Result<Decision, Code>) -> String {
    match d {
        Ok(d) => {
            let metrics = presidio_x402_core::pipeline::metrics_json(&d.metrics);
            format!(
                "allowed={} code={} head={}/{} forget={}\n{}\n{}",
                d.allowed,
                opt(d.code.map(Code::as_str)),
                d.head.seq,
                d.head.mac,
                d.forget_fingerprint,
                d.audit_line,
                metrics
            )
        }
        Err(c) => format!("error {}", c.as_str()),
    }
}

/// Runs the native finalize the way the component does: judge the raw
/// approval evidence, then finalize.
pub fn native_finalize(
    g: &mut Guard,
    id: u64,
    io: &wit::HostResults,
    audit_key: &[u8],
    head: Option<&wit::Head>,
    now_ms: u64,
) -> Result<Decision, Code> {
    let webhooks: Vec<WebhookAnswer> = io
        .webhook_answers
        .iter()
        .map(|w| WebhookAnswer {
            approver_id: w.approver_id.clone(),
            status: w.status,
            body: w.body.clone(),
            hmac: w.hmac.clone(),
            timed_out: w.timed_out,
        })
        .collect();
    let votes = g
        .assessment(id)
        .map(|a| pipeline::judge_approvals(g.config(), a, &io.countersignatures, &webhooks, now_ms))
        .unwrap_or_default();
    let head = head.map(|h| presidio_x402_core::audit::Head {
        seq: h.seq,
        mac: h.mac.clone(),
    });
    g.finalize(
        id,
        &HostResults {
            replay_fresh: io.replay_fresh,
            votes,
        },
        audit_key,
        head.as_ref(),
        now_ms,
    )
}

/// The native settle with a WIT outcome.
pub fn native_settle(
    g: &mut Guard,
    id: u64,
    outcome: wit::Outcome,
    audit_key: &[u8],
    head: Option<&wit::Head>,
    now_ms: u64,
) -> Result<Decision, Code> {
    let outcome = match outcome {
        wit::Outcome::Settled => Outcome::Settled,
        wit::Outcome::Failed(c) => Outcome::Failed(Code::parse(code_name(c)).expect("a core code")),
    };
    let head = head.map(|h| presidio_x402_core::audit::Head {
        seq: h.seq,
        mac: h.mac.clone(),
    });
    g.settle(id, outcome, audit_key, head.as_ref(), now_ms)
}

/// The native context for a WIT context.
pub fn native_context(c: &wit::PaymentContext) -> PaymentContext<'_> {
    PaymentContext {
        method: &c.method,
        request_url: &c.request_url,
        payment_required: c.payment_required.as_deref(),
        body: c.body.as_deref(),
        reason: &c.reason,
        request_body_sha256: None,
        idempotency_key: None,
        now_ms: c.now_ms,
    }
}

/// Every case of the generated `error-code` enum; a test checks that the
/// position of each equals its discriminant and that the count matches the
/// WIT file.
pub fn wit_codes() -> &'static [wit::ErrorCode] {
    use wit::ErrorCode as E;
    &[
        E::ChallengeTooLarge,
        E::ChallengeTooDeep,
        E::ChallengeBadBase64,
        E::ChallengeBadJson,
        E::ChallengeMissing,
        E::ChallengeUnsupportedVersion,
        E::ChallengeMissingField,
        E::ChallengeBadField,
        E::ChallengeNoOffers,
        E::ChallengeTooManyOffers,
        E::ChallengeFieldTooLong,
        E::NoAcceptableOffer,
        E::UnknownNetwork,
        E::AmountMalformed,
        E::AmountOverflow,
        E::UsdMalformed,
        E::UsdTooPrecise,
        E::UsdOverflow,
        E::AssetUntrusted,
        E::ConfigMalformed,
        E::ConfigUnknownField,
        E::ConfigBadType,
        E::ConfigOutOfRange,
        E::ConfigBadEndpoint,
        E::ConfigBadAddress,
        E::ConfigBadAsset,
        E::ConfigBadThreshold,
        E::ConfigBadApprover,
        E::ConfigBadPii,
        E::ConfigClientSpendControls,
        E::UrlInvalid,
        E::PolicyPerCallExceeded,
        E::PolicyWindowExceeded,
        E::PolicyEndpointExceeded,
        E::WalletNotTrusted,
        E::PayToPinMismatch,
        E::TooManyReservations,
        E::ReservationExpired,
        E::StateCorrupt,
        E::StateFull,
        E::ReplayDetected,
        E::KeyTooShort,
        E::AuditMalformedLine,
        E::AuditBadMac,
        E::AuditSeqGap,
        E::AuditChainBroken,
        E::AuditTruncated,
        E::AuditHeadMismatch,
        E::AuditLineTooLong,
        E::AuditPartialLine,
        E::AuditReplicaMismatch,
        E::AuditReplicaDuplicate,
        E::AuditLogMissing,
        E::MpaDenied,
        E::MpaTimeout,
        E::MpaExpired,
        E::MpaBadSignature,
        E::MpaUnknownApprover,
        E::MpaBadResponse,
        E::PiiBlocked,
        E::PiiInputTooLarge,
        E::SignerFailed,
        E::SettlementFailed,
        E::PayloadMalformed,
        E::PayloadMismatch,
        E::PayloadExpiryTooLong,
        E::PaymentIdMismatch,
        E::StoreUnavailable,
        E::InvalidInput,
        E::AuditBadKey,
        E::ConfigIdentityChanged,
        E::MpaHumanUnavailable,
        E::GuardHalted,
        E::VelocityExceeded,
        E::AssetCapExceeded,
        E::QuoteDriftExceeded,
    ]
}
