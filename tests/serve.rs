//! `lotrinh serve` as a user meets it: the binary on a free port, answering
//! every file of the built site with its content type, the 404 page, folders
//! by their index.html, the base URL's path; an edit shows up in the served
//! page, a bad edit shows the errors over the last good site.

mod common;

use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running `lotrinh serve`; killed when dropped.
struct Server {
    child: Child,
    port: u16,
    prefix: String,
    out: PathBuf,
    log: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(root: &Path, extra: &[&str]) -> Server {
        let out = root.join("public");
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("lotrinh"))
            .arg("serve")
            .arg("--root")
            .arg(root)
            .args(["--port", "0"])
            .args(extra)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("lotrinh serve starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Owned (and so killed on drop) before anything can fail.
        let mut server = Server {
            child,
            port: 0,
            prefix: String::new(),
            out,
            log: rx,
        };
        let seen = server.wait_log(" at http://127.0.0.1:");
        let line = seen.lines().last().unwrap();
        let url = line.split(" at http://127.0.0.1:").nth(1).unwrap();
        let url = url.split_whitespace().next().unwrap();
        let (port, prefix) = url.split_at(url.find('/').unwrap());
        server.port = port.parse().unwrap();
        server.prefix = prefix.to_string();
        server
    }

    fn get(&self, path: &str) -> Reply {
        http_get(self.port, path)
    }

    /// Waits for a stderr line holding `what`; returns every line read so far.
    fn wait_log(&self, what: &str) -> String {
        let mut seen = String::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        while let Ok(line) = self
            .log
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            seen.push_str(&line);
            seen.push('\n');
            if line.contains(what) {
                return seen;
            }
        }
        panic!("no line with {what:?} from the server; got:\n{seen}");
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A minimal HTTP/1.1 GET (the tests need nothing more than std).
fn http_get(port: u16, path: &str) -> Reply {
    http_request(port, "GET", path)
}

fn http_request(port: u16, method: &str, path: &str) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + size]);
        b = &b[end + 2 + size + 2..];
    }
}

fn expected_type(rel: &str) -> &'static str {
    match rel.rsplit('.').next().unwrap() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ico" => "image/x-icon",
        "svg" => "image/svg+xml",
        other => {
            panic!("the fixture site has a file type the test does not know: .{other} ({rel})")
        }
    }
}

/// The served HTML is the built file with the live-reload script added, nothing else.
fn assert_same_page(served: &[u8], built: &[u8], rel: &str) {
    let served = String::from_utf8_lossy(served);
    let built = String::from_utf8_lossy(built);
    let start = served
        .find("<script data-event-stream=")
        .unwrap_or_else(|| panic!("{rel}: no live-reload script"));
    let end = start + served[start..].find("</script>").unwrap() + "</script>".len();
    let without = format!("{}{}", &served[..start], &served[end..]);
    assert_eq!(
        without, built,
        "{rel}: the served page is not the built page"
    );
}

