//! # presidio-x402-component
//!
//! The `presidio:x402/api` interface (`wit/presidio-x402.wit`) over
//! [`presidio_x402_core`], built for `wasm32-unknown-unknown` and linked by
//! the toolchain's `wasm-component-ld` (its module optimised by `wasm-opt`,
//! `tools/wasm-ld-opt.sh`) into `presidio_x402.wasm`, a component that
//! **imports nothing** (`make component`).
//!
//! This crate holds no rule. Every function converts WIT values to core
//! values, calls the core, and converts back; the decisions, their order and
//! every error code come from the core. `host-test` checks that the built
//! component gives the same bytes as the native core.

/// The heap allocator: talc, which allocates and frees faster than the
/// standard library's dlmalloc port and takes fewer bytes (the component
/// allocates on every crossing; `make bench` measures it).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use exports::presidio::x402::api::{self as wit, Guest, GuestDriver, GuestGuard};
use presidio_x402_core::audit::{self, AuditEvent, Head};
use presidio_x402_core::driver::{self, Driver};
use presidio_x402_core::error::Code;
use presidio_x402_core::facade::{self, views};
use presidio_x402_core::guard::Guard;
use presidio_x402_core::mpa::{self, ApprovalRequest, MpaConfig};
use presidio_x402_core::pii::{EntityType, PiiHint};
use presidio_x402_core::pipeline::{
    self, Assessment, Decision, HostResults, Outcome, PaymentContext, WebhookAnswer,
};
use presidio_x402_core::{config::GuardConfig, pii, ConfigError};
use serde_json::{json, Value};
use std::cell::RefCell;

wit_bindgen::generate!({
    path: "../wit",
    world: "guard-core",
});

/// The exported component.
struct Component;

export!(Component);

/// Maps every core [`Code`] to the WIT `error-code` case of the same name
/// and back. Both matches are exhaustive, so a code added on one side only
/// does not compile; host-test checks that the order matches `Code::ALL`.
macro_rules! code_map {
    ($($v:ident),* $(,)?) => {
        fn code_out(c: Code) -> wit::ErrorCode {
            match c { $(Code::$v => wit::ErrorCode::$v,)* }
        }
        fn code_in(c: wit::ErrorCode) -> Code {
            match c { $(wit::ErrorCode::$v => Code::$v,)* }
        }
    };
}

code_map!(
    ChallengeTooLarge,
    ChallengeTooDeep,
    ChallengeBadBase64,
    ChallengeBadJson,
    ChallengeMissing,
    ChallengeUnsupportedVersion,
    ChallengeMissingField,
    ChallengeBadField,
    ChallengeNoOffers,
    ChallengeTooManyOffers,
    ChallengeFieldTooLong,
    NoAcceptableOffer,
    UnknownNetwork,
    AmountMalformed,
    AmountOverflow,
    UsdMalformed,
    UsdTooPrecise,
    UsdOverflow,
    AssetUntrusted,
    ConfigMalformed,
    ConfigUnknownField,
    ConfigBadType,
    ConfigOutOfRange,
    ConfigBadEndpoint,
    ConfigBadAddress,
    ConfigBadAsset,
    ConfigBadThreshold,
    ConfigBadApprover,
    ConfigBadPii,
    ConfigClientSpendControls,
    UrlInvalid,
    PolicyPerCallExceeded,
    PolicyWindowExceeded,
    PolicyEndpointExceeded,
    WalletNotTrusted,
    PayToPinMismatch,
    TooManyReservations,
    ReservationExpired,
    StateCorrupt,
    StateFull,
    ReplayDetected,
    KeyTooShort,
    AuditMalformedLine,
    AuditBadMac,
    AuditSeqGap,
    AuditChainBroken,
    AuditTruncated,
    AuditHeadMismatch,
    AuditLineTooLong,
    AuditPartialLine,
    AuditReplicaMismatch,
    AuditReplicaDuplicate,
    AuditLogMissing,
    MpaDenied,
    MpaTimeout,
    MpaExpired,
    MpaBadSignature,
    MpaUnknownApprover,
    MpaBadResponse,
    PiiBlocked,
    PiiInputTooLarge,
    SignerFailed,
    SettlementFailed,
    PayloadMalformed,
    PayloadMismatch,
    PayloadExpiryTooLong,
    PaymentIdMismatch,
    StoreUnavailable,
    InvalidInput,
    AuditBadKey,
    ConfigIdentityChanged,
    MpaHumanUnavailable,
    GuardHalted,
    VelocityExceeded,
    AssetCapExceeded,
    QuoteDriftExceeded,
);

