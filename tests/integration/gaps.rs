//! The gap report over real HTTP: what is recorded (aggregates only), when a search reaches
//! the report (on 3 distinct days), expiry, restarts, the admin token, and `profint gaps`.
//! Days are simulated with a clock the test sets.

use super::support::{fixture, get_with_headers, Response, TestServer};
use profint::gaps::{GapSettings, ManualClock, Recorder};
use profint::http::HttpOptions;
use profint::lang::Lang;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const TOKEN: &str = "s3cret-editors-token";
/// Found nowhere in the fixture corpus; capitals, accents, an elision and stop words, so that
/// its analysed form differs from the text typed.
const NOTHING: &str = "Les Zébrures XYLOPHONIQUES d'Ouagadougou";
const ELSEWHERE: &str = "quetzalcoatl cryptozoologie";

/// A server of the basic fixture that records gaps in `dir` with a clock the test sets.
struct Recording {
    server: TestServer,
    recorder: Recorder,
    clock: Arc<ManualClock>,
    store: PathBuf,
}

fn today() -> u32 {
    profint::gaps::Clock::today(&profint::gaps::SystemClock)
}

fn recording(dir: &Path, day: u32, settings: GapSettings) -> Recording {
    let clock = Arc::new(ManualClock::new(day));
    let store = settings.store_path(dir);
    let recorder = Recorder::open(&store, settings, clock.clone()).unwrap();
    let service = Arc::new(profint::service::Service::in_memory(&fixture("basic/corpus")).unwrap());
    let server = TestServer::serve_with(
        service,
        HttpOptions {
            admin_token: Some(TOKEN.into()),
            gaps: recorder.clone(),
            ..HttpOptions::default()
        },
    );
    Recording {
        server,
        recorder,
        clock,
        store,
    }
}

impl Recording {
    /// An API search (as the widget makes them); its total.
    fn api(&self, q: &str, extra: &[(&str, &str)]) -> u64 {
        let mut params = vec![("q", q), ("lang", "fr")];
        params.extend_from_slice(extra);
        self.server.search(&params)["total"].as_u64().unwrap()
    }

    /// A search from the search page.
    fn page(&self, q: &str) {
        let r = self.server.get_with("/fr/search", &[("q", q)]);
        assert_eq!(r.status, 200);
    }

    fn admin(&self, token: Option<&str>) -> Response {
        let auth = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = auth
            .as_deref()
            .map(|a| vec![("Authorization", a)])
            .unwrap_or_default();
        get_with_headers(
            &format!("{}/admin/gaps?lang=en", self.server.base),
            &headers,
        )
    }

    /// The searches the report page lists, in order.
    fn reported(&self) -> Vec<String> {
        self.recorder.flush();
        let page = self.admin(Some(TOKEN));
        assert_eq!(page.status, 200, "{}", page.text);
        terms_on_page(&page.text)
    }
}

fn terms_on_page(html: &str) -> Vec<String> {
    html.split("<strong class=\"terms\"")
        .skip(1)
        .map(|s| {
            let s = &s[s.find('>').unwrap() + 1..];
            s[..s.find("</strong>").unwrap()].to_string()
        })
        .collect()
}

fn normalised(q: &str) -> String {
    profint::gaps::normalise(Lang::Fr, q).join(" ")
}

#[test]
fn a_search_without_results_on_three_distinct_days_is_reported_and_on_fewer_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let r = recording(dir.path(), 20_000, GapSettings::default());
    assert_eq!(r.api(NOTHING, &[]), 0, "the probe finds nothing");
    for _ in 0..5 {
        r.api(NOTHING, &[]);
        r.api(ELSEWHERE, &[]);
    }
    assert!(r.api("interprète entretien", &[]) > 0);
    assert!(
        r.reported().is_empty(),
        "many searches on one day are not enough"
    );
    r.clock.set(20_001);
    r.page(NOTHING);
    r.api(ELSEWHERE, &[]);
    assert!(r.reported().is_empty(), "two days are not enough");
    r.clock.set(20_002);
    r.page(NOTHING);
    // The same words, typed differently, are the same search.
    r.api("ouagadougou xylophonique zébrure", &[]);
    let reported = r.reported();
    assert_eq!(reported, vec![normalised(NOTHING)]);
    let page = r.admin(Some(TOKEN)).text;
    assert!(
        page.contains("3 days, 9 searches, last on 2024-10-06"),
        "{page}"
    );
    assert!(!page.contains(&normalised(ELSEWHERE)));
    assert!(!page.contains("interpr"), "answered searches are not gaps");
    // A filter is part of the search.
    for day in [20_003, 20_004, 20_005] {
        r.clock.set(day);
        r.api(ELSEWHERE, &[("domain", "emploi")]);
    }
    assert_eq!(r.reported().len(), 2);
}

