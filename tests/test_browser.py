"""End to end in a real browser: chapter 1's student notebook in JupyterLab.

What a student does, in headless Chromium driven by Playwright: open the notebook (solved,
in a scratch copy of the course), Run All, move a slider of the decision-boundary
``interact`` and see its figure and truth table redrawn, and press nbgrader's Validate
button in the notebook toolbar. Screenshots of each stage are saved under
``artifacts/browser/`` (printed with ``-s``), and one more when a stage fails.

Needs Debian's Chromium (``apt-get install chromium``; Playwright's own browser downloads
are never used) and the ``playwright`` package; skipped without either.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser_support import CHROMIUM_ARGS, JupyterLab, find_chromium, solved_course_copy

from grading.layout import CourseLayout

REPO = Path(__file__).resolve().parents[1]
CHAPTER = "01_perceptron"
ARTIFACTS = REPO / "artifacts" / "browser"

KERNEL_TIMEOUT = 60.0  # kernel start on a busy 2-core machine
RUN_ALL_TIMEOUT = 180.0  # the whole chapter, figures included
WIDGET_TIMEOUT = 60.0  # the interact drawn after Run All, or redrawn after the slider moved
VALIDATE_TIMEOUT = 180.0  # nbgrader validate executes the notebook once more, server side
POLL = 0.25  # seconds between two looks at the page or the server
SLIDER_STEPS = 5  # ArrowRight presses on the first slider (step 0.1: w1 from 1.0 to 1.5)

pytestmark = pytest.mark.slow

# Everything the test needs from the notebook's DOM, read in one round trip.
NOTEBOOK_STATE_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-CodeCell')].map((cell, i) => {
    const prompt = cell.querySelector('.jp-InputArea-prompt');
    const source = cell.querySelector('.jp-InputArea-editor .cm-content');
    const errors = [...cell.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')];
    return {index: i,
            prompt: prompt ? prompt.textContent.trim() : '',
            source: source ? source.innerText.trim() : '',
            stderr: errors.map(e => e.innerText).join('\\n')};
  });
  return {status: indicator ? indicator.getAttribute('data-status') : null, cells: cells};
}"""

# The first ipywidgets interact: its sliders' readouts and its output (image + text).
INTERACT_STATE_JS = """() => {
  const box = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .widget-interact');
  if (!box) return null;
  const sliders = [...box.querySelectorAll('.widget-slider')];
  const output = box.querySelector('.widget-output');
  const img = output ? output.querySelector('img') : null;
  return {
    sliders: sliders.length,
    readouts: sliders.map(s => {
      const r = s.querySelector('.widget-readout');
      return r ? (r.value !== undefined && r.value !== '' ? r.value : r.textContent).trim() : '';
    }),
    img: img ? img.getAttribute('src') : null,
    text: output ? output.innerText.trim() : null,
  };
}"""


def require(condition: object, message: str) -> None:
    """Fail the current stage with ``message`` alone (no assertion rewriting around it)."""
    if not condition:
        raise AssertionError(message)


def _short(text: str | None, limit: int = 300) -> str:
    text = "" if text is None else " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " …"


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium_path() -> str:
    pytest.importorskip(
        "playwright.sync_api",
        reason="the playwright package is not installed (pip install -e '.[dev]')")
    path = find_chromium()
    if path is None:
        reason = ("Chromium not found at /usr/bin/chromium or on PATH "
                  "(apt-get install chromium); Playwright's own browsers are not used")
        if os.environ.get("DLCOURSE_REQUIRE_BROWSER"):  # set by .ci/run: CI must run this test
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def emptied(folder: Path) -> Path:
    """``folder``, created if missing, without an earlier run's screenshots and logs."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in [*folder.glob("*.png"), *folder.glob("*.log")]:
        old.unlink()
    return folder


@pytest.fixture(scope="module")
def artifacts() -> Path:
    """artifacts/browser/ at the repository root, emptied of an earlier run's files."""
    return emptied(ARTIFACTS)


@pytest.fixture(scope="module")
def scratch(chromium_path, tmp_path_factory) -> Path:
    """A scratch copy of the course in which chapter 1's student notebook is solved, so
    Run All is not stopped by an exercise stub's NotImplementedError."""
    student_nb = CourseLayout(REPO).release_notebook(CHAPTER)
    if not student_nb.is_file():
        pytest.fail(f"{student_nb.relative_to(REPO)} does not exist: "
                    f"release chapter {CHAPTER} first (dlcourse release)")
    root = tmp_path_factory.mktemp("browser")
    solved_course_copy(REPO, root / "repo", CHAPTER)
    return root


