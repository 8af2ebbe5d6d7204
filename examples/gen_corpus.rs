//! Deterministic corpus generator for benchmarks.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --replies 20000 --seed 1 --out /tmp/corpus-20k
//! cargo run --release --example gen_corpus -- --replies 1000 --seed 1 --out /tmp/c --languages en
//! ```
//!
//! Writes a content folder in palabre's content format (see `docs/content-format.md`):
//! `site.yaml`, then one discussion per 5,000 replies (at least 2), each with a `_discussion.md`
//! (4 weeks of 3-5 questions whose en/fr/es texts are drawn from the sample discussions),
//! `replies/*.md` and `summaries/<g>-<q>.<lang>.md` for about half of the questions.
//!
//! Reply bodies are made of paragraphs of the bundled sample replies (`content/*/replies/*.md`,
//! read at run time from `--sample`, default: this crate's `content/`). Each generated reply is in
//! ONE language: its paragraphs all come from sample replies of that language, according to
//! `tests/fixtures/sample-languages.tsv` (the checked language of every sample reply). Generated replies carry no `lang:` (so palabre's language detection is exercised),
//! except a few (1 in 20), as real contributors' files sometimes do.
//!
//! The output depends only on the arguments and the sample files: the PRNG is an inline
//! splitmix64, every directory listing is sorted, and nothing depends on time or hash order.
//! Generating twice with the same seed gives byte-identical folders.

// A benchmark tool, not part of palabre: its unwraps are on writes to a String,
// which cannot fail, and on the files it generated itself.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{Duration, NaiveDate};
use clap::Parser;
use serde::Deserialize;

const LANGS: [&str; 3] = ["en", "fr", "es"];

#[derive(Parser)]
#[command(about = "Write a deterministic, synthetic palabre content folder for benchmarks")]
struct Args {
    /// Total number of replies (spread over max(2, ceil(N / 5000)) discussions)
    #[arg(long)]
    replies: usize,
    /// PRNG seed: the same seed (and sample) gives a byte-identical folder
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output folder (must not exist or be empty, unless --force, which deletes it first)
    #[arg(long)]
    out: PathBuf,
    /// Languages of the site, comma-separated, among en, fr, es (replies are written in these)
    #[arg(long, default_value = "en,fr,es", value_delimiter = ',')]
    languages: Vec<String>,
    /// The sample content folder whose replies and questions are reused
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/content"))]
    sample: PathBuf,
    /// The language of each sample reply: a TSV file whose first two columns are the path
    /// under the sample folder and the language
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sample-languages.tsv"))]
    sample_languages: PathBuf,
    /// Replace a non-empty output folder
    #[arg(long)]
    force: bool,
}

/// splitmix64: small, fast, and good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    /// True with probability `num / den`.
    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next() % den < num
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }
}

/// Just what the generator reads from a sample `_discussion.md`.
#[derive(Deserialize)]
struct SampleDiscussion {
    #[serde(default)]
    groups: Vec<SampleGroup>,
}
#[derive(Deserialize)]
struct SampleGroup {
    #[serde(default)]
    questions: Vec<SampleQuestion>,
}
#[derive(Deserialize)]
struct SampleQuestion {
    #[serde(default)]
    text: BTreeMap<String, String>,
}

/// Everything drawn from the sample.
struct Sample {
    /// Paragraphs per language (in a stable order).
    paragraphs: BTreeMap<String, Vec<String>>,
    /// Question texts per language.
    questions: Vec<BTreeMap<String, String>>,
}

/// Splits `---\n<yaml>\n---\n<body>`; a file without front-matter is all body.
fn split_front_matter(text: &str) -> (&str, &str) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(rest) = text.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---\n")
    {
        return (&rest[..end], &rest[end + 5..]);
    }
    (text.get(..0).unwrap_or(""), text)
}

fn paragraphs(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in body.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    // Answer markers are placed by the generator itself.
    out.retain(|p| !p.trim_start().starts_with("<!--"));
    out
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut entries = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    entries.sort();
    Ok(entries)
}

