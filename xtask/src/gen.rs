//! A deterministic synthetic corpus for benchmarks and crash tests: realistic-looking
//! resources of this field in the four languages, all five types, the six domains of the
//! bundled model, translations and cross-links. The same seed and size always give the same
//! bytes. It can also write the same documents and queries as JSONL for the peer harness
//! (`shared/peers/run_peers.py`).

use profint::content::ResourceType;
use profint::lang::Lang;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// splitmix64: small, fast, and good enough to vary text deterministically.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A concept in the four languages, singular and plural, and the domain it belongs to.
struct Concept {
    domain: usize,
    words: [(&'static str, &'static str); 4],
}

const DOMAINS: [(&str, &str, &str); 6] = [
    ("accueil", "#2563a8", "Accueil et diagnostic partagé"),
    (
        "langue",
        "#7a4cb0",
        "Langue et communication interculturelle",
    ),
    (
        "competences",
        "#1f7a4d",
        "Reconnaissance des compétences et formation",
    ),
    ("emploi", "#b4530f", "Accès à l'emploi et employeurs"),
    (
        "parcours",
        "#b0306a",
        "Parcours individuel et accompagnement global",
    ),
    (
        "reseau",
        "#0f6f78",
        "Équipe, partenariats et réseaux territoriaux",
    ),
];

macro_rules! concept {
    ($d:expr, $fr:expr, $en:expr, $it:expr, $sv:expr) => {
        Concept {
            domain: $d,
            words: [$fr, $en, $it, $sv],
        }
    };
}