@pytest.fixture(scope="module")
def notebook() -> Path:
    """The chapter's notebook, relative to the scratch course (and the server's root)."""
    return CourseLayout(REPO).release_notebook(CHAPTER).relative_to(REPO)


@pytest.fixture(scope="module")
def lab(scratch, artifacts):
    """JupyterLab serving the scratch course; shut down with its kernels afterwards."""
    server = JupyterLab(scratch / "repo", scratch / "jupyterlab.log",
                        start_timeout=KERNEL_TIMEOUT)
    try:
        with server:
            yield server
    finally:
        if server.log_path.is_file():
            shutil.copy2(server.log_path, artifacts / "jupyterlab.log")


@pytest.fixture(scope="module")
def page(lab, chromium_path, artifacts):
    from playwright.sync_api import sync_playwright

    console: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(30_000)
            pg = context.new_page()
            pg.on("console", lambda msg: console.append(f"[{msg.type}] {msg.text}"))
            pg.on("pageerror", lambda exc: console.append(f"[pageerror] {exc}"))
            yield pg
        finally:
            (artifacts / "browser-console.log").write_text("\n".join(console) + "\n")
            browser.close()


# -- helpers -------------------------------------------------------------------------------


class Stages:
    """Names each stage of the test and times it; a failing stage leaves a screenshot and
    the server log's tail in its message. ``shot`` saves (and prints) a screenshot."""

    def __init__(self, page, lab: JupyterLab, folder: Path):
        self.page, self.lab, self.folder = page, lab, folder
        self.saved: list[Path] = []
        self.seconds: dict[str, float] = {}

    def shot(self, name: str) -> Path:
        path = self.folder / f"{len(self.saved) + 1:02d}_{name}.png"
        self.page.screenshot(path=str(path))
        self.saved.append(path)
        print(f"screenshot: {path}")
        return path

    @contextmanager
    def stage(self, name: str):
        start = time.monotonic()
        try:
            yield
            self.seconds[name] = time.monotonic() - start
        except Exception as exc:
            path = self.folder / f"failed_{name.replace(' ', '_')}.png"
            try:
                self.page.screenshot(path=str(path))
                where = f"screenshot of the page: {path}"
            except Exception as shot_error:  # the browser itself may be gone
                where = f"(no screenshot: {shot_error})"
            raise pytest.fail.Exception(
                f"stage '{name}' failed: {exc}\n{where}\n"
                f"JupyterLab log (tail):\n{self.lab.log_tail(25)}", pytrace=False) from None


def wait_until(condition: Callable[[], object], timeout: float, what: Callable[[], str],
               settle: int = 1):
    """Poll ``condition`` until it returns the same truthy value ``settle`` times in a row
    (the page has settled), and return that value. On timeout raise TimeoutError with
    ``what()``, a description of the state."""
    deadline = time.monotonic() + timeout
    streak, last = 0, None
    while True:
        value = condition()
        if not value:
            streak = 0
        elif streak and value == last:
            streak += 1
        else:
            streak = 1
        last = value
        if streak >= settle:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"after {timeout:.0f} s: {what()}")
        time.sleep(POLL)


def kernels_idle(lab: JupyterLab) -> bool:
    """The server has exactly the notebook's kernel, a browser is connected to it, and it
    is idle (the toolbar's indicator alone says idle while the kernel still starts)."""
    kernels = lab.api("/api/kernels")
    return (len(kernels) == 1 and kernels[0]["execution_state"] == "idle"
            and kernels[0]["connections"] >= 1)


def kernel_summary(lab: JupyterLab) -> str:
    try:
        kernels = lab.api("/api/kernels")
    except OSError as exc:
        return f"kernels unknown ({exc})"
    return json.dumps([{k: kernel[k] for k in ("execution_state", "connections")}
                       for kernel in kernels])


PROMPT_NUMBER = re.compile(r"^\[\d+\]:?$")


