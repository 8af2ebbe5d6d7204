//! `palabre init DIR`: a starter site in `DIR/content`, to build at once and
//! then edit.
//!
//! The starter is data, in `starter/` at the root of the repository, built
//! into the binary like the default theme:
//!
//! - `site.yaml` and `<discussion>/_discussion.md` are tera templates, given
//!   `languages`, `default_language` and `base_url`;
//! - `<discussion>/replies/<name>.<lang>.md` is one reply in each known
//!   language; each reply is written once, as `<name>.md`, in one of the
//!   site's languages, taken in turn (so a site of several languages gets
//!   replies in several of them);
//! - `<discussion>/summaries/<name>.<lang>.md` are written as they are, in the
//!   site's first two languages (a summary missing in the others shows how
//!   palabre links to the ones that exist).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use include_dir::{Dir, File, include_dir};

use palabre::config;
use palabre::import;
use palabre::lang::Lang;

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");

/// How many languages each starter summary is written in.
const SUMMARY_LANGUAGES: usize = 2;

#[derive(clap::Args)]
pub struct Args {
    /// The folder to write the site into (created if missing); its
    /// `content/` folder must not exist yet or be empty.
    pub dir: PathBuf,
    /// The site's languages, default first, e.g. `en,fr,es`.
    #[arg(long, value_delimiter = ',', default_value = "en,fr")]
    pub languages: Vec<String>,
    /// The address the site will be published at, e.g.
    /// `https://example.org/discussions` (for feeds and the sitemap).
    #[arg(long)]
    pub base_url: Option<String>,
}

