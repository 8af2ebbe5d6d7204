//! Languages as data: a site in English, French, Spanish, Portuguese and
//! Arabic (tests/fixtures/five-languages) builds with every reply's language
//! detected, its Arabic pages right to left and counted in Arabic's plural
//! forms; a text in a language the site does not have is named, not forced
//! into one of its languages. (The browser tests check the same site with
//! the Nu checker, axe-core and search.)

use std::path::Path;
use std::sync::LazyLock;

use crate::common::*;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/five-languages");
const D: &str = "water-governance-2026";

/// The five-language fixture, copied and built once for the module.
static FIVE: LazyLock<(Site, Run)> = LazyLock::new(|| {
    let site = Site::in_folder(scratch_dir("five-languages-"));
    copy_dir(Path::new(FIXTURE), &site.content);
    let run = site.build();
    (site, run)
});

fn five() -> &'static Site {
    let (site, run) = &*FIVE;
    assert_built(run);
    site
}

#[test]
fn every_reply_language_is_detected_among_the_five() {
    let (_, run) = &*FIVE;
    assert_built(run);
    assert!(
        run.stdout
            .contains("from 12 replies (en 3, fr 2, es 2, pt 3, ar 2)"),
        "{}",
        run.describe()
    );
    let check = five().check(&[]);
    assert!(
        check.stdout.contains("0 error(s), 0 warning(s)"),
        "{}",
        check.describe()
    );
}

#[test]
fn arabic_pages_are_right_to_left_in_arabic_with_its_plural_forms() {
    let site = five();
    for rel in html_files(&site.out) {
        let root = page(&site.out, &rel);
        let el = root.root_element();
        let dir = el.value().attr("dir");
        if rel.starts_with("ar/") {
            assert_eq!(dir, Some("rtl"), "{rel}");
            assert_eq!(el.value().attr("lang"), Some("ar"), "{rel}");
        } else {
            // On a site with a right-to-left language every page says its direction.
            assert_eq!(dir, Some("ltr"), "{rel}");
        }
    }
    let home = site.output_text("ar/index.html");
    assert!(home.contains("الانتقال إلى المحتوى"), "Arabic strings");
    // Question 1.1 has two replies (Portuguese and Arabic): the dual, no digit.
    let group = site.output_text(&format!("ar/{D}/week-1/index.html"));
    assert!(group.contains("مساهمتان"), "the dual form");
    assert!(!group.contains("{n}"), "every count filled in");
    let pt = site.output_text(&format!("pt/{D}/week-1/index.html"));
    assert!(pt.contains("Ir para o conteúdo"), "Portuguese strings");
}

#[test]
fn a_paragraph_written_the_other_way_gets_its_direction() {
    let site = five();
    // An English paragraph inside an Arabic reply.
    let root = page(
        &site.out,
        &format!("en/{D}/replies/012-rania-haddad/index.html"),
    );
    let article = root
        .select(&sel("article.reply"))
        .next()
        .expect("the reply");
    assert_eq!(article.value().attr("dir"), Some("rtl"));
    let english: Vec<_> = article
        .select(&sel("p[lang=en]"))
        .filter(|p| text_of(*p).len() > 100)
        .collect();
    assert_eq!(english.len(), 1);
    assert_eq!(english[0].value().attr("dir"), Some("ltr"));
    // A Portuguese quotation in an English reply: same direction, no `dir`.
    let root = page(
        &site.out,
        &format!("en/{D}/replies/005-helen-carter/index.html"),
    );
    let pt: Vec<_> = root.select(&sel("article.reply p[lang=pt]")).collect();
    assert_eq!(pt.len(), 1);
    assert_eq!(pt[0].value().attr("dir"), None);
}

#[test]
fn a_site_without_right_to_left_languages_has_no_dir_attribute() {
    let site = Site::built();
    for rel in html_files(&site.out) {
        assert!(!site.output_text(&rel).contains(" dir="), "{rel}");
    }
}

