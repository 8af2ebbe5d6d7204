//! `palabre serve`: build, serve the site on loopback, rebuild on every change
//! to the content or the themes, and reload the open page in the browser.
//!
//! The browser learns of rebuilds through server-sent events: served HTML
//! (never the built files) gets a script that listens on `/__palabre/events`.
//! A build that fails leaves the last good site in place; its error is shown
//! in the terminal and, over the page, in the browser.

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};
use regex::Regex;
use tiny_http::{Header, Request, Response, Server};

use super::{SiteArgs, print_all};

#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The port to listen on, on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
}

const PREFIX: &str = "/__palabre/";
const RELOAD_TAG: &str = r#"<script src="/__palabre/reload.js"></script>"#;
/// The script served HTML loads: reload on a good build, show the error of a
/// bad one over the page (as text: the message may quote the user's content).
const RELOAD_JS: &str = r##"(function () {
  "use strict";
  var box = null;
  var first = null;
  function show(text) {
    if (!box) {
      box = document.createElement("pre");
      box.id = "palabre-build-error";
      box.setAttribute("role", "alert");
      var s = box.style;
      s.position = "fixed"; s.left = "0"; s.right = "0"; s.bottom = "0"; s.margin = "0";
      s.maxHeight = "50vh"; s.overflow = "auto"; s.padding = "1em"; s.zIndex = "2147483647";
      s.background = "#fff3f3"; s.color = "#700"; s.borderTop = "3px solid #c00";
      s.whiteSpace = "pre-wrap"; s.font = "14px/1.4 monospace";
      document.body.appendChild(box);
    }
    box.textContent = "palabre: the last edit does not build; this is the last good site.\n\n" + text;
  }
  var events = new EventSource("/__palabre/events");
  // After a restart of palabre serve the stream says hello again: reload if the site changed meanwhile.
  events.addEventListener("hello", function (e) {
    if (first === null) { first = e.data; } else if (e.data !== first) { location.reload(); }
  });
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("build-error", function (e) { show(e.data); });
})();
"##;
/// How often an idle event stream sends a comment, so that a closed browser
/// tab is noticed and its thread ends.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// What the browser is told: how many good builds there were, and the error
/// of the last build when it failed.
#[derive(Default, Clone, PartialEq)]
struct Status {
    generation: u64,
    error: Option<String>,
}

#[derive(Default)]
struct Shared {
    status: Mutex<Status>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Status> {
        // A panicking holder cannot leave a Status half-written: keep going.
        self.status.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, f: impl FnOnce(&mut Status)) {
        f(&mut self.lock());
        self.changed.notify_all();
    }
}

pub(crate) fn run(args: Args) -> ExitCode {
    // No progress bar: the terminal shows serve's own messages between rebuilds.
    let opts = args.site.build_options(None);
    // A refused output folder is not an edit to wait for: say so and stop,
    // rather than serve a folder that is not a site.
    if let Err(d) = palabre::output::check_output_dir(&opts.content, &opts.output, opts.force) {
        eprintln!("{d}");
        return ExitCode::FAILURE;
    }
    let shared = Arc::new(Shared::default());
    rebuild(&opts, &shared);

    let server = match Server::http(("127.0.0.1", args.port)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "error: cannot listen on 127.0.0.1:{}: {e}\n  hint: another program uses this port; pass --port with another number",
                args.port
            );
            return ExitCode::FAILURE;
        }
    };
    let addr = server
        .server_addr()
        .to_ip()
        .map_or_else(|| format!("127.0.0.1:{}", args.port), |a| a.to_string());

    let (tx, rx) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(tx) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch files for changes: {e}");
            return ExitCode::FAILURE;
        }
    };
    let themes = opts.themes_dir();
    let mut watched = Vec::new();
    for dir in [&opts.content, &themes] {
        if !dir.is_dir() {
            continue;
        }
        if let Err(e) = watcher.watch(dir, RecursiveMode::Recursive) {
            eprintln!("error: cannot watch {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
        watched.push(dir.display().to_string());
    }

    let root = opts.output.clone();
    let http_shared = Arc::clone(&shared);
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let (root, shared) = (root.clone(), Arc::clone(&http_shared));
            std::thread::spawn(move || handle(request, &root, &shared));
        }
    });
    println!(
        "serving {} on http://{addr}/ (Ctrl-C to stop); watching {}",
        opts.output.display(),
        watched.join(", ")
    );

    // Rebuild once per burst of changes: an editor's save is several events.
    while let Ok(event) = rx.recv() {
        if !is_change(&event) {
            continue;
        }
        // Only changes extend the wait: files read by other programs must
        // not postpone the build.
        let mut quiet_until = Instant::now() + DEBOUNCE;
        while let Some(left) = quiet_until.checked_duration_since(Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(e) if is_change(&e) => quiet_until = Instant::now() + DEBOUNCE,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        rebuild(&opts, &shared);
    }
    ExitCode::SUCCESS
}

