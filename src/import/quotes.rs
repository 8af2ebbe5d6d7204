//! What the sender wrote, without what they quoted: quoted lines and the
//! attribution lines above them go, the answers written above, between or
//! under quotes stay.

use std::sync::LazyLock;

use regex::Regex;

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in regex: {e}"))
}

// A whole attribution line, as mail programs write it above a quote:
// "On Mon, 8 Jul 2013 at 10:00, Ada <ada@example.org> wrote:" (Gmail, Apple
// Mail, Thunderbird), "Marc Slemko wrote:", "Le … a écrit :", "El … escribió:",
// Gmail's older "2016-04-14 11:06 GMT+02:00 Ada <ada@example.org>:", and the
// rules Outlook and others put over a quoted or forwarded message.
static ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?ix)^\s*(?:
            .{0,300}\b(?:wrote|writes|a\s+écrit|escribió|ha\s+escrito|schrieb|scrisse|escreveu)\s*:
          | \d{4}-\d{2}-\d{2}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:GMT[+-]\d{1,2}:?\d{2}|UTC|[+-]\d{4})?\s+.{1,200}:
          | -{2,}\s*(?:original\s+message|message\s+d'origine|mensaje\s+original|forwarded\s+message|message\s+transféré|mensaje\s+reenviado)\s*-{2,}
          | \*?begin\s+forwarded\s+message\s*:\*?
        )\s*$",
    )
});

// Gmail's dated attribution, "2016-04-14 11:06 GMT+02:00 Ana <ana@…>:".
static GMAIL_DATED: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^\s*\d{4}-\d{2}-\d{2}\s+\d{1,2}:\d{2}"));

// Rules after which all that follows is an earlier message, not quoted line
// by line (Outlook, forwards).
static EARLIER_MESSAGE_RULE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?ix)^\s*(?:
            -{2,}\s*(?:original\s+message|message\s+d'origine|mensaje\s+original|forwarded\s+message|message\s+transféré|mensaje\s+reenviado)\s*-{2,}
          | \*?begin\s+forwarded\s+message\s*:\*?
        )\s*$",
    )
});

// The first line of an attribution that mail programs wrapped.
static ATTRIBUTION_START: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)^\s*(?:on|le|el|am|il|em|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})\b.+")
});
static ATTRIBUTION_END: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?:\b(?:wrote|writes|a\s+écrit|escribió|ha\s+escrito|schrieb|scrisse|escreveu)\s*|>)\s*:\s*$",
    )
});

// The header block Outlook puts above a quoted message: "From: ..." then
// "Sent:"/"Date:" (French "De :" / "Envoyé :", Spanish "De:" / "Enviado el:").
// Markdown from HTML may write the names in bold.
static OUTLOOK_FROM: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)^\s*\**\s*(?:from|de|von)\s*\**\s*:\s*\**\s*\S"));
static OUTLOOK_NEXT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^\s*\**\s*(?:sent|date|envoyé|enviado(?:\s+el)?|fecha|to|à|para|cc|subject|objet|asunto|gesendet|an|betreff)\s*\**\s*:",
    )
});

/// Whether `line` starts the sender's signature (`-- `, RFC 3676; `--` alone
/// after a blank line, as clients that trim spaces send it: after text, it
/// would underline a Markdown heading) or a mailing list's footer (a rule of
/// underscores, as Mailman and Outlook add).
fn starts_signature(line: &str, previous: Option<&str>) -> bool {
    line == "-- "
        || (line == "--" && previous.is_none_or(|p| p.trim().is_empty()))
        || (line.len() >= 30 && line.chars().all(|c| c == '_'))
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// Removes what the sender quoted: lines starting with `>`, the attribution
/// line above a quote ("On ... wrote:", "Marc Slemko wrote:", "Le ... a écrit :",
/// "El ... escribió:", Gmail's "2016-04-14 11:06 GMT+02:00 Ada <…>:"),
/// and everything from an earlier message that is not quoted line by line
/// (an attribution with no quote under it, "-----Original Message-----",
/// Outlook's "From: … / Sent: …" block, "De : … / Envoyé : …",
/// "De: … / Enviado el: …"), a signature or a list footer, to the end.
/// What the sender wrote above, between or under quotes stays; where a quote
/// was, paragraphs are kept apart. Blank runs are collapsed, ends trimmed.
pub fn strip_quotes(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.lines().collect();
    let next_text = |from: usize| (from..lines.len()).find(|&j| !lines[j].trim().is_empty());
    let mut out: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if is_quoted(line) {
            // A quote stands between paragraphs.
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push("");
            }
            i += 1;
            continue;
        }
        if starts_signature(line, i.checked_sub(1).map(|p| lines[p]))
            || EARLIER_MESSAGE_RULE.is_match(line)
        {
            break;
        }
        let outlook_block = OUTLOOK_FROM.is_match(line)
            && lines[i + 1..]
                .iter()
                .take(3)
                .any(|l| OUTLOOK_NEXT.is_match(l));
        if outlook_block {
            break;
        }
        // An attribution, on one line or wrapped over up to three.
        let attribution_lines = if ATTRIBUTION.is_match(line) {
            // "… wrote:" alone may be the sender's own words introducing a
            // citation: an attribution only when a quote follows it.
            let unquoted_under = next_text(i + 1).is_some_and(|j| !is_quoted(lines[j]));
            if unquoted_under
                && !ATTRIBUTION_START.is_match(line)
                && !EARLIER_MESSAGE_RULE.is_match(line)
                && !GMAIL_DATED.is_match(line)
            {
                out.push(line.trim_end());
                i += 1;
                continue;
            }
            Some(1)
        } else if ATTRIBUTION_START.is_match(line) && !is_quoted(line) {
            (1..=2)
                .find(|&k| {
                    lines.get(i + k).is_some_and(|l| {
                        !is_quoted(l)
                            && ATTRIBUTION_END.is_match(l)
                            && lines[i + 1..i + k].iter().all(|m| !m.trim().is_empty())
                    })
                })
                .map(|k| k + 1)
        } else {
            None
        };
        if let Some(n) = attribution_lines {
            let after = i + n;
            match next_text(after) {
                // Quoted line by line: the quote goes, what follows stays.
                Some(j) if is_quoted(lines[j]) => {
                    i = after;
                    continue;
                }
                // Nothing under it, or the earlier message unquoted: all goes.
                _ => break,
            }
        }
        let line = line.trim_end();
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            i += 1;
            continue;
        }
        out.push(line);
        i += 1;
    }
    // What mail programs leave under the text: the rule an HTML quote had
    // above it, "Sent from my iPhone".
    while out
        .last()
        .is_some_and(|l| l.is_empty() || THEMATIC_BREAK.is_match(l) || SENT_FROM.is_match(l))
    {
        out.pop();
    }
    out.join("\n")
}

