//! Themes changed file by file, and `style:` in site.yaml: a theme folder
//! beside the content folder replaces only the files it holds, translations
//! key by key; colours, logo and footer text set in site.yaml reach every
//! page in a way the pages' Content-Security-Policy allows; mistakes name
//! the file and line to fix.

use crate::common;

use std::fs;
use std::path::Path;

use common::*;
use palabre::lang::Lang;
use palabre::theme::Theme;

const SITE_YAML: &str =
    "title: {en: \"Test site\", fr: \"Site de test\", es: \"Sitio\"}\nlanguages: [en, fr, es]\n";

/// A small site with `site_yaml`, built with the theme folder beside its
/// content folder (written with [`Site::write_beside`]) as a user has it.
fn site_with(site_yaml: &str) -> Site {
    let site = Site::empty().themes_beside();
    site.write("site.yaml", site_yaml);
    site.write("d/_discussion.md", FIXTURE_DISCUSSION);
    site.write("d/replies/001-ada.md", FIXTURE_REPLY);
    site
}

/// The default theme as built into palabre.
fn built_in() -> Theme {
    Theme::load(Path::new("/nonexistent-themes-folder"), "default")
        .unwrap_or_else(|_| panic!("the built-in theme loads"))
}

fn built_in_static(name: &str) -> Vec<u8> {
    built_in()
        .static_file(name)
        .unwrap_or_else(|| panic!("the built-in theme has static/{name}"))
        .to_vec()
}

fn built_in_text(lang: Lang, key: &str) -> String {
    built_in().i18n[&lang].text[key].clone()
}

const QUESTION_PAGE: &str = "en/d/week-1/question-1/index.html";

#[test]
fn one_stylesheet_in_the_theme_folder_replaces_only_that_file() {
    let site = site_with(SITE_YAML);
    let own_css = "/* the site's own */\nbody { margin: 0; }\n";
    site.write_beside("themes/default/static/style.css", own_css);
    site.build_ok();
    assert_eq!(site.output("static/style.css"), own_css.as_bytes());
    // Every other file of the theme is the built-in one.
    for name in ["readers.css", "search.js", "filter.js", "favicon.svg"] {
        assert_eq!(
            site.output(&format!("static/{name}")),
            built_in_static(name),
            "static/{name} should come from the built-in theme"
        );
    }
    // Pages are made with the built-in templates.
    for rel in [
        "index.html",
        "en/index.html",
        QUESTION_PAGE,
        "fr/search/index.html",
    ] {
        let doc = page(&site.out, rel);
        assert!(
            doc.select(&sel("header.site-header a.site-title"))
                .next()
                .is_some(),
            "{rel} was not made with the built-in layout"
        );
        assert!(
            doc.select(&sel("link[rel=stylesheet][href$='static/style.css']"))
                .next()
                .is_some(),
            "{rel} does not load the stylesheet"
        );
    }
}

#[test]
fn a_custom_stylesheet_in_the_theme_folder_is_loaded_last_on_every_page() {
    let site = site_with(SITE_YAML);
    let custom = ":root { --radius: 0; }\n";
    site.write_beside("themes/default/static/custom.css", custom);
    site.build_ok();
    assert_eq!(site.output("static/custom.css"), custom.as_bytes());
    assert_eq!(
        site.output("static/style.css"),
        built_in_static("style.css")
    );
    for rel in html_files(&site.out) {
        let doc = page(&site.out, &rel);
        let links: Vec<&str> = doc
            .select(&sel("link[rel=stylesheet]"))
            .filter_map(|l| l.value().attr("href"))
            .collect();
        let last = links.last().copied().unwrap_or_default();
        assert_eq!(
            resolve(&rel, last).as_deref(),
            Some("static/custom.css"),
            "{rel}: {links:?}"
        );
    }
}

#[test]
fn one_template_in_the_theme_folder_replaces_only_that_template() {
    let site = site_with(SITE_YAML);
    site.write_beside(
        "themes/default/templates/home.html",
        "{% extends \"base.html\" %}\n{% block main %}<h1 id=\"own-home\">{{ layout.site_title }}</h1>\n<p>{{ page.discussions | length }} discussion(s)</p>{% endblock main %}\n",
    );
    site.build_ok();
    for (lang, title) in [("en", "Test site"), ("fr", "Site de test")] {
        let doc = page(&site.out, &format!("{lang}/index.html"));
        let h1 = doc
            .select(&sel("h1#own-home"))
            .next()
            .unwrap_or_else(|| panic!("{lang}/index.html does not use the theme's home.html"));
        assert_eq!(text_of(h1), title);
        assert!(text_of(doc.root_element()).contains("1 discussion(s)"));
        // base.html, which the override extends, is the built-in one.
        assert!(doc.select(&sel("a.skip-link")).next().is_some());
    }
    // The other pages still come from the built-in templates.
    let question = page(&site.out, QUESTION_PAGE);
    assert!(question.select(&sel("h1#own-home")).next().is_none());
    assert!(question.select(&sel("article.reply")).next().is_some());
    assert_eq!(
        site.output("static/style.css"),
        built_in_static("style.css")
    );
}

