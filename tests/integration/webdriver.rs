//! A small WebDriver client (JSON over HTTP) for Debian's chromium + chromedriver, enough
//! to drive real pages: navigate, find, type, click, read, run a script, take a screenshot.

use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
pub const ARROW_DOWN: &str = "\u{E015}";
pub const ENTER: &str = "\u{E007}";
pub const TAB: &str = "\u{E004}";
pub const SPACE: &str = " ";

pub struct Browser {
    base: String,
    session: String,
    child: Child,
}

fn which(name: &str) -> Option<String> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| format!("{dir}/{name}"))
        .find(|p| std::path::Path::new(p).is_file())
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session; `None` (with a notice) when they
    /// are not installed, unless PROFINT_REQUIRE_BROWSER=1 makes that a failure.
    pub fn start(width: u32, height: u32, mobile: bool) -> Option<Browser> {
        Self::start_with(width, height, mobile, true)
    }

    /// A browser with JavaScript turned off, to check that pages work without it.
    pub fn without_script(width: u32, height: u32) -> Option<Browser> {
        Self::start_with(width, height, false, false)
    }

    fn start_with(width: u32, height: u32, mobile: bool, script: bool) -> Option<Browser> {
        let (Some(chromium), Some(driver)) = (which("chromium"), which("chromedriver")) else {
            if std::env::var("PROFINT_REQUIRE_BROWSER").as_deref() == Ok("1") {
                panic!("PROFINT_REQUIRE_BROWSER=1 but chromium or chromedriver is missing (apt-get install chromium chromium-driver)");
            }
            eprintln!("NOTICE: browser test skipped: chromium and chromedriver are not installed");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while agent().get(&format!("{base}/status")).call().is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap().keep();
        let mut options = json!({
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                     "--hide-scrollbars", format!("--window-size={width},{height}"),
                     format!("--user-data-dir={}", profile.display())]
        });
        if !script {
            options["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
        }
        if mobile {
            options["mobileEmulation"] =
                json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}});
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options,
                                                            "goog:loggingPrefs": {"browser": "ALL"}}}});
        let mut resp = agent()
            .post(&format!("{base}/session"))
            .send_json(&caps)
            .expect("new session");
        let v: Value = resp.body_mut().read_json().unwrap();
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        Some(Browser {
            base,
            session,
            child,
        })
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut resp = match (method, body) {
            ("GET", _) => agent().get(&url).call(),
            ("DELETE", _) => agent().delete(&url).call(),
            (_, body) => agent().post(&url).send_json(body.unwrap_or(json!({}))),
        }
        .expect("webdriver call");
        let v: Value = resp.body_mut().read_json().unwrap_or(Value::Null);
        v["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.call("GET", "/url", None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// The first element matching `css`, waiting up to 10 s for it.
    pub fn find(&self, css: &str) -> String {
        let started = Instant::now();
        loop {
            let v = self.call(
                "POST",
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            );
            if let Some(id) = v[ELEMENT].as_str() {
                return id.to_string();
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no element matches `{css}` on {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn count(&self, css: &str) -> usize {
        self.call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )
        .as_array()
        .map_or(0, Vec::len)
    }

    pub fn click(&self, el: &str) {
        self.call("POST", &format!("/element/{el}/click"), None);
    }

    pub fn type_text(&self, el: &str, text: &str) {
        self.call(
            "POST",
            &format!("/element/{el}/value"),
            Some(json!({"text": text})),
        );
    }

    /// Presses each key of `keys` in turn, wherever the focus is, as a keyboard user does.
    pub fn press(&self, keys: &str) {
        let mut actions = Vec::new();
        for key in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": key.to_string()}));
            actions.push(json!({"type": "keyUp", "value": key.to_string()}));
        }
        self.call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    pub fn text(&self, el: &str) -> String {
        self.call("GET", &format!("/element/{el}/text"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn attr(&self, el: &str, name: &str) -> Option<String> {
        self.call("GET", &format!("/element/{el}/attribute/{name}"), None)
            .as_str()
            .map(str::to_string)
    }

    pub fn exec(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Runs a script that returns one element, and gives its reference (reaches into
    /// shadow roots, which CSS selectors from the page cannot).
    pub fn exec_element(&self, script: &str) -> String {
        let started = Instant::now();
        loop {
            let v = self.exec(script);
            if let Some(id) = v[ELEMENT].as_str() {
                return id.to_string();
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "script found no element: {script}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Runs a Chrome DevTools command (`Emulation.setEmulatedMedia`…) through chromedriver.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": cmd, "params": params})),
        )
    }

    /// The console's errors since the last call (a failed request, a refused script…).
    pub fn console_errors(&self) -> Vec<String> {
        self.call("POST", "/se/log", Some(json!({"type": "browser"})))
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or("").to_string())
            .collect()
    }

    /// Switches into an iframe element, or back to the top page with `None`.
    pub fn frame(&self, el: Option<&str>) {
        let id = match el {
            Some(el) => json!({ ELEMENT: el }),
            None => Value::Null,
        };
        self.call("POST", "/frame", Some(json!({ "id": id })));
    }

    /// Waits until `check` holds, failing after 10 s with `what`.
    pub fn wait(&self, what: &str, mut check: impl FnMut(&Browser) -> bool) {
        let started = Instant::now();
        while !check(self) {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "timed out waiting until {what} (at {})",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Saves a PNG of the whole page.
    pub fn screenshot(&self, path: &std::path::Path) {
        let data = self.call("GET", "/screenshot", None);
        let bytes = base64_decode(data.as_str().unwrap_or(""));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = agent()
            .delete(&format!("{}/session/{}", self.base, self.session))
            .call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Standard base64 decoding (WebDriver screenshots), without a dependency for one use.
fn base64_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut buf, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}
