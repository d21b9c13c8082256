"""sim/yamlio.py: YAML with line numbers, and clear errors for bad files."""

from __future__ import annotations

import functools
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import yamlio
from sim.errors import InputError
from sim.yamlio import LIMITS, dotted, line_of, load_yaml, parse_value, parse_yaml

NESTED = """\
title: x
events:
  - kind: a
    targets: [ROK, JPN]
  - kind: b
    when:
      metric: crisis
      above: 0.5
parameters:
  trust:
    loss: 0.4
"""


def problem_of(fn, *args):
    with pytest.raises(InputError) as info:
        fn(*args)
    assert len(info.value.problems) >= 1
    return info.value


def test_lines_of_nested_fields():
    data, lines = parse_yaml(NESTED, "f.yaml")
    assert data["events"][1]["when"]["above"] == 0.5
    assert lines[("title",)] == 1
    assert lines[("events", 0, "kind")] == 3
    assert lines[("events", 0, "targets", 1)] == 4
    assert lines[("events", 1, "when", "metric")] == 7
    assert lines[("events", 1, "when", "above")] == 8
    assert lines[("parameters", "trust", "loss")] == 11


def test_line_of_falls_back_to_the_nearest_ancestor():
    _, lines = parse_yaml(NESTED, "f.yaml")
    assert line_of(lines, ("events", 1, "when", "below")) == lines[("events", 1, "when")]
    assert line_of(lines, ("events", 7, "turn")) == lines[("events",)]
    assert line_of({}, ("a",)) is None


def test_dotted_paths():
    assert dotted(("events", 2, "turn")) == "events[2].turn"
    assert dotted(("parameters", "trust", "loss")) == "parameters.trust.loss"
    assert dotted(()) == ""


def test_duplicate_keys_are_an_error_with_their_line():
    err = problem_of(parse_yaml, "a: 1\nb:\n  c: 1\n  c: 2\n", "f.yaml")
    (p,) = err.problems
    assert p.line == 4 and p.path == "b.c"
    assert str(err).startswith("f.yaml:4:") and "appears twice" in str(err)


def test_every_duplicate_is_reported():
    err = problem_of(parse_yaml, "a: 1\na: 2\nb: 1\nb: 2\n", "f.yaml")
    assert [p.line for p in err.problems] == [2, 4]


def test_merge_keys_and_anchors_are_fine():
    data, _ = parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "f.yaml")
    assert data["other"] == {"x": 1, "y": 2}


@pytest.mark.parametrize("text", ["", "   \n\n", "\t\n"])
def test_empty_file(tmp_path, text):
    f = tmp_path / "empty.yaml"
    f.write_text(text)
    err = problem_of(load_yaml, f)
    assert str(err) == f"{f}: is empty; expected a YAML mapping"


def test_comment_only_file(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("# nothing here\n")
    assert "holds no YAML document" in str(problem_of(load_yaml, f))


def test_directory(tmp_path):
    err = problem_of(load_yaml, tmp_path)
    assert str(err) == f"{tmp_path}: is a folder, not a file"


def test_missing_file(tmp_path):
    f = tmp_path / "nope.yaml"
    assert str(problem_of(load_yaml, f)) == f"{f}: no such file"


def test_non_utf8_file(tmp_path):
    f = tmp_path / "latin1.yaml"
    f.write_bytes("title: Caf\xe9\n".encode("latin-1"))
    text = str(problem_of(load_yaml, f))
    assert text.startswith(f"{f}:") and "not UTF-8" in text


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: [1, 2\nb: 3\n", 2),
        ("a: 1\n  b: 2\n", 2),
        ("a:\n\t- 1\n", 2),
        ("key: 'unterminated\n", 2),
    ],
)
def test_malformed_yaml_names_file_and_line(tmp_path, text, line):
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    err = problem_of(load_yaml, f)
    assert str(err).startswith(f"{f}:{line}: is not valid YAML")


def test_unhashable_key_is_an_input_error():
    with pytest.raises(InputError, match=r"f\.yaml:1: a mapping key must be a plain word or number"):
        parse_yaml("? [a, b]\n: 1\n", "f.yaml")


def test_recursive_alias_is_an_input_error():
    with pytest.raises(InputError, match=r"f\.yaml:1: a\[0\]: an alias refers to the value that contains it"):
        parse_yaml("a: &x [*x]\n", "f.yaml")


def test_absurdly_deep_nesting_is_an_input_error():
    with pytest.raises(InputError, match="nested more than 50 levels deep"):
        parse_yaml("a: " + "[" * 5000 + "]" * 5000 + "\n", "f.yaml")


# --- What the author wrote is what the engine reads (YAML 1.2 core typing) ---

LOADERS = [yamlio._PyLoader] + ([yamlio._CLoader] if hasattr(yamlio, "_CLoader") else [])


