//! `/metrics` in the Prometheus text format: requests by route and status, a search latency
//! histogram, and the index and corpus figures an operator watches.

use super::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 5.0,
];

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    search_buckets: [AtomicU64; 12],
    search_count: AtomicU64,
    search_sum_micros: AtomicU64,
}

impl Metrics {
    /// Counts a request answered before reaching a route: refused by the load shedder, or cut
    /// by the timeout.
    pub fn count_refused(&self, status: u16) {
        *self
            .requests
            .lock()
            .expect("metrics lock")
            .entry(("(refused)".to_string(), status))
            .or_default() += 1;
    }

    fn observe_search(&self, seconds: f64) {
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.search_buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.search_count.fetch_add(1, Ordering::Relaxed);
        self.search_sum_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }
}

/// Counts every request by its route template (never by raw path: bounded label values).
pub async fn track(
    State(metrics): State<std::sync::Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let started = Instant::now();
    let response = next.run(request).await;
    if route == "/api/search" || route == "/{lang}/search" {
        metrics.observe_search(started.elapsed().as_secs_f64());
    }
    let status = response.status().as_u16();
    *metrics
        .requests
        .lock()
        .expect("metrics lock")
        .entry((route, status))
        .or_default() += 1;
    response
}

pub async fn render(State(state): State<AppState>) -> Response {
    // The index folder's size is a walk of the file system: off the async workers.
    super::pages::off_workers(move || text(&state, &state.metrics)).await
}

/// The whole `/metrics` page: requests, search latency, then the index and corpus figures.
fn text(state: &AppState, metrics: &Metrics) -> Response {
    let mut out = String::new();
    write_requests(&mut out, metrics);
    write_search_latency(&mut out, metrics);
    write_figures(&mut out, &figures(state));
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response()
}

/// The request counter, one line per route and status.
fn write_requests(out: &mut String, metrics: &Metrics) {
    out.push_str("# HELP profint_http_requests_total HTTP requests by route and status.\n# TYPE profint_http_requests_total counter\n");
    for ((route, status), n) in metrics.requests.lock().expect("metrics lock").iter() {
        let _ = writeln!(
            out,
            "profint_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
            route.replace('"', "")
        );
    }
}

/// The search latency histogram: cumulative buckets, then the sum and count.
fn write_search_latency(out: &mut String, metrics: &Metrics) {
    out.push_str("# HELP profint_search_duration_seconds Time to answer a search.\n# TYPE profint_search_duration_seconds histogram\n");
    for (i, bound) in BUCKETS.iter().enumerate() {
        let _ = writeln!(
            out,
            "profint_search_duration_seconds_bucket{{le=\"{bound}\"}} {}",
            metrics.search_buckets[i].load(Ordering::Relaxed)
        );
    }
    let count = metrics.search_count.load(Ordering::Relaxed);
    let _ = writeln!(
        out,
        "profint_search_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
    );
    let _ = writeln!(
        out,
        "profint_search_duration_seconds_sum {}",
        metrics.search_sum_micros.load(Ordering::Relaxed) as f64 / 1e6
    );
    let _ = writeln!(out, "profint_search_duration_seconds_count {count}");
}

/// One figure of the index, the corpus or the watcher: name, help text, value.
type Figure = (&'static str, &'static str, f64);

/// The index, corpus and watcher figures, as they are now.
fn figures(state: &AppState) -> [Figure; 10] {
    let meta = state.meta();
    let errors = meta.errors();
    let size = crate::index::dir_size(&state.settings.index);
    let health = state.health();
    [
        (
            "profint_index_write_failing",
            "1 while a failed index write is being retried, else 0.",
            f64::from(u8::from(health.failing)),
        ),
        (
            "profint_index_write_failures_total",
            "Index writes that failed (each is retried until it lands).",
            health.failures as f64,
        ),
        (
            "profint_index_documents",
            "Resources in the index.",
            state.index().num_resources() as f64,
        ),
        (
            "profint_index_size_bytes",
            "Bytes of the index folder.",
            size as f64,
        ),
        (
            "profint_corpus_files",
            "Content files read.",
            meta.files as f64,
        ),
        (
            "profint_problems",
            "Content problems (errors and warnings).",
            meta.problems.len() as f64,
        ),
        ("profint_problem_errors", "Content errors.", errors as f64),
        (
            "profint_watch_queue",
            "Changed paths waiting to be applied.",
            state.watch.queue.load(Ordering::Relaxed) as f64,
        ),
        (
            "profint_watch_batches_total",
            "Batches of file changes applied.",
            state.watch.batches.load(Ordering::Relaxed) as f64,
        ),
        (
            "profint_watch_events_total",
            "Changed paths received from the watcher.",
            state.watch.events.load(Ordering::Relaxed) as f64,
        ),
    ]
}

/// Each figure with its help and type: a `_total` is a counter, anything else a gauge.
fn write_figures(out: &mut String, figures: &[Figure]) {
    for (name, help, value) in figures {
        let kind = if name.ends_with("_total") {
            "counter"
        } else {
            "gauge"
        };
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
        );
    }
}