/// Quiet time that ends a burst of file events.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// True for events that change files. Opening and reading are events too
/// (inotify reports them), and the build itself reads every file: counting
/// them would rebuild forever.
fn is_change(event: &notify::Result<notify::Event>) -> bool {
    match event {
        Ok(e) => match e.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
            EventKind::Access(_) | EventKind::Other => false,
            EventKind::Any | EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => {
                true
            }
        },
        Err(e) => {
            eprintln!("warning: watching for changes: {e}");
            false
        }
    }
}

/// Builds once; reports in the terminal and to the browsers.
fn rebuild(opts: &palabre::BuildOptions, shared: &Shared) {
    match palabre::build(opts) {
        Ok(report) => {
            print_all(&report.warnings);
            println!("{}", report.summary(&opts.output));
            shared.set(|s| {
                s.generation += 1;
                s.error = None;
            });
        }
        Err(diags) => {
            print_all(&diags.0);
            let n = diags.errors().count();
            eprintln!("build failed: {n} error(s); still serving the last good site");
            let text: Vec<String> = diags.errors().map(ToString::to_string).collect();
            shared.set(|s| s.error = Some(text.join("\n")));
        }
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn respond(request: Request, status: u16, content_type: &str, body: Vec<u8>) {
    let mut response = Response::from_data(body).with_status_code(status);
    for h in [
        header("Content-Type", content_type),
        // Always fresh: the site changes under the browser's feet.
        header("Cache-Control", "no-store"),
        header("X-Content-Type-Options", "nosniff"),
    ]
    .into_iter()
    .flatten()
    {
        response.add_header(h);
    }
    // The client may have gone; nothing to do about it.
    let _ = request.respond(response);
}

/// A page with the reload script too, so that a browser left on a missing
/// page (say, before the first good build) shows build errors and reloads.
fn not_found(request: Request) {
    let page = format!(
        "<!doctype html><meta charset=utf-8><title>Not found</title><p>404: this site has no such page.</p>{RELOAD_TAG}\n"
    );
    respond(request, 404, "text/html; charset=utf-8", page.into_bytes());
}

fn handle(request: Request, root: &Path, shared: &Shared) {
    if !matches!(
        request.method(),
        tiny_http::Method::Get | tiny_http::Method::Head
    ) {
        return respond(
            request,
            405,
            "text/plain; charset=utf-8",
            b"405 method not allowed\n".to_vec(),
        );
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/").to_string();
    match path.strip_prefix(PREFIX) {
        Some("reload.js") => respond(
            request,
            200,
            "text/javascript; charset=utf-8",
            RELOAD_JS.as_bytes().to_vec(),
        ),
        Some("status") => {
            let s = shared.lock().clone();
            let json = serde_json::json!({ "generation": s.generation, "error": s.error });
            respond(
                request,
                200,
                "application/json",
                json.to_string().into_bytes(),
            );
        }
        Some("events") => events(request, shared),
        Some(_) => not_found(request),
        None => serve_file(request, root, &path),
    }
}

/// The file for URL path `path` under `root`: `None` when the path leaves the
/// folder (`..`, a drive, a backslash, an encoded slash) or is not valid UTF-8.
fn file_for(root: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let mut file = root.to_path_buf();
    for seg in decoded.split('/') {
        if seg.is_empty() || seg == "." {
            continue;
        }
        if seg.contains(['\\', '\0', ':']) {
            return None;
        }
        match Path::new(seg).components().next() {
            Some(Component::Normal(_)) => file.push(seg),
            _ => return None,
        }
    }
    Some(file)
}

fn serve_file(request: Request, root: &Path, path: &str) {
    let Some(mut file) = file_for(root, path) else {
        return not_found(request);
    };
    // Symbolic links must not lead out of the site either.
    let inside = match (file.canonicalize(), root.canonicalize()) {
        (Ok(f), Ok(r)) => f.starts_with(r),
        _ => false,
    };
    if !inside {
        return not_found(request);
    }
    if file.is_dir() {
        if !path.ends_with('/') {
            // Relative links in the page need the trailing slash.
            let mut response = Response::empty(301);
            if let Some(h) = header("Location", &format!("{path}/")) {
                response.add_header(h);
            }
            let _ = request.respond(response);
            return;
        }
        file.push("index.html");
    }
    let Ok(bytes) = std::fs::read(&file) else {
        return not_found(request);
    };
    let mime = mime_guess::from_path(&file).first_or_octet_stream();
    if mime.essence_str() == "text/html" {
        let html = String::from_utf8_lossy(&bytes);
        let html = inject_reload(&allow_connect(&html));
        respond(request, 200, "text/html; charset=utf-8", html.into_bytes());
    } else {
        let ct = match mime.type_() {
            mime_guess::mime::TEXT => format!("{}; charset=utf-8", mime.essence_str()),
            _ => mime.essence_str().to_string(),
        };
        respond(request, 200, &ct, bytes);
    }
}

/// Adds the reload script before `</body>` (or at the end).
fn inject_reload(html: &str) -> String {
    match html.rfind("</body>") {
        Some(i) => format!("{}{RELOAD_TAG}{}", &html[..i], &html[i..]),
        None => format!("{html}{RELOAD_TAG}"),
    }
}

/// `policy` with `'self'` allowed for `directive` (added when missing).
fn allow_self(policy: &str, directive: &str) -> String {
    let mut found = false;
    let mut parts: Vec<String> = Vec::new();
    for d in policy.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        let mut words: Vec<&str> = d.split_whitespace().collect();
        if words
            .first()
            .is_some_and(|w| w.eq_ignore_ascii_case(directive))
        {
            found = true;
            if !words.iter().any(|w| *w == "'self'" || *w == "*") {
                words.retain(|w| *w != "'none'");
                words.push("'self'");
            }
        }
        parts.push(words.join(" "));
    }
    if !found {
        parts.push(format!("{directive} 'self'"));
    }
    parts.join("; ")
}

/// Rewrites a page's Content-Security-Policy meta so that the reload script
/// may run and open its event stream.
fn allow_connect(html: &str) -> String {
    static META: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"(?i)<meta\b[^>]*>").ok());
    static CONTENT: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r#"(?i)\bcontent="([^"]*)""#).ok());
    let (Some(meta), Some(content)) = (&*META, &*CONTENT) else {
        return html.to_string();
    };
    meta.replace_all(html, |m: &regex::Captures<'_>| {
        let tag = &m[0];
        if !tag.to_ascii_lowercase().contains("content-security-policy") {
            return tag.to_string();
        }
        content
            .replace(tag, |c: &regex::Captures<'_>| {
                let policy = allow_self(&allow_self(&c[1], "script-src"), "connect-src");
                format!("content=\"{policy}\"")
            })
            .into_owned()
    })
    .into_owned()
}

