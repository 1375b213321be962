//! Helpers: start a real server on a loopback port, and talk to it over HTTP.

use profint::service::Service;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A server running on 127.0.0.1 with a random port, for the life of the test process.
pub struct TestServer {
    pub base: String,
    pub service: Arc<Service>,
    _watching: Option<profint::watch::WatchGuard>,
    _index: Option<tempfile::TempDir>,
}

impl TestServer {
    /// Serves `corpus` from an index in memory.
    pub fn start(corpus: &Path) -> TestServer {
        let service = Arc::new(Service::in_memory(corpus).expect("service starts"));
        Self::serve(service)
    }

    pub fn serve(service: Arc<Service>) -> TestServer {
        Self::serve_with(service, profint::http::HttpOptions::default())
    }

    /// Serves with explicit HTTP options (allow-list, limits).
    pub fn serve_with(service: Arc<Service>, options: profint::http::HttpOptions) -> TestServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        Self::serve_on_runtime(service, options, runtime).0
    }

    /// Serves on one async worker and one thread for blocking work, and hands back the
    /// runtime, so that a test can hold that one thread and see what waits for it.
    pub fn serve_confined(
        service: Arc<Service>,
        options: profint::http::HttpOptions,
    ) -> (TestServer, tokio::runtime::Handle) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(1)
            .enable_all()
            .build()
            .unwrap();
        Self::serve_on_runtime(service, options, runtime)
    }

    /// Serves on `runtime`, on a thread of its own, for the life of the test process.
    fn serve_on_runtime(
        service: Arc<Service>,
        options: profint::http::HttpOptions,
        runtime: tokio::runtime::Runtime,
    ) -> (TestServer, tokio::runtime::Handle) {
        let (tx, rx) = std::sync::mpsc::channel();
        let state = service.clone();
        let handle = runtime.handle().clone();
        std::thread::spawn(move || {
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                profint::http::serve_on(listener, state, options, std::future::pending()).await;
            });
        });
        let addr = rx.recv().expect("server started");
        let server = TestServer {
            base: format!("http://{addr}"),
            service,
            _watching: None,
            _index: None,
        };
        (server, handle)
    }

    /// Serves `corpus` as `profint serve` does: index on disk, corpus watched.
    pub fn start_live(corpus: &Path) -> TestServer {
        let index = tempfile::tempdir().unwrap();
        let settings = profint::service::Settings {
            corpus: corpus.to_path_buf(),
            index: index.path().to_path_buf(),
            load: profint::content::LoadOptions::default(),
            rebuild: false,
            model: None,
        };
        let (service, _) = Service::start(settings, |_, _| {}).expect("service starts");
        let service = Arc::new(service);
        let watching = profint::watch::watch(service.clone()).expect("watching starts");
        let mut server = Self::serve(service);
        server._watching = Some(watching);
        server._index = Some(index);
        server
    }

    /// Ids found by a search, in order.
    pub fn find(&self, q: &str, lang: &str) -> Vec<String> {
        ids(&self.search(&[("q", q), ("lang", lang), ("per_page", "100")]))
    }

    pub fn total(&self) -> u64 {
        self.search(&[("q", ""), ("per_page", "1")])["total"]
            .as_u64()
            .unwrap()
    }

    pub fn get(&self, path_and_query: &str) -> Response {
        get(&format!("{}{}", self.base, path_and_query))
    }

    /// GET with query parameters given as pairs (encoded here).
    pub fn get_with(&self, path: &str, params: &[(&str, &str)]) -> Response {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        self.get(&format!("{path}?{query}"))
    }

    pub fn search(&self, params: &[(&str, &str)]) -> Value {
        let r = self.get_with("/api/search", params);
        assert_eq!(
            r.status, 200,
            "search {params:?} answered {}: {}",
            r.status, r.text
        );
        r.json()
    }
}

pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub text: String,
    /// The body as received (still compressed when the server compressed it).
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| {
            panic!("not JSON ({e}): {}", &self.text[..self.text.len().min(300)])
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

pub fn get(url: &str) -> Response {
    get_with_headers(url, &[])
}

pub fn get_with_headers(url: &str, headers: &[(&str, &str)]) -> Response {
    let mut req = agent().get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = req.call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = resp.status().as_u16();
    let headers: Vec<(String, String)> = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(50 * 1024 * 1024)
        .read_to_vec()
        .unwrap_or_default();
    Response {
        status,
        content_type,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

/// Ids of the hits of a search answer, in order.
pub fn ids(answer: &Value) -> Vec<String> {
    answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

/// Copies a fixture folder to a fresh temporary folder, so a test may change it.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Polls `check` every 20 ms until it holds, failing after 10 s with `what`.
pub fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(10) {
        if check() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("timed out waiting until {what}");
}

/// Occupies one thread of `runtime`'s blocking pool until the guard is dropped: with
/// [`TestServer::serve_confined`], every request that needs the pool then waits.
pub fn hold_blocking_pool(runtime: &tokio::runtime::Handle) -> std::sync::mpsc::Sender<()> {
    let (guard, held) = std::sync::mpsc::channel::<()>();
    let (holding, is_held) = std::sync::mpsc::channel();
    runtime.spawn_blocking(move || {
        holding.send(()).unwrap();
        let _ = held.recv();
    });
    is_held.recv().expect("the blocking pool runs the holder");
    guard
}

/// A minimal valid case file.
pub fn case_file(title: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\ntype: case\ndomain: emploi\nsummary: \"{title}\"\n---\n## Situation\n{body}\n")
}

/// The bundled corpus, served once for the tests that read it.
pub fn bundled() -> &'static TestServer {
    static SERVER: std::sync::OnceLock<TestServer> = std::sync::OnceLock::new();
    SERVER.get_or_init(|| TestServer::start(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")))
}

/// A free loopback port (the OS picks it; a race with another process is possible but rare).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `profint serve` as a user starts it: the real binary, in a working folder of its own, so
/// the README's defaults (`corpus`, `index`, relative to it) are what it uses. Killed on drop.
pub struct ServeProcess {
    pub base: String,
    pub child: std::process::Child,
}

impl ServeProcess {
    /// Starts `profint serve --addr 127.0.0.1:PORT` plus `args` in `cwd` and waits until it
    /// answers `/healthz`.
    pub fn start(cwd: &Path, args: &[&str]) -> ServeProcess {
        Self::start_with_env(cwd, args, &[])
    }

    /// [`ServeProcess::start`] with extra environment variables.
    pub fn start_with_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> ServeProcess {
        Self::spawn(cwd, args, env, std::process::Stdio::null())
    }

    /// [`ServeProcess::start`] logging at `info` into the file `log` (overwritten).
    pub fn start_logged(cwd: &Path, args: &[&str], log: &Path) -> ServeProcess {
        let file = std::fs::File::create(log).expect("log file");
        Self::spawn(
            cwd,
            args,
            &[("RUST_LOG", "info"), ("NO_COLOR", "1")],
            file.into(),
        )
    }

    /// Stops the server as an operator does (SIGTERM) and waits for it to exit, so that it
    /// runs its shutdown.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid}");
        let status = self.child.wait().expect("the server exits");
        assert!(status.success(), "profint serve exited with {status}");
    }

    fn spawn(
        cwd: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        stderr: std::process::Stdio,
    ) -> ServeProcess {
        let port = free_port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_profint"))
            .current_dir(cwd)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(args)
            .env("RUST_LOG", "warn")
            .env_remove("PROFINT_CORPUS")
            .env_remove("PROFINT_INDEX")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("profint serve starts");
        let base = format!("http://127.0.0.1:{port}");
        let mut server = ServeProcess { base, child };
        eventually("the server answers /healthz", || {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("profint serve exited: {status}");
            }
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
                && server.get("/healthz").status == 200
        });
        server
    }

    pub fn get(&self, path_and_query: &str) -> Response {
        get(&format!("{}{}", self.base, path_and_query))
    }

    /// Ids found by a search, in order.
    pub fn find(&self, q: &str, lang: &str) -> Vec<String> {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("q", q), ("lang", lang), ("per_page", "100")])
            .finish();
        ids(&self.get(&format!("/api/search?{query}")).json())
    }

    pub fn total(&self) -> u64 {
        self.get("/api/search?q=&per_page=1").json()["total"]
            .as_u64()
            .unwrap()
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes a corpus of `n` generated cases (with the basic fixture's domains) to `dir`, big
/// enough that searching and indexing it take a while; returns the number of files.
pub fn generated_corpus(dir: &Path, n: usize) -> usize {
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    std::fs::copy(
        fixture("basic/corpus/domains.yaml"),
        dir.join("domains.yaml"),
    )
    .unwrap();
    let words = [
        "logement",
        "formation",
        "emploi",
        "interprète",
        "langue",
        "parcours",
        "réfugié",
        "entretien",
        "stage",
        "mentor",
        "diplôme",
        "garde",
    ];
    for i in 0..n {
        let body: Vec<&str> = (0..120)
            .map(|j| words[(i * 7 + j * 3 + j / 5) % words.len()])
            .collect();
        std::fs::write(
            dir.join(format!("cases/gen-{i}.fr.md")),
            case_file(&format!("Situation {i}"), &body.join(" ")),
        )
        .unwrap();
    }
    n
}
