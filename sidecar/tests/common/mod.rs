//! Helpers of the sidecar's integration tests: start the built binary on an
//! ephemeral loopback port, speak HTTP/1.1 to it, keep a scratch directory.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// 32 bytes of 0x22, hex (the audit key of the tests).
pub const AUDIT_KEY: &str = "2222222222222222222222222222222222222222222222222222222222222222";
/// 32 bytes of 0x11, hex (the fingerprint key of the tests).
pub const REPLAY_KEY: &str = "1111111111111111111111111111111111111111111111111111111111111111";

/// A scratch directory removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!("x402-sidecar-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("scratch dir");
        Scratch(p)
    }
    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running sidecar (killed on drop).
pub struct Sidecar {
    pub child: Child,
    pub addr: String,
    pub stderr: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_presidio-x402-sidecar")
}

/// A command for the binary with the test keys in the environment and no inherited `X402_*`.
pub fn command(args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    for (k, _) in std::env::vars() {
        if k.starts_with("X402_") {
            c.env_remove(k);
        }
    }
    c.env("X402_AUDIT_KEY", AUDIT_KEY)
        .env("X402_FINGERPRINT_KEY", REPLAY_KEY)
        .env("X402_SIDECAR_POLICY_POLL_MS", "0")
        .args(["--listen", "127.0.0.1:0"])
        .args(args);
    c
}

impl Sidecar {
    /// Starts the binary and waits for its `listening on` line.
    pub fn start(args: &[&str]) -> Sidecar {
        Sidecar::start_cmd(command(args))
    }

    pub fn start_cmd(mut c: Command) -> Sidecar {
        let mut child = c
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the sidecar starts");
        let err = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let keep = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if let Some(a) = line.strip_prefix("presidio-x402-sidecar listening on ") {
                    let _ = tx.send(a.to_string());
                }
                keep.lock().expect("lines").push(line);
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "the sidecar did not start: {:?}",
                    lines.lock().expect("lines")
                );
            }
        };
        Sidecar {
            child,
            addr,
            stderr: lines,
        }
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        http(&self.addr, "GET", path, &[], None)
    }

    pub fn post(&self, path: &str, body: &Value) -> (u16, String) {
        http(
            &self.addr,
            "POST",
            path,
            &[],
            Some(body.to_string().as_bytes()),
        )
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Value {
        let (s, t) = self.post(path, body);
        assert_eq!(s, 200, "POST {path}: {t}");
        serde_json::from_str(&t).expect("JSON answer")
    }

    pub fn get_json(&self, path: &str) -> Value {
        let (s, t) = self.get(path);
        assert_eq!(s, 200, "GET {path}: {t}");
        serde_json::from_str(&t).expect("JSON answer")
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Sidecar {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request (`Connection: close`); the status and the body.
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    let body = body.unwrap_or_default();
    if !body.is_empty() || method == "POST" {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    let _ = s.write_all(req.as_bytes());
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP status in {head:?}"));
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase().starts_with("transfer-encoding:")
            && l.to_ascii_lowercase().contains("chunked")
    });
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    (status, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

/// Waits until `f` holds (or panics after `secs`).
pub fn wait_until(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The repository's `vectors/` directory.
pub fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors")
}

/// A real x402 v1 402 body for $0.01 (10,000 atomic USDC on Base) at `url`
/// (the body of `tests/shared-state/common.mjs`).
pub fn body_402(url: &str) -> String {
    serde_json::json!({
        "x402Version": 1, "error": "X-PAYMENT header is required",
        "accepts": [{
            "scheme": "exact", "network": "base", "maxAmountRequired": "10000",
            "asset": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
            "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
            "resource": url, "description": "one item", "mimeType": "application/json", "maxTimeoutSeconds": 60,
            "extra": {"name": "USD Coin", "version": "2"}
        }]
    })
    .to_string()
}

/// A decide request for a GET of `url` that got [`body_402`].
pub fn decide_req(url: &str) -> Value {
    serde_json::json!({
        "request": {"method": "GET", "url": url},
        "response": {"status": 402, "headers": {"content-type": "application/json"}, "body": body_402(url)},
        "reason": "test purchase"
    })
}

/// A well-behaved EIP-3009 signer's payload for a `sign` answer: exactly the approved payee and amount.
pub fn signed_payload(sign: &Value) -> Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let timeout = sign["requirements"]["maxTimeoutSeconds"]
        .as_u64()
        .unwrap_or(60);
    serde_json::json!({"payload": {"signature": format!("0x{}", "11".repeat(65)), "authorization": {
        "from": format!("0x{}", "22".repeat(20)), "to": sign["pay_to"], "value": sign["amount"], "validAfter": "0",
        "validBefore": (now + timeout).to_string(), "nonce": format!("0x{}", "00".repeat(32))}}})
}

/// A settlement header the driver reads as settled.
pub fn settled_header() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!(
        "{{\"success\":true,\"transaction\":\"0x{}\",\"network\":\"base\"}}",
        "ab".repeat(32)
    ))
}
