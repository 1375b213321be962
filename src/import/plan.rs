//! From export items to planned resources: which items are skipped and why, which cannot be
//! imported and why, the translation sets, each set's original, type and domains, and the key
//! (`folder/slug`) of each resource. Every item ends in exactly one of those three places.

use super::languages::Translations;
use super::mapping::{Mapped, Mapper};
use super::markdown;
use super::wxr::{Export, Item};
use crate::content::ResourceType;
use crate::lang::Lang;
use std::collections::{BTreeMap, HashMap};

/// Why an item is not content to import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Skip {
    Draft,
    Pending,
    Private,
    Scheduled,
    Trash,
    AutoDraft,
    OtherStatus,
    PasswordProtected,
    Attachment,
    Revision,
    NavMenuItem,
    NotContent,
}

impl Skip {
    /// How the summary line says `count` of them.
    pub fn describe(self, count: usize) -> String {
        let (one, many) = match self {
            Skip::Draft => ("draft", "drafts"),
            Skip::Pending => ("pending review", "pending review"),
            Skip::Private => ("private", "private"),
            Skip::Scheduled => ("scheduled", "scheduled"),
            Skip::Trash => ("in the trash", "in the trash"),
            Skip::AutoDraft => ("auto-draft", "auto-drafts"),
            Skip::OtherStatus => ("with another status", "with another status"),
            Skip::PasswordProtected => ("password-protected", "password-protected"),
            Skip::Attachment => ("attachment", "attachments"),
            Skip::Revision => ("revision", "revisions"),
            Skip::NavMenuItem => ("menu item", "menu items"),
            Skip::NotContent => (
                "not content (block, template…)",
                "not content (blocks, templates…)",
            ),
        };
        format!("{count} {}", if count == 1 { one } else { many })
    }
}

/// Post types WordPress uses for its own data, never content.
const WORDPRESS_DATA: [&str; 12] = [
    "wp_block",
    "wp_template",
    "wp_template_part",
    "wp_navigation",
    "wp_global_styles",
    "wp_font_family",
    "wp_font_face",
    "custom_css",
    "customize_changeset",
    "oembed_cache",
    "user_request",
    "wp_area",
];

/// Why an item is skipped, if it is: by post type first, then by status.
pub fn skip_reason(item: &Item, mapper: &Mapper<'_>) -> Option<Skip> {
    match item.post_type.as_str() {
        "attachment" => return Some(Skip::Attachment),
        "revision" => return Some(Skip::Revision),
        "nav_menu_item" => return Some(Skip::NavMenuItem),
        t if WORDPRESS_DATA.contains(&t) || mapper.is_skipped_type(t) => {
            return Some(Skip::NotContent)
        }
        _ => {}
    }
    let by_status = match item.status.as_str() {
        "publish" => None,
        "draft" => Some(Skip::Draft),
        "pending" => Some(Skip::Pending),
        "private" => Some(Skip::Private),
        "future" => Some(Skip::Scheduled),
        "trash" => Some(Skip::Trash),
        "auto-draft" => Some(Skip::AutoDraft),
        _ => Some(Skip::OtherStatus),
    };
    by_status.or_else(|| (!item.password.is_empty()).then_some(Skip::PasswordProtected))
}

/// An item reported with where it is and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub line: usize,
    pub post_id: u64,
    pub title: String,
    pub message: String,
}

impl Note {
    pub fn new(item: &Item, message: impl Into<String>) -> Note {
        Note {
            line: item.line,
            post_id: item.post_id,
            title: markdown::text(&item.title),
            message: message.into(),
        }
    }
}

/// One resource to write: a translation set that maps.
#[derive(Debug)]
pub struct Planned<'a> {
    pub key: String,
    pub mapped: Mapped,
    pub original: Lang,
    pub members: BTreeMap<Lang, &'a Item>,
}