fn config_errors(es: Vec<ConfigError>) -> Vec<wit::ConfigError> {
    es.into_iter()
        .map(|e| wit::ConfigError {
            path: e.path,
            code: code_out(e.code),
        })
        .collect()
}

fn context_in(ctx: &wit::PaymentContext) -> PaymentContext<'_> {
    PaymentContext {
        method: &ctx.method,
        request_url: &ctx.request_url,
        payment_required: ctx.payment_required.as_deref(),
        body: ctx.body.as_deref(),
        reason: &ctx.reason,
        // The fine-grained `guard` resource keeps its record; the driver's
        // `begin` carries the request's body digest and idempotency key.
        request_body_sha256: None,
        idempotency_key: None,
        now_ms: ctx.now_ms,
    }
}

fn head_in(h: Option<wit::Head>) -> Option<Head> {
    h.map(|h| Head {
        seq: h.seq,
        mac: h.mac,
    })
}

fn head_out(h: Head) -> wit::Head {
    wit::Head {
        seq: h.seq,
        mac: h.mac,
    }
}

/// The flat WIT form of an assessment.
fn assessment_out(id: u64, a: &Assessment) -> wit::Assessment {
    let o = a.offer.as_ref();
    wit::Assessment {
        id,
        blocked: a.blocked.map(code_out),
        x402_version: a.x402_version,
        method: a.method.clone(),
        scheme: o.map(|o| o.scheme.clone()),
        network: o.map(|o| o.network.clone()),
        asset: o.map(|o| o.asset.clone()),
        pay_to: o.map(|o| o.pay_to.clone()),
        amount: o.map(|o| o.amount.to_string()),
        max_timeout_seconds: o.map(|o| o.max_timeout_seconds),
        amount_usd: a.amount_usd.map(|u| u.to_string()),
        limit_usd: a.limit_usd.map(|u| u.to_string()),
        current_usd: a.current_usd.map(|u| u.to_string()),
        fingerprint: a.fingerprint.clone(),
        replay_ttl_ms: a.replay_ttl_ms,
        approval_request_json: a.approval.as_ref().map(ApprovalRequest::canonical),
        approval_expires_at_ms: a.approval.as_ref().map(|r| r.expires_at_ms),
        requirements_json: a.requirements.to_string(),
        metadata_json: views::metadata_json(&a.metadata).to_string(),
        pii_entities: a
            .pii_entities
            .iter()
            .map(|e| e.as_str().to_string())
            .collect(),
        pii_count: u32::try_from(a.pii_count).unwrap_or(u32::MAX),
    }
}

/// The WIT form of a decision.
fn decision_out(d: Decision) -> wit::Decision {
    let metrics = presidio_x402_core::pipeline::metrics_json(&d.metrics);
    wit::Decision {
        allowed: d.allowed,
        code: d.code.map(code_out),
        audit_line: d.audit_line,
        head: head_out(d.head),
        metrics_json: metrics.to_string(),
        forget_fingerprint: d.forget_fingerprint,
    }
}

/// A [`Guard`] behind the WIT resource (methods take `&self`).
struct GuardResource(RefCell<Guard>);

impl GuestGuard for GuardResource {
    fn create(config_json: String) -> Result<wit::Guard, Vec<wit::ConfigError>> {
        let g = Guard::new(&config_json).map_err(config_errors)?;
        Ok(wit::Guard::new(GuardResource(RefCell::new(g))))
    }

