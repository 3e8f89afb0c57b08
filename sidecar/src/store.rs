//! The stores of `docs/STORES.md`: memory (the driver keeps the state),
//! file (one directory shared by the processes of a host) and Redis (one
//! tenant shared by every process), with exactly the layout the Node and
//! Python packages use, so they share one budget. A store holds no rules;
//! any failure is an error, which the driver turns into `store-unavailable`.

use presidio_x402_core::audit::Head;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A store failure (unreachable, timeout, malformed answer). Never carries a URL or a key.
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

fn err(what: impl Into<String>) -> StoreError {
    StoreError(what.into())
}

// The Lua scripts are the core's (`presidio_x402_core::driver::redis`), the
// texts the Node and Python stores register too.
use presidio_x402_core::driver::redis::{
    ADOPT as ADOPT_LUA, CAS as CAS_LUA, CAS_FP as CAS_FP_LUA, CAS_HEAD as CAS_HEAD_LUA,
    HEAD as HEAD_LUA, REPLAY as REPLAY_LUA,
};

/// A replica id as the stores accept it: `[A-Za-z0-9._:-]`, 1–64 bytes.
pub fn valid_replica(r: &str) -> bool {
    !r.is_empty()
        && r.len() <= 64
        && r.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b))
}

fn check_head(v: &Value) -> StoreResult<Head> {
    match Head::from_json(Some(v)) {
        Ok(Some(h)) if h.mac.len() == 64 && h.mac.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(Head {
                seq: h.seq,
                mac: h.mac.to_ascii_lowercase(),
            })
        }
        _ => Err(err("a stored head is malformed")),
    }
}

/// One of the three stores.
pub enum Store {
    /// Nothing outside the process: the driver keeps state and replay set itself.
    Memory,
    /// A directory (docs/STORES.md, "File store").
    File(FileStore),
    /// A Redis tenant (docs/STORES.md, "Redis").
    Redis(Box<RedisStore>),
}

impl Store {
    /// Whether other processes share it (the driver then runs each step as a transaction).
    pub fn shared(&self) -> bool {
        !matches!(self, Store::Memory)
    }

    /// `(state, version)`; `state` is `None` when empty, version `"0"`.
    pub async fn load_versioned(&self) -> StoreResult<(Option<String>, String)> {
        match self {
            Store::Memory => Ok((None, "0".into())),
            Store::File(f) => f.clone().blocking(|f| f.load_versioned()).await,
            Store::Redis(r) => r.load_versioned().await,
        }
    }

    /// The driver's `cas-state` (docs/STORES.md): the compare-and-set, with
    /// `fp` (fingerprint, ttl) set and the replica's audit head saved
    /// (`head`, the action's `save_head`) in the same atomic step; answers
    /// the `cas` event.
    pub async fn cas_state(
        &self,
        state: String,
        version: String,
        fp: Option<(String, u64)>,
        head: Option<CasHead>,
        now_ms: u64,
    ) -> StoreResult<Value> {
        match self {
            Store::Memory => Err(err("the memory store holds no shared state")),
            Store::File(f) => {
                f.clone()
                    .blocking(move |f| {
                        f.cas_state(&state, &version, fp.as_ref(), head.as_ref(), now_ms)
                    })
                    .await
            }
            Store::Redis(r) => {
                r.cas_state(&state, &version, fp.as_ref(), head.as_ref())
                    .await
            }
        }
    }

    /// True (and remembered for `ttl_ms`) when `fp` is new or expired.
    pub async fn check_and_set(&self, fp: String, ttl_ms: u64, now_ms: u64) -> StoreResult<bool> {
        match self {
            Store::Memory => Err(err("the memory store holds no shared replay set")),
            Store::File(f) => {
                f.clone()
                    .blocking(move |f| f.check_and_set(&fp, ttl_ms, now_ms))
                    .await
            }
            Store::Redis(r) => r.check_and_set(&fp, ttl_ms).await,
        }
    }

    /// Drops a fingerprint (best effort).
    pub async fn forget(&self, fp: String) -> StoreResult<()> {
        match self {
            Store::Memory => Ok(()),
            Store::File(f) => f.clone().blocking(move |f| f.forget(&fp)).await,
            Store::Redis(r) => r.forget(&fp).await,
        }
    }

    /// The replica's stored audit head.
    pub async fn load_head(&self, replica: String) -> StoreResult<Option<Head>> {
        if !valid_replica(&replica) {
            return Err(err("bad replica id"));
        }
        match self {
            Store::Memory => Ok(None),
            Store::File(f) => f.clone().blocking(move |f| f.load_head(&replica)).await,
            Store::Redis(r) => r.load_head(&replica).await,
        }
    }

