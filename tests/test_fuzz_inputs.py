"""Fuzzed invalid inputs: every bad scenario or case file is one line on stderr, never a traceback.

Two layers:

* in process, Hypothesis mutates the default scenario (and a full case file) at every
  key and at every level: wrong types, None, lists and mappings where scalars belong
  and the reverse, NaN, infinities, 1e300, whole numbers beyond float range, negative
  counts, unknown keys, deleted keys. Each mutant, written as YAML and loaded as a user
  would, either loads or raises :class:`~dipsim.errors.InputError` (never any other
  exception) whose message is one line naming the file and, for a single mutation, a
  key at or under the mutated key's parent. A case that loads must also be explainable.
  Arbitrary bytes and YAML-like text are fed to both readers too.
* through the command line, a representative sample of ~30 bad files is run with
  ``python -m dipsim run FILE --days 5 --out OUTDIR`` (and ``dipsim case FILE``): exit
  status 2, exactly one line on stderr naming the file and the dotted key, no
  "Traceback", and OUTDIR never created. The subprocesses run concurrently.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dipsim.case import explain, load_case, normalise_case
from dipsim.errors import InputError
from dipsim.scenario import from_dict, load_scenario, to_dict
from dipsim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

DEFAULT_SCENARIO = to_dict(Scenario())
DEFAULT_CASE = {
    "area": {"intensive": True, "country": "england"},
    "offender": {"age": 31, "offence": "shoplifting", "previous_convictions": 1, "drug_use_profile": 3,
                 "known_drug_misuser": True, "resides_in_england": True},
    "events": {"drug_test": "positive", "attends_initial_assessment": True, "follow_up_assessment_arranged": True,
               "consents_to_share": True, "cps_authorises": True, "cps_condition": "three_session_follow_up",
               "sessions": ["attended", "missed_with_notice", "attended", "attended"], "review_gap_days": 4,
               "follow_up": "complied", "follow_up_max_days": 60, "follow_up_need_days": 30,
               "accepts_onward_referral": True},
    "card": {"title": "Dee", "narrative": "A shoplifter.", "questions": ["Why?", "When?"],
             "perspectives": ["police", "cjit"]},
}

# --------------------------------------------------------------------------- mutations


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


def _get(node, path):
    for k in path:
        node = node[k]
    return node


def dotted(path) -> str:
    return ".".join(str(k) for k in path)


BAD_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.sampled_from([10**400, -10**400, 2**63, 1e300, -1e300, 1e-300, 5e-324, float("nan"), float("inf"),
                     float("-inf"), -1, 0, 1, 0.5, 1.5, 24.0, 24.5, -0.0, 1e9, 1e9 + 1, 10**9 + 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["unlimited", "mon", "funday", "fixed", "lognormal", "annex_b", "wales", "callout", "", "yes",
                     "positive", "attended", "police", "shoplifting", "1e300", ".nan"]),
)
KEYS = st.one_of(
    st.sampled_from(["dist", "value", "mean", "sd", "low", "mode", "high", "days", "start", "end", "day", "hour",
                     "workers", "shifts", "attended", "theft", "possession", "extends", "name", "offence", "age"]),
    st.text(max_size=6), st.integers(-2, 3), st.none(), st.booleans(),
)
VALUES = st.recursive(BAD_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                           st.dictionaries(KEYS, inner, max_size=4)),
                      max_leaves=8)


def mutations(base: dict) -> st.SearchStrategy:
    """One mutation of ``base``: ("set", path, value), ("delete", path) or ("add", mapping path, key, value)."""
    paths = [p for p in _paths(base) if p]
    mappings = [p for p in _paths(base) if isinstance(_get(base, p), dict)]
    keyed = [p for p in paths if isinstance(_get(base, p[:-1]), dict)]
    return st.one_of(
        st.tuples(st.just("set"), st.sampled_from(paths), VALUES),
        st.tuples(st.just("delete"), st.sampled_from(keyed)),
        st.tuples(st.just("add"), st.sampled_from(mappings), KEYS, VALUES),
    )


def apply(raw: dict, mutation) -> bool:
    """Apply one mutation in place; False if an earlier mutation removed its place."""
    op, path = mutation[0], mutation[1]
    try:
        if op == "add":
            node = _get(raw, path)
            if not isinstance(node, dict):
                return False
            node[mutation[2]] = copy.deepcopy(mutation[3])
            return True
        parent = _get(raw, path[:-1])
        if op == "delete":
            if not isinstance(parent, dict) or path[-1] not in parent:
                return False
            del parent[path[-1]]
        else:
            if isinstance(parent, list) and not (-len(parent) <= path[-1] < len(parent)):
                return False
            if not isinstance(parent, (dict, list)) or (isinstance(parent, list) and not isinstance(path[-1], int)):
                return False
            parent[path[-1]] = copy.deepcopy(mutation[2])
        return True
    except (KeyError, IndexError, TypeError):
        return False


def where(mutation) -> tuple:
    """The mapping a mutation changed: an error must name a key at or under it."""
    return tuple(mutation[1]) if mutation[0] == "add" else tuple(mutation[1][:-1])


def write_yaml(path: Path, raw) -> bool:
    """Dump ``raw`` as a user's YAML file (False if YAML cannot represent it)."""
    try:
        text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError, TypeError):
        return False
    path.write_text(text, encoding="utf-8")
    return True


