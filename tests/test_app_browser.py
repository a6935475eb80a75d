"""``dipsim app`` in a real browser: Debian's chromium driven by Playwright.

The module starts ``dipsim app`` on a free loopback port, clicks a case through to its end on
the trainer page (the answer key shown must equal ``dipsim case --json`` for the case file the
page gives), applies a policy to a small area, runs a small planner question (the answer shown
must equal ``dipsim capacity``'s), checks labels and that nothing is fetched from the internet,
then stops the app with Ctrl-C (SIGINT) and checks that no process it started is left.
Screenshots go to ``tests/artifacts/app/`` (git ignores it). A missing browser FAILS.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parent / "artifacts" / "app"
PAGE_TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    def __init__(self):
        self.port = _free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "dipsim", "app", "--port", str(self.port),
                                      "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.out: list[str] = []
        self.err: list[str] = []
        threading.Thread(target=self._read, args=(self.proc.stdout, self.out, True), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.err, False), daemon=True).start()
        self.urls = {}
        deadline = time.monotonic() + 90
        while "planner" not in self.urls:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.proc.kill()
                pytest.fail(f"dipsim app printed no address within 90 s; stderr: {''.join(self.err)[-2000:]}")
            if m := re.match(r"\s*(?:dipsim app: serving on|(\w+):)\s+(http://\S+)", line):
                self.urls[m.group(1) or "home"] = m.group(2)
        self.seen: set[psutil.Process] = set()

    def _read(self, stream, into, lines):
        for line in stream:
            into.append(line)
            if lines:
                self.lines.put(line)

    def note_processes(self) -> None:
        """Remember every process the app has started so far (kernels, run workers)."""
        self.seen |= set(psutil.Process(self.proc.pid).children(recursive=True))

    def stop(self) -> int:
        self.note_processes()
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=60)


@pytest.fixture(scope="module")
def app():
    a = App()
    yield a
    if a.proc.poll() is None:   # a test failed before the stop test: do not leave it running
        a.note_processes()
        a.proc.send_signal(signal.SIGINT)
        try:
            a.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            a.proc.kill()
        for p in a.seen:
            if p.is_running():
                p.kill()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the app tests need Debian's chromium "
                    "(apt-get install -y chromium; the README's test command installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the Python package playwright is missing: pip install -e '.[test]'")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 2200}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(PAGE_TIMEOUT_MS)
    pg.outside = []
    pg.on("request", lambda r: pg.outside.append(r.url)
          if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    yield pg
    context.close()


def _unlabelled(pg) -> list[str]:
    """Form controls a screen reader could not name."""
    return pg.evaluate("""() => [...document.querySelectorAll('input, select, textarea, button')]
        .filter(e => e.offsetParent !== null && e.type !== 'hidden')
        .filter(e => !((e.labels && e.labels.length) || e.getAttribute('aria-label') || e.title
                       || (e.tagName === 'BUTTON' && e.innerText.trim())))
        .map(e => e.outerHTML.slice(0, 120))""")


def _plain(text: str) -> str:
    return text.replace("\xa0", " ")


def _set(pg, label: str, value) -> None:
    box = pg.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Tab")


def _dipsim(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dipsim", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_home_page_links_both_pages(app, page):
    page.goto(app.urls["home"])
    assert page.get_by_role("link", name=re.compile("Trainer")).get_attribute("href").endswith("trainer.ipynb")
    assert page.get_by_role("link", name=re.compile("Planner")).get_attribute("href").endswith("planner.ipynb")
    assert all(u.startswith(f"http://127.0.0.1:{app.port}/") for u in app.urls.values())
    page.screenshot(path=str(SHOTS / "home.png"))
    assert not page.outside, f"fetched from outside this machine: {page.outside}"


def test_trainer_steps_a_case_to_its_answer_key(app, page, tmp_path):
    page.goto(app.urls["trainer"])
    from playwright.sync_api import expect

    expect.set_options(timeout=PAGE_TIMEOUT_MS)
    decide = page.get_by_role("button", name="Decide")
    decide.wait_for()
    app.note_processes()
    assert "import" not in page.inner_text("body")          # no Python on the page
    page.get_by_label("Case card").select_option(label="Dee: shoplifting to pay for heroin and crack")
    page.get_by_role("button", name="Start this case").click()
    page.get_by_text("Decision 1 -").wait_for()
    page.get_by_text("Dee, 31, is arrested").wait_for()
    answer = page.get_by_label("The group's answer", exact=True)
    assert "choose an answer" in _plain(answer.locator("option:checked").inner_text())   # not blank
    decide.click()                                            # blank: refused, visibly
    page.get_by_text("choose an answer from the list first").wait_for()
    assert "Decision 1 -" in page.inner_text("body")
    page.screenshot(path=str(SHOTS / "trainer-start.png"))
    assert not _unlabelled(page)
    # the group's answers: the case's own, except that Dee misses appointment 1 with notice.
    # The page sets the question last, so once "Decision n" shows, its answers are in the box.
    n = 1
    while "The walk is complete" not in page.locator(".dipsim-question").inner_text():
        q = page.locator(".dipsim-question")
        expect(q).to_contain_text(f"Decision {n} -")
        expect(decide).to_be_enabled()
        labels = answer.locator("option").all_inner_texts()
        pick = next((lb for lb in labels if "(the case's answer)" in _plain(lb)), labels[1])
        if "appointment 1 " in q.inner_text():
            pick = next(lb for lb in labels if _plain(lb).startswith("misses it, with notice"))
        answer.select_option(label=pick)
        decide.click()
        expect(q).not_to_contain_text(f"Decision {n} -")
        if n == 3:
            page.screenshot(path=str(SHOTS / "trainer-step-3.png"))
        n += 1
        assert n < 20
    expect(decide).to_be_disabled()
    page.get_by_role("heading", name="The answer key").wait_for()
    assert "§4.6.6 Step 5" in page.inner_text("body") or "§4.6.6" in page.inner_text("body")
    page.screenshot(path=str(SHOTS / "trainer-answer-key.png"))
    shown = dict(re.match(r"(\w+)\s+(\S+)", row).groups() for row in
                 page.locator("table.dipsim-answer-key tr").all_inner_texts())
    with page.expect_download() as dl:
        page.get_by_text("Download this case file").click()
    case_file = tmp_path / "case.yaml"
    dl.value.save_as(case_file)
    cli = _dipsim("case", str(case_file), "--json", "--menu-policy", "annex_b", "--max-previous-convictions", "5")
    assert cli.returncode == 0, cli.stderr
    key = json.loads(cli.stdout)
    assert shown["Disposal"] == key["disposal"] == "dip_conditional_caution"
    assert shown["Condition"] == str(key["condition"])
    assert shown["Outcome"] == str(key["outcome"])
    actions = [a for a in page.locator("table.dipsim-answer-key tr").all_inner_texts() if a.startswith("Action")]
    assert [a.split()[1] for a in actions] == key["actions"] and "reschedule_session" in key["actions"]
    # Start again: back to decision 1, nothing decided
    page.get_by_role("button", name="Start again").click()
    expect(page.locator(".dipsim-question")).to_contain_text("Decision 1 -")
    expect(decide).to_be_enabled()
    assert page.get_by_role("heading", name="The answer key").count() == 0
    # the whole area: unchanged settings give a message, not a traceback
    _set(page, "Replications per policy", 2)
    _set(page, "Days of arrests (0: the scenario's)", 20)
    page.get_by_role("button", name="Run the area").click()
    page.get_by_text("the group's policy is the area's current one").wait_for()
    assert "Traceback" not in page.inner_text("body")
    page.get_by_label("Menu policy the CPS works to (§4.6)").select_option("three_sessions_for_all")
    page.get_by_role("button", name="Run the area").click()
    page.get_by_text("Done: Urban intensive").wait_for()
    app.note_processes()
    body = page.inner_text("body")
    assert "menu: three_sessions_for_all, against the current policy" in body and "95% CI" in body
    assert page.locator("img[alt^='Paired differences']").count() == 1
    page.get_by_text("menu: three_sessions_for_all, against").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "trainer-area.png"), full_page=True)
    assert not page.outside, f"fetched from outside this machine: {page.outside}"


def test_planner_answer_equals_dipsim_capacity(app, page, tmp_path):
    page.goto(app.urls["planner"])
    page.get_by_role("button", name="Run").wait_for()
    app.note_processes()
    assert "import" not in page.inner_text("body")
    assert page.get_by_label("Scenario", exact=True).input_value() == "urban_intensive"
    _set(page, "Try from", 0)
    _set(page, "to (workers)", 2)
    _set(page, "Replications (simulated years) per level", 5)
    _set(page, "Days of arrests (0: the scenario's)", 30)
    _set(page, "Arrest volume (% of the scenario's)", 120)
    page.get_by_label("Change the custody rota").check()
    _set(page, "Custody Saturday start (hour)", 9)
    _set(page, "Custody Saturday end (hour)", 21)
    page.get_by_label("Target 2", exact=True).uncheck()
    page.get_by_label("A target is met when").select_option(index=1)   # the mean over simulated years
    assert not _unlabelled(page)
    page.screenshot(path=str(SHOTS / "planner-settings.png"))
    page.get_by_role("button", name="Run").click()
    page.locator("pre.dipsim-answer").wait_for(timeout=240_000)
    app.note_processes()
    assert re.search(r"100%\s+15/15", _plain(page.inner_text("body")))   # the progress bar, finished
    page.screenshot(path=str(SHOTS / "planner-answer.png"), full_page=True)
    shown = page.locator("pre.dipsim-answer").inner_text()
    assert "A target here means: the mean over simulated years meets it" in shown
    assert "Answer: cjit.custody.workers = " in shown
    command = shlex.split(page.locator("code.dipsim-command").inner_text())
    with page.expect_download() as dl:
        page.get_by_role("link", name="scenario.yaml").click()
    dl.value.save_as(tmp_path / "scenario.yaml")
    for name in ("results.csv", "results.parquet", "provenance.json"):
        assert page.get_by_role("link", name=name).count() == 1
    assert command[:3] == ["dipsim", "capacity", "scenario.yaml"]
    cli = _dipsim(*command[1:], "--backend", "serial", cwd=tmp_path)
    assert cli.returncode in (0, 1), cli.stderr
    assert cli.stdout.strip() == shown.strip()
    saved = (tmp_path / "scenario.yaml").read_text()
    assert "start: 9.0" in saved and "end: 21.0" in saved   # the rota the planner set is what ran
    assert not page.outside, f"fetched from outside this machine: {page.outside}"


def test_planner_bad_upload_is_a_friendly_message(app, page, tmp_path):
    page.goto(app.urls["planner"])
    page.get_by_role("button", name="Run").wait_for()
    app.note_processes()
    bad = tmp_path / "my_area.yaml"
    bad.write_text("cjit:\n  custody:\n    workers: -3\n")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=re.compile("Upload a scenario")).click()
    chooser.value.set_files(str(bad))
    page.locator(".dipsim-error").wait_for()
    text = page.locator(".dipsim-error").inner_text()
    assert "my_area.yaml" in text and "workers" in text and "Traceback" not in page.inner_text("body")
    assert page.get_by_label("Scenario", exact=True).input_value() == "urban_intensive"
    good = tmp_path / "our_area.yaml"
    good.write_text("extends: welsh_intensive\nname: Our Welsh area\ncjit:\n  custody:\n    workers: 3\n")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=re.compile("Upload a scenario")).click()
    chooser.value.set_files(str(good))
    page.get_by_text("our_area.yaml loaded.").wait_for()
    assert page.get_by_label("Scenario", exact=True).input_value() == "uploaded: our_area.yaml"
    page.get_by_text("Our Welsh area").wait_for()
    assert page.get_by_label("Workers in the community pool").input_value() != ""
    page.screenshot(path=str(SHOTS / "planner-uploaded.png"))


def test_ctrl_c_stops_the_app_and_every_kernel(app):
    assert app.seen, "no kernel was seen: the pages did not start any"
    code = app.stop()
    assert code == 0, "".join(app.err)[-2000:]
    assert "stopped" in "".join(app.out)
    time.sleep(1)
    left = [p for p in app.seen if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not left, f"left running after Ctrl-C: {[(p.pid, p.cmdline()[:4]) for p in left]}"
    with socket.socket() as s:   # nothing listens on the port any more (as a server binds: SO_REUSEADDR)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", app.port))
        s.listen()
    assert not [ln for ln in app.err if "Traceback" in ln], "".join(app.err)[-2000:]
