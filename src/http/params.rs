//! Query-string parsing shared by the handlers. Parameters may repeat (`domain=a&domain=b`),
//! which serde's urlencoded extractor cannot express, so the raw query is read here, and every
//! bad value becomes a 400 that names the parameter.

use super::error::{ApiError, ErrorCode};
use crate::lang::{known_codes, Lang};

pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> Params {
        Params(
            form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// `lang`, or the site default when absent or empty.
    pub fn lang(&self, default: Lang) -> Result<Lang, ApiError> {
        match self.get("lang").filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(code) => Lang::parse(code).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::UnknownLanguage,
                    format!(
                        "unknown lang `{}`; use one of {}",
                        truncate(code),
                        known_codes()
                    ),
                )
            }),
        }
    }

    /// A positive integer parameter within `1..=max`, or `default` when absent.
    pub fn number(&self, key: &str, default: usize, max: usize) -> Result<usize, ApiError> {
        let Some(raw) = self.get(key).filter(|v| !v.is_empty()) else {
            return Ok(default);
        };
        match raw.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n.min(max)),
            _ => Err(ApiError::invalid(format!(
                "`{key}` must be a whole number from 1 to {max}, not `{}`",
                truncate(raw)
            ))),
        }
    }
}

/// Echoing user input in an error is useful, but not 20 000 characters of it.
fn truncate(s: &str) -> String {
    let cut: String = s.chars().take(40).collect();
    if cut.len() < s.len() {
        format!("{cut}…")
    } else {
        cut
    }
}