fn read_sample(dir: &Path, languages_tsv: &Path, langs: &[String]) -> Result<Sample, String> {
    let tsv = fs::read_to_string(languages_tsv)
        .map_err(|e| format!("{}: {e}", languages_tsv.display()))?;
    let table: BTreeMap<&str, &str> = tsv
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split('\t');
            Some((cols.next()?, cols.next()?))
        })
        .collect();
    let mut sample = Sample {
        paragraphs: BTreeMap::new(),
        questions: Vec::new(),
    };
    for discussion in sorted_entries(dir)? {
        if !discussion.is_dir() {
            continue;
        }
        let name = discussion
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let text = fs::read_to_string(discussion.join("_discussion.md"))
            .map_err(|e| format!("{}/_discussion.md: {e}", discussion.display()))?;
        let (yaml, _) = split_front_matter(&text);
        let parsed: SampleDiscussion = serde_saphyr::from_str(yaml)
            .map_err(|e| format!("{}/_discussion.md: {e}", discussion.display()))?;
        for group in parsed.groups {
            for q in group.questions {
                sample.questions.push(q.text);
            }
        }
        let replies = discussion.join("replies");
        if !replies.is_dir() {
            continue;
        }
        for file in sorted_entries(&replies)? {
            let file_name = file.file_name().unwrap().to_string_lossy().to_string();
            let key = format!("{name}/replies/{file_name}");
            // Samples of unknown language are skipped: a reply must stay in one language.
            let Some(lang) = table.get(key.as_str()) else {
                continue;
            };
            if !langs.iter().any(|l| l == lang) {
                continue;
            }
            let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let (_, body) = split_front_matter(&text);
            sample
                .paragraphs
                .entry(lang.to_string())
                .or_default()
                .extend(paragraphs(body));
        }
    }
    for lang in langs {
        if sample.paragraphs.get(lang).is_none_or(|p| p.is_empty()) {
            return Err(format!("the sample has no reply in language {lang}"));
        }
    }
    if sample.questions.is_empty() {
        return Err("the sample has no questions".into());
    }
    Ok(sample)
}

/// A YAML double-quoted string.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const FIRST_NAMES: &[&str] = &[
    "Antonio", "Marie", "Daniel", "Fatou", "Carmen", "Ayad", "Emilie", "Patricio", "Olubunmi",
    "Howard", "Estrella", "Mamadou", "Lucía", "Jean", "Amina", "Pedro", "Claire", "Kwame",
];
const LAST_NAMES: &[&str] = &[
    "García",
    "Dupont",
    "Naujoks",
    "Diallo",
    "Miguel",
    "Zarouali",
    "Blondy",
    "Sinaluisa",
    "Ajayi",
    "Duncan",
    "Añonuevo",
    "Sene",
    "Fernández",
    "Martin",
    "Haddad",
    "Okoro",
    "Grandi",
];
const ORGANISATIONS: &[&str] = &[
    "JMDI",
    "IOM",
    "UNDP ART Initiative",
    "EUNOMAD",
    "Región de Murcia",
    "GRDR",
    "Fund Finders Africa",
    "Ville de Montreuil",
    "GAD Pichincha",
];
const COUNTRIES: &[&str] = &[
    "Spain",
    "France",
    "Senegal",
    "Morocco",
    "Ecuador",
    "Philippines",
    "Nigeria",
    "Italy",
    "Belgium",
    "Mali",
    "Canada",
];