#[test]
fn a_partial_translation_file_changes_only_its_strings() {
    let site = site_with(SITE_YAML);
    site.write_beside(
        "themes/default/i18n/fr.yaml",
        "text:\n  search: Chercher dans le site\n",
    );
    site.build_ok();
    let fr = page(&site.out, "fr/index.html");
    let search = fr
        .select(&sel("a.search-link"))
        .next()
        .expect("search link");
    assert_eq!(text_of(search), "Chercher dans le site");
    // The strings the file leaves out come from the built-in French, not
    // from the default language.
    let skip = fr.select(&sel("a.skip-link")).next().expect("skip link");
    assert_eq!(text_of(skip), built_in_text(Lang::FR, "skip_to_content"));
    assert_ne!(text_of(skip), built_in_text(Lang::EN, "skip_to_content"));
    // Other languages are untouched.
    let en = page(&site.out, "en/index.html");
    let search = en
        .select(&sel("a.search-link"))
        .next()
        .expect("search link");
    assert_eq!(text_of(search), built_in_text(Lang::EN, "search"));
}

#[test]
fn a_changed_override_changes_the_pages_of_the_next_build() {
    let site = site_with(SITE_YAML);
    site.write_beside("themes/default/i18n/en.yaml", "text:\n  search: Find\n");
    site.build_ok();
    let search_text = |site: &Site| {
        let doc = page(&site.out, QUESTION_PAGE);
        text_of(
            doc.select(&sel("a.search-link"))
                .next()
                .expect("search link"),
        )
    };
    assert_eq!(search_text(&site), "Find");
    site.write_beside("themes/default/i18n/en.yaml", "text:\n  search: Look up\n");
    site.build_ok();
    assert_eq!(search_text(&site), "Look up");
    // Removing the override brings the built-in text back.
    fs::remove_file(site.dir.path().join("themes/default/i18n/en.yaml")).expect("remove override");
    site.build_ok();
    assert_eq!(search_text(&site), built_in_text(Lang::EN, "search"));
}

#[test]
fn a_site_without_style_settings_gets_no_extra_stylesheet() {
    let site = site_with(SITE_YAML);
    site.build_ok();
    assert!(!site.out.join("static/site-style.css").exists());
    let html = site.output_text(QUESTION_PAGE);
    assert!(!html.contains("site-style.css"), "{html}");
    assert!(!html.contains("site-logo"), "{html}");
}

const STYLED_SITE_YAML: &str = r##"title: {en: "Test site", fr: "Site de test", es: "Sitio"}
languages: [en, fr, es]
style:
  accent: "#005a9c"
  logo: logo.svg
  footer:
    en: "Run by **Example Org**. [Contact](https://example.org/contact)"
    fr: "Géré par **Example Org**."
"##;

const LOGO: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\"/></svg>\n";