/// What becomes of every item.
#[derive(Debug, Default)]
pub struct Plan<'a> {
    pub items: usize,
    pub skipped: BTreeMap<Skip, usize>,
    pub not_imported: Vec<Note>,
    pub warnings: Vec<Note>,
    pub resources: Vec<Planned<'a>>,
}

impl Plan<'_> {
    /// Items that become files.
    pub fn imported(&self) -> usize {
        self.resources.iter().map(|r| r.members.len()).sum()
    }

    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }
}

/// The two languages an import needs to know.
#[derive(Debug, Clone, Copy)]
pub struct Languages {
    /// The language of posts without language information (`--default-lang`).
    pub untagged: Lang,
    /// The corpus's default language (`site.yaml`, else `fr`): the loader takes a resource's
    /// file in it as the original, so the import puts the metadata there.
    pub site: Lang,
}

/// Plans the import; `key_is_free(key, set)` says whether a resource key may be used for a
/// set (no file written by someone else is there).
pub fn plan<'a>(
    export: &'a Export,
    mapper: &Mapper<'_>,
    translations: &Translations,
    languages: Languages,
    key_is_free: &dyn Fn(&str, &Planned<'_>) -> bool,
) -> Plan<'a> {
    let mut plan = Plan {
        items: export.items.len(),
        ..Plan::default()
    };
    let mut sets: BTreeMap<String, Vec<(Lang, &'a Item)>> = BTreeMap::new();
    for item in &export.items {
        if let Some(reason) = skip_reason(item, mapper) {
            *plan.skipped.entry(reason).or_default() += 1;
            continue;
        }
        if let Some(why) = unusable(item) {
            plan.not_imported.push(Note::new(item, why));
            continue;
        }
        match translations.language(item, languages.untagged) {
            Ok(lang) => sets
                .entry(translations.set_key(item))
                .or_default()
                .push((lang, item)),
            Err(why) => plan.not_imported.push(Note::new(item, why)),
        }
    }
    let sets = merge_duplicates_into_originals(sets);
    let mut ordered: Vec<BTreeMap<Lang, &'a Item>> = sets
        .into_values()
        .map(|members| one_per_language(members, &mut plan))
        .collect();
    ordered.sort_by_key(|m| m.values().map(|i| i.post_id).min());
    let mut taken: HashMap<String, usize> = HashMap::new();
    for members in ordered {
        let original = original_language(&members, languages.site);
        match mapper.map(members[&original]) {
            Ok(mapped) => {
                warn_about_types(&mapped, members[&original], &mut plan);
                let mut planned = Planned {
                    key: String::new(),
                    mapped,
                    original,
                    members,
                };
                planned.key = choose_key(&planned, &mut taken, key_is_free);
                plan.resources.push(planned);
            }
            Err(why) => not_mapped(&members, original, &why, &mut plan),
        }
    }
    plan
}

/// What makes a publishable item unusable on its own.
fn unusable(item: &Item) -> Option<String> {
    if item.post_id == 0 {
        return Some("it has no `wp:post_id`; the export looks damaged, export it again".into());
    }
    if markdown::text(&item.title).is_empty() {
        return Some("it has no title; give it one in WordPress (a resource needs a title)".into());
    }
    None
}

/// WPML duplicates name their original's post id; join them to the original's set.
fn merge_duplicates_into_originals(
    mut sets: BTreeMap<String, Vec<(Lang, &Item)>>,
) -> BTreeMap<String, Vec<(Lang, &Item)>> {
    let key_of_post: HashMap<u64, String> = sets
        .iter()
        .flat_map(|(key, members)| members.iter().map(move |(_, i)| (i.post_id, key.clone())))
        .collect();
    let aliases: Vec<(String, String)> = sets
        .keys()
        .filter_map(|key| {
            let id: u64 = key.strip_prefix("post:")?.parse().ok()?;
            let real = key_of_post.get(&id)?;
            (real != key).then(|| (key.clone(), real.clone()))
        })
        .collect();
    for (alias, real) in aliases {
        if let Some(members) = sets.remove(&alias) {
            sets.entry(real).or_default().extend(members);
        }
    }
    sets
}

