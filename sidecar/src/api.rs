//! The HTTP API (documented in `sidecar/README.md` and `sidecar/openapi.json`).

use crate::errors::ApiError;
use crate::guard::{now_ms, Guard};
use crate::raw::RawDrivers;
use crate::Args;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use presidio_x402_core::driver::{Action, Begin, Driver, Event};
use presidio_x402_core::facade;
use presidio_x402_core::policy::{endpoint_key, GuardState, GLOBAL_KEY};
use presidio_x402_core::Code;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use subtle::ConstantTimeEq;

/// The OpenAPI document (the committed `sidecar/openapi.json`).
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Shared by every handler.
pub struct AppState {
    guard: Arc<Guard>,
    /// SHA-256 of the bearer token, when one is required.
    token: Option<[u8; 32]>,
    raw: Option<RawDrivers>,
    timeout: Duration,
}

type St = State<Arc<AppState>>;

/// A JSON request body: over the cap → 413 `body-too-large`, not JSON → 400 `bad-json`.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let b = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body-too-large",
                    "the request body is over the size cap",
                )
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad-request",
                    "the request body could not be read",
                )
            }
        })?;
        if b.is_empty() {
            return Ok(JsonBody(Value::Object(Map::new())));
        }
        serde_json::from_slice(&b).map(JsonBody).map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad-json",
                "the request body is not JSON",
            )
        })
    }
}

fn json_response(status: StatusCode, v: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        v.to_string(),
    )
        .into_response()
}

fn text_json(status: StatusCode, text: String) -> Response {
    (status, [("content-type", "application/json")], text).into_response()
}

/// Reads the bearer token file (trimmed; empty is refused).
pub fn token_of(args: &Args) -> Result<Option<[u8; 32]>, String> {
    let Some(p) = &args.token_file else {
        return Ok(None);
    };
    let t = std::fs::read_to_string(p)
        .map_err(|e| format!("cannot read the token file: {}", e.kind()))?;
    let t = t.trim();
    if t.is_empty() {
        return Err("the token file is empty".into());
    }
    Ok(Some(Sha256::digest(t.as_bytes()).into()))
}

/// The router with its middleware (auth on `/v1/`, body cap, timeout).
pub fn router(guard: Arc<Guard>, args: &Args, token: Option<[u8; 32]>) -> Router {
    let st = Arc::new(AppState {
        guard,
        token,
        raw: args.raw_driver.then(RawDrivers::default),
        timeout: Duration::from_millis(args.request_timeout_ms.max(1)),
    });
    let v1 = Router::new()
        .route("/v1/decide", post(decide))
        .route("/v1/payments/{id}/signed", post(signed))
        .route("/v1/payments/{id}/response", post(response))
        .route("/v1/budgets", get(budgets))
        .route("/v1/halt", get(halt_get).post(halt_set))
        .route("/v1/unhalt", post(unhalt))
        .route("/v1/audit/head", get(audit_head))
        .route("/v1/audit/verify", post(audit_verify))
        .route("/v1/raw/drivers", post(raw_create))
        .route("/v1/raw/drivers/{d}", get(raw_get).delete(raw_delete))
        .route("/v1/raw/drivers/{d}/open", post(raw_open))
        .route("/v1/raw/drivers/{d}/begin", post(raw_begin))
        .route("/v1/raw/drivers/{d}/reload", post(raw_reload))
        .route("/v1/raw/drivers/{d}/flush", post(raw_flush))
        .route("/v1/raw/drivers/{d}/handle", post(raw_handle))
        .route("/v1/raw/drivers/{d}/control", post(raw_control))
        .route("/v1/raw/call/{op}", post(raw_call))
        .layer(middleware::from_fn_with_state(st.clone(), auth));
    Router::new()
        .route(
            "/healthz",
            get(|| async { json_response(StatusCode::OK, json!({"status": "ok"})) }),
        )
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route(
            "/openapi.json",
            get(|| async { text_json(StatusCode::OK, OPENAPI.to_string()) }),
        )
        .merge(v1)
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "not-found", "no such endpoint")
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "this endpoint takes another method",
            )
        })
        .layer(middleware::from_fn_with_state(st.clone(), deadline))
        .layer(axum::extract::DefaultBodyLimit::max(args.max_body_bytes))
        .with_state(st)
}