#[test]
fn colours_logo_and_footer_from_site_yaml_reach_every_page() {
    let site = site_with(STYLED_SITE_YAML);
    site.write("logo.svg", LOGO);
    let run = site.build_ok();
    // The logo is part of the layout: no warning about a stray file.
    assert!(!run.stderr.contains("logo.svg"), "{}", run.describe());

    let css = site.output_text("static/site-style.css");
    assert!(css.contains("--accent: #005a9c;"), "{css}");
    assert!(css.contains("--focus: #005a9c;"), "{css}");
    assert!(css.contains("prefers-color-scheme: dark"), "{css}");
    assert_eq!(site.output("static/site-logo.svg"), LOGO.as_bytes());

    let titles = [("en", "Test site"), ("fr", "Site de test"), ("es", "Sitio")];
    for rel in html_files(&site.out) {
        let doc = page(&site.out, &rel);
        let html = site.output_text(&rel);
        // The pages allow only the site's own stylesheets: nothing inline.
        assert!(
            !html.contains("<style") && !html.contains(" style="),
            "{rel}"
        );
        let links: Vec<&str> = doc
            .select(&sel("link[rel=stylesheet]"))
            .filter_map(|l| l.value().attr("href"))
            .collect();
        let own = links
            .iter()
            .position(|h| h.ends_with("static/site-style.css"))
            .unwrap_or_else(|| panic!("{rel} does not load site-style.css: {links:?}"));
        let theme = links
            .iter()
            .position(|h| h.ends_with("static/style.css"))
            .expect("the theme's stylesheet");
        assert!(
            own > theme,
            "{rel}: site-style.css must come after style.css"
        );
        assert_eq!(
            resolve(&rel, links[own]).as_deref(),
            Some("static/site-style.css")
        );

        let logo = doc
            .select(&sel("header a.site-title img.site-logo"))
            .next()
            .unwrap_or_else(|| panic!("{rel} has no logo"));
        let src = logo.value().attr("src").expect("src");
        assert_eq!(resolve(&rel, src).as_deref(), Some("static/site-logo.svg"));
        let lang = doc.root_element().value().attr("lang").expect("html lang");
        let title = titles
            .iter()
            .find(|(l, _)| *l == lang)
            .expect("a site language")
            .1;
        assert_eq!(logo.value().attr("alt"), Some(title), "{rel}");

        let footer = doc
            .select(&sel("footer .site-footer-text"))
            .next()
            .unwrap_or_else(|| panic!("{rel} has no footer text"));
        let strong = footer
            .select(&sel("strong"))
            .next()
            .expect("Markdown rendered");
        assert_eq!(text_of(strong), "Example Org");
        match lang {
            "en" => {
                assert!(text_of(footer).starts_with("Run by"));
                assert_eq!(footer.value().attr("lang"), None);
                let a = footer.select(&sel("a")).next().expect("link");
                assert_eq!(a.value().attr("href"), Some("https://example.org/contact"));
            }
            "fr" => assert!(text_of(footer).starts_with("Géré par"), "{rel}"),
            // No Spanish text: the default language's, marked as such.
            _ => {
                assert!(text_of(footer).starts_with("Run by"), "{rel}");
                assert_eq!(footer.value().attr("lang"), Some("en"), "{rel}");
            }
        }
    }
}

#[test]
fn footer_markdown_cannot_carry_script() {
    let site = site_with(&STYLED_SITE_YAML.replace(
        "fr: \"Géré par **Example Org**.\"",
        "fr: \"[x](javascript:alert(1)) <img src=x onerror=alert(1)>\\n\\n<script>alert(1)</script>\"",
    ));
    site.write("logo.svg", LOGO);
    site.build_ok();
    let doc = page(&site.out, "fr/index.html");
    let footer = doc.select(&sel("footer")).next().expect("footer");
    assert!(footer.select(&sel("script, img")).next().is_none());
    for el in footer.descendants().filter_map(scraper::ElementRef::wrap) {
        for (name, value) in el.value().attrs() {
            assert!(!name.starts_with("on"), "{name}={value}");
            assert!(!value.contains("javascript:"), "{name}={value}");
        }
    }
    assert!(text_of(footer).contains('x'), "the link's text is kept");
}

#[test]
fn a_colour_that_is_not_a_plain_hex_colour_is_an_error_naming_the_line() {
    for (value, line) in [
        ("\"#005a9c; } body { display: none\"", 4),
        ("\"blue\"", 4),
        // Unquoted, `#` starts a YAML comment: the value would be empty.
        ("#005a9c", 4),
    ] {
        let site = site_with(&format!("{SITE_YAML}style:\n  accent: {value}\n"));
        for run in [site.build(), site.check(&[])] {
            assert!(
                !run.status.success(),
                "{value} was accepted\n{}",
                run.describe()
            );
            assert!(
                names_line(&run.stderr, "content/site.yaml", line),
                "the message does not point at site.yaml:{line}\n{}",
                run.describe()
            );
            assert!(messages_about(&run.stderr, "site.yaml").contains("style.accent"));
        }
        assert!(!site.out.exists(), "a site was written");
    }
}

#[test]
fn a_logo_that_is_missing_or_outside_the_content_folder_is_an_error() {
    for (value, words) in [
        ("nothing.svg", "no file"),
        ("../secret.svg", "not a file name"),
        ("notes.txt", "not an image"),
    ] {
        let site = site_with(&format!("{SITE_YAML}style:\n  logo: {value}\n"));
        site.write_beside("secret.svg", LOGO);
        site.write("notes.txt", "x");
        let run = site.build();
        assert!(!run.status.success(), "{value} was accepted");
        assert!(
            names_line(&run.stderr, "content/site.yaml", 4),
            "{}",
            run.describe()
        );
        assert!(
            messages_about(&run.stderr, "site.yaml").contains(words),
            "{}",
            run.describe()
        );
    }
}

