//! Contributing from the page: `contribute:` gives the moderators' address;
//! the overview, group and question pages of a discussion offer a `mailto:`
//! link in every site language, whose subject names the discussion and the
//! questions and whose body is a translated template; `palabre import` reads
//! both back, and the reply lands on the right question pages.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

const MODERATORS: &str = "m4d+water@example.org";

const SITE_YAML: &str = "title: {en: Water, fr: Eau, es: Agua}\nlanguages: [en, fr, es]\nbase_url: \"\"\ncontribute: {email: \"m4d+water@example.org\"}\n";

const DISCUSSION: &str = r#"---
title: {en: "Water in growing cities", fr: "L'eau dans les villes", es: "El agua en las ciudades"}
opens: 2024-03-04
closes: 2024-03-15
groups:
  - id: 1
    title: {en: "Week 1: access", fr: "Semaine 1 : l'accès", es: "Semana 1: el acceso"}
    questions:
      - id: 1
        text: {en: "Who lacks safe water?", fr: "Qui manque d'eau potable ?", es: "¿Quién carece de agua potable?"}
      - id: 2
        text: {en: "What has been done & by whom?", fr: "Qu'a-t-on fait, et qui ?", es: "¿Qué se ha hecho y quién?"}
  - id: 2
    questions:
      - id: 1
        text: {en: "How is it paid for?", fr: "Comment est-ce financé ?", es: "¿Cómo se financia?"}
---
Welcome.
"#;

/// The fixture: site-wide `contribute:`, discussion `water` (closes
/// 2024-03-15), and discussion `energy` without `closes`.
fn fixture() -> Site {
    let site = Site::empty();
    site.write("site.yaml", SITE_YAML);
    site.write("water/_discussion.md", DISCUSSION);
    site.write(
        "energy/_discussion.md",
        "---\ntitle: {en: Energy}\ngroups:\n  - id: 1\n    questions:\n      - id: 1\n        text: {en: \"Which energy?\"}\n---\nHello.\n",
    );
    fs::create_dir_all(site.content.join("water/replies")).expect("folder");
    fs::create_dir_all(site.content.join("energy/replies")).expect("folder");
    site
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .expect("UTF-8 once decoded")
        .into_owned()
}

/// The offer of a built page: its link's text, address, subject and body.
struct Offer {
    text: String,
    to: String,
    subject: String,
    body: String,
    href: String,
}

fn offer(out: &Path, rel: &str) -> Offer {
    let html = page(out, rel);
    let links: Vec<_> = html.select(&sel(".contribute a.contribute-link")).collect();
    assert_eq!(links.len(), 1, "{rel}: one contribute link");
    let href = links[0].value().attr("href").expect("href").to_string();
    let rest = href.strip_prefix("mailto:").expect("a mailto: link");
    let (to, query) = rest.split_once('?').expect("subject and body");
    // RFC 6068: nothing but unreserved characters and escapes in the fields.
    for c in query.chars() {
        assert!(
            c.is_ascii_alphanumeric() || "-._~%=&".contains(c),
            "{rel}: `{c}` left raw in {href}"
        );
    }
    let mut subject = None;
    let mut body = None;
    for field in query.split('&') {
        let (k, v) = field.split_once('=').expect("field=value");
        match k {
            "subject" => subject = Some(decode(v)),
            "body" => body = Some(decode(v)),
            other => panic!("{rel}: unexpected field {other}"),
        }
    }
    Offer {
        text: text_of(links[0]),
        to: decode(to),
        subject: subject.expect("subject"),
        body: body.expect("body"),
        href,
    }
}

/// (language, link text, body template) as the default theme words them.
const WORDS: [(&str, &str, &str); 3] = [
    (
        "en",
        "Send your contribution by e-mail",
        "Name:\r\nOrganisation:\r\nCountry:\r\n\r\nYour answer:\r\n\r\n",
    ),
    (
        "fr",
        "Envoyer votre contribution par courriel",
        "Nom:\r\nOrganisation:\r\nPays:\r\n\r\nVotre réponse:\r\n\r\n",
    ),
    (
        "es",
        "Enviar su contribución por correo electrónico",
        "Nombre:\r\nOrganización:\r\nPaís:\r\n\r\nSu respuesta:\r\n\r\n",
    ),
];

