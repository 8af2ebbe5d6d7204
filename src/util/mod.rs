//! Small helpers that any layer may use: they know nothing of discussions,
//! pages or files of the site.

pub mod fragment;
pub mod html;
pub mod text;

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// What `m` guards, even if another thread panicked while holding it.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Adds the Debug form of `value` to `h`: it holds every field, and the
/// strings in it are quoted and escaped.
pub fn hash_debug(h: &mut blake3::Hasher, value: &impl fmt::Debug) {
    // One update: many small ones cost more than building the string.
    h.update(format!("{value:?}").as_bytes());
}

/// An error with its causes, which often hold the useful part.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// Raised whenever what the build cache stores changes meaning within a version.
const CACHE_FORMAT: u32 = 9;

/// The first line of every file of the build cache, and the start of every
/// key made for it: what another version of palabre wrote is never used.
pub fn cache_header() -> String {
    format!("palabre-cache {} {CACHE_FORMAT}", env!("CARGO_PKG_VERSION"))
}

/// The length of the checks the build cache's files carry: the first bytes
/// of the blake3 hash of what they check, enough to tell bytes cut short or
/// damaged (not to resist a forger: the cache is palabre's own).
pub const CHECK: usize = 8;

/// The check of `parts`, one after the other.
pub fn check_of(parts: &[&[u8]]) -> [u8; CHECK] {
    let mut h = blake3::Hasher::new();
    for part in parts {
        h.update(part);
    }
    check_from(&h)
}

fn check_from(h: &blake3::Hasher) -> [u8; CHECK] {
    let mut check = [0; CHECK];
    check.copy_from_slice(&h.finalize().as_bytes()[..CHECK]);
    check
}

/// Writes through to a writer, making the [check](check_of) of what it
/// writes: for a file saved as it is serialised.
pub struct Checked<W> {
    inner: W,
    hash: blake3::Hasher,
}

impl<W: std::io::Write> Checked<W> {
    /// Writes to `inner`.
    pub fn new(inner: W) -> Checked<W> {
        Checked {
            inner,
            hash: blake3::Hasher::new(),
        }
    }

    /// The writer, and the check of all that was written to it.
    pub fn finish(self) -> (W, [u8; CHECK]) {
        let check = check_from(&self.hash);
        (self.inner, check)
    }
}

