//! The languages a site may be written in: one row of data each.
//!
//! Names are CLDR's (the language's own name, as language switchers show it),
//! directions and plural rules CLDR's too. A language is added by adding a
//! row; its strings are the theme's `i18n/<code>.yaml`, and what a theme does
//! not translate is shown in the site's default language.

use rust_stemmers::Algorithm as Snowball;
use whatlang::Lang as W;

/// One language's data.
pub(super) struct Info {
    /// BCP 47 code, as in `lang` attributes, file names and URLs.
    pub code: &'static str,
    /// Its name in English, for messages on the command line.
    pub english: &'static str,
    /// Its name in itself (CLDR), for language switchers.
    pub native: &'static str,
    /// Written right to left.
    pub rtl: bool,
    /// How whatlang names it, when whatlang can detect it.
    pub whatlang: Option<W>,
    /// Its Snowball stemmer, when there is one.
    pub snowball: Option<Snowball>,
    /// How its counted phrases choose their form.
    pub plural: Rule,
    /// The Open Graph locale of its pages.
    pub locale: &'static str,
}

const fn row(
    code: &'static str,
    english: &'static str,
    native: &'static str,
    whatlang: Option<W>,
    snowball: Option<Snowball>,
    plural: Rule,
    locale: &'static str,
) -> Info {
    Info {
        code,
        english,
        native,
        rtl: false,
        whatlang,
        snowball,
        plural,
        locale,
    }
}

const fn rtl(info: Info) -> Info {
    Info { rtl: true, ..info }
}

