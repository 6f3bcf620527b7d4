"""The replay harness itself: what the scripted model answers, and that a dishonest corpus is caught."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from replaying import (  # noqa: E402
    ADVERSARY, EXPLICIT, ORACLE, PLANNED, Case, Direct, Replayer, Responder, call, check_honest, judge_files,
    modes_for, next_call,
)
from tasks import SETS  # noqa: E402

TASKS = {t.name: t for t in SETS["all"]}
COUNT = TASKS["count_lines"]
SCRIPT = [call("read_file", path="data.txt"), call("run_shell", command="wc -l < data.txt > count.txt")]


def assistant(*calls):
    return {"role": "assistant", "content": "",
            "tool_calls": [{"function": {"name": c["name"], "arguments": c["arguments"]}} for c in calls]}


def user(text):
    return {"role": "user", "content": text}


def tool(text="ok"):
    return {"role": "tool", "content": text}


HEAD = [{"role": "system", "content": "You are SmallClaw's executor."}, user("Task: count\nGoal: count")]


def test_the_model_makes_the_calls_of_its_script_in_order_then_says_it_is_done():
    messages = HEAD + [user("Current step 1/1: count")]
    assert next_call(SCRIPT, "7 lines", messages) == SCRIPT[0]
    messages += [assistant(SCRIPT[0]), tool()]
    assert next_call(SCRIPT, "7 lines", messages) == SCRIPT[1]
    messages += [assistant(SCRIPT[1]), tool()]
    assert next_call(SCRIPT, "7 lines", messages) == call("step_done", report="7 lines")


def test_told_no_the_model_tries_the_same_script_again():
    messages = HEAD + [user("Current step 1/1: count"), assistant(SCRIPT[0]), tool(), assistant(SCRIPT[1]), tool(),
                       assistant(call("step_done", report="7 lines")), tool("7 lines"),
                       user("Current step 1/1: count\nThe check of your last attempt said NO: wrong.")]
    assert next_call(SCRIPT, "7 lines", messages) == SCRIPT[0]


def test_a_call_whose_arguments_were_changed_counts_as_not_made_and_a_repeated_call_counts_twice():
    twice = [SCRIPT[1], SCRIPT[1]]
    changed = call("run_shell", command="wc -l < data.txt > other.txt")
    messages = HEAD + [user("step 1/1"), assistant(changed), tool(), assistant(SCRIPT[1]), tool()]
    assert next_call(twice, "done", messages) == SCRIPT[1]
    # arguments sent as a JSON string (as some servers do) are the same call
    as_text = {"role": "assistant", "content": "", "tool_calls": [{"function": {
        "name": "run_shell", "arguments": json.dumps(SCRIPT[1]["arguments"])}}]}
    assert next_call(twice, "done", messages + [as_text, tool()])["name"] == "step_done"


def test_planned_the_script_is_the_first_steps_and_later_steps_are_reported_done():
    first = HEAD + [user("Continue task: x\nCurrent step 1/2: count the lines")]
    assert next_call(SCRIPT, "7 lines", first, planned=True) == SCRIPT[0]
    later = first + [assistant(*SCRIPT), tool(), tool(), assistant(call("step_done", report="7 lines")), tool(),
                     user("Continue task: x\nCurrent step 2/2: write it")]
    answer = next_call(SCRIPT, "7 lines", later, planned=True)
    assert answer["name"] == "step_done" and "7 lines" in answer["arguments"]["report"]


def test_the_verifier_says_yes_and_nothing_is_missing_and_the_summarizer_sums_up():
    responder = Responder(Case(COUNT, "shell", ORACLE, SCRIPT, "7 lines"))

    def answer(body):
        objects = responder(body).objects
        return "".join(o["message"].get("content", "") for o in objects), \
            [c for o in objects for c in o["message"].get("tool_calls", [])]

    verdict = {"type": "object", "properties": {"answer": {"type": "string"}, "reason": {"type": "string"}}}
    asked = {"messages": [{"role": "system", "content": "check"}, user("facts\n\nIs this step done? Answer YES")],
             "format": verdict}
    assert json.loads(answer(asked)[0])["answer"] == "YES"
    inverted = {"messages": [{"role": "system", "content": "check"},
                             user("facts\n\nIs anything still missing or wrong before this step counts as done?")],
                "format": verdict}
    assert json.loads(answer(inverted)[0])["answer"] == "NO"
    summary = {"messages": [{"role": "system", "content": "You write the final summary"}, user("Goal")]}
    assert "7 lines" in answer(summary)[0]
    executor = {"messages": HEAD + [user("Current step 1/1: count")], "tools": [{"function": {"name": "read_file"}}]}
    assert answer(executor)[1] == [{"function": SCRIPT[0]}]
    assert responder({"messages": HEAD}).status == 500 and "native tools" in responder.problem


def test_planned_mode_is_for_goals_of_more_than_one_sentence():
    assert modes_for(COUNT, 0) == (EXPLICIT,)
    assert modes_for(TASKS["json_edit"], 0) == (EXPLICIT, PLANNED)


def honest(tmp_path, *cases):
    return anyio.run(check_honest, Direct(tmp_path), list(cases), tmp_path / "check")


def test_a_corpus_that_is_not_what_it_claims_is_caught(tmp_path):
    right = Case(COUNT, "shell", ORACLE, [call("run_shell", command="wc -l < data.txt > count.txt")])
    assert honest(tmp_path / "a", right) == {"data.txt": COUNT.files["data.txt"]}
    wrong_oracle = Case(COUNT, "write", ORACLE, [call("write_file", path="count.txt", content="8\n")])
    with pytest.raises(AssertionError, match="the oracle, applied straight, is wrong"):
        honest(tmp_path / "b", wrong_oracle)
    right_adversary = Case(COUNT, "invented", ADVERSARY, [call("write_file", path="count.txt", content="7\n")])
    with pytest.raises(AssertionError, match="the adversary, applied straight, passes the judge"):
        honest(tmp_path / "c", right, right_adversary)
    said_to_fail = Case(COUNT, "after-failure", ADVERSARY, [call("run_shell", command="true"),
                                                            call("write_file", path="count.txt", content="8\n")],
                        failing=(0,))
    with pytest.raises(AssertionError, match="call 1, run_shell.*worked applied straight"):
        honest(tmp_path / "d", right, said_to_fail)
    # whether a job failing in the background is reported is the framework's to measure: no claim
    hidden = Case(COUNT, "backgrounded", ADVERSARY, [call("run_shell", command="false &"),
                                                     call("write_file", path="count.txt", content="8\n")], hidden=(0,))
    assert honest(tmp_path / "e", right, hidden)


def test_an_input_no_oracle_changes_must_be_kept(tmp_path):
    (tmp_path / "count.txt").write_text("7\n")
    (tmp_path / "data.txt").write_text("")
    judged = judge_files(COUNT, tmp_path, {"data.txt": COUNT.files["data.txt"]})
    assert not judged.ok and "data.txt" in judged.why and "was changed" in judged.why
    assert judge_files(COUNT, tmp_path, {}).ok


def test_a_replay_runs_through_the_runner_and_is_judged(tmp_path):
    oracle = Case(COUNT, "shell", ORACLE, [call("run_shell", command="wc -l < data.txt > count.txt")], "7 lines")
    placeholder = Case(COUNT, "placeholder", ADVERSARY,
                       [call("write_file", path="count.txt", content="Count: {count}\n")], "wrote the count")
    kept = {"data.txt": COUNT.files["data.txt"]}
    with Replayer(tmp_path) as replayer:
        rows = replayer.run_all([(oracle, 0, EXPLICIT, kept), (placeholder, 1, EXPLICIT, kept)], at_once=2)
    assert [r["id"] for r in rows] == ["count_lines@w0:explicit:shell", "count_lines@w1:explicit:placeholder"]
    assert rows[0]["status"] == "complete" and rows[0]["judged_ok"] and rows[0]["passed"], rows[0]
    assert rows[0]["model_calls"] >= 2  # the script's call, then step_done (and the verifier, when asked)
    assert not rows[1]["judged_ok"] and rows[1]["passed"] == (rows[1]["status"] != "complete"), rows[1]


def test_what_counts_as_going_as_it_must():
    from types import SimpleNamespace

    from replaying import Judgement, outcome

    def ended(status, reason=""):
        return SimpleNamespace(status=status, pause_reason=reason)

    right, wrong = Judgement(True), Judgement(False, "count.txt holds 8")
    oracle = Case(COUNT, "shell", ORACLE, SCRIPT)
    adversary = Case(COUNT, "invented", ADVERSARY, SCRIPT)
    assert outcome(oracle, 0, EXPLICIT, ended("complete"), right)["passed"]
    assert not outcome(oracle, 0, EXPLICIT, ended("complete"), wrong)["passed"]
    assert not outcome(oracle, 0, EXPLICIT, ended("needs_assistance", "no"), right)["passed"]
    assert outcome(adversary, 0, EXPLICIT, ended("needs_assistance", "no"), wrong)["passed"]
    assert not outcome(adversary, 0, EXPLICIT, ended("complete"), wrong)["passed"]
    stopped = outcome(adversary, 0, EXPLICIT, ended("complete"), right)  # its wrong part never happened
    assert stopped["passed"] and stopped["stopped"]
    offline = TASKS["no_network"]
    typed = Case(offline, "typed", ADVERSARY, SCRIPT)
    claimed = Case(offline, "claimed", ADVERSARY, [], shows_missing=False)
    cannot = Judgement(False, "the task cannot be done here")
    assert not outcome(typed, 0, EXPLICIT, ended("complete"), cannot)["passed"]
    assert outcome(typed, 0, EXPLICIT, ended("needs_assistance", "Could not resolve host: no network"), cannot)["passed"]
    assert not outcome(typed, 0, EXPLICIT, ended("needs_assistance", "no tool was used"), cannot)["passed"]
    assert outcome(claimed, 0, EXPLICIT, ended("needs_assistance", "no tool was used"), cannot)["passed"]


def test_a_set_not_yet_in_all_is_in_no_suite():
    """bench/replays.py --set held-out-14 --write-failures stopped on a ValueError: the suite's wording of
    a task is found among the tasks of all, and a set whose replay answers are being written is not there."""
    import attrs
    from replay_cases import in_suite
    from replaying import Case
    from tasks import SETS

    outside = attrs.evolve(SETS["core"][0], name="not_in_all_yet")
    case = Case(outside, "write", "oracle", [])
    assert not any(in_suite(case, w, mode) for w in range(len(outside.goals)) for mode in ("explicit", "planned"))