/// Keeps the first post (lowest id) of each language; reports the others.
fn one_per_language<'a>(
    mut members: Vec<(Lang, &'a Item)>,
    plan: &mut Plan<'_>,
) -> BTreeMap<Lang, &'a Item> {
    members.sort_by_key(|(_, i)| i.post_id);
    let mut kept: BTreeMap<Lang, &'a Item> = BTreeMap::new();
    for (lang, item) in members {
        if let Some(first) = kept.get(&lang) {
            plan.not_imported.push(Note::new(
                item,
                format!(
                    "its translation set already has a published {lang} post (post {}); keep one per language",
                    first.post_id
                ),
            ));
        } else {
            kept.insert(lang, item);
        }
    }
    kept
}

/// The set's original, as the loader will see it: its post in the corpus's default language,
/// else the first language present.
fn original_language(members: &BTreeMap<Lang, &Item>, site_lang: Lang) -> Lang {
    if members.contains_key(&site_lang) {
        site_lang
    } else {
        *members.keys().next().expect("sets are never empty")
    }
}

fn warn_about_types(mapped: &Mapped, original: &Item, plan: &mut Plan<'_>) {
    if !mapped.other_types.is_empty() {
        plan.warnings.push(Note::new(
            original,
            format!(
                "imported as a {}, but categories also say {}; map it explicitly if that is wrong",
                mapped.kind.as_str(),
                mapped.other_types.join(", ")
            ),
        ));
    }
}

fn not_mapped(members: &BTreeMap<Lang, &Item>, original: Lang, why: &str, plan: &mut Plan<'_>) {
    let head = members[&original];
    plan.not_imported
        .push(Note::new(head, format!("not imported: {why}")));
    for (lang, item) in members {
        if *lang != original {
            plan.not_imported.push(Note::new(
                item,
                format!(
                    "not imported: it translates post {} «{}», which cannot be mapped",
                    head.post_id,
                    markdown::text(&head.title)
                ),
            ));
        }
    }
}

/// The folder a type lives in.
pub fn folder(kind: ResourceType) -> &'static str {
    match kind {
        ResourceType::Recommendation => "model",
        ResourceType::Module => "modules",
        ResourceType::Case => "cases",
        ResourceType::Tool => "tools",
        ResourceType::Practice => "practices",
    }
}

/// `folder/slug` from the original's slug, made unique in this import and never over a file
/// that someone else wrote.
fn choose_key(
    planned: &Planned<'_>,
    taken: &mut HashMap<String, usize>,
    key_is_free: &dyn Fn(&str, &Planned<'_>) -> bool,
) -> String {
    let original = planned.members[&planned.original];
    let base = match slugify(&original.post_name) {
        s if s.is_empty() => match slugify(&markdown::text(&original.title)) {
            t if t.is_empty() => format!("post-{}", original.post_id),
            t => t,
        },
        s => s,
    };
    let folder = folder(planned.mapped.kind);
    let candidates = std::iter::once(base.clone())
        .chain(std::iter::once(format!("{base}-{}", original.post_id)))
        .chain((2..).map(|n| format!("{base}-{}-{n}", original.post_id)));
    for slug in candidates {
        let key = format!("{folder}/{slug}");
        if !taken.contains_key(&key) && key_is_free(&key, planned) {
            taken.insert(key.clone(), 1);
            return key;
        }
    }
    unreachable!("the candidates never end")
}

/// A file-name slug: accents removed, lowercase ASCII letters, digits and dashes.
pub fn slugify(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in text.nfd() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if unicode_normalization::char::is_combining_mark(c) {
            continue;
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out.truncate(80);
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_and_stable() {
        assert_eq!(
            slugify("décrochage-en-formation"),
            "decrochage-en-formation"
        );
        assert_eq!(slugify("L’accueil : 1ʳᵉ étape !"), "l-accueil-1-etape");
        assert_eq!(slugify("Ωμέγα"), "");
    }
}