/// The fixture with only English, French and Spanish as site languages.
fn three_language_copy() -> Site {
    let site = Site::empty();
    copy_dir(Path::new(FIXTURE), &site.content);
    let yaml = site.content.join("site.yaml");
    let text = std::fs::read_to_string(&yaml).expect("site.yaml");
    let text = text.replace("languages: [en, fr, es, pt, ar]", "languages: [en, fr, es]");
    site.write("site.yaml", text);
    for lang in ["pt", "ar"] {
        std::fs::remove_file(site.content.join(format!("{D}/summaries/1-1.{lang}.md")))
            .expect("remove a summary");
    }
    site
}

#[test]
fn a_reply_in_no_site_language_is_named_not_forced() {
    let site = three_language_copy();
    let run = site.check(&[]);
    let about = |file: &str| messages_about(&run.stderr, &format!("{D}/replies/{file}"));
    // Portuguese would be read as Spanish without a word: it is said.
    let pt = about("004-joao-mucavele.md");
    assert!(
        pt.contains("warning: this reply reads like Portuguese")
            && pt.contains("add `pt` to `languages:`"),
        "{}",
        run.describe()
    );
    // Arabic cannot be shown as any of them: an error saying which it is.
    let ar = about("010-youssef-el-amrani.md");
    assert!(
        ar.contains("error: this reply reads like Arabic")
            && ar.contains("add `ar` to `languages:`"),
        "{}",
        run.describe()
    );
    assert!(names_line(
        &run.stderr,
        &format!("{D}/replies/010-youssef-el-amrani.md"),
        8
    ));
}

#[test]
fn texts_declared_in_a_language_the_site_lacks_are_refused_with_file_and_line() {
    let before = Site::built();
    let state = before.state();
    before.write(
        "d/replies/de.md",
        "---\nauthor: Karl\nlang: de\nanswers: [\"1.1\"]\n---\nEine Antwort auf Deutsch.\n",
    );
    let run = before.build();
    before.assert_refused(
        &state,
        &run,
        Expect {
            file: "d/replies/de.md",
            lines: &[3],
            words: &[
                "`de` (German) is not one of the site's languages",
                "add `de`",
            ],
        },
    );
}

#[test]
fn a_starter_site_in_portuguese_and_arabic_checks_clean() {
    let scratch = scratch_dir("init-pt-ar-");
    let dir = scratch.path().join("site");
    let run = Run::from_output(
        palabre()
            .current_dir(scratch.path())
            .args(["init", "site", "--languages", "pt,ar"])
            .output()
            .expect("run palabre init"),
    );
    assert!(run.status.success(), "{}", run.describe());
    let check = Run::from_output(
        palabre()
            .current_dir(&dir)
            .args(["check", "--content", "content"])
            .output()
            .expect("run palabre check"),
    );
    assert!(
        check.status.success() && check.stdout.contains("0 error(s), 0 warning(s)"),
        "{}",
        check.describe()
    );
    let yaml = std::fs::read_to_string(dir.join("content/site.yaml")).expect("site.yaml");
    assert!(yaml.contains("pt: ") && yaml.contains("ar: "), "{yaml}");
}

#[test]
fn the_arabic_word_report_is_right_to_left() {
    let site = five();
    let docx = |lang: &str| {
        let path = site.out.join(format!("{lang}/{D}/report/{D}.docx"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let parts = crate::sample_site::unzip(&bytes);
        String::from_utf8_lossy(&parts["word/document.xml"]).into_owned()
    };
    let ar = docx("ar");
    assert!(
        ar.contains("<w:bidi/>") && ar.contains("<w:rtl/>"),
        "right-to-left paragraphs and runs"
    );
    // The English paragraph of an Arabic reply stays left to right.
    let en = docx("en");
    assert!(
        en.contains("<w:bidi/>"),
        "the Arabic replies in the English report"
    );
    let english_paragraph = en
        .split("<w:p>")
        .find(|p| p.contains("Households in the lowest income group"))
        .expect("the English paragraph of the Arabic reply");
    assert!(
        !english_paragraph.contains("<w:bidi/>"),
        "{english_paragraph}"
    );
}
