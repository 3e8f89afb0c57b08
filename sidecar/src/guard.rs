//! The guard: one core driver, its store, audit sink and metrics, and the
//! policy reload. Every crossing into the driver holds its lock only for the
//! call itself; the audit and head writes a crossing emits are queued before
//! the lock is released, so they are performed in the order the driver
//! emitted them across all payments (one FIFO queue per guard).

use crate::audit::{FileSink, Sink};
use crate::errors::StartError;
use crate::metrics::Metrics;
use crate::policy::{self, Identity};
use crate::store::{FileStore, RedisStore, Store};
use crate::Args;
use presidio_x402_core::config::GuardConfig;
use presidio_x402_core::driver::{Action, Begin, Driver, Event, Profile};
use presidio_x402_core::Code;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Fills `buf` from the operating system's random source.
pub fn fill_random(buf: &mut [u8]) {
    use std::io::Read;
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        if f.read_exact(buf).is_ok() {
            return;
        }
    }
    // No /dev/urandom: time and a counter through SHA-256 (only ids and jitter seeds use this).
    use sha2::Digest;
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seed = format!(
        "{:?}{}{}",
        std::time::SystemTime::now(),
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let d = sha2::Sha256::digest(seed.as_bytes());
    for (b, x) in buf.iter_mut().zip(d.iter().cycle()) {
        *b = *x;
    }
}

/// Wall-clock milliseconds since the epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// A batch's audit and head writes, with where to report the first failure.
struct WriteJob {
    writes: Vec<Value>,
    reply: oneshot::Sender<Option<&'static str>>,
}

/// The outcome of a batch's writes: `None` when all were done, else the failure event's name.
pub type Written = Option<oneshot::Receiver<Option<&'static str>>>;

/// One configured guard.
pub struct Guard {
    driver: Mutex<Driver>,
    pub(crate) store: Arc<Store>,
    pub(crate) sink: Arc<Mutex<Sink>>,
    pub(crate) metrics: Metrics,
    writes: mpsc::UnboundedSender<WriteJob>,
    identity: Identity,
    policy_path: Option<PathBuf>,
    audit_dir: Option<PathBuf>,
    audit_key: Vec<u8>,
    boot: String,
    ready: AtomicBool,
    reload_lock: tokio::sync::Mutex<()>,
    /// Held from a `load-state` to the answer of its `cas-state` (see `exec`).
    pub(crate) state_lock: Arc<tokio::sync::Mutex<()>>,
    /// Tasks being run by [`Guard::run`] now (a flush waits for none).
    pub(crate) running: std::sync::atomic::AtomicUsize,
    /// When to flush an unsaved audit head (epoch ms; 0: nothing to flush).
    flush_at: std::sync::atomic::AtomicU64,
    flush_wake: tokio::sync::Notify,
}

fn read_key(file: Option<&Path>, env: &str, what: &str) -> Result<Vec<u8>, StartError> {
    let text = match file {
        Some(p) => std::fs::read_to_string(p).map_err(|e| {
            StartError::new(
                "invalid-input",
                format!("cannot read the {what} file: {}", e.kind()),
            )
        })?,
        None => std::env::var(env).map_err(|_| {
            StartError::new(
                "invalid-input",
                format!("the {what} is required: give its file by flag or its hex in ${env}"),
            )
        })?,
    };
    let key = presidio_x402_core::hex::decode(text.trim())
        .ok_or_else(|| StartError::new("invalid-input", format!("the {what} is not hex")))?;
    if key.len() < presidio_x402_core::audit::MIN_KEY_BYTES {
        return Err(StartError::new(
            Code::KeyTooShort.as_str(),
            format!("the {what} is too short"),
        ));
    }
    Ok(key)
}

