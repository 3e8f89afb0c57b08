//! Differential test: for thousands of generated inputs (mutated vector
//! inputs, mutated real v1/v2 challenges, random and hostile strings and
//! JSON, huge and deep documents, random configurations, and the PII corpus
//! in `experiments/pii/` when present), the component's outputs equal the
//! native core's outputs byte for byte, through `call`, through the typed
//! guard flow (create/assess/finalize/settle/state/load-state) and through
//! the fine-grained free functions. A trap fails the test.
//!
//! Seeds: `PRESIDIO_X402_SEED` (decimal) picks the seed of the random run;
//! otherwise it comes from the clock. The seed is printed; a fixed seed
//! always runs too.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use presidio_x402_core::audit::{self, AuditEvent};
use presidio_x402_core::config::GuardConfig;
use presidio_x402_core::guard::Guard;
use presidio_x402_core::mpa::{self, ApprovalRequest, MpaConfig};
use presidio_x402_core::pii::{EntityType, PiiHint};
use presidio_x402_core::{facade, pii, Code};
use presidio_x402_host_test::gen::{self, Rng};
use presidio_x402_host_test::{self as ht, wit, FlatAssessment, Host};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const FIXED_SEED: u64 = 0x5eed_0402;
const CALL_CASES: usize = 15_000;
const FLOW_CASES: usize = 1500;
const FREE_CASES: usize = 5000;

fn random_seed() -> u64 {
    match std::env::var("PRESIDIO_X402_SEED") {
        Ok(s) => s
            .trim()
            .parse()
            .expect("PRESIDIO_X402_SEED is a decimal u64"),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `(op, input)` of every golden vector.
fn vector_inputs() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(root().join("vectors"))
        .expect("vectors/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for p in files {
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(&p).expect("read")).expect("json");
        let op = doc["algorithm"].as_str().expect("algorithm").to_string();
        for g in doc["testGroups"].as_array().expect("groups") {
            for t in g["tests"].as_array().expect("tests") {
                out.push((op.clone(), t["input"].clone()));
            }
        }
    }
    out
}

/// Text lines of the PII corpus in `experiments/pii/`, when it exists.
fn pii_corpus() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                walk(&p, out);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                for line in text.lines().filter(|l| !l.trim().is_empty()).take(20_000) {
                    // JSONL rows: scan their string members; other lines as text.
                    match serde_json::from_str::<Value>(line) {
                        Ok(Value::Object(m)) => {
                            out.extend(m.values().filter_map(Value::as_str).map(str::to_string))
                        }
                        _ => out.push(line.to_string()),
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("experiments/pii"), &mut out);
    out
}

fn native_call(op: &str, input: &str) -> Result<String, &'static str> {
    facade::call_json(op, input).map_err(Code::as_str)
}

fn shown(s: &str) -> String {
    let mut t: String = s.chars().take(400).collect();
    if t.len() < s.len() {
        t.push_str(&format!("… ({} bytes)", s.len()));
    }
    t
}

/// Regression: `MpaConfig::from_json` once compared `threshold` with
/// `usize::MAX`, so on wasm32 a threshold above 2^32 - 1 added an error the
/// 64-bit native build did not report (found by this test; fixed in the core).
#[test]
fn mpa_threshold_above_u32_is_judged_alike() {
    let mut h = Host::new();
    for input in [
        r#"{"config":{"approvers":"x","threshold":4575926644878571500}}"#,
        r#"{"config":{"approvers":[],"threshold":4294967296}}"#,
    ] {
        assert_eq!(
            h.call("mpa.config", input),
            native_call("mpa.config", input),
            "{input}"
        );
    }
}

// ---- call ---------------------------------------------------------------------