/// Requires the bearer token on `/v1/` (constant-time comparison of digests).
async fn auth(State(st): St, headers: HeaderMap, req: Request, next: Next) -> Response {
    if let Some(want) = &st.token {
        let got = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| -> [u8; 32] { Sha256::digest(t.trim().as_bytes()).into() });
        let ok = got.is_some_and(|g| bool::from(g.ct_eq(want)));
        if !ok {
            return ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a valid bearer token is required",
            )
            .into_response();
        }
    }
    next.run(req).await
}

/// Bounds every request's time (503 `timeout`).
async fn deadline(State(st): St, req: Request, next: Next) -> Response {
    match tokio::time::timeout(st.timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "the request took too long",
        )
        .into_response(),
    }
}

async fn readyz(State(st): St) -> Response {
    let store = st.guard.store.ping().await.is_ok();
    let ready = store && st.guard.is_ready();
    json_response(
        if ready {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        json!({"ready": ready, "store": store, "policy": st.guard.is_ready()}),
    )
}

async fn metrics(State(st): St) -> Response {
    (
        StatusCode::OK,
        [("content-type", "text/plain; version=0.0.4; charset=utf-8")],
        st.guard.metrics.render(),
    )
        .into_response()
}

// ---- payments ------------------------------------------------------------------

fn header<'a>(headers: &'a Value, name: &str) -> Option<&'a str> {
    headers
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.as_str())
}

fn opt_str<'a>(v: &'a Value, k: &str) -> Result<Option<&'a str>, ApiError> {
    match v.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid(format!("`{k}` must be a string"))),
    }
}

/// The driver's `begin` input from a decide request.
fn begin_of(v: &Value) -> Result<Begin, ApiError> {
    let req = v
        .get("request")
        .filter(|r| r.is_object())
        .ok_or_else(|| ApiError::invalid("`request` is required"))?;
    let res = v
        .get("response")
        .filter(|r| r.is_object())
        .ok_or_else(|| ApiError::invalid("`response` is required"))?;
    if let Some(s) = res.get("status") {
        if s.as_u64() != Some(402) {
            return Err(ApiError::invalid("`response.status` must be 402"));
        }
    }
    let headers = res.get("headers").cloned().unwrap_or(Value::Null);
    if !(headers.is_null() || headers.is_object()) {
        return Err(ApiError::invalid("`response.headers` must be an object"));
    }
    let mut seed = [0u8; 8];
    crate::guard::fill_random(&mut seed);
    let mut m = Map::new();
    let mut put = |k: &str, x: Option<&str>| {
        if let Some(x) = x {
            m.insert(k.into(), Value::String(x.into()));
        }
    };
    put("method", opt_str(req, "method")?);
    put("url", opt_str(req, "url")?);
    put("request_body_sha256", opt_str(req, "body_sha256")?);
    put("idempotency_key", opt_str(req, "idempotency_key")?);
    put("payment_required", header(&headers, "payment-required"));
    put("content_type", header(&headers, "content-type"));
    put("body", opt_str(res, "body")?);
    put("body_base64", opt_str(res, "body_base64")?);
    put("reason", opt_str(v, "reason")?);
    if let Some(h) = v.get("hints") {
        m.insert("hints".into(), h.clone());
    }
    m.insert("seed".into(), json!(u64::from_le_bytes(seed)));
    Begin::from_json(&Value::Object(m)).map_err(ApiError::core)
}