def check_one_line(exc: InputError, file: str) -> str:
    line = str(exc)
    assert line == exc.one_line() and line.strip() == line
    assert "\n" not in line and "\r" not in line and "Traceback" not in line, repr(line)
    assert exc.file == file and line.startswith(f"{file}: "), (line, file)
    return line


def key_under(exc: InputError, mapping: tuple, sep: str = ".") -> None:
    """A single mutation's error names a key at or under the mapping it changed (an impossible pair of case
    facts names each key, comma-separated: one of them)."""
    assert exc.key is not None, f"no key named for a change under {dotted(mapping) or 'the top level'}: {exc}"
    if mapping:
        m = dotted(mapping)
        assert any(key == m or key.startswith(m + sep) or key.startswith(m + "[") for key in exc.key.split(", ")), \
            (exc.key, m, str(exc))


# --------------------------------------------------------------------------- scenarios, in process


@settings(max_examples=300, **SETTINGS)
@given(muts=st.lists(mutations(DEFAULT_SCENARIO), min_size=1, max_size=3))
def test_mutated_scenario_loads_or_is_one_inputerror(muts):
    raw = copy.deepcopy(DEFAULT_SCENARIO)
    applied = [m for m in muts if apply(raw, m)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        for load, file in ((lambda: from_dict(raw, "fuzz.yaml"), "fuzz.yaml"),
                           (lambda: load_scenario(path), str(path))):
            if file != "fuzz.yaml" and not write_yaml(path, raw):
                continue
            try:
                sc = load()
            except InputError as exc:
                check_one_line(exc, file)
                if len(applied) == 1 and file == "fuzz.yaml":
                    key_under(exc, where(applied[0]))
            else:
                assert isinstance(sc, Scenario)


@settings(max_examples=150, **SETTINGS)
@given(data=st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(alphabet="{}[]:,-&*!|>'\"#%@?\\ \n\t abcdefmnorstuwxy0123456789.e+_", max_size=120).map(str.encode),
))
def test_garbage_bytes_are_one_inputerror(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "garbage.yaml"
        path.write_bytes(data)
        for load in (load_scenario, load_case):
            try:
                load(path)
            except InputError as exc:
                check_one_line(exc, str(path))


def test_extends_chains(tmp_path):
    """A bad value inherited through ``extends`` names its key and the file of the chain that sets
    it; a chain that loops, or leads to a directory, garbage or a list, names ``extends``."""
    (tmp_path / "c.yaml").write_text("cjit: {custody: {workers: -3}}\n")
    (tmp_path / "b.yaml").write_text("extends: c.yaml\nname: b\n")
    (tmp_path / "a.yaml").write_text("extends: b\n")
    with pytest.raises(InputError) as e:
        load_scenario(tmp_path / "a.yaml")
    assert e.value.file == str(tmp_path / "c.yaml") and e.value.key == "cjit.custody.workers"
    (tmp_path / "loop1.yaml").write_text("extends: loop2.yaml\n")
    (tmp_path / "loop2.yaml").write_text("extends: loop1.yaml\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "to_dir.yaml").write_text("extends: sub\n")
    (tmp_path / "to_garbage.yaml").write_text("extends: garbage.bin\n")
    (tmp_path / "garbage.bin").write_bytes(b"\x00\xff\x10")
    (tmp_path / "to_list.yaml").write_text("extends: [a.yaml]\n")
    for name in ("loop1", "to_dir", "to_garbage", "to_list"):
        with pytest.raises(InputError) as e:
            load_scenario(tmp_path / f"{name}.yaml")
        check_one_line(e.value, e.value.file)
        assert e.value.key == "extends", str(e.value)


# --------------------------------------------------------------------------- case files, in process


@settings(max_examples=400, **SETTINGS)
@given(muts=st.lists(mutations(DEFAULT_CASE), min_size=1, max_size=3))
def test_mutated_case_loads_or_is_one_inputerror_and_loaded_cases_explain(muts):
    raw = copy.deepcopy(DEFAULT_CASE)
    applied = [m for m in muts if apply(raw, m)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.yaml"
        for load, file in ((lambda: normalise_case(raw, "case.yaml"), "case.yaml"), (lambda: load_case(path), str(path))):
            if file != "case.yaml" and not write_yaml(path, raw):
                continue
            try:
                case = load()
            except InputError as exc:
                check_one_line(exc, file)
                if len(applied) == 1 and file == "case.yaml":
                    m = where(applied[0])
                    key_under(exc, m[:2])  # case keys are section.key, list items section.key[i]
            else:
                result = explain(case)
                assert result.disposal and isinstance(result.steps, list)


# --------------------------------------------------------------------------- the command line

ALL_DAYS = "[mon, tue, wed, thu, fri, sat, sun]"
BAD_SCENARIOS: dict[str, tuple[str | bytes | None, str | None]] = {
    # name: (file content; None = special, see below), the dotted key the error must name
    "wrong_type_workers": ("cjit: {custody: {workers: many}}\n", "cjit.custody.workers"),
    "wrong_type_bool_for_probability": ("people: {admits_offence: yes}\n", "people.admits_offence"),
    "wrong_type_text_for_bool": ("area: {intensive: maybe}\n", "area.intensive"),
    "wrong_type_list_for_number": ("decisions: {max_previous_convictions: [5]}\n", "decisions.max_previous_convictions"),
    "unknown_top_key": ("colour: red\n", "colour"),
    "unknown_nested_key": ("cjit: {custody: {wokers: 2}}\n", "cjit.custody.wokers"),
    "unknown_offence": ("arrivals: {arrests_per_day: {arson: 1.0}}\n", "arrivals.arrests_per_day.arson"),
    "section_none": ("cjit:\n", "cjit"),
    "section_list": ("people: [1, 2]\n", "people"),
    "section_scalar": ("sessions: 3\n", "sessions"),
    "nan": ("testing: {refusal_share: .nan}\n", "testing.refusal_share"),
    "infinity": ("decisions: {cps_decision_hours: .inf}\n", "decisions.cps_decision_hours"),
    "minus_infinity": ("follow_up: {cps_max_days: -.inf}\n", "follow_up.cps_max_days"),
    "huge_1e300_workers": ("cjit: {community: {workers: 1.0e+300}}\n", "cjit.community.workers"),
    "huge_1e300_in_distribution": ("assessment: {custody_hours: {dist: uniform, low: 0, high: 1.0e+300}}\n",
                                   "assessment.custody_hours.high"),
    "integer_beyond_float": (f"seed: {10**400}\n", "seed"),
    "negative_count": ("compliance: {max_rearrangements: -1}\n", "compliance.max_rearrangements"),
    "probability_above_one": ("decisions: {accepts_caution: 1.5}\n", "decisions.accepts_caution"),
    "probability_below_zero": ("people: {known_drug_misuser: [0.1, 0.2, -0.3, 0.4, 0.5]}\n",
                               "people.known_drug_misuser.2"),
    "shares_not_summing_to_one": (
        "compliance: {session_outcomes: {attended: 0.5, missed_with_notice: 0.1, missed_without_notice: 0.1,"
        " left_early: 0.1, intoxicated: 0.1, unacceptable_behaviour: 0.05}}\n", "compliance.session_outcomes"),
    "unknown_distribution": ("assessment: {custody_hours: {dist: gamma, shape: 2}}\n", "assessment.custody_hours"),
    "bad_distribution_parameters": ("sessions: {triage_minutes: {dist: triangular, low: 60, mode: 30, high: 90}}\n",
                                    "sessions.triage_minutes"),
    "shift_end_before_start": ("cjit: {custody: {shifts: [{days: [mon], start: 10, end: 9}]}}\n",
                               "cjit.custody.shifts.0.end"),
    "shift_end_equals_start": (f"cjit: {{community: {{shifts: [{{days: {ALL_DAYS}, start: 9, end: 9}}]}}}}\n",
                               "cjit.community.shifts.0.end"),
    "unknown_day": ("cjit: {custody: {shifts: [{days: [mon, funday], start: 9, end: 17}]}}\n",
                    "cjit.custody.shifts.0.days"),
    "bad_date_value": ("days: 2008-13-45\n", None),
    "bad_yaml": ("cjit: {custody: [\n", None),
    "deeply_nested_yaml": ("days: " + "[" * 5000 + "]" * 5000 + "\n", None),
    "binary_garbage": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff", None),
    "latin1_text": ("name: caf\xe9\n".encode("latin-1"), None),
    "top_level_list": ("- days: 5\n", None),
    "empty_file": ("", None),
    "comments_only": ("# nothing here\n", None),
    "extends_nowhere": ("extends: no_such_parent.yaml\n", "extends"),
    "extends_itself": ("extends: extends_itself.yaml\n", "extends"),
    "a_directory": (None, None),
    "missing_file": (None, None),
    "name_too_long": (None, None),
}
BAD_CASES: dict[str, tuple[str | bytes | None, str | None]] = {
    "case_wrong_type": ("offender: {offence: shoplifting, age: old}\n", "offender.age"),
    "case_unknown_key": ("offender: {offence: shoplifting, hair: red}\n", "offender.hair"),
    "case_missing_offence": ("offender: {age: 30}\n", "offender.offence"),
    "case_bad_session_event": ("offender: {offence: theft}\nevents: {sessions: [attended, danced]}\n",
                               "events.sessions[1]"),
    "case_nan_age": ("offender: {offence: theft, age: .nan}\n", "offender.age"),
    "case_bad_yaml": ("offender: {offence: [\n", None),
    "case_binary": (b"\x00\x01\x02", None),
    "case_missing_file": (None, None),
}


def _materialise(tmp: Path, name: str, content) -> Path:
    if name.endswith("a_directory"):
        (tmp / name).mkdir()
        return tmp / name
    if name.endswith("missing_file"):
        return tmp / f"{name}.yaml"
    if name == "name_too_long":
        return tmp / ("x" * 300 + ".yaml")
    path = tmp / f"{name}.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


ALL_BAD = {**BAD_SCENARIOS, **BAD_CASES}
CLI_SAMPLE = (
    "wrong_type_workers", "unknown_nested_key", "section_none", "section_list", "nan", "minus_infinity",
    "huge_1e300_workers", "integer_beyond_float", "negative_count", "probability_above_one",
    "shares_not_summing_to_one", "bad_distribution_parameters", "shift_end_before_start", "unknown_day",
    "bad_date_value", "bad_yaml", "deeply_nested_yaml", "binary_garbage", "empty_file", "extends_nowhere",
    "extends_itself", "a_directory", "missing_file", "name_too_long",
    "case_wrong_type", "case_bad_session_event", "case_binary", "case_missing_file",
)
"""A representative sample through the command line (a subprocess each); every file is checked in process."""


def _expected_in_line(line: str, name: str, path: Path) -> None:
    if name == "name_too_long":
        assert "x" * 50 in line, line
    else:
        assert str(path) in line, line
    key = ALL_BAD[name][1]
    if key is not None:
        assert f": {key}: " in line, (key, line)


@pytest.mark.parametrize("name", list(ALL_BAD))
def test_bad_file_is_one_inputerror(tmp_path, name):
    path = _materialise(tmp_path, name, ALL_BAD[name][0])
    load = load_case if name.startswith("case_") else load_scenario
    with pytest.raises(InputError) as e:
        load(path)
    line = check_one_line(e.value, e.value.file)
    _expected_in_line(line, name, path)
    assert e.value.key == ALL_BAD[name][1]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dipsim", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory):
    """Run every bad file through the CLI at once (a few at a time): name -> (path, outdir, result)."""
    tmp = tmp_path_factory.mktemp("fuzz_cli")
    jobs = {}
    for name in CLI_SAMPLE:
        path = _materialise(tmp, name, ALL_BAD[name][0])
        out = tmp / f"out_{name}"
        args = ["case", str(path)] if name.startswith("case_") else ["run", str(path), "--days", "5", "--out", str(out)]
        jobs[name] = (path, out, args)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(_run, args, tmp) for name, (_p, _o, args) in jobs.items()}
        return {name: (jobs[name][0], jobs[name][1], f.result()) for name, f in futures.items()}


@pytest.mark.parametrize("name", CLI_SAMPLE)
def test_cli_bad_file_exit_2_one_line_no_output(cli_results, name):
    path, out, res = cli_results[name]
    lines = res.stderr.splitlines()
    assert res.returncode == 2, (res.returncode, res.stderr[-2000:])
    assert "Traceback" not in res.stderr
    assert len(lines) == 1, res.stderr
    line = lines[0]
    assert line.startswith("dipsim: error: "), line
    _expected_in_line(line, name, path)
    assert not out.exists(), "bad input must not create the output directory"
    assert not any(p.name.startswith(f".{out.name}") for p in out.parent.iterdir()), "no partial output left behind"
    assert res.stdout == ""
