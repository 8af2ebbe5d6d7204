//! Broken content: palabre must stop with a non-zero status, name the file and
//! line and say what is wrong, report every problem at once, and leave the
//! previous site exactly as it was.

use crate::common;

use std::fs;
use std::path::Path;

use common::*;

const MARKED_REPLY: &str = r#"---
author: "Bo"
lang: en
answers: ["1.2", "1.10"]
---
Hello everyone.
<!-- answers: 1.2 -->
About the second question.
<!-- answers: 1.10 -->
About the tenth question.
"#;

/// The fixture site with a reply in marked parts, built once.
fn fixture() -> Site {
    Site::built_with(&[("d/replies/marked.md", MARKED_REPLY)])
}

#[test]
fn malformed_yaml_unclosed_bracket() {
    bad_reply(
        "---\nlang: en\nanswers: [\"1.1\"\n---\nBody.\n",
        &[3],
        &["bracket"],
    );
}

#[test]
fn missing_answers_field() {
    // No single line is at fault: any line of the front-matter will do.
    bad_reply(
        "---\nlang: en\nauthor: Ada\n---\nBody.\n",
        &[1, 2, 3, 4],
        &["answers"],
    );
}

#[test]
fn unknown_question_in_answers() {
    bad_reply(
        "---\nlang: en\nanswers: [\"9.9\"]\n---\nBody.\n",
        &[3],
        &["9.9"],
    );
}

#[test]
fn unquoted_1_10_is_question_ten_not_one_point_one() {
    let fx = fixture();
    fx.write(
        "d/replies/unquoted.md",
        "---\nlang: en\nanswers: [1.10]\n---\nAn answer to the tenth question.\n",
    );
    let run = fx.build();
    assert!(
        run.status.success(),
        "`answers: [1.10]` is valid (question 1.10)\n{}",
        run.describe()
    );
    for lang in LANGS {
        let ten = format!("{lang}/d/week-1/question-10/index.html");
        let one = format!("{lang}/d/week-1/question-1/index.html");
        let on = |rel: &str| {
            page(&fx.out, rel)
                .select(&sel("article[id=\"unquoted\"]"))
                .count()
        };
        assert_eq!(
            on(&ten),
            1,
            "{ten}: the reply answering [1.10] should be shown once"
        );
        assert_eq!(
            on(&one),
            0,
            "{one}: the reply answering [1.10] must not be read as 1.1"
        );
    }
}

#[test]
fn lang_no_is_an_unknown_language_not_false() {
    let run = bad_reply(
        "---\nauthor: Ada\nlang: no\nanswers: [\"1.1\"]\n---\nBody.\n",
        &[3],
        &["language"],
    );
    let about = messages_about(&run.stderr, "d/replies/bad.md");
    assert!(
        ["`no`", "\"no\"", "'no'"].iter().any(|q| about.contains(q)),
        "the message should name the unknown language `no`\n{about}"
    );
    let lower = about.to_lowercase();
    assert!(
        !lower.contains("bool") && !lower.contains("false"),
        "`lang: no` was read as a boolean\n{about}"
    );
}

#[test]
fn unknown_field_typo() {
    bad_reply(
        "---\nlang: en\nanwsers: [\"1.1\"]\n---\nBody.\n",
        &[3],
        &["anwsers"],
    );
}

#[test]
fn invalid_date() {
    bad_reply(
        "---\nlang: en\ndate: 2013-07-32\nanswers: [\"1.1\"]\n---\nBody.\n",
        &[3],
        &["2013-07-32"],
    );
}

#[test]
fn summary_for_unknown_question() {
    let fx = fixture();
    let before = fx.state();
    fx.write(
        "d/summaries/9-9.en.md",
        "A summary of a question that does not exist.\n",
    );
    let run = fx.build();
    fx.assert_refused(
        &before,
        &run,
        Expect {
            file: "d/summaries/9-9.en.md",
            lines: &[],
            words: &["9.9"],
        },
    );
}

#[test]
fn summary_for_unknown_language() {
    let fx = fixture();
    let before = fx.state();
    fx.write("d/summaries/1-1.de.md", "Eine Zusammenfassung.\n");
    let run = fx.build();
    fx.assert_refused(
        &before,
        &run,
        Expect {
            file: "d/summaries/1-1.de.md",
            lines: &[],
            words: &["de", "language"],
        },
    );
}