impl<W: std::io::Write> std::io::Write for Checked<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(bytes)?;
        self.hash.update(&bytes[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The web address made from a name (a reply's file name without `.md`, a
/// discussion's folder name, an author's name for a new file), as the `slug`
/// crate makes it: lowercase ASCII letters and digits, every other letter
/// written without its accents ("García" gives `garcia`, "Łódź" `lodz`,
/// "中国" `zhong-guo`), and each run of anything else (spaces, `_`, `.`, `'`,
/// `&`...) one `-`, never first or last. Empty when the name has no letter
/// or digit (`!!!`): the caller decides what that means.
///
/// Two names with the same address would be one page: the site refuses them.
pub fn address(name: &str) -> String {
    slug::slugify(name)
}

/// Whether `c` may stand in a page's address as it is: an ASCII letter or
/// digit, `-`, `_` or `.`. Such text needs no escaping in a URL, an HTML
/// attribute or a file name on any host.
pub fn is_safe_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Whether `name` is made of [safe](is_safe_char) characters only, and is no
/// hidden file name (a leading `.`).
pub fn is_safe_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && name.chars().all(is_safe_char)
}

/// The scheme of a link's address (`https` in `https://example.org`,
/// `mailto`), when it has one.
pub fn scheme(dest: &str) -> Option<&str> {
    let (scheme, _) = dest.trim().split_once(':')?;
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    is_scheme.then_some(scheme)
}

/// Whether a link's address leads somewhere that depends on the page it is
/// on: it has no scheme, no `//host`, and is more than a `#fragment`.
pub fn is_relative(dest: &str) -> bool {
    let dest = dest.trim();
    !(dest.is_empty() || dest.starts_with('#') || dest.starts_with("//")) && scheme(dest).is_none()
}

/// Appends `text` to `out` with `&`, `<`, `>` and `"` as XML entities, and
/// without the characters XML 1.0 forbids (control characters but tab and
/// line breaks, U+FFFE, U+FFFF).
pub fn push_xml_escaped(text: &str, out: &mut String) {
    // Runs of characters that stay as they are are copied whole, found by a
    // table of the bytes that may need more: a Word document's text is
    // almost all of them.
    const SPECIAL: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            t[b] = true;
            b += 1;
        }
        t[b'&' as usize] = true;
        t[b'<' as usize] = true;
        t[b'>' as usize] = true;
        t[b'"' as usize] = true;
        t[0xEF] = true;
        t
    };
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut at = 0;
    while let Some(found) = bytes[at..].iter().position(|&b| SPECIAL[usize::from(b)]) {
        let i = at + found;
        at = i + 1;
        let replacement = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\t' | b'\n' | b'\r' => continue,
            0..0x20 => "",
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => {
                out.push_str(&text[start..i]);
                start = i + 3;
                at = i + 3;
                continue;
            }
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(replacement);
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

/// `text` with each character replaced by what `entity` gives for it (`None`:
/// kept as it is): the character-by-character definition that escaping
/// functions, which copy runs of bytes, are tested against.
#[cfg(test)]
pub(crate) fn escaped_by_chars(
    text: &str,
    entity: impl Fn(char) -> Option<&'static str>,
) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match entity(c) {
            Some(e) => out.push_str(e),
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping_replaces_markup_and_drops_what_xml_forbids() {
        let mut out = String::from("<w:t>");
        push_xml_escaped(
            "Tom & Jerry <b>\"é\"</b>\u{1}\ttab\nline\u{fffe}\u{ffff}\u{fffd}中",
            &mut out,
        );
        assert_eq!(
            out,
            "<w:t>Tom &amp; Jerry &lt;b&gt;&quot;é&quot;&lt;/b&gt;\ttab\nline\u{fffd}中"
        );
        let mut plain = String::new();
        push_xml_escaped("nothing to escape", &mut plain);
        assert_eq!(plain, "nothing to escape");
    }

    proptest::proptest! {
        /// Escaping by runs writes what escaping character by character does.
        #[test]
        fn xml_escaping_is_escaping_character_by_character(
            text in "[a-z&<>\"' \t\n\r\u{0}\u{1}\u{1f}é\u{fffd}\u{fffe}\u{ffff}\u{feff}中]{0,40}"
        ) {
            let expected = escaped_by_chars(&text, |c| match c {
                '&' => Some("&amp;"),
                '<' => Some("&lt;"),
                '>' => Some("&gt;"),
                '"' => Some("&quot;"),
                '\t' | '\n' | '\r' => None,
                '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => Some(""),
                _ => None,
            });
            let mut out = String::new();
            push_xml_escaped(&text, &mut out);
            proptest::prop_assert_eq!(out, expected);
        }
    }

    #[test]
    fn addresses_are_names_made_web_safe() {
        for (name, expected) in [
            ("003-josé", "003-jose"),
            ("003-José", "003-jose"),
            // The same name with its accent as a combining mark (macOS).
            ("003-jose\u{301}", "003-jose"),
            ("niño", "nino"),
            ("Antonio García-Nieto", "antonio-garcia-nieto"),
            ("Ñandú & Çà", "nandu-ca"),
            ("J. R. R. Tolkien", "j-r-r-tolkien"),
            ("Łódź", "lodz"),
            ("中国", "zhong-guo"),
            (" ¿Qué? ", "que"),
            ("001_ana.v2", "001-ana-v2"),
            ("001-anonymous", "001-anonymous"),
            ("!!!", ""),
            ("", ""),
        ] {
            assert_eq!(address(name), expected, "{name:?}");
            assert_eq!(
                address(expected),
                expected,
                "{expected:?} is its own address"
            );
        }
    }

    #[test]
    fn safe_names() {
        assert!(is_safe_name("001-ana_b.v2"));
        for bad in ["", ".hidden", "a/b", "a b", "josé", "a%20b"] {
            assert!(!is_safe_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn relative_addresses() {
        for relative in ["x.md", "../a/b.html", "a/b:c", "page?x=1", " x "] {
            assert!(is_relative(relative), "{relative:?}");
        }
        for absolute in [
            "https://example.org",
            "mailto:a@b.org",
            "javascript:alert(1)",
            "//cdn.example.org/x",
            "#top",
            "",
        ] {
            assert!(!is_relative(absolute), "{absolute:?}");
        }
        assert_eq!(scheme("HTTPS://example.org"), Some("HTTPS"));
        assert_eq!(scheme("a:b/c"), Some("a"));
        assert_eq!(scheme("1a:b"), None);
    }
}
