//! `palabre import` on e-mails as people send them (tests/fixtures/mail/,
//! described in its README.md): answers under and between quotes, attribution
//! lines of every common mail program in English, French and Spanish, HTML-only
//! mails, senders' names without their addresses, every charset, files of any
//! line ending and mailboxes of any variant; and the warnings `palabre check`
//! gives for an address or phone number left in a reply's text.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use crate::common::*;
use crate::import::{MAIL, content, import};

const NEW_FIXTURES: [&str; 19] = [
    "en-bottom-posted.eml",
    "en-hi-hello.eml",
    "en-slemko-wrote.eml",
    "en-gmail-iso-date.eml",
    "fr-thunderbird-interleaved.eml",
    "es-apple-mail.eml",
    "es-outlook-enviado.eml",
    "es-undeclared-latin1.eml",
    "en-undeclared-latin1.eml",
    "fr-html-bold.eml",
    "en-html-layout.eml",
    "ko-euc-kr.eml",
    "zh-gb2312.eml",
    "ja-iso-2022-jp.eml",
    "en-mac-cr-only.eml",
    "en-leading-blank-line.eml",
    "mixed-bom.mbox",
    "en-empty-plain-part.eml",
    "en-mislabelled-utf8.eml",
];

fn paths(names: &[&str]) -> Vec<PathBuf> {
    names.iter().map(|f| Path::new(MAIL).join(f)).collect()
}

/// The imported replies: (author, answers line, body), by author.
fn replies(content: &Path) -> Vec<(String, String, String, PathBuf)> {
    let mut out = Vec::new();
    for path in all_files(&content.join("d/replies")) {
        let path = content.join("d/replies").join(path);
        let text = fs::read_to_string(&path).expect("reply");
        let (front, body) = text
            .strip_prefix("---\n")
            .and_then(|t| t.split_once("\n---\n"))
            .expect("front-matter");
        let field = |name: &str| {
            front
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name}: ")))
                .unwrap_or_default()
                .to_string()
        };
        let author: String = serde_json::from_str(&field("author")).unwrap_or_default();
        out.push((author, field("answers"), body.trim_end().to_string(), path));
    }
    out
}

fn reply<'a>(
    all: &'a [(String, String, String, PathBuf)],
    author: &str,
) -> &'a (String, String, String, PathBuf) {
    let found: Vec<_> = all.iter().filter(|r| r.0 == author).collect();
    assert_eq!(
        found.len(),
        1,
        "one reply by {author}: {:#?}",
        all.iter().map(|r| &r.0).collect::<Vec<_>>()
    );
    found[0]
}