/// Every language, English, French and Spanish first: their order is the
/// order of languages everywhere (menus, feeds, open data).
pub(super) static LANGUAGES: [Info; 50] = [
    row(
        "en",
        "English",
        "English",
        Some(W::Eng),
        Some(Snowball::English),
        Rule::One,
        "en_US",
    ),
    row(
        "fr",
        "French",
        "français",
        Some(W::Fra),
        Some(Snowball::French),
        Rule::ZeroOne,
        "fr_FR",
    ),
    row(
        "es",
        "Spanish",
        "español",
        Some(W::Spa),
        Some(Snowball::Spanish),
        Rule::One,
        "es_ES",
    ),
    row(
        "pt",
        "Portuguese",
        "português",
        Some(W::Por),
        Some(Snowball::Portuguese),
        Rule::ZeroOne,
        "pt_PT",
    ),
    rtl(row(
        "ar",
        "Arabic",
        "العربية",
        Some(W::Ara),
        Some(Snowball::Arabic),
        Rule::Arabic,
        "ar_AR",
    )),
    row(
        "de",
        "German",
        "Deutsch",
        Some(W::Deu),
        Some(Snowball::German),
        Rule::One,
        "de_DE",
    ),
    row(
        "it",
        "Italian",
        "italiano",
        Some(W::Ita),
        Some(Snowball::Italian),
        Rule::One,
        "it_IT",
    ),
    row(
        "nl",
        "Dutch",
        "Nederlands",
        Some(W::Nld),
        Some(Snowball::Dutch),
        Rule::One,
        "nl_NL",
    ),
    row(
        "ru",
        "Russian",
        "русский",
        Some(W::Rus),
        Some(Snowball::Russian),
        Rule::EastSlavic,
        "ru_RU",
    ),
    row(
        "uk",
        "Ukrainian",
        "українська",
        Some(W::Ukr),
        None,
        Rule::EastSlavic,
        "uk_UA",
    ),
    row(
        "be",
        "Belarusian",
        "беларуская",
        Some(W::Bel),
        None,
        Rule::EastSlavic,
        "be_BY",
    ),
    row(
        "pl",
        "Polish",
        "polski",
        Some(W::Pol),
        None,
        Rule::Polish,
        "pl_PL",
    ),
    row(
        "cs",
        "Czech",
        "čeština",
        Some(W::Ces),
        None,
        Rule::WestSlavic,
        "cs_CZ",
    ),
    row(
        "sk",
        "Slovak",
        "slovenčina",
        Some(W::Slk),
        None,
        Rule::WestSlavic,
        "sk_SK",
    ),
    row(
        "hr",
        "Croatian",
        "hrvatski",
        Some(W::Hrv),
        None,
        Rule::SouthSlavic,
        "hr_HR",
    ),
    row(
        "sr",
        "Serbian",
        "српски",
        Some(W::Srp),
        None,
        Rule::SouthSlavic,
        "sr_RS",
    ),
    row(
        "sl",
        "Slovenian",
        "slovenščina",
        Some(W::Slv),
        None,
        Rule::Slovenian,
        "sl_SI",
    ),
    row(
        "bg",
        "Bulgarian",
        "български",
        Some(W::Bul),
        None,
        Rule::One,
        "bg_BG",
    ),
    row(
        "mk",
        "Macedonian",
        "македонски",
        Some(W::Mkd),
        None,
        Rule::OneEndingInOne,
        "mk_MK",
    ),
    row(
        "ro",
        "Romanian",
        "română",
        Some(W::Ron),
        Some(Snowball::Romanian),
        Rule::Romanian,
        "ro_RO",
    ),
    row(
        "hu",
        "Hungarian",
        "magyar",
        Some(W::Hun),
        Some(Snowball::Hungarian),
        Rule::One,
        "hu_HU",
    ),
    row(
        "el",
        "Greek",
        "Ελληνικά",
        Some(W::Ell),
        Some(Snowball::Greek),
        Rule::One,
        "el_GR",
    ),
    row(
        "tr",
        "Turkish",
        "Türkçe",
        Some(W::Tur),
        Some(Snowball::Turkish),
        Rule::One,
        "tr_TR",
    ),
    row(
        "sv",
        "Swedish",
        "svenska",
        Some(W::Swe),
        Some(Snowball::Swedish),
        Rule::One,
        "sv_SE",
    ),
    row(
        "da",
        "Danish",
        "dansk",
        Some(W::Dan),
        Some(Snowball::Danish),
        Rule::One,
        "da_DK",
    ),
    row(
        "nb",
        "Norwegian Bokmål",
        "norsk bokmål",
        Some(W::Nob),
        Some(Snowball::Norwegian),
        Rule::One,
        "nb_NO",
    ),
    row(
        "fi",
        "Finnish",
        "suomi",
        Some(W::Fin),
        Some(Snowball::Finnish),
        Rule::One,
        "fi_FI",
    ),
    row(
        "et",
        "Estonian",
        "eesti",
        Some(W::Est),
        None,
        Rule::One,
        "et_EE",
    ),
    row(
        "lt",
        "Lithuanian",
        "lietuvių",
        Some(W::Lit),
        None,
        Rule::Lithuanian,
        "lt_LT",
    ),
    row(
        "lv",
        "Latvian",
        "latviešu",
        Some(W::Lav),
        None,
        Rule::Latvian,
        "lv_LV",
    ),
    row(
        "ca",
        "Catalan",
        "català",
        Some(W::Cat),
        None,
        Rule::One,
        "ca_ES",
    ),
    rtl(row(
        "he",
        "Hebrew",
        "עברית",
        Some(W::Heb),
        None,
        Rule::Hebrew,
        "he_IL",
    )),
    rtl(row(
        "fa",
        "Persian",
        "فارسی",
        Some(W::Pes),
        None,
        Rule::ZeroOne,
        "fa_IR",
    )),
    rtl(row(
        "ur",
        "Urdu",
        "اردو",
        Some(W::Urd),
        None,
        Rule::One,
        "ur_PK",
    )),
    rtl(row(
        "yi",
        "Yiddish",
        "ייִדיש",
        Some(W::Yid),
        None,
        Rule::One,
        "yi_DE",
    )),
    rtl(row("ps", "Pashto", "پښتو", None, None, Rule::One, "ps_AF")),
    row(
        "hi",
        "Hindi",
        "हिन्दी",
        Some(W::Hin),
        None,
        Rule::ZeroOne,
        "hi_IN",
    ),
    row(
        "bn",
        "Bangla",
        "বাংলা",
        Some(W::Ben),
        None,
        Rule::ZeroOne,
        "bn_BD",
    ),
    row(
        "ne",
        "Nepali",
        "नेपाली",
        Some(W::Nep),
        None,
        Rule::One,
        "ne_NP",
    ),
    row(
        "ta",
        "Tamil",
        "தமிழ்",
        Some(W::Tam),
        Some(Snowball::Tamil),
        Rule::One,
        "ta_IN",
    ),
    row(
        "zh",
        "Chinese",
        "中文",
        Some(W::Cmn),
        None,
        Rule::Other,
        "zh_CN",
    ),
    row(
        "ja",
        "Japanese",
        "日本語",
        Some(W::Jpn),
        None,
        Rule::Other,
        "ja_JP",
    ),
    row(
        "ko",
        "Korean",
        "한국어",
        Some(W::Kor),
        None,
        Rule::Other,
        "ko_KR",
    ),
    row(
        "vi",
        "Vietnamese",
        "Tiếng Việt",
        Some(W::Vie),
        None,
        Rule::Other,
        "vi_VN",
    ),
    row(
        "th",
        "Thai",
        "ไทย",
        Some(W::Tha),
        None,
        Rule::Other,
        "th_TH",
    ),
    row(
        "id",
        "Indonesian",
        "Indonesia",
        Some(W::Ind),
        None,
        Rule::Other,
        "id_ID",
    ),
    row(
        "am",
        "Amharic",
        "አማርኛ",
        Some(W::Amh),
        None,
        Rule::ZeroOne,
        "am_ET",
    ),
    row("sw", "Swahili", "Kiswahili", None, None, Rule::One, "sw_KE"),
    row(
        "ka",
        "Georgian",
        "ქართული",
        Some(W::Kat),
        None,
        Rule::One,
        "ka_GE",
    ),
    row(
        "hy",
        "Armenian",
        "հայերեն",
        Some(W::Hye),
        None,
        Rule::ZeroOne,
        "hy_AM",
    ),
];