impl Guard {
    /// Reads keys and policy, opens the store and the sink, and starts the
    /// driver (its start-up task reconciles the audit head).
    pub async fn start(args: &Args) -> Result<Guard, StartError> {
        let replica_id = args.replica_id.clone().unwrap_or_else(policy::hostname);
        if !crate::store::valid_replica(&replica_id) {
            return Err(StartError::new(
                "invalid-input",
                "the replica id must be 1-64 of [A-Za-z0-9._:-]",
            ));
        }
        let identity = Identity {
            replica_id,
            agent_id: args.agent_id.clone(),
        };
        let audit_key = read_key(
            args.audit_key_file.as_deref(),
            "X402_AUDIT_KEY",
            "audit key",
        )?;
        let replay_key = read_key(
            args.fingerprint_key_file.as_deref(),
            "X402_FINGERPRINT_KEY",
            "fingerprint key",
        )?;
        let cfg = policy::load(args.policy.as_deref(), &identity)?;
        let store = match args.store.as_str() {
            "memory" => Store::Memory,
            "file" => {
                let dir = args.state_dir.as_deref().ok_or_else(|| {
                    StartError::new("invalid-input", "--store file needs --state-dir")
                })?;
                Store::File(
                    FileStore::open(dir).map_err(|e| StartError::new("store-unavailable", e.0))?,
                )
            }
            "redis" => {
                let url = args.redis_url.as_deref().ok_or_else(|| {
                    StartError::new("invalid-input", "--store redis needs --redis-url")
                })?;
                Store::Redis(Box::new(
                    RedisStore::new(url, &args.redis_prefix, &args.redis_tenant)
                        .map_err(|e| StartError::new("invalid-input", e.0))?,
                ))
            }
            _ => {
                return Err(StartError::new(
                    "invalid-input",
                    "--store is memory, file or redis",
                ))
            }
        };
        let sink = match &args.audit_dir {
            None => Sink::Stdout,
            Some(d) => Sink::File(FileSink::new(d, &identity.replica_id).map_err(|e| {
                StartError::new("store-unavailable", format!("audit dir: {}", e.kind()))
            })?),
        };
        let shared = store.shared();
        let profile = Profile {
            shared,
            keep_head: shared && sink.reads_back(),
            log_reads_back: sink.reads_back(),
            // Every sidecar store sets the fingerprint and saves the head in its
            // compare-and-set.
            cas_fingerprint: true,
            cas_head: true,
        };
        let driver = Driver::new(cfg, profile, &replay_key, &audit_key)
            .map_err(|c| StartError::new(c.as_str(), c.describe()))?;
        let (tx, rx) = mpsc::unbounded_channel();
        let mut boot = [0u8; 4];
        fill_random(&mut boot);
        let g = Guard {
            driver: Mutex::new(driver),
            store: Arc::new(store),
            sink: Arc::new(Mutex::new(sink)),
            metrics: Metrics::default(),
            writes: tx,
            identity,
            policy_path: args.policy.clone(),
            audit_dir: args.audit_dir.clone(),
            audit_key,
            boot: boot.iter().map(|b| format!("{b:02x}")).collect(),
            ready: AtomicBool::new(false),
            reload_lock: tokio::sync::Mutex::new(()),
            state_lock: Arc::new(tokio::sync::Mutex::new(())),
            running: std::sync::atomic::AtomicUsize::new(0),
            flush_at: std::sync::atomic::AtomicU64::new(0),
            flush_wake: tokio::sync::Notify::new(),
        };
        tokio::spawn(writer(rx, g.store.clone(), g.sink.clone()));
        g.open().await?;
        Ok(g)
    }