const CONCEPTS: &[Concept] = &[
    concept!(
        0,
        ("accueil", "accueils"),
        ("reception", "receptions"),
        ("accoglienza", "accoglienze"),
        ("mottagande", "mottaganden")
    ),
    concept!(
        0,
        ("diagnostic", "diagnostics"),
        ("assessment", "assessments"),
        ("valutazione", "valutazioni"),
        ("kartläggning", "kartläggningar")
    ),
    concept!(
        0,
        ("demandeur d'asile", "demandeurs d'asile"),
        ("asylum seeker", "asylum seekers"),
        ("richiedente asilo", "richiedenti asilo"),
        ("asylsökande", "asylsökande")
    ),
    concept!(
        0,
        ("titre de séjour", "titres de séjour"),
        ("residence permit", "residence permits"),
        ("permesso di soggiorno", "permessi di soggiorno"),
        ("uppehållstillstånd", "uppehållstillstånden")
    ),
    concept!(
        0,
        ("traumatisme", "traumatismes"),
        ("trauma", "traumas"),
        ("trauma", "traumi"),
        ("trauma", "trauman")
    ),
    concept!(
        0,
        ("premier entretien", "premiers entretiens"),
        ("first interview", "first interviews"),
        ("primo colloquio", "primi colloqui"),
        ("första samtal", "första samtalen")
    ),
    concept!(
        1,
        ("interprète", "interprètes"),
        ("interpreter", "interpreters"),
        ("interprete", "interpreti"),
        ("tolk", "tolkar")
    ),
    concept!(
        1,
        ("médiateur culturel", "médiateurs culturels"),
        ("cultural mediator", "cultural mediators"),
        ("mediatore culturale", "mediatori culturali"),
        ("kulturtolk", "kulturtolkar")
    ),
    concept!(
        1,
        ("cours de langue", "cours de langue"),
        ("language course", "language courses"),
        ("corso di lingua", "corsi di lingua"),
        ("språkkurs", "språkkurser")
    ),
    concept!(
        1,
        ("malentendu", "malentendus"),
        ("misunderstanding", "misunderstandings"),
        ("malinteso", "malintesi"),
        ("missförstånd", "missförstånden")
    ),
    concept!(
        1,
        ("langage clair", "langages clairs"),
        ("plain language", "plain languages"),
        ("linguaggio chiaro", "linguaggi chiari"),
        ("klarspråk", "klarspråken")
    ),
    concept!(
        2,
        ("diplôme", "diplômes"),
        ("diploma", "diplomas"),
        ("diploma", "diplomi"),
        ("examen", "examina")
    ),
    concept!(
        2,
        ("compétence", "compétences"),
        ("skill", "skills"),
        ("competenza", "competenze"),
        ("kompetens", "kompetenser")
    ),
    concept!(
        2,
        ("formation", "formations"),
        ("training", "trainings"),
        ("formazione", "formazioni"),
        ("utbildning", "utbildningar")
    ),
    concept!(
        2,
        ("reconnaissance", "reconnaissances"),
        ("recognition", "recognitions"),
        ("riconoscimento", "riconoscimenti"),
        ("validering", "valideringar")
    ),
    concept!(
        2,
        ("apprentissage", "apprentissages"),
        ("apprenticeship", "apprenticeships"),
        ("apprendistato", "apprendistati"),
        ("lärlingsplats", "lärlingsplatser")
    ),
    concept!(
        2,
        ("abandon", "abandons"),
        ("dropout", "dropouts"),
        ("abbandono", "abbandoni"),
        ("avhopp", "avhoppen")
    ),
    concept!(
        3,
        ("employeur", "employeurs"),
        ("employer", "employers"),
        ("datore di lavoro", "datori di lavoro"),
        ("arbetsgivare", "arbetsgivarna")
    ),
    concept!(
        3,
        ("stage", "stages"),
        ("internship", "internships"),
        ("tirocinio", "tirocini"),
        ("praktik", "praktiker")
    ),
    concept!(
        3,
        ("entretien d'embauche", "entretiens d'embauche"),
        ("job interview", "job interviews"),
        ("colloquio di lavoro", "colloqui di lavoro"),
        ("anställningsintervju", "anställningsintervjuer")
    ),
    concept!(
        3,
        ("contrat", "contrats"),
        ("contract", "contracts"),
        ("contratto", "contratti"),
        ("anställningsavtal", "anställningsavtalen")
    ),
    concept!(
        3,
        ("discrimination", "discriminations"),
        ("discrimination", "discriminations"),
        ("discriminazione", "discriminazioni"),
        ("diskriminering", "diskrimineringar")
    ),
    concept!(
        3,
        ("candidature", "candidatures"),
        ("application", "applications"),
        ("candidatura", "candidature"),
        ("ansökan", "ansökningar")
    ),
    concept!(
        4,
        ("logement", "logements"),
        ("housing", "housings"),
        ("alloggio", "alloggi"),
        ("bostad", "bostäder")
    ),
    concept!(
        4,
        ("garde d'enfants", "gardes d'enfants"),
        ("childcare", "childcares"),
        ("asilo nido", "asili nido"),
        ("förskola", "förskolor")
    ),
    concept!(
        4,
        ("santé mentale", "santés mentales"),
        ("mental health", "mental healths"),
        ("salute mentale", "salute mentali"),
        ("psykisk hälsa", "psykiska hälsor")
    ),
    concept!(
        4,
        ("transport", "transports"),
        ("transport", "transports"),
        ("trasporto", "trasporti"),
        ("resa", "resor")
    ),
    concept!(
        4,
        ("référent", "référents"),
        ("case worker", "case workers"),
        ("operatore di riferimento", "operatori di riferimento"),
        ("handläggare", "handläggarna")
    ),
    concept!(
        4,
        ("droit", "droits"),
        ("right", "rights"),
        ("diritto", "diritti"),
        ("rättighet", "rättigheter")
    ),
    concept!(
        5,
        ("partenaire", "partenaires"),
        ("partner", "partners"),
        ("partner", "partner"),
        ("samarbetspartner", "samarbetspartners")
    ),
    concept!(
        5,
        ("bénévole", "bénévoles"),
        ("volunteer", "volunteers"),
        ("volontario", "volontari"),
        ("volontär", "volontärer")
    ),
    concept!(
        5,
        ("supervision", "supervisions"),
        ("supervision", "supervisions"),
        ("supervisione", "supervisioni"),
        ("handledning", "handledningar")
    ),
    concept!(
        5,
        ("réseau territorial", "réseaux territoriaux"),
        ("local network", "local networks"),
        ("rete territoriale", "reti territoriali"),
        ("lokalt nätverk", "lokala nätverk")
    ),
    concept!(
        5,
        ("consentement", "consentements"),
        ("consent", "consents"),
        ("consenso", "consensi"),
        ("samtycke", "samtycken")
    ),
    concept!(
        5,
        ("épuisement", "épuisements"),
        ("burnout", "burnouts"),
        ("esaurimento", "esaurimenti"),
        ("utbrändhet", "utbrändheter")
    ),
];

