//! Words as the brief counts them: split where a phrase cannot continue,
//! common words marked, each word stemmed in its language and folded, so that
//! "migrants", "migrant" and "Migrants" count as one.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::extras::search::{fold, is_word_char, stemmer};
use crate::lang::Lang;

/// One word of a text.
#[derive(Debug)]
pub(crate) struct Word {
    /// As written, lower-cased.
    pub lower: String,
    /// Stemmed in the text's language, then folded: what is counted.
    pub stem: String,
    /// A common word ("the", "de", "para") or a number: it ends a phrase.
    pub stop: bool,
}

/// A text cut into runs of words that may form a phrase together: a run ends
/// at punctuation (a comma, a full stop, a bracket…).
pub(crate) fn runs(text: &str, lang: Lang) -> Vec<Vec<Word>> {
    let stemmer = stemmer(lang);
    let stops = stop_words(lang);
    let mut runs = vec![Vec::new()];
    let mut word = String::new();
    // A space at the end, so that the last word ends like the others.
    let mut chars = text.chars().chain(std::iter::once(' ')).peekable();
    while let Some(c) = chars.next() {
        // A hyphen between letters is part of the word ("multi-level").
        let joins =
            c == '-' && !word.is_empty() && chars.peek().is_some_and(|n| n.is_alphanumeric());
        if is_word_char(c) || joins {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            let lower = word.to_lowercase();
            let stem = fold(&stemmer.stem(&lower));
            let stop = stops.contains(lower.as_str())
                || lower.chars().count() < 3
                || lower.chars().all(|c| c.is_numeric() || c == '-');
            if let Some(run) = runs.last_mut() {
                run.push(Word { lower, stem, stop });
            }
            word.clear();
        }
        // Spaces and apostrophes ("l'intégration") keep a run going.
        if !(c.is_whitespace() || c == '\'' || c == '’')
            && runs.last().is_some_and(|r| !r.is_empty())
        {
            runs.push(Vec::new());
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// The stems of the meaningful words of `text`, in order: what passages are
/// compared by and what recall is measured on.
pub fn stems(text: &str, lang: Lang) -> Vec<String> {
    runs(text, lang)
        .into_iter()
        .flatten()
        .filter(|w| !w.stop)
        .map(|w| w.stem)
        .collect()
}

/// The common words of `lang`, from `stopwords/<code>.txt` (none for a
/// language without a list).
fn stop_words(lang: Lang) -> &'static HashSet<&'static str> {
    static EN: LazyLock<HashSet<&str>> = LazyLock::new(|| parse(include_str!("stopwords/en.txt")));
    static FR: LazyLock<HashSet<&str>> = LazyLock::new(|| parse(include_str!("stopwords/fr.txt")));
    static ES: LazyLock<HashSet<&str>> = LazyLock::new(|| parse(include_str!("stopwords/es.txt")));
    static PT: LazyLock<HashSet<&str>> = LazyLock::new(|| parse(include_str!("stopwords/pt.txt")));
    static AR: LazyLock<HashSet<&str>> = LazyLock::new(|| parse(include_str!("stopwords/ar.txt")));
    static NONE: LazyLock<HashSet<&str>> = LazyLock::new(HashSet::new);
    match lang {
        Lang::EN => &EN,
        Lang::FR => &FR,
        Lang::ES => &ES,
        Lang::PT => &PT,
        Lang::AR => &AR,
        // Without a list, only short words and numbers end a phrase.
        _ => &NONE,
    }
}

fn parse(list: &'static str) -> HashSet<&'static str> {
    list.lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect()
}

/// The sentences of a paragraph: cut after `.`, `!` or `?` followed by a
/// space, unless what precedes is a short abbreviation ("e.g.", "M.").
pub(crate) fn sentences(paragraph: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = paragraph.as_bytes();
    for (i, c) in paragraph.char_indices() {
        if !matches!(c, '.' | '!' | '?') || bytes.get(i + 1) != Some(&b' ') {
            continue;
        }
        let before = &paragraph[start..i];
        let last_word = before.rsplit(' ').next().unwrap_or_default();
        let abbreviation = last_word.chars().count() == 1
            || last_word.contains('.')
            || (last_word.chars().count() <= 3 && last_word.starts_with(char::is_uppercase));
        if c == '.' && abbreviation {
            continue;
        }
        out.push(paragraph[start..=i].trim());
        start = i + 1;
    }
    let rest = paragraph[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_end_at_punctuation_and_keep_elided_words_apart() {
        let runs = runs("L'intégration des migrants, au niveau local.", Lang::FR);
        let words: Vec<Vec<&str>> = runs
            .iter()
            .map(|r| r.iter().map(|w| w.lower.as_str()).collect())
            .collect();
        assert_eq!(
            words,
            [
                vec!["l", "intégration", "des", "migrants"],
                vec!["au", "niveau", "local"]
            ]
        );
        assert!(runs[0][0].stop && runs[0][2].stop && !runs[0][3].stop);
        assert_eq!(runs[0][3].stem, "migr");
    }

    #[test]
    fn stems_fold_forms_of_one_word_together() {
        assert_eq!(
            stems("Migrants and the migrant", Lang::EN),
            ["migrant", "migrant"]
        );
        assert_eq!(
            stems("multi-level governance", Lang::EN),
            ["multilevel", "govern"]
        );
    }

    #[test]
    fn sentences_are_cut_after_their_end_but_not_after_abbreviations() {
        assert_eq!(
            sentences("Local plans, e.g. in Quito, matter. Do they? Yes! M. Dupont agrees."),
            [
                "Local plans, e.g. in Quito, matter.",
                "Do they?",
                "Yes!",
                "M. Dupont agrees."
            ]
        );
    }
}
