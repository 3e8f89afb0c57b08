//! `presidio-x402-sidecar`: an HTTP decision service next to an agent.
//!
//! It runs the native core's sans-I/O payment driver
//! ([`presidio_x402_core::driver::Driver`]) and performs the actions the
//! driver asks for: state and replay set in a store (memory, file or Redis,
//! the layout of `docs/STORES.md`), audit lines to a file chain, approval
//! webhooks, backoff sleeps. The caller signs and sends: `sign` and `send`
//! come back in the HTTP answers. Every rule is the core's; this crate only
//! moves bytes and time (see `sidecar/README.md`).

mod api;
mod audit;
mod errors;
mod exec;
mod guard;
mod metrics;
mod policy;
mod raw;
mod store;
mod webhook;

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Command line and environment of the sidecar (every flag has an `X402_…` fallback).
#[derive(Parser, Debug, Clone)]
#[command(
    name = "presidio-x402-sidecar",
    version,
    about = "x402 payment guard as an HTTP sidecar"
)]
pub struct Args {
    /// Address to listen on (loopback by default).
    #[arg(long, env = "X402_SIDECAR_LISTEN", default_value = "127.0.0.1:8402")]
    pub listen: SocketAddr,
    /// The guard configuration (`.json` or `.toml`), validated by the core at start and on reload.
    #[arg(long, env = "X402_POLICY_FILE")]
    pub policy: Option<PathBuf>,
    /// Where state, replay set and audit heads live: `memory`, `file` or `redis`.
    #[arg(long, env = "X402_STORE", default_value = "memory")]
    pub store: String,
    /// Directory of the file store.
    #[arg(long, env = "X402_STATE_DIR")]
    pub state_dir: Option<PathBuf>,
    /// Redis URL of the Redis store (never logged).
    #[arg(long, env = "X402_REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,
    /// Redis key prefix (separates applications).
    #[arg(long, env = "X402_REDIS_PREFIX", default_value = "presidio_x402")]
    pub redis_prefix: String,
    /// Redis tenant (separates budgets: one per agent or customer).
    #[arg(long, env = "X402_REDIS_TENANT", default_value = "default")]
    pub redis_tenant: String,
    /// Directory of the audit file chain (`{replica}.jsonl`); without it lines go to stdout.
    #[arg(long, env = "X402_AUDIT_DIR")]
    pub audit_dir: Option<PathBuf>,
    /// This instance's replica id (default: the host name).
    #[arg(long, env = "X402_REPLICA_ID")]
    pub replica_id: Option<String>,
    /// File holding the audit HMAC key (hex); or `X402_AUDIT_KEY` (hex).
    #[arg(long, env = "X402_AUDIT_KEY_FILE")]
    pub audit_key_file: Option<PathBuf>,
    /// File holding the replay-fingerprint HMAC key (hex); or `X402_FINGERPRINT_KEY` (hex).
    #[arg(long, env = "X402_FINGERPRINT_KEY_FILE")]
    pub fingerprint_key_file: Option<PathBuf>,
    /// File holding the bearer token required on `/v1/` (optional).
    #[arg(long, env = "X402_SIDECAR_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,
    /// The agent id written in audit lines (overrides the policy's `agent_id`).
    #[arg(long, env = "X402_AGENT_ID")]
    pub agent_id: Option<String>,
    /// Largest request body accepted, in bytes (413 `body-too-large` beyond).
    #[arg(long, env = "X402_SIDECAR_MAX_BODY_BYTES", default_value_t = 2 << 20)]
    pub max_body_bytes: usize,
    /// Longest time one request may take, in milliseconds (503 `timeout` beyond).
    #[arg(
        long,
        env = "X402_SIDECAR_REQUEST_TIMEOUT_MS",
        default_value_t = 30_000
    )]
    pub request_timeout_ms: u64,
    /// How often the policy file is checked for a change, in milliseconds (0: only SIGHUP).
    #[arg(long, env = "X402_SIDECAR_POLICY_POLL_MS", default_value_t = 2_000)]
    pub policy_poll_ms: u64,
    /// Serve `/v1/raw/…` (scratch drivers for conformance replays; off by default).
    #[arg(long, env = "X402_SIDECAR_RAW_DRIVER", default_value_t = false)]
    pub raw_driver: bool,
}

/// Exit code of a start-up refusal (bad flags, keys, policy or store).
const EXIT_CONFIG: u8 = 2;

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{{\"code\":\"invalid-input\",\"message\":\"tokio runtime: {e}\"}}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    rt.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    let guard = match guard::Guard::start(&args).await {
        Ok(g) => Arc::new(g),
        Err(e) => {
            // One JSON line with the core's code; never a key or the Redis URL.
            eprintln!("{}", e.to_json());
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let token = match api::token_of(&args) {
        Ok(t) => t,
        Err(m) => {
            eprintln!("{}", errors::StartError::new("invalid-input", m).to_json());
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "{}",
                errors::StartError::new(
                    "invalid-input",
                    format!("cannot listen on {}: {e}", args.listen)
                )
                .to_json()
            );
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    guard::spawn_reloader(guard.clone(), args.policy_poll_ms);
    guard::spawn_flusher(guard.clone());
    let app = api::router(guard.clone(), &args, token);
    eprintln!("presidio-x402-sidecar listening on {addr}");
    tracing::info!(store = %args.store, replica = %guard.replica(), "ready");
    let shutdown = async {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    };
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    // Quiet now: save an audit head the store does not hold yet.
    if let Some(done) = guard.flush_head().await {
        if done["allowed"] != serde_json::json!(true) {
            tracing::error!(code = %done["code"], "could not save the audit head at shutdown");
        }
    }
    guard.flush().await;
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("server: {e}");
            ExitCode::FAILURE
        }
    }
}
