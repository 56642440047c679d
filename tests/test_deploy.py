"""Ready to deploy: host redirect files, redirect pages for old URLs, the root's language choice, `init`."""

from __future__ import annotations

import functools
import http.client
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import html5lib
import pytest
import yaml

from babelsite.output.hosts import accept_language_patterns
from conftest import REPO, SITES, crawl, find_all, parse_html, run

BASE = "https://example.org/docs/"

NETLIFY = """\
# Redirects for https://example.org/docs/, written by babelsite from site.toml and front matter aliases:
# build again rather than edit. Netlify serves an existing file before a rule whose status has
# no "!"; Cloudflare Pages ignores such rules, language conditions and 404 rules, and follows
# the plain 301 copies.

# The root: the saved choice (cookie nf_lang), else the browser's language, else the default.
/docs/  /docs/fr/  302!  Language=fr
/docs/  /docs/pt-BR/  302!  Language=pt
/docs/  /docs/en/  302!

# Old URLs: aliases in front matter and [redirects] in site.toml.
/docs/old/start/  /docs/en/guide/  301!
/docs/old/start/  /docs/en/guide/  301
/docs/en/getting-started/  /docs/en/guide/  301!
/docs/en/getting-started/  /docs/en/guide/  301
/docs/ancien/guide/  /docs/fr/guide/  301!
/docs/ancien/guide/  /docs/fr/guide/  301
/docs/old/guide/  /docs/en/guide/  301!
/docs/old/guide/  /docs/en/guide/  301
/docs/manual.html  /docs/en/usage/#install  301!
/docs/manual.html  /docs/en/usage/#install  301
/docs/start/  /docs/  301!
/docs/start/  /docs/  301
/docs/blog/  https://blog.example.org/  301!
/docs/blog/  https://blog.example.org/  301

# Pages that do not exist: the 404 page in the language of the section asked for.
/docs/en/*  /docs/en/404.html  404
/docs/fr/*  /docs/fr/404.html  404
/docs/pt-BR/*  /docs/pt-BR/404.html  404
/docs/*  /docs/404.html  404
"""

SKIP = "^(?:(?! *(?:en|fr|pt)(?:[-;, ]|$))[^,]*,)* *"  # entries of Accept-Language in no language of the site
NGINX = f"""\
# nginx configuration for https://example.org/docs/, written by babelsite: build again rather than edit.
# Put it in nginx's http context (for example as /etc/nginx/conf.d/babelsite.conf), copy the
# output folder to /var/www/babelsite/docs/ (or change root below), then run nginx -t and reload.

# The reader's language: the first in Accept-Language that the site has (the same code, else the
# same language), else the default; a choice saved by the language switcher goes first.
map $http_accept_language $babelsite_browser_lang {{
    default en;
    "~*{SKIP}pt-br(?:[;, ]|$)" pt-BR;
    "~*{SKIP}en(?:[-;, ]|$)" en;
    "~*{SKIP}fr(?:[-;, ]|$)" fr;
    "~*{SKIP}pt(?:[-;, ]|$)" pt-BR;
}}
map $cookie_nf_lang $babelsite_lang {{
    default $babelsite_browser_lang;
    en en;
    fr fr;
    pt-BR pt-BR;
}}

server {{
    listen 80;
    server_name example.org;
    root /var/www/babelsite;
    error_page 404 /docs/404.html;

    location = /docs/ {{
        add_header Vary "Accept-Language, Cookie";
        return 302 /docs/$babelsite_lang/;
    }}

    # Missing pages inside a language's section get the 404 page in that language.
    location /docs/en/ {{ error_page 404 /docs/en/404.html; }}
    location /docs/fr/ {{ error_page 404 /docs/fr/404.html; }}
    location /docs/pt-BR/ {{ error_page 404 /docs/pt-BR/404.html; }}

    # Files for the host, not for readers.
    location = /docs/_redirects {{ return 404; }}
    location = /docs/babelsite-nginx.conf {{ return 404; }}

    # Old URLs: aliases in front matter and [redirects] in site.toml.
    location = /docs/old/start/ {{ return 301 /docs/en/guide/; }}
    location = /docs/en/getting-started/ {{ return 301 /docs/en/guide/; }}
    location = /docs/ancien/guide/ {{ return 301 /docs/fr/guide/; }}
    location = /docs/old/guide/ {{ return 301 /docs/en/guide/; }}
    location = /docs/manual.html {{ return 301 "/docs/en/usage/#install"; }}
    location = /docs/start/ {{ return 301 /docs/; }}
    location = /docs/blog/ {{ return 301 https://blog.example.org/; }}
}}
"""


