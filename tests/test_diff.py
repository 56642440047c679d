"""`babelsite diff`: what changed in an original since a translation was made, found in a git repository made here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import html5lib
import pytest

from conftest import XHTML, find_all, parse_html, run

ORIGINAL_V1 = """\
---
title: VAE
category: System Anatomy
---

A variational autoencoder compresses images.

## Encoder

The encoder maps pixels to a latent.
It halves the size.

## Decoder

The decoder maps back.
"""
ORIGINAL_V2 = ORIGINAL_V1.replace("title: VAE", "title: Variational Autoencoder\ndescription: Images into latents.") \
    .replace("It halves the size.", "It divides each side by eight.")
ORIGINAL_V3 = ORIGINAL_V2 + "\n## Loss\n\nA KL term keeps the latent smooth.\n"
LOSS_ADDED = ["## Loss — added (line 18)", "@@ -0,0 +18,3 @@", "+## Loss", "+", "+A KL term keeps the latent smooth.", ""]
TRANSLATION = """\
---
title: VAE
category: System Anatomy
{pin}
---

Un autoencoder variazionale comprime le immagini.
"""


def git(repo: Path, *args: str, date: str = "2024-05-01T12:00:00Z") -> str:
    """Run git in the fixture repository with a fixed author and date; return its output."""
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}
    result = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=repo,
                            env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def commit(repo: Path, files: dict[str, str], message: str, date: str) -> str:
    """Write files, commit them and return the commit's id."""
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


def original_hash(repo: Path, capsys) -> str:
    """Return the original's content hash now, as `status --format json` gives it."""
    capsys.readouterr()
    assert run("status", repo, "--format", "json") == 0
    return json.loads(capsys.readouterr().out)["articles"][0]["cells"]["en"]["original_hash"]


@pytest.fixture
def repo(tmp_path, capsys) -> dict[str, str]:
    """A site in git: the original in three commits, Italian pinned to the first by hash, French to the second by commit."""
    root = tmp_path / "site"
    root.mkdir()
    git(root, "init", "-q")
    (root / "site.toml").write_text('title = "T"\ndefault_language = "en"\nsearch = false\n'
                                    "[languages.en]\n[languages.it]\n[languages.fr]\n")
    first = commit(root, {"content/en/vae.md": ORIGINAL_V1}, "Add the VAE", "2024-05-01T12:00:00Z")
    italian = TRANSLATION.format(pin=f'translated_from: "{original_hash(root, capsys)}"')
    commit(root, {"content/it/vae.md": italian}, "Translate the VAE into Italian", "2024-05-02T12:00:00Z")
    second = commit(root, {"content/en/vae.md": ORIGINAL_V2}, "Explain the encoder", "2024-06-01T12:00:00Z")
    french = TRANSLATION.format(pin=f'translated_from_commit: "{second[:10]}"')
    commit(root, {"content/fr/vae.md": french}, "Translate the VAE into French", "2024-06-02T12:00:00Z")
    third = commit(root, {"content/en/vae.md": ORIGINAL_V3}, "Add the loss", "2024-07-01T12:00:00Z")
    capsys.readouterr()
    return {"root": str(root), "first": first, "second": second, "third": third}


def test_a_translation_pinned_by_hash_shows_every_change_since_by_section(repo, capsys):
    assert run("diff", "vae", repo["root"], "--lang", "it") == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.split("\n") == [
        "content/it/vae.md translates content/en/vae.md",
        f"made from the original's commit {repo['first'][:12]} (2024-05-01, Add the VAE), "
        "the one whose content hash is the translation's translated_from",
        "the original changed since in 2 commits:",
        f"  {repo['third'][:12]} 2024-07-01 Add the loss",
        f"  {repo['second'][:12]} 2024-06-01 Explain the encoder",
        "",
        "front matter:",
        "  title: VAE → Variational Autoencoder",
        "  description: (absent) → Images into latents.",
        "",
        "## Encoder — changed (line 9)",
        "@@ -9,3 +10,3 @@",
        " ",
        " The encoder maps pixels to a latent.",
        "-It halves the size.",
        "+It divides each side by eight.",
        "",
        *LOSS_ADDED,
    ]


def test_a_translation_pinned_by_commit_shows_only_what_came_after_it(repo, capsys):
    assert run("diff", "vae", repo["root"], "--lang", "fr") == 0
    assert capsys.readouterr().out.split("\n") == [
        "content/fr/vae.md translates content/en/vae.md",
        f"made from the original's commit {repo['second'][:12]} (2024-06-01, Explain the encoder), "
        "named by the translation's translated_from_commit",
        "the original changed since in 1 commit:",
        f"  {repo['third'][:12]} 2024-07-01 Add the loss",
        "",
        *LOSS_ADDED,
    ]


def test_hugo_default_lang_commit_pins_a_translation_too(repo, capsys):
    french = Path(repo["root"], "content/fr/vae.md")
    french.write_text(french.read_text().replace("translated_from_commit", "default_lang_commit"))
    assert run("diff", "vae", repo["root"], "--lang", "fr") == 0
    assert "named by the translation's default_lang_commit" in capsys.readouterr().out


