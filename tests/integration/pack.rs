//! Facilitator session packs, the session basket, learning pathways, the offline file and
//! the PDF print of a pack.

use super::support::{bundled, get_with_headers};
use std::process::Command;

const M1: &str = "/fr/modules/m1-accueillir-et-diagnostiquer/pack";

fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("PROFINT_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("PROFINT_REQUIRE_BROWSER=1 but {tool} is missing");
        }
        eprintln!("NOTICE: pack print test skipped: {tool} is not installed");
    }
    found
}

#[test]
fn a_module_pack_holds_everything_to_run_the_session() {
    let r = bundled().get(M1);
    assert_eq!(r.status, 200);
    let html = r.text;
    for needle in [
        "Dossier de séance : Accueillir et construire un diagnostic partagé",
        "Sommaire",
        "Déroulé de la journée", // agenda with timings, from the module
        "09:00",
        "Notes pour l", // facilitator notes
        "Les recommandations du modèle",
        "Accueillir rapidement", // R1.1 in full
        "Cas pédagogiques et questions pour la discussion",
        "Questions pour la discussion", // each case's questions
        "Outils à imprimer",
        "Grille de diagnostic partagé",
    ] {
        assert!(html.contains(needle), "pack lacks {needle}");
    }
    // The pack is one landmark a screen reader can jump to.
    assert_eq!(html.matches("<main id=\"main\">").count(), 1, "a <main>");
    // Every part is in the contents and has its anchor.
    let parts = html.matches("<article class=\"part\" id=\"").count();
    assert!(parts >= 8, "{parts} parts");
    for id in html
        .split("<article class=\"part\" id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
    {
        assert!(
            html.contains(&format!("href=\"#{id}\"")),
            "contents lack {id}"
        );
    }
    // In Swedish, parts without a Swedish version say so.
    let sv = bundled()
        .get("/sv/modules/m4-travailler-avec-les-employeurs/pack")
        .text;
    assert!(sv.contains("class=\"fallback\""), "fallback notices");
    assert_eq!(bundled().get("/fr/modules/nope/pack").status, 404);
    assert_eq!(
        bundled()
            .get("/fr/modules/..%2Fcases%2Frupture-de-formation/pack")
            .status,
        404,
        "only modules have packs"
    );
}

#[test]
fn the_offline_file_is_self_contained() {
    let r = bundled().get(&format!("{M1}?download=1"));
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment; filename=\"profint-m1-"));
    let html = &r.text;
    assert!(
        html.contains("<style>") && html.contains("@page"),
        "styles inlined"
    );
    for tag in ["<script", "<link", "<img", "<iframe", "url("] {
        assert!(!html.contains(tag), "offline file contains {tag}");
    }
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no external requests"
    );
}

