//! The one table of API failures: each kind has a stable snake_case code and one HTTP status,
//! and every JSON error the service sends has the shape `{"error": {"code", "message"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidParameter,
    UnknownLanguage,
    QueryTooLong,
    ResourceNotFound,
    DomainNotFound,
    NotFound,
    Overloaded,
    Timeout,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidParameter => "invalid_parameter",
            ErrorCode::UnknownLanguage => "unknown_language",
            ErrorCode::QueryTooLong => "query_too_long",
            ErrorCode::ResourceNotFound => "resource_not_found",
            ErrorCode::DomainNotFound => "domain_not_found",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Overloaded => "overloaded",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Internal => "internal",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::InvalidParameter | ErrorCode::UnknownLanguage | ErrorCode::QueryTooLong => {
                StatusCode::BAD_REQUEST
            }
            ErrorCode::ResourceNotFound | ErrorCode::DomainNotFound | ErrorCode::NotFound => {
                StatusCode::NOT_FOUND
            }
            ErrorCode::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Timeout => StatusCode::REQUEST_TIMEOUT,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// An error answered to an API client.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameter, message)
    }
}

impl From<tantivy::TantivyError> for ApiError {
    fn from(err: tantivy::TantivyError) -> Self {
        tracing::error!(error = %err, "index error while answering a request");
        ApiError::new(
            ErrorCode::Internal,
            "the index could not answer; see the server log",
        )
    }
}

/// How a search failure reaches an API client: the client's mistakes are 400s that say what
/// to change; an index failure is logged and answered 500.
impl From<crate::search::SearchError> for ApiError {
    fn from(err: crate::search::SearchError) -> Self {
        use crate::search::SearchError;
        let message = err.to_string();
        match err {
            SearchError::QueryTooLong { .. } => ApiError::new(ErrorCode::QueryTooLong, message),
            SearchError::UnknownDomain { .. } => ApiError::invalid(message),
            SearchError::Index(e) => ApiError::from(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"code": self.code.as_str(), "message": self.message}});
        (self.code.status(), Json(body)).into_response()
    }
}
