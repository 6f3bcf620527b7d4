"""The runner with a scripted model (a test double): rounds, verification, retries, loops, pause/resume."""

from __future__ import annotations

import anyio
import pytest

from smallclaw_core import ToolError, TransportError, hookimpl, tool
from smallclaw_core.runner import Runner
from smallclaw_core.tasks import Origin
from smallclaw_core.testing import call, outage, plan, verdict

_counter = {"n": 0}


@tool
def add(a: int, b: int) -> str:
    """Add two numbers."""
    return str(a + b)


@tool
def poll() -> str:
    """Report progress of a job."""
    _counter["n"] += 1
    return f"progress {_counter['n']}0%"


@tool
def look(path: str) -> str:
    """Look at a path."""
    return f"contents of {path}"


@tool(side_effects=True)
def jam(path: str) -> str:
    """Jam a path (a call with side effects that fails for a.txt)."""
    if path == "a.txt":
        raise ToolError(f"{path} is stuck")
    return f"jammed {path}"


class Tools:
    @hookimpl
    def register_tools(self, register):
        register(add)
        register(poll)
        register(look)
        register(jam)


def run(app, timeout=20):
    anyio.run(lambda: Runner(app).run_until_idle(timeout))


@pytest.fixture
def app_model(make_app):
    return make_app(plugins=[Tools()], only=["runner"])


def test_multi_step_task_completes_and_delivers_once(app_model):
    app, model = app_model
    model.enqueue_for("verifier", verdict(True), verdict(True), verdict(True))
    model.enqueue_for("summarizer", "Added 1 and 2, then 3 and 4.")
    model.enqueue_for("executor", call("add", a=1, b=2), "1+2=3", call("add", a=3, b=4), "3+4=7", "reported")
    task = app.tasks.create("add numbers", ["add 1 and 2", "add 3 and 4", "report"],
                            origin=Origin("web", "web_s1"))
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete"
    # facts first (nothing changed a file; the model's YES is all that accepted each step), then the words
    assert task.summary == ("Files changed: none\n"
                            + "".join(f"Step {i}: judged done by the verifier model, with no check run (the step is "
                                      "done)\n" for i in (1, 2, 3))
                            + "\nAdded 1 and 2, then 3 and 4.")
    assert [s.state for s in task.steps] == ["done", "done", "done"]
    kinds = [e.kind for e in app.store.journal(task.id)]
    assert kinds.count("step_done") == 3 and kinds.count("summary") == 1
    results = [e.data["result"] for e in app.store.journal(task.id) if e.kind == "tool_result"]
    assert results == ["3", "7"]
    delivered = [r for r in app.sessions.records("web_s1") if r.get("delivery")]
    assert len(delivered) == 1 and "Added 1 and 2" in delivered[0]["message"]["content"]
    # running again delivers nothing more
    run(app)
    assert len([r for r in app.sessions.records("web_s1") if r.get("delivery")]) == 1