/// Sentence frames per language; `{a}` and `{b}` are concept words.
fn frames(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Fr => &[
            "Le conseiller prépare {a} avec la personne avant de parler de {b}.",
            "Quand {a} pose problème, l'équipe cherche d'abord à comprendre {b}.",
            "Un jeune réfugié arrive à la mission locale et demande de l'aide pour {a}.",
            "Il faut vérifier {a} dès le premier mois, puis revoir {b} avec le référent.",
            "Les professionnels notent que {a} et {b} avancent mieux ensemble.",
            "La personne n'a pas compris {a}; la conseillère reformule et propose {b}.",
            "Sans {a}, le parcours vers l'emploi s'arrête souvent au bout de quelques semaines.",
        ],
        Lang::En => &[
            "The counsellor prepares {a} with the person before discussing {b}.",
            "When {a} becomes a problem, the team first tries to understand {b}.",
            "A young refugee comes to the job centre and asks for help with {a}.",
            "Check {a} in the first month, then review {b} with the case worker.",
            "Professionals note that {a} and {b} progress better together.",
            "The person did not understand {a}; the adviser rephrases and suggests {b}.",
            "Without {a}, the pathway to work often stops after a few weeks.",
        ],
        Lang::It => &[
            "L'operatore prepara {a} con la persona prima di parlare di {b}.",
            "Quando {a} diventa un problema, l'équipe cerca prima di capire {b}.",
            "Un giovane rifugiato arriva al centro per l'impiego e chiede aiuto per {a}.",
            "Bisogna verificare {a} nel primo mese, poi rivedere {b} con il referente.",
            "I professionisti notano che {a} e {b} procedono meglio insieme.",
            "La persona non ha capito {a}; l'operatrice riformula e propone {b}.",
            "Senza {a}, il percorso verso il lavoro spesso si ferma dopo poche settimane.",
        ],
        Lang::Sv => &[
            "Handläggaren förbereder {a} med personen innan de pratar om {b}.",
            "När {a} blir ett problem försöker teamet först förstå {b}.",
            "En ung flykting kommer till kommunen och ber om hjälp med {a}.",
            "Kontrollera {a} under första månaden och gå sedan igenom {b} med handläggaren.",
            "Yrkesverksamma ser att {a} och {b} går bättre tillsammans.",
            "Personen förstod inte {a}; rådgivaren formulerar om och föreslår {b}.",
            "Utan {a} avbryts vägen till arbete ofta efter några veckor.",
        ],
    }
}

fn frame(rng: &mut Rng, lang: Lang) -> &'static str {
    let all = frames(lang);
    all[rng.below(all.len())]
}

fn title_frame(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Fr => &[
            "{A} et {b} : repères pour l'accompagnement",
            "Quand {a} bloque {b}",
            "{A} : outil pour travailler {b}",
        ],
        Lang::En => &[
            "{A} and {b}: guidance for support workers",
            "When {a} blocks {b}",
            "{A}: a tool for working on {b}",
        ],
        Lang::It => &[
            "{A} e {b}: indicazioni per l'accompagnamento",
            "Quando {a} blocca {b}",
            "{A}: strumento per lavorare su {b}",
        ],
        Lang::Sv => &[
            "{A} och {b}: stöd för handläggare",
            "När {a} stoppar {b}",
            "{A}: verktyg för att arbeta med {b}",
        ],
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn word(rng: &mut Rng, c: &Concept, lang: Lang) -> &'static str {
    let (one, many) = c.words[lang.index()];
    if rng.chance(40) {
        many
    } else {
        one
    }
}