/// Waits up to a minute for `cond`.
fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Edits `rel` under `root` by replacing `from` with `to` (which must occur).
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} holds {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Every file a fresh `lotrinh build` of `root` makes is served with the
/// same bytes (HTML with the live-reload script added); returns the fresh build.
fn assert_serves_a_fresh_build(server: &Server, root: &Path) -> tempfile::TempDir {
    let fresh = tempfile::tempdir().unwrap();
    build_ok(root, fresh.path(), &[]);
    let built = files(fresh.path());
    let mut n = 0;
    for (rel, bytes) in built.iter().filter(|(r, _)| !r.starts_with(".lotrinh-")) {
        let reply = server.get(&format!("/{rel}"));
        assert_eq!(reply.status, 200, "/{rel}");
        if rel.ends_with(".html") {
            assert_same_page(&reply.body, bytes, rel);
        } else {
            assert_eq!(
                &reply.body, bytes,
                "/{rel}: served bytes differ from a fresh build"
            );
        }
        n += 1;
    }
    assert!(n > 50, "the fixture site built: {n} files");
    fresh
}

/// Issue 17: `serve` answers from memory and rebuilds incrementally; after
/// edits to a record, a removed record and a template, every page it serves
/// is the page a fresh build of the edited site makes, a removed page is
/// gone, and the output folder ends up holding that build too.
#[test]
fn after_edits_the_served_site_is_a_fresh_build() {
    let (_tmp, root) = copy_fixture("rich");
    let server = Server::start(&root, &[]);
    assert_serves_a_fresh_build(&server, &root);

    // One record: an agency's name (its pages and the lists that show it).
    edit(
        &root,
        "data/agencies/core.yaml",
        "\"Ministry of Public Security\"",
        "\"Ministry of Public Security (renamed)\"",
    );
    // The pages fetched last (open in a browser) come first, the rest after.
    let log = server.wait_log("reloaded open pages");
    assert!(log.contains("open page(s) first"), "{log}");
    assert!(server.get("/en/agencies/mps/").text().contains("(renamed)"));
    assert_serves_a_fresh_build(&server, &root);

    // A record removed: its pages go.
    assert_eq!(server.get("/en/themes/expression/").status, 200);
    edit(
        &root,
        "data/themes.yaml",
        "- id: expression\n  name: { en: \"Freedom of expression\" }\n",
        "",
    );
    server.wait_log("reloaded open pages");
    assert_eq!(server.get("/en/themes/expression/").status, 404);
    assert_serves_a_fresh_build(&server, &root);

    // A template: every page.
    let theme = lotrinh::source::theme::TEMPLATES
        .iter()
        .find(|(n, _)| *n == "base.html")
        .unwrap()
        .1;
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/base.html"),
        theme.replacen("</footer>", "<p>edited template</p></footer>", 1),
    )
    .unwrap();
    server.wait_log("reloaded open pages");
    assert!(server.get("/vi/").text().contains("<p>edited template</p>"));
    let fresh = assert_serves_a_fresh_build(&server, &root);

    // The output folder catches up with what is served: the files its
    // manifest lists (read without walking folders the writer may be
    // moving) are those of the fresh build, and nothing else is there.
    let mut want = files(fresh.path());
    want.retain(|r, _| !r.starts_with(".lotrinh-"));
    wait_until("the output folder holds the fresh build", || {
        listed(&server.out).is_some_and(|have| have == want)
    });
    let mut all = files(&server.out);
    all.retain(|r, _| !r.starts_with(".lotrinh-"));
    assert_eq!(
        all.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
}

/// The files the output folder's manifest lists, with their bytes; None
/// while it cannot be read whole.
fn listed(out: &Path) -> Option<std::collections::BTreeMap<String, Vec<u8>>> {
    let manifest = std::fs::read_to_string(out.join(".lotrinh-manifest")).ok()?;
    manifest
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|rel| Some((rel.to_string(), std::fs::read(out.join(rel)).ok()?)))
        .collect()
}

#[test]
fn serves_every_file_with_its_content_type() {
    let (_tmp, root) = copy_fixture("rich");
    let server = Server::start(&root, &[]);
    assert_eq!(server.prefix, "/");
    let mut built = files(&server.out);
    built.retain(|rel, _| !rel.starts_with(".lotrinh-"));
    assert!(built.len() > 50, "the fixture site built: {}", built.len());
    for (rel, bytes) in &built {
        let reply = server.get(&format!("/{rel}"));
        assert_eq!(reply.status, 200, "/{rel}");
        assert_eq!(
            reply.header("content-type"),
            Some(expected_type(rel)),
            "/{rel}"
        );
        if rel.ends_with(".html") {
            assert_same_page(&reply.body, bytes, rel);
        } else {
            assert_eq!(
                &reply.body, bytes,
                "/{rel}: served bytes differ from the built file"
            );
        }
        // A folder is answered by its index.html, as on a static host.
        if let Some(dir) = rel.strip_suffix("index.html") {
            let reply = server.get(&format!("/{dir}"));
            assert_eq!(reply.status, 200, "/{dir}");
            assert_same_page(&reply.body, bytes, rel);
        }
    }
    // A folder without its slash is redirected to it.
    let reply = server.get("/en/agencies");
    assert_eq!(reply.status, 302);
    assert_eq!(reply.header("location"), Some("/en/agencies/"));
    // A missing page gets the 404 page of its language, with status 404.
    for lang in ["en", "vi"] {
        let reply = server.get(&format!("/{lang}/agencies/no-such-agency/"));
        assert_eq!(reply.status, 404);
        assert_same_page(&reply.body, &built[&format!("{lang}/404.html")], "404");
    }
    let reply = server.get("/no/such/file.css");
    assert_eq!(reply.status, 404);
    // Never a file outside the output folder.
    let reply = server.get("/../site.yaml");
    assert_eq!(reply.status, 404);
    let reply = server.get("/%2e%2e/site.yaml");
    assert_eq!(reply.status, 404);
}