/// The `name=value` part of a response's Set-Cookie.
fn cookie_of(r: &super::support::Response) -> String {
    r.header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn a_basket_works_without_javascript_and_is_shareable() {
    let s = bundled();
    let add = get_with_headers(&format!("{}/fr/basket/add?id=R1.1", s.base), &[]);
    assert_eq!(add.status, 303);
    assert_eq!(
        add.header("location"),
        Some("/fr/basket"),
        "no way back: the basket"
    );
    let cookie = cookie_of(&add);
    let add = get_with_headers(
        &format!("{}/fr/basket/add?id=cases%2Frupture-de-formation", s.base),
        &[("Cookie", &cookie)],
    );
    let cookie = cookie_of(&add);
    // The basket from the cookie, with reorder and remove links.
    let page = get_with_headers(&format!("{}/fr/basket", s.base), &[("Cookie", &cookie)]).text;
    assert!(page.contains("Accueillir rapidement") && page.contains("abandonne sa formation"));
    assert!(
        page.contains(
            "href=\"/fr/basket?id=cases%2Frupture-de-formation&amp;id=R1.1&amp;use=replace\""
        ),
        "move down link"
    );
    assert!(
        page.contains("href=\"/fr/pack?id=R1.1&amp;id=cases%2Frupture-de-formation\""),
        "produce the pack"
    );
    // A shared link works in another browser (no cookie) and keeps the order.
    let pack = s
        .get("/fr/pack?id=cases%2Frupture-de-formation&id=R1.1")
        .text;
    let case = pack.find("abandonne sa formation au bout").unwrap();
    let rec = pack.find("<h2 lang=\"fr\">Accueillir rapidement").unwrap();
    assert!(case < rec, "pack follows the basket order");
    assert_eq!(
        s.get("/fr/pack").status,
        303,
        "an empty pack goes to the basket"
    );
}

#[test]
fn adding_without_javascript_returns_to_the_same_place_of_the_same_page() {
    let s = bundled();
    let html = s.get("/fr/search?q=interpr%C3%A8te&type=tool").text;
    let href = html
        .split("href=\"/fr/basket/add?")
        .nth(1)
        .expect("an add link")
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let add = s.get(&format!("/fr/basket/add?{href}"));
    assert_eq!(add.status, 303);
    let to = add.header("location").unwrap();
    assert!(
        to.starts_with("/fr/search?q=interpr%C3%A8te&type=tool#hit-"),
        "back to the results, at the card: {to}"
    );
    let anchor = to.split('#').nth(1).unwrap();
    assert!(
        html.contains(&format!("id=\"{anchor}\"")),
        "the card has that anchor"
    );
    // Back on the page, the card says it is in the session and the header counts it.
    let cookie = cookie_of(&add);
    let again = get_with_headers(
        &format!("{}{}", s.base, to.split('#').next().unwrap()),
        &[("Cookie", &cookie)],
    )
    .text;
    assert!(again.contains("Ma séance (1)"), "the header's count");
    assert!(again.contains("✓ Dans ma séance"), "the card's state");
    // Only paths of this service: never another site.
    for back in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "/\r\nSet-Cookie:x",
        "/ x",
        "javascript:alert(1)",
        "evil",
    ] {
        let r = s.get_with("/fr/basket/add", &[("id", "R1.1"), ("back", back)]);
        assert_eq!(r.header("location"), Some("/fr/basket"), "back={back}");
    }
}

#[test]
fn the_page_script_adds_in_place_and_gets_what_to_show_and_say() {
    let s = bundled();
    let r = get_with_headers(
        &format!("{}/sv/basket/add?id=R1.1&back=%2Fsv%2F", s.base),
        &[("Accept", "application/json")],
    );
    assert_eq!(r.status, 200);
    assert!(r.header("set-cookie").unwrap().contains("R1%2E1"));
    let v = r.json();
    assert_eq!(v["count"], 1);
    assert_eq!(v["link"], "Min session (1)");
    assert_eq!(v["added"], "I min session");
    assert!(v["said"].as_str().unwrap().contains("(1 resurser)"), "{v}");
}

