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
/// A short line at least this long takes the language its words lean to when
/// statistics say the same.
const MIN_AGREEING_CHARS: usize = 20;
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

    /// The language of one long paragraph when it clearly differs from
    /// `context`; `None` for a short one or one in `context`.
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
        // Its words settle most paragraphs, and cost little; whatlang's
        // statistics, which miss more on a sentence or two, the others.
        let lang = match words_lang(text) {
            Words::Lang(lang) => lang,
            Words::Foreign => return None,
            Words::Unsure(lean) => {
                // Detection among the few allowed languages is cheap; only a
                // paragraph that seems to differ pays for the full one.
                if self.detect(text)?.lang == context {
                    return None;
                }
                let info = whatlang::detect(text)?;
                let lang = Lang::from_whatlang(info.lang()).filter(|l| self.allowed.contains(l))?;
                // Statistics alone must be sure; they may be less so when
                // the words lean the same way.
                let sure = info.is_reliable() && info.confidence() >= MIN_PARAGRAPH_CONFIDENCE;
                return (lang != context && (sure || lean == Some(lang))).then_some(lang);
            }
        };
        if lang == context || !self.allowed.contains(&lang) {
            return None;
        }
        // The guard: a paragraph that detection among all languages reliably
        // places outside the site's (Italian, Portuguese) stays unmarked,
        // however many of its words Spanish shares.
        match whatlang::detect(text) {
            Some(info) if info.is_reliable() && Lang::from_whatlang(info.lang()).is_none() => None,
            _ => Some(lang),
        }
    }

    /// The language to mark each block of a text written in `context` with
    /// (`None`: `context`).
    ///
    /// Long paragraphs are judged by [`Detector::paragraph_lang`]. Short
    /// ones (headings, greetings, signatures) are too short for statistics:
    /// they get a language of their own only when their words clearly say so
    /// ([`short_lang`]); otherwise they take their neighbours' — a heading
    /// the one of the text it opens, a paragraph the one of the text it ends.
    pub fn block_langs(&self, blocks: &[Block], context: Lang) -> Vec<Option<Lang>> {
        // Each block's own language, when it tells; `Some(None)` for one in
        // none of the site's languages, which neither takes nor lends one.
        let own: Vec<Option<Option<Lang>>> = blocks
            .iter()
            .map(|b| {
                if b.text.chars().count() >= MIN_PARAGRAPH_CHARS {
                    Some(Some(
                        self.paragraph_lang(&b.text, context).unwrap_or(context),
                    ))
                } else {
                    match words_lang(&b.text) {
                        Words::Lang(l) if self.allowed.contains(&l) => Some(Some(l)),
                        Words::Foreign => Some(None),
                        // Words and statistics, each weak on a short line,
                        // are trusted when they agree.
                        Words::Unsure(Some(lean))
                            if b.text.chars().count() >= MIN_AGREEING_CHARS
                                && self.detect(&b.text).is_some_and(|d| d.lang == lean) =>
                        {
                            Some(Some(lean))
                        }
                        _ => None,
                    }
                }
            })
            .collect();
        let known: Vec<Option<Lang>> = own.iter().map(|l| l.flatten()).collect();
        let before = |i: usize| known[..i].iter().rev().find_map(|l| *l);
        let after = |i: usize| known[i + 1..].iter().find_map(|l| *l);
        blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                if own[i] == Some(None) {
                    return None;
                }
                let lang = known[i].or_else(|| {
                    if b.heading {
                        after(i).or_else(|| before(i))
                    } else {
                        before(i).or_else(|| after(i))
                    }
                });
                lang.filter(|&l| l != context)
            })
            .collect()
    }
}

/// A paragraph or heading of a text, for [`Detector::block_langs`].
#[derive(Clone, Debug)]
pub struct Block {
    /// Its words, without markup.
    pub text: String,
    /// Whether it is a heading (it then belongs with the text after it).
    pub heading: bool,
}