#[test]
fn every_page_that_offers_it_links_to_the_moderators_in_every_language() {
    let site = fixture();
    site.build_ok();
    for (lang, link_text, body) in WORDS {
        let pages = [
            (format!("{lang}/water/index.html"), "[water] "),
            (
                format!("{lang}/water/week-1/index.html"),
                "[water 1.1 1.2] ",
            ),
            (
                format!("{lang}/water/week-1/question-2/index.html"),
                "[water 1.2] ",
            ),
            (format!("{lang}/water/week-2/index.html"), "[water 2.1] "),
            (
                format!("{lang}/water/week-2/question-1/index.html"),
                "[water 2.1] ",
            ),
            (format!("{lang}/energy/index.html"), "[energy] "),
        ];
        for (rel, tag) in &pages {
            let o = offer(&site.out, rel);
            assert_eq!(o.text, link_text, "{rel}");
            assert_eq!(o.to, MODERATORS, "{rel}");
            assert!(
                o.href.starts_with("mailto:m4d%2Bwater@example.org?"),
                "{rel}"
            );
            assert!(o.subject.starts_with(tag), "{rel}: {}", o.subject);
            assert_eq!(o.body, body, "{rel}");
        }
        let q = offer(
            &site.out,
            &format!("{lang}/water/week-1/question-2/index.html"),
        );
        let text = match lang {
            "en" => "What has been done & by whom?",
            "fr" => "Qu'a-t-on fait, et qui ?",
            _ => "¿Qué se ha hecho y quién?",
        };
        assert_eq!(q.subject, format!("[water 1.2] {text}"));
        // The section is named, in the page's language, and says where the
        // message goes.
        let html = page(
            &site.out,
            &format!("{lang}/water/week-1/question-2/index.html"),
        );
        let section = html
            .select(&sel("section.contribute"))
            .next()
            .expect("section");
        assert_eq!(
            section.value().attr("aria-labelledby"),
            Some("contribute-heading")
        );
        assert!(text_of(section).contains(MODERATORS), "{lang}");
    }
}

#[test]
fn the_closing_day_is_decided_in_the_page_by_a_script_and_shown_beside_the_link() {
    let site = fixture();
    site.build_ok();
    for lang in LANGS {
        let rel = format!("{lang}/water/week-1/question-1/index.html");
        let html = page(&site.out, &rel);
        let section = html
            .select(&sel("section.contribute"))
            .next()
            .expect("section");
        assert_eq!(section.value().attr("data-closes"), Some("2024-03-15"));
        let until = html
            .select(&sel(".contribute-open .contribute-until"))
            .next()
            .expect("closing day beside the link");
        let closed = html
            .select(&sel("p.contribute-closed[hidden]"))
            .next()
            .expect("closed notice, hidden until the script shows it");
        let (until_text, closed_text) = match lang {
            "en" => ("15 March 2024", "closed on 15 March 2024"),
            "fr" => ("15 mars 2024", "a pris fin le 15 mars 2024"),
            _ => ("15 de marzo de 2024", "terminó el 15 de marzo de 2024"),
        };
        assert!(
            text_of(until).contains(until_text),
            "{lang}: {}",
            text_of(until)
        );
        assert!(
            text_of(closed).contains(closed_text),
            "{lang}: {}",
            text_of(closed)
        );
        let scripts: Vec<_> = html
            .select(&sel("script[src]"))
            .filter_map(|s| s.value().attr("src"))
            .collect();
        assert!(
            scripts.contains(&"../../../../static/contribute.js"),
            "{scripts:?}"
        );
        // Without `closes`, always open: no script, no notice.
        let energy = page(&site.out, &format!("{lang}/energy/index.html"));
        assert!(energy.select(&sel("[data-closes]")).next().is_none());
        assert!(energy.select(&sel(".contribute-closed")).next().is_none());
        assert!(!energy.select(&sel("script[src]")).any(|s| {
            s.value()
                .attr("src")
                .is_some_and(|s| s.contains("contribute"))
        }));
    }
    assert!(site.out.join("static/contribute.js").is_file());
}