fn call_case(rng: &mut Rng, corpus: &[(String, Value)], pii_lines: &[String]) -> (String, String) {
    let ops = facade::OPERATIONS;
    match rng.below(40) {
        0 => {
            let op = *rng.pick(ops);
            (
                gen::mutate_text(rng, op),
                gen::json_value(rng, 4).to_string(),
            )
        }
        1 | 2 => (
            rng.pick(ops).to_string(),
            gen::json_value(rng, 5).to_string(),
        ),
        3 => (rng.pick(ops).to_string(), gen::string(rng)),
        4 => {
            // Huge or deep documents.
            let op = rng.pick(ops).to_string();
            let text = match rng.below(5) {
                0 => gen::deep(100 + rng.below(20_000), rng.chance(1, 2)),
                1 => json!({"text": "a@b.co ".repeat(rng.below(200_000))}).to_string(),
                2 => format!("[{}]", vec!["1"; rng.below(300_000)].join(",")),
                3 => "x".repeat(facade::MAX_INPUT_BYTES + rng.below(3)),
                _ => json!({"text": gen::string(rng).repeat(1 + rng.below(2000)), "value": gen::json_value(rng, 6)}).to_string(),
            };
            (op, text)
        }
        5 if !pii_lines.is_empty() => {
            let line = rng.pick(pii_lines).clone();
            let op = *rng.pick(&["pii.scan", "pii.redact", "pii.redact-json"]);
            let input = if op == "pii.redact-json" {
                json!({"value": {"d": line}})
            } else {
                json!({"text": line})
            };
            (op.to_string(), input.to_string())
        }
        _ => {
            let (op, v) = rng.pick(corpus);
            let v = if rng.chance(5, 6) {
                gen::mutate_value(rng, v, 4)
            } else {
                v.clone()
            };
            let mut text = v.to_string();
            if rng.chance(1, 12) {
                text = gen::mutate_text(rng, &text);
            }
            (op.clone(), text)
        }
    }
}

fn call_differential(seed: u64, n: usize) -> usize {
    println!("call differential: seed {seed} ({n} cases; rerun with PRESIDIO_X402_SEED={seed})");
    let corpus = vector_inputs();
    let pii_lines = pii_corpus();
    let mut rng = Rng::new(seed);
    let mut h = Host::new();
    let mut oks = 0;
    for i in 0..n {
        let (op, input) = call_case(&mut rng, &corpus, &pii_lines);
        let native = native_call(&op, &input);
        let comp = h.call(&op, &input);
        assert!(
            comp == native,
            "seed {seed} case {i}: op {op:?} input {}\ncomponent {comp:?}\nnative    {native:?}",
            shown(&input)
        );
        oks += native.is_ok() as usize;
    }
    // The PII corpus in full (not only sampled).
    for (i, line) in pii_lines.iter().enumerate() {
        for op in ["pii.scan", "pii.redact"] {
            let input = json!({"text": line}).to_string();
            assert_eq!(
                h.call(op, &input),
                native_call(op, &input),
                "pii corpus line {i}: {}",
                shown(line)
            );
        }
    }
    println!(
        "  {n} call cases equal ({oks} ok, {} errors); {} PII corpus lines",
        n - oks,
        pii_lines.len()
    );
    n + 2 * pii_lines.len()
}

#[test]
fn call_matches_native_fixed_seed() {
    call_differential(FIXED_SEED, CALL_CASES);
}

#[test]
fn call_matches_native_random_seed() {
    call_differential(random_seed(), CALL_CASES);
}

// ---- the typed guard flow -----------------------------------------------------------

struct Corpus {
    configs: Vec<Value>,
    contexts: Vec<wit::PaymentContext>,
}

fn flow_corpus() -> Corpus {
    let mut configs = vec![json!({})];
    let mut contexts = Vec::new();
    for (op, input) in vector_inputs() {
        match op.as_str() {
            "pipeline.run" => {
                configs.push(input.get("config").cloned().unwrap_or(json!({})));
                for s in input["steps"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|s| s["op"] == "assess")
                {
                    let header = match s.get("header_json") {
                        Some(v) => {
                            Some(base64::engine::general_purpose::STANDARD.encode(v.to_string()))
                        }
                        None => s.get("header").and_then(Value::as_str).map(str::to_string),
                    };
                    let body = match s.get("body") {
                        Some(Value::String(b)) => Some(b.clone()),
                        None | Some(Value::Null) => None,
                        Some(v) => Some(v.to_string()),
                    };
                    contexts.push(wit::PaymentContext {
                        method: s
                            .get("method")
                            .and_then(Value::as_str)
                            .unwrap_or("GET")
                            .to_string(),
                        request_url: s["url"].as_str().unwrap_or("").to_string(),
                        payment_required: header,
                        body,
                        reason: s
                            .get("reason")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                        now_ms: s.get("now_ms").and_then(Value::as_u64).unwrap_or(0),
                    });
                }
            }
            "config.validate" => configs.push(input.get("config").cloned().unwrap_or(Value::Null)),
            "challenge.parse" => contexts.push(wit::PaymentContext {
                method: "GET".into(),
                request_url: "https://api.example.com/premium-data".into(),
                payment_required: input
                    .get("header")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                body: input
                    .get("body")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                reason: String::new(),
                now_ms: 1_767_225_600_000,
            }),
            _ => {}
        }
    }
    assert!(
        contexts.len() > 20 && configs.len() > 10,
        "the vectors give a flow corpus"
    );
    Corpus { configs, contexts }
}