static THEMATIC_BREAK: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^\s*(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$"));
static SENT_FROM: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^\s*(?:sent\s+from\s+my|envoyé\s+de\s+mon|enviado\s+desde\s+mi|get\s+outlook\s+for|obtenir\s+outlook\s+pour|obtener\s+outlook\s+para)\b.{0,60}$",
    )
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_quotes_in_three_languages() {
        for attribution in [
            "On Mon, 8 Jul 2013 at 10:00, Ada <ada@example.org> wrote:",
            "Le lun. 8 juil. 2013 à 10:00, Ada <ada@example.org> a écrit :",
            "El lun, 8 jul 2013 a las 10:00, Ada (<ada@example.org>) escribió:",
            "-----Original Message-----",
            "-----Message d'origine-----",
            "De : Ada\nEnvoyé : lundi 8 juillet 2013",
            "De: Ada\nEnviado el: lunes, 8 de julio de 2013 10:00",
            "From: Ada\nSent: Monday, July 8, 2013 10:00 AM",
            "**From:** Ada\n**Sent:** Monday, July 8, 2013 10:00 AM",
            "Marc Slemko wrote:",
            "2016-04-14 11:06 GMT+02:00 Ada Lovelace <ada@example.org>:",
        ] {
            let text = format!("My answer.\n\n{attribution}\n> old text\nmore old text\n");
            let kept = strip_quotes(&text);
            assert!(
                kept == "My answer." || kept == "My answer.\n\nmore old text",
                "{attribution}: {kept}"
            );
            // Unquoted under the attribution, the earlier message goes whole;
            // but "Name wrote:" without a quote under it may be the sender's
            // own words, and stays.
            let text = format!("My answer.\n\n{attribution}\nold text\n");
            let kept = if attribution == "Marc Slemko wrote:" {
                text.trim_end()
            } else {
                "My answer."
            };
            assert_eq!(strip_quotes(&text), kept, "{attribution}");
        }
        let wrapped =
            "Mine.\nOn Mon, 8 Jul 2013 at 10:00, Ada Lovelace\n<ada@example.org> wrote:\n> old";
        assert_eq!(strip_quotes(wrapped), "Mine.");
        assert_eq!(strip_quotes("a\n> q\n\n\n\nb\n"), "a\n\nb");
    }

    #[test]
    fn answers_under_and_between_quotes_stay() {
        let bottom = "On Tue, Mar 3, 2015 at 9:12 AM, Bo <bo@example.org> wrote:\n> Will the old packages be deprecated / obsolete?\n\nAt least for a while, we're planning to still maintain them.\n";
        assert_eq!(
            strip_quotes(bottom),
            "At least for a while, we're planning to still maintain them."
        );
        let hello = "On Mon, 8 Jul 2013, Ada wrote:\n> Hi\nHello";
        assert_eq!(strip_quotes(hello), "Hello");
        let citing = "As the minister wrote:\nWe must act now.\n\nI agree.";
        assert_eq!(strip_quotes(citing), citing);
        let between = "> First question?\nFirst answer.\n> Second question?\nSecond answer.\n";
        assert_eq!(strip_quotes(between), "First answer.\n\nSecond answer.");
        let outlook_html = "Yes, question 1.1.\n\n* * *\n\n**From:** Ana\n**Sent:** Monday\n\nOld.";
        assert_eq!(strip_quotes(outlook_html), "Yes, question 1.1.");
        let phone = "Sí.\n\nEnviado desde mi iPhone\n\nEl 8 jul 2013, Ana escribió:\n> ¿Y?";
        assert_eq!(strip_quotes(phone), "Sí.");
    }

    #[test]
    fn signatures_and_list_footers_go() {
        assert_eq!(
            strip_quotes("My answer.\n\n-- \nAda Lovelace\nCity of X"),
            "My answer."
        );
        assert_eq!(
            strip_quotes("My answer.\n\n--\nAda\n+33 1 23"),
            "My answer."
        );
        let footer = format!(
            "My answer.\n{}\nM4D mailing list\nhttps://lists.example.org/m4d",
            "_".repeat(47)
        );
        assert_eq!(strip_quotes(&footer), "My answer.");
        // Right under a line of text, `--` underlines a Markdown heading: kept.
        assert_eq!(strip_quotes("Context\n--\nText."), "Context\n--\nText.");
    }
}
