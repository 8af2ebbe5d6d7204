//! `palabre build`.

use std::process::ExitCode;

use super::{SiteArgs, print_all};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Open the built site in the default browser.
    #[arg(long)]
    pub open: bool,
}

pub fn run(args: Args) -> ExitCode {
    // indicatif draws nothing when stderr is not a terminal (CI, pipes).
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} pages {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let opts = args.site.build_options(Some(bar));
    match crate::build(&opts) {
        Ok(report) => {
            print_all(&report.warnings);
            println!("{}", report.summary(&opts.output));
            if args.open {
                let index = opts.output.join("index.html");
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