    fn load_state(&self, state: String) -> Result<(), wit::ErrorCode> {
        self.0
            .borrow_mut()
            .load_state_json(&state)
            .map_err(code_out)
    }

    fn state(&self) -> String {
        self.0.borrow().state_json()
    }

    fn approvers_json(&self) -> Option<String> {
        self.0
            .borrow()
            .config()
            .mpa
            .as_ref()
            .map(|m| m.summary().to_string())
    }

    fn assess(&self, ctx: wit::PaymentContext, replay_key: Vec<u8>) -> wit::Assessment {
        let mut g = self.0.borrow_mut();
        let (id, a) = g.assess(&context_in(&ctx), &replay_key);
        assessment_out(id, a)
    }

    fn assess_with_hints(
        &self,
        ctx: wit::PaymentContext,
        hints: Vec<wit::PiiHint>,
        replay_key: Vec<u8>,
    ) -> Result<wit::Assessment, wit::ErrorCode> {
        let hints = hints
            .into_iter()
            .map(|h| match EntityType::parse(&h.entity_type) {
                Some(entity) => Ok(PiiHint {
                    entity,
                    text: h.text,
                    score: h.score,
                }),
                None => Err(wit::ErrorCode::InvalidInput),
            })
            .collect::<Result<Vec<_>, _>>()?;
        PiiHint::validate(&hints).map_err(code_out)?;
        let mut g = self.0.borrow_mut();
        let (id, a) = g.assess_with_hints(&context_in(&ctx), &hints, &replay_key);
        Ok(assessment_out(id, a))
    }

    fn finalize(
        &self,
        id: u64,
        io: wit::HostResults,
        audit_key: Vec<u8>,
        head: Option<wit::Head>,
        now_ms: u64,
    ) -> Result<wit::Decision, wit::ErrorCode> {
        let mut g = self.0.borrow_mut();
        let webhooks: Vec<WebhookAnswer> = io
            .webhook_answers
            .into_iter()
            .map(|w| WebhookAnswer {
                approver_id: w.approver_id,
                status: w.status,
                body: w.body,
                hmac: w.hmac,
                timed_out: w.timed_out,
            })
            .collect();
        let votes = match g.assessment(id) {
            Some(a) => {
                pipeline::judge_approvals(g.config(), a, &io.countersignatures, &webhooks, now_ms)
            }
            None => Vec::new(),
        };
        let results = HostResults {
            replay_fresh: io.replay_fresh,
            votes,
        };
        g.finalize(id, &results, &audit_key, head_in(head).as_ref(), now_ms)
            .map(decision_out)
            .map_err(code_out)
    }

    fn settle(
        &self,
        id: u64,
        outcome: wit::Outcome,
        audit_key: Vec<u8>,
        head: Option<wit::Head>,
        now_ms: u64,
    ) -> Result<wit::Decision, wit::ErrorCode> {
        let outcome = match outcome {
            wit::Outcome::Settled => Outcome::Settled,
            wit::Outcome::Failed(c) => Outcome::Failed(code_in(c)),
        };
        let mut g = self.0.borrow_mut();
        g.settle(id, outcome, &audit_key, head_in(head).as_ref(), now_ms)
            .map(decision_out)
            .map_err(code_out)
    }

    fn undo(&self) -> bool {
        self.0.borrow_mut().undo()
    }
}

/// A [`Driver`] behind the WIT resource (methods take `&self`). JSON text
/// crosses unchanged: the same bytes as the native core.
struct DriverResource(RefCell<Driver>);

impl GuestDriver for DriverResource {
    fn create(
        config_json: String,
        profile_json: String,
        replay_key: Vec<u8>,
        audit_key: Vec<u8>,
    ) -> Result<wit::Driver, Vec<wit::ConfigError>> {
        let d = Driver::from_json(&config_json, &profile_json, &replay_key, &audit_key)
            .map_err(config_errors)?;
        Ok(wit::Driver::new(DriverResource(RefCell::new(d))))
    }

