//! E-mail addresses and phone numbers in a reply's text: published with it
//! unless the moderator takes them out, so `check` and `build` warn about them.

use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::Diagnostic;

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in regex: {e}"))
}

const LOCAL: &str = r"[\w.+'%=~!#$&*^`{|}-]+";
const PART: &str = r"[\w-]+";
const AT_BRACKETED: &str = r"\s*[\[({<]\s*at\s*[\])}>]\s*";
const DOT_SPELLED: &str = r"(?:\s+dot\s+|\s*[\[({<]\s*dot\s*[\])}>]\s*)";

/// An address written in a text: `ana@example.org`, `ana [at] example.org`,
/// `ana (at) example (dot) org`, `ana at example dot org`. "at" and "dot" as
/// words only count together, so that "see the report at www.example.org"
/// is no address.
pub(crate) static ADDRESS_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i){LOCAL}\s*[@＠]\s*{PART}(?:\.{PART})*\.[a-z]{{2,}}\b|{LOCAL}{AT_BRACKETED}{PART}(?:(?:\.|{DOT_SPELLED}){PART})*|\b{LOCAL}\s+at\s+{PART}(?:(?:\.|{DOT_SPELLED}){PART})*{DOT_SPELLED}[a-z]{{2,}}\b"
    ))
});

/// Any address form, for a sender's name, where "andy at example.com" is
/// one: [`ADDRESS_IN_TEXT`], an `@` before any domain, and "at" as a word
/// before a dotted domain.
pub(crate) static ADDRESS_ANY: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)<?\s*(?:{LOCAL}\s*[@＠]\s*{PART}(?:\s*\.\s*{PART})*|{LOCAL}{AT_BRACKETED}{PART}(?:(?:\s*\.\s*|{DOT_SPELLED}){PART})*|{LOCAL}\s+at\s+{PART}(?:(?:\.|{DOT_SPELLED}){PART})+)\s*>?"
    ))
});

// Phone numbers as written across Europe, Africa and the Americas:
// international (+33 1 23 45 67 89, 0033 1…, +1 (555) 123-4567), French
// (01 23 45 67 89), North American ((555) 123-4567, 555-123-4567), and any
// number after a label (Tel., Tél. :, Teléfono:, Phone:, Fax, Mobile, Cel.).
// Dates, years, ranges ("2013-2014", "1.000-2.000") and ids have too few
// digits or none of these shapes.
//
// Each shape starts after the start of the line or a character that is no
// word character: a word starts there, as `\b` would require. Without `\b`
// in it, the regex is searched by its fast engine in any text, not only in
// ASCII text (a paragraph with one non-ASCII character took the slow one).
static PHONE: LazyLock<Regex> = LazyLock::new(|| regex(PHONE_PATTERN));

const PHONE_PATTERN: &str = r"(?xi)
    (?:^|[^\w+])(
        (?:\+|00)[1-9]\d{0,2}[\s.-]?(?:\(0\)\s?)?(?:\(\d{1,4}\)|\d{1,4})(?:[\s.-]?\d{2,4}){2,4}
      | 0[1-9](?:[\s.-]?\d{2}){4}
      | \(\d{3}\)\s?\d{3}[\s.-]\d{4}
      | \d{3}[.-]\d{3}[.-]\d{4}
      | (?:tel|tél|tlf|teléfono|telefono|téléphone|telephone|phone|fax|mobile|portable|móvil|movil|cel|cell|celular)\.?\s*:?\s*\+?[\d(][\d\s().-]{6,}\d
    )(?:\W|$)";

/// Whether `text` holds an e-mail address ([`ADDRESS_IN_TEXT`]).
pub fn has_address(text: &str) -> bool {
    may_hold_address(text) && ADDRESS_IN_TEXT.is_match(text)
}

/// Whether `text` has what one form of [`ADDRESS_IN_TEXT`] needs: an `@`,
/// "at" or "dot" in brackets, or "dot" between spaces. Most lines have none,
/// and the regex, whose word boundaries are Unicode's, runs without its fast
/// engine on non-ASCII text: half the time of reading a reply went to it.
fn may_hold_address(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr(b'@', bytes).is_some()
        || memchr::memmem::find(bytes, "＠".as_bytes()).is_some()
        || bracketed(text, &["at", "dot"])
        || spaced(text, "dot")
}

/// Whether `text` holds one of `words` (ASCII, any case) in brackets, spaces
/// allowed inside them: `[at]`, `( dot )`.
fn bracketed(text: &str, words: &[&str]) -> bool {
    let bytes = text.as_bytes();
    let mut opening =
        memchr::memchr3_iter(b'[', b'(', b'{', bytes).chain(memchr::memchr_iter(b'<', bytes));
    opening.any(|i| {
        // After an ASCII bracket: a character boundary.
        let inside = text[i + 1..].trim_start();
        words.iter().any(|word| {
            inside
                .get(..word.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(word))
                && inside[word.len()..]
                    .trim_start()
                    .starts_with([']', ')', '}', '>'])
        })
    })
}

/// Whether `text` holds `word` (ASCII letters, any case) with white space on
/// both sides.
fn spaced(text: &str, word: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(&first) = word.as_bytes().first() else {
        return false;
    };
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        bytes,
    )
    .any(|i| {
        // At an ASCII letter: a character boundary.
        bytes[i..]
            .get(..word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word.as_bytes()))
            && text[..i].ends_with(char::is_whitespace)
            && text
                .get(i + word.len()..)
                .is_some_and(|rest| rest.starts_with(char::is_whitespace))
    })
}

