//! The connection loop: accepts TCP connections and serves HTTP/1.1 on them with hyper,
//! with the two bounds `axum::serve` does not offer. A client must send its request header
//! within [`HttpOptions::header_read_timeout`] (a slow or silent client cannot hold a
//! connection, or the process at shutdown, forever), and a graceful shutdown waits for
//! requests in flight at most [`SHUTDOWN_GRACE`] beyond the request timeout.

use super::{app, HttpOptions};
use crate::service::Service;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// How long a shutdown waits beyond the request timeout before it closes what is still open.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Serves until ctrl-c or SIGTERM, letting requests in flight finish.
pub async fn serve(state: Arc<Service>, addr: &str, options: HttpOptions) -> anyhow::Result<()> {
    let listener = TcpListener::bind(addr).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot listen on {addr}: {e}; is another server running there? pass --addr"
        )
    })?;
    let local = listener.local_addr()?;
    tracing::info!("serving on http://{local}");
    if options.public_url.is_none() && local.ip().is_unspecified() {
        tracing::warn!("no public_url is set: links to copy will say http://{local}; set public_url (PROFINT_PUBLIC_URL)");
    }
    serve_on(listener, state, options, shutdown_signal()).await;
    Ok(())
}

/// Serves on `listener` until `shutdown` completes, then stops accepting, lets the requests
/// in flight finish (within the grace) and returns.
pub async fn serve_on(
    listener: TcpListener,
    state: Arc<Service>,
    mut options: HttpOptions,
    shutdown: impl Future<Output = ()>,
) {
    if let (None, Ok(addr)) = (&options.public_url, listener.local_addr()) {
        options.public_url = Some(super::public_url::PublicUrl::from_addr(addr));
    }
    let grace = options.request_timeout + SHUTDOWN_GRACE;
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout);
    let router = app(state, options);
    let connections = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => serve_connection(&http, &connections, &router, stream),
                Err(err) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::warn!(error = %err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = connections.shutdown() => {}
        () = tokio::time::sleep(grace) => {
            tracing::warn!("connections still open after the shutdown grace; closing them");
        }
    }
}

fn serve_connection(
    http: &hyper::server::conn::http1::Builder,
    connections: &GracefulShutdown,
    router: &Router,
    stream: tokio::net::TcpStream,
) {
    let _ = stream.set_nodelay(true);
    let service = TowerToHyperService::new(router.clone());
    let connection = connections.watch(http.serve_connection(TokioIo::new(stream), service));
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            tracing::debug!(error = %err, "connection ended with an error");
        }
    });
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
    tracing::info!("shutting down: finishing requests in flight");
}
