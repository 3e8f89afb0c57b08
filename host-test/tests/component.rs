//! The built component, checked from a wasmtime host: it imports nothing,
//! stays under 1 MiB, declares exactly the core's error codes, and passes
//! every golden vector in `../vectors/` through its `call` export.

use presidio_x402_core::facade::AUDIT_OPERATIONS;
use presidio_x402_core::{facade, Code};
use presidio_x402_host_test::{self as ht, wit, Host};
use serde_json::Value;
use std::path::Path;
use wasmtime::component::types::ComponentItem;

#[test]
fn component_imports_nothing() {
    let ty = ht::component().component_type();
    let imports: Vec<String> = ty
        .imports(ht::engine())
        .map(|(name, _)| name.to_string())
        .collect();
    let exports: Vec<String> = ty
        .exports(ht::engine())
        .map(|(name, _)| name.to_string())
        .collect();
    println!(
        "component imports: {} {:?}; exports: {:?}",
        imports.len(),
        imports,
        exports
    );
    assert!(
        imports.is_empty(),
        "the component must import nothing, but imports {imports:?}"
    );
    assert_eq!(exports, ["presidio:x402/api@0.1.0"]);
}

#[test]
fn component_size_is_at_most_1_mib() {
    let len = std::fs::metadata(ht::wasm_path())
        .expect("component built (run `make component`)")
        .len();
    println!(
        "component size: {len} bytes ({:.1} KiB) at {}",
        len as f64 / 1024.0,
        ht::wasm_path().display()
    );
    assert!(
        len <= ht::MAX_COMPONENT_BYTES,
        "presidio_x402.wasm is {len} bytes, above the {} byte cap",
        ht::MAX_COMPONENT_BYTES
    );
}

#[test]
fn wit_error_codes_are_the_core_codes() {
    let core: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    // 1. The WIT text.
    let names = ht::wit_error_names();
    assert_eq!(
        names, core,
        "enum error-code in wit/presidio-x402.wit differs from presidio_x402_core::Code::ALL"
    );
    // 2. The host's generated enum: same count, discriminant = position.
    let codes = ht::wit_codes();
    assert_eq!(codes.len(), core.len());
    for (i, c) in codes.iter().enumerate() {
        assert_eq!(*c as u8 as usize, i, "{c:?}");
    }
    // 3. The built component's own type information.
    let ty = ht::component().component_type();
    let (_, item) = ty.exports(ht::engine()).next().expect("one export");
    let ComponentItem::ComponentInstance(inst) = item.ty else {
        panic!("the export is an instance")
    };
    let describe = inst
        .exports(ht::engine())
        .find_map(|(n, i)| match i.ty {
            ComponentItem::ComponentFunc(f) if n == "describe" => Some(f),
            _ => None,
        })
        .expect("describe export");
    let (_, param) = describe.params().next().expect("describe has a parameter");
    let wasmtime::component::types::Type::Enum(e) = param else {
        panic!("describe takes the error-code enum")
    };
    let built: Vec<&str> = e.names().collect();
    assert_eq!(
        built, core,
        "the built component's error-code differs from Code::ALL"
    );
    // 4. Each code crosses into the guest and back to the same core code.
    let mut h = Host::new();
    for (c, code) in codes.iter().zip(Code::ALL) {
        let d = h
            .bindings
            .presidio_x402_api()
            .call_describe(&mut h.store, *c)
            .expect("no trap");
        assert_eq!(d, code.describe(), "{}", code.as_str());
    }
}

#[test]
fn operations_are_the_core_operations() {
    let mut h = Host::new();
    assert_eq!(h.operations(), facade::OPERATIONS);
}

#[path = "../../core/tests/support/vector_files.rs"]
mod vector_files;

#[test]
fn every_vector_passes_through_the_component() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors");
    let mut h = Host::new();
    let ops = h.operations();
    let passed = vector_files::run_all(&dir, &ops, "component", |op, input| {
        let input = input.to_string();
        let got = h.call(op, &input);
        if AUDIT_OPERATIONS.contains(&op) {
            // the same verdict through audit-call (no input cap)
            assert_eq!(h.audit_call(op, &input), got, "{op} {input}: audit-call");
        }
        match got {
            Ok(out) => serde_json::from_str::<Value>(&out).map_err(|e| format!("not JSON: {e}")),
            Err(c) => Err(c.to_string()),
        }
    });
    println!(
        "{} vectors in {} files passed through the component",
        passed.vectors, passed.files
    );
}

#[test]
fn a_missing_guard_or_bad_key_is_an_error_not_a_trap() {
    let mut h = Host::new();
    let g = h.create("{}").expect("default config");
    let io = wit::HostResults {
        replay_fresh: Some(true),
        countersignatures: vec![],
        webhook_answers: vec![],
    };
    assert_eq!(
        h.finalize(g, 42, &io, &[7; 32], None, 0).unwrap_err(),
        "invalid-input"
    );
    assert_eq!(
        h.settle(g, 42, wit::Outcome::Settled, &[7; 32], None, 0)
            .unwrap_err(),
        "invalid-input"
    );
    assert_eq!(h.load_state(g, "{").unwrap_err(), "state-corrupt");
    assert_eq!(h.approvers_json(g), None);
    h.drop_guard(g);
    let errs = h.create("{\"nope\":1}").unwrap_err();
    assert_eq!(errs, vec![("nope".to_string(), "config-unknown-field")]);
}

#[test]
fn audit_call_takes_whole_logs_past_the_call_cap() {
    let mut h = Host::new();
    let key = [7u8; 32];
    let ev = presidio_x402_core::audit::AuditEvent {
        event_type: "payment_attempt".into(),
        outcome: "allowed".into(),
        resource_url: "https://api.example.com/x".into(),
        ..Default::default()
    };
    let mut text = String::new();
    let mut head = None;
    while text.len() <= facade::MAX_INPUT_BYTES {
        let (line, next) =
            presidio_x402_core::audit::append(&key, head.as_ref(), &ev, 1_700_000_000_000)
                .expect("append");
        text.push_str(&line);
        text.push('\n');
        head = Some(next);
    }
    let head = head.unwrap();
    let input = serde_json::json!({
        "key_hex": presidio_x402_core::hex::encode(&key),
        "chains": [{"name": "big.jsonl", "text": text}],
        "heads": {"-": head.to_json()},
    })
    .to_string();
    assert_eq!(h.call("audit.verify-chains", &input), Err("invalid-input"));
    let out: Value =
        serde_json::from_str(&h.audit_call("audit.verify-chains", &input).unwrap()).unwrap();
    assert_eq!(out["ok"], true);
    assert_eq!(out["truncation_checked"], true);
    assert_eq!(out["chains"][0]["head"], head.to_json());
    assert_eq!(h.audit_call("pii.scan", "{}"), Err("invalid-input"));
}
