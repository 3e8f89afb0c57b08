//! The decision pipeline: everything a host needs for one payment, in two
//! calls, with the host's I/O in between.
//!
//! ## Call order
//! 1. [`assess`] — after a 402 arrives, before anything is signed. It parses
//!    the challenge and selects an offer, scans and redacts every metadata
//!    string, checks the payee, evaluates the spending policy (reserving the
//!    amount in `state`), computes the replay fingerprint and, when MPA
//!    applies, the approval request.
//! 2. The host does its I/O, only if the assessment is not already blocked:
//!    an atomic check-and-set of [`Assessment::fingerprint`] with
//!    [`Assessment::replay_ttl_ms`] in its replay store, and the approvals.
//! 3. [`finalize`] — with the I/O results. It gives the final verdict, the
//!    audit line and the metric increments, and releases the reservation if
//!    the payment is refused. If it is allowed, the host signs and sends.
//! 4. [`settle`] — after the paid request: commits the reservation (success)
//!    or releases it and tells the host to forget the fingerprint (failure),
//!    so a retry is neither charged twice nor taken for a replay.
//!
//! Every call appends exactly one audit line, blocked attempts included.

use crate::audit::{self, AuditEvent, Head};
use crate::challenge::{self, PaymentOffer};
use crate::config::GuardConfig;
use crate::controls::alerts::{self, Alert};
use crate::controls::{drift, PinMode};
use crate::echo::{self, Scan};
use crate::error::Code;
use crate::ledger::Reservation;
use crate::money::{self, Usd};
use crate::mpa::{self, ApprovalRequest, Vote};
use crate::pii::{self, EntityType, PiiAction};
use crate::policy::{self, GuardState, PolicyVerdict};
use crate::replay::{self, PaymentIdentity};
use crate::url;
use crate::url_mask;
use serde_json::Value;

/// Longest `reason` string accepted, in bytes.
pub const MAX_REASON_BYTES: usize = 4 * 1024;
/// Longest HTTP method accepted.
pub const MAX_METHOD_BYTES: usize = 16;

/// What the host knows about one 402 response.
#[derive(Clone, Copy, Debug)]
pub struct PaymentContext<'a> {
    /// HTTP method of the request being paid for.
    pub method: &'a str,
    /// The real request URL (not the server's claim).
    pub request_url: &'a str,
    /// The v2 `PAYMENT-REQUIRED` header, if present.
    pub payment_required: Option<&'a str>,
    /// The 402 body, if any.
    pub body: Option<&'a str>,
    /// The agent's own reason for paying (metadata; may be empty).
    pub reason: &'a str,
    /// SHA-256 (hex) of the request's body, when it has one the host could
    /// read: part of the purchase's identity (see [`crate::replay`]).
    pub request_body_sha256: Option<&'a str>,
    /// The caller's idempotency key, if any (see [`crate::replay`]).
    pub idempotency_key: Option<&'a str>,
    /// Current time.
    pub now_ms: u64,
}

/// The metadata that may leave the process, after PII handling.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata {
    /// The request URL, credentials masked and PII redacted (what audit
    /// lines and approval requests name).
    pub request_url: String,
    /// The server's resource URL, credentials masked, redacted.
    pub resource_url: String,
    /// The description, redacted.
    pub description: String,
    /// The agent's reason, redacted.
    pub reason: String,
    /// `extra`, with every string and key redacted (as in `requirements`).
    pub extra: Value,
    /// The v2 `resource` object to echo in the payment payload, redacted,
    /// keys included, with its URL's credentials masked (`Null` in v1).
    pub resource_echo: Value,
}