    fn open(&self) -> String {
        self.0.borrow_mut().open_json()
    }

    fn begin(&self, begin_json: String, now_ms: u64) -> Result<String, wit::ErrorCode> {
        self.0
            .borrow_mut()
            .begin_json(&begin_json, now_ms)
            .map_err(code_out)
    }

    fn handle(&self, id: u64, now_ms: u64, events_json: String) -> Result<String, wit::ErrorCode> {
        self.0
            .borrow_mut()
            .handle_json(id, now_ms, &events_json)
            .map_err(code_out)
    }

    fn state(&self) -> String {
        self.0.borrow().state_json()
    }

    fn load_state(&self, state: String) -> Result<(), wit::ErrorCode> {
        self.0
            .borrow_mut()
            .load_state_json(&state)
            .map_err(code_out)
    }

    fn head(&self) -> Option<wit::Head> {
        self.0.borrow().head().cloned().map(head_out)
    }

    fn control(&self, control_json: String, now_ms: u64) -> Result<String, wit::ErrorCode> {
        self.0
            .borrow_mut()
            .control_json(&control_json, now_ms)
            .map_err(code_out)
    }

    fn reload(&self, config_json: String, now_ms: u64) -> String {
        self.0.borrow_mut().reload_json(&config_json, now_ms)
    }

    fn flush(&self, now_ms: u64) -> String {
        self.0.borrow_mut().flush_json(now_ms)
    }
}

impl Guest for Component {
    type Guard = GuardResource;
    type Driver = DriverResource;

    fn call(op: String, input_json: String) -> Result<String, wit::ErrorCode> {
        facade::call_json(&op, &input_json).map_err(code_out)
    }

    fn audit_call(op: String, input_json: String) -> Result<String, wit::ErrorCode> {
        facade::call_audit_json(&op, &input_json).map_err(code_out)
    }

    fn operations() -> Vec<String> {
        facade::OPERATIONS
            .iter()
            .map(|s| (*s).to_string())
            .collect()
    }

    fn describe(code: wit::ErrorCode) -> String {
        code_in(code).describe().to_string()
    }

    fn parse_challenge(
        payment_required: Option<String>,
        body: Option<String>,
        config_json: Option<String>,
    ) -> Result<String, wit::ErrorCode> {
        let config = match config_json {
            Some(c) => facade::parse_input(&c).map_err(code_out)?,
            None => Value::Null,
        };
        let input = json!({"header": payment_required, "body": body, "config": config});
        facade::call("challenge.parse", &input)
            .map(|v| v.to_string())
            .map_err(code_out)
    }

    fn redact(text: String, pii_config_json: String) -> Result<wit::Redaction, wit::ErrorCode> {
        let run = || -> Result<wit::Redaction, Code> {
            let cfg = pii::config_from_json(&facade::parse_input(&pii_config_json)?)?;
            let r = pii::apply(&text, &cfg)?;
            Ok(wit::Redaction {
                text: r.text,
                entities: r
                    .findings
                    .iter()
                    .map(|f| f.entity.as_str().to_string())
                    .collect(),
            })
        };
        run().map_err(code_out)
    }

    fn fingerprint(
        replay_key: Vec<u8>,
        method: String,
        url: String,
        request_body_sha256: Option<String>,
        idempotency_key: Option<String>,
        network: String,
        asset: String,
        pay_to: String,
    ) -> Result<String, wit::ErrorCode> {
        let input = json!({
            "key_hex": presidio_x402_core::hex::encode(&replay_key),
            "method": method, "url": url, "network": network, "asset": asset, "pay_to": pay_to,
            "request_body_sha256": request_body_sha256, "idempotency_key": idempotency_key,
        });
        let out = facade::call("replay.fingerprint", &input).map_err(code_out)?;
        Ok(out
            .get("fingerprint")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string())
    }

