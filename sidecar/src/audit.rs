//! Audit sinks: a JSONL file chain per replica (`{dir}/{replica}.jsonl`,
//! fsynced before the payment goes on, read back for the head at start-up),
//! or stdout. The core writes every line; this module only appends them.

use presidio_x402_core::audit::{repair_tail, Head, TailAction, TailRepair, TAIL_WINDOW_BYTES};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Where audit lines go.
pub enum Sink {
    /// One line per payment step on stdout (no head to read back).
    Stdout,
    /// An append-only file, the source of truth for the head on restart.
    File(FileSink),
}

impl Sink {
    /// Whether the sink reads its own head back (the driver's `log_reads_back`).
    pub fn reads_back(&self) -> bool {
        matches!(self, Sink::File(_))
    }

    /// Appends one line (durably, for a file).
    pub fn write(&mut self, line: &str) -> std::io::Result<()> {
        match self {
            Sink::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
                out.flush()
            }
            Sink::File(f) => f.write(line),
        }
    }

    /// The head of what the sink holds (`None` for stdout or an empty log).
    pub fn head(&self) -> std::io::Result<Option<Head>> {
        match self {
            Sink::Stdout => Ok(None),
            Sink::File(f) => f.head(),
        }
    }
}

/// An append-only JSONL audit file.
pub struct FileSink {
    path: PathBuf,
    file: Option<std::fs::File>,
}

/// The core's tail decision for the file (`audit.repair-tail`): reads its
/// last `min(size, 64 KiB)` bytes and hands them over (I/O only).
fn read_tail(f: &mut std::fs::File) -> std::io::Result<TailRepair> {
    let size = f.metadata()?.len();
    let start = size.saturating_sub(TAIL_WINDOW_BYTES as u64);
    f.seek(SeekFrom::Start(start))?;
    let mut window = Vec::with_capacity((size - start) as usize);
    Read::by_ref(f)
        .take(size - start)
        .read_to_end(&mut window)?;
    repair_tail(&window, start).map_err(|c| std::io::Error::other(c.as_str()))
}

impl FileSink {
    /// A sink for `{dir}/{replica}.jsonl` (the directory is created, mode 0700).
    pub fn new(dir: &Path, replica: &str) -> std::io::Result<FileSink> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        Ok(FileSink {
            path: dir.join(format!("{replica}.jsonl")),
            file: None,
        })
    }

    /// Opens the log for appending, its tail repaired as the core's
    /// [`repair_tail`] decides: a torn append (cut by a crash) is cut off, a
    /// complete line missing only its newline gets it.
    fn open(&mut self) -> std::io::Result<&mut std::fs::File> {
        if self.file.is_none() {
            use std::os::unix::fs::OpenOptionsExt;
            let created = !self.path.exists();
            let mut f = std::fs::OpenOptions::new()
                .read(true)
                .append(true)
                .create(true)
                .mode(0o600)
                .open(&self.path)?;
            // The core decides; this only truncates or appends, then syncs.
            let r = read_tail(&mut f)?;
            match r.action {
                TailAction::None => {}
                TailAction::AppendNewline => f.write_all(b"\n")?,
                TailAction::Truncate => f.set_len(r.at)?,
            }
            if r.action != TailAction::None {
                f.sync_all()?;
            }
            if created {
                if let Some(d) = self.path.parent() {
                    if let Ok(d) = std::fs::File::open(d) {
                        let _ = d.sync_all();
                    }
                }
            }
            self.file = Some(f);
        }
        self.file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("audit file not open"))
    }

    fn write(&mut self, line: &str) -> std::io::Result<()> {
        let res = (|| {
            let f = self.open()?;
            let mut buf = Vec::with_capacity(line.len() + 1);
            buf.extend_from_slice(line.as_bytes());
            buf.push(b'\n');
            f.write_all(&buf)?;
            f.sync_data()
        })();
        if res.is_err() {
            self.file = None; // reopen (and repair a torn tail) next time
        }
        res
    }

    /// The head of the log once repaired (reads its last 64 KiB only).
    fn head(&self) -> std::io::Result<Option<Head>> {
        let mut f = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(read_tail(&mut f)?.head)
    }
}

/// Every `*.jsonl` file of a directory as `{name, text}` chains, sorted by name.
pub fn read_chains(dir: &Path) -> std::io::Result<Vec<serde_json::Value>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".jsonl"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let text = std::fs::read_to_string(dir.join(&n))?;
            Ok(serde_json::json!({"name": n, "text": text}))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use presidio_x402_core::audit::{append, AuditEvent};

    /// A file sink repairs its log at open by the core's rule: a torn append
    /// is cut, a complete line missing its newline is finished, and the head
    /// is read back from the repaired log.
    #[test]
    fn open_repairs_the_tail_as_the_core_decides() {
        let dir = std::env::temp_dir().join(format!("px402-sidecar-tail-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let key = [7u8; 32];
        let ev = AuditEvent::from_json(&serde_json::json!({
            "event_type": "payment_attempt", "outcome": "allowed",
            "resource_url": "https://api.example.com/r", "pii_entities_found": []
        }))
        .unwrap();
        let (l1, h1) = append(&key, None, &ev, 1_767_225_600_000).unwrap();
        let (l2, h2) = append(&key, Some(&h1), &ev, 1_767_225_601_000).unwrap();
        for (tail, want_text, want_head) in [
            (&l2[..l2.len() / 2], format!("{l1}\n"), &h1),
            (&l2[..], format!("{l1}\n{l2}\n"), &h2),
        ] {
            let mut sink = FileSink::new(&dir, "r1").unwrap();
            std::fs::write(&sink.path, format!("{l1}\n{tail}")).unwrap();
            assert_eq!(sink.head().unwrap().as_ref(), Some(want_head));
            sink.open().unwrap();
            assert_eq!(std::fs::read_to_string(&sink.path).unwrap(), want_text);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
