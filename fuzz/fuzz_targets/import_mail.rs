//! Arbitrary bytes as an e-mail or an mbox for `palabre import`: reading them
//! must never panic, the file name must be a safe reply name, and the reply
//! file written must be one the loader reads without a front-matter error,
//! with the author exactly as the importer found it.
#![no_main]

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use palabre::content;
use palabre::import;
use palabre::lang::{Detector, Lang};
use palabre::model::QuestionId;

static DETECTOR: LazyLock<Detector> = LazyLock::new(|| Detector::new(&Lang::ALL));

static KNOWN: LazyLock<BTreeSet<QuestionId>> = LazyLock::new(|| {
    [(1, 1), (1, 2), (1, 10), (2, 1)]
        .into_iter()
        .map(|(group, question)| QuestionId { group, question })
        .collect()
});

static INFO: LazyLock<import::DiscussionInfo> = LazyLock::new(|| import::DiscussionInfo {
    slug: "water".to_string(),
    others: ["energy".to_string()].into_iter().collect(),
    replies_dir: Default::default(),
    questions: KNOWN.clone(),
    opens: None,
    closes: None,
});

fuzz_target!(|data: &[u8]| {
    let messages = if import::is_mbox(data) {
        import::split_mbox(data)
            .into_iter()
            .map(|m| m.bytes)
            .collect()
    } else {
        vec![data.to_vec()]
    };
    for raw in messages {
        let Some(mail) = import::parse_mail(&raw, &INFO) else {
            continue;
        };
        let name = mail.file_name();
        assert!(
            name.ends_with(".md")
                && !name.starts_with('.')
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
            "unsafe file name {name:?}"
        );
        assert!(mail.draft.answers.iter().all(|q| KNOWN.contains(q)));
        // A sender's address is never published as a name.
        assert!(
            !mail.draft.author.as_deref().unwrap_or_default().contains('@'),
            "{:?}",
            mail.draft.author
        );
        let text = mail.draft.to_file_text();
        match content::reply_from_text(Path::new(&name), &text, &KNOWN, &DETECTOR) {
            Ok((reply, _)) => {
                let expected = mail
                    .draft
                    .author
                    .as_deref()
                    .map(str::trim)
                    .filter(|a| !a.is_empty());
                assert_eq!(reply.author.as_deref(), expected, "{text:?}");
                assert_eq!(reply.answers, mail.draft.answers, "{text:?}");
            }
            Err(diags) => {
                // What a moderator completes by hand (no question named, no
                // text, language unknown) is fine; broken front-matter is not.
                for d in diags {
                    assert!(
                        !d.message.starts_with("front-matter"),
                        "{}: {text:?}",
                        d.message
                    );
                }
            }
        }
    }
});