    /// Saves the replica's head when the stored seq is `prev_seq`.
    pub async fn save_head(&self, replica: String, head: Head, prev_seq: u64) -> StoreResult<bool> {
        if !valid_replica(&replica) {
            return Err(err("bad replica id"));
        }
        match self {
            Store::Memory => Ok(true),
            Store::File(f) => {
                f.clone()
                    .blocking(move |f| f.save_head(&replica, &head, prev_seq))
                    .await
            }
            Store::Redis(r) => r.save_head(&replica, &head, prev_seq).await,
        }
    }

    /// Every stored head (replica → head), for the audit verifier.
    pub async fn load_heads(&self) -> StoreResult<BTreeMap<String, Head>> {
        match self {
            Store::Memory => Ok(BTreeMap::new()),
            Store::File(f) => f.clone().blocking(|f| f.load_heads()).await,
            Store::Redis(r) => r.load_heads().await,
        }
    }

    /// Whether the store answers (readiness).
    pub async fn ping(&self) -> StoreResult<()> {
        match self {
            Store::Memory => Ok(()),
            Store::File(f) => f.clone().blocking(|f| f.ping()).await,
            Store::Redis(r) => r.ping().await,
        }
    }
}

// ---- file store ---------------------------------------------------------------

/// How long a lock held by a live process is waited for.
const LOCK_TIMEOUT: Duration = Duration::from_secs(10);
/// An empty lock file older than this is a crash between its creation and its pid.
const EMPTY_LOCK_STALE: Duration = Duration::from_secs(2);

/// A head riding a compare-and-set (the `cas-state`'s `save_head`): the
/// replica, its new head and the seq the stored head must have.
#[derive(Debug, Clone)]
pub struct CasHead {
    /// The replica whose head it is (a valid replica id).
    pub replica: String,
    /// The head to store.
    pub head: Head,
    /// The stored head's seq it replaces (0 when none).
    pub prev_seq: u64,
}

impl CasHead {
    /// Reads a `save_head` member; `None` when absent, an error when malformed.
    pub fn from_action(v: Option<&Value>) -> StoreResult<Option<CasHead>> {
        let Some(v) = v else { return Ok(None) };
        let replica = v["replica"].as_str().filter(|r| valid_replica(r));
        match (replica, v["prev_seq"].as_u64()) {
            (Some(r), Some(prev_seq)) => Ok(Some(CasHead {
                replica: r.to_string(),
                head: check_head(&v["head"])?,
                prev_seq,
            })),
            _ => Err(err("a cas-state's save_head is malformed")),
        }
    }
}

/// The file store: `state.json`, `replay.json`, `head-{replica}.json` and
/// `lock` in one directory (docs/STORES.md). Each operation holds the lock
/// file (`O_CREAT|O_EXCL`, the owner's pid); every write is atomic (temp
/// file, fsync, rename, directory fsync).
#[derive(Clone)]
pub struct FileStore {
    dir: PathBuf,
    /// One operation at a time within this process (the lock file orders processes).
    inner: Arc<std::sync::Mutex<()>>,
}

fn io(what: &str, e: std::io::Error) -> StoreError {
    err(format!("{what}: {}", e.kind()))
}

fn pid_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

fn read_or_none(p: &Path) -> StoreResult<Option<String>> {
    match std::fs::read_to_string(p) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io("read", e)),
    }
}

fn random_hex() -> String {
    let mut b = [0u8; 6];
    crate::guard::fill_random(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Writes `data` to `file` atomically: temp file, fsync, rename, fsync of the directory.
fn write_atomic(file: &Path, data: &str) -> StoreResult<()> {
    let tmp = PathBuf::from(format!(
        "{}.{}.{}.tmp",
        file.display(),
        std::process::id(),
        random_hex()
    ));
    let res = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(data.as_bytes())?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, file)
    })();
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(io("write", e));
    }
    if let Some(dir) = file.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