/// Hints for `assess-with-hints`: substrings of the context's text with
/// random entities and scores, sometimes malformed (unknown entity, too short,
/// too long, too many, score over 1000).
fn random_hints(rng: &mut Rng, c: &wit::PaymentContext) -> Vec<wit::PiiHint> {
    let source = format!(
        "{} {} {} {}",
        c.request_url,
        c.reason,
        c.body.as_deref().unwrap_or(""),
        c.payment_required.as_deref().unwrap_or("")
    );
    let chars: Vec<char> = source.chars().collect();
    let entities = [
        "PERSON",
        "LOCATION",
        "ORGANIZATION",
        "EMAIL_ADDRESS",
        "NRP",
        "",
    ];
    let n = if rng.chance(1, 20) { 65 } else { rng.below(4) };
    (0..n)
        .map(|_| {
            let text: String = if chars.is_empty() || rng.chance(1, 10) {
                gen::string(rng)
            } else {
                let start = rng.below(chars.len());
                let len = 1 + rng.below(24);
                chars[start..(start + len).min(chars.len())]
                    .iter()
                    .collect()
            };
            let score = if rng.chance(1, 15) {
                1001 + rng.below(100) as u16
            } else {
                rng.below(1001) as u16
            };
            wit::PiiHint {
                entity_type: (*rng.pick(&entities)).to_string(),
                text,
                score,
            }
        })
        .collect()
}

fn mutate_context(rng: &mut Rng, c: &wit::PaymentContext) -> wit::PaymentContext {
    let mut c = c.clone();
    for _ in 0..1 + rng.below(3) {
        match rng.below(8) {
            0 => {
                c.method = rng
                    .pick(&[
                        "get",
                        "POST",
                        "",
                        "G E T",
                        "PUT",
                        "DELETEDELETEDELETE",
                        "ÉGET",
                    ])
                    .to_string()
            }
            1 => {
                c.request_url = if rng.chance(1, 2) {
                    gen::url(rng)
                } else {
                    gen::mutate_text(rng, &c.request_url)
                }
            }
            2 => {
                c.payment_required = c
                    .payment_required
                    .as_deref()
                    .map(|h| gen::mutate_string(rng, h))
            }
            3 => c.body = c.body.as_deref().map(|b| gen::mutate_string(rng, b)),
            4 => c.reason = gen::string(rng),
            5 => c.now_ms = rng.next_u64() >> rng.below(64),
            6 => std::mem::swap(&mut c.body, &mut c.payment_required),
            _ => {
                c.reason = format!(
                    "for {} at {}",
                    rng.pick(&["alice@example.com", "John Smith", "+1 415 555 0132"]),
                    gen::string(rng)
                )
            }
        }
    }
    c
}

fn hmac_hex(key: &[u8], data: &[u8]) -> String {
    let mut m = <Hmac<sha2::Sha256>>::new_from_slice(key).expect("any key length");
    m.update(data);
    presidio_x402_core::hex::encode(&m.finalize().into_bytes())
}

/// Approvers of a configuration: `(id, mode, secret)`.
fn approvers(cfg: &Value) -> Vec<(String, String, String)> {
    cfg["mpa"]["approvers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            let s = |k: &str| a.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            (s("approver_id"), s("mode"), s("secret"))
        })
        .collect()
}

fn host_results(rng: &mut Rng, cfg: &Value, req: Option<&ApprovalRequest>) -> wit::HostResults {
    let replay_fresh = *rng.pick(&[Some(true), Some(true), Some(true), Some(false), None]);
    let mut countersignatures = Vec::new();
    let mut webhook_answers = Vec::new();
    for (id, mode, secret) in approvers(cfg) {
        if !rng.chance(3, 4) {
            continue;
        }
        let req_id = req.map_or_else(|| "0".repeat(32), |r| r.request_id.clone());
        if mode == "crypto" {
            let sig = match (req, rng.below(5)) {
                (Some(r), 0..=2) => mpa::countersign(secret.as_bytes(), r).unwrap_or_default(),
                (Some(r), 3) => mpa::countersign(secret.as_bytes(), r)
                    .unwrap_or_default()
                    .to_uppercase(),
                _ => gen::string(rng),
            };
            countersignatures.push((id, sig));
        } else {
            let body = match rng.below(4) {
                0 | 1 => format!(
                    "{{\"approved\":{},\"request_id\":\"{req_id}\"}}",
                    rng.chance(3, 4)
                ),
                2 => "{\"approved\":true}".to_string(),
                _ => gen::string(rng),
            };
            let hmac = if rng.chance(3, 4) {
                Some(hmac_hex(secret.as_bytes(), body.as_bytes()))
            } else {
                None
            };
            webhook_answers.push(wit::WebhookAnswer {
                approver_id: id,
                status: *rng.pick(&[200, 200, 201, 204, 302, 403, 500]),
                body: if rng.chance(1, 20) {
                    rng.bytes(5000)
                } else {
                    body.into_bytes()
                },
                hmac,
                timed_out: rng.chance(1, 6),
            });
        }
    }
    if rng.chance(1, 8) {
        countersignatures.push((gen::string(rng), gen::string(rng)));
    }
    if rng.chance(1, 8) {
        webhook_answers.push(wit::WebhookAnswer {
            approver_id: gen::string(rng),
            status: rng.next_u64() as u16,
            body: {
                let n = rng.below(64);
                rng.bytes(n)
            },
            hmac: Some(gen::string(rng)),
            timed_out: false,
        });
    }
    wit::HostResults {
        replay_fresh,
        countersignatures,
        webhook_answers,
    }
}