fn digits(s: &str) -> usize {
    s.chars().filter(char::is_ascii_digit).count()
}

/// The phone numbers of `text`, as written.
pub fn phone_numbers(text: &str) -> Vec<&str> {
    if !may_hold_phone(text) {
        return Vec::new();
    }
    phone_matches(&PHONE, text)
}

/// Whether `text` has eight ASCII digits with only digits, white space and
/// `().+-` between them: every number [`PHONE`] finds is written so (a
/// label's letters come before its digits). Most lines have no such run.
fn may_hold_phone(text: &str) -> bool {
    // Most lines have fewer than eight digits in all.
    if text.bytes().filter(u8::is_ascii_digit).nth(7).is_none() {
        return false;
    }
    let mut digits = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            if digits == 8 {
                return true;
            }
        } else if !(c.is_whitespace() || c.is_numeric() || matches!(c, '(' | ')' | '.' | '+' | '-'))
        {
            digits = 0;
        }
    }
    false
}

/// The numbers `pattern` ([`PHONE`]) finds in `text`, with eight to fifteen
/// digits.
fn phone_matches<'t>(pattern: &Regex, text: &'t str) -> Vec<&'t str> {
    pattern
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str().trim())
        .filter(|m| (8..=15).contains(&digits(m)))
        .collect()
}

