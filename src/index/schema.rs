//! The index's schema: one document per resource, with per-language text fields (each
//! analysed by its language's analyser), fast fields for filters and facets, and the resource
//! and its card stored as JSON.

use crate::analysis;
use crate::lang::Lang;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};

/// The names of the schema's fields, for the code that reads fast fields by name.
pub mod names {
    pub const ID: &str = "id";
    pub const KEY: &str = "key";
    pub const HASH: &str = "hash";
    pub const DATA: &str = "data";
    pub const CARD: &str = "card";
    pub const TYPE: &str = "type";
    pub const DOMAIN: &str = "domain";
    pub const LANGS: &str = "langs";
    pub const MISSING: &str = "missing";
    pub const ORIGINAL: &str = "original";
    pub const RECOMMENDATIONS: &str = "recommendations";
    pub const RELATED: &str = "related";
}

/// Text fields of one language.
#[derive(Clone, Copy, Debug)]
pub struct LangFields {
    /// The title alone: exact title matches earn a bonus.
    pub title: Field,
    /// Everything searchable in one field (title twice, summary, tags, body), so that BM25
    /// sees one document length, as a single-field engine would: a title word shared by many
    /// documents does not outweigh the body.
    pub text: Field,
    /// The version's summary and body as plain text, stored for snippets.
    pub plain: Field,
    /// Every word of the version as written (lowercased, not stemmed): completions,
    /// typo tolerance (a misspelt word is close to a written word, not always to its stem)
    /// and did-you-mean draw on it.
    pub words: Field,
}

/// Every field of the schema, resolved once.
#[derive(Clone, Debug)]
pub struct Fields {
    pub id: Field,
    pub key: Field,
    pub hash: Field,
    pub data: Field,
    /// The resource's [`Card`], for result lists.
    pub card: Field,
    pub kind: Field,
    /// Main and secondary domains (for filters and counts).
    pub domain: Field,
    /// Languages the resource is written in.
    pub langs: Field,
    /// Languages it lacks: lets a query reach a resource's original text only where it has no
    /// translation in the requested language.
    pub missing: Field,
    pub original: Field,
    pub recommendations: Field,
    pub related: Field,
    pub text: [LangFields; Lang::COUNT],
}

impl Fields {
    pub fn lang(&self, lang: Lang) -> &LangFields {
        &self.text[lang.index()]
    }
}

pub(super) fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let id = b.add_text_field(names::ID, STRING | STORED | FAST);
    let key = b.add_text_field(names::KEY, STRING | FAST);
    let hash = b.add_text_field(names::HASH, STRING | FAST);
    // JSON kept as stored text: tantivy reads text values with one copy, bytes values byte
    // by byte.
    let data = b.add_text_field(names::DATA, STORED);
    let card = b.add_text_field(names::CARD, STORED);
    let kind = b.add_text_field(names::TYPE, STRING | FAST);
    let domain = b.add_text_field(names::DOMAIN, STRING | FAST);
    let langs = b.add_text_field(names::LANGS, STRING | FAST);
    let missing = b.add_text_field(names::MISSING, STRING);
    let original = b.add_text_field(names::ORIGINAL, STRING | FAST);
    let recommendations = b.add_text_field(names::RECOMMENDATIONS, STRING);
    let related = b.add_text_field(names::RELATED, STRING);
    let text = Lang::ALL.map(|lang| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analysis::tokenizer_name(lang))
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let indexed = TextOptions::default().set_indexing_options(indexing);
        let words = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analysis::SUGGEST_TOKENIZER)
                .set_index_option(IndexRecordOption::Basic),
        );
        let code = lang.code();
        LangFields {
            title: b.add_text_field(&format!("title_{code}"), indexed.clone()),
            text: b.add_text_field(&format!("text_{code}"), indexed),
            plain: b.add_text_field(&format!("plain_{code}"), STORED),
            words: b.add_text_field(&format!("words_{code}"), words),
        }
    });
    let fields = Fields {
        id,
        key,
        hash,
        data,
        card,
        kind,
        domain,
        langs,
        missing,
        original,
        recommendations,
        related,
        text,
    };
    (b.build(), fields)
}