/// One server-sent-events stream: `hello` with the build generation first
/// (and `build-error` if the last build failed), then `reload` after every
/// good build and `build-error` after every failed one. Runs until the
/// browser goes away.
fn events(request: Request, shared: &Shared) {
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    let mut seen = shared.lock().clone();
    let mut first = format!("event: hello\ndata: {}\n\n", seen.generation);
    if let Some(e) = &seen.error {
        first.push_str(&event("build-error", e));
    }
    if send(&mut out, &format!("{head}{first}")).is_err() {
        return;
    }
    loop {
        let guard = shared.lock();
        let (guard, _) = shared
            .changed
            .wait_timeout_while(guard, KEEPALIVE, |s| *s == seen)
            .unwrap_or_else(|e| e.into_inner());
        let now = guard.clone();
        drop(guard);
        let msg = if now.generation != seen.generation {
            event("reload", &now.generation.to_string())
        } else if now.error != seen.error {
            match &now.error {
                Some(e) => event("build-error", e),
                None => String::new(),
            }
        } else {
            ": keepalive\n\n".to_string()
        };
        seen = now;
        if !msg.is_empty() && send(&mut out, &msg).is_err() {
            return;
        }
    }
}

fn event(name: &str, data: &str) -> String {
    let mut s = format!("event: {name}\n");
    for line in data.lines() {
        s.push_str(&format!("data: {line}\n"));
    }
    s.push('\n');
    s
}

