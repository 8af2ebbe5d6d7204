//! Languages: the table of those a site may be written in, and detection of
//! a text's language.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod languages;

pub use languages::Category;
use languages::{Info, LANGUAGES};

/// A language a site may be written in: a row of the language table
/// (`lang/languages.rs`), so that any of them can be a site language.
///
/// Languages sort in the table's order (English, French, Spanish first).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lang(u8);

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Lang {
    /// English (`en`).
    pub const EN: Lang = Lang(0);
    /// French (`fr`).
    pub const FR: Lang = Lang(1);
    /// Spanish (`es`).
    pub const ES: Lang = Lang(2);
    /// Portuguese (`pt`).
    pub const PT: Lang = Lang(3);
    /// Arabic (`ar`).
    pub const AR: Lang = Lang(4);

    /// Every language palabre knows, in their sort order.
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..LANGUAGES.len()).map(|i| Lang(i as u8))
    }

    fn info(self) -> &'static Info {
        &LANGUAGES[usize::from(self.0)]
    }

    /// The BCP 47 code used in `lang` attributes, file names and URLs.
    pub fn code(self) -> &'static str {
        self.info().code
    }

    /// Its name in English, for messages on the command line.
    pub fn english_name(self) -> &'static str {
        self.info().english
    }

    /// Its name in itself (CLDR's), for language switchers.
    pub fn native_name(self) -> &'static str {
        self.info().native
    }

    /// Whether it is written right to left.
    pub fn is_rtl(self) -> bool {
        self.info().rtl
    }

    /// `rtl` or `ltr`, for `dir` attributes.
    pub fn dir(self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    /// The Open Graph locale of its pages (`fr_FR`).
    pub fn locale(self) -> &'static str {
        self.info().locale
    }

    /// Its Snowball stemmer's algorithm, if Snowball has one.
    pub fn snowball(self) -> Option<rust_stemmers::Algorithm> {
        self.info().snowball
    }

    /// The language whose code is exactly `code` (`en`, `pt`); `None` for any other.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::all().find(|l| l.code() == code)
    }

    /// Codes of every known language, for error messages.
    pub fn known_codes() -> String {
        Lang::list(Lang::all())
    }

    /// The codes of `langs`, comma-separated: "en, fr, es", for messages.
    pub fn list(langs: impl IntoIterator<Item = Lang>) -> String {
        langs
            .into_iter()
            .map(Lang::code)
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn to_whatlang(self) -> Option<whatlang::Lang> {
        self.info().whatlang
    }

    fn from_whatlang(lang: whatlang::Lang) -> Option<Lang> {
        Lang::all().find(|l| l.to_whatlang() == Some(lang))
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

    /// The CLDR plural category of the whole number `n` in this language.
    pub fn plural(self, n: usize) -> Category {
        self.info().plural.category(n)
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

/// A short fingerprint of a text's words: the first 8 hex digits of their
/// blake3 hash. Spaces and line breaks do not count, so re-wrapping a
/// paragraph does not make its translations out of date.
pub fn text_version(text: &str) -> String {
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    blake3::hash(words.as_bytes()).to_hex()[..8].to_string()
}

/// The translations of a text given in several languages (a title, a
/// question): the version of the original each was made from, as
/// `translated: {fr: "3f9a1c2e"}` beside the text records it (written by
/// `palabre translations mark` and `import`), and which are out of date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versions {
    /// Per translated language, the original's [`text_version`] it was made from.
    pub recorded: BTreeMap<Lang, String>,
    /// The languages whose text was made from an earlier version of the original.
    pub stale: std::collections::BTreeSet<Lang>,
}

impl Versions {
    /// The versions `recorded` for the translations of `text`, whose
    /// original is in `original`.
    pub fn of(
        text: &BTreeMap<Lang, String>,
        recorded: BTreeMap<Lang, String>,
        original: Lang,
    ) -> Versions {
        let current = text.get(&original).map(|t| text_version(t));
        let stale = recorded
            .iter()
            .filter(|(l, v)| {
                text.contains_key(l) && current.as_ref().is_some_and(|o| o != v.trim())
            })
            .map(|(&l, _)| l)
            .collect();
        Versions { recorded, stale }
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
    /// When the guess is unsure and detection among all languages reliably
    /// finds another, not a site language: that one. The text is then likely
    /// in none of the site's languages.
    pub outside: Option<Outside>,
}

/// What a reliable detection among all languages says, as an [`Outside`].
fn outside(all: Option<whatlang::Info>) -> Option<Outside> {
    all.filter(whatlang::Info::is_reliable).map(|all| Outside {
        name: all.lang().eng_name(),
        lang: Lang::from_whatlang(all.lang()),
    })
}

/// A language a text seems to be in, outside the site's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outside {
    /// Its name in English.
    pub name: &'static str,
    /// The language, when palabre knows it (it could be added to the site's).
    pub lang: Option<Lang>,
}

/// Detects languages among an allowlist (the site's languages).
///
/// whatlang alone answers with languages outside any list for single-language
/// scripts (Greek, Hebrew...), so its answer is checked against the list too.
pub struct Detector {
    inner: whatlang::Detector,
    allowed: Vec<Lang>,
    /// Whether some allowed language has no word list ([`WORDS`]): words
    /// then cannot tell it, and statistics decide.
    unlisted: bool,
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
        let list = allowed.iter().filter_map(|l| l.to_whatlang()).collect();
        Detector {
            inner: whatlang::Detector::with_allowlist(list),
            allowed: allowed.to_vec(),
            unlisted: allowed.iter().any(|&l| !listed(l)),
        }
    }

    /// The languages it answers with.
    pub fn languages(&self) -> &[Lang] {
        &self.allowed
    }

    /// The language of a whole text (a long one is judged on its beginning);
    /// `None` when it cannot be told, or is none of the allowed languages.
    pub fn detect(&self, text: &str) -> Option<Detection> {
        let text = sample(text, SAMPLE_BYTES);
        // Most replies are plainly in a site language: their words tell it
        // for a fraction of what statistics over all languages cost.
        if let Some(lang) = plainly(text).filter(|l| self.allowed.contains(l)) {
            return Some(Detection {
                lang,
                confidence: 1.0,
                reliable: true,
                outside: None,
            });
        }
        // Among all languages first: the answer is reliably a site language
        // for almost every reply, and when it is another, that is the guard
        // against forcing an unrelated language (Portuguese on a Spanish
        // site) into one of the site's, which restricted detection would do
        // reliably. Unsure answers (short replies, with many languages to
        // compete) are settled among the site's languages.
        let all = whatlang::detect(text);
        if let Some(info) = all.as_ref().filter(|i| {
            i.is_reliable()
                && Lang::from_whatlang(i.lang()).is_some_and(|l| self.allowed.contains(&l))
        }) {
            let lang = Lang::from_whatlang(info.lang())?;
            return Some(Detection {
                lang,
                confidence: info.confidence(),
                reliable: true,
                outside: None,
            });
        }
        Some(Detection {
            outside: outside(all),
            ..self.detect_among(text)?
        })
    }

    /// The language outside the site's that a text reliably reads like, if
    /// any: what to say of a reply whose language cannot be told.
    pub fn outside(&self, text: &str) -> Option<Outside> {
        outside(whatlang::detect(sample(text, SAMPLE_BYTES)))
            .filter(|o| o.lang.is_none_or(|l| !self.allowed.contains(&l)))
    }

    /// The language of a short text among the allowed ones only: cheaper,
    /// for paragraphs and lines whose reply's language is known.
    fn detect_among(&self, text: &str) -> Option<Detection> {
        let info = self.inner.detect(text)?;
        let lang = Lang::from_whatlang(info.lang()).filter(|l| self.allowed.contains(l))?;
        Some(Detection {
            lang,
            confidence: info.confidence(),
            reliable: info.is_reliable(),
            outside: None,
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
            Words::Foreign if self.unlisted => return self.statistics(text, context),
            Words::Foreign => return None,
            Words::Unsure(lean) => {
                // Detection among the few allowed languages is cheap; only a
                // paragraph that seems to differ pays for the full one.
                if self.detect_among(text)?.lang == context {
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
        // however many of its words Spanish shares; one it places in a site
        // language the word lists do not know (Portuguese) is in that one.
        match whatlang::detect(text) {
            Some(info) if info.is_reliable() => {
                match Lang::from_whatlang(info.lang()).filter(|l| self.allowed.contains(l)) {
                    None => None,
                    Some(stat) if !listed(stat) => (stat != context).then_some(stat),
                    Some(_) => Some(lang),
                }
            }
            _ => Some(lang),
        }
    }

    /// The language statistics among all languages reliably give `text`,
    /// when it is a site language other than `context`.
    fn statistics(&self, text: &str, context: Lang) -> Option<Lang> {
        let info = whatlang::detect(text).filter(whatlang::Info::is_reliable)?;
        Lang::from_whatlang(info.lang()).filter(|&l| l != context && self.allowed.contains(&l))
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
                        // Where a site language has no word list, a line
                        // that Portuguese writes alike ("Boa tarde a todos")
                        // could be claimed by Spanish's: statistics must agree.
                        Words::Lang(l)
                            if self.allowed.contains(&l)
                                && (!self.unlisted
                                    || self.detect_among(&b.text).is_some_and(|d| d.lang == l)) =>
                        {
                            Some(Some(l))
                        }
                        // A line in another script (Arabic in a French
                        // reply) is told by its letters.
                        Words::Foreign if self.unlisted => Some(
                            self.detect_among(&b.text)
                                .filter(|d| d.reliable)
                                .map(|d| d.lang),
                        ),
                        Words::Foreign => Some(None),
                        // Words and statistics, each weak on a short line,
                        // are trusted when they agree.
                        Words::Unsure(Some(lean))
                            if b.text.chars().count() >= MIN_AGREEING_CHARS
                                && self.detect_among(&b.text).is_some_and(|d| d.lang == lean) =>
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
        Lang::EN,
        "a about after all also an and answer are as at background be best but by can \
         colleagues comments conclusion conclusions could dear do does everyone experience \
         for from further good greetings have hello hi how i in introduction is it its key \
         kind lessons many me more morning my next no not note of on or our overview points \
         question questions recommendations regards response sincerely so some steps summary \
         thank thanks that the their there these they this those to us very warm we what \
         when which who why will wishes with would you your yours",
    ),
    (
        Lang::FR,
        "a à au aux avec bien bonjour bonne bonsoir car ce ces cette chère chères cher chers \
         clés collègues commentaires conclusion conclusions contexte cordialement dans de des \
         du elle en encore est et été être expérience exemple il ils je journée la le les \
         leçons leur leurs ma mais merci mes mon ne nos notre nous ou où par pas pistes \
         plus points pour prochaines que question questions qui recommandations remarques \
         remercie réponse résumé salutations salut son sont sur tous tout toutes très un une \
         vos votre vous y étapes également amicalement sincèrement introduction bien à vous",
    ),
    (
        Lang::ES,
        "a al atentamente abrazo buenas buenos clave colegas comentarios como con conclusión \
         conclusiones contexto cordiales cordial de del desde días el ella en es esta estas \
         este estimada estimadas estimado estimados estos experiencia ejemplo fue gracias ha \
         han hay hola introducción la las le les lecciones lo los mi mis muchas muchos muy \
         nuestra nuestras nuestro nuestros o para pasos pero por pregunta preguntas próximos \
         puntos que recomendaciones respuesta resumen saludo saludos se según sin sobre son su \
         sus también tardes todas todos un una unas unos usted ustedes y ya",
    ),
];

/// Whether `lang` has a word list in [`WORDS`].
fn listed(lang: Lang) -> bool {
    WORDS.iter().any(|(l, _)| *l == lang)
}

/// Letters written in one of the languages only.
const LETTERS: [(Lang, &str); 2] = [(Lang::FR, "çœàèùâêîôûëï"), (Lang::ES, "ñ¿¡áíóú")];

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

/// A text needs this many words before its words alone settle its language.
const MIN_PLAIN_WORDS: usize = 50;

/// The language a whole text is plainly written in, from the words only its
/// list has ([`WORDS`]): a fifth of its words at least, eight times as many
/// as another language's, and no letter none of the listed languages uses.
/// Texts in other languages (Portuguese, Italian, Catalan) fall short of
/// each of these, so detection among all languages would say the same.
fn plainly(text: &str) -> Option<Lang> {
    static OWN: std::sync::LazyLock<[(Lang, rustc_hash::FxHashSet<&'static str>); 3]> =
        std::sync::LazyLock::new(|| {
            WORDS.map(|(l, words)| {
                let others = || WORDS.iter().filter(move |(o, _)| *o != l);
                let own = words
                    .split_whitespace()
                    .filter(|w| others().all(|(_, list)| !list.split_whitespace().any(|o| o == *w)))
                    .collect();
                (l, own)
            })
        });
    let lower = crate::util::text::lowercase(text);
    if lower.chars().any(foreign) {
        return None;
    }
    let mut words = 0;
    let mut scores = [0usize; 3];
    for word in lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        for (score, (_, own)) in scores.iter_mut().zip(OWN.iter()) {
            *score += usize::from(own.contains(word));
        }
    }
    let best = (0..scores.len()).max_by_key(|&i| scores[i])?;
    let clear = words >= MIN_PLAIN_WORDS
        && scores[best] * 5 >= words
        && scores
            .iter()
            .enumerate()
            .all(|(i, &s)| i == best || s * 8 <= scores[best]);
    clear.then_some(WORDS[best].0)
}

/// Whether `c` is a letter none of the listed languages writes.
fn foreign(c: char) -> bool {
    c.is_alphabetic()
        && !c.is_ascii()
        && !LETTERS.iter().any(|(_, letters)| letters.contains(c))
        && c != 'é'
        && c != 'ü'
}

/// The language a text is clearly written in, from its words and letters.
fn words_lang(text: &str) -> Words {
    static LISTS: std::sync::LazyLock<[(Lang, rustc_hash::FxHashSet<&'static str>); 3]> =
        std::sync::LazyLock::new(|| {
            WORDS.map(|(l, words)| (l, words.split_whitespace().collect()))
        });
    let lower = crate::util::text::lowercase(text);
    if lower.chars().any(foreign) {
        return Words::Foreign;
    }
    let mut scores = [0usize; 3];
    let position = |lang: Lang| WORDS.iter().position(|(l, _)| *l == lang).unwrap_or(0);
    let fr = position(Lang::FR);
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
    // Each language's letters count once, however many are written. None
    // is ASCII: other characters are not searched for.
    for (lang, letters) in LETTERS {
        if lower.chars().any(|c| !c.is_ascii() && letters.contains(c)) {
            scores[position(lang)] += 1;
        }
    }
    let mut ranked: Vec<(usize, Lang)> =
        scores.iter().copied().zip(WORDS.map(|(l, _)| l)).collect();
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
    fn no_language_letter_is_ascii() {
        // `words_lang` looks for them among non-ASCII characters only.
        for (lang, letters) in LETTERS {
            assert!(
                !letters.chars().any(|c| c.is_ascii()),
                "{lang:?}: {letters}"
            );
        }
    }

    #[test]
    fn unknown_codes_are_named_with_control_characters_escaped() {
        let err = serde_saphyr::from_str::<Lang>("\"en\\0\"").expect_err("unknown");
        let text = err.to_string();
        assert!(text.contains("`en\\0`"), "{text}");
        assert!(!text.contains('\0'), "{text}");
        assert_eq!(serde_saphyr::from_str::<Lang>("no").ok(), None);
        assert_eq!(serde_saphyr::from_str::<Lang>("fr").ok(), Some(Lang::FR));
    }

    /// The text of every reply of the sample and of the five-language
    /// fixture, its Markdown as written.
    fn replies() -> Vec<(std::path::PathBuf, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut found = Vec::new();
        let mut folders = vec![
            root.join("content"),
            root.join("tests/fixtures/five-languages"),
        ];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).expect("fixture folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.parent().is_some_and(|p| p.ends_with("replies"))
                    && path.extension().is_some_and(|e| e == "md")
                {
                    let text = std::fs::read_to_string(&path).expect("reply");
                    let body = text.splitn(3, "---").nth(2).unwrap_or(&text);
                    found.push((path, body.to_string()));
                }
            }
        }
        found
    }

    #[test]
    fn plain_words_agree_with_statistics_over_all_languages() {
        let replies = replies();
        let mut plain = 0;
        for (path, text) in &replies {
            let text = sample(text, SAMPLE_BYTES);
            if let Some(lang) = plainly(text) {
                plain += 1;
                let all = whatlang::detect(text).expect("detected");
                assert!(
                    all.is_reliable() && Lang::from_whatlang(all.lang()) == Some(lang),
                    "{}: words say {lang}, statistics {:?}",
                    path.display(),
                    all
                );
            }
        }
        // Most replies are settled by their words: the shortcut is taken.
        assert!(plain * 2 > replies.len(), "{plain} of {}", replies.len());
    }

    #[test]
    fn texts_in_unlisted_languages_are_not_plainly_listed_ones() {
        let portuguese = "A participação das comunidades locais é essencial para a gestão da água. \
            Nos municípios do norte, os comitês de bacia reúnem agricultores, empresas e \
            associações de moradores, que discutem todos os meses como dividir a água entre \
            os usos. Sem esse diálogo, os conflitos seriam resolvidos nos tribunais, e os mais \
            pobres ficariam sem voz. Por isso defendemos que o governo apoie esses comitês com \
            recursos e formação para os seus membros, como se faz em outros países da região.";
        let italian = "La partecipazione delle comunità locali è essenziale per la gestione \
            dell'acqua. Nei comuni del nord, i comitati di bacino riuniscono agricoltori, \
            imprese e associazioni di residenti, che discutono ogni mese come dividere l'acqua \
            tra gli usi. Senza questo dialogo, i conflitti sarebbero risolti nei tribunali e i \
            più poveri resterebbero senza voce. Per questo chiediamo che il governo sostenga \
            questi comitati con risorse e formazione per i loro membri.";
        let catalan = "La participació de les comunitats locals és essencial per a la gestió de \
            l'aigua. Als municipis del nord, els comitès de conca reuneixen pagesos, empreses i \
            associacions de veïns, que discuteixen cada mes com repartir l'aigua entre els usos. \
            Sense aquest diàleg, els conflictes es resoldrien als tribunals i els més pobres \
            quedarien sense veu. Per això defensem que el govern doni suport a aquests comitès \
            amb recursos i formació per als seus membres, com es fa en altres països.";
        // Written without the letters that would tell them apart at once,
        // their words alone must not pass for Spanish or French.
        let plain_letters = |text: &str| -> String {
            text.chars()
                .map(|c| match c {
                    'ã' | 'à' | 'á' => 'a',
                    'õ' | 'ò' | 'ó' | 'ô' => 'o',
                    'ç' => 'c',
                    'ê' | 'è' | 'é' => 'e',
                    'ì' | 'í' | 'ï' => 'i',
                    'ù' | 'ú' => 'u',
                    c => c,
                })
                .collect()
        };
        for text in [portuguese, italian, catalan] {
            assert_eq!(plainly(text), None, "{text}");
            assert_eq!(plainly(&plain_letters(text)), None, "{text}");
        }
        let english = "The participation of local communities is essential to the management \
            of water. In the northern municipalities, the basin committees bring together \
            farmers, businesses and residents' associations, who discuss every month how to \
            share the water between its uses. Without this dialogue, the conflicts would be \
            settled in court and the poorest would have no voice. That is why we ask the \
            government to support these committees with resources and training.";
        assert_eq!(plainly(english), Some(Lang::EN));
    }
}