/// A CLDR plural category, for whole numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// `zero` (Arabic 0, Latvian 0, 10–20…).
    Zero,
    /// `one`.
    One,
    /// `two` (Arabic, Hebrew, Slovenian).
    Two,
    /// `few`.
    Few,
    /// `many`.
    Many,
    /// `other`: every language has it.
    Other,
}

/// The CLDR cardinal rules of the table's languages, for whole numbers.
#[derive(Clone, Copy, Debug)]
pub(super) enum Rule {
    /// No forms by number (Chinese, Japanese…).
    Other,
    /// `one` for 1 (English, Spanish, German…).
    One,
    /// `one` for 0 and 1 (French, Portuguese, Hindi…).
    ZeroOne,
    /// `one` for 1, 21, 31… but not 11 (Macedonian).
    OneEndingInOne,
    /// Russian, Ukrainian, Belarusian.
    EastSlavic,
    /// Croatian, Serbian.
    SouthSlavic,
    /// Czech, Slovak.
    WestSlavic,
    Polish,
    Slovenian,
    Romanian,
    Lithuanian,
    Latvian,
    Hebrew,
    Arabic,
}

impl Rule {
    pub(super) fn category(self, n: usize) -> Category {
        use Category::*;
        let (n10, n100) = (n % 10, n % 100);
        let teen = (11..=19).contains(&n100);
        let slavic_few = (2..=4).contains(&n10) && !(12..=14).contains(&n100);
        match self {
            Rule::Other => Other,
            Rule::One => one_if(n == 1),
            Rule::ZeroOne => one_if(n <= 1),
            Rule::OneEndingInOne => one_if(n10 == 1 && n100 != 11),
            Rule::EastSlavic if n10 == 1 && n100 != 11 => One,
            Rule::Polish if n == 1 => One,
            Rule::EastSlavic | Rule::Polish if slavic_few => Few,
            Rule::EastSlavic | Rule::Polish => Many,
            Rule::SouthSlavic if n10 == 1 && n100 != 11 => One,
            Rule::SouthSlavic if slavic_few => Few,
            Rule::SouthSlavic => Other,
            Rule::WestSlavic => match n {
                1 => One,
                2..=4 => Few,
                _ => Other,
            },
            Rule::Slovenian => match n100 {
                1 => One,
                2 => Two,
                3 | 4 => Few,
                _ => Other,
            },
            Rule::Romanian if n == 1 => One,
            Rule::Romanian if n == 0 || (1..=19).contains(&n100) => Few,
            Rule::Romanian => Other,
            Rule::Lithuanian if n10 == 1 && !teen => One,
            Rule::Lithuanian if n10 >= 2 && !teen => Few,
            Rule::Lithuanian => Other,
            Rule::Latvian if n10 == 0 || teen => Zero,
            Rule::Latvian if n10 == 1 && n100 != 11 => One,
            Rule::Latvian => Other,
            Rule::Hebrew => match n {
                1 => One,
                2 => Two,
                _ => Other,
            },
            Rule::Arabic => match (n, n100) {
                (0, _) => Zero,
                (1, _) => One,
                (2, _) => Two,
                (_, 3..=10) => Few,
                (_, 11..=99) => Many,
                _ => Other,
            },
        }
    }
}