def test_a_commit_that_does_not_exist_is_an_error_at_its_line(repo, capsys):
    french = Path(repo["root"], "content/fr/vae.md")
    french.write_text(french.read_text().replace(repo["second"][:10], "0123abcd99"))
    assert run("diff", "vae", repo["root"], "--lang", "fr") == 1
    captured = capsys.readouterr()
    assert captured.err == ("content/fr/vae.md:4: error: translated_from_commit: 0123abcd99 names no commit of this "
                            "repository; write the id of the original's commit this translation was made from\n")
    assert captured.out.split("\n")[1:] == ["", "the original's sections now:", "  line 7: (before the first heading)",
                                             "  line 9: ## Encoder", "  line 14: ## Decoder", "  line 18: ## Loss", ""]


def test_without_git_history_it_says_so_and_shows_the_sections(repo, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(repo["root"], copy, ignore=shutil.ignore_patterns(".git"))
    assert run("diff", "vae", copy, "--lang", "it") == 1
    captured = capsys.readouterr()
    assert captured.err == ("content/it/vae.md: error: no git history to find the version of the original it was "
                            "made from; commit the site to git (the history of the original is what diff compares)\n")
    assert "  line 9: ## Encoder" in captured.out.split("\n")


def test_an_unknown_key_or_language_is_an_error_with_a_suggestion(repo, capsys):
    assert run("diff", "vea", repo["root"], "--lang", "it") == 1
    assert capsys.readouterr().err == "babelsite: error: no page has the key 'vea'; did you mean 'vae'?\n"
    assert run("diff", "vae", repo["root"], "--lang", "itt") == 1
    assert capsys.readouterr().err == "babelsite: error: language 'itt' is not in site.toml; did you mean 'it'?\n"
    assert run("diff", "vae", repo["root"], "--lang", "en") == 1
    assert capsys.readouterr().err == ("babelsite: error: the en version of 'vae' is the original; "
                                       "compare a translation with it: --lang it\n")


def test_without_a_pin_the_version_is_the_original_at_the_translations_last_commit(repo, capsys):
    italian = Path(repo["root"], "content/it/vae.md")
    italian.write_text("\n".join(line for line in italian.read_text().split("\n") if "translated_from" not in line))
    assert run("diff", "vae", repo["root"], "--lang", "it") == 0
    assert capsys.readouterr().out.split("\n")[1:3] == [
        f"made from the original's commit {repo['first'][:12]} (2024-05-01, Add the VAE), "
        "the one committed when the translation last was (it has no translated_from)",
        "the original changed since in 2 commits:"]


def test_a_translation_of_the_current_original_has_nothing_to_update(repo, capsys):
    hash_now = original_hash(Path(repo["root"]), capsys)
    italian = Path(repo["root"], "content/it/vae.md")
    italian.write_text(TRANSLATION.format(pin=f'translated_from: "{hash_now}"'))
    assert run("diff", "vae", repo["root"], "--lang", "it") == 0
    assert capsys.readouterr().out.split("\n") == [
        "content/it/vae.md translates content/en/vae.md",
        "the original is as it was translated (its hash is still translated_from): nothing to update", ""]


def test_a_pin_that_is_no_commit_id_never_reaches_git_as_an_option(repo, capsys):
    french = Path(repo["root"], "content/fr/vae.md")
    french.write_text(french.read_text().replace(repo["second"][:10], "--output=x"))
    assert run("diff", "vae", repo["root"], "--lang", "fr") == 1
    assert capsys.readouterr().err.startswith("content/fr/vae.md:4: error: translated_from_commit: --output=x names no "
                                              "commit of this repository")
    assert not Path(repo["root"], "x").exists()


def test_the_status_dashboard_shows_the_diff_under_each_outdated_translation(repo, tmp_path):
    report = tmp_path / "status.html"
    assert run("status", repo["root"], "--format", "html", "--out", report) == 0
    html5lib.HTMLParser(strict=True).parse(report.read_bytes())  # raises on any parse error
    document = parse_html(report)
    details = {(d.get("data-slug"), d.get("data-lang")): d for d in find_all(document, "details")
               if d.get("class") == "diff"}
    assert sorted(details) == [("vae", "fr"), ("vae", "it")]
    italian = details["vae", "it"]
    assert [text_of(h) for h in italian.iter(XHTML + "h3")] == ["## Encoder changed, line 9", "## Loss added, line 18"]
    assert [text_of(d) for d in italian.iter(XHTML + "del")] == ["-It halves the size."]
    assert [text_of(i) for i in italian.iter(XHTML + "ins")] == [
        "+It divides each side by eight.", "+## Loss", "+", "+A KL term keeps the latent smooth."]
    assert [text_of(li) for li in italian.iter(XHTML + "li")] == [
        "title: VAE → Variational Autoencoder", "description: (absent) → Images into latents."]
    assert [text_of(h) for h in details["vae", "fr"].iter(XHTML + "h3")] == ["## Loss added, line 18"]


def text_of(element) -> str:
    """Return an element's text with its descendants', spaces collapsed."""
    return " ".join("".join(element.itertext()).split())
