//! The driver under random schedules: several payments interleaved, each
//! action answered by an honest in-memory executor whose every answer (store
//! errors, lost compare-and-set races, failed audit writes, signer failures,
//! any paid response, network errors before or after sending) is chosen by
//! the fuzzer's bytes.
//!
//! What must hold for every schedule: no panic and no error from a
//! well-formed crossing; the money that may have left (every `send` not
//! answered "never sent") stays within the daily limit; the ledger's
//! committed plus reserved spend never exceeds it.

use base64::Engine as _;
use presidio_x402_core::driver::Driver;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

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
    lines: usize,
}

/// One payment the schedule has begun and not finished.
struct Task {
    batch: Vec<Value>,
    amount: u128,
    left: bool,
}

fn challenge(amount: u128, path: u8) -> (String, String) {
    let url = format!("http://127.0.0.1:4021/r{}", path % 4);
    let pr = json!({"x402Version": 2, "error": "Payment required",
        "resource": {"url": url, "description": "data", "mimeType": "application/json"},
        "accepts": [{"scheme": "exact", "network": "eip155:84532", "amount": amount.to_string(),
                     "asset": ASSET, "payTo": PAY_TO, "maxTimeoutSeconds": 300,
                     "extra": {"name": "USDC", "version": "2"}}]});
    let header = base64::engine::general_purpose::STANDARD.encode(pr.to_string());
    (url, header)
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
                        json!({"on": "response", "status": status, "settlement": settlement(b.next())})
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
                    host.lines += 1;
                } else {
                    host.head = Some(a["head"].clone());
                }
            }
            "replay-forget" => {
                if let Some(f) = a["fingerprint"].as_str() {
                    host.replay.remove(f);
                }
            }
            "alert" => {}
            kind => {
                if pick % 16 == 1 {
                    events.push(json!({"on": "store-error"}));
                    continue;
                }
                events.push(match kind {
                    "load-state" => {
                        json!({"on": "state", "state": host.state, "version": host.version.to_string()})
                    }
                    "cas-state" => {
                        let won = a["version"].as_str() == Some(host.version.to_string().as_str());
                        if won {
                            host.state = a["state"].as_str().map(str::to_string);
                            host.version += 1;
                        }
                        json!({"on": "cas", "won": won})
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
                    "load-head" => json!({"on": "head", "stored": host.head, "log": Value::Null}),
                    "sleep" => json!({"on": "wake"}),
                    other => panic!("the driver asked for {other} with no approvers configured"),
                });
            }
        }
    }
    assert!(!events.is_empty(), "a batch that asks for no answer");
    Some(Value::Array(events))
}

/// Committed plus reserved spend in the state's ledgers (every bucket lies
/// within one day: the schedule's clock never advances that far).
fn ledger_total(state: &str) -> u128 {
    let v: Value = serde_json::from_str(state).expect("the driver's state is JSON");
    let mut total = 0u128;
    if let Some(ledgers) = v["spend"]["l"].as_object() {
        if let Some(global) = ledgers.get("*").and_then(Value::as_array) {
            for bucket in global {
                for i in 1..=2 {
                    total += bucket[i]
                        .as_str()
                        .and_then(|s| s.parse::<u128>().ok())
                        .unwrap_or(0);
                }
            }
        }
    }
    total
}

/// The driver fuzz target (see the module notes).
pub fn driver(data: &[u8]) -> Option<()> {
    run(data).map(|_| ())
}

/// How many payments of a schedule reached `send`, and how many ended.
#[derive(Debug, Default)]
struct Seen {
    sent: usize,
    ended: usize,
}

fn run(data: &[u8]) -> Option<Seen> {
    let mut seen = Seen::default();
    let config = json!({"daily_limit_usd": "0.02", "max_per_call_usd": "0.01"}).to_string();
    let mut d =
        Driver::from_json(&config, "{}", &[1; 32], &[2; 32]).expect("a valid configuration");
    let mut host = Host::default();
    let mut b = Bytes(data);
    let mut now = T0;
    let mut tasks: BTreeMap<u64, Task> = BTreeMap::new();
    let start: Value = serde_json::from_str(&d.open_json()).expect("open is JSON");
    tasks.insert(
        start["id"].as_u64()?,
        Task {
            batch: actions(&start["actions"]),
            amount: 0,
            left: false,
        },
    );
    let mut left_total = 0u128;
    let mut steps = 0;
    while !b.done() && steps < 256 {
        steps += 1;
        now += u64::from(b.next()) * 10; // at most ~11 minutes in all
        let op = b.next();
        if op % 4 == 0 || tasks.is_empty() {
            let amount = u128::from(b.next() % 12 + 1) * 1000;
            let (url, header) = challenge(amount, b.next());
            let begin = json!({"method": "GET", "url": url, "payment_required": header, "seed": 7});
            let out: Value =
                serde_json::from_str(&d.begin_json(&begin.to_string(), now).expect("begin"))
                    .expect("begin is JSON");
            tasks.insert(
                out["id"].as_u64()?,
                Task {
                    batch: actions(&out["actions"]),
                    amount: 0,
                    left: false,
                },
            );
            continue;
        }
        let ids: Vec<u64> = tasks.keys().copied().collect();
        let id = ids[usize::from(b.next()) % ids.len()];
        let task = tasks.get_mut(&id).expect("a task");
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
                    .expect("a well-formed crossing");
                task.batch = actions(&serde_json::from_str(&out).expect("actions are JSON"));
            }
        }
        if let Some(s) = &host.state {
            assert!(ledger_total(s) <= LIMIT_USD18, "ledger over the limit: {s}");
        }
    }
    Some(seen)
}

fn actions(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    /// The harness is not vacuous: random schedules do reach `send` and end
    /// payments (xorshift bytes, fixed seed).
    #[test]
    fn random_schedules_pay_and_end() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let (mut sent, mut ended) = (0, 0);
        for _ in 0..300 {
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
        }
        assert!(sent > 50 && ended > 100, "sent {sent}, ended {ended}");
    }
}
