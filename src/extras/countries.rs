//! Countries named in replies. A reply's `country:` is free text ("Spain",
//! "España", "ES", "esp"): when it is a country's name in English, French,
//! Spanish, Portuguese or Arabic, or its ISO 3166-1 alpha-2 or alpha-3 code, pages show the
//! country's name in their own language and statistics count its replies
//! together; anything else is shown as written. Open data keeps what was
//! written, beside the code.
//!
//! Names are CLDR's (the `intl` crate's tables); the list of ISO codes, their
//! alpha-3 forms and ISO's English names (matched too: "Russian Federation",
//! "Swaziland") come from `isocountry`.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::lang::Lang;

/// Territories CLDR names that ISO 3166-1 does not list (yet): Kosovo.
const NOT_IN_ISO: &[&str] = &["XK"];

/// Codes in everyday use that ISO reserves for a country with another code
/// (CLDR's territory aliases): the United Kingdom's "UK".
const CODE_ALIASES: &[(&str, &str)] = &[("UK", "GB")];

/// The languages in which a reply's `country:` is recognised by its name.
const MATCHED: [Lang; 5] = [Lang::EN, Lang::FR, Lang::ES, Lang::PT, Lang::AR];

/// Words left out when names are compared: "Trinidad & Tobago",
/// "Trinidad and Tobago" and "Trinidad y Tobago" are one name; so are "The
/// Gambia" and "Gambia".
const CONNECTORS: &[&str] = &["the", "and", "et", "y"];

/// A country: its ISO 3166-1 alpha-2 code (or CLDR's, for Kosovo).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Country(&'static str);

impl Country {
    /// The alpha-2 code, e.g. `ES`.
    pub fn code(self) -> &'static str {
        self.0
    }

    /// Its name in `lang`, from CLDR.
    pub fn name(self, lang: Lang) -> &'static str {
        tables()
            .display(lang)
            .get(self.0)
            .copied()
            .unwrap_or(self.0)
    }
}

/// The country `written` names, if it is a known name or code (case,
/// accents and punctuation aside).
pub fn find(written: &str) -> Option<Country> {
    let tables = tables();
    let letters: String = written
        .chars()
        .filter(|c| !matches!(c, '.' | ' '))
        .collect();
    if (2..=3).contains(&letters.len()) && letters.chars().all(|c| c.is_ascii_alphabetic()) {
        return tables
            .codes
            .get(letters.to_ascii_uppercase().as_str())
            .copied();
    }
    tables.names.get(&name_key(written)).copied()
}

/// How a reply's `country:` is shown on a page in `lang`: the country's name
/// in that language when it is known, else the text as written.
pub fn shown(written: &str, lang: Lang) -> String {
    match find(written) {
        Some(c) => c.name(lang).to_string(),
        None => written.trim().to_string(),
    }
}