/// The result of [`assess`].
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    /// `Some` when the payment is already refused; the host skips its I/O.
    pub blocked: Option<Code>,
    /// x402 version of the challenge (0 when it could not be parsed).
    pub x402_version: u8,
    /// The selected offer, with its metadata fields as sent (redacted unless
    /// the action is `warn`); its `raw` field is moved to `requirements`.
    pub offer: Option<PaymentOffer>,
    /// The selected requirement to sign (and, in v2, to send as `accepted`):
    /// its payment fields (scheme, network, amount, asset, payee, timeout)
    /// exactly as offered, every other member and key redacted (see
    /// [`crate::echo`] for why that is safe on the x402 wire).
    pub requirements: Value,
    /// Metadata after PII handling (what is sent and logged).
    pub metadata: Metadata,
    /// Entity types found, sorted and unique.
    pub pii_entities: Vec<EntityType>,
    /// Number of PII findings.
    pub pii_count: usize,
    /// Exact USD value of the payment, when priced.
    pub amount_usd: Option<Usd>,
    /// The limit that refused the payment, for policy blocks.
    pub limit_usd: Option<Usd>,
    /// Spend already counted against that limit, for policy blocks.
    pub current_usd: Option<Usd>,
    /// The reservation made by the policy step.
    pub reservation: Option<Reservation>,
    /// Replay fingerprint (lowercase hex).
    pub fingerprint: Option<String>,
    /// TTL for the replay store entry.
    pub replay_ttl_ms: u64,
    /// The approval request, when MPA applies.
    pub approval: Option<ApprovalRequest>,
    /// What a pre-approval token must bind, when MPA applies (no URL, only its digest).
    pub preapproval: Option<mpa::Preapproval>,
    /// A payee pin to record once the payment succeeds.
    pub pin: Option<(String, String)>,
    /// The price to remember once the payment is paid (quote drift on).
    pub quote: Option<(String, u128)>,
    /// Alerts of this payment (budget fractions reached, a warn-mode payee
    /// change), written to the finalize audit line and counted.
    pub alerts: Vec<crate::controls::alerts::Alert>,
    /// HTTP method, upper-cased.
    pub method: String,
    /// The server's `payment-identifier` declaration, when the v2 challenge
    /// made a well-formed one ([`crate::payid::declaration`]).
    pub payment_id_declaration: Option<Value>,
    /// The purchase's payment id, once the driver has made or checked it
    /// ([`crate::payid`]); written to the audit line.
    pub payment_id: Option<String>,
    /// When the assessment was made.
    pub now_ms: u64,
}

/// The host's I/O results, passed to [`finalize`].
#[derive(Clone, Debug, Default)]
pub struct HostResults {
    /// Result of the replay store's check-and-set: `Some(true)` if the
    /// fingerprint was new (and is now stored), `Some(false)` if present.
    /// `None` means the store could not answer: the payment fails closed.
    pub replay_fresh: Option<bool>,
    /// Approver votes `(approver_id, vote)`, judged by the core:
    /// [`mpa::judge_webhook_response`] for webhook answers and
    /// [`mpa::Tally::votes`] of [`mpa::verify_countersignatures`].
    pub votes: Vec<(String, Vote)>,
}

/// One webhook approver's raw answer (defined in [`mpa`]).
pub use crate::mpa::WebhookAnswer;

/// Turns raw approval evidence (countersignatures `(approver_id, hex)` and
/// webhook answers) into judged votes for [`HostResults::votes`]. Empty when
/// the assessment needs no approval.
pub fn judge_approvals(
    cfg: &GuardConfig,
    a: &Assessment,
    countersignatures: &[(String, String)],
    webhooks: &[WebhookAnswer],
    now_ms: u64,
) -> Vec<(String, Vote)> {
    let (Some(m), Some(req)) = (&cfg.mpa, &a.approval) else {
        return Vec::new();
    };
    let mut votes = Vec::new();
    if !countersignatures.is_empty() {
        votes.extend(
            mpa::verify_with_preapprovals(
                m,
                req,
                a.preapproval.as_ref(),
                countersignatures,
                now_ms,
            )
            .votes(),
        );
    }
    votes.extend(webhooks.iter().map(|w| w.vote(m, req)));
    votes
}

/// One metric update for the host's exporter (seed metric names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metric {
    /// Metric name, e.g. `x402_payments_total`.
    pub name: &'static str,
    /// Label pairs.
    pub labels: Vec<(&'static str, String)>,
    /// `None` to increment a counter by one; `Some(usd)` to observe a histogram value.
    pub observe: Option<String>,
}

