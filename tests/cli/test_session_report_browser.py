"""The HTML after-action report in headless Chromium: loads offline, no console errors,
every section present, every image decodes.

Needs the Debian `chromium` package; without it the test is skipped and says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from support import SMALL
from typer.testing import CliRunner

from cli.app import app
from sim.session.report import SECTIONS

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")

# Appended to a copy of the report: after the load event, whether every image decoded
# (a broken image has no natural size), written into the DOM, which --dump-dom prints.
# It writes nothing to the console.
PROBE = """<script>
window.addEventListener("load", () => {
  const imgs = Array.from(document.images);
  const results = imgs.map(i => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0 ? "ok" : "failed");
  document.body.dataset.images = imgs.length + ":" + results.join(",");
});
</script>"""


class _Sections(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.images = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.ids.append(a.get("id", ""))
        if tag == "body":
            self.images = a.get("data-images", "")


def _report(tmp_path):
    r = CliRunner()
    base = ["session"]
    d = ["--dir", str(tmp_path)]
    assert r.invoke(app, [*base, "new", str(SMALL), "--name", "ex", "--human", "ROK", *d]).exit_code == 0
    moves = "coordinate\nx\n\noverride crisis=0.9\nwhy not\nundo\nhold\ny\n\nhedge\nz\n\nquit\n"
    assert r.invoke(app, [*base, "play", "ex", *d], input=moves).exit_code == 0
    result = r.invoke(app, [*base, "report", "ex", "--runs", "100", *d])
    assert result.exit_code == 0, result.output
    return tmp_path / "ex" / "report.html"


@pytest.mark.skipif(BROWSER is None, reason="chromium is not installed (Debian: apt-get install -y chromium)")
def test_the_html_report_loads_cleanly_in_headless_chromium(tmp_path):
    report = _report(tmp_path)
    probe = tmp_path / "probe.html"
    probe.write_text(report.read_text().replace("</body>", PROBE + "</body>"))
    cmd = [
        BROWSER,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: any network fetch would fail
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=10000",
        "--dump-dom",
        probe.as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    page = _Sections()
    page.feed(done.stdout)
    assert page.ids == [sid for sid, _ in SECTIONS]
    count, _, results = page.images.partition(":")
    assert int(count) == 3 and results.split(",") == ["ok"] * 3, page.images
    for _, title in SECTIONS:
        if title != "Final scores":
            assert re.search(re.escape(title), done.stdout), title
    assert "Scores after turn 2 of 4" in done.stdout  # the exercise was left unfinished
    assert "why not" in done.stdout and "undone" in done.stdout
