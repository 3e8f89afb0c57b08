//! Tail repair: what a file sink does to its log's last bytes when it opens
//! it, and the head it resumes from. One rule for every host (Node, Python,
//! the sidecar), which only read the tail, truncate or append, and fsync.
//!
//! The rule follows the verifier ([`verify_text`](super::verify_text)): an
//! unterminated last line is **cut** exactly when the verifier would name it
//! [`Code::AuditPartialLine`] (a torn append: at most [`MAX_LINE_BYTES`](super::MAX_LINE_BYTES)
//! that do not parse as JSON, a cut inside a multi-byte character
//! included), and anything else is **finished** with a newline, so the
//! verifier still sees it (a complete line that lost only its newline
//! verifies; a forged, non-canonical or overlong one is reported at its
//! line, never silently removed).

use super::entry::Head;
use super::verify::{is_torn, line_head};
use crate::error::Code;

/// The window a host reads: the file's last `min(size, 64 KiB)` bytes. A
/// line is at most [`MAX_LINE_BYTES`](super::MAX_LINE_BYTES) + 1 bytes, so the window always holds
/// a torn tail and the complete line before it.
pub const TAIL_WINDOW_BYTES: usize = 64 * 1024;

/// What to do to the file's end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TailAction {
    /// Nothing: the file is empty or ends with a newline.
    None,
    /// Append one `\n` at the end (a complete last line lost its newline).
    AppendNewline,
    /// Truncate the file to `at` bytes (a torn append).
    Truncate,
}

impl TailAction {
    /// The wire name: `none`, `append-newline` or `truncate`.
    pub fn as_str(self) -> &'static str {
        match self {
            TailAction::None => "none",
            TailAction::AppendNewline => "append-newline",
            TailAction::Truncate => "truncate",
        }
    }
}

/// The decision for one log's tail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TailRepair {
    /// What to do.
    pub action: TailAction,
    /// The absolute offset it applies at: the file's size for `none` and
    /// `append-newline`, the new size for `truncate`.
    pub at: u64,
    /// `seq` and `mac` of the repaired log's last line (`None`: the
    /// repaired log is empty).
    pub head: Option<Head>,
}

/// Decides the repair of a log from its last bytes: `window` is the file's
/// last `min(size, TAIL_WINDOW_BYTES)` bytes and `offset` the absolute
/// offset of its first byte (`size - window.len()`).
///
/// The head is read from the repaired log's last line, which must have an
/// entry's shape (canonical JSON with every member; the MAC is the
/// verifier's to check). Errors: [`Code::InvalidInput`] for a window over
/// the cap, one shorter than the cap that does not start the file
/// (`offset > 0`), or an offset past 2^63; [`Code::AuditMalformedLine`]
/// when that last line is not an entry (an empty line, CRLF, re-serialised
/// JSON, an overlong line, or none complete in a full window): the chain
/// cannot go on after it, so the sink fails closed and the verifier names
/// the line.
pub fn repair_tail(window: &[u8], offset: u64) -> Result<TailRepair, Code> {
    if window.len() > TAIL_WINDOW_BYTES
        || (offset > 0 && window.len() < TAIL_WINDOW_BYTES)
        || offset > i64::MAX as u64 - TAIL_WINDOW_BYTES as u64
    {
        return Err(Code::InvalidInput);
    }
    let size = offset + window.len() as u64;
    // Complete lines end at `end` (just past the last newline); the rest is the tail.
    let end = window
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let tail = &window[end..];
    let (action, at, upto) = if tail.is_empty() {
        (TailAction::None, size, end)
    } else if end == 0 && offset > 0 {
        // No newline in a full window: the tail is longer than any line of ours.
        (TailAction::AppendNewline, size, window.len())
    } else if core::str::from_utf8(tail).map_or(true, is_torn) {
        (TailAction::Truncate, offset + end as u64, end)
    } else {
        (TailAction::AppendNewline, size, window.len())
    };
    // The head: the repaired log's last complete line, which must be an entry.
    let lines = &window[..upto];
    let body = lines.strip_suffix(b"\n").unwrap_or(lines);
    let last = &body[body.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)..];
    let head = if lines.is_empty() {
        None
    } else if offset > 0 && last.len() == body.len() {
        // The window starts inside its only line: no complete line to read.
        return Err(Code::AuditMalformedLine);
    } else {
        let h = core::str::from_utf8(last).ok().and_then(line_head);
        Some(h.ok_or(Code::AuditMalformedLine)?)
    };
    Ok(TailRepair { action, at, head })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::log;
    use super::*;

    fn text(n: u64) -> String {
        log(n).0.iter().map(|l| format!("{l}\n")).collect()
    }

    #[test]
    fn torn_complete_and_clean_tails() {
        let (lines, head) = log(3);
        let full = text(3);
        let r = repair_tail(full.as_bytes(), 0).unwrap();
        assert_eq!(
            (r.action, r.at, r.head),
            (TailAction::None, full.len() as u64, Some(head.clone()))
        );
        let unterminated = &full[..full.len() - 1];
        let r = repair_tail(unterminated.as_bytes(), 0).unwrap();
        assert_eq!(
            (r.action, r.head.as_ref()),
            (TailAction::AppendNewline, Some(&head))
        );
        let keep = full.len() - lines[2].len() - 1;
        let torn = &full[..full.len() - 10];
        let r = repair_tail(torn.as_bytes(), 0).unwrap();
        assert_eq!((r.action, r.at), (TailAction::Truncate, keep as u64));
        assert_eq!(r.head.unwrap().seq, 2);
        assert_eq!(repair_tail(b"", 0).unwrap().head, None);
        assert_eq!(repair_tail(b"", 1), Err(Code::InvalidInput));
    }

    #[test]
    fn window_edges() {
        // A full window of a long log: the first, cut line is not read.
        let full = text(200);
        assert!(full.len() > TAIL_WINDOW_BYTES);
        let start = full.len() - TAIL_WINDOW_BYTES;
        let r = repair_tail(&full.as_bytes()[start..], start as u64).unwrap();
        assert_eq!((r.action, r.head), (TailAction::None, Some(log(200).1)));
        // A full window without any newline: no head to resume from.
        let junk = vec![b'x'; TAIL_WINDOW_BYTES];
        assert_eq!(repair_tail(&junk, 5), Err(Code::AuditMalformedLine));
        assert_eq!(repair_tail(&junk[1..], 5), Err(Code::InvalidInput));
        assert_eq!(repair_tail(&junk, 1 << 63), Err(Code::InvalidInput));
    }
}
