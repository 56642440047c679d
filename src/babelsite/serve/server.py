"""The live preview: serve the site from memory, watch its files, rebuild, and reload browsers."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import json
import mimetypes
import os
import posixpath
import secrets
import socket
import stat
import sys
import threading
import time
from collections import deque
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ..build import BuildOptions
from ..errors import Diagnostic, SiteError, plural
from ..incremental.rebuild import LiveSite, RebuildResult
from ..locale import describe_language, ui_strings
from ..render.theme import Theme
from .search import PreviewSearch

PREVIEW = "/__babelsite/"
NO_SITE_YET = b"<!DOCTYPE html><html><head><title>babelsite</title></head><body></body></html>"
QUIET_SECONDS = 0.03  # a burst of events ends when none came for this long (an editor saves within a few ms)
MAX_WAIT_SECONDS = 1.0  # ...or after this long, so a constant stream still rebuilds
STOP_SECONDS = 0.5  # how long Ctrl-C waits for the threads, so that the preview stops within a second
IDLE_SECONDS = 5.0  # a connection that sends nothing for this long is closed, so idle sockets hold no thread
WILDCARD_HOSTS = ("", "0.0.0.0", "::")
HOST_REFUSED = ("Blocked: this babelsite preview does not serve the host {host} (a guard against DNS rebinding). "
                "It answers to localhost, 127.0.0.1, [::1] or another IP address, the --host name, and the machine's "
                "name when listening on 0.0.0.0.\n")
PANEL_KEYS = ("preview_failed", "preview_fix_hint", "preview_error_count", "preview_warning_count", "preview_dismiss")
OPEN_PAGES = 64  # how many of the pages sent lately a template edit renders before the reload event
EXCERPT_WIDTH = 400  # characters of a line the overlay shows
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload", ".kate-swp",
                    "___jb_tmp___", "___jb_old___")


def is_editor_noise(path: Path) -> bool:
    """Tell whether a path is an editor's temporary file rather than a real change."""
    name = path.name
    return name.startswith((".#", "#")) or name.endswith(IGNORED_SUFFIXES) or name == "4913" or name.startswith(".")


class ChangeCollector(FileSystemEventHandler):
    """Collects changed paths from watchdog and wakes the builder.

    In the site folder itself only `site_entries` count (site.toml, and folders that appear such as
    templates/): a README.md saved beside them changes nothing.
    """

    def __init__(self, ignored: tuple[Path, ...], site_dir: Path, site_entries: frozenset[str]):
        self.ignored = ignored
        self.site_dir, self.site_entries = site_dir, site_entries
        self.lock = threading.Lock()
        self.pending: set[Path] = set()
        self.last_event = 0.0
        self.wake = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type == "modified"):
            return
        paths = [Path(event.src_path)] + ([Path(event.dest_path)] if getattr(event, "dest_path", "") else [])
        paths = [p for p in paths if not is_editor_noise(p) and not any(p == d or d in p.parents for d in self.ignored)
                 and (p.parent != self.site_dir or p.name in self.site_entries)]
        if not paths:
            return
        with self.lock:
            self.pending.update(paths)
            self.last_event = time.monotonic()
        self.wake.set()

    def take_when_quiet(self, stopping: threading.Event) -> set[Path]:
        """Wait for a quiet moment after the first event, then return the collected paths."""
        first = time.monotonic()
        while not stopping.is_set():
            with self.lock:
                quiet_for = time.monotonic() - self.last_event
            if quiet_for >= QUIET_SECONDS or time.monotonic() - first >= MAX_WAIT_SECONDS:
                break
            time.sleep(QUIET_SECONDS - quiet_for if quiet_for < QUIET_SECONDS else 0.005)
        with self.lock:
            taken, self.pending = self.pending, set()
            self.wake.clear()
        return taken