#[test]
fn serves_under_the_base_url_path() {
    let (_tmp, root) = copy_fixture("rich");
    let server = Server::start(&root, &["--base-url", "https://example.org/tracker/"]);
    assert_eq!(server.prefix, "/tracker/");
    let reply = server.get("/tracker/en/agencies/moj/");
    assert_eq!(reply.status, 200);
    assert_same_page(
        &reply.body,
        &files(&server.out)["en/agencies/moj/index.html"],
        "moj",
    );
    let reply = server.get("/");
    assert_eq!(reply.status, 302);
    assert_eq!(reply.header("location"), Some("/tracker/"));
    assert_eq!(server.get("/en/agencies/moj/").status, 404);
    assert_eq!(
        server
            .get("/tracker/data/lotrinh.json")
            .header("content-type"),
        Some("application/json")
    );
}

#[test]
fn an_edit_shows_up_and_a_bad_edit_keeps_the_last_good_site() {
    let (_tmp, root) = copy_fixture("rich");
    let server = Server::start(&root, &[]);
    let page = "/en/agencies/moj/";
    assert!(server.get(page).text().contains("Ministry of Justice"));

    let agencies = root.join("data/agencies/core.yaml");
    let good = std::fs::read_to_string(&agencies).unwrap();
    let edited = good.replace(
        "en: \"Ministry of Justice\"",
        "en: \"Ministry of Justice (edited)\"",
    );
    assert_ne!(good, edited, "the fixture names the Ministry of Justice");
    std::fs::write(&agencies, &edited).unwrap();
    server.wait_log("reloaded open pages");
    let html = server.get(page).text();
    assert!(html.contains("Ministry of Justice (edited)"), "{html}");
    assert!(!html.contains("lotrinh-errors"));
    // The output folder follows (after the reload, off its critical path).
    wait_until("the output folder has the edit", || {
        read(&server.out, "en/agencies/moj/index.html").contains("(edited)")
    });

    // A bad edit: the errors in the terminal and over the page, the last good page below.
    std::fs::write(
        &agencies,
        edited.replace("kind: ministry", "kind: [ministry"),
    )
    .unwrap();
    let log = server.wait_log("reloaded open pages");
    assert!(log.contains("error"), "{log}");
    assert!(log.contains("data/agencies/core.yaml:"), "{log}");
    let reply = server.get(page);
    assert_eq!(reply.status, 200);
    let html = reply.text();
    assert!(html.contains("lotrinh-errors"), "no error overlay:\n{html}");
    assert!(html.contains("core.yaml"), "the overlay names the file");
    assert!(
        html.contains("Ministry of Justice (edited)"),
        "the last good page is served"
    );

    // Fixed: the overlay goes.
    std::fs::write(&agencies, &good).unwrap();
    server.wait_log("reloaded open pages");
    let html = server.get(page).text();
    assert!(!html.contains("lotrinh-errors"));
    assert!(html.contains("Ministry of Justice") && !html.contains("(edited)"));
}

#[test]
fn a_taken_port_is_replaced_by_a_free_one() {
    let (_tmp, root) = copy_fixture("rich");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("lotrinh"))
        .args(["serve", "--port", &port, "--root"])
        .arg(&root)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    for line in stderr.lines().map_while(Result::ok) {
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("serving") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        seen.contains(&format!("port {port} is taken; using port")),
        "{seen}"
    );
    assert!(!seen.contains(&format!("127.0.0.1:{port}/")), "{seen}");
}

/// Regression (issue 16.14): POST, PUT and DELETE were answered 200 with
/// the page, as if something had happened.
#[test]
fn only_get_and_head_are_answered() {
    let (_tmp, root) = copy_fixture("rich");
    let server = Server::start(&root, &[]);
    for m in ["POST", "PUT", "DELETE", "PATCH"] {
        let reply = http_request(server.port, m, "/en/");
        assert_eq!(reply.status, 405, "{m}");
        assert_eq!(reply.header("allow"), Some("GET, HEAD"), "{m}");
    }
    let head = http_request(server.port, "HEAD", "/en/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    assert_eq!(server.get("/en/").status, 200);
}