impl FileStore {
    /// Opens (creates, mode 0700) the directory and removes temp files of dead processes.
    pub fn open(dir: &Path) -> StoreResult<FileStore> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| io("state dir", e))?;
        for e in std::fs::read_dir(dir)
            .map_err(|e| io("state dir", e))?
            .flatten()
        {
            let name = e.file_name().to_string_lossy().to_string();
            let parts: Vec<&str> = name.rsplitn(4, '.').collect();
            if parts.len() == 4 && parts[0] == "tmp" {
                if let Ok(pid) = parts[2].parse::<u32>() {
                    if pid != std::process::id() && !pid_alive(pid) {
                        let _ = std::fs::remove_file(e.path());
                    }
                }
            }
        }
        Ok(FileStore {
            dir: dir.to_path_buf(),
            inner: Arc::new(std::sync::Mutex::new(())),
        })
    }

    async fn blocking<T: Send + 'static>(
        self,
        f: impl FnOnce(&FileStore) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        tokio::task::spawn_blocking(move || f(&self))
            .await
            .map_err(|_| err("file store task failed"))?
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn locked<T>(&self, f: impl FnOnce() -> StoreResult<T>) -> StoreResult<T> {
        let _g = self
            .inner
            .lock()
            .map_err(|_| err("file store lock poisoned"))?;
        self.acquire()?;
        let out = f();
        self.release();
        out
    }

    fn release(&self) {
        let lock = self.file("lock");
        if let Ok(Some(t)) = read_or_none(&lock) {
            if t.trim() == std::process::id().to_string() {
                let _ = std::fs::remove_file(&lock);
            }
        }
    }

    fn acquire(&self) -> StoreResult<()> {
        let lock = self.file("lock");
        let deadline = Instant::now() + LOCK_TIMEOUT;
        let mut wait = 1u64;
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&lock)
            {
                Ok(mut f) => {
                    use std::os::unix::fs::PermissionsExt;
                    let _ = f.set_permissions(std::fs::Permissions::from_mode(0o600));
                    f.write_all(std::process::id().to_string().as_bytes())
                        .map_err(|e| io("lock", e))?;
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io("lock", e)),
            }
            if self.break_stale(&lock)? {
                continue;
            }
            if Instant::now() >= deadline {
                return Err(err(
                    "the store directory stayed locked by another live process",
                ));
            }
            std::thread::sleep(Duration::from_millis(wait));
            wait = (wait * 2).min(20);
        }
    }

    /// Breaks a lock whose owner is dead (renamed away first, as the Node and Python stores do).
    fn break_stale(&self, lock: &Path) -> StoreResult<bool> {
        let owner = |p: &Path| -> StoreResult<Option<(Option<u32>, Duration)>> {
            let t = match read_or_none(p)? {
                None => return Ok(None),
                Some(t) => t,
            };
            let age = std::fs::metadata(p)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|m| m.elapsed().ok())
                .unwrap_or_default();
            let t = t.trim();
            let pid = if !t.is_empty()
                && t.len() <= 10
                && t.bytes().all(|b| b.is_ascii_digit())
                && !t.starts_with('0')
            {
                t.parse().ok()
            } else {
                None
            };
            Ok(Some((pid, age)))
        };
        let stale = |o: &(Option<u32>, Duration)| match o.0 {
            None => o.1 > EMPTY_LOCK_STALE,
            Some(pid) => pid == std::process::id() || !pid_alive(pid),
        };
        let Some(seen) = owner(lock)? else {
            return Ok(true);
        };
        if !stale(&seen) {
            return Ok(false);
        }
        let aside = PathBuf::from(format!(
            "{}.{}.{}.tmp",
            lock.display(),
            std::process::id(),
            random_hex()
        ));
        match std::fs::rename(lock, &aside) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
            Err(e) => return Err(io("lock", e)),
        }
        if let Some(got) = owner(&aside)? {
            if !stale(&got) {
                let _ = std::fs::hard_link(&aside, lock);
            }
        }
        let _ = std::fs::remove_file(&aside);
        Ok(true)
    }

    fn read_state(&self) -> StoreResult<(Option<String>, String)> {
        let Some(t) = read_or_none(&self.file("state.json"))? else {
            return Ok((None, "0".into()));
        };
        let v: Value = serde_json::from_str(&t).map_err(|_| err("state.json is not JSON"))?;
        match (
            v.get("version").and_then(Value::as_u64),
            v.get("state").and_then(Value::as_str),
        ) {
            (Some(n), Some(s)) if n < (1 << 53) => Ok((Some(s.to_string()), n.to_string())),
            _ => Err(err("state.json is not {version, state}")),
        }
    }

    fn load_versioned(&self) -> StoreResult<(Option<String>, String)> {
        self.locked(|| self.read_state())
    }

    /// The compare-and-set with the fingerprint's check-and-set and the
    /// head's compare-and-set, under the lock.
    fn cas_state(
        &self,
        state: &str,
        version: &str,
        fp: Option<&(String, u64)>,
        head: Option<&CasHead>,
        now_ms: u64,
    ) -> StoreResult<Value> {
        self.locked(|| {
            let (s, cur) = self.read_state()?;
            if cur != version {
                return Ok(json!({"on": "cas", "won": false, "state": s, "version": cur}));
            }
            if let Some(h) = head {
                if self.read_head(&h.replica)?.map_or(0, |x| x.seq) != h.prev_seq {
                    return Ok(json!({"on": "cas", "won": false, "head_saved": false}));
                }
            }
            if let Some((fp, ttl_ms)) = fp {
                let mut m = self.read_replay()?;
                let now = now_ms as f64;
                if m.get(fp).is_some_and(|&e| e > now) {
                    return Ok(json!({"on": "cas", "won": false, "fresh": false}));
                }
                m.retain(|_, e| *e > now);
                m.insert(fp.to_string(), now + *ttl_ms as f64);
                self.write_replay(&m)?;
            }
            let n: u64 = cur.parse().map_err(|_| err("bad version"))?;
            write_atomic(
                &self.file("state.json"),
                &json!({"version": n + 1, "state": state}).to_string(),
            )?;
            let mut ev = json!({"on": "cas", "won": true, "version": (n + 1).to_string()});
            if fp.is_some() {
                ev["fresh"] = json!(true);
            }
            if let Some(h) = head {
                self.write_head(&h.replica, &h.head)?;
                ev["head_saved"] = json!(true);
            }
            Ok(ev)
        })
    }

    fn read_replay(&self) -> StoreResult<BTreeMap<String, f64>> {
        let Some(t) = read_or_none(&self.file("replay.json"))? else {
            return Ok(BTreeMap::new());
        };
        let v: Value = serde_json::from_str(&t).map_err(|_| err("replay.json is not JSON"))?;
        let m = v
            .as_object()
            .ok_or_else(|| err("replay.json is not an object"))?;
        m.iter()
            .map(|(k, e)| {
                e.as_f64()
                    .filter(|x| x.is_finite())
                    .map(|x| (k.clone(), x))
                    .ok_or_else(|| err("replay.json holds a bad expiry"))
            })
            .collect()
    }

    fn write_replay(&self, m: &BTreeMap<String, f64>) -> StoreResult<()> {
        let obj: serde_json::Map<String, Value> = m
            .iter()
            .map(|(k, v)| {
                let n = if v.fract() == 0.0 && v.abs() < 9.0e15 {
                    json!(*v as i64)
                } else {
                    json!(v)
                };
                (k.clone(), n)
            })
            .collect();
        write_atomic(&self.file("replay.json"), &Value::Object(obj).to_string())
    }

    fn check_and_set(&self, fp: &str, ttl_ms: u64, now_ms: u64) -> StoreResult<bool> {
        self.locked(|| {
            let mut m = self.read_replay()?;
            let now = now_ms as f64;
            if m.get(fp).is_some_and(|&e| e > now) {
                return Ok(false);
            }
            m.retain(|_, e| *e > now);
            m.insert(fp.to_string(), now + ttl_ms as f64);
            self.write_replay(&m)?;
            Ok(true)
        })
    }

    fn forget(&self, fp: &str) -> StoreResult<()> {
        self.locked(|| {
            let mut m = self.read_replay()?;
            if m.remove(fp).is_some() {
                self.write_replay(&m)?;
            }
            Ok(())
        })
    }

    fn read_head(&self, replica: &str) -> StoreResult<Option<Head>> {
        match read_or_none(&self.file(&format!("head-{replica}.json")))? {
            None => Ok(None),
            Some(t) => {
                let v: Value =
                    serde_json::from_str(&t).map_err(|_| err("a head file is not JSON"))?;
                check_head(&v).map(Some)
            }
        }
    }

    fn load_head(&self, replica: &str) -> StoreResult<Option<Head>> {
        self.locked(|| self.read_head(replica))
    }

    fn save_head(&self, replica: &str, head: &Head, prev_seq: u64) -> StoreResult<bool> {
        self.locked(|| {
            if self.read_head(replica)?.map_or(0, |h| h.seq) != prev_seq {
                return Ok(false);
            }
            self.write_head(replica, head)?;
            Ok(true)
        })
    }

    fn write_head(&self, replica: &str, head: &Head) -> StoreResult<()> {
        write_atomic(
            &self.file(&format!("head-{replica}.json")),
            &json!({"seq": head.seq, "mac": head.mac}).to_string(),
        )
    }

    fn load_heads(&self) -> StoreResult<BTreeMap<String, Head>> {
        let mut names: Vec<String> = std::fs::read_dir(&self.dir)
            .map_err(|e| io("state dir", e))?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        let mut out = BTreeMap::new();
        for n in names {
            let Some(r) = n
                .strip_prefix("head-")
                .and_then(|r| r.strip_suffix(".json"))
            else {
                continue;
            };
            if !valid_replica(r) {
                continue;
            }
            if let Some(h) = self.read_head(r)? {
                out.insert(r.to_string(), h);
            }
        }
        Ok(out)
    }

    fn ping(&self) -> StoreResult<()> {
        std::fs::read_dir(&self.dir).map_err(|e| io("state dir", e))?;
        Ok(())
    }
}