class Broadcast:
    """Messages for the event stream, numbered so that each client sends each one once."""

    def __init__(self):
        self.condition = threading.Condition()
        self.messages: deque[tuple[int, str, str]] = deque(maxlen=64)
        self.number = 0
        # which build a page was served from: this server's own token (another run's pages differ) and a count of reloads
        self.token, self.reloads = secrets.token_hex(4), 0
        # what a tab that connects now must see: the errors while the build is broken, else the last warnings
        self.standing: tuple[str, str] | None = None

    @property
    def failing(self) -> str | None:
        """The errors message while the build is broken."""
        standing = self.standing
        return standing[1] if standing and standing[0] == "errors" else None

    @property
    def build(self) -> str:
        """The id of the build served now, which each page carries and a reload event names."""
        return f"{self.token}-{self.reloads}"

    def publish(self, event: str, data: dict) -> None:
        with self.condition:
            self.number += 1
            if event == "reload":
                self.reloads += 1
                data = {**data, "build": self.build}
            payload = json.dumps(data, ensure_ascii=False)
            self.messages.append((self.number, event, payload))
            warnings = data.get("warnings") if event == "reload" else data.get("diagnostics")
            if event == "errors":
                self.standing = (event, payload)
            else:
                standing = {"diagnostics": warnings, "default_language": data.get("default_language"),
                            "strings": data.get("strings")}
                self.standing = ("warnings", json.dumps(standing, ensure_ascii=False)) if warnings else None
            self.condition.notify_all()

    def wait(self, after: int, timeout: float) -> list[tuple[int, str, str]]:
        with self.condition:
            self.condition.wait_for(lambda: self.number > after, timeout=timeout)
            return [m for m in self.messages if m[0] > after]

    def wake_all(self) -> None:
        with self.condition:
            self.condition.notify_all()