/// The JSON form of metric updates, as every host receives them:
/// `[{"name", "labels": {…}, "observe": null | "<usd>"}]`.
pub fn metrics_json(metrics: &[Metric]) -> Value {
    Value::Array(
        metrics
            .iter()
            .map(|m| {
                // Inserted, not collected (see `SpendState::to_json`).
                let mut labels = serde_json::Map::new();
                for (k, v) in &m.labels {
                    labels.insert((*k).to_string(), Value::String(v.clone()));
                }
                obj!(("name", m.name), ("labels", labels), ("observe", m.observe))
            })
            .collect(),
    )
}

/// The result of [`finalize`] or [`settle`].
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// True when the host may sign and send (finalize) / the payment is final (settle).
    pub allowed: bool,
    /// Why not, when refused or failed.
    pub code: Option<Code>,
    /// The audit line to append (no trailing newline).
    pub audit_line: String,
    /// The new audit head.
    pub head: Head,
    /// Metric updates.
    pub metrics: Vec<Metric>,
    /// True when the host must delete the fingerprint from its replay store.
    pub forget_fingerprint: bool,
}

/// Step 1: assess a 402 before signing. Never fails: problems become a
/// blocked assessment with its code, so that every attempt is audited.
pub fn assess(
    cfg: &GuardConfig,
    state: &mut GuardState,
    ctx: &PaymentContext<'_>,
    replay_key: &[u8],
) -> Assessment {
    assess_keyed(cfg, state, ctx, ReplayKey::Raw(replay_key), None)
}

/// The replay key as the caller holds it: raw bytes (keyed when the
/// fingerprint is computed), or the HMAC schedule a [`crate::guard::Guard`]
/// keeps across calls (`None`: a key too short).
#[derive(Clone, Copy)]
pub(crate) enum ReplayKey<'k> {
    /// The key's bytes.
    Raw(&'k [u8]),
    /// The key's schedule, computed once.
    Keyed(Option<&'k crate::audit::AuditMac>),
}

impl ReplayKey<'_> {
    /// The replay fingerprint of `id` under this key (the same either way).
    fn fingerprint(self, id: &PaymentIdentity<'_>) -> Result<String, Code> {
        match self {
            ReplayKey::Raw(k) => replay::fingerprint(k, id),
            ReplayKey::Keyed(m) => replay::fingerprint_keyed(m, id),
        }
    }
}

/// [`assess`] under a [`ReplayKey`], with the guard's clean strings (see
/// [`echo::CleanMemo`]; the same assessment with or without them).
fn assess_keyed(
    cfg: &GuardConfig,
    state: &mut GuardState,
    ctx: &PaymentContext<'_>,
    replay_key: ReplayKey<'_>,
    memo: Option<&mut echo::CleanMemo>,
) -> Assessment {
    let mut a = Assessment {
        blocked: None,
        x402_version: 0,
        offer: None,
        requirements: Value::Null,
        metadata: Metadata::default(),
        pii_entities: Vec::new(),
        pii_count: 0,
        amount_usd: None,
        limit_usd: None,
        current_usd: None,
        reservation: None,
        fingerprint: None,
        replay_ttl_ms: 0,
        approval: None,
        preapproval: None,
        pin: None,
        quote: None,
        alerts: Vec::new(),
        method: ctx.method.to_ascii_uppercase(),
        payment_id_declaration: None,
        payment_id: None,
        now_ms: ctx.now_ms,
    };
    if let Err(code) = assess_into(cfg, state, ctx, replay_key, memo, &mut a) {
        a.blocked = Some(code);
        if let Some(r) = a.reservation.take() {
            state.spend.release(&r);
        }
    }
    a
}

/// [`assess`] with spans a host-side detector found in the same metadata
/// (see [`pii::PiiHint`]): they join the core's own findings, under the same
/// configured entities, `min_score` and action. Invalid hints (too many, too
/// long) block the payment with [`Code::InvalidInput`].
pub fn assess_with_hints(
    cfg: &GuardConfig,
    state: &mut GuardState,
    ctx: &PaymentContext<'_>,
    hints: &[pii::PiiHint],
    replay_key: &[u8],
) -> Assessment {
    assess_with_hints_keyed(cfg, state, ctx, hints, ReplayKey::Raw(replay_key), None)
}