fn send(out: &mut Box<dyn Write + Send>, text: &str) -> io::Result<()> {
    out.write_all(text.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_allows_the_reload_script_and_its_stream() {
        let html = r#"<head><meta content="default-src 'none'; style-src 'self'; script-src 'self'; base-uri 'none'" http-equiv=Content-Security-Policy><meta name=x content="y"></head><body><p>x</p></body>"#;
        let out = inject_reload(&allow_connect(html));
        assert_eq!(
            out,
            r#"<head><meta content="default-src 'none'; style-src 'self'; script-src 'self'; base-uri 'none'; connect-src 'self'" http-equiv=Content-Security-Policy><meta name=x content="y"></head><body><p>x</p><script src="/__palabre/reload.js"></script></body>"#
        );
        let other = r#"<meta http-equiv="Content-Security-Policy" content="script-src 'none'; connect-src https://a.example">"#;
        assert_eq!(
            allow_connect(other),
            r#"<meta http-equiv="Content-Security-Policy" content="script-src 'self'; connect-src https://a.example 'self'">"#
        );
    }

    #[test]
    fn paths_cannot_leave_the_site() {
        let root = Path::new("/site");
        assert_eq!(
            file_for(root, "/en/a%20b/index.html"),
            Some(PathBuf::from("/site/en/a b/index.html"))
        );
        for bad in [
            "/../etc/passwd",
            "/en/%2e%2e/%2e%2e/x",
            "/a%5c..%5cb",
            "/%2e%2e",
        ] {
            assert_eq!(file_for(root, bad), None, "{bad}");
        }
    }

    #[test]
    fn reading_files_is_not_a_change() {
        use notify::event::{CreateKind, ModifyKind};
        let ev = |kind| Ok(notify::Event::new(kind));
        assert!(is_change(&ev(EventKind::Modify(ModifyKind::Any))));
        assert!(is_change(&ev(EventKind::Create(CreateKind::File))));
        assert!(is_change(&ev(EventKind::Access(AccessKind::Close(
            AccessMode::Write
        )))));
        assert!(!is_change(&ev(EventKind::Access(AccessKind::Open(
            AccessMode::Any
        )))));
        assert!(!is_change(&ev(EventKind::Access(AccessKind::Close(
            AccessMode::Read
        )))));
    }

    #[test]
    fn events_carry_every_line() {
        assert_eq!(
            event("build-error", "a: b\n  hint: c"),
            "event: build-error\ndata: a: b\ndata:   hint: c\n\n"
        );
    }
}
