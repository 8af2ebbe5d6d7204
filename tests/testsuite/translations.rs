//! Translations that cannot go stale unnoticed: a translated summary records
//! which version of its original it translates (`palabre translations
//! mark`); editing the original makes exactly its translations out of date,
//! which `check` warns about and their pages say.

use std::fs;
use std::process::Command;

use scraper::Selector;

use crate::common::*;

fn site() -> Site {
    let site = Site::empty();
    site.write("site.yaml", "title: {en: T}\nlanguages: [en, fr, es]\n");
    site.write(
        "d/_discussion.md",
        "---\ntitle: {en: D}\ngroups:\n  - id: 1\n    questions:\n      - id: 1\n        text: {en: \"One?\"}\n      - id: 2\n        text: {en: \"Two?\"}\n---\nIntro.\n",
    );
    site.write(
        "d/replies/001-ana.md",
        "---\nauthor: Ana\nlang: en\nanswers: [\"1.1\", \"1.2\"]\n---\nA reply.\n",
    );
    site.write("d/summaries/1-1.en.md", "Water first.\n");
    site.write(
        "d/summaries/1-1.fr.md",
        "---\n# relu par Awa\ntitle: L'eau\n---\nL'eau d'abord.\n",
    );
    site.write("d/summaries/1-1.es.md", "El agua primero.\n");
    site.write("d/summaries/1-2.en.md", "Then schools.\n");
    site.write("d/summaries/1-2.fr.md", "Puis les écoles.\n");
    site
}

fn mark(site: &Site, lang: &str) -> Run {
    let mut cmd: Command = palabre();
    cmd.args(["translations", "mark", "--language", lang, "--content"])
        .arg(&site.content);
    let run = Run::from_output(cmd.output().expect("run palabre"));
    assert_no_panic(&run);
    assert!(run.status.success(), "{}", run.describe());
    run
}

/// The out-of-date notice of a page's summary, as text, and its link.
fn notice(site: &Site, rel: &str) -> Option<(String, String)> {
    let html = page(&site.out, rel);
    let sel = Selector::parse(".summary-box .stale").expect("selector");
    let a = Selector::parse("a").expect("selector");
    html.select(&sel).next().map(|p| {
        let text = p.text().collect::<String>();
        let href = p
            .select(&a)
            .next()
            .and_then(|a| a.value().attr("href"))
            .unwrap_or("")
            .to_string();
        (text, href)
    })
}