    /// Runs the driver's start-up task; refused → the store is unavailable.
    async fn open(&self) -> Result<(), StartError> {
        let (id, actions, written) = {
            let mut d = self.lock();
            let (id, actions) = d.open();
            let w = self.queue(&actions);
            (id, actions, w)
        };
        let done = self
            .run(id, actions, written)
            .await
            .map_err(|e| StartError::new(e.code, e.message))?;
        let v = done.to_value();
        if v["allowed"] != json!(true) {
            return Err(StartError::new(
                v["code"].as_str().unwrap_or("store-unavailable"),
                format!(
                    "start-up refused: {}",
                    v["details"]["reason"]
                        .as_str()
                        .unwrap_or("the store did not answer")
                ),
            ));
        }
        self.ready.store(true, Ordering::SeqCst);
        Ok(())
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Driver> {
        // A panic never happens while the lock is held (the core returns codes);
        // if it did, the driver is still consistent per call.
        self.driver.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues a batch's `audit` and `save-head` actions (call while holding the driver lock).
    pub(crate) fn queue(&self, actions: &[Action]) -> Written {
        let writes: Vec<Value> = actions
            .iter()
            .filter(|a| a.kind() == "audit" || a.kind() == "save-head")
            .map(Action::to_value)
            .collect();
        if writes.is_empty() {
            return None;
        }
        let (reply, rx) = oneshot::channel();
        if self.writes.send(WriteJob { writes, reply }).is_err() {
            return None;
        }
        Some(rx)
    }

    /// Starts a payment: the task id and its first batch.
    pub fn cross_begin(&self, b: Begin) -> (u64, Vec<Action>, Written) {
        let mut d = self.lock();
        let (id, actions) = d.begin(b, now_ms());
        let w = self.queue(&actions);
        (id, actions, w)
    }

    /// Starts a control task (the kill switch: `Some((by, reason))` halts,
    /// `None` resumes): the task id and its first batch.
    pub fn cross_control(&self, halt: Option<(&str, &str)>) -> (u64, Vec<Action>, Written) {
        let mut d = self.lock();
        let (id, actions) = d.control(halt, now_ms());
        let w = self.queue(&actions);
        (id, actions, w)
    }

    /// One crossing of task `id`.
    pub fn cross_handle(
        &self,
        id: u64,
        events: Vec<Event>,
    ) -> Result<(Vec<Action>, Written), Code> {
        let mut d = self.lock();
        let actions = d.handle(id, now_ms(), events)?;
        let w = self.queue(&actions);
        Ok((actions, w))
    }

    /// This instance's replica id.
    pub fn replica(&self) -> &str {
        &self.identity.replica_id
    }

    /// The process's boot id (prefix of payment ids).
    pub fn boot(&self) -> &str {
        &self.boot
    }

    /// The current configuration (a copy).
    pub fn config(&self) -> GuardConfig {
        self.lock().config().clone()
    }

    /// Start-up done and the policy loaded.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    /// The audit key (for the verifier).
    pub fn audit_key(&self) -> &[u8] {
        &self.audit_key
    }

    /// The audit directory, if any.
    pub fn audit_dir(&self) -> Option<&Path> {
        self.audit_dir.as_deref()
    }

    /// The driver's head and state text.
    pub fn head_and_state(&self) -> (Option<presidio_x402_core::audit::Head>, String) {
        let d = self.lock();
        (d.head().cloned(), d.state_json())
    }

    /// Waits until every queued write is done.
    pub async fn flush(&self) {
        let (reply, rx) = oneshot::channel();
        if self
            .writes
            .send(WriteJob {
                writes: Vec::new(),
                reply,
            })
            .is_ok()
        {
            let _ = rx.await;
        }
    }

    /// A `done` said the audit head is not saved yet (`unsaved_head_ms`):
    /// flush it once that long passed with nothing running (see
    /// [`spawn_flusher`]).
    pub(crate) fn arm_flush(&self, after_ms: u64) {
        self.flush_at
            .store(now_ms().saturating_add(after_ms).max(1), Ordering::SeqCst);
        self.flush_wake.notify_one();
    }

    /// Runs the driver's flush (core `Driver::flush`: it saves an audit head
    /// the store does not hold yet) once every queued write is done and no
    /// task runs, its contract. Returns its `done`, or `None` when busy.
    pub async fn flush_head(&self) -> Option<Value> {
        self.flush().await;
        if self.running.load(Ordering::SeqCst) > 0 {
            return None; // the running task's `done` arms the flush again
        }
        let (id, actions, written) = {
            let mut d = self.lock();
            let (id, actions) = d.flush(now_ms());
            let w = self.queue(&actions);
            (id, actions, w)
        };
        self.run(id, actions, written)
            .await
            .ok()
            .map(|a| a.to_value())
    }

    /// Rereads the policy file and reloads it through the core's
    /// `Driver::reload` (the core validates it, audits the reload with the
    /// policy's digest and counts `x402_policy_reloads_total`); an invalid
    /// policy is refused and the old one kept. A file that cannot be read or
    /// parsed goes to the core as it is (or empty), so it is refused and
    /// audited the same way.
    pub async fn reload(&self) -> Result<(), StartError> {
        let _g = self.reload_lock.lock().await;
        let path = self.policy_path.clone();
        let id = self.identity.clone();
        let read = tokio::task::spawn_blocking(move || {
            policy::read(path.as_deref(), &id).map(|v| v.to_string())
        })
        .await
        .map_err(|_| StartError::new("invalid-input", "reload task failed"))
        .and_then(|r| r);
        let (text, why) = match read {
            Ok(t) => (t, None),
            Err(e) => (String::new(), Some(e)),
        };
        let (task, actions, written) = {
            let mut d = self.lock();
            let (task, actions) = d.reload(&text, now_ms());
            let w = self.queue(&actions);
            (task, actions, w)
        };
        let done = self
            .run(task, actions, written)
            .await
            .map_err(|e| StartError::new(e.code, e.message))?
            .to_value();
        let res = if done["allowed"] == json!(true) {
            Ok(())
        } else {
            Err(why.unwrap_or_else(|| {
                let errors = done["details"]["errors"].clone();
                StartError::new(
                    done["code"].as_str().unwrap_or("config-malformed"),
                    format!("the policy was refused: {errors}"),
                )
            }))
        };
        match &res {
            Ok(()) => {
                self.metrics.reload(true);
                tracing::info!(
                    policy_sha256 = done["details"]["policy_sha256"].as_str().unwrap_or(""),
                    "policy reloaded"
                );
            }
            Err(e) => {
                self.metrics.reload(false);
                tracing::error!(
                    code = e.code(),
                    "policy reload refused, the old policy is kept: {}",
                    e.to_json()
                );
            }
        }
        res
    }
}

/// Performs queued writes in order; a failure stops that batch's writes.
async fn writer(
    mut rx: mpsc::UnboundedReceiver<WriteJob>,
    store: Arc<Store>,
    sink: Arc<Mutex<Sink>>,
) {
    while let Some(job) = rx.recv().await {
        let mut failed = None;
        for w in job.writes {
            match w["do"].as_str() {
                Some("audit") => {
                    let line = w["line"].as_str().unwrap_or_default().to_string();
                    let s = sink.clone();
                    let ok = tokio::task::spawn_blocking(move || {
                        s.lock()
                            .map_err(|_| ())
                            .and_then(|mut s| s.write(&line).map_err(|_| ()))
                    })
                    .await
                    .is_ok_and(|r| r.is_ok());
                    if !ok {
                        tracing::error!("audit line could not be written");
                        failed = Some("audit-failed");
                        break;
                    }
                }
                Some("save-head") => {
                    let head = presidio_x402_core::audit::Head::from_json(w.get("head"))
                        .ok()
                        .flatten();
                    let (replica, prev) = (
                        w["replica"].as_str().unwrap_or_default().to_string(),
                        w["prev_seq"].as_u64(),
                    );
                    let ok = match (head, prev) {
                        (Some(h), Some(p)) => store.save_head(replica, h, p).await.unwrap_or(false),
                        _ => false,
                    };
                    if !ok {
                        failed = Some("head-save-failed");
                        break;
                    }
                }
                _ => {}
            }
        }
        let _ = job.reply.send(failed);
    }
}

/// Flushes an unsaved audit head once the guard is quiet: the deadline set
/// by [`Guard::arm_flush`] passed with no newer one and nothing running.
pub fn spawn_flusher(g: Arc<Guard>) {
    tokio::spawn(async move {
        loop {
            let at = g.flush_at.load(Ordering::SeqCst);
            if at == 0 {
                g.flush_wake.notified().await;
                continue;
            }
            let now = now_ms();
            if now < at {
                tokio::time::sleep(std::time::Duration::from_millis(at - now)).await;
                continue;
            }
            if g.flush_at
                .compare_exchange(at, 0, Ordering::SeqCst, Ordering::SeqCst)
                .is_err()
            {
                continue; // armed again meanwhile
            }
            // A failed save is not lost: the driver rereads the head before the next payment.
            if let Some(done) = g.flush_head().await {
                if done["allowed"] != json!(true) {
                    tracing::warn!(code = %done["code"], "could not save the audit head");
                }
            }
        }
    });
}

/// Reloads the policy on SIGHUP and when the file changes (polled).
pub fn spawn_reloader(g: Arc<Guard>, poll_ms: u64) {
    let Some(path) = g.policy_path.clone() else {
        return;
    };
    let hup = g.clone();
    tokio::spawn(async move {
        let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            return;
        };
        while s.recv().await.is_some() {
            let _ = hup.reload().await;
        }
    });
    if poll_ms == 0 {
        return;
    }
    let stamp = |p: &Path| {
        std::fs::read(p).ok().map(|b| {
            use sha2::Digest;
            sha2::Sha256::digest(&b).to_vec()
        })
    };
    // Taken now, before the sidecar says it is ready: a change made right
    // after that must differ from it (taken inside the task, it could already
    // see the changed file and never reload it).
    let mut last = stamp(&path);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(poll_ms)).await;
            let now = stamp(&path);
            if now != last {
                last = now;
                let _ = g.reload().await;
            }
        }
    });
}