#[cfg(unix)]
#[test]
fn unreadable_reply() {
    use std::os::unix::fs::PermissionsExt;
    let fx = fixture();
    let before = fx.state();
    fx.write("d/replies/bad.md", FIXTURE_REPLY);
    let path = fx.content.join("d/replies/bad.md");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).expect("chmod 000");
    if fs::read(&path).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): mode 000 does not stop
        // reading, so there is no unreadable file to test here. The invalid
        // UTF-8 case below covers a file that cannot be read as text.
        eprintln!("skipped: the test runs with privileges that read mode-000 files");
        return;
    }
    let run = fx.build();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod back");
    fx.assert_refused(
        &before,
        &run,
        Expect {
            file: "d/replies/bad.md",
            lines: &[],
            words: &["read"],
        },
    );
}

#[test]
fn invalid_utf8_reply() {
    let mut bytes = b"---\nlang: en\nanswers: [\"1.1\"]\n---\nBody ".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(b" here.\n");
    bad_reply(bytes, &[5], &["utf-8"]);
}

#[test]
fn marker_naming_a_question_not_in_answers() {
    bad_reply(
        "---\nlang: en\nanswers: [\"1.1\"]\n---\nHello.\n<!-- answers: 1.2 -->\nA part.\n",
        &[6],
        &["1.2"],
    );
}

#[test]
fn reply_without_front_matter() {
    let run = bad_reply("Just a body, no front-matter.\n", &[1], &[]);
    let about = messages_about(&run.stderr, "d/replies/bad.md").to_lowercase();
    assert!(
        about.contains("front-matter") || about.contains("front matter"),
        "the message should say front-matter is missing\n{about}"
    );
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let fx = fixture();
    let before = fx.state();
    fx.write(
        "d/replies/a-bad.md",
        "---\nlang: en\nanswers: [\"9.9\"]\n---\nBody.\n",
    );
    fx.write(
        "d/replies/b-bad.md",
        "---\nlang: en\ndate: 2020-13-01\nanswers: [\"1.1\"]\n---\nBody.\n",
    );
    let run = fx.build();
    fx.assert_refused(
        &before,
        &run,
        Expect {
            file: "d/replies/a-bad.md",
            lines: &[3],
            words: &["9.9"],
        },
    );
    fx.assert_refused(
        &before,
        &run,
        Expect {
            file: "d/replies/b-bad.md",
            lines: &[3],
            words: &["2020-13-01"],
        },
    );
}

#[test]
fn output_folder_equal_to_content_folder_is_refused() {
    let fx = fixture();
    let before = snapshot(&fx.content);
    let run = fx.build_into(&fx.content.clone(), &[]);
    assert!(
        !run.status.success(),
        "building into the content folder must be refused\n{}",
        run.describe()
    );
    assert!(
        run.stderr.to_lowercase().contains("content"),
        "the message should say why\n{}",
        run.describe()
    );
    assert_eq!(
        snapshot(&fx.content),
        before,
        "the content folder was changed"
    );
}

#[test]
fn foreign_non_empty_output_folder_is_refused_unless_forced() {
    let fx = fixture();
    let foreign = fx.dir.path().join("my-documents");
    fs::create_dir_all(foreign.join("sub")).expect("create folder");
    fs::write(foreign.join("notes.txt"), "mine\n").expect("write");
    fs::write(foreign.join("sub/more.txt"), "also mine\n").expect("write");
    let before = snapshot(&foreign);

    let run = fx.build_into(&foreign, &[]);
    assert!(
        !run.status.success(),
        "a non-empty folder palabre did not make must be refused\n{}",
        run.describe()
    );
    assert!(
        run.stderr.contains("my-documents"),
        "the message should name the folder\n{}",
        run.describe()
    );
    assert!(
        run.stderr.contains("--force"),
        "the message should tell about --force\n{}",
        run.describe()
    );
    assert_eq!(snapshot(&foreign), before, "the user's folder was changed");

    let run = fx.build_into(&foreign, &["--force"]);
    assert!(
        run.status.success(),
        "--force should allow replacing it\n{}",
        run.describe()
    );
    assert!(
        foreign.join("en/index.html").is_file(),
        "--force build wrote no site"
    );
}

#[test]
fn check_on_a_broken_folder_exits_1_and_writes_nothing() {
    let fx = fixture();
    let ok = fx.check(&[]);
    assert!(
        ok.status.success(),
        "check on a good folder should pass\n{}",
        ok.describe()
    );

    fx.write(
        "d/replies/bad.md",
        "---\nlang: en\nanswers: [\"9.9\"]\n---\nBody.\n",
    );
    let before = snapshot(fx.dir.path());
    let run = fx.check(&[]);
    assert_eq!(
        run.status.code(),
        Some(1),
        "check on a broken folder must exit 1\n{}",
        run.describe()
    );
    assert!(
        names_line(&run.stderr, "d/replies/bad.md", 3),
        "check should name the problem\n{}",
        run.describe()
    );
    assert_eq!(
        snapshot(fx.dir.path()),
        before,
        "palabre check wrote or changed files"
    );
}

