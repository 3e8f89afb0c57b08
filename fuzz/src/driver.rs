//! The driver under random schedules: several payments interleaved with
//! control tasks (the kill switch on and off) and hot reloads, under one of
//! four policies (the plain limits, or with velocity limits, asset caps,
//! quote drift, budget alerts, wallet pinning and a per-endpoint limit) and
//! one of six host profiles (unshared or shared store, stored head, a log
//! that reads back, a store without the fingerprint compare-and-set, heads
//! riding the compare-and-sets). Each action is answered by an honest in-memory executor
//! whose every answer (store errors, lost compare-and-set races, failed audit
//! writes, signer failures, any paid response, network errors before or
//! after sending) is chosen by the fuzzer's bytes.
//!
//! What must hold for every schedule: no panic and no error from a
//! well-formed crossing; the money that may have left (every `send` not
//! answered "never sent") stays within the daily limit; the ledger's
//! committed plus reserved spend never exceeds it; the stored audit head is
//! always a line of the log (never ahead of it, never another chain's).
//!
//! Speed: the policies, profiles, request texts and settlements are built
//! once; a schedule is at most [`MAX_STEPS`] steps and [`MAX_STARTS`] started
//! tasks (a payment runs the whole pipeline).

use base64::Engine as _;
use presidio_x402_core::config::GuardConfig;
use presidio_x402_core::driver::{Driver, Profile};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

const LIMIT_ATOMIC: u128 = 20_000; // $0.02 of 6-decimal USDC
const LIMIT_USD18: u128 = 20_000_000_000_000_000; // the ledger's 18-decimal units
const T0: u64 = 1_767_225_600_000;
const PAY_TO: &str = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
const ASSET: &str = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";

/// The fuzzer's bytes as a stream of small choices (zeros once exhausted).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn next(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn done(&self) -> bool {
        self.0.is_empty()
    }
}

/// The host's shared state: the versioned guard state, the replay set, the
/// stored head and the audit log.
#[derive(Default)]
struct Host {
    state: Option<String>,
    version: u64,
    replay: HashMap<String, u64>,
    head: Option<Value>,
    /// The heads (`{seq, mac}`) of the lines written, in order.
    log: Vec<Value>,
}

impl Host {
    /// The stored head's seq (0 when none).
    fn stored_seq(&self) -> u64 {
        self.head
            .as_ref()
            .map_or(0, |h| h["seq"].as_u64().unwrap_or(0))
    }
}

/// One payment the schedule has begun and not finished.
struct Task {
    batch: Vec<Value>,
    amount: u128,
    left: bool,
}

/// A second payee: a pinned origin that changes payee (wallet pinning).
const PAY_TO_2: &str = "0x4444444444444444444444444444444444444444";
/// Most steps of one schedule, and most tasks it starts (payments, control
/// tasks and reloads): each payment runs the whole pipeline (about 0.1 ms
/// instrumented), so a schedule is kept to a few of them.
const MAX_STEPS: usize = 48;
const MAX_STARTS: usize = 4;
/// Amounts offered (atomic units) are 1..=12 thousandths of a dollar.
const AMOUNTS: u8 = 12;