@pytest.fixture(scope="module")
def www(tmp_path_factory) -> Path:
    """The deploy fixture built with --strict into www/docs/, as a host serving it under /docs/ holds it."""
    root = tmp_path_factory.mktemp("deploy")
    site_dir = root / "deploy"
    shutil.copytree(SITES / "deploy", site_dir)
    assert run("build", site_dir, "--out", root / "www/docs", "--strict") == 0
    return root / "www"


def test_netlify_redirects_file_line_by_line(www):
    assert (www / "docs/_redirects").read_text(encoding="utf-8").splitlines() == NETLIFY.splitlines()


def test_nginx_config_line_by_line(www):
    assert (www / "docs/babelsite-nginx.conf").read_text(encoding="utf-8").splitlines() == NGINX.splitlines()


def test_host_files_are_written_only_when_asked(site, tmp_path):
    out = tmp_path / "public"
    assert run("build", site("multi"), "--out", out) == 0
    assert not (out / "_redirects").exists() and not (out / "babelsite-nginx.conf").exists()


def test_default_language_at_root_has_no_language_choice_in_host_files(site, tmp_path):
    site_dir = site("deploy")
    config = site_dir / "site.toml"
    text = config.read_text().partition("\n[redirects]\n")[0]  # its targets name /en/ pages, now at the root
    config.write_text(text.replace('default_language = "en"', 'default_language = "en"\ndefault_language_at_root = true'))
    out = tmp_path / "public"
    assert run("build", site_dir, "--out", out, "--strict") == 0
    netlify = (out / "_redirects").read_text().splitlines()
    assert not any("Language=" in line or "302" in line for line in netlify)
    assert "/docs/old/start/  /docs/guide/  301!" in netlify
    assert "/docs/fr/*  /docs/fr/404.html  404" in netlify and "/docs/*  /docs/404.html  404" in netlify
    assert "/docs/en/*" not in netlify  # the default language has no folder of its own
    nginx = (out / "babelsite-nginx.conf").read_text()
    assert "map " not in nginx and "return 302" not in nginx
    assert "    location = /docs/old/start/ { return 301 /docs/guide/; }" in nginx.splitlines()


def test_redirect_pages_refresh_to_the_target_with_its_canonical(www):
    expected = {  # redirect page: (lang, refresh target, canonical)
        "old/guide/index.html": ("en", "/docs/en/guide/", BASE + "en/guide/"),
        "manual.html": ("en", "/docs/en/usage/#install", BASE + "en/usage/"),
        "start/index.html": ("en", "/docs/", BASE),
        "blog/index.html": ("en", "https://blog.example.org/", "https://blog.example.org/"),
        "old/start/index.html": ("en", "/docs/en/guide/", BASE + "en/guide/"),  # aliases, as before
        "en/getting-started/index.html": ("en", "/docs/en/guide/", BASE + "en/guide/"),
        "ancien/guide/index.html": ("fr", "/docs/fr/guide/", BASE + "fr/guide/"),
    }
    for path, (lang, target, canonical) in expected.items():
        document = parse_html(www / "docs" / path)
        metas = {m.get("http-equiv") or m.get("name"): m.get("content") for m in find_all(document, "meta")}
        links = {link.get("rel"): link.get("href") for link in find_all(document, "link")}
        assert document.get("lang") == lang, path
        assert metas["refresh"] == f"0; url={target}", path
        assert metas["robots"] == "noindex", path
        assert links["canonical"] == canonical, path
        assert [a.get("href") for a in find_all(document, "a")] == [target], path


def test_deployed_site_has_no_broken_internal_link(www):
    assert crawl(www / "docs", BASE) == {}  # redirect targets included, the #install anchor too