/// Warnings for each address and phone number in `body`, whose first line is
/// line `first_line` of `path`.
pub(crate) fn warnings(path: &std::path::Path, body: &str, first_line: usize) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut in_code = false;
    for (i, line) in body.lines().enumerate() {
        // Code blocks are shown as written, but what they hold is rarely
        // someone's contact: fenced blocks are left alone.
        if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let line_number = first_line + i;
        let addresses = may_hold_address(line).then(|| ADDRESS_IN_TEXT.find_iter(line));
        for m in addresses.into_iter().flatten() {
            // A `mailto:` link was written to be published (the import
            // never makes one): only addresses left in the text are warned of.
            let before = line[..m.start()].to_ascii_lowercase();
            if before.ends_with("mailto:") {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    path,
                    Some(line_number),
                    format!(
                        "the reply shows an e-mail address, `{}`: it would be published",
                        m.as_str().trim()
                    ),
                )
                .hint("remove it from the text unless its owner agreed to publish it"),
            );
        }
        for phone in phone_numbers(line) {
            out.push(
                Diagnostic::warning(
                    path,
                    Some(line_number),
                    format!("the reply shows a phone number, `{phone}`: it would be published"),
                )
                .hint("remove it from the text unless its owner agreed to publish it"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_every_disguise_are_found() {
        for text in [
            "write to ana.lopez@example.es today",
            "ana [at] example.org",
            "ana (at) example (dot) org",
            "ana at example dot org",
            "Ana <ana@example.org>",
        ] {
            assert!(has_address(text), "{text}");
        }
        for text in [
            "see the report at www.example.org.",
            "we met at home. Then we left",
            "follow @ana on social media",
            "https://social.example/@ana",
            "2013-07-08 at 10:00",
        ] {
            assert!(!has_address(text), "{text}");
        }
    }

    proptest::proptest! {
        /// The cheap test never turns away a line the regex would match.
        #[test]
        fn lines_turned_away_hold_no_address(
            local in "[a-zA-Z.]{1,8}",
            host in "[a-zA-Z]{1,8}",
            at in r"[@＠]|\s*[\[({<]\s*(at|AT)\s*[\])}>]\s*| at ",
            dot in r"\.|\s*[\[({<]\s*(dot|Dot)\s*[\])}>]\s*|\s+dot\s+",
            around in r"[a-zé \t\u{a0}(\[@.]{0,12}",
        ) {
            let line = format!("{around}{local}{at}{host}{dot}org{around}");
            if ADDRESS_IN_TEXT.is_match(&line) {
                proptest::prop_assert!(may_hold_address(&line), "{line:?}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(1024))]
        /// The cheap test never turns away a line the regex finds a number
        /// in (about a quarter of these lines hold one).
        #[test]
        fn lines_turned_away_hold_no_phone_number(
            label in r"((Tel|Tél|Móvil|Phone|Fax|cel)\.?:? ?)?",
            number in r"(\+[1-9][0-9]{0,2}|00[1-9][0-9]?|0[1-9]|\([0-9]{3}\)|[0-9]{1,3})(\(0\))?([ .\-/\u{a0}\u{2009}]?[0-9]{1,2}٣?[0-9]{1,2}){2,5}",
            around in r"[a-zé0-9 \t\u{a0}:,;/.+-]{0,8}",
        ) {
            let line = format!("{around}{label}{number}{around}");
            if !phone_matches(&PHONE, &line).is_empty() {
                proptest::prop_assert!(may_hold_phone(&line), "{line:?}");
            }
        }
    }

    #[test]
    fn mail_links_are_left_alone() {
        let path = std::path::Path::new("r.md");
        let found = warnings(
            path,
            "[Write](mailto:ana@example.org)\nor ana@example.org",
            6,
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].to_string().contains("r.md:7:"), "{}", found[0]);
    }

    #[test]
    fn phone_numbers_but_not_dates_years_ranges_or_ids() {
        for (text, phone) in [
            ("Call +33 1 23 45 67 89.", "+33 1 23 45 67 89"),
            ("Tél. : 01 23 45 67 89", "01 23 45 67 89"),
            ("Tel: (555) 123-4567", "(555) 123-4567"),
            ("Móvil: 612 345 678", "Móvil: 612 345 678"),
            ("0034 91 123 45 67", "0034 91 123 45 67"),
            ("+221 33 869 00 00", "+221 33 869 00 00"),
        ] {
            let found = phone_numbers(text);
            assert!(
                found.len() == 1 && found[0].ends_with(phone),
                "{text}: {found:?}"
            );
        }
        for text in [
            "On 2013-07-08 we met; 08/07/2013 too.",
            "From 2013-2014 to 2015–2016.",
            "Between 1.000-2.000 people, 15 000 000 in total.",
            "Case 2013/0456/EC, ISBN 978-3-16-148410-0.",
            "Question 1.2, week 3, 10:00-12:00.",
            "Budget: 1 200 000 EUR in 2013.",
        ] {
            assert!(
                phone_numbers(text).is_empty(),
                "{text}: {:?}",
                phone_numbers(text)
            );
        }
    }

    /// The phone pattern as it was written with `\b` before each shape,
    /// which the fast engine cannot search for in non-ASCII text.
    const PHONE_WITH_BOUNDARIES: &str = r"(?xi)
        (?:^|[^\w+])(
            (?:\+|\b00)[1-9]\d{0,2}[\s.-]?(?:\(0\)\s?)?(?:\(\d{1,4}\)|\d{1,4})(?:[\s.-]?\d{2,4}){2,4}
          | \b0[1-9](?:[\s.-]?\d{2}){4}
          | \(\d{3}\)\s?\d{3}[\s.-]\d{4}
          | \b\d{3}[.-]\d{3}[.-]\d{4}
          | \b(?:tel|tél|tlf|teléfono|telefono|téléphone|telephone|phone|fax|mobile|portable|móvil|movil|cel|cell|celular)\.?\s*:?\s*\+?[\d(][\d\s().-]{6,}\d
        )(?:\W|$)";

    /// Lines of digits, separators, labels and letters of several scripts
    /// (a word character just before a number is what `\b` was about).
    fn phone_line() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just("0"),
            Just("1"),
            Just("6"),
            Just("9"),
            Just("12"),
            Just("345"),
            Just("00"),
            Just("٣"),
            Just(" "),
            Just("\u{a0}"),
            Just("."),
            Just("-"),
            Just("("),
            Just(")"),
            Just("+"),
            Just(":"),
            Just("_"),
            Just("a"),
            Just("é"),
            Just("ñ"),
            Just("ب"),
            Just("Tel"),
            Just("Tél. : "),
            Just("Móvil"),
            Just("fax"),
            Just("celular "),
            Just("+33 "),
            Just("(555) "),
            Just("0612"),
        ];
        proptest::collection::vec(piece, 0..24).prop_map(|p| p.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]

        /// Dropping `\b` changed no number found: each shape already starts
        /// after the line's start or a non-word character.
        #[test]
        fn phone_numbers_are_found_as_with_word_boundaries(line in phone_line()) {
            static WITH_BOUNDARIES: LazyLock<Regex> =
                LazyLock::new(|| regex(PHONE_WITH_BOUNDARIES));
            proptest::prop_assert_eq!(
                phone_matches(&PHONE, &line),
                phone_matches(&WITH_BOUNDARIES, &line),
                "{:?}",
                line
            );
        }
    }
}