#[test]
fn nothing_personal_reaches_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let r = recording(dir.path(), 20_000, GapSettings::default());
    let query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("q", NOTHING), ("lang", "fr")])
        .finish();
    let probes = [
        ("User-Agent", "ProfintProbe/7.7 (marker-ua-4242)"),
        ("Cookie", "profint_session=R1.1; tracker=marker-cookie-9191"),
        ("X-Forwarded-For", "203.0.113.77"),
        ("Referer", "https://partner.example/page-marker-5151"),
    ];
    for path in ["/api/search", "/fr/search"] {
        let resp = get_with_headers(&format!("{}{path}?{query}", r.server.base), &probes);
        assert_eq!(resp.status, 200);
    }
    r.recorder.flush();
    let bytes = std::fs::read(&r.store).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    for term in profint::gaps::normalise(Lang::Fr, NOTHING) {
        assert!(
            text.contains(&format!("\"{term}\"")),
            "the aggregate holds `{term}`: {text}"
        );
    }
    for secret in [
        "marker-ua-4242",
        "ProfintProbe",
        "marker-cookie-9191",
        "R1.1",
        "203.0.113.77",
        "127.0.0.1",
        "page-marker-5151",
        NOTHING,
        &query,
        "Zébrures",
        "XYLOPHONIQUES",
        "Ouagadougou",
        "d'Ouagadougou",
    ] {
        assert!(!text.contains(secret), "the store holds `{secret}`: {text}");
    }
}

#[test]
fn counts_expire_after_the_retention() {
    let dir = tempfile::tempdir().unwrap();
    let settings = GapSettings {
        retention_days: 5,
        ..GapSettings::default()
    };
    let r = recording(dir.path(), 20_000, settings);
    for day in [20_000, 20_001, 20_002] {
        r.clock.set(day);
        r.api(NOTHING, &[]);
    }
    assert_eq!(r.reported().len(), 1);
    r.clock.set(20_004);
    assert_eq!(r.reported().len(), 1, "day 20 000 is the fifth day back");
    r.clock.set(20_005);
    assert!(r.reported().is_empty(), "day 20 000 has left the retention");
    r.clock.set(20_007);
    r.api(ELSEWHERE, &[]);
    r.recorder.flush();
    let text = std::fs::read_to_string(&r.store).unwrap();
    assert!(text.contains("quetzalcoatl"), "{text}");
    assert!(
        !text.contains("xylophon"),
        "expired counts are gone from disk: {text}"
    );
}

#[test]
fn counts_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let first = recording(dir.path(), 20_000, GapSettings::default());
    for day in [20_000, 20_001, 20_002] {
        first.clock.set(day);
        first.api(NOTHING, &[]);
    }
    first.recorder.close();
    let second = recording(dir.path(), 20_002, GapSettings::default());
    assert_eq!(second.reported(), vec![normalised(NOTHING)]);
    second.api(NOTHING, &[]);
    // Searches reach the recorder through a queue: wait until it has taken this one.
    second.recorder.flush();
    assert!(second
        .admin(Some(TOKEN))
        .text
        .contains("3 days, 4 searches"));
}