fn key(rng: &mut Rng, good: &[u8; 32]) -> Vec<u8> {
    match rng.below(12) {
        0 => {
            let n = rng.below(16);
            rng.bytes(n)
        }
        1 => {
            let n = 16 + rng.below(100);
            rng.bytes(n)
        }
        _ => good.to_vec(),
    }
}

fn flow_differential(seed: u64, n: usize) -> usize {
    println!(
        "guard flow differential: seed {seed} ({n} flows; rerun with PRESIDIO_X402_SEED={seed})"
    );
    let corpus = flow_corpus();
    let mut rng = Rng::new(seed);
    let mut h = Host::new();
    let (replay_key, audit_key) = ([0x11u8; 32], [0x22u8; 32]);
    let codes = ht::wit_codes();
    let mut steps = 0usize;
    let mut allowed = 0usize;
    for case in 0..n {
        let cfg_v = rng.pick(&corpus.configs).clone();
        let cfg_v = if rng.chance(1, 4) {
            gen::mutate_value(&mut rng, &cfg_v, 3)
        } else {
            cfg_v
        };
        let mut cfg_text = cfg_v.to_string();
        if rng.chance(1, 30) {
            cfg_text = gen::mutate_text(&mut rng, &cfg_text);
        }
        let ctx_msg = |what: &str| {
            format!(
                "seed {seed} flow {case} ({what}); config {}",
                shown(&cfg_text)
            )
        };
        let native = Guard::new(&cfg_text);
        let comp = h.create(&cfg_text);
        steps += 1;
        let (mut ng, g) = match (native, comp) {
            (Ok(ng), Ok(g)) => (ng, g),
            (Err(es), Err(cs)) => {
                let es: Vec<(String, &str)> =
                    es.into_iter().map(|e| (e.path, e.code.as_str())).collect();
                assert_eq!(cs, es, "{}", ctx_msg("create errors"));
                continue;
            }
            (n, c) => panic!(
                "{}: native ok={} component ok={}",
                ctx_msg("create"),
                n.is_ok(),
                c.is_ok()
            ),
        };
        assert_eq!(
            h.approvers_json(g),
            ng.config().mpa.as_ref().map(|m| m.summary().to_string()),
            "{}",
            ctx_msg("approvers")
        );
        let mut head: Option<wit::Head> = None;
        let mut ids: Vec<u64> = Vec::new();
        let mut now = 1_767_225_600_000u64;
        for step in 0..2 + rng.below(10) {
            steps += 1;
            let what = match rng.below(13) {
                0..=4 => {
                    let base = rng.pick(&corpus.contexts).clone();
                    let mut ctx = if rng.chance(1, 2) {
                        mutate_context(&mut rng, &base)
                    } else {
                        base
                    };
                    if rng.chance(2, 3) {
                        now += rng.below(5000) as u64;
                        ctx.now_ms = now;
                    }
                    let rk = key(&mut rng, &replay_key);
                    if rng.chance(1, 4) {
                        // pii_mode="nlp": hints cut from the context's own text (or junk).
                        let hints = random_hints(&mut rng, &ctx);
                        let ca = h.assess_with_hints(g, &ctx, &hints, &rk);
                        let native: Result<Vec<PiiHint>, Code> = hints
                            .iter()
                            .map(|x| match EntityType::parse(&x.entity_type) {
                                Some(entity) => Ok(PiiHint {
                                    entity,
                                    text: x.text.clone(),
                                    score: x.score,
                                }),
                                None => Err(Code::InvalidInput),
                            })
                            .collect::<Result<Vec<PiiHint>, _>>()
                            .and_then(|v| PiiHint::validate(&v).map(|_| v));
                        match (native, ca) {
                            (Ok(nh), Ok(ca)) => {
                                let (id, na) =
                                    ng.assess_with_hints(&ht::native_context(&ctx), &nh, &rk);
                                let na = FlatAssessment::from_native(id, na);
                                assert_eq!(
                                    FlatAssessment::from_wit(&ca),
                                    na,
                                    "{} step {step}: assess-with-hints {hints:?}",
                                    ctx_msg("hints")
                                );
                                ids.push(id);
                            }
                            (Err(c), Err(w)) => assert_eq!(
                                w,
                                c.as_str(),
                                "{} step {step}: hints {hints:?}",
                                ctx_msg("hints")
                            ),
                            (n, c) => panic!(
                                "{} step {step}: hints {hints:?}: native {n:?} component ok={}",
                                ctx_msg("hints"),
                                c.is_ok()
                            ),
                        }
                        "assess-with-hints"
                    } else {
                        let ca = h.assess(g, &ctx, &rk);
                        let (id, na) = ng.assess(&ht::native_context(&ctx), &rk);
                        let na = FlatAssessment::from_native(id, na);
                        assert_eq!(
                            FlatAssessment::from_wit(&ca),
                            na,
                            "{} step {step}: assess {ctx:?}",
                            ctx_msg("assess")
                        );
                        ids.push(id);
                        "assess"
                    }
                }
                5..=7 => {
                    let id = match (ids.last(), rng.below(8)) {
                        (Some(&last), 0..=3) => last,
                        (Some(_), 4..=6) => *rng.pick(&ids),
                        _ => rng.next_u64() % 8,
                    };
                    let req = ng.assessment(id).and_then(|a| a.approval.clone());
                    let io = host_results(&mut rng, &cfg_v, req.as_ref());
                    let ak = key(&mut rng, &audit_key);
                    let hd = if rng.chance(1, 15) {
                        Some(wit::Head {
                            seq: rng.next_u64() >> rng.below(64),
                            mac: gen::string(&mut rng),
                        })
                    } else {
                        head.clone()
                    };
                    let at = if rng.chance(1, 10) {
                        rng.next_u64() >> rng.below(64)
                    } else {
                        now + rng.below(120_000) as u64
                    };
                    let nd = ht::native_finalize(&mut ng, id, &io, &ak, hd.as_ref(), at);
                    let cd = h.finalize(g, id, &io, &ak, hd.as_ref(), at);
                    assert_eq!(
                        ht::decision_from_wit(&cd),
                        ht::decision_from_native(&nd),
                        "{} step {step}: finalize {io:?}",
                        ctx_msg("finalize")
                    );
                    if let Ok(d) = cd {
                        allowed += d.allowed as usize;
                        head = Some(d.head);
                    }
                    "finalize"
                }
                8 | 9 => {
                    let id = if !ids.is_empty() && rng.chance(7, 8) {
                        *rng.pick(&ids)
                    } else {
                        rng.next_u64() % 8
                    };
                    let outcome = if rng.chance(2, 3) {
                        wit::Outcome::Settled
                    } else {
                        wit::Outcome::Failed(*rng.pick(codes))
                    };
                    let ak = key(&mut rng, &audit_key);
                    let at = now + rng.below(600_000) as u64;
                    let nd = ht::native_settle(&mut ng, id, outcome, &ak, head.as_ref(), at);
                    let cd = h.settle(g, id, outcome, &ak, head.as_ref(), at);
                    assert_eq!(
                        ht::decision_from_wit(&cd),
                        ht::decision_from_native(&nd),
                        "{} step {step}: settle {outcome:?}",
                        ctx_msg("settle")
                    );
                    if let Ok(d) = cd {
                        head = Some(d.head);
                    }
                    "settle"
                }
                10 => {
                    let saved = ng.state_json();
                    let text = match rng.below(4) {
                        0 => saved.clone(),
                        1 => String::new(),
                        2 => gen::json_value(&mut rng, 4).to_string(),
                        _ => gen::mutate_string(&mut rng, &saved),
                    };
                    let nr = ng.load_state_json(&text).map_err(Code::as_str);
                    let cr = h.load_state(g, &text);
                    assert_eq!(
                        cr,
                        nr,
                        "{} step {step}: load-state {}",
                        ctx_msg("load-state"),
                        shown(&text)
                    );
                    "load-state"
                }
                11 => {
                    // A lost compare-and-set: take the step back, then (maybe) reload the stored state.
                    assert_eq!(
                        h.undo(g),
                        ng.undo(),
                        "{} step {step}: undo",
                        ctx_msg("undo")
                    );
                    "undo"
                }
                _ => {
                    // A guard's state moves to a fresh guard of the same config.
                    let saved = h.state(g);
                    let g2 = h.create(&cfg_text).expect("same config");
                    assert_eq!(
                        h.load_state(g2, &saved),
                        Ok(()),
                        "{}",
                        ctx_msg("state round trip")
                    );
                    assert_eq!(h.state(g2), saved, "{}", ctx_msg("state round trip"));
                    h.drop_guard(g2);
                    "state-move"
                }
            };
            assert_eq!(
                h.state(g),
                ng.state_json(),
                "{} step {step} after {what}: state",
                ctx_msg("state")
            );
        }
        h.drop_guard(g);
    }
    println!("  {n} flows, {steps} steps equal ({allowed} allowed finalizes)");
    steps
}