/// The form names are compared in: ASCII, lower-case, words separated by
/// one space, without connectors, "St." as "saint".
pub fn name_key(text: &str) -> String {
    let folded = deunicode::deunicode(text).to_ascii_lowercase();
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !CONNECTORS.contains(w))
        .map(|w| if w == "st" { "saint" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

struct Tables {
    /// Alpha-2 and alpha-3 codes, upper-case.
    codes: HashMap<&'static str, Country>,
    /// Names by [`name_key`].
    names: HashMap<String, Country>,
    /// Every country.
    countries: Vec<Country>,
    /// CLDR's name of each country (by code) in each language, made when a
    /// language's is first asked for: CLDR's tables are read afresh on each
    /// lookup, every reply card shows a country, and a site shows a few of
    /// the fifty languages.
    display: HashMap<Lang, OnceLock<HashMap<&'static str, &'static str>>>,
}

impl Tables {
    fn display(&self, lang: Lang) -> &HashMap<&'static str, &'static str> {
        static NONE: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
        let cell = self.display.get(&lang).unwrap_or(&NONE);
        cell.get_or_init(|| {
            self.countries
                .iter()
                .filter_map(|c| Some((c.0, intl::display::region_name(lang.code(), c.0)?)))
                .collect()
        })
    }
}

/// Every country: its codes, and its names in the languages they are
/// matched in (CLDR's) and in ISO's English.
fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut codes = HashMap::new();
        let mut names = HashMap::new();
        let iso = isocountry::CountryCode::as_array_alpha2();
        let countries: Vec<Country> = iso
            .iter()
            .map(|c| Country(c.alpha2()))
            .chain(NOT_IN_ISO.iter().map(|&c| Country(c)))
            .collect();
        for c in iso {
            codes.insert(c.alpha3(), Country(c.alpha2()));
        }
        for &c in &countries {
            codes.insert(c.0, c);
        }
        for &(alias, code) in CODE_ALIASES {
            if let Some(&c) = codes.get(code) {
                codes.insert(alias, c);
            }
        }
        // CLDR's names first: where two countries share a name in different
        // languages, the first language's (en, then fr, es, pt, ar, then
        // ISO's) wins. Names in the other languages are shown, not matched:
        // across fifty languages, names collide ("Kongo").
        for lang in Lang::all().filter(|l| MATCHED.contains(l)) {
            for &c in &countries {
                if let Some(name) = intl::display::region_name(lang.code(), c.0) {
                    names.entry(name_key(name)).or_insert(c);
                }
            }
        }
        for c in iso {
            names
                .entry(name_key(c.name()))
                .or_insert(Country(c.alpha2()));
        }
        Tables {
            codes,
            names,
            countries,
            display: Lang::all().map(|l| (l, OnceLock::new())).collect(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(written: &str) -> Option<&'static str> {
        find(written).map(Country::code)
    }

    #[test]
    fn names_in_each_language_and_codes_find_the_country() {
        for written in [
            "Spain", "España", "espagne", "ESPAÑA", "ES", "es", "ESP", "esp", " Spain ",
        ] {
            assert_eq!(code(written), Some("ES"), "{written:?}");
        }
        assert_eq!(code("Côte d’Ivoire"), Some("CI"));
        assert_eq!(code("cote d'ivoire"), Some("CI"));
        assert_eq!(code("Trinidad and Tobago"), Some("TT"));
        assert_eq!(code("Trinidad y Tobago"), Some("TT"));
        assert_eq!(code("Saint Lucia"), Some("LC"));
        assert_eq!(code("Royaume-Uni"), Some("GB"));
        assert_eq!(code("UK"), Some("GB"));
        assert_eq!(code("U.S.A."), Some("US"));
        assert_eq!(code("Estados Unidos"), Some("US"));
        assert_eq!(code("The Netherlands"), Some("NL"));
        assert_eq!(code("Russian Federation"), Some("RU"));
        assert_eq!(code("Kosovo"), Some("XK"));
        assert_eq!(code("Maroc"), Some("MA"));
    }

    #[test]
    fn unknown_names_are_shown_as_written() {
        assert_eq!(code("Atlantis"), None);
        assert_eq!(code("Región de Murcia"), None);
        assert_eq!(code("QQ"), None);
        assert_eq!(shown(" Atlantis ", Lang::FR), "Atlantis");
    }

    #[test]
    fn known_countries_are_shown_in_the_page_language() {
        assert_eq!(shown("Spain", Lang::FR), "Espagne");
        assert_eq!(shown("espagne", Lang::ES), "España");
        assert_eq!(shown("ESP", Lang::EN), "Spain");
        assert_eq!(shown("Morocco", Lang::ES), "Marruecos");
        assert_eq!(shown("Allemagne", Lang::EN), "Germany");
    }

    #[test]
    fn every_iso_country_has_a_cldr_name_in_every_language_found_back_in_five() {
        let iso = isocountry::CountryCode::as_array_alpha2();
        assert!(iso.len() >= 249, "{} ISO countries", iso.len());
        for c in iso {
            for lang in Lang::all() {
                let name = intl::display::region_name(lang.code(), c.alpha2());
                assert!(
                    name.is_some_and(|n| !n.is_empty() && n != c.alpha2()),
                    "no {lang:?} name for {}",
                    c.alpha2()
                );
                // Each name finds its own country back.
                if !MATCHED.contains(&lang) {
                    continue;
                }
                assert_eq!(
                    code(name.unwrap_or_default()),
                    Some(c.alpha2()),
                    "{lang:?} name {name:?}"
                );
            }
        }
    }
}