#[test]
fn the_address_is_only_on_the_pages_that_offer_the_link() {
    let site = fixture();
    site.write(
        "water/replies/001-ana.md",
        "---\nauthor: Ana\ndate: 2024-03-05\nanswers: [\"1.1\"]\nlang: en\n---\nIn our city, the people who lack safe water live in informal settlements.\n",
    );
    site.build_ok();
    for rel in all_files(&site.out) {
        let bytes = fs::read(site.out.join(&rel)).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        let holds = text.contains("m4d+water@example.org") || text.contains("m4d%2Bwater");
        let offers = rel.ends_with("/water/index.html")
            || rel.ends_with("/energy/index.html")
            || (rel.contains("/week-") && rel.ends_with("index.html"));
        assert_eq!(holds, offers, "{rel}");
    }
}

#[test]
fn a_discussion_may_give_its_own_address_and_without_any_there_is_no_offer() {
    let site = fixture();
    site.write(
        "site.yaml",
        "title: {en: Water}\nlanguages: [en, fr, es]\nbase_url: \"\"\n",
    );
    site.write(
        "water/_discussion.md",
        DISCUSSION.replacen(
            "groups:",
            "contribute:\n  email: water-team@example.net\ngroups:",
            1,
        ),
    );
    site.build_ok();
    let o = offer(&site.out, "fr/water/week-1/question-1/index.html");
    assert_eq!(o.to, "water-team@example.net");
    let energy = page(&site.out, "fr/energy/index.html");
    assert!(energy.select(&sel(".contribute")).next().is_none());
    let html = String::from_utf8_lossy(&site.output("en/energy/week-1/question-1/index.html"))
        .into_owned();
    assert!(!html.contains("mailto:"), "{html}");
}

#[test]
fn a_malformed_address_is_an_error_naming_its_file_and_line() {
    for bad in [
        "mailto:m4d@example.org",
        "Moderators <m4d@example.org>",
        "m4d@localhost",
        "m4d@@example.org",
        "m4d.example.org",
        "\"\"",
        "m4d@exa mple.org",
        "m4d.@example.org",
    ] {
        let site = fixture();
        site.build_ok();
        let yaml = format!("title: {{en: Water}}\nlanguages: [en]\ncontribute:\n  email: {bad}\n");
        site.refuses(
            &[("site.yaml", yaml.as_bytes())],
            Expect {
                file: "site.yaml",
                lines: &[4],
                words: &["contribute.email", "not an e-mail address"],
            },
        );
    }
    let site = fixture();
    site.build_ok();
    let discussion = DISCUSSION.replacen("groups:", "contribute: {email: nobody}\ngroups:", 1);
    site.refuses(
        &[("water/_discussion.md", discussion.as_bytes())],
        Expect {
            file: "water/_discussion.md",
            lines: &[5],
            words: &["contribute.email", "nobody"],
        },
    );
    let site = fixture();
    site.write(
        "water/_discussion.md",
        DISCUSSION.replacen("groups:", "contribute: {mail: a@b.org}\ngroups:", 1),
    );
    let run = site.check(&[]);
    assert!(!run.status.success(), "{}", run.describe());
    assert!(run.stderr.contains("mail"), "{}", run.describe());
}

/// `text` as quoted-printable (RFC 2045) in `charset` bytes, CRLF line
/// breaks, lines of at most 76 characters, as a mail program sends it.
fn quoted_printable(bytes: &[u8]) -> String {
    let mut out = String::new();
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut cur = String::new();
        for (i, &b) in line.iter().enumerate() {
            let last = i + 1 == line.len();
            let piece =
                if (b == b' ' || b == b'\t') && !last || (33..=126).contains(&b) && b != b'=' {
                    char::from(b).to_string()
                } else {
                    format!("={b:02X}")
                };
            if cur.len() + piece.len() > 75 {
                out.push_str(&cur);
                out.push_str("=\r\n");
                cur.clear();
            }
            cur.push_str(&piece);
        }
        out.push_str(&cur);
        out.push_str("\r\n");
    }
    out
}