class PreviewServer:
    """Builds a site in memory, serves it over HTTP, and rebuilds it when its files change."""

    def __init__(self, options: BuildOptions, host: str = "127.0.0.1", port: int = 8000, log=sys.stderr):
        self.options = options
        self.host, self.port = host, port
        self.log = log
        self.site = LiveSite(options)
        self.broadcast = Broadcast()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.httpd: PreviewHTTPServer | None = None
        self.idle_timeout = IDLE_SECONDS
        self.observer = None
        self.changes: ChangeCollector | None = None
        self.watched_folders: list[Path] = []
        self.watches: dict[Path, object] = {}  # watched folder -> its watchdog watch
        self.rebuilds = 0
        self.search = PreviewSearch(log)
        self.recently_opened: dict[str, None] = {}  # output paths of the pages sent lately, oldest first
        self.opened_lock = threading.Lock()

    @property
    def base_path(self) -> str:
        return self.site.urls.base_path if self.site.urls else "/"

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{self.base_path}"

    def start(self) -> str:
        """Build once, then start serving and watching; return the site's URL."""
        result = self.site.rebuild()
        self.publish(result)  # a broken site still starts: its tabs show the errors until it is fixed
        config_dir = self.options.site_dir.resolve()
        try:
            self.httpd = PreviewHTTPServer(self)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortBusy(f"port {self.port} on {self.host} is busy; pass --port 0 to pick a free one") from None
            raise
        self.start_watching(config_dir)
        self.spawn(self.httpd.serve_forever, "babelsite-http", 0.1)
        self.spawn(self.build_loop, "babelsite-builder")
        self.spawn(self.search.run, "babelsite-search", self.current_outputs, self.stopping)
        return self.url

    def current_outputs(self) -> dict[str, bytes]:
        """Return the files of the last good build (each rebuild replaces the dict, never changes it)."""
        with self.site.lock:
            return self.site.outputs

    def spawn(self, target, name: str, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def start_watching(self, site_dir: Path) -> None:
        """Watch content, templates, static files, the extra folder, site.toml and the theme with watchdog."""
        theme = Theme.for_site(site_dir)
        content, extra = (site_dir / "content").resolve(), site_dir / "extra"
        try:
            from ..config import read_config

            config, _ = read_config(site_dir, self.options.config_path)  # its problems are the build's to report
            content, output, extra = config.content_dir.resolve(), config.output_dir.resolve(), config.extra_folder
        except SiteError:
            output = (site_dir / "public").resolve()
        self.watched_folders = sorted({content, site_dir / "templates", site_dir / "static", extra,
                                       *theme.template_dirs, *theme.static_dirs})
        config_path = (self.options.config_path or site_dir / "site.toml").resolve()
        site_entries = frozenset({config_path.name, *(f.name for f in self.watched_folders if f.parent == site_dir)})
        self.changes = ChangeCollector((output, site_dir / ".git"), site_dir, site_entries)
        self.observer = Observer()
        self.watch_new_folders()
        self.observer.schedule(self.changes, str(site_dir), recursive=False)
        if config_path.parent != site_dir:
            self.observer.schedule(self.changes, str(config_path.parent), recursive=False)
        self.observer.start()

    def watch_new_folders(self) -> None:
        """Watch each folder of the site that exists now and is not watched yet, such as a new templates/."""
        for folder in self.watched_folders:
            if folder not in self.watches and folder.is_dir():
                try:
                    self.watches[folder] = self.observer.schedule(self.changes, str(folder), recursive=True)
                except OSError as exc:  # gone again, out of inotify watches, or the observer stopped
                    if not self.stopping.is_set():
                        print(f"babelsite: {folder}: cannot watch the folder ({exc.strerror}); "
                              "babelsite tries again at the next change it sees", file=self.log, flush=True)
            elif folder in self.watches and not folder.is_dir():
                with contextlib.suppress(KeyError, OSError):  # inotify may have dropped it already
                    self.observer.unschedule(self.watches.pop(folder))

    def build_loop(self) -> None:
        """Rebuild after each burst of changes; changes during a rebuild queue one more."""
        while not self.stopping.is_set():
            if not self.changes.wake.wait(0.2):
                continue
            changed = self.changes.take_when_quiet(self.stopping)
            self.watch_new_folders()
            if changed and not self.stopping.is_set():
                if self.site.pending is not None and not self.site.only_templates(changed):
                    self.finish_rendering(lambda: False)  # another template edit would replace it
                self.rebuilds += 1
                self.publish(self.site.rebuild(changed, first=self.open_pages()), changed)
                if self.site.pending is not None:  # a template edit: the pages open in browsers went first
                    self.finish_rendering(self.template_edit_waiting)

    def finish_rendering(self, interrupted: Callable[[], bool]) -> None:
        """Render the pages a template edit left for later and tell the tabs; leave off when `interrupted()`."""
        finished = self.site.finish(lambda: self.stopping.is_set() or interrupted())
        if finished is not None:
            self.publish(finished)

    def template_edit_waiting(self) -> bool:
        """Tell whether files changed since the last rebuild began, all of them templates."""
        with self.changes.lock:
            waiting = set(self.changes.pending)
        return bool(waiting) and self.site.only_templates(waiting)

    def publish(self, result: RebuildResult, changed_inputs: set[Path] = frozenset()) -> None:
        """Tell the terminal and every open tab how the rebuild went, then have the search index follow."""
        if self.stopping.is_set():
            return
        site_dir = self.options.site_dir.resolve()
        if not result.ok:
            print("\n".join(d.format() for d in result.diagnostics), file=self.log, flush=True)
            self.broadcast.publish("errors", {"diagnostics": [shown(d, site_dir) for d in result.diagnostics],
                                              **self.panel_strings()})
            return
        self.print_warnings(result)
        warnings = [shown(d, site_dir) for d in result.diagnostics]
        if self.site.builds == 1:
            self.broadcast.publish("warnings", {"diagnostics": warnings, **self.panel_strings()})  # for tabs that open
            self.reindex(None)
            return
        done = "the open pages rendered" if result.partial else "rebuilt"
        print(f"babelsite: {done} in {result.seconds * 1000:.0f} ms, {plural(len(result.changed), 'page')} changed",
              file=self.log, flush=True)
        urls = self.site.urls
        config_homes = {code: urls.href(urls.home(code)) for code in self.site.languages}
        self.broadcast.publish("reload", {
            "changed": list(result.changed), "removed": list(result.removed),
            "stylesheets": dict(result.stylesheets), "css_only": result.css_only,
            "homes": config_homes, "warnings": warnings, **self.panel_strings(),
        })
        if result.partial:
            return  # the search index follows when every page is rendered
        # after the reload event, which never waits for it
        pages = tuple(url for url in (*result.changed, *result.removed) if url.endswith(("/", ".html")))  # not CSS
        self.reindex(self.edited_languages(result, changed_inputs) or pages)

    def panel_strings(self) -> dict:
        """Return the default language and, per language of the site and English, the overlay's and notice's strings.

        They follow site.toml's [i18n.xx], as the built pages' strings do.
        """
        strings = ui_strings((*self.site.languages, "en"), self.site.i18n, self.site.default_language or "en")
        return {"default_language": self.site.default_language,
                "strings": {code: {"dir": (describe_language(code) or ("", "ltr"))[1],
                                   **{key: strings[code][key] for key in PANEL_KEYS}} for code in strings}}

    def opened(self, key: str) -> None:
        """Note that a page was sent to a browser: it is among the first a template edit renders."""
        with self.opened_lock:
            self.recently_opened.pop(key, None)
            self.recently_opened[key] = None
            if len(self.recently_opened) > OPEN_PAGES:
                del self.recently_opened[next(iter(self.recently_opened))]

    def open_pages(self) -> tuple[str, ...]:
        """Return the output paths of the pages sent to browsers lately, the latest first."""
        with self.opened_lock:
            return tuple(reversed(self.recently_opened))

    def edited_languages(self, result: RebuildResult, changed_inputs: set[Path]) -> tuple[str, ...]:
        """Return the URL prefixes of the languages of the Markdown files an incremental rebuild applied, or ().

        Only these languages' article text changed: the pages of the others show the edit in their
        menus and language switchers, which the search index leaves out.
        """
        state = self.site.state
        try:
            keys = [state.site.files.get(str(path.resolve())) for path in changed_inputs]
        except (OSError, RuntimeError):
            return ()
        if not result.incremental or not keys or None in keys:
            return ()  # a full rebuild, or a deleted file
        return tuple(self.site.urls.href(self.site.urls.lang_prefix(lang)) for _, lang in keys)

    def reindex(self, changed_urls: tuple[str, ...] | None) -> None:
        """Have the search bundles that changed pages belong to indexed again in the background (None: all)."""
        state, renderer = self.site.state, self.site.renderer
        if state is None or renderer is None:
            return
        base = self.base_path
        changed = None if changed_urls is None else [url[len(base):] for url in changed_urls if url.startswith(base)]
        self.search.request(state.site.config, renderer.searchable, changed)

    def print_warnings(self, result: RebuildResult) -> None:
        for diagnostic in result.diagnostics:
            print(diagnostic.format(), file=self.log, flush=True)

    def stop(self) -> None:
        """Stop serving and watching, waiting at most about half a second for the threads to end.

        A rebuild in progress is not waited for: its daemon thread publishes nothing once stopping.
        """
        self.stopping.set()
        self.broadcast.wake_all()
        if self.observer is not None:
            self.observer.stop()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
        deadline = time.monotonic() + STOP_SECONDS
        for thread in [t for t in (self.observer, *self.threads) if t is not None]:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))


