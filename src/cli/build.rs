//! `palabre build`.

use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use super::{SiteArgs, print_all};

#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Open the built site in the default browser (or say which file to
    /// open, when no browser can be opened).
    #[arg(long)]
    pub open: bool,
}

pub(crate) fn run(args: Args) -> ExitCode {
    // indicatif draws nothing when stderr is not a terminal (CI, pipes).
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} pages {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let opts = args.site.build_options(Some(Box::new(PageBar(bar))));
    match palabre::build(&opts) {
        Ok(report) => {
            print_all(&report.warnings);
            println!("{}", report.summary(&opts.output));
            if args.open {
                let index = opts.output.join("index.html");
                // The full path, to paste into a browser's address bar.
                let index = std::path::absolute(&index).unwrap_or(index);
                if let Err(why) = open_in_browser(&index) {
                    eprintln!(
                        "could not open a browser ({why}); open {} in your browser yourself",
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

/// The build's pages, as a bar on the terminal.
struct PageBar(ProgressBar);

impl palabre::Progress for PageBar {
    fn start(&self, total: usize) {
        self.0.set_length(total as u64);
    }

    fn advance(&self, n: usize) {
        self.0.inc(n as u64);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Opens `file` in the default browser, or says why it could not.
///
/// On Linux and the BSDs the `opener` crate starts `xdg-open` and returns
/// at once, so a desktop without any browser (or no desktop at all) would
/// fail unseen: `xdg-open` is run here and its exit status read, for a few
/// seconds (it may also wait for the browser to close: still running then
/// means it opened). `opener` remains the way on other systems, and in a
/// graphical session without `xdg-open` (it then runs a copy of the script
/// of its own).
fn open_in_browser(file: &std::path::Path) -> Result<(), String> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        use std::process::{Command, Stdio};
        use std::time::{Duration, Instant};
        let spawned = Command::new("xdg-open")
            .arg(file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(mut child) => {
                let deadline = Instant::now() + Duration::from_secs(5);
                while Instant::now() < deadline {
                    match child.try_wait() {
                        Ok(Some(status)) if status.success() => return Ok(()),
                        Ok(Some(status)) => {
                            return Err(format!("xdg-open found no program to open it: {status}"));
                        }
                        Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                        Err(e) => return Err(format!("xdg-open: {e}")),
                    }
                }
                return Ok(());
            }
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!("cannot run xdg-open: {e}"));
            }
            Err(_) => {
                // `opener`'s own script would find nothing to start either.
                let set = |v: &str| std::env::var_os(v).is_some_and(|v| !v.is_empty());
                if !["DISPLAY", "WAYLAND_DISPLAY", "WSL_DISTRO_NAME"]
                    .into_iter()
                    .any(set)
                {
                    return Err(
                        "no xdg-open, and no graphical session: DISPLAY is not set".to_string()
                    );
                }
            }
        }
    }
    opener::open(file).map_err(|e| e.to_string())
}
