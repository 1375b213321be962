//! Benchmarks run from the command line (`cargo xtask bench …`): measured on a real server over
//! loopback HTTP, reported as medians and percentiles. Not tests: the machines are shared and
//! noisy, so figures are printed, never asserted.

use profint::service::{Service, Settings};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One HTTP client for a benchmark run: keep-alive connections, as a partner's widget or a
/// browser would hold them.
fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// GET `path` on `addr`: the status and the body.
pub fn http_get(
    agent: &ureq::Agent,
    addr: SocketAddr,
    path: &str,
) -> anyhow::Result<(u16, String)> {
    let mut response = agent.get(&format!("http://{addr}{path}")).call()?;
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string()?;
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
) -> anyhow::Result<(Arc<Service>, SocketAddr, profint::watch::WatchGuard)> {
    let settings = Settings {
        corpus: corpus.to_path_buf(),
        index: index.to_path_buf(),
        load: Default::default(),
        rebuild: false,
        model: None,
    };
    let (service, _) = Service::start(settings, |_, _| {})?;
    let service = Arc::new(service);
    let guard = profint::watch::watch(service.clone())?;
    let addr = serve_in_background(service.clone())?;
    Ok((service, addr, guard))
}

/// Serves the HTTP app for `service` on a random loopback port, from a thread of its own.
pub fn serve_in_background(service: Arc<Service>) -> anyhow::Result<SocketAddr> {
    let (tx, rx) = std::sync::mpsc::channel();
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
            profint::http::serve_on(
                listener,
                service,
                Default::default(),
                std::future::pending(),
            )
            .await;
        });
    });
    Ok(rx.recv()?)
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
    let agent = client();
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
            let (status, body) = http_get(&agent, addr, &path)?;
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

/// Resident memory of this process, now and at its peak, in MiB (Linux).
pub fn rss_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn summary(name: &str, mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    format!(
        "{name}: p50 {:.3} ms, p99 {:.3} ms, mean {:.3} ms over {}",
        percentile(&ms, 50.0),
        percentile(&ms, 99.0),
        ms.iter().sum::<f64>() / ms.len().max(1) as f64,
        ms.len()
    )
}

