//! A log directory: every replica's chain verified on its own, no replica
//! with two chains, and, given the replicas' stored heads, no chain cut short
//! and no replica whose log is gone.

use super::entry::{is_replica_id, Head};
use super::verify::{run_text, AuditFailure, ChainVerifier};
use crate::error::Code;

/// Most chains (and most stored heads) [`verify_chains`] accepts in one call.
pub const MAX_CHAINS: usize = 4096;

/// The replica name of a chain whose lines carry no replica id (a guard
/// without `replica_id`): its stored head is kept under this name.
pub const NO_REPLICA: &str = "-";

/// How a chain compares with its replica's stored head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeadCheck {
    /// Not compared: no stored heads were given, the chain's replica has
    /// none, or the chain failed first. Truncation was **not** checked.
    Unchecked,
    /// The chain holds the stored head's line, and this many lines past it
    /// (0: it ends at the head). Lines past the head are allowed: the head is
    /// saved after its line, so a crash or a failed save between the two
    /// leaves the log ahead, and the driver's start-up saves the log's head.
    Reached(u64),
}

/// One chain of a log directory, as [`verify_chains`] reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    /// The caller's name for the chain (a file name).
    pub name: String,
    /// The replica its lines name (`None`: no replica ids, an empty chain,
    /// or a chain that fails on its own; a chain failing only against its
    /// stored head keeps its replica).
    pub replica: Option<String>,
    /// Its final head, or why it fails.
    pub result: Result<Head, AuditFailure>,
    /// The stored head of its replica, when one was given.
    pub stored_head: Option<Head>,
    /// How it compares with that head.
    pub head_check: HeadCheck,
}

/// A replica with a stored head that no chain holds
/// ([`Code::AuditLogMissing`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingLog {
    /// The replica ([`NO_REPLICA`] for a guard without `replica_id`).
    pub replica: String,
    /// Its stored head.
    pub stored_head: Head,
}

/// What [`verify_chains`] found in a log directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirReport {
    /// One report per chain, in input order.
    pub chains: Vec<ChainReport>,
    /// The replicas whose stored head no chain holds, in replica order.
    pub missing: Vec<MissingLog>,
    /// True when stored heads were given and every non-empty chain that
    /// verified was compared with one: only then is a cut tail ruled out.
    pub truncation_checked: bool,
}

impl DirReport {
    /// Every chain verified and no replica's log is missing.
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.chains.iter().all(|c| c.result.is_ok())
    }
}

