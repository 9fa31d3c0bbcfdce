"""The report site carries dbt's docs of the published run, linked from every page's footer.

Headless Chromium opens the docs from disk, as a BI user would from the site, and finds a
mart's description (read here from the model's YAML, not from the docs generator).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from orchestration.settings import DBT_PROJECT_DIR

pytestmark = [pytest.mark.slow, pytest.mark.company]

CHROMIUM = shutil.which("chromium")


def _model_description(yml: Path, model: str) -> str:
    spec = yaml.safe_load(yml.read_text(encoding="utf-8"))
    return next(m["description"] for m in spec["models"] if m["name"] == model)


def test_every_page_links_to_the_dbt_docs_of_the_published_run(small_pipeline) -> None:
    settings, outcome = small_pipeline
    assert outcome.published, outcome.report
    for site in (settings.reports_dir, settings.restricted_reports_dir):
        docs = site / "docs" / "index.html"
        assert docs.stat().st_size > 100_000, f"no dbt docs in {site}"
        pages = sorted(site.rglob("*.html"))
        pages = [p for p in pages if "docs" not in p.relative_to(site).parts]
        assert pages
        for page in pages:
            links = re.findall(r'href="([^"]*docs/index\.html)"', page.read_text("utf-8"))
            assert links, f"{page} has no link to the dbt docs"
            assert (page.parent / links[0]).resolve() == docs.resolve(), (page, links[0])


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test does)")
def test_the_dbt_docs_open_from_disk_with_a_marts_description(
    small_pipeline, tmp_path: Path
) -> None:
    settings, _ = small_pipeline
    docs = settings.reports_dir / "docs" / "index.html"
    expected = _model_description(
        DBT_PROJECT_DIR / "models" / "marts" / "performance" / "rep_performance.yml",
        "rep_performance",
    )
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=15000",
        "--dump-dom",
        docs.as_uri() + "#!/model/model.spm.rep_performance",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    # the page embeds the manifest as JSON: only text rendered into the page counts
    rendered = re.sub(r"(?s)<script.*?</script>|<style.*?</style>", "", done.stdout)
    text = " ".join(re.sub(r"<[^>]+>", " ", rendered).split())
    assert "Description" in text
    first_sentence = " ".join(expected.split()).split(":")[0]
    assert first_sentence in text, f"{first_sentence!r} not on the rendered docs page"