/// Asserts that the build went through and warned about `file:line`, with
/// every one of `words` in what it says about the file (hint included).
fn assert_warned(run: &Run, file: &str, line: usize, words: &[&str]) {
    assert!(
        run.status.success(),
        "a warning must not stop the build\n{}",
        run.describe()
    );
    assert!(
        names_line(&run.stderr, file, line),
        "no warning at {file}:{line}\n{}",
        run.describe()
    );
    let about = messages_about(&run.stderr, file);
    assert!(about.contains("warning"), "{}", run.describe());
    assert!(about.contains("hint:"), "no hint\n{}", run.describe());
    for word in words {
        assert!(
            about.contains(word),
            "the warning about {file} does not say {word:?}\n{}",
            run.describe()
        );
    }
}

#[test]
fn impossible_dates_get_a_hint_about_the_day_or_month() {
    for (date, hint) in [
        ("2024-02-30", "February 2024 has 29 days"),
        ("2023-02-29", "February 2023 has 28 days"),
        ("2013-04-31", "April 2013 has 30 days"),
        ("2013-07-00", "July 2013 has 31 days"),
        ("2013-13-01", "there is no month 13"),
    ] {
        let run = bad_reply(
            format!("---\nlang: en\ndate: {date}\nanswers: [\"1.1\"]\n---\nBody.\n"),
            &[3],
            &[date, hint],
        );
        assert!(
            !messages_about(&run.stderr, "d/replies/bad.md").contains("YYYY-MM-DD, e.g."),
            "{date}: the hint is about the format, not the day\n{}",
            run.describe()
        );
    }
    // A date in another format still gets the format.
    bad_reply(
        "---\nlang: en\ndate: 10/07/2013\nanswers: [\"1.1\"]\n---\nBody.\n",
        &[3],
        &["10/07/2013", "YYYY-MM-DD"],
    );
}

#[test]
fn a_reply_still_holding_the_new_reply_placeholder_is_a_warning() {
    let fx = fixture();
    fx.write(
        "d/replies/draft.md",
        "---\nauthor: \"Bo\"\nlang: fr\nanswers: [\"1.1\"]\n---\n\nÉcrivez ici le texte de la réponse, en Markdown.\n",
    );
    let run = fx.build();
    assert_warned(
        &run,
        "d/replies/draft.md",
        7,
        &["palabre new reply", "replace"],
    );
    let run = fx.check(&[]);
    assert_warned(&run, "d/replies/draft.md", 7, &["palabre new reply"]);
    // Once the text is written, the warning is gone.
    fx.write(
        "d/replies/draft.md",
        "---\nauthor: \"Bo\"\nlang: fr\nanswers: [\"1.1\"]\n---\n\nMa réponse à la première question.\n",
    );
    let run = fx.build();
    assert!(run.status.success(), "{}", run.describe());
    assert!(
        !run.stderr.contains("d/replies/draft.md"),
        "{}",
        run.describe()
    );
}

#[test]
fn a_reply_dated_outside_the_discussion_is_a_warning() {
    let fx = fixture();
    fx.write(
        "d/_discussion.md",
        FIXTURE_DISCUSSION.replacen(
            "group_label: week\n",
            "opens: 2013-07-01\ncloses: 2013-07-31\ngroup_label: week\n",
            1,
        ),
    );
    let dated = |date: &str| {
        format!(
            "---\nauthor: \"Bo\"\nlang: en\ndate: {date}\nanswers: [\"1.1\"]\n---\nA reply sent on {date}.\n"
        )
    };
    fx.write("d/replies/early.md", dated("2012-07-10"));
    fx.write("d/replies/late.md", dated("2013-08-01"));
    fx.write("d/replies/first-day.md", dated("2013-07-01"));
    fx.write("d/replies/last-day.md", dated("2013-07-31"));
    let run = fx.build();
    let range = ["2013-07-01", "2013-07-31", "`date:`"];
    assert_warned(&run, "d/replies/early.md", 4, &range);
    assert_warned(&run, "d/replies/early.md", 4, &["2012-07-10", "before"]);
    assert_warned(&run, "d/replies/late.md", 4, &range);
    assert_warned(&run, "d/replies/late.md", 4, &["2013-08-01", "after"]);
    for inside in ["first-day.md", "last-day.md"] {
        assert!(
            !run.stderr.contains(inside),
            "{inside} is dated within the discussion\n{}",
            run.describe()
        );
    }
    // Moving the closing date (a discussion extended) ends the warning
    // about the late reply, even though the reply itself did not change.
    fx.write(
        "d/_discussion.md",
        FIXTURE_DISCUSSION.replacen(
            "group_label: week\n",
            "opens: 2013-07-01\ncloses: 2013-08-15\ngroup_label: week\n",
            1,
        ),
    );
    let run = fx.build();
    assert!(run.status.success(), "{}", run.describe());
    assert!(!run.stderr.contains("late.md"), "{}", run.describe());
    assert!(run.stderr.contains("early.md"), "{}", run.describe());
}

