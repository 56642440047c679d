"""The preview server: serving from memory, live reload events, coalescing, safety, clean shutdown."""

from __future__ import annotations

import errno
import http.client
import json
import multiprocessing.context
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import html5lib
import pytest

import babelsite.incremental.rebuild
import babelsite.incremental.rerender
import babelsite.serve.server
from babelsite.build import BuildOptions
from babelsite.incremental.rebuild import LiveSite
from babelsite.locale import shipped_strings
from babelsite.render.pages import PageRenderer
from babelsite.serve.server import PreviewServer, excerpt
from conftest import REPO, SITES, XHTML, find_all


class Log:
    """Collects what the server prints."""

    def __init__(self):
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        self.lines.extend(line for line in text.splitlines() if line)

    def flush(self) -> None:
        pass


@pytest.fixture
def preview(tmp_path):
    """Start a preview server on a free port for a copy of a fixture site; stop it afterwards."""
    servers = []
    threads_before = set(threading.enumerate())

    def start(name: str = "multi") -> PreviewServer:
        site_dir = tmp_path / name
        shutil.copytree(SITES / name, site_dir)
        server = PreviewServer(BuildOptions(site_dir=site_dir), port=0, log=Log())
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and set(threading.enumerate()) - threads_before:
        time.sleep(0.05)
    assert not set(threading.enumerate()) - threads_before, "threads leaked"


