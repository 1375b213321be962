//! The files of `deploy/`, checked as far as this machine allows. No container engine runs
//! here, so the Dockerfile is read and its steps are replayed piecemeal (its sources copied
//! as its COPY lines say, the lock file checked with `--locked`, its HEALTHCHECK run against
//! the binary started with its ENV); `PROFINT_DOCKER_BUILD=1` also runs its `cargo build` in
//! that copy (minutes). The systemd units go through `systemd-analyze verify`, the proxy
//! configurations through `nginx -t` and `caddy validate`, and nginx serves the base-path
//! variant for real. A test whose tool is missing says so and passes, unless
//! `PROFINT_REQUIRE_DEPLOY_TOOLS=1` (then it fails).

use super::support::{copy_dir, free_port, get};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `Some(path)` of a tool on PATH; `None` (after saying so) when the test should be skipped.
fn tool(name: &str, package: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let message = format!("{name} is not installed (apt-get install {package})");
        if std::env::var("PROFINT_REQUIRE_DEPLOY_TOOLS").as_deref() == Ok("1") {
            panic!("{message}");
        }
        eprintln!("SKIPPED: {message}");
    }
    found
}

/// One Dockerfile instruction: keyword (upper case) and its arguments, continuation lines
/// joined.
#[derive(Debug)]
struct Instruction {
    keyword: String,
    args: String,
}

fn parse_dockerfile(text: &str) -> Vec<Vec<Instruction>> {
    let mut stages: Vec<Vec<Instruction>> = Vec::new();
    let mut logical = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && logical.is_empty()) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(part) => logical.push_str(part),
            None => {
                logical.push_str(trimmed);
                let (keyword, args) = logical.split_once(' ').unwrap_or((&logical, ""));
                let keyword = keyword.to_ascii_uppercase();
                if keyword == "FROM" {
                    stages.push(Vec::new());
                }
                stages.last_mut().expect("FROM first").push(Instruction {
                    keyword,
                    args: args.split_whitespace().collect::<Vec<_>>().join(" "),
                });
                logical.clear();
            }
        }
    }
    stages
}

fn all<'a>(stage: &'a [Instruction], keyword: &str) -> Vec<&'a str> {
    stage
        .iter()
        .filter(|i| i.keyword == keyword)
        .map(|i| i.args.as_str())
        .collect()
}

fn one<'a>(stage: &'a [Instruction], keyword: &str) -> &'a str {
    let found = all(stage, keyword);
    assert_eq!(found.len(), 1, "one {keyword} in the stage: {found:?}");
    found[0]
}