class PortBusy(Exception):
    """The port asked for is taken by another program."""


class PreviewHTTPServer(ThreadingHTTPServer):
    """The preview's HTTP listener: a deep listen queue, a daemon thread per connection, a Host check."""

    request_queue_size = 1024  # the default 5 drops connections when many tabs and assets arrive at once
    daemon_threads = True

    def __init__(self, preview: PreviewServer):
        self.preview = preview
        self.host_names = served_host_names(preview.host)
        super().__init__((preview.host, preview.port), PreviewHandler)


class PreviewHandler(BaseHTTPRequestHandler):
    """Answers one connection's requests from the preview's in-memory site."""

    protocol_version = "HTTP/1.1"
    server_version = "babelsite"
    server: PreviewHTTPServer

    @property
    def timeout(self) -> float:
        """Return how long the socket may stay silent: a client that sends nothing is dropped after it.

        It bounds each read and write, not a response: the event stream writes a keep-alive
        every half second, so it only ends when the tab stops reading.
        """
        return self.server.preview.idle_timeout

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # the terminal shows rebuilds and diagnostics, not every request

    def do_HEAD(self):
        """Answer a HEAD request: the headers of what GET would send."""
        self.respond(head=True)

    def do_GET(self):
        """Answer a GET request."""
        self.respond(head=False)

    def respond(self, head: bool) -> None:
        """Refuse a request addressed to another host, else answer with the preview's file or page."""
        host = self.headers.get("Host")
        if not is_served_host(host, self.server.host_names):
            refusal = HOST_REFUSED.format(host=json.dumps(host)).encode()
            return self.send_bytes(HTTPStatus.FORBIDDEN, refusal, "text/plain", head)
        path = urlsplit(self.path).path
        if path == PREVIEW + "events" and not head:
            return self.stream_events()
        if path.startswith(PREVIEW):
            return self.send_preview_file(path[len(PREVIEW):], head)
        self.send_page(path, head)

    def send_page(self, path: str, head: bool) -> None:
        """Send the site's file for a path, the 404 page when it has none, or a redirect."""
        site = self.server.preview.site
        build = self.server.preview.broadcast.build  # before the page: a rebuild in between makes the page newer, not older
        status, key = resolve_request(path, self.server.preview.base_path, site.get)
        if status == HTTPStatus.MOVED_PERMANENTLY:
            return self.send_bytes(status, b"", "text/plain", head, location=key)
        data = (site.get(key) or self.server.preview.search.get(key)) if key else None
        if data is None:
            status, key = HTTPStatus.NOT_FOUND if status == HTTPStatus.OK else status, not_found_page(key, site.get)
            data = site.get(key) or NO_SITE_YET
        content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        if content_type == "text/html":
            self.server.preview.opened(key)
            data = inject_live_script(data, build)
        self.send_bytes(status, data, content_type, head)

    def send_bytes(self, status, data: bytes, content_type: str, head: bool, location: str = "") -> None:
        """Send a whole response that is never cached."""
        self.send_response(status)
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json",
                                                                 "application/xml", "image/svg+xml"):
            content_type += "; charset=utf-8"
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def send_preview_file(self, name: str, head: bool) -> None:
        """Send the live-reload script or its shared worker."""
        if name not in ("live.js", "worker.js"):
            return self.send_bytes(HTTPStatus.NOT_FOUND, b"Not found", "text/plain", head)
        data = resources.files("babelsite.serve").joinpath("preview", name).read_bytes()
        self.send_bytes(HTTPStatus.OK, data, "application/javascript", head)

    def stream_events(self) -> None:
        """Hold a Server-Sent Events stream open and send each rebuild's message."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "keep-alive")
        self.end_headers()
        preview = self.server.preview
        broadcast = preview.broadcast
        with broadcast.condition:
            seen, standing, build = broadcast.number, broadcast.standing, broadcast.build
        try:
            # a page served before a rebuild whose reload went out before this stream began reloads on seeing it
            self.wfile.write(f"retry: 500\n\nevent: build\ndata: {json.dumps({'build': build})}\n\n".encode())
            if standing is not None:
                self.wfile.write(f"event: {standing[0]}\ndata: {standing[1]}\n\n".encode())
            self.wfile.flush()
            while not preview.stopping.is_set():
                messages = broadcast.wait(seen, timeout=0.5)
                for number, event, payload in messages:
                    self.wfile.write(f"event: {event}\ndata: {payload}\n\n".encode())
                    seen = number
                if not messages:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (OSError, ValueError):  # the tab went away or stopped reading for `timeout` seconds
            pass
        self.close_connection = True


def shown(diagnostic: Diagnostic, site_dir: Path) -> dict:
    """Return a diagnostic as the preview's overlay shows it: its line, its parts, and the lines around it."""
    return {"text": diagnostic.format(), "severity": diagnostic.severity, "path": diagnostic.path,
            "line": diagnostic.line, "excerpt": excerpt(site_dir, diagnostic.path, diagnostic.line)}