/// Verifies the chains of a log directory: every `(name, text)` chain on its
/// own, as [`verify_text`](super::verify_text) (each must start at seq 1), then across chains: two
/// non-empty chains naming the same replica (or both naming none) are
/// [`Code::AuditReplicaDuplicate`], reported on the later chain at its line 1.
///
/// `heads`, when given, are the replicas' stored heads (replica id and
/// head, sorted by replica id, each once; [`NO_REPLICA`] for chains without
/// replica ids), as the driver's
/// `save-head` keeps them. A chain is then verified against its replica's
/// head ([`ChainVerifier::with_stored_head`]): a chain that ends before it
/// is [`Code::AuditTruncated`] (a cut tail), one whose line at the head's
/// `seq` has another MAC is [`Code::AuditHeadMismatch`] (an edited or
/// forked chain), and one past it is allowed ([`HeadCheck::Reached`]).
/// A replica whose head has `seq` > 0 but whose lines no chain names is
/// [`MissingLog`] (a deleted or emptied log; a chain that fails is matched
/// by the lines that verified before the failure). Without `heads`, or for a
/// chain whose replica has none, nothing is compared and
/// [`DirReport::truncation_checked`] is false.
///
/// Errors: [`Code::InvalidInput`] (more than [`MAX_CHAINS`] chains or heads,
/// a head under a name that is not a replica id, a malformed head, heads
/// out of order or repeated),
/// [`Code::KeyTooShort`].
pub fn verify_chains(
    key: &[u8],
    chains: &[(&str, &str)],
    heads: Option<&[(String, Head)]>,
) -> Result<DirReport, Code> {
    if chains.len() > MAX_CHAINS || heads.is_some_and(|h| h.len() > MAX_CHAINS) {
        return Err(Code::InvalidInput);
    }
    let hs = heads.unwrap_or_default();
    if hs.iter().any(|(r, h)| !is_replica_id(r) || !h.is_valid())
        || hs.windows(2).any(|w| w[0].0 >= w[1].0)
    {
        return Err(Code::InvalidInput);
    }
    ChainVerifier::new(key, None, None).map_err(|f| f.code)?;
    let mut seen: std::collections::BTreeMap<Option<String>, ()> = Default::default();
    let mut held = vec![false; hs.len()];
    let mut out = Vec::with_capacity(chains.len());
    let mut checked = heads.is_some();
    for (name, text) in chains {
        let fresh = || ChainVerifier::new(key, None, None).map_err(|f| f.code);
        let (named, first) = run_text(fresh()?, text);
        // The store's name of the replica its verified lines name (none before a verified line).
        let key_of = named.as_ref().map(|r| r.as_deref().unwrap_or(NO_REPLICA));
        let at = key_of.and_then(|k| hs.binary_search_by(|(r, _)| r.as_str().cmp(k)).ok());
        let stored = at.map(|i| {
            held[i] = true;
            hs[i].1.clone()
        });
        let (mut result, mut head_check) = (first.clone(), HeadCheck::Unchecked);
        if let (Ok(_), Some(s)) = (&first, &stored) {
            result = run_text(
                ChainVerifier::with_stored_head(key, s).map_err(|f| f.code)?,
                text,
            )
            .1;
            if let Ok(h) = &result {
                head_check = HeadCheck::Reached(h.seq - s.seq);
            }
        }
        let replica = if first.is_ok() { named.flatten() } else { None };
        if let Ok(h) = &result {
            if h.seq > 0 && seen.insert(replica.clone(), ()).is_some() {
                result = Err(AuditFailure::at(1, Some(1), Code::AuditReplicaDuplicate));
                head_check = HeadCheck::Unchecked;
            } else if h.seq > 0 && head_check == HeadCheck::Unchecked {
                checked = false;
            }
        }
        out.push(ChainReport {
            name: (*name).to_string(),
            replica,
            result,
            stored_head: stored,
            head_check,
        });
    }
    let missing = hs
        .iter()
        .zip(&held)
        .filter(|((_, h), held)| h.seq > 0 && !**held)
        .map(|((r, h), _)| MissingLog {
            replica: r.clone(),
            stored_head: h.clone(),
        })
        .collect();
    Ok(DirReport {
        chains: out,
        missing,
        truncation_checked: checked,
    })
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
        let d = verify_chains(
            KEY,
            &[("a", &a), ("b", &b), ("a2", &a), ("empty", "")],
            None,
        )
        .unwrap();
        assert!(!d.truncation_checked && d.missing.is_empty() && !d.ok());
        let reports = d.chains;
        assert_eq!(reports[0].replica.as_deref(), Some("replica-a"));
        assert!(reports[1].result.is_ok());
        assert_eq!(
            reports[2].result.clone().unwrap_err().code,
            Code::AuditReplicaDuplicate
        );
        assert_eq!(reports[3].result.as_ref().unwrap().seq, 0);
    }

    /// The head after the first `n` lines of a chain's text.
    fn head_at(text: &str, n: usize) -> Head {
        let cut: String = text.split_inclusive('\n').take(n).collect();
        verify_text(KEY, &cut, None, None).unwrap()
    }

    fn cut_tail(text: &str, n: usize) -> String {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        lines[..lines.len() - n].concat()
    }

    #[test]
    fn stored_heads_catch_cut_tails_and_missing_logs() {
        let (a, b, single) = (
            chain(Some("pod-a"), 5),
            chain(Some("pod-b"), 3),
            chain(None, 2),
        );
        let heads: Vec<(String, Head)> = [
            (NO_REPLICA.to_string(), head_at(&single, 2)),
            ("pod-a".to_string(), head_at(&a, 5)),
            ("pod-b".to_string(), head_at(&b, 3)),
        ]
        .into();
        let run = |chains: &[(&str, &str)], h: &[(String, Head)]| {
            verify_chains(KEY, chains, Some(h)).unwrap()
        };
        let set = |h: &[(String, Head)], r: &str, head: Head| {
            let mut h = h.to_vec();
            h.iter_mut().find(|(k, _)| k == r).unwrap().1 = head;
            h
        };
        // intact, heads equal
        let d = run(&[("a", &a), ("b", &b), ("s", &single)], &heads);
        assert!(d.ok() && d.truncation_checked && d.missing.is_empty());
        assert!(d
            .chains
            .iter()
            .all(|c| c.head_check == HeadCheck::Reached(0)));
        assert_eq!(d.chains[2].stored_head, Some(head_at(&single, 2)));
        // deleted log of pod-b: missing; an emptied one too (it names no replica)
        for b_text in [None, Some("")] {
            let mut chains = vec![("a", a.as_str()), ("s", single.as_str())];
            chains.extend(b_text.map(|t| ("b", t)));
            let d = run(&chains, &heads);
            assert!(!d.ok());
            assert_eq!(
                d.missing,
                vec![MissingLog {
                    replica: "pod-b".into(),
                    stored_head: head_at(&b, 3)
                }]
            );
        }
        // cut tail: last line, last 3 lines
        for n in [1, 3] {
            let cut = cut_tail(&a, n);
            let d = run(&[("a", &cut), ("b", &b), ("s", &single)], &heads);
            assert_eq!(
                d.chains[0].result,
                Err(AuditFailure::at(6 - n, None, Code::AuditTruncated))
            );
            assert!(d.missing.is_empty() && !d.ok());
        }
        // log ahead of its head (the head saved after its line): allowed, counted
        let behind = set(&heads, "pod-a", head_at(&a, 3));
        let d = run(&[("a", &a)], &behind);
        assert_eq!(d.chains[0].head_check, HeadCheck::Reached(2));
        assert!(d.chains[0].result.is_ok());
        // wrong head mac at its seq: forked or edited
        let wrong = set(
            &heads,
            "pod-a",
            Head {
                seq: 5,
                mac: head_at(&a, 4).mac,
            },
        );
        assert_eq!(
            run(&[("a", &a)], &wrong).chains[0].result,
            Err(AuditFailure::at(5, Some(5), Code::AuditHeadMismatch))
        );
        let wrong = set(
            &heads,
            "pod-a",
            Head {
                seq: 2,
                mac: head_at(&b, 2).mac,
            },
        );
        assert_eq!(
            run(&[("a", &a)], &wrong).chains[0]
                .result
                .clone()
                .unwrap_err()
                .code,
            Code::AuditHeadMismatch
        );
        // a chain whose replica has no stored head: not checked, said so
        let d = run(&[("a", &a), ("c", &chain(Some("pod-c"), 1))], &heads);
        assert!(!d.truncation_checked);
        assert_eq!(d.chains[1].head_check, HeadCheck::Unchecked);
        // a chain failing mid-way is still matched to its replica (not reported missing)
        let torn = format!("{}{}", cut_tail(&b, 1), "x\n");
        let d = run(&[("b", &torn)], &heads);
        assert!(d.missing.iter().all(|m| m.replica != "pod-b"));
        // heads that are not heads
        for bad in [
            ("no spaces", head_at(&a, 1)),
            (
                "pod-a",
                Head {
                    seq: 1,
                    mac: "AB".repeat(32),
                },
            ),
        ] {
            let h = [(bad.0.to_string(), bad.1)];
            assert_eq!(
                verify_chains(KEY, &[("a", &a)], Some(&h)),
                Err(Code::InvalidInput)
            );
        }
        let mut twice = heads.clone();
        twice.push(twice[2].clone());
        assert_eq!(
            verify_chains(KEY, &[("a", &a)], Some(&twice)),
            Err(Code::InvalidInput)
        );
        assert_eq!(
            verify_chains(&KEY[..15], &[("a", &a)], Some(&heads)),
            Err(Code::KeyTooShort)
        );
    }
}