/// `ENV A=1 B=2` lines of a stage.
fn env_of(stage: &[Instruction]) -> BTreeMap<String, String> {
    all(stage, "ENV")
        .iter()
        .flat_map(|a| a.split(' '))
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn version(v: &str) -> Vec<u32> {
    v.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// The newest `rust-version` among the packages `Cargo.lock` builds on Linux, checking with
/// `--locked` that the lock file in `dir` matches its manifest.
fn newest_rust_version(dir: &Path) -> Vec<u32> {
    let out = Command::new(env!("CARGO"))
        .current_dir(dir)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", "x86_64-unknown-linux-gnu"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo metadata --locked: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["rust_version"].as_str())
        .map(version)
        .max()
        .unwrap()
}

/// Copies what the builder stage's COPY lines name (relative to the build context, the
/// repository root) into `to`, as `docker build` would.
fn replay_copies(builder: &[Instruction], to: &Path) {
    for args in all(builder, "COPY") {
        let parts: Vec<&str> = args.split(' ').filter(|p| !p.starts_with("--")).collect();
        let (sources, _dest) = parts.split_at(parts.len() - 1);
        for source in sources {
            let from = repo().join(source);
            if from.is_dir() {
                copy_dir(&from, &to.join(source));
            } else {
                std::fs::copy(&from, to.join(source)).unwrap();
            }
        }
    }
}

/// Every `include_str!` path under `src/` of `dir` exists there: the build context holds
/// what the build reads.
fn includes_resolve(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir.join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (at, _) in text.match_indices("include_str!(\"") {
            let rest = &text[at + 14..];
            let rel = &rest[..rest.find('"').unwrap()];
            let target = entry.path().parent().unwrap().join(rel);
            assert!(
                target.exists(),
                "{} includes {rel}, missing from the build context",
                entry.path().display()
            );
        }
    }
}

#[test]
fn the_dockerfile_builds_from_the_context_it_copies_and_its_final_stage_is_consistent() {
    let stages = parse_dockerfile(&read("deploy/Dockerfile"));
    assert_eq!(stages.len(), 2, "a builder stage and a final stage");
    let (builder, last) = (&stages[0], &stages[1]);
    let from = one(builder, "FROM");
    let image = from
        .strip_suffix(" AS builder")
        .expect("the first stage is `builder`");
    let tag = image.strip_prefix("rust:").expect("a rust image");
    let (rust, debian) = tag.split_once('-').unwrap();
    assert_eq!(
        one(last, "FROM"),
        format!("debian:{debian}-slim"),
        "same Debian (glibc) in both stages"
    );
    assert_eq!(
        one(builder, "RUN"),
        "cargo build --release --locked -p profint"
    );

    let context = tempfile::tempdir().unwrap();
    replay_copies(builder, context.path());
    includes_resolve(context.path());
    let needed = newest_rust_version(context.path());
    assert!(
        version(rust) >= needed,
        "rust:{rust} is older than a dependency's rust-version {needed:?}"
    );
    if std::env::var("PROFINT_DOCKER_BUILD").as_deref() == Ok("1") {
        let status = Command::new(env!("CARGO"))
            .current_dir(context.path())
            .args(["build", "--release", "--locked", "-p", "profint"])
            .status()
            .unwrap();
        assert!(status.success());
        assert!(context.path().join("target/release/profint").is_file());
    } else {
        eprintln!("the Dockerfile's cargo build itself runs with PROFINT_DOCKER_BUILD=1");
    }

    let workdir = one(builder, "WORKDIR");
    let copy = all(last, "COPY")
        .into_iter()
        .find(|c| c.starts_with("--from=builder"))
        .unwrap();
    assert_eq!(
        copy,
        format!("--from=builder {workdir}/target/release/profint /usr/local/bin/profint")
    );
    assert_eq!(
        one(last, "ENTRYPOINT"),
        "[\"profint\"]",
        "found on the default PATH (/usr/local/bin)"
    );
    assert_eq!(one(last, "CMD"), "[\"serve\"]");

    let user = one(last, "USER");
    assert_ne!(user, "root");
    let setup = one(last, "RUN");
    assert!(
        setup.contains("useradd --system --uid 10001 --user-group")
            && setup.ends_with(&format!("chown -R {user}:{user} /srv/profint")),
        "{setup}"
    );
    let env = env_of(last);
    assert_eq!(env["PROFINT_ADDR"], "0.0.0.0:8080");
    assert_eq!(one(last, "EXPOSE"), "8080");
    let volumes: Vec<String> = serde_json::from_str(one(last, "VOLUME")).unwrap();
    assert_eq!(
        volumes,
        vec![env["PROFINT_CORPUS"].clone(), env["PROFINT_INDEX"].clone()]
    );
    for v in &volumes {
        assert!(
            v.starts_with(one(last, "WORKDIR")) && setup.contains(v),
            "{v} is created for the user"
        );
    }
    let ignore = read(".dockerignore");
    assert!(ignore.lines().any(|l| l == "target/") && ignore.lines().any(|l| l == "index/*"));
}

#[test]
fn the_dockerfile_healthcheck_asks_healthz_of_the_binary_started_with_its_env() {
    let Some(_) = tool("bash", "bash") else {
        return;
    };
    let stages = parse_dockerfile(&read("deploy/Dockerfile"));
    let last = &stages[1];
    let check = one(last, "HEALTHCHECK");
    let exec = &check[check.find("CMD [").expect("exec form") + 4..];
    let argv: Vec<String> = serde_json::from_str(exec).unwrap();
    // The image's ENV, with its folders moved under a temporary root and its port free.
    let root = tempfile::tempdir().unwrap();
    copy_dir(
        &repo().join("tests/fixtures/basic/corpus"),
        &root.path().join("corpus"),
    );
    let port = free_port();
    let mut env: Vec<(String, String)> = Vec::new();
    for (k, v) in env_of(last) {
        let v = v
            .replace("/srv/profint", root.path().to_str().unwrap())
            .replace("8080", &port.to_string());
        env.push((k, v));
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_profint"))
        .current_dir(root.path())
        .args(
            one(last, "CMD")
                .trim_matches(['[', ']', '"'])
                .split("\",\""),
        )
        .env_remove("PROFINT_PUBLIC_URL")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let run_check = |port: u16| {
        Command::new(&argv[0])
            .args(
                argv[1..]
                    .iter()
                    .map(|a| a.replace("8080", &port.to_string())),
            )
            .status()
            .unwrap()
            .success()
    };
    super::support::eventually("the healthcheck passes", || run_check(port));
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        root.path().join("index/meta.json").exists(),
        "the index went to PROFINT_INDEX"
    );
    assert!(
        !run_check(free_port()),
        "the healthcheck fails when nothing answers"
    );
}

/// A copy of the units whose commands point at binaries of this machine (verify checks them).
fn units_here(dir: &Path) -> Vec<PathBuf> {
    let git = tool("git", "git").unwrap_or_else(|| PathBuf::from("/usr/bin/git"));
    [
        "profint.service",
        "profint-content.service",
        "profint-content.timer",
    ]
    .iter()
    .map(|name| {
        let text = read(&format!("deploy/{name}"))
            .replace("/usr/local/bin/profint", env!("CARGO_BIN_EXE_profint"))
            .replace("/usr/bin/git", git.to_str().unwrap());
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    })
    .collect()
}

#[test]
fn the_systemd_units_pass_systemd_analyze_verify_and_are_hardened() {
    let unit = read("deploy/profint.service");
    for line in [
        "User=profint",
        "WorkingDirectory=/var/lib/profint",
        "ExecStart=/usr/local/bin/profint serve",
        "Restart=on-failure",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
    ] {
        assert!(
            unit.lines().any(|l| l == line),
            "profint.service lacks {line}"
        );
    }
    let public = unit
        .lines()
        .find_map(|l| l.strip_prefix("Environment=PROFINT_PUBLIC_URL="))
        .unwrap();
    profint::http::public_url::PublicUrl::parse(public).unwrap();
    let Some(analyze) = tool("systemd-analyze", "systemd") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let units = units_here(dir.path());
    let out = Command::new(&analyze)
        .arg("verify")
        .args(&units)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && said.trim().is_empty(),
        "systemd-analyze verify: {said}"
    );
    let out = Command::new(&analyze)
        .args(["security", "--offline=yes", "--no-pager"])
        .arg(&units[0])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    let level = report
        .lines()
        .find_map(|l| {
            l.split("Overall exposure level for profint.service: ")
                .nth(1)
        })
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<f32>().ok())
        .unwrap_or_else(|| panic!("no exposure level in: {report}"));
    assert!(level <= 2.5, "exposure {level}: {report}");
}

