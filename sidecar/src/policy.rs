//! The policy file: JSON or TOML text (by extension) turned into the core's
//! configuration, validated by the core. The sidecar sets `replica_id` (from
//! `--replica-id` or the host name) and, when given, `agent_id`.

use crate::errors::StartError;
use presidio_x402_core::config::GuardConfig;
use presidio_x402_core::{Code, ConfigError};
use serde_json::Value;
use std::path::Path;

/// Largest policy file read, in bytes.
pub const MAX_POLICY_BYTES: u64 = 1 << 20;

/// Identity the sidecar writes into every configuration.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The replica id (`[A-Za-z0-9._:-]`, ≤ 64 bytes).
    pub replica_id: String,
    /// The agent id, when given by flag.
    pub agent_id: Option<String>,
}

fn one(code: Code) -> Vec<ConfigError> {
    vec![ConfigError::new("", code)]
}

/// Parses policy text (`toml` when `toml` is true, JSON otherwise) into a JSON object.
pub fn parse(text: &str, toml: bool) -> Result<Value, Vec<ConfigError>> {
    let v: Value = if toml {
        let t: toml::Table = toml::from_str(text).map_err(|_| one(Code::ConfigMalformed))?;
        serde_json::to_value(t).map_err(|_| one(Code::ConfigMalformed))?
    } else {
        serde_json::from_str(text).map_err(|_| one(Code::ConfigMalformed))?
    };
    if !v.is_object() {
        return Err(one(Code::ConfigMalformed));
    }
    Ok(v)
}

/// The configuration of a policy value with the sidecar's identity, validated by the core.
pub fn config(v: Value, id: &Identity) -> Result<GuardConfig, Vec<ConfigError>> {
    GuardConfig::from_value(&with_identity(v, id))
}

/// A policy value with the sidecar's `replica_id` and, when given, `agent_id`.
pub fn with_identity(mut v: Value, id: &Identity) -> Value {
    if let Some(m) = v.as_object_mut() {
        m.insert("replica_id".into(), Value::String(id.replica_id.clone()));
        if let Some(a) = &id.agent_id {
            m.insert("agent_id".into(), Value::String(a.clone()));
        }
    }
    v
}

/// Reads and validates the policy file (no file: the core's defaults).
pub fn load(path: Option<&Path>, id: &Identity) -> Result<GuardConfig, StartError> {
    config(read(path, id)?, id).map_err(StartError::config)
}

/// Reads the policy file into a JSON object with the sidecar's identity
/// (no file: the core's defaults); the core validates it.
pub fn read(path: Option<&Path>, id: &Identity) -> Result<Value, StartError> {
    let v = match path {
        None => Value::Object(Default::default()),
        Some(p) => {
            let meta = std::fs::metadata(p).map_err(|e| {
                StartError::new(
                    "config-malformed",
                    format!("cannot read the policy file: {}", e.kind()),
                )
            })?;
            if meta.len() > MAX_POLICY_BYTES {
                return Err(StartError::new(
                    "config-malformed",
                    "the policy file is over 1 MiB",
                ));
            }
            let text = std::fs::read_to_string(p).map_err(|e| {
                StartError::new(
                    "config-malformed",
                    format!("cannot read the policy file: {}", e.kind()),
                )
            })?;
            let is_toml = p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
            parse(&text, is_toml).map_err(StartError::config)?
        }
    };
    Ok(with_identity(v, id))
}

/// The host name as a replica id: characters outside `[A-Za-z0-9._:-]` become `-`, at most 64 bytes.
pub fn hostname() -> String {
    let raw = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .unwrap_or_default();
    let mut s: String = raw
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._:-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    s.truncate(64);
    if s.is_empty() {
        "sidecar".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_json_give_the_same_configuration() {
        let id = Identity {
            replica_id: "r1".into(),
            agent_id: Some("agent-7".into()),
        };
        let j = config(
            parse(r#"{"max_per_call_usd": 0.1, "daily_limit_usd": 5}"#, false).expect("json"),
            &id,
        )
        .expect("valid");
        let t = config(
            parse("max_per_call_usd = 0.1\ndaily_limit_usd = 5\n", true).expect("toml"),
            &id,
        )
        .expect("valid");
        assert_eq!(j.max_per_call_usd, t.max_per_call_usd);
        assert_eq!(j.daily_limit_usd, t.daily_limit_usd);
        assert_eq!(t.replica_id, "r1");
        assert_eq!(t.agent_id, "agent-7");
        let bad = config(parse("nope = 1\n", true).expect("toml"), &id).unwrap_err();
        assert_eq!(bad[0].code, Code::ConfigUnknownField);
        assert_eq!(
            parse("[", false).unwrap_err()[0].code,
            Code::ConfigMalformed
        );
        assert_eq!(
            parse("= x", true).unwrap_err()[0].code,
            Code::ConfigMalformed
        );
    }
}