#[test]
fn editing_an_original_makes_exactly_its_translations_stale_until_they_are_marked() {
    let site = site();
    let run = mark(&site, "fr");
    assert!(
        run.stdout
            .contains("2 translation(s) recorded, 0 already up to date"),
        "{}",
        run.stdout
    );
    let fr = fs::read_to_string(site.content.join("d/summaries/1-1.fr.md")).expect("fr");
    let version = run
        .stdout
        .lines()
        .find(|l| l.contains("1-1.fr.md"))
        .and_then(|l| l.split("(version ").nth(1))
        .map(|v| v.trim_end_matches(')').to_string())
        .expect("version printed");
    // The moderators' comment and title stay; only the record is added.
    assert_eq!(
        fr,
        format!(
            "---\ntranslation_of: {{lang: en, version: \"{version}\"}}\n# relu par Awa\ntitle: L'eau\n---\nL'eau d'abord.\n"
        )
    );
    mark(&site, "es");
    let again = mark(&site, "fr");
    assert!(
        again
            .stdout
            .contains("0 translation(s) recorded, 2 already up to date"),
        "{}",
        again.stdout
    );
    let check = site.check(&[]);
    assert!(
        !check.describe().contains("earlier version"),
        "{}",
        check.describe()
    );

    // Re-wrapping the original changes nothing; rewording it does.
    site.write("d/summaries/1-1.en.md", "Water\nfirst.\n");
    assert!(!site.check(&[]).describe().contains("earlier version"));
    site.write("d/summaries/1-1.en.md", "Water first, then sanitation.\n");
    let check = site.check(&[]);
    let stale: Vec<&str> = check
        .stderr
        .lines()
        .filter(|l| l.contains("earlier version"))
        .collect();
    assert_eq!(stale.len(), 2, "{}", check.describe());
    for (file, language) in [("1-1.es.md:2", "Spanish"), ("1-1.fr.md:2", "French")] {
        assert!(
            stale.iter().any(|l| l.contains(file)
                && l.contains(&format!(
                    "this {language} translation was made from an earlier version of"
                ))
                && l.ends_with("1-1.en.md")),
            "{file}: {stale:#?}"
        );
    }

    site.build_ok();
    let (text, href) =
        notice(&site, "fr/d/week-1/question-1/index.html").expect("a notice on the French page");
    assert_eq!(
        text.split_whitespace().collect::<Vec<_>>().join(" "),
        "Cette traduction a été faite à partir d'une version antérieure de l'original. Lire l'original à jour en anglais."
    );
    assert_eq!(href, "../../../../en/d/week-1/question-1/index.html");
    assert!(
        site.out
            .join("fr/d/week-1/question-1")
            .join(&href)
            .is_file(),
        "{href} leads nowhere"
    );
    assert!(notice(&site, "es/d/week-1/question-1/index.html").is_some());
    assert!(notice(&site, "fr/d/week-1/question-2/index.html").is_none());
    assert!(notice(&site, "en/d/week-1/question-1/index.html").is_none());
    let report = site.output_text("fr/d/report/index.html");
    assert!(
        report.contains("class=\"note stale\""),
        "no notice in the report"
    );

    // The translator brings French up to date and records it.
    mark(&site, "fr");
    site.build_ok();
    assert!(notice(&site, "fr/d/week-1/question-1/index.html").is_none());
    assert!(notice(&site, "es/d/week-1/question-1/index.html").is_some());
}

#[test]
fn a_translation_of_an_original_that_does_not_exist_is_warned_about() {
    let site = site();
    site.write(
        "d/summaries/1-2.fr.md",
        "---\ntranslation_of: {lang: es, version: 0123abcd}\n---\nPuis les écoles.\n",
    );
    let check = site.check(&[]);
    assert!(
        check.stderr.contains(
            "1-2.fr.md:2: warning: `translation_of` names a Spanish original that does not exist"
        ),
        "{}",
        check.describe()
    );
    assert!(
        check.stderr.contains("write the original as `1-2.es.md`"),
        "{}",
        check.describe()
    );
}

fn translations(site: &Site, args: &[&str]) -> Run {
    let mut cmd: Command = palabre();
    cmd.arg("translations")
        .args(args)
        .arg("--content")
        .arg(&site.content);
    let run = Run::from_output(cmd.output().expect("run palabre"));
    assert_no_panic(&run);
    assert!(run.status.success(), "{}", run.describe());
    run
}

