//! The shipped JSON Schema (`schema/policy.schema.json`) and the core's
//! configuration parser accept exactly the same keys at every level.

use presidio_x402_core::{config, controls, mpa};
use serde_json::Value;
use std::collections::BTreeSet;

fn keys(v: &Value) -> BTreeSet<String> {
    v["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .cloned()
        .collect()
}

fn set(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn schema_matches_the_core() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema/policy.schema.json");
    let s: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(keys(&s), set(config::KEYS), "top level");
    let p = &s["properties"];
    assert_eq!(keys(&p["pii"]), set(config::PII_KEYS), "pii");
    assert_eq!(
        keys(&p["assets"]["items"]),
        set(config::ASSET_KEYS),
        "assets[]"
    );
    assert_eq!(keys(&p["mpa"]), set(mpa::CONFIG_KEYS), "mpa");
    assert_eq!(keys(&p["payload"]), set(config::PAYLOAD_KEYS), "payload");
    assert_eq!(
        keys(&p["velocity"]),
        set(controls::velocity::KEYS),
        "velocity"
    );
    assert_eq!(
        keys(&p["velocity"]["properties"]["per_endpoint"]["additionalProperties"]),
        set(controls::velocity::RULE_KEYS),
        "velocity.per_endpoint.*"
    );
    assert_eq!(
        keys(&p["asset_caps"]["items"]),
        set(controls::asset_caps::KEYS),
        "asset_caps[]"
    );
    assert_eq!(
        keys(&p["mpa"]["properties"]["approvers"]["items"]),
        set(mpa::APPROVER_KEYS),
        "mpa.approvers[]"
    );
    let entities: BTreeSet<String> = s["$defs"]["entity"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    let core_entities: BTreeSet<String> = presidio_x402_core::pii::EntityType::ALL
        .iter()
        .map(|e| e.as_str().to_string())
        .collect();
    assert_eq!(entities, core_entities);
    for obj in [
        &s,
        &p["pii"],
        &p["assets"]["items"],
        &p["mpa"],
        &p["payload"],
        &p["mpa"]["properties"]["approvers"]["items"],
        &p["velocity"],
        &p["velocity"]["properties"]["per_endpoint"]["additionalProperties"],
        &p["asset_caps"]["items"],
    ] {
        assert_eq!(
            obj["additionalProperties"],
            Value::Bool(false),
            "unknown keys must be refused"
        );
    }
}
