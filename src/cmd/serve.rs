//! `profint serve`: index, watch the corpus and serve HTTP until ctrl-c or SIGTERM.

use crate::config::{Config, FileConfig};
use std::sync::Arc;

/// `public_url` is the flag's (or `PROFINT_PUBLIC_URL`'s) value; an invalid one stops the start
/// before the index is touched.
pub fn run(
    file: &FileConfig,
    mut config: Config,
    public_url: Option<String>,
) -> anyhow::Result<i32> {
    config.http.public_url = crate::http::public_url::resolve(public_url, file)?;
    config.http.admin_token = crate::gaps::cli::admin_token(file);
    config.http.gaps = crate::gaps::cli::recorder(file, &config.settings)?;
    let recorder = config.http.gaps.clone();
    // Changes made while the service was stopped are found by the watcher's catch-up.
    let (service, report) = super::open(&config.settings, crate::content::Walk::Later)?;
    tracing::info!(?report, "index up to date");
    let service = Arc::new(service);
    // Setting up the watch walks every folder (most of a second at 100 000 resources): it
    // happens while the index already serves.
    let watcher = service.clone();
    let watching = std::thread::spawn(move || match crate::watch::watch(watcher.clone()) {
        Ok(guard) => Some(guard),
        Err(e) => {
            tracing::error!(error = %e, "cannot watch the content folder: changes need a restart");
            if let Err(e) = watcher.catch_up() {
                tracing::error!(error = %e, "cannot apply the changes made while stopped");
            }
            None
        }
    });
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(crate::http::serve(
        service.clone(),
        &config.addr,
        config.http,
    ))?;
    drop(watching.join());
    recorder.close();
    service.close()?;
    Ok(0)
}