#[test]
fn a_colleagues_link_asks_before_it_replaces_ones_own_session() {
    let s = bundled();
    let mine = "profint_session=R1.1";
    let link = "/fr/basket?id=cases%2Frupture-de-formation&id=R2.1";
    let r = get_with_headers(&format!("{}{link}", s.base), &[("Cookie", mine)]);
    assert_eq!(r.status, 200);
    assert!(
        r.header("set-cookie").is_none(),
        "one's own session is kept as it is"
    );
    assert!(
        r.text.contains("Une séance partagée avec vous"),
        "the page asks"
    );
    assert!(
        r.text.contains("abandonne sa formation"),
        "the shared resources"
    );
    let merge = "/fr/basket?id=cases%2Frupture-de-formation&amp;id=R2.1&amp;use=merge";
    let replace = "/fr/basket?id=cases%2Frupture-de-formation&amp;id=R2.1&amp;use=replace";
    assert!(
        r.text.contains(merge) && r.text.contains(replace),
        "both choices"
    );
    assert!(
        r.text.contains("Ma séance (1)"),
        "the header counts one's own session"
    );
    // Merging keeps one's own first.
    let merged = get_with_headers(
        &format!("{}{}", s.base, merge.replace("&amp;", "&")),
        &[("Cookie", mine)],
    );
    assert_eq!(merged.status, 303);
    assert_eq!(
        merged.header("location"),
        Some("/fr/basket?id=R1.1&id=cases%2Frupture-de-formation&id=R2.1")
    );
    assert_eq!(
        cookie_of(&merged),
        "profint_session=R1%2E1,cases%2Frupture%2Dde%2Dformation,R2%2E1"
    );
    // Replacing takes the link's list.
    let replaced = get_with_headers(
        &format!("{}{}", s.base, replace.replace("&amp;", "&")),
        &[("Cookie", mine)],
    );
    assert_eq!(
        replaced.header("location"),
        Some("/fr/basket?id=cases%2Frupture-de-formation&id=R2.1")
    );
    // Without a session of one's own, or with the same one, the link is simply one's session.
    for cookie in [
        "",
        "profint_session=cases%2Frupture%2Dde%2Dformation,R2%2E1",
    ] {
        let r = get_with_headers(&format!("{}{link}", s.base), &[("Cookie", cookie)]);
        assert!(r.text.contains("<h1>Ma séance</h1>"), "cookie {cookie:?}");
        assert!(r.header("set-cookie").is_some());
    }
}

#[test]
fn remove_and_move_links_name_the_resource_they_act_on() {
    let page = bundled()
        .get("/en/basket?id=R1.1&id=cases%2Frupture-de-formation")
        .text;
    let basket = page.split("<ol class=\"basket\">").nth(1).unwrap();
    assert!(
        basket.contains("<span class=\"visually-hidden\">Remove: A young refugee drops out"),
        "remove names its resource: {basket}"
    );
    assert!(basket.contains("<span class=\"visually-hidden\">Move down: Receive people quickly"));
    assert!(basket.contains("<span class=\"visually-hidden\">Move up: A young refugee"));
}

#[test]
fn a_situation_search_shows_a_pathway_from_case_to_tools_to_module() {
    let s = bundled();
    for (lang, q) in [
        (
            "fr",
            "un jeune réfugié ne vient plus à sa formation depuis deux semaines",
        ),
        (
            "en",
            "a young refugee stopped coming to his training course after two weeks",
        ),
        (
            "it",
            "un giovane rifugiato abbandona la formazione dopo due settimane",
        ),
        (
            "sv",
            "en ung flykting slutar komma till utbildningen efter två veckor",
        ),
    ] {
        let html = s.get_with(&format!("/{lang}/search"), &[("q", q)]).text;
        let pathway = html
            .split("class=\"pathway\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{lang}: no pathway"));
        let pathway = pathway.split("</section>").next().unwrap();
        assert!(
            pathway.contains("/r/cases/rupture-de-formation"),
            "{lang}: starts from the case"
        );
        assert!(pathway.contains("/r/tools/"), "{lang}: a tool");
        assert!(
            pathway.contains("/r/modules/"),
            "{lang}: a module to go further"
        );
        assert!(
            pathway.matches("<small>").count() >= 3,
            "{lang}: each step has its reason"
        );
        // From the module to its printed pack: a few clicks.
        let module = pathway
            .split(&format!("href=\"/{lang}/r/modules/"))
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let page = s.get(&format!("/{lang}/r/modules/{module}")).text;
        let pack = format!("/{lang}/modules/{module}/pack");
        assert!(
            page.contains(&format!("href=\"{pack}\"")),
            "{lang}: the module page links to its pack"
        );
        assert_eq!(s.get(&pack).status, 200);
    }
    let keyword = s.get_with("/fr/search", &[("q", "interprète")]).text;
    assert!(
        !keyword.contains("class=\"pathway\""),
        "no pathway for a keyword"
    );
    let weak = s
        .get_with(
            "/fr/search",
            &[("q", "le chat de la voisine est sur le toit")],
        )
        .text;
    assert!(
        !weak.contains("class=\"pathway\""),
        "no pathway when the evidence is weak"
    );
}