/// The answer for a task stopped at `sign`, `send` or `done`.
fn stop_json(st: &AppState, id: u64, a: &Action) -> Value {
    let mut v = a.to_value();
    let pid = if id == 0 {
        Value::Null
    } else {
        json!(format!("{}-{id}", st.guard.boot()))
    };
    if let Some(m) = v.as_object_mut() {
        m.remove("do");
    }
    match a.kind() {
        "sign" => json!({"payment_id": pid, "verdict": "allowed", "next": "sign", "sign": v}),
        "send" => json!({"payment_id": pid, "verdict": "allowed", "next": "send", "send": v}),
        _ => {
            let allowed = v["allowed"] == json!(true);
            let code = v["code"].as_str().and_then(Code::parse);
            json!({
                "payment_id": pid,
                "verdict": if allowed { "allowed" } else { "refused" },
                "next": "done",
                "allowed": allowed,
                "code": code.map(|c| c.as_str()),
                "message": code.map(|c| c.describe()),
                "family": v["family"],
                "settlement": v["settlement"],
                "details": v["details"],
            })
        }
    }
}

async fn decide(State(st): St, JsonBody(v): JsonBody) -> Result<Response, ApiError> {
    let b = begin_of(&v)?;
    let (id, actions, written) = st.guard.cross_begin(b);
    let stop = st.guard.run(id, actions, written).await?;
    Ok(json_response(StatusCode::OK, stop_json(&st, id, &stop)))
}

fn task_of(st: &AppState, pid: &str) -> Result<u64, ApiError> {
    pid.strip_prefix(st.guard.boot())
        .and_then(|r| r.strip_prefix('-'))
        .and_then(|n| n.parse::<u64>().ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "payment-unknown",
                "no such payment in this process",
            )
        })
}

async fn continue_with(st: &AppState, id: u64, ev: Value) -> Result<Response, ApiError> {
    let ev = Event::from_json(&ev).map_err(ApiError::core)?;
    let (actions, written) = st.guard.cross_handle(id, vec![ev]).map_err(|c| {
        if c == Code::InvalidInput {
            ApiError::new(
                StatusCode::CONFLICT,
                "payment-state",
                "the payment is unknown or does not wait for this report",
            )
        } else {
            ApiError::core(c)
        }
    })?;
    let stop = st.guard.run(id, actions, written).await?;
    Ok(json_response(StatusCode::OK, stop_json(st, id, &stop)))
}

async fn signed(
    State(st): St,
    Path(pid): Path<String>,
    JsonBody(v): JsonBody,
) -> Result<Response, ApiError> {
    let id = task_of(&st, &pid)?;
    let ev = if v.get("failed") == Some(&json!(true)) {
        json!({"on": "signer-failed"})
    } else {
        match v.get("payload") {
            Some(p @ Value::Object(_)) => json!({"on": "signed", "payload": p}),
            _ => {
                return Err(ApiError::invalid(
                    "give `payload` (an object) or `failed: true`",
                ))
            }
        }
    };
    continue_with(&st, id, ev).await
}

async fn response(
    State(st): St,
    Path(pid): Path<String>,
    JsonBody(v): JsonBody,
) -> Result<Response, ApiError> {
    let id = task_of(&st, &pid)?;
    let ev = if v.get("unobserved") == Some(&json!(true)) {
        json!({"on": "unobserved"})
    } else if let Some(n) = v.get("network_error") {
        let sent = n
            .get("sent")
            .and_then(Value::as_bool)
            .ok_or_else(|| ApiError::invalid("`network_error.sent` must be a boolean"))?;
        json!({"on": "network-error", "sent": sent})
    } else {
        let status = v
            .get("status")
            .and_then(Value::as_u64)
            .filter(|s| *s <= 999)
            .ok_or_else(|| ApiError::invalid("`status` is required"))?;
        let headers = v.get("headers").cloned().unwrap_or(Value::Null);
        let settlement = match opt_str(&v, "settlement")? {
            Some(s) => Some(s.to_string()),
            None => header(&headers, "payment-response")
                .or_else(|| header(&headers, "x-payment-response"))
                .map(str::to_string),
        };
        json!({"on": "response", "status": status, "settlement": settlement})
    };
    continue_with(&st, id, ev).await
}

