"""Files published as they are (extra/), and a build that refuses to delete files it did not write."""

from __future__ import annotations

import os
import subprocess

from babelsite.build import BuildOptions
from babelsite.incremental.rebuild import LiveSite
from conftest import XHTML, find_all, parse_html, run, tree


def test_extra_files_are_copied_as_they_are_to_the_output_root(site, capsys):
    site_dir = site("published")
    assert run("build", site_dir) == 0
    output = tree(site_dir / "public")
    for name in ("CNAME", "favicon.ico", ".well-known/security.txt", ".nojekyll", "downloads/guide.pdf"):
        assert output[name] == (site_dir / "extra" / name).read_bytes(), name
    # hidden files that no host reads, and an editor's backups, stay out
    assert ".DS_Store" not in output and "CNAME~" not in output


def test_an_extra_file_where_the_build_writes_is_an_error_naming_both(site, capsys):
    site_dir = site("published")
    (site_dir / "extra/robots.txt").write_text("User-agent: *\n")
    (site_dir / "extra/en/guide").mkdir(parents=True)
    (site_dir / "extra/en/guide/index.html").write_text("<p>mine</p>")
    (site_dir / "extra/pagefind").mkdir()
    (site_dir / "extra/pagefind/x.js").write_text("")
    (site_dir / "extra/sitemap.xml").mkdir()
    (site_dir / "extra/sitemap.xml/a").write_text("")
    assert run("build", site_dir) == 1
    err = capsys.readouterr().err
    assert "extra/robots.txt: error: is published at robots.txt, where the build writes its own robots.txt" in err
    assert "extra/en/guide/index.html: error: is published at en/guide/index.html, where the build writes its own" in err
    assert "extra/pagefind/x.js: error:" in err and "the search index pagefind/" in err
    assert "extra/sitemap.xml/a: error:" in err and "the file sitemap.xml" in err
    assert not (site_dir / "public").exists()


def test_extra_files_keep_to_the_site_folder(site, tmp_path, capsys):
    site_dir = site("published")
    (tmp_path / "secret").write_text("key")
    (site_dir / "extra/id_rsa").symlink_to(tmp_path / "secret")
    os.mkfifo(site_dir / "extra/pipe")
    assert run("build", site_dir) == 1
    err = capsys.readouterr().err
    assert "extra/id_rsa: error: lies outside the site folder" in err
    assert "extra/pipe: warning: is a named pipe" in err


def test_cached_builds_follow_extra_files_and_match_a_cold_build(site, tmp_path):
    site_dir = site("published")
    assert run("build", site_dir) == 0
    (site_dir / "extra/CNAME").write_text("other.example.org\n")
    (site_dir / "extra/.well-known/new.txt").write_text("new\n")
    (site_dir / "extra/downloads/guide.pdf").unlink()
    assert run("build", site_dir) == 0
    cold = tmp_path / "cold"
    assert run("build", site_dir, "--out", cold, "--no-cache") == 0
    cached = tree(site_dir / "public")
    assert cached == tree(cold)
    assert cached["CNAME"] == b"other.example.org\n" and ".well-known/new.txt" in cached
    assert "downloads/guide.pdf" not in cached


def test_the_preview_serves_extra_files_and_picks_up_their_changes(site):
    site_dir = site("published")
    live = LiveSite(BuildOptions(site_dir=site_dir))
    assert live.rebuild().ok
    assert live.get("CNAME") == b"docs.example.org\n"
    (site_dir / "extra/CNAME").write_text("other.example.org\n")
    result = live.rebuild([site_dir / "extra/CNAME"])
    assert result.ok and live.get("CNAME") == b"other.example.org\n"
    (site_dir / "extra/404.html").write_text("mine")
    result = live.rebuild([site_dir / "extra/404.html"])
    assert not result.ok and any(d.path == "extra/404.html" for d in result.diagnostics)


def test_a_build_refuses_to_delete_files_it_did_not_write(site, capsys):
    site_dir = site("published")
    assert run("build", site_dir) == 0
    output = site_dir / "public"
    (output / "HAND").write_text("put here by hand")
    (output / "en/notes").mkdir()
    for number in range(6):
        (output / f"en/notes/{number}.txt").write_text("")
    capsys.readouterr()
    assert run("build", site_dir, "--no-cache") == 1
    err = capsys.readouterr().err
    assert "holds files babelsite did not write: HAND, en/notes/0.txt, en/notes/1.txt, en/notes/2.txt, " \
           "en/notes/3.txt and 2 more" in err
    assert "move them into extra/" in err and "--force" in err
    # a cached build that would stage the site anew refuses too, rather than leave them out
    with open(site_dir / "content/en/guide.md", "a") as page:
        page.write("More.\n")
    assert run("build", site_dir) == 1
    assert (output / "HAND").exists() and (output / "en/notes/5.txt").exists()
    assert run("build", site_dir, "--force") == 0
    assert not (output / "HAND").exists()
    (output / "HAND").write_text("put here by hand again")
    for edit in range(3):  # with --force and a cache, then two builds that swap in the tree kept beside the output
        with open(site_dir / "content/en/guide.md", "a") as page:
            page.write(f"Edit {edit}.\n")
        assert run("build", site_dir, *(["--force"] if edit == 0 else [])) == 0
        assert not (output / "HAND").exists()
    assert run("build", site_dir, "--no-cache") == 0  # what it wrote itself it replaces