@pytest.fixture(params=LOADERS, ids=lambda c: c.__name__)
def loader(request, monkeypatch):
    """Run a test on libyaml's parser and on the pure-Python one."""
    monkeypatch.setattr(yamlio, "_Loader", request.param)
    return request.param


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("N", "N"),
        ("Yes", "Yes"),
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("1e-1", 0.1),
        ("2E3", 2000.0),
        ("-1.5e+2", -150.0),
        (".5", 0.5),
        ("1.", 1.0),
        ("010", 10),
        ("0o10", 8),
        ("0x1F", 31),
        ("+7", 7),
        ("-0", 0),
        ("1_000", "1_000"),
        ("12:30", "12:30"),
        ("2024-01-01", "2024-01-01"),
        ("0b101", "0b101"),
        ("'0.5'", "0.5"),
        ('"true"', "true"),
        ("~", None),
        ("null", None),
        ("!!str 5", "5"),
        ("!!float 1", 1.0),
        ("!!int 010", 10),
    ],
)
def test_scalars_mean_what_they_look_like(loader, text, value):
    data, _ = parse_yaml(f"v: {text}\n", "f.yaml")
    assert data["v"] == value and type(data["v"]) is type(value)


def test_infinities_and_nan_are_numbers(loader):
    data, _ = parse_yaml("a: .inf\nb: -.Inf\nc: .nan\n", "f.yaml")
    assert data["a"] == math.inf and data["b"] == -math.inf and math.isnan(data["c"])


def test_yaml_1_1_words_stay_words_as_keys(loader):
    data, _ = parse_yaml("on: 1\noff: 2\nyes: 3\nNO: 4\n", "f.yaml")
    assert data == {"on": 1, "off": 2, "yes": 3, "NO": 4}


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_float_written_by_python_reads_back_equal(x):
    assert parse_value(repr(x), "--set") == x


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_any_integer_reads_back_equal(n):
    assert parse_value(str(n), "--set") == n


def test_one_key_written_twice_is_refused_even_in_another_form(loader):
    err = problem_of(parse_yaml, "briefings:\n  1: a\n  0x1: b\n", "f.yaml")
    assert err.problems[0].line == 3 and "appears twice" in str(err)


def test_merged_keys_yield_to_the_mappings_own(loader):
    text = "base: &b {x: 1, y: 1}\nmore: &m {y: 2, z: 2}\nother:\n  <<: [*b, *m]\n  x: 3\n"
    data, lines = parse_yaml(text, "f.yaml")
    assert data["other"] == {"x": 3, "y": 1, "z": 2}  # own key wins; earlier merge wins
    assert lines[("other", "x")] == 5 and lines[("other", "z")] == 2


def test_merged_mapping_may_itself_merge(loader):
    text = "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3}\n"
    data, _ = parse_yaml(text, "f.yaml")
    assert data["c"] == {"x": 1, "y": 2, "z": 3}


def test_merging_a_non_mapping_is_refused(loader):
    with pytest.raises(InputError, match=r"f\.yaml:2: other: '<<' merges a mapping"):
        parse_yaml("base: &b [1, 2]\nother: {<<: *b}\n", "f.yaml")


def test_a_repeated_own_key_is_refused_beside_a_merge(loader):
    err = problem_of(parse_yaml, "b: &b {x: 1}\no:\n  <<: *b\n  x: 2\n  x: 3\n", "f.yaml")
    assert [(p.line, p.path) for p in err.problems] == [(5, "o.x")]


def test_aliases_give_independent_copies(loader):
    data, _ = parse_yaml("a: &a {x: [1]}\nb: *a\n", "f.yaml")
    data["b"]["x"].append(2)
    assert data["a"] == {"x": [1]}


def test_more_than_one_document_is_refused_clearly(loader):
    err = problem_of(parse_yaml, "a: 1\n---\nb: 2\n", "f.yaml")
    assert str(err) == (
        "f.yaml:2: holds more than one YAML document (a '---' line starts another); "
        "a file holds one: remove the '---' or split the file"
    )


def test_one_document_with_markers_is_fine(loader):
    assert parse_yaml("---\na: 1\n...\n", "f.yaml")[0] == {"a": 1}


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object:os.system ls",
        "!!timestamp 2024-01-01",
        "!!binary aGk=",
        "!!set {a, b}",
        "!!str [1]",
        "!x y",
    ],
)
def test_tags_beyond_the_core_schema_are_refused(loader, text):
    with pytest.raises(
        InputError, match=r"f\.yaml:1: a: the tag .* is not read here; only the standard tags"
    ):
        parse_yaml(f"a: {text}\n", "f.yaml")


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("!!int abc", "!!int, which takes a whole number"),
        ("!!int 1_000", "!!int, which takes a whole number"),
        ("!!float x", "!!float, which takes a number"),
        ("!!bool yes", "!!bool, which takes true or false"),
        ("!!null x", "!!null, which takes null"),
    ],
)
def test_a_value_that_does_not_fit_its_tag_is_refused(loader, text, want):
    with pytest.raises(
        InputError, match=re.escape(f"f.yaml:2: b.a: '{text.split()[1]}' does not fit its tag {want}")
    ):
        parse_yaml(f"x: 1\nb: {{a: {text}}}\n", "f.yaml")