def excerpt(site_dir: Path, path: str, line: int) -> list[dict]:
    """Return the line of a file a diagnostic names and the ones before and after it, from files inside the site only.

    The tab is a web page: it must not be sent lines of files elsewhere (a link out of the site, ~/.ssh).
    """
    if line < 1:
        return []
    file = site_dir / path  # a diagnostic's path is relative to the site folder when the file lies in it
    try:
        real = file.resolve(strict=True)
        if not real.is_relative_to(site_dir) or not stat.S_ISREG(os.stat(real).st_mode):
            return []  # outside the site, or a pipe, whose read would never end
        lines = []
        with open(real, encoding="utf-8", errors="replace") as text:
            for number, content in enumerate(text, start=1):
                if number >= line - 1:
                    lines.append({"number": number, "text": content.rstrip("\r\n")[:EXCERPT_WIDTH],
                                  "current": number == line})
                if number > line:
                    break
    except (OSError, RuntimeError):
        return []
    return lines


def served_host_names(host: str) -> frozenset[str]:
    """Return the host names the preview answers to besides IP addresses: localhost, --host, the machine's name.

    The machine's name counts only when the server listens on every address (0.0.0.0 or ::).
    """
    names = {"localhost", host.strip("[]").lower()}
    if host in WILDCARD_HOSTS:
        machine = socket.gethostname().lower()
        names |= {machine, f"{machine}.local"}
    return frozenset(names - {""})