fn fill(frame: &str, a: &str, b: &str) -> String {
    frame
        .replace("{A}", &capitalise(a))
        .replace("{a}", a)
        .replace("{b}", b)
}

/// One generated resource.
pub struct Generated {
    pub id: String,
    pub path_stem: String,
    pub kind: ResourceType,
    pub domain: &'static str,
    pub versions: Vec<(Lang, String, String)>,
    front: String,
}

fn kind_of(i: usize) -> ResourceType {
    match i % 20 {
        0 => ResourceType::Recommendation,
        1 => ResourceType::Module,
        2..=8 => ResourceType::Case,
        9..=14 => ResourceType::Tool,
        _ => ResourceType::Practice,
    }
}

fn folder(kind: ResourceType) -> &'static str {
    match kind {
        ResourceType::Recommendation => "model",
        ResourceType::Module => "modules",
        ResourceType::Case => "cases",
        ResourceType::Tool => "tools",
        ResourceType::Practice => "practices",
    }
}

fn id_of(i: usize) -> String {
    let kind = kind_of(i);
    if kind == ResourceType::Recommendation {
        format!("GR{i}")
    } else {
        format!("{}/b{:03}/g{i:06}", folder(kind), i / 1000)
    }
}

/// Resource `i` of a corpus generated with `seed`.
pub fn resource(seed: u64, i: usize, total: usize) -> Generated {
    let mut rng = Rng(seed ^ (i as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
    let kind = kind_of(i);
    let primary = &CONCEPTS[rng.below(CONCEPTS.len())];
    let secondary = &CONCEPTS[rng.below(CONCEPTS.len())];
    let domain = DOMAINS[primary.domain].0;
    let mut langs = vec![Lang::Fr];
    if rng.chance(75) {
        langs.push(Lang::En);
    }
    if rng.chance(45) {
        langs.push(Lang::It);
    }
    if rng.chance(45) {
        langs.push(Lang::Sv);
    }
    let title_pick = rng.below(3);
    let sentences = 8 + rng.below(8);
    let frame_seed = rng.next();
    let mut versions = Vec::new();
    for &lang in &langs {
        let mut r = Rng(frame_seed);
        let a = word(&mut r, primary, lang);
        let b = word(&mut r, secondary, lang);
        let title = fill(title_frame(lang)[title_pick], a, b);
        let mut body = String::new();
        for s in 0..sentences {
            if s % 4 == 0 {
                let _ = write!(
                    body,
                    "\n\n## {}\n\n",
                    capitalise(word(
                        &mut r,
                        if s % 8 == 0 { primary } else { secondary },
                        lang
                    ))
                );
            }
            let other = &CONCEPTS[r.below(CONCEPTS.len())];
            let (x, y) = match r.below(3) {
                0 => (word(&mut r, primary, lang), word(&mut r, other, lang)),
                1 => (word(&mut r, primary, lang), word(&mut r, secondary, lang)),
                _ => (word(&mut r, other, lang), word(&mut r, primary, lang)),
            };
            body.push_str(&fill(frame(&mut r, lang), x, y));
            body.push(' ');
        }
        versions.push((lang, title, body.trim().to_string()));
    }
    let mut front = String::new();
    if kind == ResourceType::Recommendation {
        let _ = writeln!(front, "id: {}", id_of(i));
    }
    let _ = writeln!(front, "type: {}\ndomain: {domain}", kind.as_str());
    if DOMAINS[secondary.domain].0 != domain && rng.chance(40) {
        let _ = writeln!(front, "domains: [{}]", DOMAINS[secondary.domain].0);
    }
    if kind != ResourceType::Recommendation && total >= 20 {
        let recs: Vec<String> = (0..1 + rng.below(2))
            .map(|_| id_of(rng.below(total / 20) * 20))
            .collect();
        let _ = writeln!(front, "recommendations: [{}]", recs.join(", "));
    }
    if total > 1 {
        let links: Vec<String> = (0..1 + rng.below(3))
            .map(|_| rng.below(total))
            .filter(|&j| j != i)
            .map(id_of)
            .collect();
        if !links.is_empty() {
            let _ = writeln!(front, "related: [{}]", links.join(", "));
        }
    }
    let _ = writeln!(
        front,
        "country: {}",
        rng.pick(&["France", "Italie", "Suède"])
    );
    let path_stem = format!("{}/b{:03}/g{i:06}", folder(kind), i / 1000);
    Generated {
        id: id_of(i),
        path_stem,
        kind,
        domain,
        versions,
        front,
    }
}

/// Writes a corpus of `n` resources under `out` (Markdown), and optionally the same
/// documents and `queries` queries as JSONL under `jsonl`.
pub fn generate(
    out: &Path,
    n: usize,
    seed: u64,
    jsonl: Option<(&Path, usize)>,
) -> anyhow::Result<usize> {
    std::fs::create_dir_all(out)?;
    let mut domains = String::new();
    for (id, color, name) in DOMAINS {
        let _ = writeln!(domains, "- id: {id}\n  color: \"{color}\"\n  name: {{fr: \"{name}\", en: \"{id}\", it: \"{id}\", sv: \"{id}\"}}\n  description: {{fr: \"{name}.\"}}");
    }
    std::fs::write(out.join("domains.yaml"), domains)?;
    let mut docs = match jsonl {
        Some((dir, _)) => {
            std::fs::create_dir_all(dir)?;
            Some(std::io::BufWriter::new(std::fs::File::create(
                dir.join("docs.jsonl"),
            )?))
        }
        None => None,
    };
    let mut files = 0;
    for i in 0..n {
        let g = resource(seed, i, n);
        let dir = out
            .join(&g.path_stem)
            .parent()
            .expect("stem has a folder")
            .to_path_buf();
        if i % 1000 == 0 || !dir.exists() {
            std::fs::create_dir_all(&dir)?;
        }
        for (lang, title, body) in &g.versions {
            let mut text = format!("---\ntitle: \"{title}\"\n");
            if *lang == Lang::Fr {
                text.push_str(&g.front);
            }
            let _ = write!(text, "---\n{body}\n");
            std::fs::write(
                out.join(format!("{}.{}.md", g.path_stem, lang.code())),
                text,
            )?;
            files += 1;
            if let Some(docs) = docs.as_mut() {
                let doc = serde_json::json!({
                    "id": format!("{}@{}", g.id, lang.code()),
                    "lang": lang.code(),
                    "type": g.kind.as_str(),
                    "domain": g.domain,
                    "title": title,
                    "body": profint::content::plain_text(body),
                });
                writeln!(docs, "{doc}")?;
            }
        }
    }
    if let Some((dir, count)) = jsonl {
        let mut q = std::io::BufWriter::new(std::fs::File::create(dir.join("queries.jsonl"))?);
        for (id, lang, text) in queries(seed, count) {
            writeln!(
                q,
                "{}",
                serde_json::json!({"id": id, "lang": lang.code(), "text": text})
            )?;
        }
    }
    Ok(files)
}

/// Benchmark queries: keywords (two concept words) and situation sentences, in turn, in the
/// four languages.
pub fn queries(seed: u64, count: usize) -> Vec<(String, Lang, String)> {
    let mut rng = Rng(seed.wrapping_add(7));
    (0..count)
        .map(|i| {
            let lang = Lang::ALL[i % 4];
            let a = CONCEPTS[rng.below(CONCEPTS.len())].words[lang.index()].0;
            let b = CONCEPTS[rng.below(CONCEPTS.len())].words[lang.index()].0;
            let text = if i % 2 == 0 {
                format!("{a} {b}")
            } else {
                fill(frame(&mut rng, lang), a, b)
                    .trim_end_matches('.')
                    .to_string()
            };
            (format!("q{i:04}"), lang, text)
        })
        .collect()
}