def test_redirect_pages_are_not_in_the_sitemap(www):
    sitemap = (www / "docs/sitemap.xml").read_text()
    assert "old/guide" not in sitemap and "manual.html" not in sitemap and "ancien" not in sitemap


# -- errors -----------------------------------------------------------------------------


def test_bad_redirect_settings_are_reported_at_their_lines(site, tmp_path, capsys):
    out = tmp_path / "out"
    assert run("build", site("deploy_bad_config"), "--out", out) == 1
    assert capsys.readouterr().err.splitlines() == [
        """site.toml:4: error: redirect_files has an unknown value 'apache'; use "netlify" or "nginx\"""",
        "site.toml:4: error: redirect_files has an unknown value 'ngnix'; did you mean 'nginx'?",
        "site.toml:9: error: redirect source 'old/' is not a path from the site root; "
        'write it like "/old/path/", without the base path',
        "site.toml:10: error: redirect target 'en/guide/' is neither a path from the site root nor an http(s) URL; "
        'write it like "/en/new-path/" or "https://example.org/page"',
        "site.toml:11: error: redirect of '/oldest/' must be a path or URL in quotes; "
        'e.g. "/old/path/" = "/en/new-path/"',
        "site.toml:12: error: redirect target 'ftp://example.org/' is neither a path from the site root nor an "
        'http(s) URL; write it like "/en/new-path/" or "https://example.org/page"',
        "babelsite: build failed with 6 errors; nothing was written",
    ]
    assert not out.exists()


def test_redirect_files_must_be_a_list(site, tmp_path, capsys):
    site_dir = site("deploy")
    config = site_dir / "site.toml"
    config.write_text(config.read_text().replace('redirect_files = ["netlify", "nginx"]', 'redirect_files = "netlify"'))
    assert run("build", site_dir, "--out", tmp_path / "out") == 1
    assert capsys.readouterr().err.splitlines() == [
        """site.toml:5: error: 'redirect_files' must be a list; e.g. redirect_files = ["netlify"]""",
        "babelsite: build failed with 1 error; nothing was written",
    ]


BAD_REDIRECTS = [
    "site.toml:10: error: redirect /en/guide/ is also the page of content/en/guide.md; "
    "remove it from [redirects], or move the page",
    "site.toml:11: error: redirect /old/start/ is also an alias of content/en/guide.md; keep one of the two",
    "site.toml:13: error: redirect /moved/ is also the redirect at line 12; keep one of the two",
    "site.toml:14: error: redirect /sitemap.xml is reserved for the site's own pages; "
    "choose another path, or remove it from [redirects]",
    "site.toml:15: error: redirect target /en/gide/ names no page of the site; did you mean '/en/guide/'?",
    "site.toml:16: error: redirect target /moved/ is itself redirected (the redirect at line 12); "
    "point it at '/en/usage/' instead",
    "site.toml:17: error: redirect target /fr/guide names no page of the site; did you mean '/fr/guide/'?",
    "site.toml:18: error: redirect target /zzz/qqq/ names no page of the site; "
    "point it at a page of the site, or at a full URL",
]


def test_colliding_and_dangling_redirects_fail_the_build(site, tmp_path, capsys):
    out = tmp_path / "out"
    assert run("build", site("deploy_bad_redirects"), "--out", out) == 1
    assert capsys.readouterr().err.splitlines() == BAD_REDIRECTS + [
        f"babelsite: build failed with {len(BAD_REDIRECTS)} errors; nothing was written"]
    assert not out.exists()


def test_check_reports_colliding_and_dangling_redirects(site, capsys):
    assert run("check", site("deploy_bad_redirects")) == 1
    assert capsys.readouterr().out.splitlines() == BAD_REDIRECTS


# -- the language choice on the server ----------------------------------------------------


def browser_language(header: str, cookie: str = "") -> str:
    """Return the language the nginx maps of the deploy fixture pick, evaluated with Python's re."""
    if cookie in ("en", "fr", "pt-BR"):
        return cookie
    for pattern, code in accept_language_patterns(("en", "fr", "pt-BR")):
        if re.search(pattern, header, re.IGNORECASE):
            return code
    return "en"