// ---- reads ---------------------------------------------------------------------

/// The state as stored (a shared store is read now; else the driver's copy).
async fn current_state(st: &AppState) -> Result<GuardState, ApiError> {
    let text = if st.guard.store.shared() {
        st.guard
            .store
            .load_versioned()
            .await
            .map_err(|_| ApiError::store())?
            .0
            .unwrap_or_default()
    } else {
        st.guard.head_and_state().1
    };
    if text.trim().is_empty() {
        return Ok(GuardState::default());
    }
    let v: Value = serde_json::from_str(&text).map_err(|_| ApiError::core(Code::StateCorrupt))?;
    GuardState::from_json(&v).map_err(ApiError::core)
}

fn halted_json(s: &GuardState) -> Value {
    json!({"halted": s.halted.as_ref().map(|h| h.to_json())})
}

/// `GET /v1/halt`: the kill switch as stored, `{"halted": null | {by, reason, at_ms}}`.
async fn halt_get(State(st): St) -> Result<Response, ApiError> {
    Ok(json_response(
        StatusCode::OK,
        halted_json(&current_state(&st).await?),
    ))
}

/// `POST /v1/halt` `{reason?, by?}`: halts the guard (every process sharing the store).
async fn halt_set(State(st): St, JsonBody(v): JsonBody) -> Result<Response, ApiError> {
    let text = |k: &str| match v.get(k) {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s.as_str()),
        Some(_) => Err(ApiError::invalid("`reason` and `by` are strings")),
    };
    let (by, reason) = (text("by")?, text("reason")?);
    control(&st, Some((by, reason))).await
}

/// `POST /v1/unhalt`: clears the kill switch.
async fn unhalt(State(st): St) -> Result<Response, ApiError> {
    control(&st, None).await
}

async fn control(st: &AppState, halt: Option<(&str, &str)>) -> Result<Response, ApiError> {
    let (id, actions, written) = st.guard.cross_control(halt);
    let done = st.guard.run(id, actions, written).await?.to_value();
    if done["allowed"] != json!(true) {
        let code = done["code"].as_str().and_then(Code::parse);
        return Err(ApiError::core(code.unwrap_or(Code::InvalidInput)));
    }
    Ok(json_response(
        StatusCode::OK,
        halted_json(&current_state(st).await?),
    ))
}

async fn budgets(State(st): St) -> Result<Response, ApiError> {
    let cfg = st.guard.config();
    let text = if st.guard.store.shared() {
        st.guard
            .store
            .load_versioned()
            .await
            .map_err(|_| ApiError::store())?
            .0
            .unwrap_or_default()
    } else {
        st.guard.head_and_state().1
    };
    let state = if text.trim().is_empty() {
        GuardState::default()
    } else {
        let v: Value =
            serde_json::from_str(&text).map_err(|_| ApiError::core(Code::StateCorrupt))?;
        GuardState::from_json(&v).map_err(ApiError::core)?
    };
    let now = now_ms();
    let window = cfg.window_ms();
    let line = |key: &str, limit: Option<presidio_x402_core::money::Usd>| {
        let used = state.spend.window_total(key, now, window);
        json!({
            "limit_usd": limit.map(|l| l.to_string()),
            "used_usd": used.to_string(),
            "remaining_usd": limit.map(|l| presidio_x402_core::money::Usd(l.0.saturating_sub(used.0)).to_string()),
        })
    };
    let endpoints: Vec<Value> = cfg
        .per_endpoint
        .iter()
        .map(|(ep, limit)| {
            let mut l = line(&endpoint_key(&ep.canonical()), Some(*limit));
            l["endpoint"] = json!(ep.canonical());
            l
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        json!({
            "now_ms": now,
            "window_seconds": cfg.window_seconds,
            "max_per_call_usd": cfg.max_per_call_usd.map(|u| u.to_string()),
            "window": line(GLOBAL_KEY, cfg.daily_limit_usd),
            "endpoints": endpoints,
            "open_reservations": state.spend.reservations.len(),
        }),
    ))
}

