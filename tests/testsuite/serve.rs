//! `palabre serve` with a real HTTP client: pages served with the reload
//! script (not written into the built files), a `reload` event after an edit,
//! a bad edit reported while the last good site is still served, and no file
//! outside the site reachable. Every wait is bounded; the server is killed at
//! the end, whatever happens.

use crate::common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use common::*;

const DISCUSSION: &str = r#"---
title: {en: "A discussion"}
group_label: week
groups:
  - id: 1
    questions:
      - id: 1
        text: {en: "Question one?"}
---
The introduction.
"#;

fn reply(text: &str) -> String {
    format!("---\nauthor: \"Ada\"\nlang: en\nanswers: [\"1.1\"]\n---\n{text}\n")
}

/// Longest wait for anything the server does (a build of this tiny site
/// takes well under a second; CI machines are slow and shared).
const PATIENCE: Duration = Duration::from_secs(60);

/// The server process, killed when the test ends (even by a panic).
struct Server {
    child: Child,
    addr: String,
    /// Its standard output, kept open: a closed pipe would end the server at
    /// its next line.
    stdout: Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Lines of `reader`, read on a thread, so that waits can time out.
fn lines_of(reader: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for a line for which `pred` holds; every line seen is kept in `seen`.
fn wait_for(
    rx: &Receiver<String>,
    seen: &mut Vec<String>,
    what: &str,
    pred: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + PATIENCE;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => {
                seen.push(line.clone());
                if pred(&line) {
                    return line;
                }
            }
            Err(_) => break,
        }
    }
    panic!(
        "no {what} within {PATIENCE:?}; lines seen:\n{}",
        seen.join("\n")
    );
}

/// Copies the repository's themes beside the content, so that edits to the
/// repository while the test runs cannot trigger rebuilds of their own.
fn copy_themes(to: &Path) {
    for entry in walkdir::WalkDir::new(THEMES) {
        let entry = entry.expect("themes folder");
        let rel = entry.path().strip_prefix(THEMES).expect("under themes");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).expect("create folder");
        } else {
            fs::copy(entry.path(), &dest).expect("copy theme file");
        }
    }
}