    fn audit_append(
        audit_key: Vec<u8>,
        head: Option<wit::Head>,
        event_json: String,
        now_ms: u64,
    ) -> Result<wit::AuditEntry, wit::ErrorCode> {
        let run = || -> Result<wit::AuditEntry, Code> {
            let event = AuditEvent::from_json(&facade::parse_input(&event_json)?)?;
            let (line, head) = audit::append(&audit_key, head_in(head).as_ref(), &event, now_ms)?;
            Ok(wit::AuditEntry {
                line,
                head: head_out(head),
            })
        };
        run().map_err(code_out)
    }

    fn audit_verify(
        audit_key: Vec<u8>,
        log: String,
        start: Option<wit::Head>,
        expected_head: Option<wit::Head>,
    ) -> Result<wit::Head, wit::AuditFailure> {
        audit::verify_text(
            &audit_key,
            &log,
            head_in(start).as_ref(),
            head_in(expected_head).as_ref(),
        )
        .map(head_out)
        .map_err(|f| wit::AuditFailure {
            line: f.line as u64,
            seq: f.seq,
            code: code_out(f.code),
        })
    }

    fn mpa_request(
        payment_json: String,
        now_ms: u64,
        timeout_ms: u64,
    ) -> Result<wit::ApprovalRequest, wit::ErrorCode> {
        let run = || -> Result<wit::ApprovalRequest, Code> {
            let input = json!({"payment": facade::parse_input(&payment_json)?, "now_ms": now_ms, "timeout_ms": timeout_ms});
            let out = facade::call("mpa.request", &input)?;
            let req = ApprovalRequest::from_json(out.get("request").ok_or(Code::InvalidInput)?)?;
            Ok(wit::ApprovalRequest {
                canonical: req.canonical(),
                request_json: req.to_json().to_string(),
                expires_at_ms: req.expires_at_ms,
                request_id: req.request_id,
            })
        };
        run().map_err(code_out)
    }

    fn mpa_countersign(secret: Vec<u8>, request_json: String) -> Result<String, wit::ErrorCode> {
        let run = || -> Result<String, Code> {
            let req = ApprovalRequest::from_json(&facade::parse_input(&request_json)?)?;
            mpa::countersign(&secret, &req)
        };
        run().map_err(code_out)
    }

    fn mpa_verify(
        mpa_config_json: String,
        request_json: String,
        countersignatures: Vec<(String, String)>,
        now_ms: u64,
    ) -> Result<wit::MpaTally, wit::ErrorCode> {
        let run = || -> Result<wit::MpaTally, Code> {
            let cfg = MpaConfig::from_json(&facade::parse_input(&mpa_config_json)?, "mpa")
                .map_err(|e| e.first().map_or(Code::ConfigMalformed, |e| e.code))?;
            let req = ApprovalRequest::from_json(&facade::parse_input(&request_json)?)?;
            let t = mpa::verify_countersignatures(&cfg, &req, &countersignatures, now_ms);
            Ok(wit::MpaTally {
                approvals: u32::try_from(t.approvals).unwrap_or(u32::MAX),
                threshold: u32::try_from(t.threshold).unwrap_or(u32::MAX),
                approved_by: t.approved_by,
                verdict: t.verdict.err().map(code_out),
                problems_json: views::problems_json(&t.problems).to_string(),
            })
        };
        run().map_err(code_out)
    }

    fn validate_config(config_json: String) -> Vec<wit::ConfigError> {
        match GuardConfig::from_json(&config_json) {
            Ok(_) => Vec::new(),
            Err(es) => config_errors(es),
        }
    }

    fn error_table() -> String {
        driver::tables::codes_json().to_string()
    }

    fn metric_table() -> String {
        driver::tables::metrics_json().to_string()
    }

    fn limit_table() -> String {
        driver::tables::limits_json().to_string()
    }

    fn redis_scripts() -> String {
        driver::redis::scripts_json().to_string()
    }
}
