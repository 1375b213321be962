//! Benchmarks run from the command line (`profint bench …`): measured on a real server over
//! loopback HTTP, reported as medians and percentiles. Not tests: the machines are shared and
//! noisy, so figures are printed, never asserted.

use crate::service::{Service, Settings};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A minimal HTTP/1.1 GET, enough to time our own server without a client dependency.
pub fn http_get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_nodelay(true)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Median and p-th percentile of durations, in milliseconds.
pub fn percentile(sorted_ms: &[f64], p: f64) -> f64 {
    if sorted_ms.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted_ms.len() - 1) as f64).round() as usize;
    sorted_ms[rank.min(sorted_ms.len() - 1)]
}

/// Starts the service on `corpus` with an index in `index`, watching, on a random port.
pub fn start_server(
    corpus: &Path,
    index: &Path,
) -> anyhow::Result<(Arc<Service>, SocketAddr, crate::watch::WatchGuard)> {
    let settings = Settings {
        corpus: corpus.to_path_buf(),
        index: index.to_path_buf(),
        load: Default::default(),
        rebuild: false,
    };
    let (service, _) = Service::start(settings, |_, _| {})?;
    let service = Arc::new(service);
    let guard = crate::watch::watch(service.clone())?;
    let (tx, rx) = std::sync::mpsc::channel();
    let state = service.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind loopback");
            tx.send(listener.local_addr().expect("address"))
                .expect("send address");
            axum::serve(listener, crate::http::app(state, Default::default()))
                .await
                .expect("serve");
        });
    });
    let addr = rx.recv()?;
    Ok((service, addr, guard))
}

/// Freshness: time from a file write to the new text being returned by `/api/search`.
pub fn freshness(corpus: &Path, edits: usize) -> anyhow::Result<Vec<f64>> {
    let work = tempfile_dir("profint-freshness")?;
    let copy = work.join("corpus");
    copy_dir(corpus, &copy)?;
    let index = work.join("index");
    let (_service, addr, _guard) = start_server(&copy, &index)?;
    let mut targets: Vec<PathBuf> = walkdir::WalkDir::new(&copy)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.to_string_lossy().ends_with(".fr.md"))
        .collect();
    targets.sort();
    anyhow::ensure!(
        !targets.is_empty(),
        "no French files to edit in {}",
        corpus.display()
    );
    let mut times = Vec::with_capacity(edits);
    for n in 0..edits {
        let target = &targets[(n * 7919) % targets.len()];
        let token = format!("fraicheur{n}x{}", std::process::id());
        let mut text = std::fs::read_to_string(target)?;
        text.push_str(&format!("\nMot témoin : {token}.\n"));
        let path = format!("/api/search?lang=fr&per_page=1&q={}", encode(&token));
        let written = Instant::now();
        std::fs::write(target, &text)?;
        loop {
            let (status, body) = http_get(addr, &path)?;
            if status == 200 && body.contains("\"total\":1") {
                break;
            }
            anyhow::ensure!(
                written.elapsed() < Duration::from_secs(20),
                "edit {n} never became searchable"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        times.push(written.elapsed().as_secs_f64() * 1000.0);
        // Let the watcher settle so that edits do not merge into one batch.
        std::thread::sleep(Duration::from_millis(60));
    }
    let _ = std::fs::remove_dir_all(&work);
    times.sort_by(f64::total_cmp);
    Ok(times)
}

pub fn tempfile_dir(prefix: &str) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "{prefix}-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

pub fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry?;
        let target = to.join(entry.path().strip_prefix(from)?);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