@pytest.mark.parametrize("header, cookie, expected", [
    ("fr-FR,fr;q=0.9,en;q=0.8", "", "fr"),  # the first language the site has
    ("de-DE, de;q=0.9, pt-PT;q=0.8, en;q=0.5", "", "pt-BR"),  # skip languages it lacks; same primary subtag
    ("pt-BR", "", "pt-BR"),
    ("PT-br,fr", "", "pt-BR"),  # case does not matter
    ("english,fr", "", "fr"),  # 'english' is not 'en'
    ("de", "", "en"),  # else the default
    ("", "", "en"),
    ("fr", "pt-BR", "pt-BR"),  # a saved choice goes first
    ("fr", "xx", "fr"),  # unless it names no language of the site
])
def test_accept_language_patterns_choose_like_root_js(header, cookie, expected):
    assert browser_language(header, cookie) == expected


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx(www, tmp_path):
    """Run nginx on the generated configuration, listening on a free loopback port; yield the port."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    port = free_port()
    conf = (www / "docs/babelsite-nginx.conf").read_text()
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("root /var/www/babelsite;", f"root {www};")
    (tmp_path / "site.conf").write_text(conf)
    temp = tmp_path / "temp"
    (tmp_path / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # workers must read pytest's private temporary folders
        + f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\nhttp {{\n"
        "  access_log off;\n"
        + "".join(f"  {kind}_temp_path {temp};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  include {tmp_path}/site.conf;\n}}\n")
    process = subprocess.Popen([binary, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"nginx did not start: {process.stderr.read().decode()}")
            time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(timeout=10)


def fetch(port: int, path: str, **headers: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    location = response.getheader("Location") or ""
    return response.status, re.sub(r"^http://127\.0\.0\.1:\d+", "", location), body


def get(port: int, path: str, **headers: str) -> tuple[int, str]:
    return fetch(port, path, **headers)[:2]


def test_nginx_runs_the_generated_configuration(nginx):
    assert get(nginx, "/docs/") == (302, "/docs/en/")
    assert get(nginx, "/docs/", **{"Accept-Language": "de-DE,fr;q=0.8"}) == (302, "/docs/fr/")
    assert get(nginx, "/docs/", **{"Accept-Language": "pt-PT"}) == (302, "/docs/pt-BR/")
    assert get(nginx, "/docs/", **{"Accept-Language": "fr", "Cookie": "nf_lang=en"}) == (302, "/docs/en/")
    assert get(nginx, "/docs/old/guide/") == (301, "/docs/en/guide/")
    assert get(nginx, "/docs/manual.html") == (301, "/docs/en/usage/#install")
    assert get(nginx, "/docs/ancien/guide/") == (301, "/docs/fr/guide/")
    assert get(nginx, "/docs/blog/") == (301, "https://blog.example.org/")
    assert get(nginx, "/docs/en/guide/") == (200, "")
    assert get(nginx, "/docs/en/no-such-page/") == (404, "")
    assert get(nginx, "/docs/_redirects") == (404, "")


@pytest.mark.parametrize("path, lang", [("/docs/fr/nulle-part/", "fr"), ("/docs/pt-BR/x.html", "pt-BR"),
                                        ("/docs/en/no-such-page/", "en"), ("/docs/nowhere/", "en")])
def test_nginx_answers_a_missing_page_in_the_language_of_its_section(nginx, path, lang):
    status, _, body = fetch(nginx, path)
    html = html5lib.parse(body, namespaceHTMLElements=False)
    assert status == 404 and html.get("lang") == lang


# -- GitHub Pages --------------------------------------------------------------------------


def test_github_pages_workflow_builds_with_the_base_url_and_deploys():
    workflow = yaml.safe_load((REPO / "docs/github-pages.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert [step.get("uses") or step.get("run") for step in build["steps"]] == [
        "actions/checkout@v4", "actions/setup-python@v5", "python -m pip install .",
        "babelsite build --base-url https://OWNER.github.io/REPO/", "actions/upload-pages-artifact@v3"]
    assert build["steps"][0]["with"]["fetch-depth"] == 0  # git dates translations without translated_from
    assert build["steps"][-1]["with"]["path"] == "public"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [step["uses"] for step in deploy["steps"]] == ["actions/deploy-pages@v4"]
    assert not (REPO / ".github/workflows/github-pages.yml").exists()  # an example here, not active


# -- init ----------------------------------------------------------------------------------


def test_init_creates_a_site_that_builds_and_checks_strictly(tmp_path, capsys):
    site_dir = tmp_path / "new-site"
    assert run("init", site_dir) == 0
    written = capsys.readouterr().out.splitlines()
    assert sorted(Path(line).relative_to(site_dir).as_posix() for line in written) == [
        ".gitignore", "content/en/getting-started/welcome.md", "content/fr/getting-started/welcome.md", "site.toml"]
    assert "public/" in (site_dir / ".gitignore").read_text().splitlines()
    assert not (site_dir / "templates").exists() and not (site_dir / "static").exists()
    assert run("build", site_dir, "--strict") == 0
    assert "0 warnings" in capsys.readouterr().out
    assert (site_dir / "public/en/getting-started/welcome/index.html").is_file()
    assert (site_dir / "public/fr/getting-started/welcome/index.html").is_file()
    assert run("check", site_dir, "--strict") == 0
    assert not any(": warning:" in line or ": error:" in line for line in capsys.readouterr().out.splitlines())
    assert run("status", site_dir, "--format", "json") == 0
    assert '"state": "translated"' in capsys.readouterr().out  # translated_from matches the original


def test_init_accepts_a_folder_with_only_git(tmp_path):
    (tmp_path / "site/.git").mkdir(parents=True)
    assert run("init", tmp_path / "site") == 0
    assert (tmp_path / "site/site.toml").is_file()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / "notes.txt").write_text("mine")
    assert run("init", site_dir) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{site_dir}: error: the folder is not empty; "
        "give a new or empty folder; babelsite init never writes among existing files"]
    assert [p.name for p in site_dir.iterdir()] == ["notes.txt"]


# -- the root page in a browser ------------------------------------------------------------


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class names it so
        pass


@pytest.fixture(scope="module")
def static_server(www):
    """Serve the built folder (under /docs/) as a static host does, on a free loopback port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM, CHROMIUM_ARGS

    assert Path(CHROMIUM).exists(), "install Debian's chromium package (.ci/run does)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_root(chromium, url: str, locale: str, before: str | None = None) -> str:
    """Open the root page in a fresh browser with this locale (first visiting `before`); return where it lands."""
    context = chromium.new_context(locale=locale)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        if before is not None:
            page.goto(url + before)
        page.goto(url + "/docs/")
        page.wait_for_url(re.compile(r".*/docs/[^/]+/$"))
        return page.url[len(url):]
    finally:
        context.close()


