//! The site's own text in one language, with every missing string taken from
//! the default language: a missing translation never stops a build.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::lang::Lang;
use crate::theme::{I18nFile, PluralForms};

/// The site's own words in one language, from the theme's `i18n/<lang>.yaml`:
/// what pages and feeds are written with.
#[derive(Debug)]
pub struct Strings {
    /// The language they are in.
    pub lang: Lang,
    /// Every text key, merged with the default language's.
    pub text: BTreeMap<String, String>,
    plural: BTreeMap<String, PluralForms>,
    months: Vec<String>,
    date_format: String,
}

/// Strings for every site language.
#[derive(Debug)]
pub struct Translations {
    by_lang: BTreeMap<Lang, Strings>,
    /// Each language's name in itself, as the theme writes it.
    native_names: BTreeMap<Lang, String>,
}

impl Translations {
    /// The strings of each of `languages`, from the theme's translation `files`:
    /// what a language's file lacks is taken from `default`'s file (else
    /// English's).
    pub fn new(
        files: &BTreeMap<Lang, I18nFile>,
        languages: &[Lang],
        default: Lang,
    ) -> Translations {
        let fallback = files
            .get(&default)
            .or_else(|| files.get(&Lang::EN))
            .cloned()
            .unwrap_or_default();
        let native_names = files
            .iter()
            .filter_map(|(&l, f)| Some((l, f.language_name.clone()?)))
            .collect();
        let by_lang = languages
            .iter()
            .map(|&lang| {
                let own = files.get(&lang).cloned().unwrap_or_default();
                let mut text = fallback.text.clone();
                text.extend(own.text);
                let mut plural = fallback.plural.clone();
                plural.extend(own.plural);
                let months = if own.months.len() == 12 {
                    own.months
                } else {
                    fallback.months.clone()
                };
                let date_format = own
                    .date_format
                    .or_else(|| fallback.date_format.clone())
                    .unwrap_or_else(|| "{year}-{month}-{day}".to_string());
                (
                    lang,
                    Strings {
                        lang,
                        text,
                        plural,
                        months,
                        date_format,
                    },
                )
            })
            .collect();
        Translations {
            by_lang,
            native_names,
        }
    }

    /// The strings of `lang`; those of another site language when `lang` is not
    /// one of them.
    pub fn get(&self, lang: Lang) -> &Strings {
        // Every site language has an entry (built in `new`); the first is a safe default.
        self.by_lang
            .get(&lang)
            .or_else(|| self.by_lang.values().next())
            .expect("at least one site language")
    }

    /// `lang`'s name in itself ("Français"), for language switchers: the
    /// `language_name` of its file, else CLDR's.
    pub fn native_name(&self, lang: Lang) -> &str {
        self.native_names
            .get(&lang)
            .map_or(lang.native_name(), String::as_str)
    }
}

impl Strings {
    /// The text for `key`; the key itself when no language has it, so that a
    /// gap shows up on the page instead of failing the build.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.text.get(key).map_or(key, String::as_str)
    }

    /// A text with `{name}` placeholders filled in, in one pass: a value
    /// that holds a placeholder (a title with `{id}` in it) stays as written.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }

    /// A counted phrase in the right plural form: "1 reply", "3 replies".
    pub fn count(&self, key: &str, n: usize) -> String {
        let n_text = n.to_string();
        match self.plural.get(key) {
            Some(forms) => forms.form(self.lang.plural(n)).replace("{n}", &n_text),
            None => format!("{n_text} {key}"),
        }
    }

    /// `d` as the language writes a date: its `date_format`, with its month names.
    pub fn date(&self, d: NaiveDate) -> String {
        let month = self
            .months
            .get(d.month0() as usize)
            .cloned()
            .unwrap_or_else(|| format!("{:02}", d.month()));
        fill(
            &self.date_format,
            &[
                ("day", &d.day().to_string()),
                ("month", &month),
                ("year", &d.year().to_string()),
            ],
        )
    }

    /// A language's name in this language ("French", "français", "francés").
    pub fn lang_name(&self, lang: Lang) -> &str {
        self.text
            .get(&format!("lang_{}", lang.code()))
            .map_or(lang.code(), String::as_str)
    }
}

/// `text` with each `{name}` of `args` replaced by its value; other braces
/// are left as they are.
fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_phrases_take_each_plural_form_of_their_language() {
        let theme = crate::theme::Theme::load(std::path::Path::new("/nonexistent"), "default")
            .unwrap_or_else(|_| panic!("the built-in theme loads"));
        let languages = [Lang::EN, Lang::FR, Lang::AR];
        let t = Translations::new(&theme.i18n, &languages, Lang::EN);
        let count = |lang, n| t.get(lang).count("replies", n);
        assert_eq!(count(Lang::EN, 0), "0 contributions");
        assert_eq!(count(Lang::FR, 0), "0 contribution");
        let arabic: Vec<String> = [0, 1, 2, 3, 11, 100].map(|n| count(Lang::AR, n)).into();
        assert_eq!(
            arabic,
            [
                "لا مساهمات",
                "مساهمة واحدة",
                "مساهمتان",
                "3 مساهمات",
                "11 مساهمة",
                "100 مساهمة"
            ]
        );
        // A language without a file of its own: the default's strings, its CLDR name.
        let t = Translations::new(
            &theme.i18n,
            &[Lang::EN, Lang::from_code("de").expect("de")],
            Lang::EN,
        );
        let de = Lang::from_code("de").expect("de");
        assert_eq!(t.get(de).count("replies", 2), "2 contributions");
        assert_eq!(t.native_name(de), "Deutsch");
    }

    #[test]
    fn placeholders_are_filled_once() {
        let args = [("title", "Budget {n}"), ("n", "3")];
        assert_eq!(fill("{title}, week {n}", &args), "Budget {n}, week 3");
        assert_eq!(fill("{unknown} {n} {", &args), "{unknown} 3 {");
        assert_eq!(fill("", &args), "");
    }
}