/// [`assess_with_hints`] under a [`ReplayKey`], with the guard's clean
/// strings (used only without hints, see [`echo::CleanMemo`]).
pub(crate) fn assess_with_hints_keyed(
    cfg: &GuardConfig,
    state: &mut GuardState,
    ctx: &PaymentContext<'_>,
    hints: &[pii::PiiHint],
    replay_key: ReplayKey<'_>,
    memo: Option<&mut echo::CleanMemo>,
) -> Assessment {
    if hints.is_empty() {
        return assess_keyed(cfg, state, ctx, replay_key, memo);
    }
    let mut with = cfg.clone();
    with.pii.hints = hints.to_vec();
    if pii::PiiHint::validate(hints).is_err() {
        with.pii.hints.clear();
        let mut a = assess_keyed(
            &with,
            state,
            &PaymentContext {
                body: None,
                payment_required: None,
                ..*ctx
            },
            replay_key,
            None,
        );
        a.blocked = Some(Code::InvalidInput);
        return a;
    }
    assess_keyed(&with, state, ctx, replay_key, None)
}

fn assess_into(
    cfg: &GuardConfig,
    state: &mut GuardState,
    ctx: &PaymentContext<'_>,
    replay_key: ReplayKey<'_>,
    memo: Option<&mut echo::CleanMemo>,
    a: &mut Assessment,
) -> Result<(), Code> {
    let mut scan = match memo {
        Some(m) => Scan::with_memo(&cfg.pii, m),
        None => Scan::new(&cfg.pii),
    };
    // The request URL is only ever logged (audit, approvals), so its
    // credentials are masked and its PII redacted, whatever the action,
    // before anything else can fail. Policy, pins and the replay identity use
    // the URL as parsed below, and the paid request goes to the raw URL.
    let url_scan = scan.redact(&url_mask::mask(ctx.request_url));
    a.metadata.request_url = match &url_scan {
        Ok(r) => r.text.clone(),
        Err(_) => "<REDACTED>".to_string(),
    };
    // The kill switch refuses before anything else is looked at.
    crate::controls::halt::check(state.halted.as_ref())?;
    if ctx.method.is_empty()
        || ctx.method.len() > MAX_METHOD_BYTES
        || !ctx.method.bytes().all(|b| b.is_ascii_alphabetic())
        || ctx.reason.len() > MAX_REASON_BYTES
    {
        return Err(Code::InvalidInput);
    }
    replay::check_request(ctx.request_body_sha256, ctx.idempotency_key)?;
    let request_url = url::parse(ctx.request_url)?;
    // 1. Parse and select.
    let mut ch = challenge::parse(ctx.payment_required, ctx.body)?;
    a.x402_version = ch.x402_version;
    a.payment_id_declaration = crate::payid::declaration(&ch.extensions);
    let pos = challenge::select_position(&ch, &cfg.networks, &cfg.assets)?;
    let mut offer = ch.offers.swap_remove(pos)?;
    // 2. PII in every string that leaves the process: the metadata, the
    // requirement handed to the signer (v2 `accepted`) and the v2 `resource`
    // echo, keys included (see `echo` for which fields stay verbatim). What
    // is sent is redacted unless the action is `warn`, which only reports.
    let pii_result = (|| -> Result<Value, Code> {
        scan.note(url_scan?.findings.iter().map(|f| f.entity));
        // The raw requirement and the resource are not needed afterwards:
        // moved, not copied.
        let raw = std::mem::take(&mut offer.raw);
        let requirements = echo::requirement_owned(&mut scan, raw, ch.x402_version)?;
        if ch.x402_version >= 2 {
            let r = echo::resource_owned(&mut scan, std::mem::take(&mut ch.resource))?;
            a.metadata.resource_url = echo::str_member(&r, "url");
            a.metadata.description = echo::str_member(&r, "description");
            a.metadata.resource_echo = r;
            if !ch.extensions.is_null() {
                // Echoed by official clients: see `echo::extensions`.
                scan.json(&ch.extensions)?;
            }
        } else {
            a.metadata.resource_url = echo::str_member(&requirements, "resource");
            a.metadata.description = echo::str_member(&requirements, "description");
        }
        a.metadata.reason = scan.text(ctx.reason)?;
        a.metadata.extra = requirements.get("extra").cloned().unwrap_or(Value::Null);
        Ok(requirements)
    })();
    // In `EntityType` order (its derived `Ord`) without a sort: each sort
    // instance costs the component kilobytes.
    let found = std::mem::take(&mut scan.entities);
    a.pii_entities = EntityType::ALL
        .into_iter()
        .filter(|e| found.contains(e))
        .collect();
    a.pii_count = scan.count;
    a.requirements = pii_result?;
    offer.raw = Value::Null;
    offer.resource_url.clone_from(&a.metadata.resource_url);
    offer.description.clone_from(&a.metadata.description);
    offer.extra = a.metadata.extra.clone();
    a.offer = Some(offer);
    let Some(offer) = a.offer.as_ref() else {
        return Err(Code::InvalidInput);
    };
    if cfg.pii.action == PiiAction::Block && scan.count > 0 {
        return Err(Code::PiiBlocked);
    }
    // 3. Payee checks (a changed payee only warns under `wallet_pinning =
    // "warn"`), then quote drift.
    a.pin = match policy::check_payee(
        cfg,
        &state.pins,
        &request_url,
        &offer.network,
        &offer.pay_to,
    ) {
        Err(Code::PayToPinMismatch) if cfg.controls.pin_mode == PinMode::Warn => {
            a.alerts.push(Alert::PinMismatch);
            None
        }
        r => r?,
    };
    // The resource key (a SHA-256) is only needed while drift is on.
    if cfg.controls.max_quote_increase_ratio.is_some() {
        a.quote = drift::check(
            &cfg.controls,
            &state.quotes,
            drift::key(&request_url, &offer.network, &offer.asset),
            offer.amount,
        )?;
    }
    // 4. Price exactly, then policy (reserves on success).
    let caps = &cfg.controls.asset_caps;
    let usd = match crate::assets::lookup(&cfg.assets, &offer.network, &offer.asset) {
        Some(asset) => {
            let usd = money::to_usd(offer.amount, asset.decimals, asset.usd_price)?;
            a.amount_usd = Some(usd);
            usd
        }
        // An unpriced asset is payable only within an atomic-unit window cap
        // (and never under MPA, whose threshold is in USD).
        None if cfg.mpa.is_none()
            && crate::controls::asset_caps::admits_unpriced(caps, &offer.network, &offer.asset) =>
        {
            Usd::ZERO
        }
        None => return Err(Code::AssetUntrusted),
    };
    // The lease outlives the offer's own timeout, so a payment can never
    // settle after its reservation was released.
    let lease_ms = cfg
        .reservation_lease_seconds
        .max(offer.max_timeout_seconds.saturating_add(60))
        .saturating_mul(1000);
    // Operator controls (velocity, asset caps): checked here, held with the
    // USD reservation below.
    let pending = crate::controls::check(
        &cfg.controls,
        cfg.window_ms(),
        1 + cfg.per_endpoint.len(),
        &mut state.spend,
        offer,
        &request_url,
        ctx.now_ms,
    )?;
    match policy::evaluate(
        cfg,
        &mut state.spend,
        usd,
        &request_url,
        ctx.now_ms,
        lease_ms,
    )? {
        PolicyVerdict::Allow(mut r) => {
            crate::controls::hold(&mut state.spend, &mut r, pending);
            a.reservation = Some(r);
            if !cfg.controls.budget_alerts.is_empty() {
                let mut windows = policy::windows(cfg, &request_url);
                windows.extend(crate::controls::asset_caps::window(
                    &cfg.controls.asset_caps,
                    &offer.network,
                    &offer.asset,
                ));
                let fired = alerts::after_reserve(
                    &cfg.controls.budget_alerts,
                    &windows,
                    &state.spend,
                    &mut state.alerts,
                    ctx.now_ms,
                    cfg.window_ms(),
                );
                a.alerts.extend(fired);
            }
        }
        PolicyVerdict::Deny(d) => {
            a.limit_usd = Some(d.limit);
            a.current_usd = Some(d.current);
            return Err(d.code);
        }
    }
    // 5. Replay fingerprint (the host's store does the check-and-set).
    let id = PaymentIdentity {
        method: &a.method,
        url: &request_url,
        body_sha256: ctx.request_body_sha256,
        idempotency_key: ctx.idempotency_key,
        network: &offer.network,
        asset: &offer.asset,
        pay_to: &offer.pay_to,
    };
    let fp = replay_key.fingerprint(&id)?;
    a.replay_ttl_ms = replay::ttl_ms(cfg.replay_ttl_seconds, offer.max_timeout_seconds);
    // 6. MPA request, when the amount reaches the threshold.
    if let Some(m) = cfg.mpa.as_ref().filter(|m| m.requires_approval(usd)) {
        let fields = mpa::PaymentFields {
            resource_url: a.metadata.request_url.clone(),
            method: a.method.clone(),
            network: offer.network.clone(),
            asset: crate::assets::canonical_address(&offer.network, &offer.asset),
            pay_to: crate::assets::canonical_address(&offer.network, &offer.pay_to),
            amount: offer.amount,
            amount_usd: usd,
            scheme: offer.scheme.clone(),
            agent_id: (!cfg.agent_id.is_empty()).then(|| cfg.agent_id.clone()),
            fingerprint: fp.clone(),
        };
        a.preapproval = Some(mpa::Preapproval {
            method: a.method.clone(),
            request_url_sha256: mpa::url_digest(&request_url),
            network: fields.network.clone(),
            asset: fields.asset.clone(),
            pay_to: fields.pay_to.clone(),
            amount: offer.amount,
            scheme: offer.scheme.clone(),
        });
        a.approval = Some(ApprovalRequest::new(fields, ctx.now_ms, m.timeout_ms)?);
    }
    a.fingerprint = Some(fp);
    Ok(())
}