/// Times the semantic scan of hybrid search over `resources` x `versions` generated unit
/// vectors: centring the query and ranking every resource by its best version, per query.
pub fn vector_scan(resources: usize, versions: usize, queries: usize) -> String {
    use profint::lang::Lang;
    use profint::semantic::{ResourceVectors, Vectors};
    const DIM: usize = 384;
    let mut rng = crate::gen::Rng(7);
    let mut unit = || -> Vec<f32> {
        let v: Vec<f32> = (0..DIM)
            .map(|_| (rng.next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5)
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.into_iter().map(|x| x / norm).collect()
    };
    let all = (0..resources)
        .map(|i| ResourceVectors {
            id: format!("r{i}"),
            versions: Lang::ALL
                .iter()
                .take(versions.clamp(1, Lang::COUNT))
                .map(|&l| (l, unit().into()))
                .collect(),
        })
        .collect();
    let vectors = Vectors::new(all, 1);
    let ms: Vec<f64> = (0..queries)
        .map(|_| {
            let q = unit();
            let t = Instant::now();
            let q = vectors.centre(Lang::Sv, &q);
            std::hint::black_box(vectors.ranked(&q));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    summary(&format!("vector_scan {resources}x{versions}"), ms)
}

/// Build, start-up, memory and latency figures of one corpus, printed one per line as
/// `key: value` so that scripts/bench.sh can put them in BENCHMARKS.md.
pub fn search_bench(corpus: &Path, queries: usize, http_requests: usize) -> anyhow::Result<()> {
    use profint::search::{self, SearchRequest};
    let work = tempfile_dir("profint-bench")?;
    let index_dir = work.join("index");
    let settings = Settings {
        corpus: corpus.to_path_buf(),
        index: index_dir.clone(),
        load: Default::default(),
        rebuild: true,
        model: None,
    };
    let started = Instant::now();
    let (service, _) = Service::start(settings.clone(), |_, _| {})?;
    service.close()?;
    let build = started.elapsed().as_secs_f64();
    let resources = service.index().num_resources();
    let files = service.meta().files;
    let (_, peak_build) = rss_mib();
    drop(service);
    println!("resources: {resources}");
    println!("files: {files}");
    println!("build_s: {build:.2}");
    println!("build_resources_per_s: {:.0}", resources as f64 / build);
    println!(
        "index_mib: {:.1}",
        profint::index::dir_size(&index_dir) as f64 / 1048576.0
    );
    println!("peak_rss_build_mib: {peak_build:.0}");

    let started = Instant::now();
    let (service, report) = Service::start(
        Settings {
            rebuild: false,
            ..settings
        },
        |_, _| {},
    )?;
    println!(
        "startup_existing_index_s: {:.3}",
        started.elapsed().as_secs_f64()
    );
    anyhow::ensure!(
        !report.changed(),
        "start-up on an unchanged corpus rewrote the index: {report:?}"
    );
    let service = Arc::new(service);
    let meta = service.meta();
    let qs = crate::gen::queries(42, queries);
    let mut keyword = Vec::new();
    let mut situation = Vec::new();
    // Warm up: the first searches fault the index into memory.
    for (_, lang, text) in qs.iter().take(20) {
        let _ = search::search(
            &service.index(),
            meta.scope(),
            &SearchRequest::new(text, *lang),
        );
    }
    let mut ids = Vec::new();
    for (i, (_, lang, text)) in qs.iter().enumerate() {
        let mut req = SearchRequest::new(&format!("{text} "), *lang);
        req.per_page = 10;
        let t = Instant::now();
        let answer = search::search(&service.index(), meta.scope(), &req)?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if i % 2 == 0 {
            keyword.push(ms)
        } else {
            situation.push(ms)
        }
        if let Some(h) = answer.hits.first() {
            ids.push(h.id.clone());
        }
    }
    let all: Vec<f64> = keyword.iter().chain(&situation).copied().collect();
    println!("search_in_process: {}", summary("all", all));
    println!("search_keywords: {}", summary("keywords", keyword));
    println!("search_situations: {}", summary("situations", situation));
    let mut related_ms = Vec::new();
    let searcher = service.index().searcher();
    for id in ids.iter().take(200) {
        let r = service.index().find(&searcher, id)?.expect("found");
        let t = Instant::now();
        let _ =
            search::related::related(&service.index(), &r, profint::lang::Lang::Fr, &[], 5, None)?;
        related_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("related: {}", summary("related", related_ms));

    // Over HTTP on loopback.
    let addr = serve_in_background(service.clone())?;
    let paths: Vec<String> = qs
        .iter()
        .map(|(_, lang, text)| format!("/api/search?lang={}&q={}", lang.code(), encode(text)))
        .collect();
    let agent = client();
    let mut http_ms = Vec::new();
    for path in paths.iter().cycle().take(http_requests) {
        let t = Instant::now();
        let (status, _) = http_get(&agent, addr, path)?;
        anyhow::ensure!(status == 200, "{path} answered {status}");
        http_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("search_http: {}", summary("http", http_ms));
    println!("http_addr: {addr}");
    let lua = work.join("paths.lua");
    let list: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    std::fs::write(&lua, format!("local paths = {{{}}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n", list.join(",")))?;
    println!("wrk_script: {}", lua.display());
    let (rss, _) = rss_mib();
    println!("rss_serving_mib: {rss:.0}");
    // Keep serving while a load generator runs, when asked (scripts/bench.sh).
    if let Ok(secs) = std::env::var("PROFINT_BENCH_HOLD_SECS") {
        use std::io::Write as _;
        std::io::stdout().flush()?;
        std::thread::sleep(Duration::from_secs(secs.parse().unwrap_or(0)));
        let (rss, peak) = rss_mib();
        println!("rss_after_load_mib: {rss:.0}");
        println!("peak_rss_mib: {peak:.0}");
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// Per-query search time in-process, without the answer cache: what the server spends on a
/// request it has not answered before, HTTP left out. Queries are `lang<TAB>text` lines (as
/// scripts/wrk_paths.py writes them). `bare` times a plain BM25 OR of the query's terms over
/// the language's text with the top 10 and a count: what tantivy itself costs, the limit.
pub fn query_loop(
    corpus: &Path,
    queries: &Path,
    rounds: usize,
    bare: bool,
    model: Option<PathBuf>,
) -> anyhow::Result<()> {
    use profint::search::{self, SearchRequest};
    let service = Service::in_memory_with(corpus, model)?;
    service.semantic.wait_idle(Duration::from_secs(3600));
    let meta = service.meta();
    // Cards are kept as the server keeps them; whole answers are not (`search_with`).
    let answers = profint::search::Answers::default();
    let scope = profint::search::Scope {
        answers: Some(&answers),
        ..meta.scope()
    };
    let list = read_queries(queries)?;
    let index = service.index();
    let mut per_query = vec![Vec::with_capacity(rounds); list.len()];
    for _ in 0..rounds.max(1) + 1 {
        for (i, (lang, text)) in list.iter().enumerate() {
            let t = Instant::now();
            if bare {
                bare_query(&index, &meta.searcher, *lang, text)?;
            } else {
                let req = SearchRequest::new(text, *lang);
                search::search_with(&index, scope, &req, Default::default())?;
            }
            per_query[i].push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    // The first round warms the caches up (and embeds each query once, when a model is
    // given: its times are the uncached ones); each query's median over the others.
    if service.semantic.enabled() {
        let first: Vec<f64> = per_query.iter().map(|ms| ms[0]).collect();
        println!("{}", summary("first_with_query_embedding", first));
    }
    let medians: Vec<f64> = per_query
        .into_iter()
        .map(|mut ms| {
            ms.remove(0);
            ms.sort_by(f64::total_cmp);
            ms[ms.len() / 2]
        })
        .collect();
    let name = if bare { "bare_tantivy" } else { "search" };
    println!("{}", summary(name, medians));
    Ok(())
}

fn read_queries(path: &Path) -> anyhow::Result<Vec<(profint::lang::Lang, String)>> {
    let text = std::fs::read_to_string(path)?;
    text.lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(lang, q)| {
            let lang = profint::lang::Lang::parse(lang)
                .ok_or_else(|| anyhow::anyhow!("unknown language {lang}"))?;
            Ok((lang, q.to_string()))
        })
        .collect()
}

fn bare_query(
    index: &profint::index::SearchIndex,
    searcher: &tantivy::Searcher,
    lang: profint::lang::Lang,
    text: &str,
) -> anyhow::Result<usize> {
    use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
    let field = index.fields.lang(lang).text;
    let clauses: Vec<(Occur, Box<dyn Query>)> = profint::analysis::analyze(lang, text)
        .into_iter()
        .map(|t| {
            let term = tantivy::Term::from_field_text(field, &t.term);
            let q = TermQuery::new(term, tantivy::schema::IndexRecordOption::WithFreqs);
            (Occur::Should, Box::new(q) as Box<dyn Query>)
        })
        .collect();
    let query = BooleanQuery::new(clauses);
    let (top, count) = searcher.search(
        &query,
        &(
            tantivy::collector::TopDocs::with_limit(10).order_by_score(),
            tantivy::collector::Count,
        ),
    )?;
    Ok(top.len() + count)
}
