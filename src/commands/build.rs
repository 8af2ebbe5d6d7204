//! `palabre build`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::print_all;

#[derive(clap::Args)]
pub struct Args {
    /// The content folder (site.yaml, one folder per discussion).
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Where to write the site; replaced whole on every build.
    #[arg(long, default_value = "public")]
    pub output: PathBuf,
    /// The folder holding themes (default: `themes/` beside the content folder).
    #[arg(long)]
    pub themes: Option<PathBuf>,
    /// Replace the output folder even if palabre did not create it.
    #[arg(long)]
    pub force: bool,
    /// Open the built site in the default browser.
    #[arg(long)]
    pub open: bool,
}

pub fn run(args: Args) -> ExitCode {
    let opts = crate::BuildOptions {
        content: args.content,
        output: args.output.clone(),
        themes: args.themes,
        force: args.force,
        // indicatif draws nothing when stderr is not a terminal (CI, pipes).
        progress: Some(
            indicatif::ProgressBar::new(0).with_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} pages {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            ),
        ),
    };
    match crate::build(&opts) {
        Ok(report) => {
            print_all(&report.warnings);
            println!("{}", report.summary(&args.output));
            if args.open {
                let index = args.output.join("index.html");
                if let Err(e) = opener::open(&index) {
                    eprintln!(
                        "could not open a browser ({e}); open {} yourself",
                        index.display()
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(diags) => {
            print_all(&diags.0);
            let n = diags.errors().count();
            eprintln!(
                "build failed: {n} error(s); nothing was written, the previous site is unchanged"
            );
            ExitCode::FAILURE
        }
    }
}