struct Question {
    id: String, // "g.q"
    week: usize,
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn body(rng: &mut Rng, pool: &[String], min: usize, max: usize) -> Vec<String> {
    (0..rng.range(min, max))
        .map(|_| rng.pick(pool).clone())
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn write_discussion(
    rng: &mut Rng,
    sample: &Sample,
    langs: &[String],
    dir: &Path,
    index: usize,
    replies: usize,
    first_id: usize,
) -> Result<(), String> {
    fs::create_dir_all(dir.join("replies")).map_err(|e| e.to_string())?;
    fs::create_dir_all(dir.join("summaries")).map_err(|e| e.to_string())?;
    let opens = NaiveDate::from_ymd_opt(2015, 1, 5).unwrap() + Duration::days(35 * index as i64);
    let closes = opens + Duration::days(27);
    let en = &sample.paragraphs[&langs[0]];

    // _discussion.md
    let mut questions = Vec::new();
    let mut d = String::from("---\ntitle:\n");
    for lang in langs {
        let title = match lang.as_str() {
            "fr" => format!("E-discussion générée n° {}", index + 1),
            "es" => format!("E-discusión generada n.º {}", index + 1),
            _ => format!("Generated e-discussion no. {}", index + 1),
        };
        writeln!(d, "  {lang}: {}", quote(&title)).unwrap();
    }
    writeln!(d, "opens: {opens}\ncloses: {closes}").unwrap();
    d.push_str("organisers: [\"JMDI\", \"IOM\"]\ngroup_label: week\ngroups:\n");
    for week in 1..=4 {
        writeln!(d, "  - id: {week}\n    questions:").unwrap();
        for q in 1..=rng.range(3, 5) {
            writeln!(d, "      - id: {q}\n        text:").unwrap();
            let texts = rng.pick(&sample.questions);
            for lang in langs {
                if let Some(text) = texts.get(lang) {
                    writeln!(d, "          {lang}: {}", quote(text)).unwrap();
                }
            }
            questions.push(Question {
                id: format!("{week}.{q}"),
                week,
            });
        }
    }
    d.push_str("---\n");
    d.push_str(&body(rng, en, 3, 6).join("\n\n"));
    d.push('\n');
    write(&dir.join("_discussion.md"), &d)?;

    // Summaries: about half of the questions in the default language, some in another.
    for q in &questions {
        let stem = q.id.replace('.', "-");
        for (i, lang) in langs.iter().enumerate() {
            let wanted = if i == 0 {
                rng.chance(1, 2)
            } else {
                rng.chance(1, 6)
            };
            if wanted {
                let text = body(rng, &sample.paragraphs[lang], 2, 5).join("\n\n") + "\n";
                write(&dir.join(format!("summaries/{stem}.{lang}.md")), &text)?;
            }
        }
    }
    let conclusion = body(rng, en, 2, 4).join("\n\n") + "\n";
    write(
        &dir.join(format!("summaries/conclusion.{}.md", langs[0])),
        &conclusion,
    )?;

    // Replies.
    for n in 0..replies {
        let id = first_id + n;
        let lang = rng.pick(langs);
        let pool = &sample.paragraphs[lang];
        // Mostly one question, of a week drawn at random; sometimes 2 or 3 of the same week.
        let first = rng.pick(&questions);
        let same_week: Vec<&Question> = questions.iter().filter(|q| q.week == first.week).collect();
        let count = match rng.range(0, 9) {
            0..=5 => 1,
            6..=8 => 2,
            _ => 3,
        };
        let mut answers: Vec<&str> = vec![first.id.as_str()];
        while answers.len() < count.min(same_week.len()) {
            let q = rng.pick(&same_week).id.as_str();
            if !answers.contains(&q) {
                answers.push(q);
            }
        }
        answers.sort_by_key(|id| {
            let (g, q) = id.split_once('.').unwrap();
            (g.parse::<u32>().unwrap(), q.parse::<u32>().unwrap())
        });

        let mut r = String::from("---\n");
        if rng.chance(9, 10) {
            let name = format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
            writeln!(r, "author: {}", quote(&name)).unwrap();
        }
        if rng.chance(2, 3) {
            let organisation: &&str = rng.pick(ORGANISATIONS);
            writeln!(r, "organisation: {}", quote(organisation)).unwrap();
        }
        if rng.chance(2, 3) {
            let country: &&str = rng.pick(COUNTRIES);
            writeln!(r, "country: {}", quote(country)).unwrap();
        }
        let week_start = opens + Duration::days(7 * (first.week as i64 - 1));
        let date = week_start + Duration::days(rng.range(0, 6) as i64);
        writeln!(r, "date: {date}").unwrap();
        let list: Vec<String> = answers.iter().map(|a| quote(a)).collect();
        writeln!(r, "answers: [{}]", list.join(", ")).unwrap();
        if rng.chance(1, 20) {
            writeln!(r, "lang: {lang}").unwrap();
        }
        r.push_str("---\n");

        let mut parts = Vec::new();
        if answers.len() > 1 && rng.chance(1, 2) {
            // A preamble, then one marked part per question.
            parts.extend(body(rng, pool, 0, 1));
            for a in &answers {
                parts.push(format!("<!-- answers: {a} -->"));
                parts.extend(body(rng, pool, 1, 5));
            }
        } else {
            parts.extend(body(rng, pool, 2, 12));
        }
        r.push_str(&parts.join("\n\n"));
        r.push('\n');
        write(&dir.join(format!("replies/{id:06}.md")), &r)?;
    }
    Ok(())
}

fn run(args: Args) -> Result<(), String> {
    let langs = args.languages;
    if langs.is_empty() || langs.iter().any(|l| !LANGS.contains(&l.as_str())) {
        return Err(format!("--languages: use some of {}", LANGS.join(",")));
    }
    let sample = read_sample(&args.sample, &args.sample_languages, &langs)?;
    if args.out.exists() && !sorted_entries(&args.out)?.is_empty() {
        if !args.force {
            return Err(format!(
                "{} is not empty (use --force to replace it)",
                args.out.display()
            ));
        }
        fs::remove_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    }
    fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;

    // site.yaml: the sample's title and languages, restricted to --languages.
    let titles = [
        ("en", "Migration & Development e-discussions"),
        ("fr", "E-discussions Migration et développement"),
        ("es", "E-discusiones Migración y desarrollo"),
    ];
    let mut site = String::from("title:\n");
    for (lang, title) in titles {
        if langs.iter().any(|l| l == lang) {
            writeln!(site, "  {lang}: {}", quote(title)).unwrap();
        }
    }
    writeln!(site, "languages: [{}]", langs.join(", ")).unwrap();
    writeln!(site, "default_language: {}", langs[0]).unwrap();
    write(&args.out.join("site.yaml"), &site)?;

    let mut rng = Rng(args.seed);
    let discussions = args.replies.div_ceil(5000).max(2);
    let mut first_id = 1;
    for i in 0..discussions {
        // Spread the replies evenly; the first discussions take the remainder.
        let n = args.replies / discussions + usize::from(i < args.replies % discussions);
        let dir = args.out.join(format!("discussion-{:02}", i + 1));
        write_discussion(&mut rng, &sample, &langs, &dir, i, n, first_id)?;
        first_id += n;
    }
    eprintln!(
        "wrote {} replies in {discussions} discussions to {}",
        args.replies,
        args.out.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_corpus: error: {e}");
            ExitCode::FAILURE
        }
    }
}