def get(server: PreviewServer, path: str, method: str = "GET", headers: dict | None = None,
        timeout: float = 5) -> tuple[int, dict, bytes]:
    host, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def wait_for(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


class EventClient(threading.Thread):
    """Holds the event stream open and records the events it receives."""

    def __init__(self, server: PreviewServer):
        super().__init__(daemon=True)
        host, port = server.httpd.server_address[:2]
        self.connection = http.client.HTTPConnection(host, port, timeout=10)
        self.events: list[str] = []
        self.data: list[dict] = []  # each event's data, parsed
        self.connected = threading.Event()

    def run(self) -> None:
        self.connection.request("GET", "/__babelsite/events")
        response = self.connection.getresponse()
        self.connected.set()
        try:
            while True:
                line = response.fp.readline()
                if not line:
                    break
                if line.startswith(b"event: "):
                    self.events.append(line[7:].strip().decode())
                elif line.startswith(b"data: "):
                    self.data.append(json.loads(line[6:]))
        except OSError:
            pass

    def close(self) -> None:
        self.connection.sock and self.connection.sock.close()


def test_serves_pages_with_the_live_script_and_never_writes_output(preview):
    server = preview()
    status, headers, body = get(server, "/it/alpha/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    scripts = html5lib.parse(body, namespaceHTMLElements=False).findall(".//script[@src='/__babelsite/live.js']")
    assert len(scripts) == 1 and scripts[0].get("defer") is not None
    assert scripts[0].get("data-build") == server.broadcast.build  # the build it comes from
    status, headers, body = get(server, "/sitemap.xml")
    assert status == 200 and b"live.js" not in body and headers["Content-Type"].startswith("application/xml")
    css = [p for p in server.site.outputs if p.endswith(".css")][0]
    status, headers, _ = get(server, "/" + css)
    assert headers["Content-Type"] == "text/css; charset=utf-8"
    assert not (server.options.site_dir / "public").exists()


def test_missing_pages_get_the_site_404_with_status_404(preview):
    server = preview()
    status, _, body = get(server, "/it/nowhere/")
    assert status == 404 and b"<h1>" in body and b"live.js" in body
    assert html5lib.parse(body, namespaceHTMLElements=False).get("lang") == "it"
    status, _, body = get(server, "/nowhere/")
    assert status == 404 and html5lib.parse(body, namespaceHTMLElements=False).get("lang") == "it"  # the default
    status, headers, _ = get(server, "/it/alpha")
    assert status == 301 and headers["Location"] == "/it/alpha/"


@pytest.mark.parametrize("path", [
    "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/it/%2E%2E/%2e%2e/site.toml",
    "/..%2fsite.toml", "//etc/passwd", "/it/..%5c..%5csite.toml", "/content/it/guide/nested/alpha.md",
])
def test_path_traversal_is_refused(preview, path):
    server = preview()
    status, _, body = get(server, path)
    assert status in (403, 404)
    assert b"root:" not in body and b"default_language" not in body and b"title:" not in body


def test_symlinks_out_of_static_are_not_published(preview, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not publish")
    server = preview()
    static = server.options.site_dir / "static"
    static.mkdir()
    (static / "leak.txt").symlink_to(secret)
    result = server.site.rebuild([static / "leak.txt"])
    assert not result.ok
    assert [(d.path, d.code) for d in result.diagnostics] == [("static/leak.txt", "outside-site")]
    assert not any(b"do not publish" in data for data in server.site.outputs.values())


def test_a_folder_that_cannot_be_watched_is_reported_and_the_preview_goes_on(preview):
    """inotify refusing a new folder (out of watches, or the folder gone again) must not end the rebuilds."""
    server = preview()
    schedule = server.observer.schedule

    def refuse_static(handler, path, recursive=False):
        if path.endswith("static"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return schedule(handler, path, recursive=recursive)

    server.observer.schedule = refuse_static
    (server.options.site_dir / "static").mkdir()
    assert wait_for(lambda: any("static: cannot watch the folder" in line for line in server.log.lines))
    server.observer.schedule = schedule
    article = server.options.site_dir / "content/topics/beta.en.md"
    article.write_text(article.read_text() + "\nStill rebuilt.\n")
    assert wait_for(lambda: b"Still rebuilt." in get(server, "/en/beta/")[2])
    assert server.options.site_dir / "static" in server.watches


def test_an_edit_sends_reload_for_the_changed_page(preview):
    server = preview()
    client = EventClient(server)
    client.start()
    assert client.connected.wait(5)
    article = server.options.site_dir / "content/topics/beta.en.md"
    article.write_text(article.read_text() + "\nA new sentence.\n")
    assert wait_for(lambda: "reload" in client.events)
    message = server.broadcast.messages[-1]
    assert message[1] == "reload" and '"/en/beta/"' in message[2]
    status, _, body = get(server, "/en/beta/")
    assert b"A new sentence." in body
    client.close()


def test_a_stream_that_opens_after_a_reload_went_out_names_the_newer_build(preview):
    """A page served before a rebuild whose reload event went out before its stream began learns that it is old."""
    server = preview()
    page = html5lib.parse(get(server, "/en/beta/")[2], namespaceHTMLElements=False)
    served = page.find(".//script[@src='/__babelsite/live.js']").get("data-build")
    article = server.options.site_dir / "content/topics/beta.en.md"
    article.write_text(article.read_text() + "\nA sentence the page never saw.\n")
    assert wait_for(lambda: server.broadcast.messages[-1][1] == "reload")
    reload = json.loads(server.broadcast.messages[-1][2])
    client = EventClient(server)
    client.start()
    assert wait_for(lambda: client.events[:1] == ["build"])
    assert client.data[0] == {"build": reload["build"]} and reload["build"] != served
    client.close()


def test_a_broken_build_keeps_serving_and_reports_every_error(preview):
    server = preview()
    good = get(server, "/en/beta/")[2]
    article = server.options.site_dir / "content/topics/beta.en.md"
    text = article.read_text()
    article.write_text(text.replace("title: Beta", "title: [Beta"))
    assert wait_for(lambda: server.broadcast.failing is not None)
    assert "content/topics/beta.en.md:3: error: YAML syntax error" in server.broadcast.failing
    assert "babelsite: l'ultima modifica ha interrotto la compilazione" in server.broadcast.failing  # the overlay's title in Italian
    assert get(server, "/en/beta/")[2] == good  # the last good page, at once
    client = EventClient(server)  # a tab opened while the build is broken sees the errors
    client.start()
    assert wait_for(lambda: client.events == ["build", "errors"])
    article.write_text(text)
    assert wait_for(lambda: server.broadcast.failing is None and client.events[-1:] == ["reload"])
    assert any("beta.en.md:3: error" in line for line in server.log.lines)
    client.close()


def test_the_overlay_takes_the_sites_own_interface_strings(preview):
    """[i18n.xx] in site.toml overrides the overlay's strings, as it does the built pages' strings."""
    server = preview()
    config = server.options.site_dir / "site.toml"
    config.write_text(config.read_text() + 'preview_failed = "Ahi: la modifica ha rotto il sito"\n')  # under [i18n.it]
    assert wait_for(lambda: server.rebuilds == 1 and server.broadcast.number >= 2)
    article = server.options.site_dir / "content/topics/beta.en.md"
    article.write_text(article.read_text().replace("title: Beta", "title: [Beta"))
    assert wait_for(lambda: server.broadcast.failing is not None)
    strings = json.loads(server.broadcast.failing)["strings"]
    assert strings["it"]["preview_failed"] == "Ahi: la modifica ha rotto il sito"
    assert strings["en"]["preview_failed"] == shipped_strings("en")["preview_failed"]


def test_a_burst_of_writes_causes_one_rebuild(preview, monkeypatch):
    # A burst is events closer than the quiet window; a loaded machine may pause longer than 30 ms between
    # two writes, so the window is widened here: what is tested is that a burst is one rebuild.
    monkeypatch.setattr(babelsite.serve.server, "QUIET_SECONDS", 0.5)
    server = preview()
    folder = server.options.site_dir / "content/en"
    for n in range(50):
        (folder / f"burst{n}.md").write_text(f"---\ntitle: Burst {n}\n---\nText.\n")
    assert wait_for(lambda: server.rebuilds >= 1)
    time.sleep(0.5)
    assert server.rebuilds == 1
    assert server.site.get("en/burst49/index.html") is not None


def test_a_change_during_a_rebuild_queues_exactly_one_more(preview):
    server = preview()
    release = threading.Event()
    original = server.site.rebuild

    def slow_rebuild(changed=(), first=None):
        release.wait(5)
        return original(changed, first)

    server.site.rebuild = slow_rebuild
    article = server.options.site_dir / "content/topics/beta.en.md"
    article.write_text(article.read_text() + "\nFirst.\n")
    assert wait_for(lambda: server.rebuilds == 1)
    for n in range(5):
        article.write_text(article.read_text() + f"\nDuring {n}.\n")
        time.sleep(0.01)
    release.set()
    assert wait_for(lambda: server.rebuilds == 2)
    time.sleep(0.5)
    assert server.rebuilds == 2
    assert b"During 4." in server.site.get("en/beta/index.html")


def test_editor_temporary_files_and_output_are_ignored(preview):
    server = preview()
    folder = server.options.site_dir / "content/en"
    (folder / ".gamma.md.swp").write_text("x")
    (folder / "gamma.md~").write_text("x")
    (folder / ".#gamma.md").write_text("x")
    (folder / "gamma.md___jb_tmp___").write_text("x")
    (server.options.site_dir / "README.md").write_text("Notes beside the site, not part of it.\n")
    (server.options.site_dir / "public").mkdir()
    (server.options.site_dir / "public/x.html").write_text("x")
    time.sleep(0.5)
    assert server.rebuilds == 0


def test_fifty_clients_holding_the_stream_all_get_the_reload(preview):
    server = preview()
    clients = [EventClient(server) for _ in range(50)]
    for client in clients:
        client.start()
    assert all(client.connected.wait(5) for client in clients)
    statuses: list[int] = []
    reloaded = threading.Event()

    def keep_fetching():
        """Fetch the page until every client has the reload, so requests overlap the rebuild."""
        while not reloaded.is_set():
            statuses.append(get(server, "/it/alpha/")[0])

    pages = [threading.Thread(target=keep_fetching) for _ in range(8)]
    for page in pages:
        page.start()
    article = server.options.site_dir / "content/it/guide/nested/alpha.md"
    article.write_text(article.read_text() + "\nAncora.\n")
    assert wait_for(lambda: all("reload" in client.events for client in clients), timeout=10)
    reloaded.set()
    for page in pages:
        page.join(5)
    assert statuses and set(statuses) == {200}
    assert b"Ancora." in get(server, "/it/alpha/")[2]
    assert not [line for line in server.log.lines if "Traceback" in line or "error" in line]
    for client in clients:
        client.close()


def test_two_hundred_clients_beside_twenty_idle_sockets_all_get_answers(preview):
    server = preview()
    address = server.httpd.server_address[:2]
    idle = [socket.create_connection(address, timeout=5) for _ in range(20)]
    idle[0].sendall(b"GET /it/alpha/ HTTP/1.1\r\nHo")  # one of them stops in the middle of a request
    statuses: list[int] = []
    failures: list[str] = []
    together = threading.Barrier(200)

    def client() -> None:
        together.wait(30)
        for _ in range(5):
            try:
                statuses.append(get(server, "/it/alpha/", timeout=10)[0])
            except OSError as exc:
                failures.append(repr(exc))

    clients = [threading.Thread(target=client, daemon=True) for _ in range(200)]
    for thread in clients:
        thread.start()
    deadline = time.monotonic() + 120  # generous: only there so that a regression fails instead of hanging
    for thread in clients:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert failures == [] and len(statuses) == 1000 and set(statuses) == {200}
    for sock in idle:
        sock.close()


@pytest.mark.parametrize("host,status", [
    ("evil.example", 403), ("evil.example:{port}", 403), ("localhost.evil.example:{port}", 403), ("", 403),
    ("localhost:{port}", 200), ("127.0.0.1:{port}", 200), ("[::1]:{port}", 200), ("localhost", 200),
    ("LocalHost:{port}", 200), ("app.localhost:{port}", 200), ("192.168.1.20:{port}", 200),
])
def test_requests_for_another_host_are_refused(preview, host, status):
    server = preview()
    port = server.httpd.server_address[1]
    address = server.httpd.server_address[:2]
    with socket.create_connection(address, timeout=5) as sock:  # raw, to send no Host at all
        header = f"Host: {host.format(port=port)}\r\n" if host else ""
        sock.sendall(f"GET /it/alpha/ HTTP/1.1\r\n{header}Connection: close\r\n\r\n".encode())
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == str(status).encode()
    if status == 403:
        assert b"Content-Type: text/plain; charset=utf-8" in head
        assert body.startswith(b"Blocked: this babelsite preview does not serve the host ")
        assert b"<h1>" not in body
    else:
        assert b"live.js" in body


def test_events_and_preview_files_check_the_host_too(preview):
    server = preview()
    host, port = server.httpd.server_address[:2]
    for path in ("/__babelsite/events", "/__babelsite/live.js", "/nowhere/"):
        connection = http.client.HTTPConnection(host, port, timeout=5)
        connection.request("GET", path, headers={"Host": "evil.example"})
        assert connection.getresponse().status == 403  # the body is not read: a stream would never end
        connection.close()


def test_the_machine_name_is_served_only_when_listening_on_every_address():
    from babelsite.serve.server import is_served_host, served_host_names

    machine = socket.gethostname().lower()
    assert is_served_host(f"{machine}:8000", served_host_names("0.0.0.0"))
    assert not is_served_host(f"{machine}:8000", served_host_names("127.0.0.1")) or machine == "localhost"
    assert is_served_host("preview.lan:8000", served_host_names("preview.lan"))
    assert not is_served_host("evil.example", served_host_names("0.0.0.0"))


def test_an_idle_connection_is_closed_but_the_event_stream_stays_open(preview):
    server = preview()
    server.idle_timeout = 0.3
    address = server.httpd.server_address[:2]
    silent = socket.create_connection(address, timeout=10)
    halfway = socket.create_connection(address, timeout=10)
    halfway.sendall(b"GET /it/alpha/ HTTP/1.1\r\nHost: local")
    assert silent.recv(1) == b"" and halfway.recv(1) == b""  # closed by the server; a timeout error otherwise
    silent.close()
    halfway.close()
    client = EventClient(server)
    client.start()
    assert client.connected.wait(5)
    time.sleep(1.0)  # several idle timeouts: the stream's keep-alives keep it going
    article = server.options.site_dir / "content/topics/beta.en.md"
    article.write_text(article.read_text() + "\nStill listening.\n")
    assert wait_for(lambda: "reload" in client.events)
    client.close()


OVERRIDE = '{% extends "base.html" %}{% block main %}<h1>MARK</h1>{% endblock %}\n'


@pytest.mark.parametrize("name", ["multi", "bad_base"])  # without templates/ at start, and with another one in it
def test_a_site_template_added_while_serving_overrides_the_theme(preview, name):
    server = preview(name)
    templates = server.options.site_dir / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "404.html").write_text(OVERRIDE.replace("MARK", "first"))
    assert wait_for(lambda: b"<h1>first</h1>" in get(server, "/nowhere/")[2])
    (templates / "404.html").write_text(OVERRIDE.replace("MARK", "second"))  # the new folder is watched too
    assert wait_for(lambda: b"<h1>second</h1>" in get(server, "/nowhere/")[2])


def test_a_static_folder_made_while_serving_is_watched(preview):
    server = preview()
    css = server.options.site_dir / "static/css/extra.css"
    css.parent.mkdir(parents=True)
    css.write_text("p { color: red; }\n")

    def extra() -> bytes:
        return next((data for path, data in server.site.outputs.items() if "extra." in path), b"")

    assert wait_for(lambda: extra() == b"p { color: red; }\n")
    css.write_text("p { color: blue; }\n")
    assert wait_for(lambda: extra() == b"p { color: blue; }\n")


def test_busy_port_gives_a_clear_message(preview, capsys):
    from babelsite.serve.server import serve

    server = preview()
    port = server.httpd.server_address[1]
    assert serve(server.options, "127.0.0.1", port, False) == 1
    assert f"port {port} on 127.0.0.1 is busy; pass --port 0 to pick a free one" in capsys.readouterr().err


def built_site(tmp_path: Path, fixture: str = "multi", jobs: int = 1) -> LiveSite:
    """Build a copy of a fixture site in memory, as the preview does first."""
    site_dir = tmp_path / fixture
    shutil.copytree(SITES / fixture, site_dir)
    live = LiveSite(BuildOptions(site_dir=site_dir, jobs=jobs))
    assert live.rebuild().ok
    return live


def fresh_outputs(site_dir: Path, config: str = "site.toml") -> dict[str, bytes]:
    """Build a site from scratch in memory, as a reference."""
    site = LiveSite(BuildOptions(site_dir=site_dir, config_path=site_dir / config))
    assert site.rebuild().ok
    return site.outputs


@pytest.mark.parametrize("fixture,config", [("multi", "site.toml"), ("multi", "site-notice.toml"),
                                            ("status", "site.toml")])
def test_incremental_rebuilds_equal_a_full_build(tmp_path, fixture, config):
    site_dir = tmp_path / fixture
    shutil.copytree(SITES / fixture, site_dir)
    live = LiveSite(BuildOptions(site_dir=site_dir, config_path=site_dir / config))
    assert live.rebuild().ok
    articles = sorted((site_dir / "content").rglob("*.md"))
    first, second = articles[0], articles[1]
    titled = next(a for a in articles if re.search(r"(?m)^title: [^>|\s]", a.read_text()))

    def edit(path: Path, change) -> None:
        path.write_text(change(path.read_text()))

    def set_weight(text: str) -> str:
        if re.search(r"(?m)^weight:", text):
            return re.sub(r"(?m)^weight: .*$", "weight: -5", text)
        return text.replace("title:", "weight: -5\ntitle:", 1)

    steps = [
        ("body", lambda: edit(first, lambda t: t + "\nAn added paragraph with **bold** text.\n"), [first], True),
        ("body again", lambda: edit(second, lambda t: t + "\nMore.\n"), [second], True),
        ("title", lambda: edit(titled, lambda t: re.sub(r"(?m)^title: .*$", "title: 'Renamed'", t, count=1)),
         [titled], True),
        ("weight", lambda: edit(titled, set_weight), [titled], True),
        ("description", lambda: edit(titled, lambda t: t.replace("title:", "description: Listed with it.\ntitle:", 1)),
         [titled], True),  # homes and category pages list it with its description
        ("new category", lambda: edit(titled, lambda t: re.sub(r"(?m)^category: .*$", "category: Brand New", t)
                                      if "category:" in t else t.replace("title:", "category: Brand New\ntitle:", 1)),
         [titled], False),
        ("new file", lambda: (site_dir / "content/en/brandnew_x.md").write_text("---\ntitle: Fresh\n---\nNew [x](gamma.md).\n"
                                                                           if fixture == "multi" else "---\ntitle: Fresh\n---\nNew.\n"),
         [site_dir / "content/en/brandnew_x.md"], False),
        ("renamed file", lambda: (site_dir / "content/en/brandnew_x.md").rename(site_dir / "content/en/renamed_x.md"),
         [site_dir / "content/en/brandnew_x.md", site_dir / "content/en/renamed_x.md"], False),
        ("new translation", lambda: (site_dir / "content/fr/renamed_x.md").parent.mkdir(exist_ok=True) or
         (site_dir / "content/fr/renamed_x.md").write_text("---\ntitle: Nouveau\n---\nTexte.\n"),
         [site_dir / "content/fr/renamed_x.md"], fixture != "multi"),  # multi's first French article: French gets search
        ("related in english", lambda: (site_dir / "content/en/related_x.md").write_text(
            "---\ntitle: Related\nrelated: [renamed_x]\n---\nSee [here](renamed_x.md).\n"),
         [site_dir / "content/en/related_x.md"], False),
        ("translation of a related article", lambda: (site_dir / "content/fr/related_x.md").write_text(
            "---\ntitle: Lié\nrelated: [renamed_x]\n---\nVoir [ici](renamed_x.md).\n"),
         [site_dir / "content/fr/related_x.md"], True),
        ("deleted translation", lambda: (site_dir / "content/fr/renamed_x.md").unlink(),
         [site_dir / "content/fr/renamed_x.md"], True),
        ("translation again", lambda: (site_dir / "content/fr/renamed_x.md").write_text(
            "---\ntitle: Encore\n---\nTexte.\n"), [site_dir / "content/fr/renamed_x.md"], True),
        ("deleted file", lambda: [p.unlink() for p in (site_dir / "content").rglob("re*_x.md")],
         [site_dir / "content/en/renamed_x.md", site_dir / "content/fr/renamed_x.md",
          site_dir / "content/en/related_x.md", site_dir / "content/fr/related_x.md"], False),
        ("body after all that", lambda: edit(second, lambda t: t + "\nLast.\n"), [second], True),
    ]
    for name, apply, changed, expect_incremental in steps:
        apply()
        result = live.rebuild(changed)
        assert result.ok, (name, result.diagnostics)
        assert result.incremental == expect_incremental, name
        reference = fresh_outputs(site_dir, config)
        assert live.outputs.keys() == reference.keys(), name
        different = [path for path in reference if live.outputs[path] != reference[path]]
        assert different == [], name


def test_a_body_edit_re_renders_only_that_article(tmp_path):
    live = built_site(tmp_path)
    site_dir = live.options.site_dir
    article = site_dir / "content/topics/beta.en.md"
    article.write_text(article.read_text() + "\nOne more line.\n")
    result = live.rebuild([article])
    assert result.incremental and result.changed == ("/en/beta/",)


def start_serve_process(site_dir: Path) -> subprocess.Popen:
    """Run babelsite serve in a child process on a free port, Ctrl-C reaching it as from a terminal.

    Run from a background job of a non-interactive shell (`.ci/run &`), the tests inherit SIGINT
    ignored, and so would the server: Python then installs no KeyboardInterrupt handler.
    """
    return subprocess.Popen([sys.executable, "-m", "babelsite", "serve", str(site_dir), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def test_ctrl_c_during_a_long_rebuild_stops_without_waiting_for_it(tmp_path):
    site_dir = tmp_path / "multi"
    shutil.copytree(SITES / "multi", site_dir)
    (site_dir / "templates").mkdir()
    slow = ('{% extends "base.html" %}{% block main %}'
            '{% for i in range(40000) %}{% for j in range(2500) %}{% endfor %}{% endfor %}{% endblock %}\n')
    (site_dir / "templates/article.html").write_text(slow.replace("40000", "1"))
    process = start_serve_process(site_dir)
    assert process.stdout.readline().startswith("babelsite: serving")
    (site_dir / "templates/article.html").write_text(slow)
    time.sleep(0.5)  # the rebuild is under way: every article page loops a hundred million times (minutes)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=20)  # raises if the stop waited for the rebuild to finish
    stderr = process.stderr.read()
    assert process.returncode == 0 and "Traceback" not in stderr and "rebuilt" not in stderr


def test_ctrl_c_stops_the_server_without_a_traceback_while_a_stream_is_held(tmp_path):
    site_dir = tmp_path / "multi"
    shutil.copytree(SITES / "multi", site_dir)
    process = start_serve_process(site_dir)
    line = process.stdout.readline()
    assert line.startswith("babelsite: serving http://127.0.0.1:")
    url = line.split()[2]
    host, port = url.split("/")[2].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request("GET", "/__babelsite/events")  # a held event stream must not delay the stop
    assert connection.getresponse().status == 200
    process.send_signal(signal.SIGINT)
    process.wait(timeout=20)  # raises if the held stream kept the server running
    stderr = process.stderr.read()
    assert process.returncode == 0 and "Traceback" not in stderr and "stopped" in stderr
    connection.close()


def test_a_template_edit_renders_every_page_again_without_converting_markdown_again(tmp_path, monkeypatch):
    live = built_site(tmp_path)
    site_dir = live.options.site_dir
    prepared = []
    real_prepare = babelsite.incremental.rebuild.prepare
    monkeypatch.setattr(babelsite.incremental.rebuild, "prepare", lambda *args, **kwargs: prepared.append(args))
    (site_dir / "templates").mkdir()
    template = site_dir / "templates/article.html"
    template.write_text('{% extends "base.html" %}{% block main %}<h1 class="mine">{{ page.title }}</h1>{% endblock %}\n')
    result = live.rebuild([site_dir / "templates", template])
    assert result.ok and not result.incremental and prepared == []
    assert "/en/beta/" in result.changed
    monkeypatch.setattr(babelsite.incremental.rebuild, "prepare", real_prepare)
    assert live.outputs == fresh_outputs(site_dir)  # what a full build makes of the new template
    assert b'<h1 class="mine">' in live.outputs["en/beta/index.html"]
    (site_dir / "static/css").mkdir(parents=True)
    (site_dir / "static/css/extra.css").write_text("h1 { color: teal; }\n")
    monkeypatch.setattr(babelsite.incremental.rebuild, "prepare", lambda *args, **kwargs: prepared.append(args) or real_prepare(*args))
    assert live.rebuild([site_dir / "static/css/extra.css"]).ok
    assert len(prepared) == 1  # a static file can change bodies (their /static/ links): a full build


def test_a_template_edit_renders_the_pages_asked_first_and_each_other_page_when_asked(tmp_path):
    live = built_site(tmp_path)
    site_dir = live.options.site_dir
    (site_dir / "templates").mkdir()
    (site_dir / "templates/base.html").write_text((REPO / "templates/base.html").read_text().replace(
        "</body>", '<p class="mark">edited</p></body>'))
    first = live.rebuild([site_dir / "templates/base.html"], first=["en/beta/index.html", "it/index.html"])
    assert first.ok and first.partial and first.changed == ("/en/beta/", "/it/")
    assert b'class="mark"' not in live.outputs["en/gamma/index.html"]  # not rendered yet...
    assert b'class="mark"' in live.get("en/gamma/index.html")  # ...but rendered when asked for
    assert b'class="mark"' in live.get("fr/404.html")
    assert live.get("sitemap.xml") == live.outputs["sitemap.xml"] and live.get("nowhere.html") is None
    rest = live.finish()
    assert rest.ok and not rest.partial and live.pending is None
    assert "/en/gamma/" in rest.changed and not {"/en/beta/", "/it/"} & set(rest.changed)
    assert live.outputs == fresh_outputs(site_dir)


@pytest.mark.parametrize("fixture", ["multi", "status_tree"])
def test_a_template_edit_renders_the_pages_not_asked_for_in_worker_processes(tmp_path, monkeypatch, fixture):
    live = built_site(tmp_path, fixture, jobs=2)
    site_dir = live.options.site_dir
    monkeypatch.setattr(babelsite.incremental.rerender, "CHUNK_SIZE", 1)  # workers even for a small site
    rendered_here = []  # a worker's renders are appended to its own copy
    article_page = PageRenderer.article_page
    monkeypatch.setattr(PageRenderer, "article_page",
                        lambda renderer, page: rendered_here.append(page.path) or article_page(renderer, page))
    forked_with_lock_held = []
    pool = multiprocessing.context.BaseContext.Pool
    monkeypatch.setattr(multiprocessing.context.BaseContext, "Pool", lambda *args, **kwargs: forked_with_lock_held.append(
        live.pending.lock.locked()) or pool(*args, **kwargs))
    (site_dir / "templates").mkdir()
    (site_dir / "templates/base.html").write_text((REPO / "templates/base.html").read_text().replace(
        "</body>", '<p class="mark">edited</p></body>'))
    first = live.rebuild([site_dir / "templates/base.html"], first=["en/index.html"])
    opened = list(rendered_here)
    rest = live.finish()
    assert first.ok and rest.ok and rendered_here == opened
    assert forked_with_lock_held == [True]  # no request's page was being rendered: a child would inherit its locks
    assert live.outputs == fresh_outputs(site_dir)
    pages = [page for path, page in live.outputs.items() if path.endswith(".html") and b"<nav" in page]  # not redirects
    assert len(pages) > 10 and all(b'class="mark"' in page for page in pages)


def test_a_template_edit_renders_only_the_pages_whose_templates_use_the_edited_one(tmp_path, monkeypatch):
    live = built_site(tmp_path)
    site_dir = live.options.site_dir
    rendered = []
    render = PageRenderer.render
    monkeypatch.setattr(PageRenderer, "render", lambda renderer, template, path, context: rendered.append(
        template) or render(renderer, template, path, context))
    (site_dir / "templates").mkdir()
    category = site_dir / "templates/category.html"
    category.write_text((REPO / "templates/category.html").read_text().replace(
        "{% block main %}", '{% block main %}<p class="mark">edited</p>'))
    assert live.rebuild([category], first=["en/index.html"]).ok
    assert live.finish().ok
    assert rendered.count("article.html") == 0 and rendered.count("category.html") > 2
    assert live.outputs == fresh_outputs(site_dir)
    assert b'class="mark"' in live.outputs["en/categories/basics/index.html"]


def test_a_template_edit_that_replaces_an_unfinished_one_names_every_page_a_tab_may_show_otherwise(tmp_path):
    live = built_site(tmp_path)
    site_dir = live.options.site_dir
    theme_base = (REPO / "templates/base.html").read_text()
    template = site_dir / "templates/base.html"
    template.parent.mkdir()
    template.write_text(theme_base.replace("</body>", '<p class="mark">edited</p></body>'))
    assert live.rebuild([template], first=["en/beta/index.html"]).changed == ("/en/beta/",)
    assert b'class="mark"' in live.get("en/gamma/index.html")  # a tab opened it before the next edit
    template.write_text(theme_base)  # undone before the first edit's pages were all rendered
    undone = live.rebuild([template], first=["en/beta/index.html"])
    assert undone.ok and undone.partial and undone.changed == ("/en/beta/",)  # as before the edit, not as shown
    rest = live.finish()
    assert rest.changed == ("/en/gamma/",)  # every other page is as the tabs show it
    assert live.outputs == fresh_outputs(site_dir)


def test_only_a_template_edit_leaves_the_rendering_of_the_last_one_unfinished(preview):
    server = preview()
    site_dir = server.options.site_dir
    (site_dir / "templates").mkdir()
    with server.changes.lock:
        server.changes.pending = {site_dir / "templates/base.html"}
    assert server.template_edit_waiting()
    with server.changes.lock:
        server.changes.pending.add(site_dir / "content/en/gamma.md")
    assert not server.template_edit_waiting()


def test_a_template_edit_reloads_the_open_pages_before_rendering_the_others(preview):
    server = preview()
    assert get(server, "/en/beta/")[0] == 200
    release = threading.Event()
    finish = server.site.finish
    server.site.finish = lambda stopping: release.wait(10) and finish(stopping)
    (server.options.site_dir / "templates").mkdir()
    (server.options.site_dir / "templates/base.html").write_text((REPO / "templates/base.html").read_text().replace(
        "</body>", '<p class="mark">edited</p></body>'))
    assert wait_for(lambda: server.broadcast.messages[-1][1] == "reload")
    assert json.loads(server.broadcast.messages[-1][2])["changed"] == ["/en/beta/"]  # the others are not rendered yet
    assert b'class="mark"' in get(server, "/it/alpha/")[2]  # a page asked for now is rendered now
    number = server.broadcast.number
    release.set()
    assert wait_for(lambda: server.broadcast.number == number + 1)
    changed = json.loads(server.broadcast.messages[-1][2])["changed"]
    assert "/it/alpha/" in changed and "/en/beta/" not in changed


def test_the_overlay_is_sent_lines_only_from_files_inside_the_site(tmp_path):
    site_dir = tmp_path / "site"
    (site_dir / "content").mkdir(parents=True)
    (site_dir / "content/a.md").write_text("one\ntwo\nthree\nfour\n")
    (tmp_path / "secret.md").write_text("password\nhunter2\n")
    (site_dir / "content/leak.md").symlink_to(tmp_path / "secret.md")
    os.mkfifo(site_dir / "content/pipe.md")
    assert excerpt(site_dir, "content/a.md", 1) == [{"number": 1, "text": "one", "current": True},
                                                    {"number": 2, "text": "two", "current": False}]
    assert [line["number"] for line in excerpt(site_dir, "content/a.md", 3)] == [2, 3, 4]
    assert excerpt(site_dir, "content/a.md", 0) == []
    assert excerpt(site_dir, "content/leak.md", 1) == []
    assert excerpt(site_dir, str(tmp_path / "secret.md"), 1) == []
    assert excerpt(site_dir, "content/pipe.md", 1) == []  # never opened: it would wait forever


def test_a_menu_macro_edit_shows_in_every_menu_though_its_closed_entries_were_made_once(tmp_path):
    live = built_site(tmp_path, "status_tree")
    site_dir = live.options.site_dir
    (site_dir / "templates").mkdir()
    (site_dir / "templates/macros.html").write_text((REPO / "templates/macros.html").read_text().replace(
        '<a href="{{ entry.href }}"{% if entry.current %}', '<a class="edited" href="{{ entry.href }}"{% if entry.current %}'))
    assert live.rebuild([site_dir / "templates/macros.html"], first=["en/index.html"]).ok and live.finish().ok
    assert live.outputs == fresh_outputs(site_dir)
    menus = [nav for path, page in live.outputs.items() if path.endswith(".html")
             for nav in find_all(html5lib.parse(page), "nav") if "tree-nav" in (nav.get("class") or "")]
    links = [a.get("class") for nav in menus for a in nav.iter(XHTML + "a")]
    assert len(menus) > 10 and links and set(links) == {"edited"}
