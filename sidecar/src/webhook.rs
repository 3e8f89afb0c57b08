//! Webhook approvers (`post-webhook`): resolve, ask the core whether every
//! address may be posted to, POST to the address just checked (no second
//! DNS answer), never follow redirects, cap the body, stop at the deadline.
//! The core judges the answer. Plain `http://` only: an `https://` approver
//! is reported as a transport failure (status 0), which the core counts as
//! no approval (see the README).

use crate::guard::now_ms;
use axum::http::{Request, Uri};
use http_body_util::{BodyExt, Full};
use presidio_x402_core::mpa::{webhook_address_allowed, MpaConfig, MAX_RESPONSE_BYTES};
use serde_json::{json, Value};
use std::time::Duration;

/// Performs one `post-webhook` action; the event for the driver.
pub async fn post(a: &Value, mpa: Option<&MpaConfig>) -> Value {
    let approver = a["approver_id"].as_str().unwrap_or_default().to_string();
    let refused = json!({"on": "webhook", "approver_id": approver, "status": 0, "body": "", "hmac": null, "timed_out": false});
    let deadline = a["deadline_ms"].as_u64().unwrap_or(0);
    let wait = Duration::from_millis(deadline.saturating_sub(now_ms()));
    let Some(mpa) = mpa else { return refused };
    match tokio::time::timeout(wait, ask(a, mpa)).await {
        Ok(Some((status, body, hmac))) => {
            json!({"on": "webhook", "approver_id": approver, "status": status,
            "body": body, "hmac": hmac, "timed_out": false, "at_ms": now_ms()})
        }
        Ok(None) => refused,
        Err(_) => {
            let mut t = refused;
            t["timed_out"] = json!(true);
            t
        }
    }
}

async fn ask(a: &Value, mpa: &MpaConfig) -> Option<(u16, String, Option<String>)> {
    let uri: Uri = a["url"].as_str()?.parse().ok()?;
    if uri.scheme_str() != Some("http") {
        return None;
    }
    let host = uri
        .host()?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = uri.port_u16().unwrap_or(80);
    let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .ok()?
        .collect();
    if addrs.is_empty()
        || !addrs
            .iter()
            .all(|s| webhook_address_allowed(mpa, &s.ip().to_string()))
    {
        return None;
    }
    if host.parse::<std::net::IpAddr>().is_err() && !webhook_address_allowed(mpa, &host) {
        return None;
    }
    let stream = tokio::net::TcpStream::connect(addrs[0]).await.ok()?;
    let (mut send, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .ok()?;
    tokio::spawn(conn);
    let mut req = Request::builder()
        .method("POST")
        .uri(uri.path_and_query().map_or("/", |p| p.as_str()))
        .header("host", uri.authority()?.as_str());
    if let Some(h) = a["headers"].as_object() {
        for (k, v) in h {
            req = req.header(k.as_str(), v.as_str().unwrap_or_default());
        }
    }
    let body = a["body"].as_str().unwrap_or_default().to_string();
    let res = send
        .send_request(req.body(Full::new(bytes(body))).ok()?)
        .await
        .ok()?;
    let status = res.status().as_u16();
    let hmac = res
        .headers()
        .get("x-mpa-hmac")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut body = res.into_body();
    let mut got: Vec<u8> = Vec::new();
    while got.len() <= MAX_RESPONSE_BYTES {
        match body.frame().await {
            Some(Ok(f)) => {
                if let Some(d) = f.data_ref() {
                    got.extend_from_slice(d);
                }
            }
            _ => break,
        }
    }
    got.truncate(MAX_RESPONSE_BYTES + 1);
    Some((status, String::from_utf8_lossy(&got).to_string(), hmac))
}

/// Performs one `alert` action: one POST of the driver's body and headers,
/// plain `http://` only (as approvers), no redirect followed, at most 10 s;
/// the caller spawns it and never waits (alerts are best effort).
pub async fn alert(a: &Value) {
    let _ = tokio::time::timeout(Duration::from_secs(10), send_alert(a)).await;
}

async fn send_alert(a: &Value) -> Option<()> {
    let uri: Uri = a["url"].as_str()?.parse().ok()?;
    if uri.scheme_str() != Some("http") {
        return None;
    }
    let host = uri.host()?.trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host, port)).await.ok()?;
    let (mut send, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .ok()?;
    tokio::spawn(conn);
    let mut req = Request::builder()
        .method("POST")
        .uri(uri.path_and_query().map_or("/", |p| p.as_str()))
        .header("host", uri.authority()?.as_str());
    if let Some(h) = a["headers"].as_object() {
        for (k, v) in h {
            req = req.header(k.as_str(), v.as_str().unwrap_or_default());
        }
    }
    let body = a["body"].as_str().unwrap_or_default().to_string();
    let res = send
        .send_request(req.body(Full::new(bytes(body))).ok()?)
        .await
        .ok()?;
    let _ = res.into_body().collect().await;
    Some(())
}

fn bytes(s: String) -> axum::body::Bytes {
    axum::body::Bytes::from(s)
}
