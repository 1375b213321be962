//! `profint serve`: index, watch the corpus and serve HTTP until ctrl-c or SIGTERM.

use crate::config::Config;
use std::sync::Arc;

pub fn run(config: Config) -> anyhow::Result<i32> {
    let (service, report) = super::open(&config.settings)?;
    tracing::info!(?report, "index up to date");
    let service = Arc::new(service);
    let _watching = crate::watch::watch(service.clone())?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(crate::http::serve(
        service.clone(),
        &config.addr,
        config.http,
    ))?;
    service.close()?;
    Ok(0)
}