/// `tool args… file` succeeds: the file is well-formed for it.
fn accepted_by(tool: &str, args: &[&str], file: &std::path::Path) {
    let out = Command::new(tool)
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (scripts/test.sh installs it): {e}"));
    assert!(
        out.status.success(),
        "{tool} refuses {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The site with French out of date for 1.1 and missing for 1.2.
fn site_to_translate() -> Site {
    let site = site();
    mark(&site, "fr");
    site.write("d/summaries/1-1.en.md", "Water first, then sanitation.\n");
    fs::remove_file(site.content.join("d/summaries/1-2.fr.md")).expect("remove");
    site
}

#[test]
fn export_fill_import_build_shows_the_translations() {
    let site = site_to_translate();
    let (po, run) = export_po(&site);
    assert!(
        run.stderr.contains("to translate into French"),
        "{}",
        run.stderr
    );
    accepted_by("msgfmt", &["--check", "-o", "/dev/null"], &po);
    let text = fs::read_to_string(&po).expect("po");
    // The out-of-date translation comes as fuzzy, with the old French as its msgstr.
    assert!(
        text.contains("#, fuzzy\nmsgctxt \"d/summary/1-1\"\nmsgid \"Water first, then sanitation.\"\nmsgstr \"L'eau d'abord.\""),
        "{text}"
    );
    assert!(
        text.contains("msgctxt \"d/summary/1-2\"\nmsgid \"Then schools.\"\nmsgstr \"\""),
        "{text}"
    );
    assert!(
        text.contains("msgctxt \"d/question/1.1\"\nmsgid \"One?\""),
        "{text}"
    );
    assert!(!text.contains("d/summary/1-1\"\nmsgid \"El agua"), "{text}");

    // The translator's work.
    let filled = text
        .replace(
            "#, fuzzy\nmsgctxt \"d/summary/1-1\"",
            "msgctxt \"d/summary/1-1\"",
        )
        .replace(
            "msgstr \"L'eau d'abord.\"",
            "msgstr \"L'eau d'abord, puis l'assainissement.\"",
        )
        .replace(
            "msgid \"Then schools.\"\nmsgstr \"\"",
            "msgid \"Then schools.\"\nmsgstr \"Ensuite, les écoles.\"",
        )
        .replace(
            "msgid \"One?\"\nmsgstr \"\"",
            "msgid \"One?\"\nmsgstr \"Un ?\"",
        )
        .replace("msgid \"T\"\nmsgstr \"\"", "msgid \"T\"\nmsgstr \"Té\"");
    fs::write(&po, filled).expect("write");
    let run = translations(&site, &["import", po.to_str().expect("path")]);
    assert!(
        run.stdout.contains("4 file(s) written in French"),
        "{}",
        run.stdout
    );
    // Short texts are one more entry of their map, with the version of the
    // original a question's translation was made from; the rest as it was.
    let discussion = fs::read_to_string(site.content.join("d/_discussion.md")).expect("discussion");
    assert!(
        discussion
            .contains("        text: {en: \"One?\", fr: \"Un ?\"}\n        translated: {fr: \""),
        "{discussion}"
    );
    assert!(
        discussion.contains("\"}\n      - id: 2\n        text: {en: \"Two?\"}\n---\n"),
        "{discussion}"
    );
    // The site's title too, with the version of the English one it translates.
    let yaml = fs::read_to_string(site.content.join("site.yaml")).expect("site.yaml");
    let version = palabre::model::text_version("T");
    assert_eq!(
        yaml,
        format!(
            "title: {{en: T, fr: \"Té\"}}\ntranslated: {{fr: \"{version}\"}}\nlanguages: [en, fr, es]\n"
        )
    );
    let fr = fs::read_to_string(site.content.join("d/summaries/1-1.fr.md")).expect("fr");
    assert!(
        fr.contains("# relu par Awa\ntitle: L'eau\n---\nL'eau d'abord, puis l'assainissement.\n"),
        "{fr}"
    );
    let check = site.check(&[]);
    assert!(!check.stderr.contains("1-1.fr.md"), "{}", check.describe());
    site.build_ok();
    let page = site.output_text("fr/d/week-1/question-2/index.html");
    assert!(
        page.contains("Ensuite, les écoles."),
        "the imported translation is not shown"
    );
    let page = site.output_text("fr/d/week-1/question-1/index.html");
    assert!(page.contains("Un ?"), "the imported question is not shown");
    assert!(notice(&site, "fr/d/week-1/question-1/index.html").is_none());
}

#[test]
fn the_xliff_export_is_well_formed_and_its_translations_import() {
    let site = site_to_translate();
    let xlf = site.dir.path().join("fr.xlf");
    translations(
        &site,
        &[
            "export",
            "--language",
            "fr",
            "--output",
            xlf.to_str().expect("path"),
        ],
    );
    accepted_by("xmllint", &["--noout"], &xlf);
    let text = fs::read_to_string(&xlf).expect("xliff");
    assert!(
        text.contains("<file original=\"palabre\" source-language=\"en\" target-language=\"fr\""),
        "{text}"
    );
    assert!(
        text.contains("<trans-unit id=\"d/summary/1-1\" xml:space=\"preserve\">\n        <source>Water first, then sanitation.</source>\n        <target state=\"needs-review-translation\">L'eau d'abord.</target>"),
        "{text}"
    );
    let filled = text.replace(
        "<source>Then schools.</source>",
        "<source>Then schools.</source>\n        <target state=\"translated\">Ensuite &amp; surtout, les écoles.</target>",
    );
    fs::write(&xlf, filled).expect("write");
    let run = translations(&site, &["import", xlf.to_str().expect("path")]);
    // 1.1 is still marked for review: left out.
    assert!(
        run.stdout
            .contains("d/summary/1-1: left out, marked as needing review"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("1 file(s) written in French"),
        "{}",
        run.stdout
    );
    let fr = fs::read_to_string(site.content.join("d/summaries/1-2.fr.md")).expect("fr");
    assert!(
        fr.starts_with("---\ntranslation_of: {lang: en, version: \""),
        "{fr}"
    );
    assert!(
        fr.ends_with("---\nEnsuite & surtout, les écoles.\n"),
        "{fr}"
    );
}

#[test]
fn a_question_translated_from_an_earlier_wording_is_flagged_until_updated() {
    let site = site();
    let discussion = "---\ntitle: {en: D}\ngroups:\n  - id: 1\n    questions:\n      - id: 1\n        # the wording agreed with the partners\n        text:\n          en: \"Who lacks water?\"\n          fr: \"Qui manque d'eau ?\"\n      - id: 2\n        text: {en: \"Two?\"}\n---\nIntro.\n";
    site.write("d/_discussion.md", discussion);
    let run = mark(&site, "fr");
    assert!(
        run.stdout.contains(
            "_discussion.md: recorded: translates the English text of question 1.1 (version "
        ),
        "{}",
        run.stdout
    );
    let marked = fs::read_to_string(site.content.join("d/_discussion.md")).expect("discussion");
    let version = text_version_of(&run.stdout, "question 1.1");
    assert_eq!(
        marked,
        discussion.replace(
            "          fr: \"Qui manque d'eau ?\"\n",
            &format!(
                "          fr: \"Qui manque d'eau ?\"\n        translated: {{fr: \"{version}\"}}\n"
            )
        )
    );
    assert!(!site.check(&[]).stderr.contains("earlier version of the"));

    // The English wording changes: French is out of date, on the page too.
    site.write(
        "d/_discussion.md",
        marked.replace("Who lacks water?", "Who lacks safe water?"),
    );
    let check = site.check(&[]);
    assert!(
        check.stderr.contains("_discussion.md:6: warning: the French text of question 1.1 was translated from an earlier version of the English one"),
        "{}",
        check.describe()
    );
    site.build_ok();
    let html = page(&site.out, "fr/d/week-1/question-1/index.html");
    let sel = Selector::parse("main > .stale a").expect("selector");
    let link = html
        .select(&sel)
        .next()
        .and_then(|a| a.value().attr("href"))
        .expect("a notice linking the original");
    assert_eq!(link, "../../../../en/d/week-1/question-1/index.html");

    // Exported for review, translated, imported: up to date again.
    let (po, _) = export_po(&site);
    let text = fs::read_to_string(&po).expect("po");
    let entry = "#, fuzzy\nmsgctxt \"d/question/1.1\"\nmsgid \"Who lacks safe water?\"\nmsgstr \"Qui manque d'eau ?\"";
    assert!(text.contains(entry), "{text}");
    fs::write(&po, text.replace(entry, "msgctxt \"d/question/1.1\"\nmsgid \"Who lacks safe water?\"\nmsgstr \"Qui manque d'eau potable ?\"")).expect("write");
    translations(&site, &["import", po.to_str().expect("path")]);
    let imported = fs::read_to_string(site.content.join("d/_discussion.md")).expect("discussion");
    assert!(
        imported.contains("        # the wording agreed with the partners\n        text:\n          en: \"Who lacks safe water?\"\n          fr: \"Qui manque d'eau potable ?\"\n        translated: {fr: \""),
        "{imported}"
    );
    assert!(
        !site.check(&[]).stderr.contains("earlier version of the"),
        "{imported}"
    );
}

/// The version `palabre translations mark` printed for the line about `what`.
fn text_version_of(stdout: &str, what: &str) -> String {
    stdout
        .lines()
        .find(|l| l.contains(what))
        .and_then(|l| l.split("(version ").nth(1))
        .map(|v| v.trim_end_matches(')').to_string())
        .unwrap_or_else(|| panic!("no version for {what} in {stdout}"))
}

/// `palabre translations export --language fr --format po` into `fr.po` beside the site.
fn export_po(site: &Site) -> (std::path::PathBuf, Run) {
    let po = site.dir.path().join("fr.po");
    let run = translations(
        site,
        &[
            "export",
            "--language",
            "fr",
            "--format",
            "po",
            "--output",
            po.to_str().expect("path"),
        ],
    );
    (po, run)
}

#[test]
fn a_title_translated_from_an_earlier_wording_is_flagged_and_exported_for_review() {
    let site = site();
    site.write(
        "d/_discussion.md",
        "---\ntitle:\n  en: \"Water\"\n  fr: \"L'eau\"  # agreed with the partners\ngroups:\n  - id: 1\n    title: {en: \"Access\", fr: \"Accès\"}\n    questions:\n      - id: 1\n        text: {en: \"One?\"}\n      - id: 2\n        text: {en: \"Two?\"}\n---\nIntro.\n",
    );
    let run = mark(&site, "fr");
    assert!(
        run.stdout
            .contains("recorded: translates the English title of the discussion (version ")
            && run
                .stdout
                .contains("recorded: translates the English title of group 1 (version "),
        "{}",
        run.stdout
    );
    let marked = fs::read_to_string(site.content.join("d/_discussion.md")).expect("read");
    assert!(
        marked.contains("  fr: \"L'eau\"  # agreed with the partners\n"),
        "{marked}"
    );
    assert!(!site.check(&[]).stderr.contains("earlier version of the"));

    // The English title changes: the French one is out of date, the group's is not.
    site.write(
        "d/_discussion.md",
        marked.replace("\"Water\"", "\"Drinking water\""),
    );
    let check = site.check(&[]);
    assert!(
        check.stderr.contains(
            "_discussion.md:2: warning: the French title of the discussion was translated from an earlier version of the English one"
        ) && !check.stderr.contains("title of group 1 was translated"),
        "{}",
        check.describe()
    );
    let (po, run) = export_po(&site);
    assert!(run.status.success(), "{}", run.describe());
    let text = fs::read_to_string(&po).expect("po");
    assert!(
        text.contains("#, fuzzy\nmsgctxt \"d/title\"\nmsgid \"Drinking water\"\nmsgstr \"L'eau\""),
        "{text}"
    );
    assert!(!text.contains("\"d/group/1/title\""), "{text}");
    let run = mark(&site, "fr");
    assert!(run.status.success(), "{}", run.describe());
    assert!(!site.check(&[]).stderr.contains("earlier version of the"));

    // The site's title, translated from "T" and then renamed.
    let version = palabre::model::text_version("T");
    site.write(
        "site.yaml",
        format!("title: {{en: Water talks, fr: \"Té\"}}\ntranslated: {{fr: \"{version}\"}}\nlanguages: [en, fr, es]\n"),
    );
    let check = site.check(&[]);
    assert!(
        check.stderr.contains(
            "site.yaml:1: warning: the French title of the site was translated from an earlier version of the English one"
        ),
        "{}",
        check.describe()
    );
}