fn start(content: &Path, output: &Path) -> (Server, Receiver<String>) {
    let themes = content.parent().expect("parent").join("themes");
    copy_themes(&themes);
    let mut child = palabre()
        .args(["serve", "--port", "0", "--themes"])
        .arg(&themes)
        .arg("--content")
        .arg(content)
        .arg("--output")
        .arg(output)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start palabre serve");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let mut server = Server {
        child,
        addr: String::new(),
        stdout: lines_of(stdout),
    };
    let mut seen = Vec::new();
    let line = wait_for(&server.stdout, &mut seen, "`serving` line", |l| {
        l.starts_with("serving ")
    });
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    assert!(addr.starts_with("127.0.0.1:"), "{line}");
    server.addr = addr.to_string();
    (server, lines_of(stderr))
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(20)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// Status, content type and body of `GET path`.
fn get(agent: &ureq::Agent, server: &Server, path: &str) -> (u16, String, String) {
    let url = format!("http://{}{path}", server.addr);
    let mut resp = agent
        .get(&url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = resp
        .body_mut()
        .read_to_string()
        .unwrap_or_else(|e| panic!("body of {url}: {e}"));
    (resp.status().as_u16(), ct, body)
}

/// The status line and headers of a request sent byte for byte (clients
/// clean up `..` in URLs before sending them; an attacker's does not).
fn raw_get(server: &Server, target: &str) -> String {
    let mut s = TcpStream::connect(&server.addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut text = String::new();
    let _ = s.read_to_string(&mut text);
    text.split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_string()
}

fn site() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = scratch_dir("serve-");
    let content = dir.path().join("content");
    fs::create_dir_all(content.join("d/replies")).expect("folders");
    fs::write(content.join("site.yaml"), FIXTURE_SITE_YAML).expect("site.yaml");
    fs::write(content.join("d/_discussion.md"), DISCUSSION).expect("discussion");
    fs::write(
        content.join("d/replies/001-ada.md"),
        reply("The first version of this reply."),
    )
    .expect("reply");
    // A file beside the site that no URL may reach.
    fs::write(dir.path().join("secret.txt"), "do not serve").expect("secret");
    let output = dir.path().join("public");
    (dir, content, output)
}

const PAGE: &str = "/en/d/week-1/question-1/";

#[test]
fn serves_reloads_on_edits_and_keeps_the_last_good_site() {
    let (_dir, content, output) = site();
    let (server, stderr) = start(&content, &output);
    let agent = agent();
    let mut err_seen = Vec::new();

    // The page, with the reload script and a policy that lets it connect.
    let (status, ct, body) = get(&agent, &server, PAGE);
    assert_eq!(status, 200);
    assert_eq!(ct, "text/html; charset=utf-8");
    assert!(body.contains("The first version of this reply."));
    assert!(body.contains(r#"<script src="/__palabre/reload.js"></script></body>"#));
    assert!(body.contains("connect-src 'self'"), "{body}");
    // ... only when served: the built file is what gets published.
    let built =
        fs::read_to_string(output.join("en/d/week-1/question-1/index.html")).expect("built");
    assert!(!built.contains("__palabre") && !built.contains("connect-src"));

    let (status, ct, js) = get(&agent, &server, "/__palabre/reload.js");
    assert_eq!(
        (status, ct.as_str()),
        (200, "text/javascript; charset=utf-8")
    );
    assert!(
        js.contains("new EventSource(\"/__palabre/events\")"),
        "{js}"
    );
    assert!(
        js.contains("textContent") && !js.contains("innerHTML"),
        "{js}"
    );
    let (status, ct, css) = get(&agent, &server, "/static/style.css");
    assert_eq!((status, ct.as_str()), (200, "text/css; charset=utf-8"));
    assert!(!css.contains("__palabre"));

    // The event stream, read on a thread until the server goes away.
    let stream_agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let resp = stream_agent
        .get(&format!("http://{}/__palabre/events", server.addr))
        .call()
        .expect("event stream");
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/event-stream")
    );
    let events = lines_of(resp.into_body().into_reader());
    let mut seen = Vec::new();
    wait_for(&events, &mut seen, "hello event", |l| l == "event: hello");

    // An edit: a reload event, then the new text.
    let reply_file = content.join("d/replies/001-ada.md");
    fs::write(&reply_file, reply("The second version, edited.")).expect("edit");
    wait_for(&events, &mut seen, "reload event", |l| l == "event: reload");
    let (status, _, body) = get(&agent, &server, PAGE);
    assert_eq!(status, 200);
    assert!(body.contains("The second version, edited."), "{body}");
    assert!(!body.contains("The first version"));

    // A bad edit: the error reaches the browser and the terminal; the last
    // good site is still served.
    fs::write(
        &reply_file,
        "---\nauthor: \"Ada\"\nanswers: [\"1.1\"\n---\nThe third version, broken.\n",
    )
    .expect("break");
    wait_for(&events, &mut seen, "build-error event", |l| {
        l == "event: build-error"
    });
    let data = wait_for(&events, &mut seen, "error data", |l| {
        l.starts_with("data: ")
    });
    assert!(data.contains("001-ada.md:"), "{data}");
    assert!(data.contains("front-matter"), "{data}");
    wait_for(&stderr, &mut err_seen, "error in the terminal", |l| {
        l.contains("001-ada.md:") && l.contains("error:")
    });
    wait_for(&stderr, &mut err_seen, "failure line", |l| {
        l.contains("still serving the last good site")
    });
    let (status, ct, json) = get(&agent, &server, "/__palabre/status");
    assert_eq!((status, ct.as_str()), (200, "application/json"));
    let status_json: serde_json::Value = serde_json::from_str(&json).expect("json");
    let error = status_json["error"].as_str().unwrap_or_default();
    assert!(error.contains("001-ada.md:"), "{json}");
    let (status, _, body) = get(&agent, &server, PAGE);
    assert_eq!(status, 200);
    assert!(body.contains("The second version, edited."), "{body}");

    // Fixed again: reload, and the status is clean.
    fs::write(&reply_file, reply("The fourth version, fixed.")).expect("fix");
    wait_for(&events, &mut seen, "reload after the fix", |l| {
        l == "event: reload"
    });
    let (_, _, body) = get(&agent, &server, PAGE);
    assert!(body.contains("The fourth version, fixed."), "{body}");
    let (_, _, json) = get(&agent, &server, "/__palabre/status");
    let status_json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(status_json["error"].is_null(), "{json}");

    // The themes are watched too.
    let css = content
        .parent()
        .expect("parent")
        .join("themes/default/static/style.css");
    let mut text = fs::read_to_string(&css).expect("style.css");
    text.push_str("\n.palabre-serve-test { color: red; }\n");
    fs::write(&css, text).expect("edit style.css");
    wait_for(&events, &mut seen, "reload after a theme edit", |l| {
        l == "event: reload"
    });
    let (_, _, served) = get(&agent, &server, "/static/style.css");
    assert!(served.contains(".palabre-serve-test"), "{served}");
    drop(server);
}

#[test]
fn serves_only_the_site() {
    let (_dir, content, output) = site();
    let (server, _stderr) = start(&content, &output);
    let agent = agent();

    let (status, _, _) = get(&agent, &server, "/en/d/no-such-page/");
    assert_eq!(status, 404);
    let (status, _, _) = get(&agent, &server, "/__palabre/nothing");
    assert_eq!(status, 404);
    let (status, _, body) = get(&agent, &server, "/");
    assert_eq!(status, 200);
    assert!(body.contains("/__palabre/reload.js"));

    // Relative links need the folder's trailing slash.
    let head = raw_get(&server, "/en/d");
    assert!(head.starts_with("HTTP/1.1 301"), "{head}");
    assert!(head.contains("Location: /en/d/"), "{head}");

    for target in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/en/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
    ] {
        let head = raw_get(&server, target);
        assert!(head.starts_with("HTTP/1.1 404"), "{target}: {head}");
    }
    drop(server);
}

#[test]
fn a_site_broken_from_the_start_appears_once_fixed() {
    let (_dir, content, output) = site();
    let reply_file = content.join("d/replies/001-ada.md");
    fs::write(
        &reply_file,
        "---\nanswers: [\"9.9\"]\n---\nWrong question.\n",
    )
    .expect("break");
    let (server, _stderr) = start(&content, &output);
    let agent = agent();

    // Nothing built yet: the missing page still carries the reload script,
    // and the status says why.
    let (status, ct, body) = get(&agent, &server, PAGE);
    assert_eq!((status, ct.as_str()), (404, "text/html; charset=utf-8"));
    assert!(body.contains(r#"<script src="/__palabre/reload.js"></script>"#));
    let (_, _, json) = get(&agent, &server, "/__palabre/status");
    let status_json: serde_json::Value = serde_json::from_str(&json).expect("json");
    let error = status_json["error"].as_str().unwrap_or_default();
    assert!(error.contains("question 9.9"), "{json}");
    assert_eq!(status_json["generation"], 0, "{json}");

    let resp = ureq::get(&format!("http://{}/__palabre/events", server.addr))
        .call()
        .expect("event stream");
    let events = lines_of(resp.into_body().into_reader());
    let mut seen = Vec::new();
    wait_for(&events, &mut seen, "build-error on connect", |l| {
        l == "event: build-error"
    });
    fs::write(&reply_file, reply("Now answering the right question.")).expect("fix");
    wait_for(&events, &mut seen, "reload event", |l| l == "event: reload");
    let (status, _, body) = get(&agent, &server, PAGE);
    assert_eq!(status, 200);
    assert!(body.contains("Now answering the right question."), "{body}");
    drop(server);
}

#[test]
fn refuses_an_output_folder_that_is_not_a_site() {
    let (_dir, content, _output) = site();
    // The content folder itself: serving it would publish the sources, and
    // building into it would replace them.
    let run = Run::from_output(
        palabre()
            .args(["serve", "--port", "0", "--content"])
            .arg(&content)
            .arg("--output")
            .arg(&content)
            .output()
            .expect("run palabre serve"),
    );
    assert_eq!(run.status.code(), Some(1), "{}", run.describe());
    assert!(run.stderr.contains("error:"), "{}", run.describe());
    assert!(!run.stdout.contains("serving"), "{}", run.describe());
    assert!(content.join("d/replies/001-ada.md").is_file());
}

#[test]
fn help_tells_how_the_output_folder_is_replaced() {
    for command in ["build", "serve"] {
        let out = palabre()
            .args([command, "--help"])
            .output()
            .expect("run palabre --help");
        let help = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(out.status.success(), "{help}");
        for says in ["built aside", "swapped in whole", "replaced in place"] {
            assert!(
                help.contains(says),
                "`{command} --help` does not say {says:?}:\n{help}"
            );
        }
        assert!(!help.contains("replaced whole on every build"), "{help}");
    }
}