// ---- Redis --------------------------------------------------------------------

/// Connect and command deadline.
const REDIS_TIMEOUT: Duration = Duration::from_secs(2);

/// The Redis store: `{prefix}:{{tenant}}:state` (hash `v`, `s`),
/// `{prefix}:{{tenant}}:replay:{fp}` (`SET NX PX` in Lua) and
/// `{prefix}:{{tenant}}:head:{replica}` (hash `seq`, `mac`), with the Lua
/// scripts of docs/STORES.md (the tenant is the Redis Cluster hash tag);
/// state and heads under 0.4.0's names (no hash tag) are still read.
pub struct RedisStore {
    client: redis::Client,
    conn: tokio::sync::Mutex<Option<redis::aio::MultiplexedConnection>>,
    prefix: String,
    tenant: String,
    cas: redis::Script,
    cas_fp: redis::Script,
    cas_head: redis::Script,
    head: redis::Script,
    replay: redis::Script,
    adopt: redis::Script,
}

fn check_name(what: &str, v: &str) -> StoreResult<()> {
    if v.is_empty() || v.len() > 128 || v.chars().any(|c| c == ':' || c.is_whitespace()) {
        return Err(err(format!(
            "{what} must be 1-128 characters without ':' or spaces"
        )));
    }
    Ok(())
}

