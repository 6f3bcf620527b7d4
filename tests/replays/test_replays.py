"""Oracle and adversary replays of every task of bench/tasks.py, through the real runner: one test a case.

Each case is a scripted model's calls for one task, one wording and one mode
(``bench/replay_cases.py``), replayed through the public path by ``bench/replaying.py``:
an app, the runner, the shell tools and the Ollama backend talking to ``OllamaStandIn``
(a test double of Ollama's API) whose verifier always says YES. An oracle must end
``complete`` with files the task's judge passes; an adversary must never end complete.

The cases are run together, several at once, the first time one of them is asked for;
each test then reads its own result. Cases that fail today are listed in
``known_failures.txt`` and expected to fail (strictly: a case that passes fails its test,
so that its line is deleted). See docs/verification.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from replay_cases import cases_for, describe, every_task, in_suite  # noqa: E402
from replaying import Replayer, case_id, check_corpus, modes_for  # noqa: E402

KNOWN_FAILURES = Path(__file__).with_name("known_failures.txt")
AT_ONCE = 4


def suite() -> dict[str, tuple]:
    """The cases of the test suite, by id (see ``in_suite``)."""
    chosen = {}
    for task in every_task():
        for w in range(len(task.goals)):
            for case in cases_for(task, w):
                for mode in modes_for(task, w):
                    if in_suite(case, w, mode):
                        chosen[case_id(case, w, mode)] = (case, w, mode)
    return chosen


def known_failures() -> dict[str, str]:
    """{case id: the reason it failed when it was listed}, from known_failures.txt."""
    found = {}
    for line in KNOWN_FAILURES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.strip().partition(" ")
            found[name] = reason.strip()
    return found


SUITE = suite()
KNOWN = known_failures()


def _param(name: str):
    if name in KNOWN:
        return pytest.param(name, id=name, marks=pytest.mark.xfail(strict=True, reason=KNOWN[name][:200]))
    return pytest.param(name, id=name)


class Results:
    """The replays asked for in this session, run together the first time one is needed."""

    def __init__(self, session: pytest.Session, root: Path):
        self.session = session
        self.root = root
        self._checked: dict[str, dict[str, str] | str] | None = None
        self._rows: dict[str, dict] | None = None

    def _wanted(self, param: str) -> list[str]:
        return list(dict.fromkeys(item.callspec.params[param] for item in self.session.items
                                  if getattr(item, "callspec", None) and param in item.callspec.params))

    def checked(self, task: str) -> dict[str, str] | str:
        """The task's ``kept`` files, or what is dishonest about its cases (see ``check_corpus``)."""
        if self._checked is None:
            names = set(self._wanted("task")) | {SUITE[n][0].task.name for n in self._wanted("replay")}
            tasks = {t.name: t for t in every_task() if t.name in names}
            self._checked = check_corpus({name: [c for w in range(len(t.goals)) for c in cases_for(t, w)]
                                          for name, t in tasks.items()}, self.root / "honest", AT_ONCE)
        return self._checked[task]

    def row(self, name: str) -> dict | None:
        """What happened to the case, or None when its task's cases are not what they claim."""
        if self._rows is None:
            runnable = []
            for other in self._wanted("replay"):
                case, w, mode = SUITE[other]
                kept = self.checked(case.task.name)
                if not isinstance(kept, str):
                    runnable.append((case, w, mode, kept))
            with Replayer(self.root / "runs") as replayer:
                self._rows = {row["id"]: row for row in replayer.run_all(runnable, AT_ONCE)}
        return self._rows.get(name)


@pytest.fixture(scope="session")
def replays(request, tmp_path_factory) -> Results:
    return Results(request.session, tmp_path_factory.mktemp("replays"))


@pytest.mark.parametrize("task", [t.name for t in every_task()])
def test_the_corpus_is_what_it_claims(replays, task):
    """Applied straight with the real tools: oracles pass the task's judge, adversaries fail it, calls fail as said."""
    kept = replays.checked(task)
    assert not isinstance(kept, str), kept


@pytest.mark.parametrize("replay", [_param(name) for name in SUITE])
def test_replay(replays, replay):
    case, wording, mode = SUITE[replay]
    row = replays.row(replay)
    assert row is not None, f"the corpus is not what it claims: {replays.checked(case.task.name)}"
    expected = "complete, and right" if case.kind == "oracle" and case.task.feasible else "not complete"
    assert row["passed"], (f"{row['why']}\n(expected {expected}; it ended {row['status']} after {row['rounds']} "
                           f"rounds)\ncalls:\n{describe(case)}")


def test_every_known_failure_is_a_case_of_the_suite():
    unknown = sorted(set(KNOWN) - set(SUITE))
    assert not unknown, f"known_failures.txt lists cases the suite does not have: {unknown[:10]}"