def is_served_host(header: str | None, names: frozenset[str]) -> bool:
    """Tell whether a Host header addresses the preview: an IP address, localhost or one of its names.

    A page of a DNS-rebinding attack reaches the preview under its own domain name and sends that
    name as Host; an IP address cannot be rebound. A missing Host is refused, as Vite and
    webpack-dev-server do: browsers always send one.
    """
    if not header:
        return False
    header = header.strip().lower()
    if header.startswith("["):
        address, _, port = header[1:].partition("]")
        return is_ip_address(address) and (port == "" or port[1:].isdigit() and port[0] == ":")
    name = header.partition(":")[0]
    return is_ip_address(name) or name in names or name.endswith(".localhost")


def is_ip_address(text: str) -> bool:
    """Tell whether a text is an IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def resolve_request(path: str, base_path: str, lookup) -> tuple[HTTPStatus, str]:
    """Map a request path to an output file, refusing anything that could leave the site."""
    decoded = unquote(path)
    if "\x00" in decoded or "\\" in decoded or ".." in decoded.split("/") or not decoded.startswith("/"):
        return HTTPStatus.FORBIDDEN, ""
    if posixpath.normpath(decoded) != decoded.rstrip("/") and decoded != "/":
        return HTTPStatus.FORBIDDEN, ""
    if not decoded.startswith(base_path):
        if decoded + "/" == base_path:
            return HTTPStatus.MOVED_PERMANENTLY, base_path
        return HTTPStatus.NOT_FOUND, ""
    relative = decoded[len(base_path):]
    if relative == "" or relative.endswith("/"):
        return HTTPStatus.OK, relative + "index.html"
    if lookup(relative) is None and lookup(relative + "/index.html") is not None:
        return HTTPStatus.MOVED_PERMANENTLY, path + "/"
    return HTTPStatus.OK, relative


def not_found_page(key: str, lookup) -> str:
    """Return the 404 page for a missing output file: its language section's own, else the site's."""
    section, slash, _ = key.partition("/")
    own = f"{section}/404.html"
    return own if slash and lookup(own) is not None else "404.html"


def inject_live_script(html: bytes, build: str) -> bytes:
    """Add the live-reload script, with the id of the build the page comes from, before </body> (or at the end)."""
    tag = f'<script src="{PREVIEW}live.js" data-build="{build}" defer></script>'.encode()
    index = html.lower().rfind(b"</body>")
    return html[:index] + tag + html[index:] if index >= 0 else html + tag


def serve(options: BuildOptions, host: str, port: int, open_browser: bool) -> int:
    """Run the preview until Ctrl-C; raise SiteError, as a build does, when there is no site to serve."""
    from ..config import find_site

    find_site(options.site_dir, options.config_path)  # a site with errors starts, showing them; no site does not
    server = PreviewServer(options, host, port)
    try:  # from the first moment: Ctrl-C may come while the first build runs or the URL is printed
        url = server.start()
        print(f"babelsite: serving {url} (Ctrl-C to stop)", flush=True)
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        while True:
            time.sleep(0.5)
    except PortBusy as exc:
        print(f"babelsite: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print("babelsite: stopped", file=sys.stderr)
    return 0
