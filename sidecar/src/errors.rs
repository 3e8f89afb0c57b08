//! Errors as JSON with a stable code: `{"code", "message"}` (HTTP) and the
//! start-up refusal line (stderr).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use presidio_x402_core::Code;
use serde_json::json;

/// An HTTP error: a status and a stable code (the core's codes where the
/// core decided, the sidecar's own for transport problems; listed in the README).
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code.
    pub code: &'static str,
    /// Fixed description (never request data, never a key).
    pub message: String,
}

impl ApiError {
    /// An error with a status, a code and a message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// A core code: 503 for `store-unavailable`, 400 otherwise; the core's description.
    pub fn core(code: Code) -> ApiError {
        let status = if code == Code::StoreUnavailable {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::BAD_REQUEST
        };
        ApiError::new(status, code.as_str(), code.describe())
    }

    /// 400 `invalid-input` with a message.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid-input", message)
    }

    /// 503 `store-unavailable` (fail closed).
    pub fn store() -> ApiError {
        ApiError::core(Code::StoreUnavailable)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            [("content-type", "application/json")],
            json!({"code": self.code, "message": self.message}).to_string(),
        )
            .into_response()
    }
}

/// Why the sidecar refused to start: printed as one JSON line on stderr.
#[derive(Debug)]
pub struct StartError {
    code: String,
    message: String,
    errors: Vec<(String, String)>,
}

impl StartError {
    /// A refusal with a code and a message.
    pub fn new(code: &str, message: impl Into<String>) -> StartError {
        StartError {
            code: code.to_string(),
            message: message.into(),
            errors: Vec::new(),
        }
    }

    /// The core's configuration errors (each with its path).
    pub fn config(errors: Vec<presidio_x402_core::ConfigError>) -> StartError {
        let code = errors
            .first()
            .map_or("config-malformed", |e| e.code.as_str())
            .to_string();
        StartError {
            message: format!("the policy is invalid ({} error(s))", errors.len()),
            code,
            errors: errors
                .into_iter()
                .map(|e| (e.path, e.code.as_str().to_string()))
                .collect(),
        }
    }

    /// The code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The JSON line: `{"code", "message", "errors": [{path, code}]}`.
    pub fn to_json(&self) -> String {
        let errors: Vec<_> = self
            .errors
            .iter()
            .map(|(p, c)| json!({"path": p, "code": c}))
            .collect();
        json!({"code": self.code, "message": self.message, "errors": errors}).to_string()
    }
}