/// A page printed to PDF by headless Chromium, as a facilitator's "Print" does: its page
/// count, its page size line of `pdfinfo`, and the text of each page (`pdftotext -layout`).
struct Printed {
    pages: usize,
    info: String,
    texts: Vec<String>,
}

fn print_to_pdf(url: &str, keep_as: &str) -> Printed {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("pack.pdf");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(url)
        .output()
        .unwrap();
    assert!(
        pdf.exists(),
        "no PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info =
        String::from_utf8(Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout).unwrap();
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let text = String::from_utf8(
        Command::new("pdftotext")
            .args(["-layout"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let texts = text.split('\u{c}').map(str::to_string).collect();
    std::fs::copy(&pdf, super::browser::shots().join(keep_as)).ok();
    Printed { pages, info, texts }
}

/// The titles of a pack's parts, from its HTML.
fn part_titles(html: &str) -> Vec<String> {
    html.split("<article class=\"part\"")
        .skip(1)
        .map(|part| {
            part.split("<h2")
                .nth(1)
                .unwrap()
                .split('>')
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn a_pack_prints_to_a4_pdf_with_every_part() {
    if !have("chromium") || !have("pdftotext") || !have("pdfinfo") {
        return;
    }
    let s = bundled();
    let titles = part_titles(&s.get(M1).text);
    let printed = print_to_pdf(&format!("{}{M1}", s.base), "pack-m1.pdf");
    assert!(printed.info.contains("(A4)"), "A4 pages: {}", printed.info);
    // Cover, contents, then each part on its own page(s).
    assert!(
        printed.pages >= titles.len() + 2,
        "{} pages for {} parts",
        printed.pages,
        titles.len()
    );
    let flat = printed
        .texts
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for title in &titles {
        let head: String = title
            .replace("&#39;", "'")
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(flat.contains(&head), "the PDF lacks the part «{title}»");
    }
}

/// The last non-empty line of a printed page: its footer.
fn footer(page: &str) -> String {
    page.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_printed_pack_numbers_its_pages_and_its_parts_as_the_contents_do() {
    if !have("chromium") || !have("pdftotext") || !have("pdfinfo") {
        return;
    }
    let s = bundled();
    let html = s
        .get("/en/modules/m1-accueillir-et-diagnostiquer/pack")
        .text;
    let titles = part_titles(&html);
    let printed = print_to_pdf(
        &format!("{}/en/modules/m1-accueillir-et-diagnostiquer/pack", s.base),
        "pack-m1-en.pdf",
    );
    let total = printed.pages;
    // Every page but the cover ends with "page n / total".
    for (i, page) in printed.texts.iter().take(total).enumerate().skip(1) {
        let end = format!("{} / {total}", i + 1);
        assert!(
            footer(page).ends_with(&end),
            "page {} lacks its number: «{}»",
            i + 1,
            footer(page)
        );
    }
    // No page ends on a heading: it goes with the text it introduces.
    let headings: Vec<String> = html
        .split("<h3")
        .chain(html.split("<h2"))
        .skip(1)
        .filter_map(|h| h.split('>').nth(1)?.split('<').next())
        .map(|h| h.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|h| h.len() > 3)
        .collect();
    for (i, page) in printed.texts.iter().enumerate().skip(1) {
        let lines: Vec<String> = page
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect();
        if let Some(last) = lines.len().checked_sub(2).map(|k| &lines[k]) {
            assert!(
                !headings.contains(last),
                "page {} ends on the heading «{last}»",
                i + 1
            );
        }
    }
    // Each part's pages say which part they belong to, numbered as in the contents.
    let contents = &printed.texts[1];
    for (n, title) in titles.iter().enumerate() {
        let head: String = title
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        let label = format!("{} · {head}", n + 1);
        assert!(
            printed
                .texts
                .iter()
                .skip(2)
                .any(|p| footer(p).starts_with(&label)),
            "no page's footer starts with «{label}»"
        );
        assert!(
            contents
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .contains(&format!("{} {head}", n + 1)),
            "the contents do not number «{title}» {}",
            n + 1
        );
    }
}

#[test]
fn in_print_no_line_or_heading_is_left_alone_at_a_page_break() {
    let Some(b) = super::webdriver::Browser::start(1000, 800, false) else {
        return;
    };
    b.goto(&format!("{}{M1}", bundled().base));
    b.find("article.part .body p");
    b.cdp(
        "Emulation.setEmulatedMedia",
        serde_json::json!({"media": "print"}),
    );
    let style = b.exec(
        "const s = (css) => getComputedStyle(document.querySelector(css)); \
         return { orphans: +s('article.part .body p').orphans, widows: +s('article.part .body p').widows, \
                  li: +s('article.part .body li').orphans, h2: s('article.part .body h2').breakAfter, \
                  kicker: s('article.part .kicker').breakAfter, item: s('article.part .body li').breakInside }",
    );
    assert!(
        style["orphans"].as_u64() >= Some(3) && style["widows"].as_u64() >= Some(3),
        "paragraphs may leave lines alone: {style}"
    );
    assert!(style["li"].as_u64() >= Some(3), "list items: {style}");
    assert_eq!(style["h2"], "avoid", "headings stay with what follows");
    assert_eq!(
        style["kicker"], "avoid",
        "a part's type stays with its title"
    );
    assert_eq!(style["item"], "avoid", "list items are kept whole");
}

#[test]
fn the_offline_file_opens_from_disk_in_a_browser() {
    let Some(b) = super::webdriver::Browser::start(1000, 800, false) else {
        return;
    };
    let r = bundled().get(&format!("{M1}?download=1"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pack.html");
    std::fs::write(&file, &r.bytes).unwrap();
    b.goto(&format!("file://{}", file.display()));
    let h1 = b.text(&b.find("section.cover h1"));
    assert!(h1.starts_with("Dossier de séance"), "{h1}");
    let styled = b.exec("return getComputedStyle(document.querySelector('.cover')).display");
    assert_eq!(styled, "flex", "the inlined stylesheet applies");
    b.screenshot(&super::browser::shots().join("pack-offline.png"));
}

#[test]
fn a_pack_is_dated_as_each_language_writes_dates() {
    let months = [
        ("fr", "décembre", "Préparé le "),
        ("en", "December", "Prepared on "),
        ("it", "dicembre", "Preparato il "),
        ("sv", "december", "Förberett "),
    ];
    for (lang, december, prepared) in months {
        let html = bundled()
            .get(&format!(
                "/{lang}/modules/m1-accueillir-et-diagnostiquer/pack"
            ))
            .text;
        let line = html
            .split(prepared)
            .nth(1)
            .unwrap_or_else(|| panic!("{lang}: no date line"))
            .split("</p>")
            .next()
            .unwrap();
        let iso = line
            .split("datetime=\"")
            .nth(1)
            .expect("a <time>")
            .split('"')
            .next()
            .unwrap();
        assert!(
            iso.len() == 10 && iso.as_bytes()[4] == b'-',
            "{lang}: {line}"
        );
        let shown = line.split('>').nth(1).unwrap().split('<').next().unwrap();
        assert!(!shown.contains(iso), "{lang}: the date is raw ISO: {shown}");
        let (y, m) = (&iso[..4], &iso[5..7]);
        assert!(shown.ends_with(y), "{lang}: {shown}");
        if m == "12" {
            assert!(shown.contains(december), "{lang}: {shown}");
        }
        assert!(
            shown.chars().next().unwrap().is_ascii_digit(),
            "{lang}: day first: {shown}"
        );
    }
}