#[test]
fn admin_routes_answer_404_without_a_token_401_with_a_wrong_one_and_200_with_it() {
    let service = Arc::new(profint::service::Service::in_memory(&fixture("basic/corpus")).unwrap());
    let off = TestServer::serve(service);
    let r = get_with_headers(
        &format!("{}/admin/gaps", off.base),
        &[("Authorization", &format!("Bearer {TOKEN}"))],
    );
    assert_eq!(r.status, 404, "no token configured: no admin routes");

    let dir = tempfile::tempdir().unwrap();
    let on = recording(dir.path(), 20_000, GapSettings::default());
    for wrong in [
        None,
        Some(""),
        Some("s3cret"),
        Some("s3cret-editors-token-and-more"),
    ] {
        let r = on.admin(wrong);
        assert_eq!(r.status, 401, "{wrong:?}");
        assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
        assert_eq!(r.header("cache-control"), Some("no-store"));
    }
    let basic = get_with_headers(
        &format!("{}/admin/gaps", on.server.base),
        &[("Authorization", &format!("Basic {TOKEN}"))],
    );
    assert_eq!(basic.status, 401);
    let ok = on.admin(Some(TOKEN));
    assert_eq!(ok.status, 200);
    assert!(ok.content_type.starts_with("text/html"));
    assert_eq!(ok.header("cache-control"), Some("no-store"));
    assert_eq!(ok.header("x-robots-tag"), Some("noindex, nofollow"));
    assert!(ok.text.contains("<h1>Unanswered searches</h1>"));
    let french = get_with_headers(
        &format!("{}/admin/gaps?n=zz&of=xx&domain=%00", on.server.base),
        &[
            ("Authorization", &format!("Bearer {TOKEN}")),
            ("Accept-Language", "fr"),
        ],
    );
    assert_eq!(french.status, 200, "hostile parameters are ignored");
    assert!(french.text.contains("Recherches sans réponse"));
}

#[test]
fn profint_gaps_prints_the_same_top_entries_as_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let start = today() - 3;
    let r = recording(dir.path(), start, GapSettings::default());
    for day in start..=start + 3 {
        r.clock.set(day);
        r.api(NOTHING, &[]);
        r.api(ELSEWHERE, &[("domain", "emploi"), ("type", "tool")]);
        if day > start {
            r.api(ELSEWHERE, &[]);
        }
    }
    let page = r.reported();
    assert_eq!(page.len(), 3, "{page:?}");
    let page_text = r.admin(Some(TOKEN)).text;
    assert!(page_text.contains("Closest resources") || page_text.contains("Nothing comes close"));

    let cwd = tempfile::tempdir().unwrap();
    let corpus = fixture("basic/corpus");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_profint"))
        .current_dir(cwd.path())
        .args(["gaps", "--corpus", corpus.to_str().unwrap()])
        .arg("--index")
        .arg(dir.path())
        .env("RUST_LOG", "warn")
        .env_remove("PROFINT_INDEX")
        .env_remove("PROFINT_CORPUS")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.starts_with("3 unanswered searches made on at least 3 days"),
        "{text}"
    );
    let printed: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let from = l.find('«')? + '«'.len_utf8();
            Some(l[from..l.find('»')?].to_string())
        })
        .collect();
    assert_eq!(printed, page, "{text}");
    assert!(text.contains("fr · domain: emploi"), "{text}");
    assert!(text.contains("[type: tool]"), "{text}");
}

#[test]
fn profint_serve_records_gaps_and_keeps_them_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    super::support::copy_dir(&fixture("basic/corpus"), &dir.path().join("corpus"));
    std::fs::write(dir.path().join("profint.toml"), "[gaps]\nmin_count = 1\n").unwrap();
    let env = [("PROFINT_ADMIN_TOKEN", TOKEN)];
    let admin = |base: &str| {
        get_with_headers(
            &format!("{base}/admin/gaps?lang=en"),
            &[("Authorization", &format!("Bearer {TOKEN}"))],
        )
    };
    let mut first = super::support::ServeProcess::start_with_env(dir.path(), &[], &env);
    assert!(first.find(NOTHING, "fr").is_empty());
    assert_eq!(
        terms_on_page(&admin(&first.base).text),
        vec![normalised(NOTHING)]
    );
    // SIGTERM: the server stops as in production, writing what it counted.
    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &first.child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(first.child.wait().unwrap().success());
    let store = std::fs::read_to_string(dir.path().join("index/gaps.json")).unwrap();
    assert!(store.contains("xylophon"), "{store}");
    let second = super::support::ServeProcess::start_with_env(dir.path(), &[], &env);
    let page = admin(&second.base).text;
    assert_eq!(terms_on_page(&page), vec![normalised(NOTHING)]);
    assert!(page.contains("1 days, 1 searches"), "{page}");
}