async fn audit_head(State(st): St) -> Result<Response, ApiError> {
    let (head, _) = st.guard.head_and_state();
    let stored = st
        .guard
        .store
        .load_head(st.guard.replica().to_string())
        .await
        .map_err(|_| ApiError::store())?;
    Ok(json_response(
        StatusCode::OK,
        json!({"replica": st.guard.replica(), "head": head.map(|h| h.to_json()), "stored": stored.map(|h| h.to_json())}),
    ))
}

async fn audit_verify(State(st): St) -> Result<Response, ApiError> {
    let Some(dir) = st.guard.audit_dir().map(|d| d.to_path_buf()) else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "no-audit-dir",
            "the sidecar writes no audit directory (--audit-dir)",
        ));
    };
    st.guard.flush().await;
    let heads = st
        .guard
        .store
        .load_heads()
        .await
        .map_err(|_| ApiError::store())?;
    let heads: Map<String, Value> = heads.into_iter().map(|(k, h)| (k, h.to_json())).collect();
    let key_hex: String = st
        .guard
        .audit_key()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let out = tokio::task::spawn_blocking(move || -> Result<String, ApiError> {
        let chains = crate::audit::read_chains(&dir)
            .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "audit-dir-unreadable", "the audit directory cannot be read"))?;
        let input = json!({"key_hex": key_hex, "chains": chains, "heads": if heads.is_empty() { Value::Null } else { Value::Object(heads) }});
        presidio_x402_core::facade::call_audit_json("audit.verify-chains", &input.to_string()).map_err(ApiError::core)
    })
    .await
    .map_err(|_| ApiError::invalid("verification failed"))??;
    Ok(text_json(StatusCode::OK, out))
}

// ---- raw driver ----------------------------------------------------------------

fn raw(st: &AppState) -> Result<&RawDrivers, ApiError> {
    st.raw.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "the raw driver endpoints are off (--raw-driver)",
        )
    })
}

fn raw_id(d: &str) -> Result<u64, ApiError> {
    d.parse().map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "driver-unknown",
            "no such raw driver",
        )
    })
}

fn unknown_driver() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "driver-unknown",
        "no such raw driver",
    )
}

fn core_text(r: Result<String, Code>) -> Response {
    match r {
        Ok(t) => text_json(StatusCode::OK, t),
        Err(c) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, c.as_str(), c.describe())
            .into_response(),
    }
}

async fn raw_create(State(st): St, JsonBody(v): JsonBody) -> Result<Response, ApiError> {
    let r = raw(&st)?;
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default();
    let key = |k: &str| {
        presidio_x402_core::hex::decode(s(k))
            .ok_or_else(|| ApiError::invalid(format!("`{k}` must be hex")))
    };
    let (rk, ak) = (key("replay_key_hex")?, key("audit_key_hex")?);
    match Driver::from_json(s("config"), s("profile"), &rk, &ak) {
        Ok(d) => Ok(json_response(
            StatusCode::CREATED,
            json!({"driver": r.add(d)}),
        )),
        Err(errors) => {
            let code = errors.first().map_or("invalid-input", |e| e.code.as_str());
            let list: Vec<Value> = errors
                .iter()
                .map(|e| json!({"path": e.path, "code": e.code.as_str()}))
                .collect();
            Ok(json_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"code": code, "message": "the driver was refused", "errors": list}),
            ))
        }
    }
}

async fn raw_open(State(st): St, Path(d): Path<String>) -> Result<Response, ApiError> {
    let t = raw(&st)?
        .with(raw_id(&d)?, |d| d.open_json())
        .ok_or_else(unknown_driver)?;
    Ok(text_json(StatusCode::OK, t))
}