def run_all_done(state) -> bool:
    """No cell waiting ([*]), at least one cell run, and the kernel idle in the toolbar."""
    if not state or state["status"] != "idle":
        return False
    prompts = [cell["prompt"] for cell in state["cells"]]
    return not any("*" in p for p in prompts) and any(PROMPT_NUMBER.match(p) for p in prompts)


def describe_cells(state) -> str:
    if not state:
        return "no notebook panel on the page"
    waiting = sum("*" in c["prompt"] for c in state["cells"])
    ran = sum(bool(PROMPT_NUMBER.match(c["prompt"])) for c in state["cells"])
    return (f"toolbar kernel status {state['status']!r}; {len(state['cells'])} code cells, "
            f"{ran} run, {waiting} waiting [*]")


def describe_stop(state, not_run) -> str:
    """Which code cells did not run, and the error that stopped Run All."""
    total = len(state["cells"])
    first = not_run[0]
    text = (f"{len(not_run)} of {total} code cells did not run, the first is code cell "
            f"{first['index'] + 1} ({_short(first['source'], 80)!r})")
    failed = [c for c in state["cells"] if "Traceback" in c["stderr"] or "Error" in c["stderr"]]
    if not failed:
        return text + "; no error is shown in the notebook"
    cell = failed[0]
    last = [line for line in cell["stderr"].splitlines() if line.strip()][-1]
    return (text + f". Code cell {cell['index'] + 1} ({_short(cell['source'], 80)!r}) "
            f"failed with: {_short(last, 500)}")


# -- the test ------------------------------------------------------------------------------


def test_student_notebook_in_jupyterlab(lab, notebook, page, artifacts):
    student_session(lab, notebook, page, artifacts)


