"""sim/session/report.py: what the after-action report says matches what it measured."""

from __future__ import annotations

import numpy as np
import pytest
from sessions import SCENARIO, scripted

from sim.session.report import OBJECTIVES, build_report, to_html, to_markdown
from sim.session.session import load_state
from sim.vocab import MECHANISMS


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report") / "ex"
    scripted(folder)
    state = load_state(folder)
    return state, build_report(state, runs=20, gain_runs=20)


def test_the_mechanism_objective_says_what_its_number_is(report):
    # It once read "share of turns active" over the index's mechanism component, which
    # is the mean live strength (strength while active) of the mechanisms ever active:
    # 25% beside a table of mechanisms active 100% of the turns.
    state, data = report
    m = state.model
    statuses = np.array([h.state.status[0] for h in m.history])  # (turns, mechanisms)
    strengths = np.array([h.state.strength[0] for h in m.history])
    tested = (m.start.status[0] == 0) | (statuses == 0).any(axis=0)
    live = (strengths * (statuses == 0))[:, tested].mean()
    share_active = (statuses == 0)[:, tested].mean()
    assert abs(live - share_active) > 0.05  # the two readings differ here, so the label matters
    row = next(o for o in data.objectives if o[0] == OBJECTIVES["mechanisms"])
    assert row[1] == f"{100 * live:.0f}%"
    assert "strength" in row[0] and "share of turns active" not in row[0]


def test_a_mechanism_never_active_is_not_tested_not_ended(report):
    # The report once said "survived: no" for a mechanism suspended from the start and
    # never restored, where the run's scorecard says "not tested" (it never was).
    state, data = report
    m = state.model
    never = [
        name
        for k, name in enumerate(MECHANISMS)
        if m.start.status[0, k] != 0 and all(h.state.status[0, k] != 0 for h in m.history)
    ]
    assert never, "the scripted session should leave some mechanism never active"
    md = to_markdown(data)
    html = to_html(data)
    for name in never:
        label = name.replace("_", " ")
        row = next(line for line in md.splitlines() if line.startswith(f"| {label} |") and "%" in line)
        assert row.split("|")[3].strip() == "not tested", row
        assert f"<td>{label}</td><td class=n>0%</td><td>not tested</td>" in html


def test_typed_text_in_the_markdown_timeline_is_text_not_html(tmp_path):
    # An inject's headline and a rationale are typed in the room; the HTML report
    # escaped them, the Markdown one passed "<script>" through to any Markdown viewer.
    from sim.session.session import Session

    s = Session.create(tmp_path / "ex", SCENARIO, ["ROK"], seed=1)
    headline = "Talks | <script>x()</script> & co"
    s.inject({"kind": "summit", "targets": ["ROK"], "magnitude": 0.5, "headline": headline})
    s.decide("ROK", "hold", "wait <b>here</b>")
    s.adjudicate()
    s.close()
    md = to_markdown(build_report(load_state(tmp_path / "ex"), runs=10, gain_runs=10))
    assert "<script>" not in md and "<b>" not in md
    assert "Talks / &lt;script&gt;x()&lt;/script&gt; &amp; co" in md
    assert "wait &lt;b&gt;here&lt;/b&gt;" in md


def test_trust_drops_in_the_report_add_up_from_the_values_shown(tmp_path):
    # "trust Tokyo→Seoul fell 0.09 (0.35 → 0.27)", even "fell 0.00 (0.31 → 0.30)": the
    # drop was of the unrounded values (this session, seed 9, had the first).
    import re

    from sim.session.session import Session

    with Session.create(tmp_path / "ex", SCENARIO, ["ROK"], seed=9) as s:
        s.seat("ROK", "ai")
        for _ in range(4):
            s.adjudicate()
    md = to_markdown(build_report(load_state(tmp_path / "ex"), runs=10, gain_runs=10))
    drops = re.findall(r"fell ([\d.]+) \(([\d.]+) → ([\d.]+)\)", md)
    assert len(drops) >= 2  # the observations and the turning points
    for size, before, after in drops:
        assert round(float(before) - float(after), 2) == float(size), (size, before, after)