/// A certificate for `nginx -t`, which loads the files the configuration names.
fn self_signed(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let openssl = tool("openssl", "openssl")?;
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let ok = Command::new(openssl)
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "openssl req");
    Some((cert, key))
}

/// An nginx main configuration around one of `deploy/`'s site files, in `dir`.
fn nginx_main(dir: &Path, site: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    // Workers run as another user; they write buffered bodies under `dir`.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::create_dir_all(dir.join("logs")).unwrap();
    std::fs::write(dir.join("site.conf"), site).unwrap();
    let main = dir.join("nginx.conf");
    let d = dir.display();
    std::fs::write(
        &main,
        format!("master_process off;\npid {d}/nginx.pid;\nerror_log {d}/logs/error.log;\nevents {{}}\nhttp {{\n  access_log off;\n  client_body_temp_path {d};\n  proxy_temp_path {d};\n  include {d}/site.conf;\n}}\n"),
    )
    .unwrap();
    main
}

fn with_certificates(site: &str, cert: &Path, key: &Path) -> String {
    site.lines()
        .map(|l| {
            if l.trim_start().starts_with("ssl_certificate_key ") {
                format!("    ssl_certificate_key {};", key.display())
            } else if l.trim_start().starts_with("ssl_certificate ") {
                format!("    ssl_certificate {};", cert.display())
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_nginx_configurations_pass_nginx_t() {
    let Some(nginx) = tool("nginx", "nginx") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let Some((cert, key)) = self_signed(dir.path()) else {
        return;
    };
    for file in ["deploy/nginx.conf", "deploy/nginx-base-path.conf"] {
        let main = nginx_main(dir.path(), &with_certificates(&read(file), &cert, &key));
        let out = Command::new(&nginx)
            .arg("-t")
            .arg("-c")
            .arg(&main)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "nginx -t {file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// nginx, killed on drop (one process: `master_process off` leaves no orphaned worker).
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn nginx_with_the_base_path_configuration_serves_every_link_of_the_service() {
    let Some(nginx) = tool("nginx", "nginx") else {
        return;
    };
    // The base-path site as written, on a plain-HTTP loopback port (the test client has no
    // TLS) and pointing at this test's service.
    let port = free_port();
    let proxy = format!("http://127.0.0.1:{port}");
    let public = format!("{proxy}/ressources");
    let server = super::public_url::server_at(Some(&format!("{public}/")));
    let upstream = server.base.trim_start_matches("http://").to_string();
    let site: String = read("deploy/nginx-base-path.conf")
        .lines()
        .filter(|l| !l.trim_start().starts_with("ssl_") && !l.contains("listen [::]"))
        .map(|l| {
            l.replace(
                "listen 443 ssl http2;",
                &format!("listen 127.0.0.1:{port};"),
            )
            .replace("127.0.0.1:8080", &upstream)
            .replace("server_name partner.org;", "server_name _;")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let dir = tempfile::tempdir().unwrap();
    let main = nginx_main(dir.path(), &site);
    let _nginx = Running(
        Command::new(&nginx)
            .arg("-c")
            .arg(&main)
            .args(["-g", "daemon off;"])
            .spawn()
            .unwrap(),
    );
    super::support::eventually("nginx answers", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let checked = super::public_url::follow_every_link(&proxy, &public);
    assert!(checked > 40, "only {checked} links followed");
    let css = super::support::get(&format!(
        "{proxy}/ressources{}",
        profint::render::assets::urls().css
    ));
    assert_eq!(
        css.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let page = get(&format!("{public}/fr/"));
    assert_eq!(
        page.header("cache-control"),
        Some("no-cache"),
        "pages are revalidated"
    );
}

#[test]
fn the_caddyfile_is_valid() {
    let Some(caddy) = tool("caddy", "caddy") else {
        return;
    };
    let out = Command::new(caddy)
        .args(["validate", "--adapter", "caddyfile", "--config"])
        .arg(repo().join("deploy/Caddyfile"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "caddy validate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