fn decimal(s: &str) -> bool {
    s == "0"
        || (!s.is_empty()
            && s.len() <= 16
            && !s.starts_with('0')
            && s.bytes().all(|b| b.is_ascii_digit()))
}

impl RedisStore {
    /// A store for `url` (never logged), `prefix` and `tenant`; connects lazily.
    pub fn new(url: &str, prefix: &str, tenant: &str) -> StoreResult<RedisStore> {
        check_name("the Redis prefix", prefix)?;
        check_name("the Redis tenant", tenant)?;
        let client = redis::Client::open(url).map_err(|_| err("the Redis URL is invalid"))?;
        Ok(RedisStore {
            client,
            conn: tokio::sync::Mutex::new(None),
            prefix: prefix.into(),
            tenant: tenant.into(),
            cas: redis::Script::new(CAS_LUA),
            cas_fp: redis::Script::new(CAS_FP_LUA),
            cas_head: redis::Script::new(CAS_HEAD_LUA),
            head: redis::Script::new(HEAD_LUA),
            replay: redis::Script::new(REPLAY_LUA),
            adopt: redis::Script::new(ADOPT_LUA),
        })
    }

    fn key(&self, parts: &[&str]) -> String {
        let mut k = format!("{}:{{{}}}", self.prefix, self.tenant);
        for p in parts {
            k.push(':');
            k.push_str(p);
        }
        k
    }

    /// A key as 0.4.0 named it (no hash tag): read for compatibility, never written.
    fn legacy(&self, parts: &[&str]) -> String {
        let mut k = format!("{}:{}", self.prefix, self.tenant);
        for p in parts {
            k.push(':');
            k.push_str(p);
        }
        k
    }