#[test]
fn an_accent_hard_to_read_is_a_warning_with_a_colour_that_reads() {
    // One language, which the fixture's questions are written in, and no
    // address on purpose (`base_url: ""`): no other warning.
    let english = "title: {en: \"Test site\"}\nlanguages: [en]\n";
    let no_address = "base_url: \"\"\n";
    let site = site_with(&format!(
        "{english}style:\n  accent: \"#ffcc00\"\n{no_address}"
    ));
    let run = site.check(&["--deny-warnings"]);
    assert!(!run.status.success(), "{}", run.describe());
    assert!(
        names_line(&run.stderr, "content/site.yaml", 4),
        "{}",
        run.describe()
    );
    let message = messages_about(&run.stderr, "site.yaml");
    assert!(message.contains("4.5:1"), "{message}");
    // The site still builds, with the warning.
    let run = site.build_ok();
    assert!(
        names_line(&run.stderr, "content/site.yaml", 4),
        "{}",
        run.describe()
    );
    // A readable accent gives no warning, in either scheme.
    let site = site_with(&format!(
        "{english}style:\n  accent: \"#005a9c\"\n{no_address}"
    ));
    let run = site.check(&["--deny-warnings"]);
    assert!(run.status.success(), "{}", run.describe());
}

#[test]
fn a_template_of_the_theme_that_does_not_parse_is_named_with_its_line() {
    let site = site_with(SITE_YAML);
    site.write_beside(
        "themes/default/templates/home.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ layout.site_title }</h1>\n{% endblock main %}\n",
    );
    let run = site.build();
    assert!(!run.status.success());
    assert!(
        names_line(&run.stderr, "themes/default/templates/home.html", 3),
        "{}",
        run.describe()
    );
    // `check` looks at the theme too.
    let run = site.check(&[]);
    assert!(!run.status.success());
    assert!(
        names_line(&run.stderr, "themes/default/templates/home.html", 3),
        "{}",
        run.describe()
    );
}

#[test]
fn a_template_of_the_theme_that_fails_to_render_is_named_with_its_line() {
    let site = site_with(SITE_YAML);
    site.build_ok();
    let before = snapshot(&site.out);
    // An error outside the blocks of base.html, which every page extends.
    let theme = built_in();
    let (_, base) = theme
        .templates
        .iter()
        .find(|(n, _)| n == "base.html")
        .expect("base.html");
    let broken = base.replace("{{ layout.t.footer_note }}", "{{ layout.no_such_thing }}");
    assert_ne!(&broken, base, "the footer note is in base.html");
    let line = 1 + broken[..broken.find("no_such_thing").expect("edited")]
        .matches('\n')
        .count();
    site.write_beside("themes/default/templates/base.html", &broken);
    let run = site.build();
    assert!(!run.status.success());
    assert!(
        names_line(&run.stderr, "themes/default/templates/base.html", line),
        "{}",
        run.describe()
    );
    assert!(run.stderr.contains("no_such_thing"));
    // One message per template, not per page.
    let errors = run
        .stderr
        .lines()
        .filter(|l| l.contains(": error:"))
        .count();
    assert!(errors <= theme.templates.len(), "{}", run.describe());
    assert_eq!(snapshot(&site.out), before, "the previous site changed");
}

/// The `{name}` placeholders of a string, sorted.
fn placeholders(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    names.sort_unstable();
    names
}

#[test]
fn the_built_in_theme_speaks_five_languages_completely() {
    let theme = built_in();
    let en = &theme.i18n[&Lang::EN];
    for lang in [Lang::FR, Lang::ES, Lang::PT, Lang::AR] {
        let file = theme
            .i18n
            .get(&lang)
            .unwrap_or_else(|| panic!("no i18n/{lang}.yaml"));
        assert_eq!(file.months.len(), 12, "{lang}");
        assert!(file.language_name.is_some(), "{lang}");
        for (key, text) in &en.text {
            let own = file
                .text
                .get(key)
                .unwrap_or_else(|| panic!("{lang}: no `{key}`"));
            assert_eq!(placeholders(own), placeholders(text), "{lang}: {key}");
        }
        for (key, forms) in &en.plural {
            let own = file
                .plural
                .get(key)
                .unwrap_or_else(|| panic!("{lang}: no plural `{key}`"));
            assert_eq!(
                placeholders(&own.other),
                placeholders(&forms.other),
                "{lang}: {key}"
            );
        }
    }
}