#[test]
fn what_senders_wrote_is_kept_and_what_they_quoted_goes() {
    let (_dir, content) = content();
    let run = import(&content, &paths(&NEW_FIXTURES));
    // The mailbox's second message lost its headers: named by file, line and
    // number, and the others imported all the same.
    assert_eq!(run.status.code(), Some(1), "{}", run.describe());
    assert!(
        run.stderr
            .contains("mixed-bom.mbox:10 (message 2): error: not an e-mail message"),
        "{}",
        run.describe()
    );
    assert!(
        run.stdout
            .ends_with("imported 21 messages: 20 new replies, 0 already imported, 1 failed\n"),
        "{}",
        run.describe()
    );
    let all = replies(&content);
    let body = |author: &str| reply(&all, author).2.clone();
    let answers = |author: &str| reply(&all, author).1.clone();

    // Bottom-posted under a Gmail attribution and a quote.
    assert_eq!(
        body("Sofia Rinaldi"),
        "At least for a while, we're planning to still maintain them, so that\nmunicipalities without a connection keep working."
    );
    // "On … wrote: / > Hi / Hello" (Thunderbird).
    assert_eq!(
        body("Peter Lang"),
        "Hello Ada, our district answers question 1.3 with a yearly forum."
    );
    assert_eq!(answers("Peter Lang"), "[\"1.3\"]");
    // "Marc Slemko wrote:", and an address written "andy at example.com (Andy Grunwald)".
    let andy = body("Andy Grunwald");
    assert!(andy.starts_with("That is true, but question 1.2"), "{andy}");
    assert!(
        !andy.contains("Slemko") && !andy.contains("twice a year"),
        "{andy}"
    );
    // Gmail's dated attribution; "alice@example.com <bob.martin@…>" is Bob Martin.
    assert_eq!(
        body("Bob Martin"),
        "Twinning between towns worked for us: we exchange staff every year."
    );
    // Thunderbird in French, answers between quotes, ISO-8859-1.
    assert_eq!(
        body("Jean Dupont"),
        "Pour la question 1.1 : c'est le conseil régional qui coordonne.\n\nElles siègent au comité de pilotage. Écrivez-moi : jean.dupont@example.fr"
    );
    assert_eq!(answers("Jean Dupont"), "[\"1.1\"]");
    // Apple Mail in Spanish, and Outlook's "De: … Enviado el: …" block.
    assert_eq!(
        body("Lucía Fernández"),
        "En cuanto a la pregunta 1.3, en Quito los foros barriales funcionan bien."
    );
    assert_eq!(
        body("Ruiz, Carmen"),
        "Para la pregunta 1.1, la diputación coordina a los municipios pequeños."
    );
    // Undeclared 8-bit Latin-1 headers (and body, where nothing is declared).
    assert!(body("Lucía Martínez").contains("se reúnen cada mes"));
    assert!(body("Ingo Lütkebohle").contains("café included"));
    // Latin-1 sent as "UTF-8", as Netscape 4.7 did: read as mail programs do.
    assert!(
        body("Hans Weber").contains("in München the council"),
        "{}",
        body("Hans Weber")
    );
    // East Asian charsets, in names and bodies.
    assert!(
        body("김민수").contains("이주민 협의회"),
        "{}",
        body("김민수")
    );
    assert!(body("王芳").contains("移民咨询委员会"), "{}", body("王芳"));
    assert!(
        body("山田太郎").contains("多文化共生課"),
        "{}",
        body("山田太郎")
    );
    // Files: CR-only line endings, a line of spaces before the headers, an
    // mbox with a byte-order mark, `>From ` quoting and Content-Length.
    assert_eq!(
        body("Grace Hopper"),
        "For question 1.3, our council publishes its minutes in three languages."
    );
    assert!(body("Tim Berners").starts_with("About question 1.3"));
    // An empty text/plain alternative: the HTML one is read.
    assert_eq!(
        body("Rosa Parks"),
        "Our working groups meet every month.\n\nRosa"
    );
    assert_eq!(
        body("Nadia Benali"),
        "For question 2.1, twinning starts with schools.\nFrom experience, pupils lead the way."
    );
    assert_eq!(
        body("Omar Haddad"),
        "Question 2.1: exchanges of civil servants.\n\nFrom Dakar to Thies, 2013\nNote: five people came."
    );

    // No address in any reply's front-matter, whatever the header held.
    for (author, _, _, path) in &all {
        assert!(
            !author.contains('@') && !author.contains(" at "),
            "{author}"
        );
        let text = fs::read_to_string(path).expect("reply");
        let front = text.split("\n---\n").next().unwrap_or_default();
        assert!(!front.contains('@'), "{}: {front}", path.display());
    }
}

#[test]
fn html_only_mails_become_clean_markdown() {
    let (_dir, content) = content();
    let run = import(
        &content,
        &paths(&[
            "fr-html-bold.eml",
            "en-html-layout.eml",
            "en-gmail-html-reply.eml",
            "fr-outlook-html-reply.eml",
        ]),
    );
    assert!(run.status.success(), "{}", run.describe());
    let all = replies(&content);
    // Quotes in HTML: Gmail's blockquote under its attribution, Outlook's
    // "De : … Envoyé : …" block in bold.
    assert_eq!(
        reply(&all, "Kofi Mensah").2,
        "In Accra the metropolitan assembly coordinates, with a **diaspora desk**.\n\nKofi"
    );
    assert_eq!(
        reply(&all, "Bernard, Claire").2,
        "À Lyon, c'est la métropole qui coordonne."
    );
    let marie = &reply(&all, "Marie Curie").2;
    assert_eq!(
        marie,
        "**Les lièvres et les grenouilles**\n\nDans notre commune, la coordination passe par le *conseil municipal*.\n\nVoir [le rapport](https://example.fr/rapport)."
    );
    let turin = &reply(&all, "City of Turin").2;
    for debris in ["─", "┬", "│", "[ ", "cid:", "Logo", "gif", "padding"] {
        assert!(!turin.contains(debris), "{debris} in:\n{turin}");
    }
    assert!(
        turin.starts_with("[Profile](https://example.org/profile)\n\n[News](https://example.org/news)\n\nOur twinning programme links Turin with three towns in Senegal.\n\nIts budget by year:\n\n| Year"),
        "{turin}"
    );
    assert!(turin.contains("| 2013 | 55 000 |"), "{turin}");

    // Both build: the table is a table on the page, the link a link.
    for (_, _, _, path) in &all {
        let text = fs::read_to_string(path).expect("reply");
        fs::write(path, text.replace("answers: []", "answers: [\"2.1\"]")).expect("write");
    }
    let out = content.parent().expect("parent").join("public");
    let built = build(&content, &out, &["--themes", THEMES]);
    assert!(built.status.success(), "{}", built.describe());
    let page = page(&out, "en/d/week-2/question-1/index.html");
    assert_eq!(page.select(&sel("article table th")).count(), 2);
    assert!(
        page.select(&sel("article a[href=\"https://example.org/profile\"]"))
            .next()
            .is_some()
    );
}