#[test]
fn guard_flow_matches_native_fixed_seed() {
    flow_differential(FIXED_SEED, FLOW_CASES);
}

#[test]
fn guard_flow_matches_native_random_seed() {
    flow_differential(random_seed() ^ 0xf10, FLOW_CASES);
}

// ---- the fine-grained free functions ------------------------------------------------------

fn opt_str(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

fn head_of(v: &Value) -> Option<wit::Head> {
    Some(wit::Head {
        seq: v.get("seq")?.as_u64()?,
        mac: v.get("mac")?.as_str()?.to_string(),
    })
}

fn core_head(h: &Option<wit::Head>) -> Option<audit::Head> {
    h.as_ref().map(|h| audit::Head {
        seq: h.seq,
        mac: h.mac.clone(),
    })
}

fn hex_key(v: &Value, k: &str) -> Vec<u8> {
    presidio_x402_core::hex::decode(v.get(k).and_then(Value::as_str).unwrap_or(""))
        .unwrap_or_default()
}

fn parse(text: &str) -> Result<Value, Code> {
    if text.len() > facade::MAX_INPUT_BYTES {
        return Err(Code::InvalidInput);
    }
    serde_json::from_str(text).map_err(|_| Code::InvalidInput)
}

fn free_differential(seed: u64, n: usize) -> usize {
    println!("free-function differential: seed {seed} ({n} cases)");
    let corpus = vector_inputs();
    let mut rng = Rng::new(seed);
    let mut h = Host::new();
    let mut done = 0usize;
    while done < n {
        let (op, v) = rng.pick(&corpus).clone();
        let v = if rng.chance(2, 3) {
            gen::mutate_value(&mut rng, &v, 3)
        } else {
            v
        };
        let api_ = h.bindings.presidio_x402_api();
        let s = &mut h.store;
        let ctx = format!("seed {seed}: {op} {}", shown(&v.to_string()));
        match op.as_str() {
            "challenge.parse" => {
                let (hd, body) = (opt_str(&v, "header"), opt_str(&v, "body"));
                let cfg = v
                    .get("config")
                    .filter(|_| rng.chance(1, 2))
                    .map(Value::to_string);
                let c = api_
                    .call_parse_challenge(&mut *s, hd.as_deref(), body.as_deref(), cfg.as_deref())
                    .expect("no trap");
                let n_ = (|| {
                    let config = match &cfg {
                        Some(c) => parse(c)?,
                        None => Value::Null,
                    };
                    facade::call_json(
                        "challenge.parse",
                        &json!({"header": hd, "body": body, "config": config}).to_string(),
                    )
                })();
                assert_eq!(c.map_err(ht::code_name), n_.map_err(Code::as_str), "{ctx}");
            }
            "pii.redact" | "pii.scan" => {
                let text = opt_str(&v, "text").unwrap_or_default();
                let mut cfg = v.clone();
                if let Some(m) = cfg.as_object_mut() {
                    m.remove("text");
                }
                let cfg = cfg.to_string();
                let c = api_
                    .call_redact(&mut *s, &text, &cfg)
                    .expect("no trap")
                    .map(|r| (r.text, r.entities))
                    .map_err(ht::code_name);
                let n_ = (|| {
                    let r = pii::apply(&text, &pii::config_from_json(&parse(&cfg)?)?)?;
                    Ok((
                        r.text,
                        r.findings
                            .iter()
                            .map(|f| f.entity.as_str().to_string())
                            .collect::<Vec<_>>(),
                    ))
                })()
                .map_err(Code::as_str);
                assert_eq!(c, n_, "{ctx}");
            }
            "replay.fingerprint" => {
                let f = |k: &str| opt_str(&v, k).unwrap_or_default();
                let key = hex_key(&v, "key_hex");
                let c = api_
                    .call_fingerprint(
                        &mut *s,
                        &key,
                        &f("method"),
                        &f("url"),
                        opt_str(&v, "request_body_sha256").as_deref(),
                        opt_str(&v, "idempotency_key").as_deref(),
                        &f("network"),
                        &f("asset"),
                        &f("pay_to"),
                    )
                    .expect("no trap")
                    .map_err(ht::code_name);
                let input = json!({"key_hex": presidio_x402_core::hex::encode(&key), "method": f("method"), "url": f("url"),
                    "network": f("network"), "asset": f("asset"), "pay_to": f("pay_to"),
                    "request_body_sha256": opt_str(&v, "request_body_sha256"), "idempotency_key": opt_str(&v, "idempotency_key")});
                let n_ = facade::call("replay.fingerprint", &input)
                    .map(|o| o["fingerprint"].as_str().unwrap_or("").to_string())
                    .map_err(Code::as_str);
                assert_eq!(c, n_, "{ctx}");
            }
            "audit.append" => {
                let key = hex_key(&v, "key_hex");
                let head = v.get("head").and_then(head_of);
                let ev = v.get("event").map(Value::to_string).unwrap_or_default();
                let now = v
                    .get("now_ms")
                    .and_then(Value::as_u64)
                    .unwrap_or(rng.next_u64() >> rng.below(64));
                let c = api_
                    .call_audit_append(&mut *s, &key, head.as_ref(), &ev, now)
                    .expect("no trap");
                let n_ = (|| {
                    let e = AuditEvent::from_json(&parse(&ev)?)?;
                    audit::append(&key, core_head(&head).as_ref(), &e, now)
                })();
                assert_eq!(
                    c.map(|e| (e.line, e.head.seq, e.head.mac))
                        .map_err(ht::code_name),
                    n_.map(|(l, hd)| (l, hd.seq, hd.mac)).map_err(Code::as_str),
                    "{ctx}"
                );
            }
            "audit.verify" | "audit.verify-report" => {
                let key = hex_key(&v, "key_hex");
                let log = match (
                    v.get("text").and_then(Value::as_str),
                    v.get("lines").and_then(Value::as_array),
                ) {
                    (Some(t), _) => t.to_string(),
                    (None, Some(ls)) => ls
                        .iter()
                        .map(|l| l.as_str().unwrap_or(""))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    _ => gen::string(&mut rng),
                };
                let (start, exp) = (
                    v.get("start").and_then(head_of),
                    v.get("expected_head").and_then(head_of),
                );
                let c = api_
                    .call_audit_verify(&mut *s, &key, &log, start.as_ref(), exp.as_ref())
                    .expect("no trap");
                let n_ = audit::verify_text(
                    &key,
                    &log,
                    core_head(&start).as_ref(),
                    core_head(&exp).as_ref(),
                );
                assert_eq!(
                    c.map(|hd| (hd.seq, hd.mac)).map_err(|f| (
                        f.line,
                        f.seq,
                        ht::code_name(f.code)
                    )),
                    n_.map(|hd| (hd.seq, hd.mac)).map_err(|f| (
                        f.line as u64,
                        f.seq,
                        f.code.as_str()
                    )),
                    "{ctx}"
                );
            }
            "mpa.request" => {
                let p = v.get("payment").map(Value::to_string).unwrap_or_default();
                let (now, to) = (
                    v["now_ms"].as_u64().unwrap_or(0),
                    v["timeout_ms"].as_u64().unwrap_or(30_000),
                );
                let c = api_
                    .call_mpa_request(&mut *s, &p, now, to)
                    .expect("no trap");
                let n_ = (|| {
                    let out = facade::call(
                        "mpa.request",
                        &json!({"payment": parse(&p)?, "now_ms": now, "timeout_ms": to}),
                    )?;
                    Ok::<_, Code>((
                        out["request_id"].as_str().unwrap_or("").to_string(),
                        out["expires_at_ms"].as_u64().unwrap_or(0),
                        out["canonical"].as_str().unwrap_or("").to_string(),
                        out["request"].to_string(),
                    ))
                })();
                assert_eq!(
                    c.map(|r| (r.request_id, r.expires_at_ms, r.canonical, r.request_json))
                        .map_err(ht::code_name),
                    n_.map_err(Code::as_str),
                    "{ctx}"
                );
            }
            "mpa.countersign" => {
                let secret = opt_str(&v, "secret").unwrap_or_default();
                let req = v.get("request").map(Value::to_string).unwrap_or_default();
                let c = api_
                    .call_mpa_countersign(&mut *s, secret.as_bytes(), &req)
                    .expect("no trap");
                let n_ = (|| {
                    mpa::countersign(
                        secret.as_bytes(),
                        &ApprovalRequest::from_json(&parse(&req)?)?,
                    )
                })();
                assert_eq!(c.map_err(ht::code_name), n_.map_err(Code::as_str), "{ctx}");
            }
            "mpa.verify" => {
                let cfg = v.get("config").map(Value::to_string).unwrap_or_default();
                let req = v.get("request").map(Value::to_string).unwrap_or_default();
                let sigs: Vec<(String, String)> = v["signatures"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| {
                        (
                            p[0].as_str().unwrap_or("").to_string(),
                            p[1].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect();
                let now = v["now_ms"].as_u64().unwrap_or(0);
                let c = api_
                    .call_mpa_verify(&mut *s, &cfg, &req, &sigs, now)
                    .expect("no trap");
                let n_ = (|| {
                    let m = MpaConfig::from_json(&parse(&cfg)?, "mpa")
                        .map_err(|e| e.first().map_or(Code::ConfigMalformed, |e| e.code))?;
                    let r = ApprovalRequest::from_json(&parse(&req)?)?;
                    Ok::<_, Code>(mpa::verify_countersignatures(&m, &r, &sigs, now))
                })();
                assert_eq!(
                    c.map(|t| (
                        t.approvals as usize,
                        t.threshold as usize,
                        t.approved_by,
                        t.verdict.map(ht::code_name),
                        t.problems_json
                    ))
                    .map_err(ht::code_name),
                    n_.map(|t| {
                        let problems: Vec<Value> = t
                            .problems
                            .iter()
                            .map(|(a, c)| json!({"approver_id": a, "code": c.as_str()}))
                            .collect();
                        (
                            t.approvals,
                            t.threshold,
                            t.approved_by,
                            t.verdict.err().map(Code::as_str),
                            Value::Array(problems).to_string(),
                        )
                    })
                    .map_err(Code::as_str),
                    "{ctx}"
                );
            }
            "config.validate" => {
                let cfg = v
                    .get("config")
                    .map(Value::to_string)
                    .unwrap_or_else(|| gen::string(&mut rng));
                let c: Vec<(String, &str)> = api_
                    .call_validate_config(&mut *s, &cfg)
                    .expect("no trap")
                    .into_iter()
                    .map(|e| (e.path, ht::code_name(e.code)))
                    .collect();
                let n_: Vec<(String, &str)> = match GuardConfig::from_json(&cfg) {
                    Ok(_) => Vec::new(),
                    Err(es) => es.into_iter().map(|e| (e.path, e.code.as_str())).collect(),
                };
                assert_eq!(c, n_, "{ctx}");
            }
            _ => continue,
        }
        done += 1;
    }
    println!("  {n} free-function cases equal");
    n
}

#[test]
fn free_functions_match_native() {
    free_differential(FIXED_SEED, FREE_CASES);
}

#[test]
fn hostile_sizes_never_trap() {
    let mut h = Host::new();
    let big = "a".repeat(4 << 20);
    let deep = gen::deep(200_000, true);
    for op in facade::OPERATIONS {
        for input in [
            big.as_str(),
            deep.as_str(),
            "",
            "null",
            "[]",
            "{\"text\":null}",
        ] {
            assert_eq!(h.call(op, input), native_call(op, input), "{op}");
        }
    }
    // Huge values in every typed argument.
    let g = h.create("{}").expect("default config");
    let ctx = wit::PaymentContext {
        method: big.clone(),
        request_url: big.clone(),
        payment_required: Some(big.clone()),
        body: Some(deep.clone()),
        reason: big.clone(),
        now_ms: u64::MAX,
    };
    let a = h.assess(g, &ctx, big.as_bytes());
    assert_eq!(a.blocked.map(ht::code_name), Some("invalid-input"));
    let ctx = wit::PaymentContext {
        method: "GET".into(),
        request_url: "https://api.example.com/x".into(),
        body: Some(deep.clone()),
        ..ctx
    };
    let a = h.assess(g, &ctx, &[1; 32]);
    assert!(a.blocked.is_some());
    assert_eq!(h.load_state(g, &deep), Err("state-corrupt"));
    assert_eq!(h.load_state(g, &big), Err("state-corrupt"));
    let api_ = h.bindings.presidio_x402_api();
    let r = api_.call_redact(&mut h.store, &big, "{}").expect("no trap");
    assert_eq!(
        r.map(|_| ()).map_err(ht::code_name),
        Err("pii-input-too-large")
    );
    let r = api_
        .call_audit_verify(&mut h.store, &[1; 32], &format!("{big}\n{big}"), None, None)
        .expect("no trap");
    assert!(r.is_err());
    let errs = api_
        .call_validate_config(&mut h.store, &deep)
        .expect("no trap");
    assert_eq!(errs.len(), 1);
    h.drop_guard(g);
}
