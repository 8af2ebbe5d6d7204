//! A sender's name as it may be published: the display name, else the
//! address's local part made a name, and never an address in any form.

use std::sync::LazyLock;

use regex::Regex;

use crate::content::personal::ADDRESS_ANY as ADDRESS;

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in regex: {e}"))
}

// `@` or a spelled-out "at" between two words: an address, even without a
// domain that looks like one.
static LOOSE_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)@|＠|\S\s*[\[({<]\s*at\s*[\])}>]\s*\S|\w\s+at\s+\w+(\s+dot\s+|\.)\w")
});

/// Whether `text` holds an e-mail address, plain or disguised.
pub(super) fn has_address(text: &str) -> bool {
    LOOSE_ADDRESS.is_match(text)
}

/// The name to publish for a sender whose `From:` header gave `display`
/// (what the parser read as a name, which may be an address or hold one) and
/// `address`. The display name without any address in it ("andy at
/// example.com (Andy Grunwald)" gives "Andy Grunwald"); when nothing is left,
/// the address's local part as a name ("jean.dupont@example.fr" gives
/// "Jean Dupont"); `None` when there is nothing to go by.
pub fn author_name(display: Option<&str>, address: Option<&str>) -> Option<String> {
    let display = display.map(str::trim).unwrap_or_default();
    // "andy at example.com (Andy Grunwald)": the comment is the name.
    let mut candidates: Vec<String> = Vec::new();
    if let (Some(open), Some(close)) = (display.find('('), display.rfind(')'))
        && open < close
    {
        candidates.push(display[open + 1..close].to_string());
        candidates.push(format!("{}{}", &display[..open], &display[close + 1..]));
    }
    candidates.push(display.to_string());
    for candidate in candidates {
        if let Some(name) = clean_name(&candidate) {
            return Some(name);
        }
    }
    // No name: the local part of the address, or of one written as the name.
    let from_display = ADDRESS.find(display).map(|m| m.as_str().to_string());
    let local = address
        .filter(|a| !a.trim().is_empty())
        .map(str::to_string)
        .or(from_display)
        .and_then(|a| local_part(&a));
    local.and_then(|l| name_of_local_part(&l))
}

/// A display name without addresses, quotes and brackets; `None` when no
/// letter is left or something like an address remains.
pub(super) fn clean_name(name: &str) -> Option<String> {
    let without = ADDRESS.replace_all(name, " ");
    let cleaned: String = without
        .chars()
        .map(|c| {
            if matches!(c, '"' | '<' | '>' | '(' | ')' | '[' | ']' | '{' | '}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned = cleaned
        .trim_matches(|c: char| c == ',' || c == ';' || c == ':' || c == '\'' || c == '-')
        .trim()
        .to_string();
    if !cleaned.chars().any(char::is_alphabetic) || has_address(&cleaned) {
        return None;
    }
    Some(cleaned)
}

fn local_part(address: &str) -> Option<String> {
    let trimmed = address.trim().trim_start_matches('<').trim();
    let lower = trimmed.to_lowercase();
    let end = [
        "@", "＠", " at ", "[at]", "(at)", "{at}", "<at>", " [at", " (at",
    ]
    .iter()
    .filter_map(|sep| lower.find(sep))
    .min()
    .unwrap_or(trimmed.len());
    let local = trimmed.get(..end)?.trim();
    (!local.is_empty()).then(|| local.to_string())
}

/// "jean.dupont" gives "Jean Dupont", "ana_maria-lopez" "Ana Maria Lopez",
/// "jdoe42" "Jdoe"; `None` when no letter is left ("12345").
pub fn name_of_local_part(local: &str) -> Option<String> {
    // A tag after `+` (ana+lists) is not part of the name.
    let local = local.split('+').next().unwrap_or(local);
    let words: Vec<String> = local
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first: String = chars
                .next()
                .map(|c| c.to_uppercase().collect())
                .unwrap_or_default();
            first + &chars.as_str().to_lowercase()
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_form_of_an_address_becomes_a_name() {
        let name = |d: Option<&str>, a: Option<&str>| author_name(d, a);
        assert_eq!(
            name(
                Some("andy at example.com (Andy Grunwald)"),
                Some("andy@example.com")
            )
            .as_deref(),
            Some("Andy Grunwald")
        );
        assert_eq!(
            name(Some("andy at example.com (Andy Grunwald)"), None).as_deref(),
            Some("Andy Grunwald")
        );
        assert_eq!(
            name(Some("alice@example.com"), Some("bob@example.net")).as_deref(),
            Some("Bob")
        );
        assert_eq!(
            name(None, Some("jean.dupont@example.fr")).as_deref(),
            Some("Jean Dupont")
        );
        assert_eq!(
            name(
                Some("\"ana.lopez@example.es\""),
                Some("ana.lopez@example.es")
            )
            .as_deref(),
            Some("Ana Lopez")
        );
        assert_eq!(
            name(Some("pat [at] example [dot] org"), None).as_deref(),
            Some("Pat")
        );
        assert_eq!(
            name(Some("Ingo Lütkebohle <ingo@example.de>"), None).as_deref(),
            Some("Ingo Lütkebohle")
        );
        assert_eq!(
            name(Some("Atlanta at night"), None).as_deref(),
            Some("Atlanta at night")
        );
        assert_eq!(name(None, Some("12345@example.org")), None);
    }
}
