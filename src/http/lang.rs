//! The language of a page, from its first path segment (`/sv/search`): one rule for every
//! page, pack and basket. A code that is not one of the site's languages gets the not-found
//! page in the site's default language.

use super::AppState;
use crate::lang::Lang;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::response::Response;

/// A language of the site, taken from the route's `{lang}` segment.
#[derive(Debug, Clone, Copy)]
pub struct PageLang(pub Lang);

impl FromRequestParts<AppState> for PageLang {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let meta = state.meta();
        let code = RawPathParams::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|params| {
                params
                    .iter()
                    .find(|(name, _)| *name == "lang")
                    .map(|(_, value)| value.to_string())
            });
        code.as_deref()
            .and_then(Lang::parse)
            .filter(|l| meta.site.languages.contains(l))
            .map(PageLang)
            .ok_or_else(|| super::pages::not_found(&meta, meta.site.default_lang))
    }
}
