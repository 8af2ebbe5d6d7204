//! The draft summary of a question in one language: a skeleton for the
//! moderators, quoting the most representative passages with citations that
//! resolve once the file is copied into the discussion's `summaries/`.

use std::fmt::Write as _;

use super::QuestionBrief;
use crate::content::DRAFT_MARKER;
use crate::extras::countries;
use crate::i18n::Strings;
use crate::lang::Lang;
use crate::model::Reply;

/// The draft `<g>-<q>.<lang>.md` of question `q` in `lang`, worded in
/// `strings` (the strings of `lang`).
pub fn draft(q: &QuestionBrief<'_>, lang: Lang, strings: &Strings) -> String {
    let mut md = String::new();
    let id = q.question.id.to_string();
    let count = strings.count("replies", q.replies);
    // The marker keeps `check` warning until the moderators delete the line.
    let _ = writeln!(
        md,
        "<!-- {DRAFT_MARKER}: {} -->",
        strings.t("brief_draft_delete")
    );
    let _ = writeln!(
        md,
        "> **{}** {}\n",
        strings.t("brief_draft"),
        strings.fill(
            "brief_draft_notice",
            &[("replies", &count), ("question", &id)]
        )
    );
    let _ = writeln!(md, "{}\n", strings.t("brief_draft_write"));
    if q.replies == 0 {
        return md;
    }
    // The draft's own language first, then the others as their replies wrote.
    let mut languages: Vec<_> = q.languages.iter().collect();
    languages.sort_by_key(|l| l.lang != lang);
    let _ = writeln!(md, "## {}\n", strings.t("brief_points"));
    for l in &languages {
        if l.passages.is_empty() {
            continue;
        }
        if l.lang != lang {
            let name = strings.lang_name(l.lang);
            let _ = writeln!(
                md,
                "### {}\n",
                strings.fill("brief_passages_in", &[("language", name)])
            );
        }
        for p in &l.passages {
            let _ = writeln!(
                md,
                "- “{}” ({})",
                escape(&p.text),
                citation(p.reply, lang, strings)
            );
        }
        md.push('\n');
    }
    let phrases: Vec<String> = languages
        .iter()
        .filter(|l| !l.key_phrases.is_empty())
        .map(|l| {
            let list: Vec<&str> = l.key_phrases.iter().map(|k| k.text.as_str()).collect();
            format!("{} ({})", escape(&list.join(", ")), l.lang.code())
        })
        .collect();
    if !phrases.is_empty() {
        let _ = writeln!(
            md,
            "{}: {}.",
            strings.t("brief_key_phrases"),
            phrases.join("; ")
        );
    }
    md
}

/// `[Author, Country](../replies/<file>)`: a link to the reply's file, as
/// summaries cite replies.
fn citation(reply: &Reply, lang: Lang, strings: &Strings) -> String {
    let author = reply.author.as_deref().unwrap_or(strings.t("anonymous"));
    let mut label = escape(author);
    if let Some(country) = &reply.country {
        label.push_str(", ");
        label.push_str(&escape(&countries::shown(country, lang)));
    }
    let file = reply
        .source
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let target = format!("../replies/{file}");
    // Between angle brackets, an address may hold spaces and brackets.
    if target
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
    {
        format!("[{label}]({target})")
    } else {
        let escaped = target
            .replace('\\', "\\\\")
            .replace('<', "\\<")
            .replace('>', "\\>");
        format!("[{label}](<{escaped}>)")
    }
}

/// `text` with what Markdown would read as markup escaped, so that a quotation
/// shows as written.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|' | '!' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_in_quotations_is_escaped() {
        assert_eq!(
            escape("a *b* <script> [x](y) & c_d"),
            r"a \*b\* \<script\> \[x\](y) \& c\_d"
        );
    }
}
