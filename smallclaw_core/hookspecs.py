"""Every extension point of SmallClaw, in one place.

Registry hooks receive a ``register`` callback rather than returning values, so the
host records which plugin contributed what, rejects duplicate names with a clear
error and can list everything in ``smallclaw plugins``. Hooks run synchronously;
keep them cheap: they are called once at start-up (registries) or once per event.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("smallclaw")
hookimpl = pluggy.HookimplMarker("smallclaw")


# --- configuration -------------------------------------------------------------


@hookspec
def register_config_sections(register):
    """Declare the configuration sections a plugin reads.

    Called once when the configuration is loaded. Call
    ``register(section_name, attrs_class)``: the ``[section_name]`` table of
    ``config.toml`` is then validated and structured into ``attrs_class`` (every field
    needs a default), and ``app.config.section(section_name)`` returns it.
    """


# --- storage -------------------------------------------------------------------


@hookspec
def register_stores(register):
    """Contribute task stores, chosen by the scheme of ``[store] url`` (or ``$SMALLCLAW_STORE_URL``).

    Called once when the app is built. Call ``register(scheme, open)`` where ``scheme`` is
    a URL scheme (``postgresql``) and ``open(app, url)`` returns ``(task_store,
    session_store)``, objects implementing ``smallclaw_core.storage.TaskStoreContract`` and
    ``SessionStoreContract``. The core registers ``file`` (an empty URL): the task files in
    the data directory. ``open`` runs for every command, so it must not connect yet: connect
    at first use.
    """


# --- models --------------------------------------------------------------------


@hookspec
def register_backends(register):
    """Contribute model backends.

    Called once when the app starts. Call ``register(name, factory)`` where ``name``
    is the prefix used in ``[models]`` (``ollama`` in ``ollama:qwen3:4b``) and
    ``factory(app)`` returns an object implementing ``smallclaw_core.Backend``. The
    factory runs lazily, the first time a model of that backend is used.
    """


# --- tools ---------------------------------------------------------------------


@hookspec
def register_tools(register):
    """Contribute tools models can call.

    Called once when the app starts. Call ``register(tool)`` with a
    ``smallclaw_core.Tool``, usually made with the ``@tool`` decorator. Tool names
    are unique across all plugins.
    """


# --- verification and loops ----------------------------------------------------


@hookspec
def register_verifiers(register):
    """Contribute step verifiers, run at the end of every round of a task.

    Call ``register(verifier)`` with an object that has a ``name`` and an async
    ``verify(ctx: StepContext) -> Verdict | None``. Deterministic verifiers (those with
    ``order`` below 100, the default 50) run before the builtin model verifier (order
    100). ``None`` means "no opinion"; a failing ``Verdict`` stops the chain and its
    reason becomes the feedback for the next round; a passing verdict with
    ``decisive=True`` advances the step without asking the model.
    """


@hookspec
def register_check_kinds(register):
    """Contribute kinds of step checks (the lines of a step's ``check``).

    Call ``register(kind)`` with an object that has a ``name`` (the word a check line
    starts with: ``file_exists``), a ``form`` (how a line is written, for error
    messages), ``produces`` (True when its path is a file the step makes),
    ``parse(rest) -> smallclaw_core.checks.Check`` (raise ``MalformedCheck`` when the
    text after ``name:`` does not read) and an async ``run(check, ctx)`` returning
    ``(passed, what it found)`` for a ``StepContext``. Kind names are unique.
    """


@hookspec
def register_check_derivers(register):
    """Contribute rules that propose checks for a step from what its words ask.

    Call ``register(deriver)`` with a ``smallclaw_core.checks.CheckDeriver`` (make one
    with the ``@deriver(name)`` decorator on a function ``(intent, facts) -> lines``).
    When a step starts without checks of its own, every deriver gets the step's
    ``Intent`` (files and their roles, values, negation, operations...) and ``Facts``
    (the workspace, the goal's intent, a script an earlier step wrote) and returns check
    lines of registered kinds. Propose a check only where the words and the files
    leave no doubt: a wrong check fails right work. Return nothing otherwise.
    """


@hookspec
def register_loop_detectors(register):
    """Contribute loop detectors, consulted before and after every tool call.

    Call ``register(detector)`` with an object that has a ``name``,
    ``before_call(call, state) -> LoopVerdict`` (``allow``, ``block`` with a message the
    model sees instead of a result, or ``pause`` the task) and
    ``after_call(call, result, state) -> LoopVerdict | None`` (a ``warn`` verdict's
    message is appended to the result the model sees). Optional: ``on_resume(state)``
    is called when the user resumes the task, and ``on_step(state)`` when the task
    moves to its next step, to start afresh. ``state`` is a JSON-serialisable dict
    owned by the detector and stored in the task, so a restart does not reset it; only
    the detector changes it. A ``block`` of a call without side effects ends the round
    so the step is checked (a model re-reading what it has is usually done).
    """


# --- delivery ------------------------------------------------------------------


@hookspec
def register_notifiers(register, app):
    """Contribute notifiers, told when a task completes, fails or needs the user.

    Call ``register(notifier)`` with an object that has a ``name`` and an async
    ``notify(notification: Notification)``. Raising ``TransportError`` means "try
    again later": the runner retries with back-off. Each delivery is journaled before
    and after, so a crash neither loses one nor repeats it more than once.
    ``app`` is the running ``App`` (for the notifier's config and state directory);
    an implementation that does not need it may leave it out of its signature.
    """


@hookspec
def task_event(event, app):
    """Called for every event published on the app's event bus.

    ``event`` is a ``smallclaw_core.Event`` (``id``, ``type``, ``task_id``, ``data``).
    Runs on the publisher's thread: keep it cheap, hand slow work to a service.
    Return value ignored.
    """


# --- the server and the command line --------------------------------------------


@hookspec
def register_routes(register, app):
    """Contribute HTTP routes to the gateway.

    Called once when ``create_app()`` builds the Litestar application. Call
    ``register(handler)`` with a Litestar route handler, controller or router.
    Routes under ``/api`` require the gateway token.
    """


@hookspec
def register_commands(register):
    """Contribute ``smallclaw`` subcommands.

    Call ``register(name, run, help="...", arguments=fn)``: ``arguments(parser)`` adds
    argparse arguments; ``run(args, app)`` returns an exit code (or an awaitable of
    one). Commands are imported lazily: keep heavy imports inside ``run``.
    """


@hookspec
def register_doctor_checks(register):
    """Contribute checks to ``smallclaw doctor``, after the model backends' own.

    Called once by ``smallclaw doctor``. Call ``register(name, check)`` where
    ``check(app)`` returns a list of ``smallclaw_core.DoctorCheck`` (or an awaitable of
    one); doctor prints them under ``name``. A failing check makes doctor exit 1; one
    marked ``warning`` is printed but does not. An exception is reported as a failure.
    """


@hookspec
def register_services(register):
    """Contribute long-running services that ``smallclaw serve`` starts and stops together.

    Call ``register(name, run, stop=None)`` where ``run(app)`` is an async function
    that runs until cancelled (the runner, the HTTP server, a Telegram poller). The
    optional async ``stop(app)`` is awaited when the user stops the server (the first
    SIGINT or SIGTERM) and returns once the service is at a safe point; then every
    service is cancelled.
    """