pub fn run(args: Args) -> ExitCode {
    match init(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

fn init(args: &Args) -> Result<(), String> {
    let languages = parse_languages(&args.languages)?;
    let base_url = match args.base_url.as_deref().map(config::parse_base_url) {
        Some(Err(e)) => {
            return Err(format!(
                "error: --base-url {e}\n  hint: write it as https://example.org/discussions, or leave it out"
            ));
        }
        Some(Ok(url)) => url,
        None => None,
    };
    let files = starter_files(&languages, base_url.as_deref())?;
    let content = args.dir.join("content");
    refuse_non_empty(&content)?;
    write_all(&content, &files)?;

    let codes: Vec<&str> = languages.iter().map(|l| l.code()).collect();
    println!(
        "wrote a starter site into {} (languages: {}):",
        content.display(),
        codes.join(", ")
    );
    for (rel, _) in &files {
        println!("  {}", content.join(rel).display());
    }
    let cd = shell_word(&args.dir.display().to_string());
    println!("next:");
    println!("  cd {cd} && palabre serve          preview it, rebuilt on every change");
    println!(
        "  cd {cd} && palabre build --open   write it into {} and open it",
        args.dir.join("public").display()
    );
    Ok(())
}

/// The site's languages as given, each once, in order.
fn parse_languages(codes: &[String]) -> Result<Vec<Lang>, String> {
    let mut languages = Vec::new();
    for code in codes {
        let code = code.trim();
        let lang = Lang::from_code(code).ok_or_else(|| {
            format!(
                "error: `{}` is not a language palabre knows\n  hint: use some of {}, separated by commas, e.g. --languages en,fr",
                code.escape_debug(),
                Lang::known_codes()
            )
        })?;
        if !languages.contains(&lang) {
            languages.push(lang);
        }
    }
    if languages.is_empty() {
        return Err(format!(
            "error: --languages is empty\n  hint: use some of {}, e.g. --languages en,fr",
            Lang::known_codes()
        ));
    }
    Ok(languages)
}

/// Every file of the starter site for these settings: its path under the
/// content folder (with `/`) and its text, sorted by path.
fn starter_files(
    languages: &[Lang],
    base_url: Option<&str>,
) -> Result<Vec<(String, String)>, String> {
    let Some(default) = languages.first() else {
        return Err("error: --languages is empty".to_string());
    };
    let codes: Vec<&str> = languages.iter().map(|l| l.code()).collect();
    let mut context = tera::Context::new();
    context.insert("languages", &codes);
    context.insert("default_language", default.code());
    context.insert("base_url", &base_url);
    let render = |file: &File| -> Result<(String, String), String> {
        let path = path_of(file);
        let text = tera::Tera::one_off(utf8(file)?, &context, false)
            .map_err(|e| starter_error(&path, &format!("{e:?}")))?;
        Ok((path, text))
    };

    let mut out = Vec::new();
    for file in STARTER.files() {
        out.push(render(file)?);
    }
    for discussion in STARTER.dirs() {
        for file in discussion.files() {
            out.push(render(file)?);
        }
        for folder in discussion.dirs() {
            let pieces = pieces(folder)?;
            let name = folder.path().file_name().map(|n| n.to_string_lossy());
            match name.as_deref() {
                Some("replies") => {
                    for (i, (stem, versions)) in pieces.iter().enumerate() {
                        let lang = languages[i % languages.len()];
                        let file = version(versions, lang, stem)?;
                        let dest = format!("{}/{stem}.md", parent_of(file));
                        out.push((dest, utf8(file)?.to_string()));
                    }
                }
                Some("summaries") => {
                    for (stem, versions) in &pieces {
                        for &lang in languages.iter().take(SUMMARY_LANGUAGES) {
                            let file = version(versions, lang, stem)?;
                            out.push((path_of(file), utf8(file)?.to_string()));
                        }
                    }
                }
                _ => return Err(starter_error(&path_of_dir(folder), "unknown folder")),
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The files of a `replies` or `summaries` folder, by name without the
/// language: `001-ana.en.md` is the `en` version of piece `001-ana`.
type Pieces<'a> = std::collections::BTreeMap<String, Vec<(Lang, &'a File<'a>)>>;

fn pieces<'a>(folder: &'a Dir<'a>) -> Result<Pieces<'a>, String> {
    let mut pieces = Pieces::new();
    for file in folder.files() {
        let name = file
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (stem, lang) = name
            .strip_suffix(".md")
            .and_then(|s| s.rsplit_once('.'))
            .and_then(|(stem, code)| Some((stem, Lang::from_code(code)?)))
            .ok_or_else(|| starter_error(&path_of(file), "not named <name>.<lang>.md"))?;
        pieces
            .entry(stem.to_string())
            .or_default()
            .push((lang, file));
    }
    Ok(pieces)
}

fn version<'a>(
    versions: &[(Lang, &'a File<'a>)],
    lang: Lang,
    stem: &str,
) -> Result<&'a File<'a>, String> {
    versions
        .iter()
        .find(|(l, _)| *l == lang)
        .map(|(_, f)| *f)
        .ok_or_else(|| starter_error(&format!("{stem}.{lang}.md"), "missing"))
}

fn path_of(file: &File) -> String {
    file.path().to_string_lossy().replace('\\', "/")
}

fn path_of_dir(dir: &Dir) -> String {
    dir.path().to_string_lossy().replace('\\', "/")
}

fn parent_of(file: &File) -> String {
    file.path()
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default()
}

fn utf8<'a>(file: &'a File<'a>) -> Result<&'a str, String> {
    file.contents_utf8()
        .ok_or_else(|| starter_error(&path_of(file), "not UTF-8"))
}

/// A fault of the starter built into palabre, not of anything the user did.
fn starter_error(path: &str, what: &str) -> String {
    format!(
        "error: the starter site built into palabre is damaged: starter/{path}: {what}\n  hint: this is a bug of palabre; please report it"
    )
}

/// Refuses a content folder that holds anything, so that no one's files are
/// mixed with the starter or replaced.
fn refuse_non_empty(content: &Path) -> Result<(), String> {
    let hint = "  hint: palabre init starts a new site: give another folder, or move the existing content away first";
    match fs::read_dir(content) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(format!(
                "{}: error: the folder is not empty\n{hint}",
                content.display()
            )),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if content.exists() && !content.is_dir() => Err(format!(
            "{}: error: this is a file, where the content folder would go\n{hint}",
            content.display()
        )),
        Err(e) => Err(format!(
            "{}: error: cannot read: {e}\n  hint: check the folder's permissions",
            content.display()
        )),
    }
}

/// Writes every file, never over an existing one; on failure removes what it
/// wrote and the folders it made, so that a second try starts afresh.
fn write_all(content: &Path, files: &[(String, String)]) -> Result<(), String> {
    // The first missing folder on the way to `content`: everything under it
    // is this command's to remove.
    let mut made = None;
    let mut dir = Some(content);
    while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        made = Some(d.to_path_buf());
        dir = d.parent();
    }
    let mut written: Vec<PathBuf> = Vec::new();
    for (rel, text) in files {
        let path = content.join(rel);
        if let Err(e) = import::create_new(&path, text) {
            for done in written.iter().rev() {
                let _ = fs::remove_file(done);
                // Folders left empty go, up to the content folder, and past it
                // up to the first one this command made.
                let top = made.as_deref().unwrap_or(content);
                let mut dir = done.parent();
                while let Some(d) = dir.filter(|d| d.starts_with(top)) {
                    if (d == content && made.is_none()) || fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
            }
            return Err(format!(
                "{}: error: cannot write: {e}\n  hint: check that the folder is writable; nothing was left in it",
                path.display()
            ));
        }
        written.push(path);
    }
    Ok(())
}

/// `word` as the shell reads it: quoted when it holds anything but letters,
/// digits and `/._-~`.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-~".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_piece_of_the_starter_exists_in_every_known_language() {
        for discussion in STARTER.dirs() {
            for folder in discussion.dirs() {
                for (stem, versions) in pieces(folder).expect("starter file names") {
                    let mut langs: Vec<Lang> = versions.iter().map(|(l, _)| *l).collect();
                    langs.sort();
                    assert_eq!(langs, Lang::ALL, "{stem}");
                }
            }
        }
    }

    #[test]
    fn replies_take_the_site_languages_in_turn() {
        let files = starter_files(&[Lang::Es, Lang::En], None).expect("starter");
        let langs: Vec<String> = files
            .iter()
            .filter(|(p, _)| p.contains("/replies/"))
            .map(|(_, text)| {
                let line = text
                    .lines()
                    .find(|l| l.starts_with("lang:"))
                    .expect("lang:");
                line["lang:".len()..]
                    .split('#')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string()
            })
            .collect();
        assert!(langs.len() >= 3, "{langs:?}");
        for (i, lang) in langs.iter().enumerate() {
            assert_eq!(lang, ["es", "en"][i % 2], "{langs:?}");
        }
    }

    #[test]
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(shell_word("my-site/v1.2"), "my-site/v1.2");
        assert_eq!(shell_word("my site"), "'my site'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
