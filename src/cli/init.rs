//! `palabre init DIR`: a starter site in `DIR/content`, to build at once and
//! then edit. The starter itself is the library's ([`import::starter_files`]).

use std::path::PathBuf;
use std::process::ExitCode;

use palabre::config;
use palabre::import;
use palabre::lang::Lang;

#[derive(clap::Args)]
pub(crate) struct Args {
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

pub(crate) fn run(args: Args) -> ExitCode {
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
    let files = import::starter_files(&languages, base_url.as_deref())?;
    let content = args.dir.join("content");
    import::write_starter(&content, &files).map_err(|d| d.to_string())?;

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
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(shell_word("my-site/v1.2"), "my-site/v1.2");
        assert_eq!(shell_word("my site"), "'my site'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