def student_session(lab: JupyterLab, notebook: Path, page, artifacts: Path) -> None:
    """What a student does with the solved ``notebook`` (relative to the server's root):
    open it, find Validate, Run All, move a slider, press Validate and read its dialog.
    Also run against the student edition by tests/test_student_edition.py."""
    stages = Stages(page, lab, artifacts)
    started = time.monotonic()

    with stages.stage("open notebook"):
        page.goto(lab.lab_url(notebook))
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(
            state="visible", timeout=KERNEL_TIMEOUT * 1000)
        wait_until(lambda: (page.evaluate(NOTEBOOK_STATE_JS) or {}).get("status") == "idle"
                   and kernels_idle(lab), KERNEL_TIMEOUT,
                   lambda: f"the kernel is not ready: toolbar "
                           f"{(page.evaluate(NOTEBOOK_STATE_JS) or {}).get('status')!r}, "
                           f"server kernels {kernel_summary(lab)}", settle=2)
    stages.shot("notebook_opened")

    with stages.stage("validate button"):
        # @jupyter/nbgrader 0.9.6 adds a ToolbarButton (class validate-button, label
        # "Validate", tooltip "Validate Assignment") to every notebook's toolbar.
        validate = page.locator(".jp-NotebookPanel-toolbar .validate-button")
        validate.wait_for(state="visible", timeout=30_000)
        label = validate.inner_text().strip()
        require(label == "Validate", f"nbgrader's toolbar button reads {label!r}, not 'Validate'")

    with stages.stage("run all cells"):
        # the notebook's tab: its panel is the current widget the Run menu acts on
        page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=notebook.name).click()
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        # "Run All Cells" is runmenu:run-all in JupyterLab 4 (notebook:run-all-cells before)
        page.locator('.lm-Menu-item[data-command="runmenu:run-all"], '
                     '.lm-Menu-item[data-command="notebook:run-all-cells"]').first.click()

        def finished():
            """Every queued cell shows [*] at once: done when none is left, at least one
            cell has run and the kernel idles (the same state three looks in a row)."""
            state = page.evaluate(NOTEBOOK_STATE_JS)
            return run_all_done(state) and kernels_idle(lab) and state

        state = wait_until(finished, RUN_ALL_TIMEOUT,
                           lambda: describe_cells(page.evaluate(NOTEBOOK_STATE_JS)), settle=3)
        not_run = [c for c in state["cells"]
                   if c["source"] and not PROMPT_NUMBER.match(c["prompt"])]
        if not_run:
            raise AssertionError(f"Run All stopped before the end: {describe_stop(state, not_run)}")
    stages.shot("after_run_all")

    with stages.stage("interact widget"):
        interact = page.locator(".jp-NotebookPanel .widget-interact").first
        try:
            interact.wait_for(state="visible", timeout=WIDGET_TIMEOUT * 1000)
        except Exception:
            outputs = page.locator(".jp-NotebookPanel .jp-OutputArea-output")
            widgets = page.locator(".jp-NotebookPanel .jp-OutputArea-output > .jupyter-widgets")
            problems = outputs.filter(has_text="Error displaying widget").all_inner_texts()
            raise AssertionError(
                f"no ipywidgets interact (an element of class widget-interact) appeared in "
                f"the outputs of {notebook} within {WIDGET_TIMEOUT:.0f} s after Run All "
                f"({widgets.count()} other widgets shown"
                + (f"; {_short(problems[0], 300)}" if problems else "")
                + "); the chapter should have an interact with sliders that redraws its "
                "decision-boundary figure and truth table") from None
        interact.scroll_into_view_if_needed()
        before = wait_until(
            lambda: (s := page.evaluate(INTERACT_STATE_JS)) and s["sliders"] and s["img"]
            and s["text"] and kernels_idle(lab) and s,
            WIDGET_TIMEOUT,
            lambda: f"the interact has no slider, figure and text yet: "
                    f"{_short(json.dumps(page.evaluate(INTERACT_STATE_JS)))}", settle=2)
    stages.shot("interact_before")

    with stages.stage("move slider"):
        handle = interact.locator(".widget-slider .noUi-handle").first
        handle.focus()
        for _ in range(SLIDER_STEPS):
            handle.press("ArrowRight")

        def redrawn():
            """The new state once the slider moved and the output shows a figure and text
            of which one at least is new (compared until it stays the same, kernel idle)."""
            now = page.evaluate(INTERACT_STATE_JS)
            return (now and now["readouts"][0] != before["readouts"][0] and now["img"]
                    and now["text"] and (now["img"] != before["img"]
                                         or now["text"] != before["text"])
                    and kernels_idle(lab) and now)

        def unchanged() -> str:
            now = page.evaluate(INTERACT_STATE_JS) or {}
            return (f"the interact's output did not change after its first slider was moved "
                    f"{SLIDER_STEPS} steps right: slider readouts {before['readouts']} -> "
                    f"{now.get('readouts')}; figure "
                    f"{'redrawn' if now.get('img') != before['img'] else 'the same'}; "
                    f"text before {_short(before['text'], 200)!r}, now "
                    f"{_short(now.get('text'), 200)!r}; server kernels {kernel_summary(lab)}")

        after = wait_until(redrawn, WIDGET_TIMEOUT, unchanged, settle=3)
        interact.scroll_into_view_if_needed()
    print(f"first of {after['sliders']} sliders: {before['readouts'][0]} -> "
          f"{after['readouts'][0]}; figure {'redrawn' if after['img'] != before['img'] else 'SAME'}"
          f"; text {'changed' if after['text'] != before['text'] else 'SAME'}: "
          f"{_short(before['text'].splitlines()[-1])!r} -> "
          f"{_short(after['text'].splitlines()[-1])!r}")
    stages.shot("interact_after_slider")

    with stages.stage("validate"):
        validate.locator("jp-button, button").first.click()
        # nbgrader saves the notebook, runs `nbgrader validate` on the server and shows the
        # result in a dialog ("Validation Results"; "Validation failed" or "Version
        # Mismatch" when it could not validate)
        dialog = page.locator(".jp-Dialog").first
        dialog.wait_for(state="visible", timeout=VALIDATE_TIMEOUT * 1000)
        title = dialog.locator(".jp-Dialog-header").inner_text().strip()
        body = dialog.locator(".jp-Dialog-body").inner_text()
        require(title == "Validation Results", f"nbgrader's dialog {title!r}: {_short(body, 1500)}")
        classes = dialog.locator("#validation-message").get_attribute("class") or ""
        require("validation-success" in classes, f"nbgrader did not validate the solved "
                f"notebook ({classes!r}): {_short(body, 1500)}")
    stages.shot("validate_dialog")
    with stages.stage("close validation dialog"):
        dialog.locator(".jp-Dialog-button").first.click()
        dialog.wait_for(state="hidden")

    print(f"browser test: {time.monotonic() - started:.1f} s in the browser ("
          + ", ".join(f"{name} {sec:.1f} s" for name, sec in stages.seconds.items())
          + f"); screenshots in {artifacts}")