fn now_input(v: &Value) -> Result<(u64, String), ApiError> {
    let now = v
        .get("now_ms")
        .and_then(Value::as_u64)
        .ok_or_else(|| ApiError::invalid("`now_ms` is required"))?;
    let input = v
        .get("input")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid("`input` (JSON text) is required"))?;
    Ok((now, input.to_string()))
}

async fn raw_begin(
    State(st): St,
    Path(d): Path<String>,
    JsonBody(v): JsonBody,
) -> Result<Response, ApiError> {
    let (now, input) = now_input(&v)?;
    let r = raw(&st)?
        .with(raw_id(&d)?, |d| d.begin_json(&input, now))
        .ok_or_else(unknown_driver)?;
    Ok(core_text(r))
}

async fn raw_control(
    State(st): St,
    Path(d): Path<String>,
    JsonBody(v): JsonBody,
) -> Result<Response, ApiError> {
    let (now, input) = now_input(&v)?;
    let r = raw(&st)?
        .with(raw_id(&d)?, |d| d.control_json(&input, now))
        .ok_or_else(unknown_driver)?;
    Ok(core_text(r))
}

async fn raw_reload(
    State(st): St,
    Path(d): Path<String>,
    JsonBody(v): JsonBody,
) -> Result<Response, ApiError> {
    let (now, input) = now_input(&v)?;
    let t = raw(&st)?
        .with(raw_id(&d)?, |d| d.reload_json(&input, now))
        .ok_or_else(unknown_driver)?;
    Ok(text_json(StatusCode::OK, t))
}

async fn raw_flush(
    State(st): St,
    Path(d): Path<String>,
    JsonBody(v): JsonBody,
) -> Result<Response, ApiError> {
    let now = v
        .get("now_ms")
        .and_then(Value::as_u64)
        .ok_or_else(|| ApiError::invalid("`now_ms` is required"))?;
    let t = raw(&st)?
        .with(raw_id(&d)?, |d| d.flush_json(now))
        .ok_or_else(unknown_driver)?;
    Ok(text_json(StatusCode::OK, t))
}

async fn raw_handle(
    State(st): St,
    Path(d): Path<String>,
    JsonBody(v): JsonBody,
) -> Result<Response, ApiError> {
    let (now, input) = now_input(&v)?;
    let task = v
        .get("task")
        .and_then(Value::as_u64)
        .ok_or_else(|| ApiError::invalid("`task` is required"))?;
    let r = raw(&st)?
        .with(raw_id(&d)?, |d| d.handle_json(task, now, &input))
        .ok_or_else(unknown_driver)?;
    Ok(core_text(r))
}

/// `POST /v1/raw/call/{op}`: one core operation on the body's JSON text,
/// the way the component's `call` (and `audit-call` for the audit
/// operations over whole logs) runs it; the answer is the core's text, or
/// 422 with the core's code.
async fn raw_call(
    State(st): St,
    Path(op): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    raw(&st)?;
    let input = std::str::from_utf8(&body)
        .map_err(|_| ApiError::invalid("the body must be UTF-8 JSON text"))?;
    let r = if facade::AUDIT_OPERATIONS.contains(&op.as_str()) {
        facade::call_audit_json(&op, input)
    } else {
        facade::call_json(&op, input)
    };
    Ok(core_text(r))
}

async fn raw_get(State(st): St, Path(d): Path<String>) -> Result<Response, ApiError> {
    let v = raw(&st)?
        .with(
            raw_id(&d)?,
            |d| json!({"state": d.state_json(), "head": d.head().map(|h| h.to_json())}),
        )
        .ok_or_else(unknown_driver)?;
    Ok(json_response(StatusCode::OK, v))
}

async fn raw_delete(State(st): St, Path(d): Path<String>) -> Result<Response, ApiError> {
    if raw(&st)?.remove(raw_id(&d)?) {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(unknown_driver())
    }
}
