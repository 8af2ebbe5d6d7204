//! Languages: the closed set palabre knows, and detection of a text's language.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A language palabre can detect, and for which the theme ships translations.
///
/// Adding one means a variant here and an `i18n/<code>.yaml` file in the theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    /// English (`en`).
    En,
    /// French (`fr`).
    Fr,
    /// Spanish (`es`).
    Es,
}

impl Lang {
    /// Every language palabre knows, in their sort order.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Fr, Lang::Es];

    /// The BCP 47 code used in `lang` attributes, file names and URLs.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
        }
    }

    /// Its name in English, for messages on the command line.
    pub fn english_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "French",
            Lang::Es => "Spanish",
        }
    }

    /// The language whose code is exactly `code` (`en`, `fr`, `es`); `None` for any other.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Codes of every known language, for error messages.
    pub fn known_codes() -> String {
        Lang::ALL.map(Lang::code).join(", ")
    }

    fn to_whatlang(self) -> whatlang::Lang {
        match self {
            Lang::En => whatlang::Lang::Eng,
            Lang::Fr => whatlang::Lang::Fra,
            Lang::Es => whatlang::Lang::Spa,
        }
    }

    fn from_whatlang(lang: whatlang::Lang) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.to_whatlang() == lang)
    }

    /// The entry of `map` in `lang`, else in `fallback`, else in any
    /// language, with the language it is in: what a reader of `lang` is
    /// shown of a text not written in every language.
    pub fn pick<T>(map: &BTreeMap<Lang, T>, lang: Lang, fallback: Lang) -> Option<(Lang, &T)> {
        map.get_key_value(&lang)
            .or_else(|| map.get_key_value(&fallback))
            .or_else(|| map.iter().next())
            .map(|(l, v)| (*l, v))
    }

    /// CLDR cardinal rule: is `n` in the plural category "one"?
    /// (French counts 0 and 1 as singular; English and Spanish only 1.)
    pub fn is_plural_one(self, n: usize) -> bool {
        match self {
            Lang::Fr => n <= 1,
            Lang::En | Lang::Es => n == 1,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Lang::from_code(code.trim()).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown language `{}` (known: {})",
                // Escaped: a stray control character (NUL, a tab) must show.
                code.escape_debug(),
                Lang::known_codes()
            ))
        })
    }
}

/// The outcome of detecting one text's language.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Detection {
    /// The language detected, always one of the detector's allowlist.
    pub lang: Lang,
    /// How sure the detector is, from 0 to 1.
    pub confidence: f64,
    /// Whether the detector deems its guess reliable.
    pub reliable: bool,
}

/// Detects languages among an allowlist (the site's languages).
///
/// whatlang alone answers with languages outside any list for single-language
/// scripts (Greek, Hebrew...), so its answer is checked against the list too.
pub struct Detector {
    inner: whatlang::Detector,
    allowed: Vec<Lang>,
}

/// A paragraph shorter than this is too little evidence to mark it as being
/// in another language than its reply.
const MIN_PARAGRAPH_CHARS: usize = 80;
/// How sure detection must be before a paragraph is marked as another language.
const MIN_PARAGRAPH_CONFIDENCE: f64 = 0.5;

/// Detection time grows with the text while its answer settles within a few
/// thousand characters: long texts are judged on their beginning.
const SAMPLE_BYTES: usize = 2000;
const PARAGRAPH_SAMPLE_BYTES: usize = 200;

fn sample(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

impl Detector {
    /// A detector that answers only with one of `allowed`.
    pub fn new(allowed: &[Lang]) -> Detector {
        let list = allowed.iter().map(|l| l.to_whatlang()).collect();
        Detector {
            inner: whatlang::Detector::with_allowlist(list),
            allowed: allowed.to_vec(),
        }
    }

    /// The language of a whole text (a long one is judged on its beginning);
    /// `None` when it cannot be told, or is none of the allowed languages.
    pub fn detect(&self, text: &str) -> Option<Detection> {
        let info = self.inner.detect(sample(text, SAMPLE_BYTES))?;
        let lang = Lang::from_whatlang(info.lang()).filter(|l| self.allowed.contains(l))?;
        Some(Detection {
            lang,
            confidence: info.confidence(),
            reliable: info.is_reliable(),
        })
    }

    /// The language of one paragraph when it clearly differs from `context`.
    ///
    /// Unlike a whole reply, a paragraph may well be in none of the site's
    /// languages (an Italian address, a Latin motto): it is only marked when
    /// detection among *all* languages lands on an allowed one.
    pub fn paragraph_lang(&self, text: &str, context: Lang) -> Option<Lang> {
        // On a one-language site, among replies in its language, detection
        // can only answer that language or nothing: no paragraph is marked.
        if self.allowed == [context] || text.chars().count() < MIN_PARAGRAPH_CHARS {
            return None;
        }
        let text = sample(text, PARAGRAPH_SAMPLE_BYTES);
        // Detection among the few allowed languages is cheap and settles most
        // paragraphs; only a paragraph that seems to differ pays for the full one.
        if self.detect(text)?.lang == context {
            return None;
        }
        let info = whatlang::detect(text)?;
        let lang = Lang::from_whatlang(info.lang()).filter(|l| self.allowed.contains(l))?;
        (lang != context && info.is_reliable() && info.confidence() >= MIN_PARAGRAPH_CONFIDENCE)
            .then_some(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_are_named_with_control_characters_escaped() {
        let err = serde_saphyr::from_str::<Lang>("\"en\\0\"").expect_err("unknown");
        let text = err.to_string();
        assert!(text.contains("`en\\0`"), "{text}");
        assert!(!text.contains('\0'), "{text}");
        assert_eq!(serde_saphyr::from_str::<Lang>("no").ok(), None);
        assert_eq!(serde_saphyr::from_str::<Lang>("fr").ok(), Some(Lang::Fr));
    }
}