def test_lying_model_pauses_then_resume_with_note_completes(app_model):
    app, model = app_model
    model.enqueue_for("executor", "Done! I wrote the report.", "Done, really.")
    model.enqueue_for("verifier", verdict(False, "no tool was used, nothing was written."),
                      verdict(False, "still no evidence of a report."))
    task = app.tasks.create("write a report", ["write report.md"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    assert "not done" in task.pause_reason and "still no evidence" in task.pause_reason
    # the second round saw the first NO
    second = model.requests_for("executor")[1]
    assert "no tool was used" in second.messages[-1].content
    app.tasks.resume(task.id, "use the add tool to compute 2+2 first")
    model.enqueue_for("executor", call("add", a=2, b=2), "computed 4 and wrote it")
    model.enqueue_for("verifier", verdict(True, "the tool result shows 4."))
    model.enqueue_for("summarizer", "Wrote the report.")
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete"
    assert "use the add tool" in model.requests_for("executor")[2].messages[-1].content
    assert task.resume_context == ["use the add tool to compute 2+2 first"]
    assert any(e.kind == "resume" and e.data["note"] for e in app.store.journal(task.id))


def test_transport_outage_of_two_recovers(app_model):
    app, model = app_model
    model.enqueue_for("executor", *outage(2), "done")
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["s"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete"
    errors = [e for e in app.store.journal(task.id) if e.kind == "error"]
    assert [e.data["attempt"] for e in errors] == [1, 2]


def test_transport_outage_beyond_cap_pauses_then_resume_completes(app_model):
    app, model = app_model
    model.enqueue_for("executor", *outage(3))
    task = app.tasks.create("g", ["s"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    assert "could not be reached after 3 attempts" in task.pause_reason
    app.tasks.resume(task.id)
    model.enqueue_for("executor", "done")
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "ok")
    run(app)
    assert app.store.get(task.id).status == "complete"


def test_unreachable_verifier_never_counts_as_yes(app_model):
    app, model = app_model
    model.enqueue_for("executor", "done")
    model.enqueue_for("verifier", *outage(3))
    task = app.tasks.create("g", ["s"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    assert task.steps[0].state != "done"
    assert "verifier could not be reached" in task.pause_reason


def test_a_failing_call_repeated_ends_the_round_instead_of_running_again(app_model):
    app, model = app_model
    model.enqueue_for("executor", *[call("jam", path="a.txt") for _ in range(10)], "done")
    task = app.tasks.create("g", ["jam a.txt"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    journal = app.store.journal(task.id)
    results = [e.data["result"] for e in journal if e.kind == "tool_result"]
    assert results[0].startswith("Error: a.txt is stuck")
    # the same call right after it failed would fail again: not run, the step is checked instead
    assert results[1].startswith("Not run: that just failed, and would fail the same way. The step is checked now")
    assert sum(1 for r in results if r.startswith("Error: a.txt is stuck")) <= 3  # once a round at most
    assert len([e for e in journal if e.kind == "tool_call"]) < 10


def test_a_write_repeated_right_after_it_worked_ends_the_round_instead_of_running_twice(app_model):
    app, model = app_model
    model.enqueue_for("executor", call("jam", path="b.txt"), call("jam", path="b.txt"))
    model.enqueue_for("verifier", verdict(True, "b.txt was jammed."))
    model.enqueue_for("summarizer", "Jammed b.txt.")
    task = app.tasks.create("g", ["jam b.txt"])
    run(app)
    assert app.store.get(task.id).status == "complete"
    results = [e.data["result"] for e in app.store.journal(task.id) if e.kind == "tool_result"]
    assert results == ["jammed b.txt", "Not run: that just succeeded. The step is checked now with what the "
                                       "tools did so far; if it is done, call step_done next time."]


def test_a_repeated_read_only_call_ends_the_round_for_a_check_instead_of_a_loop_pause(app_model):
    app, model = app_model
    model.enqueue_for("executor", *[call("look", path="a.txt") for _ in range(10)])
    model.enqueue_for("verifier", verdict(True, "the contents of a.txt were shown."))
    model.enqueue_for("summarizer", "Looked at a.txt.")
    task = app.tasks.create("g", ["look at a.txt"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    journal = app.store.journal(task.id)
    results = [e.data["result"] for e in journal if e.kind == "tool_result"]
    assert sum(1 for r in results if r.startswith("contents of")) == 2  # two real runs, then the round ended
    assert results[2].startswith("Not run: you already have this result")
    assert any(e.kind == "error" and e.data.get("action") == "end" for e in journal)
    assert len(model.requests_for("executor")) == 3


def test_ping_pong_is_caught(app_model):
    app, model = app_model
    model.enqueue_for("executor", *[call("look", path=p) for p in "abababababab"], "done")
    task = app.tasks.create("g", ["look"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    results = [e.data["result"] for e in app.store.journal(task.id) if e.kind == "tool_result"]
    assert any("alternating" in r for r in results)
    assert sum(1 for r in results if r.startswith("contents of")) <= 5


def test_polling_that_progresses_is_not_a_loop(app_model):
    app, model = app_model
    _counter["n"] = 0
    model.enqueue_for("executor", *[call("poll") for _ in range(8)], "the job finished")
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["wait for the job"], )
    app.config.runner.max_tool_calls = 12
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete"
    results = [e.data["result"] for e in app.store.journal(task.id) if e.kind == "tool_result"]
    assert len(results) == 8 and all(r.startswith("progress") for r in results)


def test_prefix_stability_within_a_task(app_model):
    app, model = app_model
    model.enqueue_for("executor", call("add", a=1, b=1), call("look", path="x"), "step 1 done",
                      "not yet", call("add", a=5, b=5), "step 2 done")
    model.enqueue_for("verifier", verdict(True), verdict(False, "show the sum."), verdict(True))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["one", "two"])
    run(app)
    assert app.store.get(task.id).status == "complete"
    requests = model.requests_for("executor")
    assert len(requests) == 6
    for before, after in zip(requests, requests[1:]):
        assert after.messages[: len(before.messages)] == before.messages
        assert len(after.messages) > len(before.messages)
    # the system prompt and tool schemas never change within a task
    assert len({r.messages[0].content for r in requests}) == 1
    assert len({tuple(t.name for t in r.tools) for r in requests}) == 1


def test_goal_alone_is_planned(app_model):
    app, model = app_model
    model.enqueue_for("planner", plan("compute 2+3", "report the sum"))
    model.enqueue_for("executor", call("add", a=2, b=3), "5", "the sum is 5")
    model.enqueue_for("verifier", verdict(True), verdict(True))
    model.enqueue_for("summarizer", "The sum is 5.")
    task = app.tasks.create("add 2 and 3 and tell me")
    run(app)
    task = app.store.get(task.id)
    assert [s.description for s in task.steps] == ["compute 2+3", "report the sum"]
    assert task.status == "complete"
    assert any(e.kind == "plan_change" and e.data["by"] == "planner" for e in app.store.journal(task.id))


def test_unparsable_plan_is_retried_then_pauses_asking_for_a_plan(app_model):
    app, model = app_model
    model.enqueue_for("planner", "Sure! First I will think.", '{"steps": []}')
    task = app.tasks.create("do something vague")
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    assert "could not make a plan" in task.pause_reason
    assert len(model.requests_for("planner")) == 2
    # the user gives the plan, resumes, and it runs
    app.tasks.edit_plan(task.id, ["just do it"])
    app.tasks.resume(task.id)
    model.enqueue_for("executor", "did it")
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "ok")
    run(app)
    assert app.store.get(task.id).status == "complete"


def test_user_pause_takes_effect_at_the_round_boundary(app_model):
    app, model = app_model
    task = app.tasks.create("g", ["one", "two"])

    def first_round(request):
        app.tasks.pause(task.id)  # requested while the round runs
        return "step one done"

    model.enqueue_for("executor", first_round)
    model.enqueue_for("verifier", verdict(True))
    run(app)
    task = app.store.get(task.id)
    assert task.status == "paused"
    assert task.current_step == 1 and task.steps[0].state == "done"
    app.tasks.resume(task.id)
    model.enqueue_for("executor", "step two done")
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "ok")
    run(app)
    assert app.store.get(task.id).status == "complete"


def test_cancel_abandons_an_in_flight_model_call(app_model):
    app, model = app_model
    task = app.tasks.create("g", ["one"])

    async def slow(request):
        await anyio.sleep(30)
        return "never"

    model.enqueue_for("executor", slow)

    async def scenario():
        runner = Runner(app)
        async with anyio.create_task_group() as tg:
            tg.start_soon(runner.run_until_idle, 20)
            await anyio.sleep(0.5)
            app.tasks.cancel(task.id)
            with anyio.fail_after(5):
                while runner.active:
                    await anyio.sleep(0.05)

    anyio.run(scenario)
    assert app.store.get(task.id).status == "cancelled"


def test_side_effect_without_result_pauses_instead_of_rerunning(app_model):
    app, model = app_model
    task = app.tasks.create("g", ["write a file"])
    # the journal of a runner that died while a side-effecting tool ran
    app.tasks.update(task.id, lambda t: t.set_status("running"))
    app.tasks.journal(task.id, "tool_call", {"id": "r1.1", "name": "write_file", "arguments": {"path": "a"},
                                             "side_effects": True})
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    assert "write_file" in task.pause_reason and "may or may not" in task.pause_reason
    assert model.history == []  # nothing was re-run
    app.tasks.resume(task.id, "it did not run; do it again")
    model.enqueue_for("executor", "wrote it")
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "ok")
    run(app)
    assert app.store.get(task.id).status == "complete"


def test_long_tool_output_is_cut_to_head_and_tail(make_app):
    @tool
    def big() -> str:
        """Produce a lot of output."""
        return "HEAD" + "x" * 50_000 + "TAIL"

    class P:
        @hookimpl
        def register_tools(self, register):
            register(big)

    app, model = make_app(plugins=[P()], only=["runner"])
    model.enqueue_for("executor", call("big"), "done")
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "ok")
    app.tasks.create("g", ["s"])
    run(app)
    tool_message = model.requests_for("executor")[1].messages[-1]
    assert tool_message.role == "tool"
    assert tool_message.content.startswith("HEAD") and tool_message.content.endswith("TAIL")
    assert "characters cut" in tool_message.content
    assert len(tool_message.content) < 4200


def test_no_progress_rounds_pause(app_model):
    app, model = app_model
    app.config.runner.verify_retries = 10
    app.config.runner.no_progress_rounds = 3
    model.enqueue_for("executor", *["working on it"] * 5)
    model.enqueue_for("verifier", *[verdict(False, "nothing happened.")] * 5)
    task = app.tasks.create("g", ["s"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    assert "no progress" in task.pause_reason


def test_the_same_call_and_result_each_round_is_no_progress(app_model):
    # each round looks at the same path and gets the same result: rounds after the
    # first add nothing new, so the task pauses after ``no_progress_rounds`` of them
    app, model = app_model
    app.config.runner.verify_retries = 10
    app.config.runner.no_progress_rounds = 2
    rounds = []
    for _ in range(6):
        rounds += [call("look", path="a.txt"), "looked"]
    model.enqueue_for("executor", *rounds)
    model.enqueue_for("verifier", *[verdict(False, "not yet.")] * 6)
    task = app.tasks.create("g", ["s"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    assert task.pause_reason.startswith("no progress in 2 rounds")
    assert task.rounds == 3
    assert len(task.counters.seen) == 1  # one call, one result: one fingerprint


def test_round_cap_pauses(app_model):
    app, model = app_model
    app.config.runner.max_rounds = 2
    app.config.runner.verify_retries = 10
    _counter["n"] = 0
    model.enqueue_for("executor", call("poll"), "a", call("poll"), "b")
    model.enqueue_for("verifier", verdict(False, "x."), verdict(False, "y."))
    task = app.tasks.create("g", ["s"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance" and "2 rounds" in task.pause_reason


def test_notifiers_are_called_and_delivery_is_journaled(make_app):
    seen = []

    class Recorder:
        name = "recorder"

        async def notify(self, n):
            seen.append((n.kind, n.task_id, n.text))

    class P:
        @hookimpl
        def register_notifiers(self, register):
            register(Recorder())

    app, model = make_app(plugins=[P()], only=["runner"])
    model.enqueue_for("executor", "done")
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "All good.")
    task = app.tasks.create("g", ["s"])
    run(app)
    assert seen == [("complete", task.id, "Task complete: g\n\nFiles changed: none\nStep 1: judged done by the "
                                          "verifier model, with no check run (the step is done)\n\nAll good.")]
    phases = [e.data["phase"] for e in app.store.journal(task.id) if e.kind == "delivery"]
    assert phases == ["start", "done"]


def test_failing_notifier_is_retried_without_blocking(make_app):
    calls = []

    class Flaky:
        name = "flaky"

        async def notify(self, n):
            calls.append(n.key)
            if len(calls) == 1:
                raise TransportError("down")

    class P:
        @hookimpl
        def register_notifiers(self, register):
            register(Flaky())

    app, model = make_app(plugins=[P()], only=["runner"])
    model.enqueue_for("executor", "done")
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["s"])

    async def scenario():
        runner = Runner(app)
        with anyio.move_on_after(3):
            await runner.run()

    anyio.run(scenario)
    assert len(calls) == 2 and calls[0] == calls[1]
    assert app.store.get(task.id).pending_deliveries == []


def test_changes_from_another_process_are_noticed(app_model, home):
    from smallclaw_core.app import App

    app, model = app_model
    runner = Runner(app)
    runner.recover()
    other = App.load(home)  # stands for the CLI in another process
    created = other.tasks.create("from the cli", ["s"])
    events = []

    async def scenario():
        sub, _ = app.bus.subscribe()
        runner.watch_once()
        while (e := await sub.get(timeout=0.2)) is not None:
            events.append(e)

    anyio.run(scenario)
    assert any(e.type == "task" and e.task_id == created.id for e in events)
    assert any(e.type == "journal" and e.task_id == created.id for e in events)


def test_conversation_is_compacted_at_a_step_boundary_when_the_window_fills(make_app):
    @tool
    def dump() -> str:
        """Print a long report."""
        return "line of output\n" * 250

    class P:
        @hookimpl
        def register_tools(self, register):
            register(dump)

    app, model = make_app(plugins=[P()], only=["runner"], models={"num_ctx": 2048})
    model.enqueue_for("executor", call("dump"), "dumped once", call("dump"), "dumped twice", "finished")
    model.enqueue_for("verifier", verdict(True), verdict(True), verdict(True))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["one", "two", "three"])
    run(app)
    assert app.store.get(task.id).status == "complete"
    requests = model.requests_for("executor")
    last = requests[-1].messages
    assert any("Summary of the work so far" in m.content for m in last)
    assert last[0] == requests[0].messages[0]  # the system prompt stays
    assert sum(len(m.content) for m in last) < sum(len(m.content) for m in requests[-2].messages)
    assert any(e.kind == "note" and "compacted" in e.data.get("message", "") for e in app.store.journal(task.id))


def test_resume_after_a_loop_pause_gives_the_model_a_fresh_start(app_model):
    app, model = app_model
    model.enqueue_for("executor", *[call("jam", path="a.txt") for _ in range(4)])
    task = app.tasks.create("g", ["jam a.txt"])
    run(app)
    paused = app.store.get(task.id)
    assert paused.status == "needs_assistance"
    # two rounds, each a failed call and its repeat ended; the second round adds nothing new
    assert paused.pause_reason.startswith("step 1 was checked 2 times and is not done")
    assert not model.role_queues["executor"]
    app.tasks.resume(task.id, "jam b.txt instead")
    model.enqueue_for("executor", call("jam", path="a.txt"), call("jam", path="b.txt"), "b.txt jammed")
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "ok")
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    results = [e.data["result"] for e in app.store.journal(task.id) if e.kind == "tool_result"]
    assert results[-2] == "Error: a.txt is stuck"  # run again after the resume, not blocked


def test_double_check_stops_a_verifier_that_says_yes_to_everything(app_model):
    app, model = app_model
    app.config.runner.double_check = "always"
    model.enqueue_for("executor", "I did it.", "I did it again.")
    model.enqueue_for("verifier", *[verdict(True, "looks done.")] * 4)  # YES to both questions
    task = app.tasks.create("g", ["write report.md"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    assert "not sure the step is done" in task.pause_reason
    questions = [r.messages[-1].content for r in model.requests_for("verifier")]
    assert "Is anything still missing" in questions[1]


def test_double_check_accepts_a_consistent_yes(app_model):
    app, model = app_model
    app.config.runner.double_check = "always"
    model.enqueue_for("executor", call("add", a=1, b=1), "2")
    model.enqueue_for("verifier", verdict(True, "the sum is shown."), verdict(False, "nothing is missing."))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["add 1 and 1"])
    run(app)
    assert app.store.get(task.id).status == "complete"


def test_small_models_are_double_checked_by_default():
    from smallclaw_core import ModelInfo
    from smallclaw_core.runner.roles import is_small_model

    assert is_small_model(ModelInfo("default", "llamacpp", size=98_000_000))
    assert not is_small_model(ModelInfo("qwen3:4b", "ollama", size=2_500_000_000))
    assert is_small_model(ModelInfo("qwen2.5:0.5b", "ollama", details={"parameter_size": "494.03M"}))
    assert not is_small_model(ModelInfo("qwen3:4b", "ollama", details={"parameter_size": "4.0B"}))
    assert not is_small_model(ModelInfo("test", "scripted"))


def test_an_echoed_reason_is_replaced_by_a_useful_one():
    from smallclaw_core.runner.roles import meaningful_reason

    assert meaningful_reason("one sentence", "fallback") == "fallback"
    assert meaningful_reason("yes", "fallback") == "fallback"
    assert meaningful_reason("The file report.md was written.", "fallback") == "The file report.md was written."


def test_a_step_advanced_just_before_a_crash_gets_its_step_done_record(app_model):
    """A runner killed after writing that the round advanced the step, before journaling step_done:
    the next drive journals it, once."""
    app, model = app_model
    task = app.tasks.create("add numbers", ["add 1 and 2", "report"])
    entry = app.tasks.journal(task.id, "verification", {"passed": True, "reason": "1+2=3", "source": "model",
                                                        "step": 0}, step=0, round=1)

    def advanced(t):
        t.steps[0].state, t.steps[1].state = "done", "running"
        t.current_step, t.rounds, t.last_round_seq = 1, 1, entry.seq

    app.tasks.update(task.id, advanced)
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("executor", "reported")
    model.enqueue_for("summarizer", "Added them.")
    run(app)
    assert app.store.get(task.id).status == "complete"
    assert [e.data["step"] for e in app.store.journal(task.id) if e.kind == "step_done"] == [0, 1]


def test_a_one_step_task_that_asks_no_question_is_not_done_by_words_alone(make_app):
    """A task that cannot be done here, "Cancel my subscription to the Daily Courier", answered
    "cancelled it" with no call: the words name no action a tool does, and a verifier that says YES
    to anything took the model's word. A task that is that one step did nothing, so the step is not
    done; a question answered in words, and a later step that reports on what earlier ones did, are."""
    def runner_app():
        return make_app(only=["runner", "shell_tools"], shell={"policy": "allow"}, runner={"attempts": "never"})

    app, model = runner_app()
    model.enqueue_for("executor", *["I cancelled your Daily Courier subscription."] * 6)
    model.enqueue_for("verifier", *[verdict(True)] * 6)
    goal = "Cancel my subscription to the Daily Courier newspaper."
    task = app.tasks.create(goal, [goal])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance" and "no tool was used" in task.pause_reason, task.pause_reason

    app, model = runner_app()
    model.enqueue_for("executor", "A CSV file holds rows of values separated by commas.")
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "Explained.")
    asked = app.tasks.create("What is a CSV file, in one sentence?", ["What is a CSV file, in one sentence?"])
    run(app)
    assert app.store.get(asked.id).status == "complete", app.store.get(asked.id).pause_reason

    app, model = runner_app()
    model.enqueue_for("executor", call("run_shell", command="echo 5 > sum.txt"), call("step_done", report="ok"),
                      "Hooray! The sum is 5.")
    model.enqueue_for("verifier", *[verdict(True)] * 3)
    model.enqueue_for("summarizer", "The sum is 5.")
    later = app.tasks.create("sum", ["Put 5 in sum.txt with a command", "Cheer, then tell me the number"])
    run(app)
    assert app.store.get(later.id).status == "complete", "\n".join(
        f"{e.kind} {e.data}" for e in app.store.journal(later.id))