fn metric(name: &'static str, labels: Vec<(&'static str, String)>) -> Metric {
    Metric {
        name,
        labels,
        observe: None,
    }
}

fn network_of(a: &Assessment) -> String {
    a.offer
        .as_ref()
        .map(|o| o.network.clone())
        .unwrap_or_default()
}

fn event(
    cfg: &GuardConfig,
    a: &Assessment,
    event_type: &str,
    outcome: &str,
    code: Option<Code>,
) -> AuditEvent {
    let network = network_of(a);
    AuditEvent {
        event_type: event_type.to_string(),
        outcome: outcome.to_string(),
        resource_url: a.metadata.request_url.clone(),
        amount_usd: a.amount_usd,
        network: (!network.is_empty()).then_some(network),
        agent_id: (!cfg.agent_id.is_empty()).then(|| cfg.agent_id.clone()),
        replica: (!cfg.replica_id.is_empty()).then(|| cfg.replica_id.clone()),
        pii_entities_found: a
            .pii_entities
            .iter()
            .map(|e| e.as_str().to_string())
            .collect(),
        policy_limit_usd: a.limit_usd,
        replay_fingerprint: a.fingerprint.clone(),
        payment_id: a.payment_id.clone(),
        code,
        alerts: Vec::new(),
    }
}