#[test]
fn check_warns_about_addresses_and_phone_numbers_left_in_a_reply() {
    let (_dir, content) = content();
    let run = import(
        &content,
        &paths(&["fr-thunderbird-interleaved.eml", "en-slemko-wrote.eml"]),
    );
    assert!(run.status.success(), "{}", run.describe());
    let all = replies(&content);
    let name = |author: &str| {
        let path = &reply(&all, author).3;
        format!(
            "d/replies/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        )
    };
    let mut cmd = palabre();
    cmd.args(["check", "--content"]).arg(&content);
    let check = Run::from_output(cmd.output().expect("run"));
    assert!(check.status.success(), "{}", check.describe());
    let jean = name("Jean Dupont");
    assert!(
        names_line(&check.stderr, &jean, 8)
            && messages_about(&check.stderr, &jean)
                .contains("e-mail address, `jean.dupont@example.fr`"),
        "{}",
        check.describe()
    );
    let andy = name("Andy Grunwald");
    assert!(
        names_line(&check.stderr, &andy, 7)
            && messages_about(&check.stderr, &andy).contains("phone number, `+44 20 7946 0958`"),
        "{}",
        check.describe()
    );
    // Dates, question numbers and years in the same replies raise nothing else.
    assert_eq!(
        check.stderr.matches("warning: the reply shows").count(),
        2,
        "{}",
        check.describe()
    );
}

/// A `From:` header in one of the forms mail programs and archives write.
fn from_header(form: usize, name: &str, address: &str) -> String {
    let (local, domain) = address.split_once('@').unwrap_or((address, ""));
    match form {
        0 => address.to_string(),
        1 => format!("<{address}>"),
        2 => format!("{name} <{address}>"),
        3 => format!("\"{name}\" <{address}>"),
        4 => format!("{address} <{address}>"),
        5 => format!("\"{address}\" <{address}>"),
        6 => format!("{local} at {domain} ({name})"),
        7 => format!("{local} [at] {domain}"),
        8 => format!("{address} ({name})"),
        9 => format!("\"{name} ({address})\" <{address}>"),
        10 => format!("=?utf-8?q?{}?= <{address}>", address.replace('@', "=40")),
        _ => format!("{local} at {} <{address}>", domain.replace('.', " dot ")),
    }
}

const FORMS: usize = 12;

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Whatever a `From:` header holds, no address reaches the reply files
    /// or any file of the built site.
    #[test]
    fn no_sender_address_is_ever_published(
        local in "[a-z]{2,8}([._-][a-z]{2,8})?[0-9]{0,2}",
        label in "[a-z]{6,10}",
        tld in prop::sample::select(vec!["org", "com", "net", "fr", "es"]),
        name in "[A-Z][a-z]{2,8} [A-Z][a-z]{2,8}",
    ) {
        prop_assume!(!local.contains(&label) && !label.contains(&local));
        let domain = format!("{label}.{tld}");
        let address = format!("{local}@{domain}");
        let (dir, content) = content();
        let mut mbox = String::new();
        for form in 0..FORMS {
            mbox.push_str(&format!(
                "From {address} Mon Jul  8 10:00:00 2013\nMessage-ID: <p{form}@example.test>\nDate: Mon, 8 Jul 2013 10:00:00 +0000\nFrom: {}\nSubject: [d 1.1] answer\n\nOur town council answered the first question with a public meeting every month.\n\n",
                from_header(form, &name, &address)
            ));
        }
        let file = dir.path().join("forms.mbox");
        fs::write(&file, &mbox).expect("write");
        let run = import(&content, &[file]);
        prop_assert!(run.status.success(), "{}", run.describe());
        prop_assert!(run.stdout.contains(&format!("{FORMS} new replies")), "{}", run.describe());
        let out = dir.path().join("public");
        let built = build(&content, &out, &["--themes", THEMES]);
        prop_assert!(built.status.success(), "{}", built.describe());
        let lower_address = address.to_lowercase();
        for root in [&content, &out] {
            for rel in all_files(root) {
                let bytes = fs::read(root.join(&rel)).expect("read");
                let text = String::from_utf8_lossy(&bytes).to_lowercase();
                prop_assert!(!text.contains(&lower_address), "{address} in {rel}");
                prop_assert!(!text.contains(&label), "{label} (of {address}) in {rel}");
            }
        }
    }
}

#[test]
fn importing_every_kind_of_file_again_creates_nothing_new() {
    let (_dir, content) = content();
    let first = import(&content, &paths(&NEW_FIXTURES));
    assert!(
        first.stdout.contains("20 new replies"),
        "{}",
        first.describe()
    );
    let before = snapshot(&content);
    let second = import(&content, &paths(&NEW_FIXTURES));
    assert!(
        second
            .stdout
            .ends_with("imported 21 messages: 0 new replies, 20 already imported, 1 failed\n"),
        "{}",
        second.describe()
    );
    assert_eq!(snapshot(&content), before, "nothing may change");
}