fn one_if(one: bool) -> Category {
    if one { Category::One } else { Category::Other }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Category::*;

    fn forms(rule: Rule, numbers: &[usize]) -> Vec<Category> {
        numbers.iter().map(|&n| rule.category(n)).collect()
    }

    #[test]
    fn plural_rules_follow_cldr_examples() {
        let n = [0, 1, 2, 3, 5, 11, 12, 21, 22, 25, 100, 101, 102, 111];
        assert_eq!(
            forms(Rule::Arabic, &n),
            [
                Zero, One, Two, Few, Few, Many, Many, Many, Many, Many, Other, Other, Other, Many
            ]
        );
        assert_eq!(
            forms(Rule::EastSlavic, &n),
            [
                Many, One, Few, Few, Many, Many, Many, One, Few, Many, Many, One, Few, Many
            ]
        );
        assert_eq!(
            forms(Rule::Polish, &n),
            [
                Many, One, Few, Few, Many, Many, Many, Many, Few, Many, Many, Many, Few, Many
            ]
        );
        assert_eq!(
            forms(Rule::ZeroOne, &n[..3]),
            [One, One, Other],
            "French: 0 and 1 are singular"
        );
        assert_eq!(forms(Rule::One, &n[..3]), [Other, One, Other]);
        assert_eq!(forms(Rule::Hebrew, &n[..4]), [Other, One, Two, Other]);
        assert_eq!(
            forms(Rule::Latvian, &[0, 1, 11, 21, 30]),
            [Zero, One, Zero, One, Zero]
        );
    }

    #[test]
    fn codes_are_unique_lower_case_and_the_first_five_are_the_named_ones() {
        let codes: Vec<&str> = LANGUAGES.iter().map(|l| l.code).collect();
        // `Lang::EN` … `Lang::AR` are the first five rows.
        assert_eq!(codes[..5], ["en", "fr", "es", "pt", "ar"]);
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
        assert!(
            codes
                .iter()
                .all(|c| c.bytes().all(|b| b.is_ascii_lowercase()))
        );
        for l in &LANGUAGES {
            assert_eq!(
                l.rtl,
                ["ar", "he", "fa", "ur", "yi", "ps"].contains(&l.code),
                "{}",
                l.code
            );
        }
    }
}