@pytest.mark.parametrize("locale, expected", [
    ("fr-FR", "/docs/fr/"),
    ("pt-PT", "/docs/pt-BR/"),  # the same language in another region
    ("de-DE", "/docs/en/"),  # no language of the site: the default
])
def test_root_page_follows_the_browser_language(chromium, static_server, locale, expected):
    assert open_root(chromium, static_server, locale) == expected


def test_root_page_prefers_the_choice_saved_by_the_language_switcher(chromium, static_server):
    context = chromium.new_context(locale="fr-FR")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(static_server + "/docs/en/guide/")
        page.click(".language-menu-button")
        page.click(".language-switcher a[data-lang='pt-BR']")
        page.wait_for_url("**/docs/pt-BR/guide/")
        assert page.evaluate("localStorage.getItem('babelsite.lang')") == "pt-BR"
        assert {c["name"]: c["value"] for c in context.cookies()}["nf_lang"] == "pt-BR"  # for the host's redirect
        page.goto(static_server + "/docs/")
        page.wait_for_url("**/docs/pt-BR/")
        page.evaluate("localStorage.setItem('babelsite.lang', 'xx')")  # a language the site does not have
        page.goto(static_server + "/docs/")
        page.wait_for_url("**/docs/fr/")
    finally:
        context.close()
