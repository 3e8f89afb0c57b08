//! A log directory: every replica's chain verified on its own, and no replica
//! with two chains.

use super::entry::Head;
use super::verify::{verify_text_replica, AuditFailure};
use crate::error::Code;

/// Most chains [`verify_chains`] accepts in one call.
pub const MAX_CHAINS: usize = 4096;

/// One chain of a log directory, as [`verify_chains`] reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    /// The caller's name for the chain (a file name).
    pub name: String,
    /// The replica its lines name (`None`: no replica ids, or an empty chain).
    pub replica: Option<String>,
    /// Its final head, or why it fails.
    pub result: Result<Head, AuditFailure>,
}

/// Verifies the chains of a log directory: every `(name, text)` chain on its
/// own, as [`verify_text`](super::verify_text) (each must start at seq 1), then across chains: two
/// non-empty chains naming the same replica (or both naming none) are
/// [`Code::AuditReplicaDuplicate`], reported on the later chain at its line 1.
/// Reports come back in input order.
pub fn verify_chains(key: &[u8], chains: &[(&str, &str)]) -> Result<Vec<ChainReport>, Code> {
    if chains.len() > MAX_CHAINS {
        return Err(Code::InvalidInput);
    }
    let mut seen: std::collections::BTreeMap<Option<String>, ()> =
        std::collections::BTreeMap::new();
    let mut out = Vec::with_capacity(chains.len());
    for (name, text) in chains {
        let (replica, mut result) = match verify_text_replica(key, text, None, None) {
            Ok((h, r)) => (r, Ok(h)),
            Err(f) => (None, Err(f)),
        };
        if let Ok(h) = &result {
            if h.seq > 0 && seen.insert(replica.clone(), ()).is_some() {
                result = Err(AuditFailure::at(1, Some(1), Code::AuditReplicaDuplicate));
            }
        }
        out.push(ChainReport {
            name: (*name).to_string(),
            replica,
            result,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{chain, ev, KEY};
    use super::super::{append, verify_text, AuditEvent};
    use super::*;

    #[test]
    fn replica_lines_verify_and_never_mix() {
        let a = chain(Some("replica-a"), 3);
        assert!(a.contains(r#""replica":"replica-a""#));
        assert_eq!(verify_text(KEY, &a, None, None).unwrap().seq, 3);
        let b = chain(Some("replica-b"), 3);
        // line 2 of a chain from another replica, re-chained correctly, still fails on replica
        let mut head = None;
        let mut mixed = String::new();
        for (i, r) in ["replica-a", "replica-b"].iter().enumerate() {
            let e = AuditEvent {
                replica: Some(r.to_string()),
                ..ev(i as u64)
            };
            let (line, h) = append(KEY, head.as_ref(), &e, 1_700_000_000_000).unwrap();
            mixed.push_str(&line);
            mixed.push('\n');
            head = Some(h);
        }
        assert_eq!(
            verify_text(KEY, &mixed, None, None).unwrap_err(),
            AuditFailure::at(2, Some(2), Code::AuditReplicaMismatch)
        );
        let bad = AuditEvent {
            replica: Some("no spaces".into()),
            ..ev(0)
        };
        assert_eq!(append(KEY, None, &bad, 1).unwrap_err(), Code::InvalidInput);
        let reports =
            verify_chains(KEY, &[("a", &a), ("b", &b), ("a2", &a), ("empty", "")]).unwrap();
        assert_eq!(reports[0].replica.as_deref(), Some("replica-a"));
        assert!(reports[1].result.is_ok());
        assert_eq!(
            reports[2].result.clone().unwrap_err().code,
            Code::AuditReplicaDuplicate
        );
        assert_eq!(reports[3].result.as_ref().unwrap().seq, 0);
    }
}
