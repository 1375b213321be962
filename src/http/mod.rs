//! The HTTP service: `app(state, options)` builds the router apart from serving, so tests
//! can drive it over a real socket or in-process alike.

mod admin;
mod api;
pub mod error;
mod lang;
mod metrics;
mod pack;
mod pages;
mod params;
pub mod public_url;
mod redirects;
mod security;
mod serve;
mod widget;

use crate::service::Service;
use axum::error_handling::HandleErrorLayer;
use axum::http::{HeaderValue, Method};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use error::{ApiError, ErrorCode};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use serve::{serve, serve_on};

/// What every handler can reach: the running service, the HTTP options and the metrics.
/// It dereferences to the [`Service`], so a handler writes `state.meta()`.
#[derive(Clone)]
pub struct AppState {
    pub service: Arc<Service>,
    pub options: Arc<HttpOptions>,
    pub metrics: Arc<metrics::Metrics>,
}

impl std::ops::Deref for AppState {
    type Target = Service;

    fn deref(&self) -> &Service {
        &self.service
    }
}

/// What the HTTP layer needs to know beyond the service state.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Partner origins allowed to call the API from browsers and to frame `/embed`; empty
    /// means any origin (without credentials).
    pub allowed_origins: Vec<String>,
    /// A request taking longer is answered 408.
    pub request_timeout: Duration,
    /// Beyond this many requests in flight, new ones get 503 with Retry-After.
    pub max_concurrent_requests: usize,
    /// A client that has not sent a whole request header by then is disconnected.
    pub header_read_timeout: Duration,
    /// Where the public reaches the service; `None`: `http://` and the listening address.
    pub public_url: Option<public_url::PublicUrl>,
    /// Token of the admin routes (`/admin/gaps`); `None`: they answer 404.
    pub admin_token: Option<String>,
    /// Where answered searches are counted for the gap report (default: nowhere).
    pub gaps: crate::gaps::Recorder,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            allowed_origins: Vec::new(),
            request_timeout: Duration::from_secs(10),
            max_concurrent_requests: 256,
            header_read_timeout: Duration::from_secs(10),
            public_url: None,
            admin_token: None,
            gaps: crate::gaps::Recorder::default(),
        }
    }
}

impl HttpOptions {
    /// The public URL, or `http://127.0.0.1:8080` when none is set (`serve_on` sets the
    /// listening address before building the router).
    pub fn public_url(&self) -> public_url::PublicUrl {
        self.public_url.clone().unwrap_or_default()
    }
}

fn cors(options: &HttpOptions) -> CorsLayer {
    let origins = if options.allowed_origins.is_empty() {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            options
                .allowed_origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
        .allow_headers([axum::http::header::CONTENT_TYPE, axum::http::header::ACCEPT])
        .max_age(Duration::from_secs(3600))
}

pub fn app(service: Arc<Service>, options: HttpOptions) -> Router {
    let options = Arc::new(options);
    let metrics = Arc::new(metrics::Metrics::default());
    let state = AppState {
        service,
        options: options.clone(),
        metrics: metrics.clone(),
    };
    let api = Router::new()
        .route("/api/search", get(api::search))
        .route("/api/suggest", get(api::suggest))
        .route("/api/domains", get(api::domains))
        .route("/api/status", get(api::status))
        .route("/api/resources/{id}", get(api::resource))
        .route("/api/resources/{id}/related", get(api::related))
        .layer(cors(&options));
    Router::new()
        .merge(api)
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics::render))
        .route("/", get(pages::root))
        .route("/opensearch.xml", get(pages::opensearch))
        .route("/assets/{name}", get(pages::asset))
        .route("/favicon.ico", get(pages::favicon))
        .route("/widget.js", get(widget::script))
        .route("/widget", get(widget::old_page))
        .route("/embed", get(widget::embed))
        .route("/admin/gaps", get(admin::gaps))
        .route("/{lang}", get(pages::lang_root))
        .route("/{lang}/", get(pages::home))
        .route("/{lang}/search", get(pages::search_page))
        .route("/{lang}/r/{*id}", get(pages::resource_page))
        .route("/{lang}/domains/{domain}", get(pages::domain_page))
        .route("/{lang}/modules/{slug}/pack", get(pack::module_pack))
        .route("/{lang}/basket", get(pack::basket))
        .route("/{lang}/basket/add", get(pack::basket_add))
        .route("/{lang}/pack", get(pack::basket_pack))
        .route("/{lang}/widget", get(widget::page))
        .fallback(fallback)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            redirects::old_addresses,
        ))
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(options.public_url()),
            public_url::rewrite,
        ))
        .layer(axum::middleware::from_fn(security::headers))
        .route_layer(axum::middleware::from_fn_with_state(
            metrics.clone(),
            metrics::track,
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(16 * 1024))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(move |err| {
                    overloaded(metrics.clone(), err)
                }))
                .load_shed()
                // Global: `Router::layer` gives each route its own copy of a layer, and a plain
                // concurrency limit would then count each route's requests apart.
                .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
                    options.max_concurrent_requests,
                ))
                .timeout(options.request_timeout),
        )
}

/// Answers requests refused by the load shedder (503) or cut by the timeout (408).
async fn overloaded(
    metrics: Arc<metrics::Metrics>,
    err: tower::BoxError,
) -> axum::response::Response {
    if err.is::<tower::timeout::error::Elapsed>() {
        let e = ApiError::new(
            ErrorCode::Timeout,
            "the request took too long; try a shorter query",
        );
        metrics.count_refused(e.code.status().as_u16());
        return e.into_response();
    }
    metrics.count_refused(503);
    let mut response = ApiError::new(
        ErrorCode::Overloaded,
        "the service is busy; retry in a second",
    )
    .into_response();
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        HeaderValue::from_static("1"),
    );
    response
}

/// JSON 404 under `/api/`, the HTML not-found page elsewhere.
async fn fallback(
    axum::extract::State(state): axum::extract::State<AppState>,
    uri: axum::http::Uri,
) -> axum::response::Response {
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