/// The policies a schedule runs under (and may hot-reload to): every one has
/// the same $0.02 daily limit the invariants check; the others add branch
/// `ctl`'s controls (velocity, asset caps, quote drift, budget alerts,
/// wallet pinning) and a per-endpoint limit.
const CONFIGS: [&str; 4] = [
    r#"{"daily_limit_usd": "0.02", "max_per_call_usd": "0.01"}"#,
    r#"{"daily_limit_usd": "0.02", "max_per_call_usd": "0.01",
        "velocity": {"max_payments": 2, "interval_seconds": 60,
            "per_endpoint": {"http://127.0.0.1:4021/r1": {"max_payments": 1, "interval_seconds": 600}}},
        "budget_alerts": ["0.5", "0.9", "1"], "alert_webhook": {"url": "https://alerts.example/hook"}}"#,
    r#"{"daily_limit_usd": "0.02", "max_per_call_usd": "0.012",
        "asset_caps": [{"network": "eip155:84532", "address": "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
                        "max_per_call": "9000", "max_per_window": "15000"}],
        "max_quote_increase_ratio": "0.1", "wallet_pinning": "block"}"#,
    r#"{"daily_limit_usd": "0.02", "max_per_call_usd": "0.01", "wallet_pinning": "warn",
        "per_endpoint": {"http://127.0.0.1:4021/r2": "0.015"}, "budget_alerts": ["0.25"],
        "velocity": {"max_payments": 3, "interval_seconds": 5}, "max_quote_increase_ratio": "0"}"#,
];

/// What is the same for every input, built once: the parsed policies, the
/// profiles, every `begin` text (amount × path × payee) and every settlement.
struct Shared {
    configs: Vec<GuardConfig>,
    profiles: Vec<Profile>,
    begins: Vec<String>,
    settlements: Vec<Value>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let configs = CONFIGS
            .iter()
            .map(|c| GuardConfig::from_json(c).expect("a valid configuration"))
            .collect();
        let profiles = [
            json!({}),
            json!({"shared": true}),
            json!({"shared": true, "keep_head": true}),
            json!({"log_reads_back": true}),
            // A store without a fingerprint compare-and-set: the replay set after the reservation.
            json!({"shared": true, "cas_fingerprint": false}),
            // Heads riding the compare-and-sets.
            json!({"shared": true, "keep_head": true, "log_reads_back": true, "cas_head": true}),
        ]
        .iter()
        .map(|p| Profile::from_json(p).expect("a valid profile"))
        .collect();
        let mut begins = Vec::new();
        for amount in 1..=u128::from(AMOUNTS) {
            for path in 0..4u8 {
                for pay_to in [PAY_TO, PAY_TO_2] {
                    begins.push(begin(amount * 1000, path, pay_to));
                }
            }
        }
        let settlements = (0..5).map(settlement).collect();
        Shared {
            configs,
            profiles,
            begins,
            settlements,
        }
    })
}

fn begin(amount: u128, path: u8, pay_to: &str) -> String {
    let url = format!("http://127.0.0.1:4021/r{path}");
    let pr = json!({"x402Version": 2, "error": "Payment required",
        "resource": {"url": url, "description": "data", "mimeType": "application/json"},
        "accepts": [{"scheme": "exact", "network": "eip155:84532", "amount": amount.to_string(),
                     "asset": ASSET, "payTo": pay_to, "maxTimeoutSeconds": 300,
                     "extra": {"name": "USDC", "version": "2"}}]});
    let header = base64::engine::general_purpose::STANDARD.encode(pr.to_string());
    json!({"method": "GET", "url": url, "payment_required": header, "seed": 7}).to_string()
}

fn settlement(pick: u8) -> Value {
    let b64 =
        |v: Value| Value::String(base64::engine::general_purpose::STANDARD.encode(v.to_string()));
    match pick % 5 {
        0 => b64(json!({"success": true, "transaction": "0xab", "network": "eip155:84532"})),
        1 => b64(json!({"success": false})),
        2 => b64(json!({"success": "false"})),
        3 => Value::String("%%%".into()),
        _ => Value::Null,
    }
}