    async fn conn(&self) -> StoreResult<redis::aio::MultiplexedConnection> {
        let mut g = self.conn.lock().await;
        if let Some(c) = g.as_ref() {
            return Ok(c.clone());
        }
        let cfg = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT));
        let c = tokio::time::timeout(
            REDIS_TIMEOUT,
            self.client
                .get_multiplexed_async_connection_with_config(&cfg),
        )
        .await
        .map_err(|_| err("Redis connect timed out"))?
        .map_err(|_| err("Redis connect failed"))?;
        *g = Some(c.clone());
        Ok(c)
    }

    /// Runs a command with the deadline; a failed connection is dropped (the next call reconnects).
    async fn run<T: redis::FromRedisValue>(&self, cmd: CmdOrScript<'_>) -> StoreResult<T> {
        let mut c = self.conn().await?;
        let fut = async {
            match cmd {
                CmdOrScript::Cmd(cmd) => cmd.query_async::<T>(&mut c).await,
                CmdOrScript::Script(inv) => inv.invoke_async::<T>(&mut c).await,
            }
        };
        match tokio::time::timeout(REDIS_TIMEOUT, fut).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                if e.is_io_error() || e.is_connection_dropped() || e.is_timeout() {
                    *self.conn.lock().await = None;
                }
                Err(err("Redis command failed"))
            }
            Err(_) => {
                *self.conn.lock().await = None;
                Err(err("Redis command timed out"))
            }
        }
    }

    async fn read_state(&self, key: String) -> StoreResult<Option<(String, String)>> {
        let mut cmd = redis::cmd("HMGET");
        cmd.arg(key).arg("v").arg("s");
        let r: (Option<String>, Option<String>) = self.run(CmdOrScript::Cmd(&cmd)).await?;
        match r {
            (None, None) => Ok(None),
            (Some(v), Some(s)) if decimal(&v) => Ok(Some((s, v))),
            _ => Err(err("the Redis state hash is malformed")),
        }
    }

    async fn load_versioned(&self) -> StoreResult<(Option<String>, String)> {
        if let Some((s, v)) = self.read_state(self.key(&["state"])).await? {
            return Ok((Some(s), v));
        }
        let Some((s, v)) = self.read_state(self.legacy(&["state"])).await? else {
            return Ok((None, "0".into()));
        };
        // A 0.4.0 state: copied once under the new key with its version.
        let mut inv = self.adopt.key(self.key(&["state"]));
        inv.arg("v").arg(&v).arg("s").arg(&s);
        let _: Vec<redis::Value> = self.run(CmdOrScript::Script(&inv)).await?;
        Ok(match self.read_state(self.key(&["state"])).await? {
            Some((s, v)) => (Some(s), v),
            None => (None, "0".into()),
        })
    }

    async fn cas_state(
        &self,
        state: &str,
        version: &str,
        fp: Option<&(String, u64)>,
        head: Option<&CasHead>,
    ) -> StoreResult<Value> {
        let mut inv = match (fp, head) {
            (None, None) => self.cas.key(self.key(&["state"])),
            (Some((fp, _)), None) => {
                let mut i = self.cas_fp.key(self.key(&["state"]));
                i.key(self.key(&["replay", fp]))
                    .key(self.legacy(&["replay", fp]));
                i
            }
            (_, Some(h)) => {
                let mut i = self.cas_head.key(self.key(&["state"]));
                i.key(self.key(&["head", &h.replica]));
                if let Some((fp, _)) = fp {
                    i.key(self.key(&["replay", fp]))
                        .key(self.legacy(&["replay", fp]));
                }
                i
            }
        };
        inv.arg(version).arg(state);
        if let Some(h) = head {
            inv.arg(h.prev_seq.to_string())
                .arg(h.head.seq.to_string())
                .arg(&h.head.mac);
        }
        if let Some((_, ttl)) = fp {
            inv.arg((*ttl).max(1));
        }
        let r: Vec<redis::Value> = self.run(CmdOrScript::Script(&inv)).await?;
        let text = |i: usize| -> StoreResult<Option<String>> {
            match r.get(i) {
                None | Some(redis::Value::Nil) => Ok(None),
                Some(redis::Value::BulkString(b)) => String::from_utf8(b.clone())
                    .map(Some)
                    .map_err(|_| err("the Redis state hash is malformed")),
                _ => Err(err("Redis returned an unexpected script answer")),
            }
        };
        match r.first() {
            Some(redis::Value::Int(2)) => Ok(json!({"on": "cas", "won": false, "fresh": false})),
            Some(redis::Value::Int(3)) if head.is_some() => {
                Ok(json!({"on": "cas", "won": false, "head_saved": false}))
            }
            Some(redis::Value::Int(1)) => match text(1)? {
                Some(v) if decimal(&v) => {
                    let mut ev = json!({"on": "cas", "won": true, "version": v});
                    if fp.is_some() {
                        ev["fresh"] = json!(true);
                    }
                    if head.is_some() {
                        ev["head_saved"] = json!(true);
                    }
                    Ok(ev)
                }
                _ => Err(err("Redis returned an unexpected script answer")),
            },
            Some(redis::Value::Int(0)) => match (text(1)?, text(2)?) {
                (None, None) => {
                    Ok(json!({"on": "cas", "won": false, "state": null, "version": "0"}))
                }
                (Some(v), Some(s)) if decimal(&v) => {
                    Ok(json!({"on": "cas", "won": false, "state": s, "version": v}))
                }
                _ => Err(err("the Redis state hash is malformed")),
            },
            _ => Err(err("Redis returned an unexpected script answer")),
        }
    }

    async fn check_and_set(&self, fp: &str, ttl_ms: u64) -> StoreResult<bool> {
        let mut inv = self.replay.key(self.key(&["replay", fp]));
        inv.key(self.key(&["state"]))
            .key(self.legacy(&["replay", fp]))
            .arg(ttl_ms.max(1));
        let r: Vec<redis::Value> = self.run(CmdOrScript::Script(&inv)).await?;
        flag(&r)
    }

    async fn forget(&self, fp: &str) -> StoreResult<()> {
        let mut cmd = redis::cmd("DEL");
        cmd.arg(self.key(&["replay", fp]));
        let _: i64 = self.run(CmdOrScript::Cmd(&cmd)).await?;
        Ok(())
    }

    async fn read_head(&self, key: String) -> StoreResult<Option<Head>> {
        let mut cmd = redis::cmd("HMGET");
        cmd.arg(key).arg("seq").arg("mac");
        let r: (Option<String>, Option<String>) = self.run(CmdOrScript::Cmd(&cmd)).await?;
        match r {
            (None, None) => Ok(None),
            (Some(seq), Some(mac)) if decimal(&seq) => {
                let seq: u64 = seq
                    .parse()
                    .map_err(|_| err("the Redis head hash is malformed"))?;
                check_head(&json!({"seq": seq, "mac": mac})).map(Some)
            }
            _ => Err(err("the Redis head hash is malformed")),
        }
    }

    async fn load_head(&self, replica: &str) -> StoreResult<Option<Head>> {
        if let Some(h) = self.read_head(self.key(&["head", replica])).await? {
            return Ok(Some(h));
        }
        let Some(old) = self.read_head(self.legacy(&["head", replica])).await? else {
            return Ok(None);
        };
        let mut inv = self.adopt.key(self.key(&["head", replica]));
        inv.arg("seq")
            .arg(old.seq.to_string())
            .arg("mac")
            .arg(&old.mac);
        let _: Vec<redis::Value> = self.run(CmdOrScript::Script(&inv)).await?;
        self.read_head(self.key(&["head", replica])).await
    }

    async fn save_head(&self, replica: &str, head: &Head, prev_seq: u64) -> StoreResult<bool> {
        let mut inv = self.head.key(self.key(&["head", replica]));
        inv.key(self.key(&["state"]))
            .arg(prev_seq.to_string())
            .arg(head.seq.to_string())
            .arg(&head.mac);
        let r: Vec<redis::Value> = self.run(CmdOrScript::Script(&inv)).await?;
        flag(&r)
    }

    async fn load_heads(&self) -> StoreResult<BTreeMap<String, Head>> {
        // 0.4.0's heads first: a head under the new key wins.
        let mut out = BTreeMap::new();
        for prefix in [self.legacy(&["head", ""]), self.key(&["head", ""])] {
            out.extend(self.scan_heads(&prefix).await?);
        }
        Ok(out)
    }

    async fn scan_heads(&self, prefix: &str) -> StoreResult<BTreeMap<String, Head>> {
        let mut keys = std::collections::BTreeSet::new();
        let mut cursor = "0".to_string();
        loop {
            let mut cmd = redis::cmd("SCAN");
            cmd.arg(&cursor)
                .arg("MATCH")
                .arg(format!("{prefix}*"))
                .arg("COUNT")
                .arg(256);
            let (next, batch): (String, Vec<String>) = self.run(CmdOrScript::Cmd(&cmd)).await?;
            keys.extend(batch);
            cursor = next;
            if cursor == "0" {
                break;
            }
        }
        let mut out = BTreeMap::new();
        for k in keys {
            let replica = k
                .strip_prefix(prefix)
                .filter(|r| valid_replica(r))
                .ok_or_else(|| err("a Redis head key does not name a replica"))?
                .to_string();
            if let Some(h) = self.read_head(k.clone()).await? {
                out.insert(replica, h);
            }
        }
        Ok(out)
    }

    async fn ping(&self) -> StoreResult<()> {
        let cmd = redis::cmd("PING");
        let r: String = self.run(CmdOrScript::Cmd(&cmd)).await?;
        if r == "PONG" {
            Ok(())
        } else {
            Err(err("Redis PING answered otherwise"))
        }
    }
}