/// The result of [`finalize_step`] or [`settle_step`]: a verdict whose audit
/// event is not yet chained (the driver chains it once the step counted, see
/// [`crate::driver`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// True when the host may sign and send (finalize) / the payment is final (settle).
    pub allowed: bool,
    /// Why not, when refused or failed.
    pub code: Option<Code>,
    /// The audit event to chain.
    pub event: AuditEvent,
    /// Metric updates.
    pub metrics: Vec<Metric>,
    /// True when the host must delete the fingerprint from its replay store.
    pub forget_fingerprint: bool,
}

impl Step {
    /// Chains the step's audit event after `head`, giving the [`Decision`].
    pub fn chain(
        self,
        audit_key: &[u8],
        head: Option<&Head>,
        now_ms: u64,
    ) -> Result<Decision, Code> {
        if audit_key.len() < audit::MIN_KEY_BYTES {
            return Err(Code::KeyTooShort);
        }
        self.chain_keyed(&audit::AuditMac::new(audit_key)?, head, now_ms)
    }

    /// [`Step::chain`] with a key whose MAC schedule was computed once.
    pub fn chain_keyed(
        self,
        audit_mac: &audit::AuditMac,
        head: Option<&Head>,
        now_ms: u64,
    ) -> Result<Decision, Code> {
        let (audit_line, head) = audit::append_keyed(audit_mac, head, &self.event, now_ms)?;
        Ok(Decision {
            allowed: self.allowed,
            code: self.code,
            audit_line,
            head,
            metrics: self.metrics,
            forget_fingerprint: self.forget_fingerprint,
        })
    }
}

