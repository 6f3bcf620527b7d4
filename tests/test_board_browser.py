"""The board end to end: a real ``smallclaw serve`` with a scripted model, driven in Chromium.

Creates a task from the form, watches its card move across the columns live, opens
the detail panel and sees the journal grow and how commands run (the shell mode),
pauses and resumes it, sees the result arrive in the chat panel, and saves screenshots
at desktop width and at 360 px to test-artifacts/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.slow]
sync_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    yield from serve(tmp_path, "gateway_script:respond")


def serve(tmp_path, script, config=""):
    """``smallclaw serve`` in a subprocess with the scripted model ``script``; yields (url, process, log)."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        '[models]\nexecutor = "scripted:test"\n\n[store]\ndurable = false\n\n[runner]\npoll_interval = 0.1\n'
        + config)
    port = free_port()
    env = {**os.environ,
           "SMALLCLAW_EXTRA_PLUGINS": "smallclaw_core.testing",
           "SMALLCLAW_SCRIPT": script,
           "SMALLCLAW_PLUGINS": "gateway,kanban,runner,shell_tools",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])}
    log = open(tmp_path / "serve.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "smallclaw_core.cli", "--home", str(home), "serve",
                             "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        url = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and url is None:
            log.seek(0)
            for line in log.read().splitlines():
                if line.startswith("board: "):
                    url = line.split("board: ", 1)[1].strip()
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        log.seek(0)
        assert url, f"smallclaw serve did not print the board URL:\n{log.read()}"
        assert httpx.get(f"http://127.0.0.1:{port}/api/health").status_code == 200
        yield url, proc, log
    finally:
        proc.send_signal(2)  # SIGINT: the clean way
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def column(page, name):
    return page.locator(f'[data-list="{name}"] .card')


def test_the_board_end_to_end(server):
    url, proc, log = server
    expect = sync_api.expect
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(url)
            expect(page.locator("#connection")).to_have_text("live", timeout=10_000)
            assert "token=" not in page.url, "the token should leave the address bar"
            expect(page.locator("#model")).to_contain_text("scripted:test")

            # a new task from the form; its result goes to this browser's chat session
            page.get_by_role("button", name="New task").click()
            page.get_by_label("Goal").fill("Write a greeting for the team")
            page.locator("#steps").fill("look around\ndraft the greeting\npolish it\nsave it")
            page.get_by_role("button", name="Create task").click()
            card = page.locator(".card", has_text="Write a greeting for the team")
            expect(card).to_have_count(1)

            # live: the runner picks it up and the card moves to In progress
            expect(column(page, "running")).to_have_count(1, timeout=15_000)
            card.click()
            expect(page.locator("#detail")).to_be_visible()
            expect(page.locator("#detail-title")).to_have_text("Write a greeting for the team")
            # how commands run, from the shell tools (GET /api/shell): the kernel's sandbox here
            expect(page.locator('[data-field="shell"]')).to_contain_text("sandbox: every command runs without asking")
            expect(page.locator('[data-field="shell"]')).to_contain_text("Landlock (ABI")
            journal = page.locator("#detail-body .journal li")
            start = journal.count()
            expect(journal).not_to_have_count(start, timeout=15_000)  # it grows while we watch
            page.screenshot(path=str(ARTIFACTS / "board-desktop-running.png"))

            # pause: the task stops at the end of its round and moves to Paused
            page.locator("#detail-body").get_by_role("button", name="Pause", exact=True).click()
            expect(column(page, "paused")).to_have_count(1, timeout=15_000)
            expect(page.locator('[data-field="status"]')).to_have_text("paused")
            paused_entries = journal.count()
            assert page.locator('#detail-body .journal li[data-kind="pause"]').count() >= 1

            # resume with a note; it runs to completion
            page.locator("#resume-note").fill("keep it short")
            page.locator("#detail-body").get_by_role("button", name="Resume", exact=True).click()
            expect(column(page, "complete")).to_have_count(1, timeout=30_000)
            expect(column(page, "paused")).to_have_count(0)
            assert journal.count() > paused_entries
            expect(page.locator('[data-field="summary"]')).to_contain_text("greeting is written")
            expect(page.locator('#detail-body .journal li[data-kind="resume"]')).to_contain_text("keep it short")

            # the result arrives in the chat panel of this browser's session
            expect(page.locator("#chat-log .msg.assistant")).to_contain_text(["greeting"], timeout=15_000)

            # the chat itself answers through the scripted model
            page.locator("#chat-text").fill("hello there")
            page.locator("#chat-text").press("Enter")
            expect(page.locator("#chat-log .msg.user").last).to_have_text("hello there")
            expect(page.locator("#chat-log .msg.assistant").last).to_have_text("Hello from the scripted model.",
                                                                              timeout=15_000)
            page.screenshot(path=str(ARTIFACTS / "board-desktop.png"), full_page=True)

            # keyboard: Escape closes the panel and gives focus back to the card
            page.keyboard.press("Escape")
            expect(page.locator("#detail")).to_be_hidden()
            expect(page.locator(".card", has_text="Write a greeting")).to_be_focused()

            # narrow phones: everything in one column, nothing wider than the screen
            page.set_viewport_size({"width": 360, "height": 780})
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 360, f"the page is {wide}px wide at 360px"
            page.screenshot(path=str(ARTIFACTS / "board-360.png"), full_page=True)
            page.locator(".card", has_text="Write a greeting").click()
            page.screenshot(path=str(ARTIFACTS / "board-360-detail.png"))
            assert not errors, errors
        finally:
            browser.close()
    assert proc.poll() is None, "the server should still be running"


def test_a_step_line_can_carry_a_check(server):
    url, proc, log = server
    expect = sync_api.expect
    token = url.split("token=", 1)[1]
    base = url.split("/?", 1)[0]
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(url)
            expect(page.locator("#connection")).to_have_text("live", timeout=10_000)
            page.get_by_role("button", name="New task").click()
            page.locator("#goal").fill("Count the words")
            page.locator("#steps").fill("read notes.txt\nwrite the count [check: file_exists: count.txt]")
            page.get_by_role("button", name="Create task").click()
            expect(page.locator(".card").first).to_be_visible(timeout=10_000)
        finally:
            browser.close()
    tasks = httpx.get(f"{base}/api/tasks", headers={"Authorization": f"Bearer {token}"}).json()
    task_id = next(t["id"] for t in tasks["tasks"] if t["title"] == "Count the words")
    task = httpx.get(f"{base}/api/tasks/{task_id}", headers={"Authorization": f"Bearer {token}"}).json()
    steps = task["task"]["steps"]
    assert [s["description"] for s in steps[:2]] == ["read notes.txt", "write the count"]
    assert [s["check"] for s in steps[:2]] == [None, "file_exists: count.txt"]


@pytest.fixture
def undo_server(tmp_path):
    yield from serve(tmp_path, "undo_script:respond", f'\n[workspace]\nroot = "{tmp_path / "ws"}"\n')


def test_each_step_opens_its_diff_and_undoes(undo_server, tmp_path):
    """A finished task's steps show what they changed (text diff coloured, a binary file named with its size),
    and the Undo buttons put files back, refusing first where a file changed since; on desktop and at 390 px."""
    url, proc, log = undo_server
    expect = sync_api.expect
    token = url.split("token=", 1)[1]
    base = url.split("/?", 1)[0]
    auth = {"Authorization": f"Bearer {token}"}
    created = httpx.post(f"{base}/api/tasks", json={"goal": "Write the notes",
                                                    "steps": ["write the notes and a picture", "edit the notes"]},
                         headers=auth).json()
    task_id = created["task"]["id"]
    deadline = time.monotonic() + 30
    while httpx.get(f"{base}/api/tasks/{task_id}", headers=auth).json()["task"]["status"] != "complete":
        assert time.monotonic() < deadline, log.seek(0) or log.read()
        time.sleep(0.2)
    notes = tmp_path / "ws" / task_id / "notes.txt"
    assert notes.read_text() == "alpha\nBETA\n" + "gamma " * 30 + "\n"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("dialog", lambda dialog: dialog.accept())
            page.goto(url)
            expect(page.locator("#connection")).to_have_text("live", timeout=10_000)
            page.locator(".card", has_text="Write the notes").click()
            panel = page.locator("#detail-body")

            # step 1: notes.txt created (its lines added, in green), pic.bin a binary file with its size
            panel.locator('[data-step-changes="0"]').click()
            first = panel.locator('[data-changes="0"]')
            expect(first.locator('[data-path="notes.txt"] .action')).to_have_text("created")
            expect(first.locator('[data-path="notes.txt"] .diff .add')).to_have_text(["+alpha", "+beta"])
            expect(first.locator('[data-path="pic.bin"] .facts')).to_have_text("binary, 6 bytes")
            assert first.locator('[data-path="pic.bin"] .diff').count() == 0

            # step 2: the edit, removed lines in red and added ones in green
            panel.locator('[data-step-changes="1"]').click()
            second = panel.locator('[data-changes="1"]')
            expect(second.locator(".diff .del")).to_have_text(["-beta"])
            expect(second.locator(".diff .add")).to_have_text(["+BETA", "+" + "gamma " * 30])
            added = second.locator(".diff .add").first.evaluate("e => getComputedStyle(e).backgroundColor")
            removed = second.locator(".diff .del").first.evaluate("e => getComputedStyle(e).backgroundColor")
            context = second.locator(".diff .ctx").first.evaluate("e => getComputedStyle(e).backgroundColor")
            assert added == "rgb(220, 242, 225)" and removed == "rgb(251, 225, 225)" and context != added
            expect(second.locator('[data-path="notes.txt"] .facts')).to_have_text("11 bytes → 192 bytes")
            page.screenshot(path=str(ARTIFACTS / "board-diff-desktop.png"), full_page=True)

            # undo step 2: notes.txt is back as step 1 left it, and the journal says so
            second.get_by_role("button", name="Undo step 2").click()
            expect(panel.locator('[data-undo-note="1"]')).to_contain_text("undid step 2: put back notes.txt")
            assert notes.read_text() == "alpha\nbeta\n"
            expect(panel.locator('[data-step-changes="1"]')).to_have_text("Changes (undone)")
            expect(panel.locator('.journal li[data-kind="undo"]').first).to_contain_text("undid step 2")

            # someone edits notes.txt: undoing step 1 is refused, naming it, until forced
            notes.write_text("my own words\n")
            first.get_by_role("button", name="Undo step 1").click()
            refusal = panel.locator('[data-undo-note="0"]')
            expect(refusal).to_contain_text("notes.txt (changed outside the task")
            assert notes.read_text() == "my own words\n"
            refusal.get_by_role("button", name="Undo anyway (lose those changes)").click()
            expect(panel.locator('[data-undo-note="0"]')).to_contain_text("undid step 1: removed notes.txt, pic.bin")
            assert not notes.exists() and not (tmp_path / "ws" / task_id / "pic.bin").exists()

            # at 390 px: the panel and its diffs fit the screen; a long line scrolls inside its diff
            page.set_viewport_size({"width": 390, "height": 844})
            panel.locator('[data-step-changes="1"]').scroll_into_view_if_needed()
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 390, f"the page is {wide}px wide at 390px"
            detail = page.evaluate("[document.getElementById('detail').scrollWidth, "
                                   "document.getElementById('detail').clientWidth]")
            assert detail[0] <= detail[1], f"the task panel overflows: {detail}"
            box = second.locator(".diff").bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
            # the long line scrolls inside its diff, not the page
            assert second.locator(".diff").evaluate("e => e.scrollWidth > e.clientWidth")
            page.screenshot(path=str(ARTIFACTS / "board-diff-390.png"))
            assert not errors, errors
        finally:
            browser.close()
    assert proc.poll() is None


@pytest.fixture
def candidates_server(tmp_path):
    # the lines land in the [runner] table the fixture's config ends with
    yield from serve(tmp_path, "candidates_script:respond",
                     f'attempts = "always"\nattempts_max = 3\nattempt_style = "tools"\n\n[workspace]\nroot = "{tmp_path / "ws"}"\n')


#: a board whose event stream said "ready" once and then dropped (it retries in ten minutes): it shows
#: what it loaded then, like a tab left open while someone else acts on the task
STALE_STREAM = "retry: 600000\nid: 1\nevent: ready\ndata: {}\n\n"


def test_attempts_that_did_not_agree_are_shown_and_one_is_used(candidates_server, tmp_path):
    """A task paused because its attempts did not agree shows each attempt's files on the board; "Use this one"
    on attempt 2 puts its text in the workspace and the task goes on, live; a stale tab's pick says why not."""
    url, proc, log = candidates_server
    expect = sync_api.expect
    token = url.split("token=", 1)[1]
    base = url.split("/?", 1)[0]
    auth = {"Authorization": f"Bearer {token}"}
    created = httpx.post(f"{base}/api/tasks", json={"goal": "Greet the team", "steps": [
        "Write a draft to draft.txt", "Write the greeting to greeting.txt", "Say it is done"]}, headers=auth).json()
    task_id = created["task"]["id"]
    deadline = time.monotonic() + 120
    while httpx.get(f"{base}/api/tasks/{task_id}", headers=auth).json()["task"]["status"] != "needs_assistance":
        assert time.monotonic() < deadline, log.seek(0) or log.read()
        time.sleep(0.2)
    offered = httpx.get(f"{base}/api/tasks/{task_id}/candidates", headers=auth).json()
    assert offered["step"] == 1 and [c["attempt"] for c in offered["candidates"]] == [1, 2, 3], offered
    greeting = tmp_path / "ws" / task_id / "greeting.txt"
    assert not greeting.exists() and (tmp_path / "ws" / task_id / "draft.txt").exists()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            errors = []
            stale = browser.new_page(viewport={"width": 1366, "height": 900})
            stale.on("pageerror", lambda exc: errors.append(str(exc)))
            stale.route("**/api/events?*", lambda route: route.fulfill(
                status=200, headers={"Content-Type": "text/event-stream"}, body=STALE_STREAM))
            stale.goto(url)
            stale.locator(".card", has_text="Greet the team").click()
            expect(stale.locator('#detail-body [data-candidate="1"]')).to_be_visible(timeout=20_000)

            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(url)
            expect(page.locator("#connection")).to_have_text("live", timeout=10_000)
            expect(column(page, "needs")).to_have_count(1, timeout=15_000)
            page.locator(".card", has_text="Greet the team").click()
            panel = page.locator("#detail-body")
            offered = panel.locator('[data-candidates="1"]')
            expect(offered.locator("h3")).to_have_text("Step 2: 3 attempts did not agree", timeout=15_000)
            expect(offered.locator(".candidate")).to_have_count(3)

            # each attempt: its number, a summary, the files it would write as text (markup shown, never run)
            first = offered.locator('[data-candidate="1"]')
            expect(first.locator("strong")).to_have_text("Attempt 1")
            expect(first.locator('[data-path="greeting.txt"] .action')).to_have_text("writes")
            expect(first.locator(".candidate-text")).to_have_text(
                '<img src=x onerror="document.title=\'hacked\'">Hello from one\n')
            assert panel.locator("img").count() == 0 and page.title() != "hacked"
            second = offered.locator('[data-candidate="2"]')
            expect(second.locator(".candidate-summary")).to_contain_text("greeting.txt: 'Hello, team!")
            expect(second.locator(".candidate-text")).to_have_text("Hello, team!\nFrom attempt two\n")
            third = offered.locator('[data-candidate="3"]')
            expect(third.locator('[data-path="draft.txt"] .action')).to_have_text("removes")
            expect(third.locator('[data-path="draft.txt"]')).to_contain_text("the file is removed")
            expect(panel.get_by_role("button", name="Use this one")).to_have_count(3)
            # the usual ways on stay offered: resume with a note, edit the remaining steps
            expect(panel.get_by_role("button", name="Resume", exact=True)).to_be_visible()
            expect(panel.get_by_text("Edit the remaining steps", exact=True)).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "board-candidates-desktop.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 390, f"the page is {wide}px wide at 390px"
            page.screenshot(path=str(ARTIFACTS / "board-candidates-390.png"))
            page.set_viewport_size({"width": 1366, "height": 900})

            # "Use this one" on attempt 2: its text is in the workspace, and the task goes on, live. The
            # pick's answer (the task queued) is held back until the task is complete: read after the stream
            # told of the later change, it must not put the card back in "queued"
            def late_answer(route):
                answer = route.fetch()
                deadline = time.monotonic() + 60
                while httpx.get(f"{base}/api/tasks/{task_id}", headers=auth).json()["task"]["status"] != "complete":
                    assert time.monotonic() < deadline, log.seek(0) or log.read()
                    time.sleep(0.1)
                route.fulfill(response=answer)

            page.route(f"**/api/tasks/{task_id}/pick", late_answer)
            second.get_by_role("button", name="Use this one").click()
            expect(panel.locator("[data-pick-note]")).to_have_text(
                "Used attempt 2's result for step 2; it goes on with step 3.", timeout=15_000)
            assert greeting.read_text() == "Hello, team!\nFrom attempt two\n"
            expect(column(page, "needs")).to_have_count(0, timeout=15_000)
            expect(panel.locator("[data-candidates]")).to_have_count(0, timeout=15_000)
            expect(column(page, "complete")).to_have_count(1, timeout=30_000)
            expect(panel.locator('[data-step-changes="1"]')).to_have_text("Changes: 1 file", timeout=15_000)
            expect(panel.locator('.journal li[data-kind="candidates"]')).to_contain_text("3 attempts did not agree",
                                                                                   timeout=15_000)
            status = httpx.get(f"{base}/api/tasks/{task_id}", headers=auth).json()["task"]["status"]
            assert status == "complete", status

            # the stale tab still shows the attempts: its pick no longer applies, and it says so
            stale.locator('#detail-body [data-candidate="1"]').get_by_role("button", name="Use this one").click()
            note = stale.locator("#detail-body [data-pick-note]")
            expect(note).to_contain_text("Attempt 1 could not be used: ", timeout=15_000)
            expect(note).to_contain_text("is complete and not waiting for a choice")
            assert note.get_attribute("role") == "alert"
            expect(stale.locator("#detail-body [data-candidates]")).to_have_count(0, timeout=15_000)
            assert greeting.read_text() == "Hello, team!\nFrom attempt two\n"
            assert not errors, errors
        finally:
            browser.close()
    assert proc.poll() is None