#[test]
fn two_files_with_the_same_address_are_an_error_naming_both() {
    let fx = fixture();
    let before = fx.state();
    fx.write("d/replies/003-josé.md", FIXTURE_REPLY);
    fx.write("d/replies/003-jose.md", FIXTURE_REPLY);
    fx.write("d/replies/003-José.md", FIXTURE_REPLY);
    let run = fx.build();
    fx.assert_refused(
        &before,
        &run,
        Expect {
            file: "d/replies/003-josé.md",
            lines: &[],
            words: &["003-jose.md", "same web address `003-jose`", "rename"],
        },
    );
    assert!(
        messages_about(&run.stderr, "d/replies/003-José.md").contains("003-jose.md"),
        "the third file is named too\n{}",
        run.describe()
    );

    // Discussion folders too.
    let fx = fixture();
    let before = fx.state();
    fx.write("Débat/_discussion.md", FIXTURE_DISCUSSION);
    fx.write("débat/_discussion.md", FIXTURE_DISCUSSION);
    let run = fx.build();
    fx.assert_refused(
        &before,
        &run,
        Expect {
            file: "débat",
            lines: &[],
            words: &["Débat", "same web address `debat`"],
        },
    );
}

#[test]
fn names_with_no_letter_or_digit_are_an_error() {
    let fx = fixture();
    let before = fx.state();
    fx.write("d/replies/¡¿!?.md", FIXTURE_REPLY);
    let run = fx.build();
    fx.assert_refused(
        &before,
        &run,
        Expect {
            file: "d/replies/¡¿!?.md",
            lines: &[],
            words: &["no letter or digit", "web address", "rename"],
        },
    );
}

/// The problems a run printed on stderr, one block (line and hint) each, in
/// order; the closing line of a failed build left out.
fn diagnostics(stderr: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    for line in stderr.lines() {
        if line.starts_with("build failed:") {
            continue;
        }
        match blocks.last_mut() {
            Some(last) if line.starts_with(' ') => {
                last.push('\n');
                last.push_str(line);
            }
            _ => blocks.push(line.to_string()),
        }
    }
    blocks
}

/// A change to a fixture.
type Change = dyn Fn(&Site);

fn with_base_url(fx: &Site) {
    fx.write(
        "site.yaml",
        format!("{FIXTURE_SITE_YAML}base_url: https://example.org/talks\n"),
    );
}

#[test]
fn check_reports_exactly_what_build_reports() {
    // Each case changes the fixture (built once, no base_url) a little.
    let cases: [(&str, &Change); 5] = [
        ("as it is (no base_url)", &|_| {}),
        ("with base_url", &with_base_url),
        ("with warnings of every kind", &|fx| {
            with_base_url(fx);
            fx.write(
                "d/_discussion.md",
                FIXTURE_DISCUSSION.replacen("group_label", "closes: 2013-07-31\ngroup_label", 1),
            );
            fx.write(
                "d/replies/warned.md",
                "---\nauthor: Cy\ndate: 2014-01-02\nanswers: [\"1.1\"]\n---\n\
                 Write the text of the reply here, in Markdown.\n\n\
                 See [Maria](002-maria.md) and [the report](../report/index.html).\n\n\
                 <script>alert(1)</script>\n",
            );
            fx.write("d/replies/twice.md", FIXTURE_REPLY);
            fx.write("d/notes.txt", "not content\n");
        }),
        ("with errors and warnings", &|fx| {
            fx.write(
                "d/replies/bad.md",
                "---\nlang: en\ndate: 2024-02-30\nanswers: [\"9.9\"]\n---\nBody.\n",
            );
            fx.write("d/replies/Good.md", FIXTURE_REPLY);
            fx.write("d/stray.md", "stray\n");
        }),
        ("with a broken site.yaml", &|fx| {
            fx.write("site.yaml", "title: {en: T}\nlanguages: []\n");
        }),
    ];
    for (name, change) in cases {
        let fx = fixture();
        change(&fx);
        let built = fx.build();
        let checked = fx.check(&[]);
        let from_build = diagnostics(&built.stderr);
        assert!(
            !from_build.is_empty(),
            "{name}: the case reports nothing\n{}",
            built.describe()
        );
        assert_eq!(
            diagnostics(&checked.stderr),
            from_build,
            "{name}: check and build disagree\n--- build ---\n{}\n--- check ---\n{}",
            built.describe(),
            checked.describe()
        );
        assert_eq!(
            checked.status.success(),
            built.status.success(),
            "{name}: check and build disagree on success\n{}\n{}",
            built.describe(),
            checked.describe()
        );
    }
}