def test_a_bad_tagged_key_is_refused(loader):
    with pytest.raises(InputError, match="does not fit its tag !!bool"):
        parse_yaml("{!!bool no: x}\n", "f.yaml")


# --- Bounded input: refused at once, in little memory ---


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    rows = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        rows.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(rows) + "\n"


def test_the_billion_laughs_is_refused_before_it_expands(loader):
    text = billion_laughs()  # 9^9, about 387 million strings once expanded
    assert len(text) < 500
    err = problem_of(parse_yaml, text, "bomb.yaml")
    (p,) = err.problems
    assert p.line == 5  # 9^5 > 20,000: refused at the fifth level, not the ninth
    assert f"expands to more than {LIMITS.values:,} values through its aliases" in p.message


def test_the_issues_alias_bomb_under_parameters_is_refused(loader):
    rows = ["title: x", "parameters:", "  l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    rows += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(InputError, match="through its aliases"):
        parse_yaml("\n".join(rows) + "\n", "f.yaml")


def test_aliases_within_the_bound_expand(loader):
    data, _ = parse_yaml(billion_laughs(levels=4, width=9), "f.yaml")  # 9^4 = 6,561 leaves
    assert len(data["a3"]) == 9 and data["a3"][8][8][8] == ["lol"] * 9


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "a: " + "{x: " * 5_000 + "1" + "}" * 5_000 + "\n",
        "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v\n",
        "".join("  " * i + "-\n" for i in range(300)) + "  " * 300 + "x\n",
    ],
    ids=["flow-lists", "flow-maps", "block-maps", "block-lists"],
)
def test_very_deep_nesting_is_refused(loader, text):
    with pytest.raises(InputError, match=f"nested more than {LIMITS.depth} levels deep"):
        parse_yaml(text, "deep.yaml")


def test_nesting_at_the_bound_is_fine_and_one_more_level_is_not(loader):
    def nested(lists: int) -> str:  # the root mapping, `lists` lists, and the leaf
        return "a: " + "[" * lists + "1" + "]" * lists + "\n"

    data, _ = parse_yaml(nested(LIMITS.depth - 2), "f.yaml")
    assert data["a"] == functools.reduce(lambda acc, _: [acc], range(LIMITS.depth - 2), 1)
    with pytest.raises(InputError, match="nested more than"):
        parse_yaml(nested(LIMITS.depth - 1), "f.yaml")


def test_a_huge_list_is_refused(loader):
    with pytest.raises(InputError, match="more than 10,000 entries"):
        parse_yaml("a: [" + ",".join(["1"] * 20_000) + "]\n", "f.yaml")


def test_too_many_values_without_aliases_are_refused(loader):
    text = "".join(f"k{i}: [" + ",".join(["1"] * 9_000) + "]\n" for i in range(6))
    with pytest.raises(InputError, match=rf"f\.yaml:3: holds more than {LIMITS.values:,} values"):
        parse_yaml(text, "f.yaml")


def test_a_file_over_the_size_bound_is_refused_unread(tmp_path):
    f = tmp_path / "big.yaml"
    f.write_text("# padding\n" * 30_000)
    assert str(problem_of(load_yaml, f)) == (
        f"{f}: is 300,000 bytes; input files are limited to 262,144 bytes (256 KiB)"
    )


# --- Command-line values ---


def test_parse_value_reads_lists_and_words():
    assert parse_value("[ROK, JPN]", "--set") == ["ROK", "JPN"]
    assert parse_value("suspended", "--set") == "suspended"
    assert parse_value("yes", "--set") == "yes"


@pytest.mark.parametrize(
    ("text", "message"), [("", "is empty"), ("~", "empty (null)"), ("[1, 2", "not a number")]
)
def test_parse_value_refuses_empty_or_malformed(text, message):
    with pytest.raises(InputError, match=re.escape(message)):
        parse_value(text, "--set", path="opinion.loss")


# --- any text: read, or refused with an InputError; nothing else escapes ---

YAMLISH = st.one_of(
    st.text(alphabet=list("[]{}:,-?&*<>!|'\"#%@`~\n\t ab01.eE+_"), max_size=120),
    st.lists(
        st.sampled_from(
            ["!!int ", "!!bool ", "!!float ", "!!null ", "!!str ", "!!set ", "!t ", "&a ", "*a ", "<<: "]
            + [
                "- ",
                "[",
                "]",
                "{",
                "}",
                ": ",
                ", ",
                "\n",
                "  ",
                "yes",
                "1e-1",
                "0x",
                "abc",
                "'",
                "? ",
                "---\n",
            ]
        ),
        max_size=30,
    ).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(YAMLISH, st.text(max_size=80)))
def test_any_text_is_read_or_refused_cleanly(text):
    try:
        parse_yaml(text, "f.yaml")
    except InputError as exc:
        assert exc.problems and all(p.source == "f.yaml" for p in exc.problems)


@settings(max_examples=200, deadline=None)
@given(YAMLISH)
def test_any_command_line_value_is_read_or_refused_cleanly(text):
    try:
        parse_value(text, "--set", path="opinion.loss")
    except InputError as exc:
        assert str(exc).startswith("--set")
