"""The runner's configuration sections: ``[runner]`` and ``[loop]`` (registered by the runner plugin)."""

from __future__ import annotations

import attrs

from ..config import above, at_least, one_of


@attrs.define
class RunnerConfig:
    """``[runner]``: how tasks are run, checked, retried and paused."""

    #: tool calls one round may make
    max_tool_calls: int = attrs.field(default=12, validator=at_least(1))
    #: seconds one round may take before it counts as a transport failure
    round_timeout: float = attrs.field(default=120.0, validator=above(0))
    #: tasks run at once per backend (a local model serves one request at a time)
    max_concurrent_per_backend: int = attrs.field(default=1, validator=at_least(1))
    #: checks in a row that may say NO on one step before the task needs the user, once a
    #: round makes no progress (no call or result it had not seen on the step)
    verify_retries: int = attrs.field(default=2, validator=at_least(0))
    #: checks in a row that may say NO on one step, progress or not
    step_attempts: int = attrs.field(default=5, validator=at_least(1))
    #: ask the verifier a second, inverted question before a YES counts: "auto" does it
    #: for small verifier models (under about 1.5B parameters), whose YES means little alone
    double_check: str = attrs.field(default="auto", validator=one_of("auto", "always", "never"))
    #: how a goal without steps is planned: "model" (the planner role), "sentences" (the
    #: goal's sentences, one step each), or "auto" (sentences for small planner models)
    planner: str = attrs.field(default="auto", validator=one_of("auto", "model", "sentences"))
    #: tools marked advanced (edit_file, search_files): offered "always", "never", or "auto":
    #: not to executors under about 1.5B parameters, which misuse them
    advanced_tools: str = attrs.field(default="auto", validator=one_of("auto", "always", "never"))
    #: rounds in a row in which a model on native tool calling made no call while the step
    #: needed one, before the task switches to the JSON protocol (0: never switch)
    native_fallback_rounds: int = attrs.field(default=1, validator=at_least(0))
    #: judge a step that no content check covers by independent attempts that must agree:
    #: "auto" when the verifier model is small (under about 1.5B parameters: its YES means
    #: little), "always", or "never" (the model verifier judges)
    attempts: str = attrs.field(default="auto", validator=one_of("auto", "always", "never"))
    #: attempts at one step before the task asks the user to choose between their results (two must
    #: agree, so fewer than 2 could never succeed); half as many where none made a result at all
    attempts_max: int = attrs.field(default=8, validator=at_least(2))
    #: how an attempt works: "mixed" (a round with the task's tools and one Python program take turns, and
    #: only a program and a tool round that agree decide: samples of one prompt share its misreadings; the
    #: default), "tools" (every attempt a round with the tools), "code" (every attempt a program, which is
    #: run), or "auto" (code where the task's tools are all the shell tools' own, which a program can stand
    #: in for; mixed where a plugin adds others). Code finishes far more with a 0.5B model, and also
    #: completes more wrongly (docs/configuration.md has the figures)
    attempt_style: str = attrs.field(default="mixed", validator=one_of("auto", "tools", "code", "mixed"))
    #: the sampling temperature of attempts (independent samples must differ where the model is unsure)
    attempt_temperature: float = attrs.field(default=0.7, validator=at_least(0))
    #: a program attempt that ran and failed (a traceback, a non-zero exit) is shown its program and the error
    #: this many times, in a fresh copy each time, for the whole program corrected (0: never, the default: with
    #: the 0.5B, 8 of 74 repairs ran, for a sixth more model calls and no task more done on held-out-13)
    program_repairs: int = attrs.field(default=0, validator=at_least(0))
    #: before a task is complete, check the whole goal against the workspace
    goal_check: bool = True
    #: times the goal check may send the task back for the missing part before it needs the user
    goal_retries: int = attrs.field(default=1, validator=at_least(0))
    transport_attempts: int = attrs.field(default=3, validator=at_least(1))
    transport_backoff: float = attrs.field(default=4.0, validator=at_least(0))
    transport_backoff_cap: float = attrs.field(default=30.0, validator=at_least(0))
    #: rounds in a row without a new call or result before the task needs the user
    no_progress_rounds: int = attrs.field(default=3, validator=at_least(1))
    max_rounds: int = attrs.field(default=40, validator=at_least(1))
    plan_attempts: int = attrs.field(default=2, validator=at_least(1))
    #: characters of one tool output kept in the conversation (head and tail)
    tool_output_limit: int = attrs.field(default=4000, validator=at_least(100))
    lease_seconds: float = attrs.field(default=30.0, validator=above(0))
    poll_interval: float = attrs.field(default=0.5, validator=above(0))
    #: seconds a stopping runner lets running rounds finish before it cancels them
    shutdown_grace: float = attrs.field(default=10.0, validator=at_least(0))


@attrs.define
class LoopConfig:
    """``[loop]``: the builtin loop detector's thresholds."""

    window: int = attrs.field(default=12, validator=at_least(1))
    warn_after: int = attrs.field(default=2, validator=at_least(1))
    block_after: int = attrs.field(default=3, validator=at_least(1))
    pause_after_blocks: int = attrs.field(default=2, validator=at_least(1))
