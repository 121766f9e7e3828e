"""The README is the way in: every page of docs/ is reachable from it, and no link is broken."""

import re
from pathlib import Path

from csv_assets_tests.conftest import REPO

LINK = re.compile(r"\]\(([^)#:\s]+)(?:#[^)]*)?\)")


def links(page: Path) -> set[Path]:
    """The files ``page`` links to, resolved (web links and in-page anchors left out)."""
    return {(page.parent / target).resolve() for target in LINK.findall(page.read_text())}


def test_no_link_of_the_readme_or_the_docs_is_broken():
    pages = [REPO / "README.md", REPO / "benchmarks" / "README.md", *(REPO / "docs").glob("*.md")]

    broken = [f"{p.name} -> {t}" for p in pages for t in links(p) if not t.exists()]

    assert not broken


def test_every_page_of_the_docs_is_reachable_from_the_readme():
    seen, todo = set(), [(REPO / "README.md").resolve()]
    while todo:
        page = todo.pop()
        if page in seen or page.suffix != ".md":
            continue
        seen.add(page)
        todo += [t for t in links(page) if t.exists()]

    assert {p.resolve() for p in (REPO / "docs").glob("*.md")} <= seen