/// Step 3: the final pre-signing verdict, given the host's I/O results.
/// Releases the reservation when the payment is refused.
pub fn finalize(
    cfg: &GuardConfig,
    state: &mut GuardState,
    a: &Assessment,
    io: &HostResults,
    audit_key: &[u8],
    head: Option<&Head>,
    now_ms: u64,
) -> Result<Decision, Code> {
    if audit_key.len() < audit::MIN_KEY_BYTES {
        return Err(Code::KeyTooShort);
    }
    finalize_step(cfg, state, a, io, now_ms).chain(audit_key, head, now_ms)
}

/// [`finalize`] without chaining the audit event.
pub fn finalize_step(
    cfg: &GuardConfig,
    state: &mut GuardState,
    a: &Assessment,
    io: &HostResults,
    now_ms: u64,
) -> Step {
    let mut metrics = Vec::new();
    let mut code = a.blocked;
    let mut forget = false;
    if let (None, Some(r)) = (code, &a.reservation) {
        if now_ms >= r.expires_at_ms {
            code = Some(Code::ReservationExpired);
        }
    }
    if code.is_none() {
        code = match io.replay_fresh {
            None => Some(Code::StoreUnavailable),
            Some(false) => Some(Code::ReplayDetected),
            Some(true) => None,
        };
        // Halted since the assessment: refused, and the fingerprint this
        // attempt stored is freed for a retry after the guard resumes.
        if code.is_none() && state.halted.is_some() {
            code = Some(Code::GuardHalted);
            forget = true;
        }
    }
    if let (None, Some(req), Some(m)) = (code, &a.approval, &cfg.mpa) {
        metrics.push(metric(
            "x402_mpa_events_total",
            vec![("event", "requested".into())],
        ));
        let verdict = if now_ms > req.expires_at_ms {
            Err(Code::MpaExpired)
        } else {
            mpa::tally(m, &io.votes).map(|_| ())
        };
        match verdict {
            Ok(()) => metrics.push(metric(
                "x402_mpa_events_total",
                vec![("event", "approved".into())],
            )),
            Err(c) => {
                let ev = if c == Code::MpaTimeout {
                    "timeout"
                } else {
                    "denied"
                };
                metrics.push(metric("x402_mpa_events_total", vec![("event", ev.into())]));
                // The fingerprint was stored by this attempt: free it so an
                // approved retry is not taken for a replay.
                forget = true;
                code = Some(c);
            }
        }
    }
    if code.is_some() {
        if let Some(r) = &a.reservation {
            state.spend.release(r);
        }
    }
    for e in &a.pii_entities {
        metrics.push(metric(
            "x402_pii_detections_total",
            vec![
                ("entity_type", e.as_str().into()),
                ("action", cfg.pii.action.as_str().into()),
            ],
        ));
    }
    if let Some(c) = code {
        if let Some(lt) = crate::policy::limit_type(c) {
            metrics.push(metric(
                "x402_policy_violations_total",
                vec![("limit_type", lt.into())],
            ));
        }
        if c == Code::ReplayDetected {
            metrics.push(metric("x402_replay_detections_total", vec![]));
        }
    }
    for al in &a.alerts {
        metrics.push(alert_metric(al));
    }
    let outcome = if code.is_none() { "allowed" } else { "blocked" };
    metrics.push(metric(
        "x402_payments_total",
        vec![("outcome", outcome.into()), ("network", network_of(a))],
    ));
    let mut ev = event(
        cfg,
        a,
        if code.is_none() {
            "payment_allowed"
        } else {
            "payment_blocked"
        },
        outcome,
        code,
    );
    ev.alerts = a.alerts.iter().map(Alert::token).collect();
    Step {
        allowed: code.is_none(),
        code,
        event: ev,
        metrics,
        forget_fingerprint: forget,
    }
}

