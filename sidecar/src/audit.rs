//! Audit sinks: a JSONL file chain per replica (`{dir}/{replica}.jsonl`,
//! fsynced before the payment goes on, read back for the head at start-up),
//! or stdout. The core writes every line; this module only appends them.

use presidio_x402_core::audit::Head;
use serde_json::Value;
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

/// Reads `seq` and `mac` of the last complete line of a JSONL text.
pub fn head_of_log(text: &str) -> Option<Head> {
    for line in text.lines().rev() {
        if line.trim().is_empty() {
            continue;
        }
        if let Ok(v) = serde_json::from_str::<Value>(line) {
            if let (Some(seq), Some(mac)) = (
                v.get("seq").and_then(Value::as_u64),
                v.get("mac").and_then(Value::as_str),
            ) {
                return Some(Head {
                    seq,
                    mac: mac.to_string(),
                });
            }
        }
    }
    None
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

    /// Opens the log for appending; a partial last line (an append cut by a
    /// crash) is cut off, a complete one missing only its newline gets it.
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
            let size = f.metadata()?.len();
            if size > 0 {
                let mut last = [0u8; 1];
                f.seek(SeekFrom::Start(size - 1))?;
                f.read_exact(&mut last)?;
                if last[0] != b'\n' {
                    let mut all = Vec::new();
                    f.seek(SeekFrom::Start(0))?;
                    f.read_to_end(&mut all)?;
                    let cut = all.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                    let tail = String::from_utf8_lossy(&all[cut..]).to_string();
                    if head_of_log(&tail).is_some() {
                        f.write_all(b"\n")?;
                    } else {
                        f.set_len(cut as u64)?;
                    }
                    f.sync_all()?;
                }
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

    /// The head from the log's last complete line (reads the tail only).
    fn head(&self) -> std::io::Result<Option<Head>> {
        let mut f = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let size = f.metadata()?.len();
        let mut span: u64 = 64 * 1024;
        loop {
            let start = size.saturating_sub(span);
            f.seek(SeekFrom::Start(start))?;
            let mut buf = Vec::new();
            Read::by_ref(&mut f)
                .take(size - start)
                .read_to_end(&mut buf)?;
            let mut text = String::from_utf8_lossy(&buf).to_string();
            if start > 0 {
                text = text
                    .split_once('\n')
                    .map(|x| x.1.to_string())
                    .unwrap_or_default();
            }
            let h = head_of_log(&text);
            if h.is_some() || start == 0 {
                return Ok(h);
            }
            span = span.saturating_mul(4);
        }
    }
}

/// Every `*.jsonl` file of a directory as `{name, text}` chains, sorted by name.
pub fn read_chains(dir: &Path) -> std::io::Result<Vec<Value>> {
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