/// A header value as RFC 2047 encoded words (`=?charset?Q?…?=`), folded.
fn encoded_words(text: &str, charset: &str, to_bytes: &dyn Fn(&str) -> Vec<u8>) -> String {
    let mut words = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    for chunk in chars.chunks(12) {
        let piece: String = chunk.iter().collect();
        let mut q = String::new();
        for b in to_bytes(&piece) {
            if b.is_ascii_alphanumeric() {
                q.push(char::from(b));
            } else if b == b' ' {
                q.push('_');
            } else {
                q.push_str(&format!("={b:02X}"));
            }
        }
        words.push(format!("=?{charset}?Q?{q}?="));
    }
    words.join("\r\n ")
}

fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect()
}

/// The message a mail program sends from `o`, the template filled in.
fn message(o: &Offer, from: &str, id: &str, charset: &str, filled: &str) -> Vec<u8> {
    let to_bytes = |t: &str| -> Vec<u8> {
        if charset == "utf-8" {
            t.as_bytes().to_vec()
        } else {
            latin1(t)
        }
    };
    let headers = format!(
        "From: {from}\r\nTo: {}\r\nSubject: {}\r\nDate: Tue, 12 Mar 2024 09:30:00 +0100\r\nMessage-ID: <{id}@mail.example.net>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}; format=flowed\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
        o.to,
        encoded_words(&o.subject, charset, &to_bytes),
    );
    let mut bytes = headers.into_bytes();
    bytes.extend(quoted_printable(&to_bytes(filled)).into_bytes());
    bytes
}

/// The template of `o` with its lines filled in after their labels, and
/// `answer` under the last.
fn fill(o: &Offer, values: &[&str], answer: &str) -> String {
    let mut lines: Vec<String> = o.body.split("\r\n").map(str::to_string).collect();
    for (line, value) in lines.iter_mut().zip(values) {
        if !value.is_empty() {
            line.push(' ');
            line.push_str(value);
        }
    }
    let mut text = lines.join("\r\n").trim_end().to_string();
    text.push_str("\r\n\r\n");
    text.push_str(answer);
    text.push_str("\r\n\r\n-- \r\nSent from my phone\r\n");
    text
}

fn import(content: &Path, discussion: &str, files: &[PathBuf]) -> Run {
    let mut cmd = palabre();
    cmd.args(["import", "--discussion", discussion, "--content"])
        .arg(content)
        .args(files);
    Run::from_output(cmd.output().expect("cannot run palabre"))
}