/// `palabre build --open` with only `bin` on PATH and no graphical session.
#[cfg(unix)]
fn build_and_open(fx: &Site, bin: &Path) -> Run {
    let out = fx
        .build_command(&fx.out)
        .env("PATH", bin)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WSL_DISTRO_NAME")
        .env_remove("BROWSER")
        .arg("--open")
        .output()
        .expect("run palabre build --open");
    Run::from_output(out)
}

/// Writes an executable `xdg-open` into `bin` that runs `script`.
#[cfg(unix)]
fn fake_xdg_open(bin: &Path, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    fs::create_dir_all(bin).expect("folder");
    let path = bin.join("xdg-open");
    fs::write(&path, format!("#!/bin/sh\n{script}\n")).expect("write script");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[cfg(unix)]
#[test]
fn open_names_the_file_to_open_when_no_browser_can_be_opened() {
    let fx = fixture();
    let index = std::path::absolute(fx.out.join("index.html")).expect("absolute path");
    let says_so = |run: &Run, why: &str| {
        assert!(
            run.status.success(),
            "the site was built: --open failing is no error\n{}",
            run.describe()
        );
        assert!(
            run.stderr.contains("could not open a browser")
                && run.stderr.contains(why)
                && run.stderr.contains(&format!("open {} ", index.display())),
            "no clear message naming {}\n{}",
            index.display(),
            run.describe()
        );
    };

    // No program at all on PATH: neither xdg-open nor a shell for opener's own.
    let empty = fx.dir.path().join("empty-bin");
    fs::create_dir_all(&empty).expect("folder");
    says_so(&build_and_open(&fx, &empty), "xdg-open");

    // An xdg-open that finds no browser, as on a server: it exits with 3.
    let failing = fx.dir.path().join("failing-bin");
    fake_xdg_open(&failing, "exit 3");
    says_so(&build_and_open(&fx, &failing), "exit status: 3");

    // One that opens the page: no message, and it was given the index.
    let working = fx.dir.path().join("working-bin");
    let opened = fx.dir.path().join("opened.txt");
    fake_xdg_open(
        &working,
        &format!("printf '%s' \"$1\" > '{}'", opened.display()),
    );
    let run = build_and_open(&fx, &working);
    assert!(run.status.success(), "{}", run.describe());
    assert!(!run.stderr.contains("could not open"), "{}", run.describe());
    assert_eq!(
        fs::read_to_string(&opened).expect("xdg-open was run"),
        index.display().to_string()
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_name_that_is_not_unicode_text_is_an_error() {
    use std::os::unix::ffi::OsStrExt;
    let fx = fixture();
    let before = fx.state();
    // "réponse" in Latin-1, as an old archive may have it.
    let name = std::ffi::OsStr::from_bytes(b"r\xe9ponse.md");
    fs::write(fx.content.join("d/replies").join(name), FIXTURE_REPLY).expect("write");
    let run = fx.build();
    fx.assert_refused(
        &before,
        &run,
        Expect {
            file: "d/replies/r",
            lines: &[],
            words: &["not valid unicode", "rename"],
        },
    );
}

#[test]
fn no_base_url_is_a_warning_unless_left_empty_on_purpose() {
    let fx = fixture();
    let run = fx.check(&[]);
    let about = messages_about(&run.stderr, "site.yaml");
    assert!(
        run.status.success() && about.contains("warning: base_url is not set"),
        "{}",
        run.describe()
    );
    fx.write("site.yaml", format!("{FIXTURE_SITE_YAML}base_url: \"\"\n"));
    let run = fx.check(&[]);
    assert!(
        run.status.success() && !run.stderr.contains("base_url"),
        "`base_url: \"\"` means no address on purpose\n{}",
        run.describe()
    );
}