/// Answers one batch (the executor's rules: answered actions together,
/// writes in order and the first failure alone) or stops at `sign`, `send`
/// or `done`. Returns the events to feed, or `None` when the task stopped.
fn answer(host: &mut Host, task: &mut Task, b: &mut Bytes, now: u64) -> Option<Value> {
    let mut events = Vec::new();
    for a in task.batch.clone() {
        let pick = b.next();
        match a["do"].as_str().unwrap_or_default() {
            "done" => return None,
            "sign" => {
                task.amount = a["amount"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                if pick.is_multiple_of(8) {
                    return Some(json!({"on": "signer-failed"}));
                }
                // A payload that authorizes exactly the approval, or (sometimes) a tampered one
                // the driver must refuse before anything is sent.
                let value = if pick % 8 == 1 {
                    task.amount + 1
                } else {
                    task.amount
                };
                let to = if pick % 8 == 2 {
                    "0x3333333333333333333333333333333333333333"
                } else {
                    PAY_TO
                };
                let auth = json!({"from": "0x1111111111111111111111111111111111111111", "to": to,
                    "value": value.to_string(), "validAfter": "0",
                    "validBefore": (now / 1000 + 300).to_string(), "nonce": format!("0x{:064x}", now)});
                let signature = format!("0x{}", "ab".repeat(65));
                return Some(
                    json!({"on": "signed", "payload": {"signature": signature, "authorization": auth}}),
                );
            }
            "send" => {
                task.left = true;
                return Some(match pick % 8 {
                    0 => {
                        task.left = false; // refused before a byte left: released by the driver
                        json!({"on": "network-error", "sent": false})
                    }
                    1 => json!({"on": "network-error", "sent": true}),
                    2 => json!({"on": "unobserved"}),
                    p => {
                        let status = [200u64, 200, 402, 500, 304, 302][usize::from(p) % 6];
                        json!({"on": "response", "status": status, "settlement": shared().settlements[usize::from(b.next() % 5)]})
                    }
                });
            }
            "audit" | "save-head" => {
                if pick.is_multiple_of(16) {
                    let on = if a["do"] == "audit" {
                        "audit-failed"
                    } else {
                        "head-save-failed"
                    };
                    return Some(json!({"on": on}));
                }
                if a["do"] == "audit" {
                    host.log.push(a["head"].clone());
                } else if a["prev_seq"].as_u64() == Some(host.stored_seq()) {
                    host.head = Some(a["head"].clone());
                } else {
                    return Some(json!({"on": "head-save-failed"}));
                }
            }
            "replay-forget" => {
                if let Some(f) = a["fingerprint"].as_str() {
                    host.replay.remove(f);
                }
            }
            "alert" => {}
            kind => {
                if pick % 16 == 1 && kind != "sleep" {
                    events.push(json!({"on": "store-error"}));
                    continue;
                }
                events.push(match kind {
                    "load-state" => {
                        json!({"on": "state", "state": host.state, "version": host.version.to_string()})
                    }
                    "cas-state" => {
                        let won = a["version"].as_str() == Some(host.version.to_string().as_str());
                        let fp = a["fingerprint"].as_str().map(str::to_string);
                        let live = fp
                            .as_ref()
                            .is_some_and(|f| host.replay.get(f).is_some_and(|&exp| exp > now));
                        let ride = a.get("save_head");
                        if !won {
                            json!({"on": "cas", "won": false, "state": host.state, "version": host.version.to_string()})
                        } else if ride.is_some_and(|h| h["prev_seq"].as_u64() != Some(host.stored_seq())) {
                            json!({"on": "cas", "won": false, "head_saved": false})
                        } else if live {
                            json!({"on": "cas", "won": false, "fresh": false})
                        } else {
                            if let Some(f) = fp.clone() {
                                let ttl = a["ttl_ms"].as_u64().unwrap_or(0);
                                host.replay.insert(f, now + ttl);
                            }
                            host.state = a["state"].as_str().map(str::to_string);
                            host.version += 1;
                            let mut ev = json!({"on": "cas", "won": true, "version": host.version.to_string()});
                            if fp.is_some() {
                                ev["fresh"] = json!(true);
                            }
                            if let Some(h) = ride {
                                host.head = Some(h["head"].clone());
                                ev["head_saved"] = json!(true);
                            }
                            // Written, but the answer is lost on the way back.
                            if pick % 16 == 2 {
                                json!({"on": "store-error"})
                            } else {
                                ev
                            }
                        }
                    }
                    "replay-set" => {
                        let f = a["fingerprint"].as_str().unwrap_or_default().to_string();
                        let fresh = host.replay.get(&f).is_none_or(|&exp| exp <= now);
                        if fresh {
                            let ttl = a["ttl_ms"].as_u64().unwrap_or(0);
                            host.replay.insert(f, now + ttl);
                        }
                        json!({"on": "replay", "fresh": fresh})
                    }
                    "load-head" => {
                        json!({"on": "head", "stored": host.head, "log": host.log.last()})
                    }
                    "sleep" => json!({"on": "wake"}),
                    other => panic!("the driver asked for {other} with no approvers configured"),
                });
            }
        }
    }
    assert!(!events.is_empty(), "a batch that asks for no answer");
    Some(Value::Array(events))
}

/// Committed plus reserved spend in the state's global ledger (every bucket
/// lies within one day: the schedule's clock never advances that far).
fn ledger_total(state: &str) -> u128 {
    let v: Value = serde_json::from_str(state).expect("the driver's state is JSON");
    let mut total = 0u128;
    if let Some(global) = v["spend"]["l"]["*"].as_array() {
        for bucket in global {
            for i in 1..=2 {
                total += bucket[i]
                    .as_str()
                    .and_then(|s| s.parse::<u128>().ok())
                    .unwrap_or(0);
            }
        }
    }
    total
}

/// The driver fuzz target (see the module notes).
pub fn driver(data: &[u8]) -> Option<()> {
    run(data).map(|_| ())
}

/// How many payments of a schedule reached `send`, how many tasks ended,
/// and how many control tasks and reloads it started.
#[derive(Debug, Default)]
struct Seen {
    sent: usize,
    ended: usize,
    controls: usize,
    /// Every refusal code and `alert` seen.
    codes: std::collections::BTreeSet<String>,
    /// `cas-state` actions that carried a riding head.
    rode: usize,
    /// Flushes that saved a head (the guard quiet, its head unsaved).
    flushed: usize,
}

fn task(out: &str) -> Option<(u64, Task)> {
    let v: Value = serde_json::from_str(out).expect("a task is JSON");
    Some((
        v["id"].as_u64()?,
        Task {
            batch: actions(&v["actions"]),
            amount: 0,
            left: false,
        },
    ))
}

fn run(data: &[u8]) -> Option<Seen> {
    let sh = shared();
    let mut seen = Seen::default();
    let mut b = Bytes(data);
    let setup = b.next();
    let profile = sh.profiles[usize::from(setup / 4) % sh.profiles.len()].clone();
    let unshared = !profile.shared;
    let mut d = Driver::new(
        sh.configs[usize::from(setup % 4)].clone(),
        profile,
        &[1; 32],
        &[2; 32],
    )
    .expect("a valid driver");
    let mut host = Host::default();
    let mut now = T0;
    let mut tasks: BTreeMap<u64, Task> = BTreeMap::new();
    let (id, t) = task(&d.open_json())?;
    tasks.insert(id, t);
    let mut left_total = 0u128;
    let (mut steps, mut starts, mut checked) = (0, 0, 0);
    while !b.done() && steps < MAX_STEPS {
        steps += 1;
        now += u64::from(b.next()) * 10; // at most ~3 minutes in all
        let op = b.next();
        if (op % 4 == 0 || tasks.is_empty()) && starts < MAX_STARTS {
            starts += 1;
            let pick = usize::from(b.next());
            let out = match op / 4 % 8 {
                // A control task: the kill switch on or off.
                0 => {
                    seen.controls += 1;
                    let c = if pick % 2 == 0 {
                        r#"{"halt": true, "by": "ops", "reason": "fuzz"}"#
                    } else {
                        r#"{"halt": false}"#
                    };
                    d.control_json(c, now).expect("a valid control")
                }
                // A hot reload to one of the policies (same limit).
                1 => {
                    seen.controls += 1;
                    d.reload_json(CONFIGS[pick % CONFIGS.len()], now)
                }
                // The host's contract for a flush: every batch performed, no task in flight.
                2 | 3 if tasks.is_empty() => {
                    let out = d.flush_json(now);
                    if out.contains("\"save-head\"") {
                        seen.flushed += 1;
                    }
                    out
                }
                _ => d
                    .begin_json(&sh.begins[pick % sh.begins.len()], now)
                    .expect("begin"),
            };
            let (id, t) = task(&out)?;
            tasks.insert(id, t);
        } else if tasks.is_empty() {
            break;
        } else {
            let ids: Vec<u64> = tasks.keys().copied().collect();
            let id = ids[usize::from(b.next()) % ids.len()];
            let task = tasks.get_mut(&id).expect("a task");
            for a in &task.batch {
                if let Some(code) = a["code"].as_str().filter(|_| a["do"] == "done") {
                    seen.codes.insert(code.to_string());
                } else if a["do"] == "alert" {
                    seen.codes.insert("alert".to_string());
                } else if a.get("save_head").is_some() {
                    seen.rode += 1;
                }
            }
            let was_left = task.left;
            match answer(&mut host, task, &mut b, now) {
                None => {
                    tasks.remove(&id);
                    seen.ended += 1;
                }
                Some(events) => {
                    if task.left && !was_left {
                        seen.sent += 1;
                        left_total += task.amount;
                        assert!(
                            left_total <= LIMIT_ATOMIC,
                            "money that left ({left_total}) exceeds the limit"
                        );
                    }
                    let out = d
                        .handle_json(id, now, &events.to_string())
                        .unwrap_or_else(|e| panic!("a well-formed crossing: {e:?} task {id} events {events} batch {:?}", task.batch));
                    task.batch = actions(&serde_json::from_str(&out).expect("actions are JSON"));
                }
            }
        }
        // The stored head is a line of the log.
        if let Some(h) = &host.head {
            assert!(host.log.contains(h), "stored head {h} is not in the log");
        }
        // The ledger: the host's copy whenever a compare-and-set changed it,
        // the driver's own (unshared store) after every step.
        if unshared {
            let s = d.state_json();
            assert!(
                ledger_total(&s) <= LIMIT_USD18,
                "ledger over the limit: {s}"
            );
        } else if host.version != checked {
            checked = host.version;
            if let Some(s) = &host.state {
                assert!(ledger_total(s) <= LIMIT_USD18, "ledger over the limit: {s}");
            }
        }
    }
    Some(seen)
}

fn actions(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    /// The harness is not vacuous: random schedules do reach `send`, end
    /// payments, start control tasks and meet every control's refusal
    /// (xorshift bytes, fixed seed).
    #[test]
    fn random_schedules_pay_and_end() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let (mut sent, mut ended, mut controls, mut rode, mut flushed) = (0, 0, 0, 0, 0);
        let mut codes = std::collections::BTreeSet::new();
        for _ in 0..600 {
            let data: Vec<u8> = (0..600)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            let s = super::run(&data).expect("a schedule runs");
            sent += s.sent;
            ended += s.ended;
            controls += s.controls;
            rode += s.rode;
            flushed += s.flushed;
            codes.extend(s.codes);
        }
        // Branch ctl's controls are reached: each refuses and alerts fire.
        for code in [
            "guard-halted",
            "velocity-exceeded",
            "asset-cap-exceeded",
            "quote-drift-exceeded",
            "pay-to-pin-mismatch",
            "alert",
        ] {
            assert!(codes.contains(code), "{code} never seen: {codes:?}");
        }
        assert!(
            sent > 50 && ended > 100 && controls > 20 && rode > 30 && flushed > 3,
            "sent {sent}, ended {ended}, controls {controls}, heads rode {rode}, flushed {flushed}"
        );
    }
}