def git(cwd, *args: str, date: str = "2027-03-02T10:00:00") -> None:
    """Run git in a test repository, as a fixed author at a fixed date."""
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args], cwd=cwd, env=env,
                   check=True, capture_output=True)


def dates(page) -> list[tuple[str | None, str]]:
    """Return the (datetime, text) of each date a page's header shows."""
    header = next(e for e in find_all(parse_html(page), "p") if e.get("class") == "dates")
    return [(time.get("datetime"), time.text) for time in header.iter(XHTML + "time")]


def edit_link(page) -> str | None:
    """Return where a page's "Edit this page" link leads, or None."""
    found = [e for e in find_all(parse_html(page), "p") if e.get("class") == "edit-page"]
    return found[0].find(XHTML + "a").get("href") if found else None


def test_dates_are_written_in_each_language(site):
    site_dir = site("published")
    assert run("build", site_dir) == 0
    assert dates(site_dir / "public/en/guide/index.html") == [("2026-12-04", "December 4, 2026"),
                                                               ("2027-01-15", "January 15, 2027")]
    assert dates(site_dir / "public/fr/guide/index.html") == [("2026-12-04", "4 décembre 2026"),
                                                               ("2027-01-15", "15 janvier 2027")]


def test_last_updated_comes_from_one_git_log_for_the_whole_site(site, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    site_dir = site("published").rename(repo / "docs")
    (site_dir / "site.toml").write_text("last_updated = true\n" + (site_dir / "site.toml").read_text())
    french = site_dir / "content/fr/guide.md"
    french.write_text(french.read_text().replace("updated: 2027-01-15\n", ""))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    (site_dir / "content/fr/new.md").write_text("---\ntitle: Nouveau\n---\nPas encore enregistré.\n")
    started = []
    real_popen = subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", lambda args, *a, **k: started.append(args) or real_popen(args, *a, **k))
    assert run("build", site_dir) == 0
    assert len([args for args in started if args[:2] == ["git", "log"]]) == 1
    # the front matter's updated: wins over the commit; a page never committed shows no date of git
    assert dates(site_dir / "public/fr/guide/index.html") == [("2026-12-04", "4 décembre 2026"),
                                                               ("2027-03-02", "2 mars 2027")]
    assert dates(site_dir / "public/en/guide/index.html")[1] == ("2027-01-15", "January 15, 2027")
    assert not [e for e in find_all(parse_html(site_dir / "public/fr/new/index.html"), "p")
                if e.get("class") == "dates"]
    # {path} is the file's path in the repository, not in the site folder
    assert edit_link(site_dir / "public/fr/guide/index.html") == \
        "https://github.com/OWNER/REPO/edit/main/docs/content/fr/guide.md"
    # a body edit's cached build asks git about the files it reaches alone, and writes what a cold build writes
    started.clear()
    french.write_text(french.read_text() + "\nUne phrase de plus.\n")
    assert run("build", site_dir) == 0
    logs = [args for args in started if args[:2] == ["git", "log"]]
    assert logs and all("." not in args for args in logs)
    assert any(":(literal)content/fr/guide.md" in args for args in logs)
    assert run("build", site_dir, "--out", tmp_path / "cold", "--no-cache") == 0
    assert tree(site_dir / "public") == tree(tmp_path / "cold")


def test_edit_links_outside_git_start_from_the_site_folder(site):
    site_dir = site("published")
    (site_dir / "content/fr/déjà-vu.md").write_text("---\ntitle: Déjà vu\n---\nTexte.\n")
    assert run("build", site_dir) == 0
    assert edit_link(site_dir / "public/en/guide/index.html") == \
        "https://github.com/OWNER/REPO/edit/main/content/en/guide.md"
    assert edit_link(site_dir / "public/fr/déjà-vu/index.html") == \
        "https://github.com/OWNER/REPO/edit/main/content/fr/d%C3%A9j%C3%A0-vu.md"


def test_an_edit_url_pattern_is_checked_like_other_settings(site, capsys):
    site_dir = site("published")
    config = site_dir / "site.toml"
    for pattern, message in [("https://example.org/{file}", "edit_url has unknown token {file}"),
                             ("https://example.org/edit", "edit_url must contain {path}"),
                             ("github.com/x/{path}", "edit_url 'github.com/x/{path}' is not an http(s) URL")]:
        config.write_text(config.read_text().replace(config.read_text().split("\n")[3], f'edit_url = "{pattern}"'))
        assert run("build", site_dir) == 1
        assert f"site.toml:4: error: {message}" in capsys.readouterr().err


def test_check_reports_an_extra_file_where_the_build_writes(site, capsys):
    site_dir = site("published")
    (site_dir / "extra/sitemap.xml").write_text("<urlset/>")
    assert run("check", site_dir) == 1
    assert "extra/sitemap.xml: error: is published at sitemap.xml, where the build writes its own sitemap.xml" \
        in capsys.readouterr().out