/// The flag of a script's `{0|1, …}` answer.
fn flag(r: &[redis::Value]) -> StoreResult<bool> {
    match r.first() {
        Some(redis::Value::Int(1)) => Ok(true),
        Some(redis::Value::Int(0)) => Ok(false),
        _ => Err(err("Redis returned an unexpected script answer")),
    }
}

enum CmdOrScript<'a> {
    Cmd(&'a redis::Cmd),
    Script(&'a redis::ScriptInvocation<'a>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_store_keeps_the_documented_layout() {
        let dir = std::env::temp_dir().join(format!("x402-sidecar-fs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let s = FileStore::open(&dir).expect("open");
        assert_eq!(s.load_versioned().expect("load"), (None, "0".to_string()));
        assert_eq!(
            s.cas_state("{}", "0", None, None, 0).expect("cas"),
            json!({"on": "cas", "won": true, "version": "1"})
        );
        // Lost: the answer carries the state as it stands.
        assert_eq!(
            s.cas_state("{}", "0", None, None, 0).expect("cas lost"),
            json!({"on": "cas", "won": false, "state": "{}", "version": "1"})
        );
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("state.json")).expect("file"))
                .expect("json");
        assert_eq!(v, json!({"version": 1, "state": "{}"}));
        assert!(s.check_and_set("ab", 1000, 5).expect("fresh"));
        assert!(!s.check_and_set("ab", 1000, 6).expect("live"));
        assert!(s.check_and_set("ab", 1000, 2000).expect("expired"));
        let r: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("replay.json")).expect("file"))
                .expect("json");
        assert_eq!(r, json!({"ab": 3000}));
        s.forget("ab").expect("forget");
        // With a fingerprint: set with the state; a live one writes nothing.
        let fp = ("cd".to_string(), 1000);
        assert_eq!(
            s.cas_state("{\"a\":1}", "1", Some(&fp), None, 10)
                .expect("cas fp"),
            json!({"on": "cas", "won": true, "fresh": true, "version": "2"})
        );
        assert_eq!(
            s.cas_state("{\"a\":2}", "2", Some(&fp), None, 20)
                .expect("live"),
            json!({"on": "cas", "won": false, "fresh": false})
        );
        assert_eq!(
            s.cas_state("{\"a\":3}", "1", Some(&("ef".to_string(), 1000)), None, 20)
                .expect("lost"),
            json!({"on": "cas", "won": false, "state": "{\"a\":1}", "version": "2"})
        );
        assert_eq!(
            s.load_versioned().expect("load"),
            (Some("{\"a\":1}".to_string()), "2".to_string())
        );
        assert!(s
            .check_and_set("ef", 1000, 30)
            .expect("a lost compare-and-set sets no fingerprint"));
        s.forget("cd").expect("forget");
        let h = Head {
            seq: 1,
            mac: "a".repeat(64),
        };
        assert!(s.save_head("r1", &h, 0).expect("save"));
        assert!(!s.save_head("r1", &h, 0).expect("conflict"));
        assert_eq!(s.load_head("r1").expect("head"), Some(h.clone()));
        assert_eq!(s.load_heads().expect("heads").get("r1"), Some(&h));
        // A head riding the compare-and-set: refused (nothing written) when
        // the stored seq moved, else written with the state and the fingerprint.
        let ride = |seq, prev_seq| CasHead {
            replica: "r1".into(),
            head: Head {
                seq,
                mac: "b".repeat(64),
            },
            prev_seq,
        };
        let gh = ("gh".to_string(), 1000);
        assert_eq!(
            s.cas_state("{\"a\":4}", "2", Some(&gh), Some(&ride(3, 0)), 40)
                .expect("head refused"),
            json!({"on": "cas", "won": false, "head_saved": false})
        );
        assert_eq!(s.load_head("r1").expect("head"), Some(h.clone()));
        assert_eq!(s.load_versioned().expect("load").1, "2");
        assert!(s
            .check_and_set("gh", 1000, 41)
            .expect("no fingerprint was set"));
        s.forget("gh").expect("forget");
        assert_eq!(
            s.cas_state("{\"a\":4}", "2", Some(&gh), Some(&ride(3, 1)), 50)
                .expect("rides"),
            json!({"on": "cas", "won": true, "fresh": true, "version": "3", "head_saved": true})
        );
        assert_eq!(s.load_head("r1").expect("head"), Some(ride(3, 1).head));
        assert!(!s
            .check_and_set("gh", 1000, 51)
            .expect("the fingerprint is set"));
        assert_eq!(
            s.cas_state("{\"a\":5}", "2", None, Some(&ride(4, 3)), 60)
                .expect("other version"),
            json!({"on": "cas", "won": false, "state": "{\"a\":4}", "version": "3"})
        );
        assert!(!dir.join("lock").exists(), "the lock is released");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