/// Words typical of each language in the short lines of replies: function
/// words, greetings, closings and the usual headings. A word written alike in
/// two languages ("question", "de") is in both lists, and so tells nothing
/// between them.
const WORDS: [(Lang, &str); 3] = [
    (
        Lang::En,
        "a about after all also an and answer are as at background be best but by can \
         colleagues comments conclusion conclusions could dear do does everyone experience \
         for from further good greetings have hello hi how i in introduction is it its key \
         kind lessons many me more morning my next no not note of on or our overview points \
         question questions recommendations regards response sincerely so some steps summary \
         thank thanks that the their there these they this those to us very warm we what \
         when which who why will wishes with would you your yours",
    ),
    (
        Lang::Fr,
        "a à au aux avec bien bonjour bonne bonsoir car ce ces cette chère chères cher chers \
         clés collègues commentaires conclusion conclusions contexte cordialement dans de des \
         du elle en encore est et été être expérience exemple il ils je journée la le les \
         leçons leur leurs ma mais merci mes mon ne nos notre nous ou où par pas pistes \
         plus points pour prochaines que question questions qui recommandations remarques \
         remercie réponse résumé salutations salut son sont sur tous tout toutes très un une \
         vos votre vous y étapes également amicalement sincèrement introduction bien à vous",
    ),
    (
        Lang::Es,
        "a al atentamente abrazo buenas buenos clave colegas comentarios como con conclusión \
         conclusiones contexto cordiales cordial de del desde días el ella en es esta estas \
         este estimada estimadas estimado estimados estos experiencia ejemplo fue gracias ha \
         han hay hola introducción la las le les lecciones lo los mi mis muchas muchos muy \
         nuestra nuestras nuestro nuestros o para pasos pero por pregunta preguntas próximos \
         puntos que recomendaciones respuesta resumen saludo saludos se según sin sobre son su \
         sus también tardes todas todos un una unas unos usted ustedes y ya",
    ),
];

/// Letters written in one of the languages only.
const LETTERS: [(Lang, &str); 2] = [(Lang::Fr, "çœàèùâêîôûëï"), (Lang::Es, "ñ¿¡áíóú")];

/// What the words of a text say of its language.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Words {
    /// Clearly this one.
    Lang(Lang),
    /// Too few typical words, or nearly as many of two languages; with the
    /// one that has more, if one does.
    Unsure(Option<Lang>),
    /// Letters none of the languages uses (a German or Polish line).
    Foreign,
}

/// The language a text is clearly written in, from its words and letters.
fn words_lang(text: &str) -> Words {
    static LISTS: std::sync::LazyLock<[(Lang, std::collections::HashSet<&'static str>); 3]> =
        std::sync::LazyLock::new(|| {
            WORDS.map(|(l, words)| (l, words.split_whitespace().collect()))
        });
    let lower = text.to_lowercase();
    let foreign = lower.chars().any(|c| {
        c.is_alphabetic()
            && !c.is_ascii()
            && !LETTERS.iter().any(|(_, letters)| letters.contains(c))
            && c != 'é'
            && c != 'ü'
    });
    if foreign {
        return Words::Foreign;
    }
    let mut scores = [0usize; 3];
    let fr = Lang::ALL.iter().position(|l| *l == Lang::Fr).unwrap_or(0);
    let apostrophe = |c: char| c == '\'' || c == '\u{2019}';
    for token in lower.split(|c: char| !(c.is_alphabetic() || apostrophe(c))) {
        // French elision (`l'eau`, `qu'il`): a sign of its own; a lone
        // letter is more often a list's label ("C. Opportunities").
        let mut word = token.trim_matches(apostrophe);
        if let Some((head, rest)) = word.split_once(apostrophe)
            && matches!(head, "c" | "d" | "j" | "l" | "m" | "n" | "s" | "t" | "qu")
        {
            scores[fr] += 1;
            word = rest;
        }
        for (i, (_, list)) in LISTS.iter().enumerate() {
            scores[i] += usize::from(list.contains(word));
        }
    }
    // Without one typical word, letters alone tell little: they are mostly
    // those of a name ("Antonio García" signing a French reply).
    if scores.iter().all(|&s| s == 0) {
        return Words::Unsure(None);
    }
    // Each language's letters count once, however many are written.
    for (lang, letters) in LETTERS {
        if lower.chars().any(|c| letters.contains(c)) {
            scores[Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0)] += 1;
        }
    }
    let mut ranked: Vec<(usize, Lang)> = scores.iter().copied().zip(Lang::ALL).collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.0));
    let (best, lang) = ranked[0];
    let second = ranked[1].0;
    // Twice as many typical words; or, as French and Spanish share many
    // short ones ("de", "la", "en") that count for both, two more.
    if best > second && (best >= 2 * second || best - second >= 2) {
        Words::Lang(lang)
    } else {
        Words::Unsure((best > second).then_some(lang))
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