/// The `x402_alerts_total` update of one alert.
fn alert_metric(al: &Alert) -> Metric {
    let (kind, window, fraction) = match al {
        Alert::Budget {
            window, fraction, ..
        } => ("budget", window.clone(), fraction.to_string()),
        Alert::PinMismatch => ("pay_to_pin", String::new(), String::new()),
    };
    metric(
        alerts::ALERTS_METRIC,
        vec![
            ("kind", kind.into()),
            ("window", window),
            ("fraction", fraction),
        ],
    )
}

/// How the paid request ended, passed to [`settle`] (the driver judges it
/// from what the host observed, see [`crate::driver::settlement`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The server confirmed the settlement: the spend is committed.
    Settled,
    /// The paid request went out and the server answered with content but
    /// did not confirm the settlement (no or an unreadable settlement
    /// header), or the host cannot observe the answer: the money most likely
    /// left, so the spend is committed (audited `unknown`).
    Unconfirmed,
    /// The signed payment left the process but the request failed or the
    /// server refused it ([`Code::SettlementFailed`]): the server still holds
    /// a valid authorization, so the reservation and the fingerprint stay
    /// until they lapse (audited `failed-after-send`).
    FailedAfterSend(Code),
    /// Nothing left the process (the signer failed, [`Code::SignerFailed`],
    /// or the request was never sent): the reservation is released and the
    /// fingerprint forgotten.
    Failed(Code),
}

/// Step 4: after the paid request. Commits the reservation on success;
/// on failure releases it and asks the host to forget the fingerprint.
pub fn settle(
    cfg: &GuardConfig,
    state: &mut GuardState,
    a: &Assessment,
    outcome: Outcome,
    audit_key: &[u8],
    head: Option<&Head>,
    now_ms: u64,
) -> Result<Decision, Code> {
    if audit_key.len() < audit::MIN_KEY_BYTES {
        return Err(Code::KeyTooShort);
    }
    settle_step(cfg, state, a, outcome).chain(audit_key, head, now_ms)
}

/// [`settle`] without chaining the audit event.
pub fn settle_step(
    cfg: &GuardConfig,
    state: &mut GuardState,
    a: &Assessment,
    outcome: Outcome,
) -> Step {
    let mut metrics = Vec::new();
    let commit = |state: &mut GuardState, metrics: &mut Vec<Metric>| {
        if let Some(r) = &a.reservation {
            state.spend.commit(r);
        }
        if let Some((k, v)) = &a.pin {
            if state.pins.len() < policy::MAX_PINS {
                state.pins.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        if let Some((k, amount)) = &a.quote {
            state.quotes.record(k, *amount, a.now_ms);
        }
        if let Some(u) = a.amount_usd {
            metrics.push(Metric {
                name: "x402_payment_amount_usd",
                labels: vec![("network", network_of(a))],
                observe: Some(u.to_string()),
            });
        }
    };
    let (code, forget, outcome, event_type) = match outcome {
        Outcome::Settled => {
            commit(state, &mut metrics);
            (None, false, "settled", "payment_settled")
        }
        Outcome::Unconfirmed => {
            commit(state, &mut metrics);
            (None, false, "unknown", "payment_unconfirmed")
        }
        Outcome::FailedAfterSend(c) => (Some(c), false, "failed-after-send", "payment_failed"),
        Outcome::Failed(c) => {
            if let Some(r) = &a.reservation {
                state.spend.release(r);
            }
            (Some(c), true, "failed", "payment_failed")
        }
    };
    metrics.push(metric(
        "x402_payments_total",
        vec![("outcome", outcome.into()), ("network", network_of(a))],
    ));
    let ev = event(cfg, a, event_type, outcome, code);
    Step {
        allowed: code.is_none(),
        code,
        event: ev,
        metrics,
        forget_fingerprint: forget,
    }
}
