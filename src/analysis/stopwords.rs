//! Stop words and elided articles per language. Short lists on purpose: only function words
//! that carry no meaning in a situation description. Words that change meaning (sans, without,
//! senza, utan, pas) stay searchable.

use crate::lang::Lang;

/// Articles and pronouns that attach to the next word with an apostrophe (`l'accueil`,
/// `dell'integrazione`). The tokenizer splits at the apostrophe; removing them is the elision.
pub fn elided(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Fr => &[
            "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
            "presqu", "quelqu",
        ],
        Lang::It => &[
            "l", "d", "un", "dell", "nell", "all", "dall", "sull", "coll", "quell", "quest", "c",
            "v", "s", "m", "t", "po",
        ],
        Lang::En => &["s", "t", "d", "ll", "re", "ve", "m"],
        Lang::Sv => &[],
    }
}

pub fn stop_words(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Fr => &[
            "le", "la", "les", "un", "une", "des", "du", "de", "au", "aux", "et", "ou", "mais",
            "donc", "ni", "car", "que", "qui", "quoi", "dont", "où", "ce", "cet", "cette", "ces",
            "se", "sa", "son", "ses", "leur", "leurs", "mon", "ma", "mes", "ton", "ta", "tes",
            "notre", "nos", "votre", "vos", "il", "ils", "elle", "elles", "on", "nous", "vous",
            "je", "me", "te", "lui", "y", "en", "ne", "par", "pour", "sur", "dans", "avec", "chez",
            "est", "sont", "être", "été", "a", "ont", "avoir", "comme", "si", "très", "aussi",
            "ça", "cela", "ceci", "quand", "à", "été", "était", "sera", "fait", "faire", "peut",
            "doit", "tout", "tous", "toute", "toutes", "même", "alors", "ainsi",
        ],
        Lang::En => &[
            "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into",
            "is", "it", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
            "they", "this", "to", "was", "will", "with", "he", "she", "his", "her", "we", "you",
            "our", "your", "i", "my", "me", "them", "its", "from", "has", "have", "had", "been",
            "being", "do", "does", "did", "can", "could", "would", "should", "what", "which",
            "who", "when", "how", "so", "than", "too", "very", "after", "before", "about", "after",
            "all", "also", "any", "some", "up", "out",
        ],
        Lang::It => &[
            "il", "lo", "la", "i", "gli", "le", "un", "uno", "una", "di", "a", "da", "in", "con",
            "su", "per", "tra", "fra", "del", "dello", "della", "dei", "degli", "delle", "al",
            "allo", "alla", "ai", "agli", "alle", "dal", "dallo", "dalla", "dai", "dagli", "dalle",
            "nel", "nello", "nella", "nei", "negli", "nelle", "sul", "sullo", "sulla", "sui",
            "sugli", "sulle", "e", "ed", "o", "ma", "che", "chi", "cui", "non", "si", "ci", "ne",
            "mi", "ti", "vi", "lui", "lei", "loro", "suo", "sua", "suoi", "sue", "questo",
            "questa", "questi", "queste", "quello", "quella", "è", "sono", "essere", "ha", "hanno",
            "avere", "come", "anche", "molto", "più", "se", "quando", "dove",
        ],
        Lang::Sv => &[
            "och", "att", "i", "på", "det", "som", "en", "ett", "är", "av", "för", "med", "till",
            "den", "de", "om", "har", "inte", "jag", "vi", "du", "han", "hon", "man", "sig", "sin",
            "sitt", "sina", "hans", "hennes", "deras", "vår", "våra", "er", "era", "eller", "men",
            "så", "när", "från", "vid", "var", "vara", "varit", "hade", "ha", "kan", "ska",
            "skulle", "måste", "detta", "dessa", "denna", "där", "här", "hur", "vad", "vilken",
            "vilket", "vilka", "också", "mycket", "efter", "under", "över", "än", "dem", "honom",
            "henne", "oss", "dig", "mig", "blir", "bli", "blev",
        ],
    }
}

/// Words kept searchable because they change what a sentence means ("sans", "without",
/// "senza", "utan"…), but that say nothing on their own: a resource that shares only such a
/// word with a query is not an answer to it, and such a word is never highlighted alone.
pub fn weak_words(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Fr => &[
            "sans", "pas", "non", "plus", "moins", "sous", "entre", "vers", "après", "avant",
            "depuis", "pendant", "contre", "selon", "encore", "déjà", "jamais", "rien", "peu",
            "beaucoup", "trop", "toujours", "ici", "là", "puis",
        ],
        Lang::En => &[
            "without", "not", "no", "since", "during", "under", "between", "against", "never",
            "more", "less", "still", "already", "yet", "only", "just", "here", "nothing",
        ],
        Lang::It => &[
            "senza", "dopo", "prima", "durante", "contro", "sotto", "verso", "mai", "ancora",
            "già", "meno", "solo", "poco", "troppo", "sempre", "qui", "niente", "nulla",
        ],
        Lang::Sv => &[
            "utan",
            "ej",
            "före",
            "mellan",
            "mot",
            "sedan",
            "hos",
            "aldrig",
            "mer",
            "mindre",
            "fortfarande",
            "redan",
            "bara",
            "ingen",
            "inget",
            "inga",
            "inom",
            "utom",
        ],
    }
}