#[test]
fn a_message_sent_from_the_link_is_imported_onto_the_right_questions() {
    let site = fixture();
    site.build_ok();
    let fr = offer(&site.out, "fr/water/week-1/question-2/index.html");
    let es = offer(&site.out, "es/water/week-1/index.html");
    let en = offer(&site.out, "en/water/index.html");
    let mail = site.dir.path().join("mail");
    fs::create_dir_all(&mail).expect("folder");
    let fr_text = "À Dakar, la commune a installé des bornes-fontaines dans chaque quartier informel, financées par une redevance sur les gros consommateurs.";
    let es_text = "En Quito, respecto de la pregunta 1.1, quienes carecen de agua potable viven en los barrios periféricos, donde la red nunca llegó.";
    let en_text = "We have no answer to a single question, but a general remark on water in our city and its long history of shortages.";
    let files = [
        (
            "fr.eml",
            message(
                &fr,
                "Awa Ndiaye <awa.ndiaye@mail.example.net>",
                "fr1",
                "utf-8",
                &fill(&fr, &["Awa Ndiaye", "Ville de Thiès", "Sénégal"], fr_text),
            ),
        ),
        (
            "es.eml",
            message(
                &es,
                "\"P. Sinaluisa\" <ps@mail.example.net>",
                "es1",
                "iso-8859-1",
                // The name left empty: the sender's name is the author.
                &fill(&es, &["", "Municipio de Quito", "Ecuador"], es_text),
            ),
        ),
        (
            "en.eml",
            message(
                &en,
                "jo@mail.example.net",
                "en1",
                "utf-8",
                // An address where the organisation goes is not kept.
                &fill(&en, &["", "jo@mail.example.net"], en_text),
            ),
        ),
    ];
    let mut paths = Vec::new();
    for (name, bytes) in &files {
        let p = mail.join(name);
        fs::write(&p, bytes).expect("write .eml");
        paths.push(p);
    }
    let run = import(&site.content, "water", &paths);
    assert!(run.status.success(), "{}", run.describe());
    let replies = site.content.join("water/replies");
    let read = |slug: &str| -> String {
        let found: Vec<PathBuf> = fs::read_dir(&replies)
            .expect("replies")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.to_string_lossy().ends_with(&format!("-{slug}.md")))
            .collect();
        assert_eq!(found.len(), 1, "{slug}: {}", run.describe());
        fs::read_to_string(&found[0]).expect("reply")
    };
    assert_eq!(
        read("awa-ndiaye"),
        format!(
            "---\nauthor: \"Awa Ndiaye\"\norganisation: \"Ville de Thiès\"\ncountry: \"Sénégal\"\ndate: 2024-03-12\nanswers: [\"1.2\"]\n---\n{fr_text}\n"
        )
    );
    // From a week's page: both of its questions, narrowed to the one the
    // text names.
    assert_eq!(
        read("p-sinaluisa"),
        format!(
            "---\nauthor: \"P. Sinaluisa\"\norganisation: \"Municipio de Quito\"\ncountry: \"Ecuador\"\ndate: 2024-03-12\nanswers: [\"1.1\"]\n---\n{es_text}\n"
        )
    );
    // From the overview, naming no question: left for the moderator.
    let jo = read("jo");
    assert!(jo.contains("answers: []"), "{jo}");
    assert!(!jo.contains("organisation") && !jo.contains('@'), "{jo}");
    assert!(
        run.stderr
            .contains("-jo.md: warning: the message names no question"),
        "{}",
        run.describe()
    );
    fs::remove_file(
        replies.join(
            fs::read_dir(&replies)
                .expect("replies")
                .map(|e| e.expect("entry").file_name())
                .find(|n| n.to_string_lossy().ends_with("-jo.md"))
                .expect("jo"),
        ),
    )
    .expect("remove");

    site.build_ok();
    let on = |rel: &str| -> Vec<String> {
        page(&site.out, rel)
            .select(&sel("article.reply .reply-author"))
            .map(text_of)
            .collect()
    };
    assert_eq!(on("fr/water/week-1/question-2/index.html"), ["Awa Ndiaye"]);
    assert_eq!(
        on("es/water/week-1/question-1/index.html"),
        ["P. Sinaluisa"]
    );
    assert!(on("en/water/week-2/question-1/index.html").is_empty());
    let card = page(&site.out, "fr/water/week-1/question-2/index.html");
    let meta = text_of(
        card.select(&sel("article.reply .reply-meta"))
            .next()
            .expect("meta"),
    );
    assert!(
        meta.contains("Ville de Thiès") && meta.contains("Sénégal"),
        "{meta}"
    );
    // No contributor's address is published.
    for rel in all_files(&site.out) {
        let text =
            String::from_utf8_lossy(&fs::read(site.out.join(&rel)).expect("read")).into_owned();
        assert!(!text.contains("mail.example.net"), "{rel}");
    }
}

#[test]
fn a_subject_naming_another_discussion_is_a_warning() {
    let site = fixture();
    site.build_ok();
    let o = offer(&site.out, "en/water/week-1/question-1/index.html");
    let p = site.dir.path().join("other.eml");
    fs::write(
        &p,
        message(
            &o,
            "Li Wei <li@mail.example.net>",
            "other1",
            "utf-8",
            &fill(&o, &["Li Wei", "", "China"], "Meters in every building."),
        ),
    )
    .expect("write");
    let run = import(&site.content, "energy", &[p]);
    assert!(run.status.success(), "{}", run.describe());
    assert!(
        run.stderr.contains(
            "warning: the subject names the discussion `water` (question 1.1), not `energy`"
        ),
        "{}",
        run.describe()
    );
    let written: Vec<_> = fs::read_dir(site.content.join("energy/replies"))
        .expect("replies")
        .collect();
    assert_eq!(written.len(), 1);
    let text = fs::read_to_string(written[0].as_ref().expect("entry").path()).expect("reply");
    // The questions of another discussion are not taken for this one's.
    assert!(text.contains("answers: []"), "{text}");
    assert!(
        text.contains("country: \"China\"") && !text.contains("organisation"),
        "{text}"
    );
}
