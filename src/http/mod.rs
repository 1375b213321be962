//! The HTTP service: `app(state)` builds the router apart from serving, so tests can drive it
//! over a real socket or in-process alike.

mod api;
mod pages;
mod params;

use crate::error::{ApiError, ErrorCode};
use crate::service::Service;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

pub type AppState = Arc<Service>;

pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/search", get(api::search))
        .route("/api/suggest", get(api::suggest))
        .route("/api/domains", get(api::domains))
        .route("/api/status", get(api::status))
        .route("/api/resources/{id}", get(api::resource))
        .route("/api/resources/{id}/related", get(api::related))
        .route("/", get(pages::root))
        .route("/opensearch.xml", get(pages::opensearch))
        .route("/assets/{name}", get(pages::asset))
        .route("/{lang}", get(pages::lang_root))
        .route("/{lang}/", get(pages::home))
        .route("/{lang}/search", get(pages::search_page))
        .route("/{lang}/r/{*id}", get(pages::resource_page))
        .route("/{lang}/domains/{domain}", get(pages::domain_page))
        .fallback(fallback)
        .with_state(state.clone())
        .layer(tower_http::compression::CompressionLayer::new())
}

/// JSON 404 under `/api/`, the HTML not-found page elsewhere.
async fn fallback(
    axum::extract::State(state): axum::extract::State<AppState>,
    uri: axum::http::Uri,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        ApiError::new(
            ErrorCode::NotFound,
            "no such endpoint; see the README for the API",
        )
        .into_response()
    } else {
        let meta = state.meta();
        pages::not_found(&meta, meta.site.default_lang)
    }
}

/// Serves until ctrl-c or SIGTERM, letting requests in flight finish.
pub async fn serve(state: AppState, addr: &str) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot listen on {addr}: {e}; is another server running there? pass --addr"
        )
    })?;
    tracing::info!("serving on http://{}", listener.local_addr()?);
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
