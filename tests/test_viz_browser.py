"""`orgsim viz` in a real browser: Debian's headless Chromium driven by the PyPI playwright package.

Starts the command's server offline (Solara's assets from solara-assets or the prepared cache), steps the organization,
moves two sliders, resets, and checks the plotted series and the displayed month against the model the
page builds in-process. The screenshot goes to tests/artifacts/ (ignored by git).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

pytest.importorskip("solara", reason="needs the viz extra: pip install -e '.[viz]'")
pytest.importorskip("altair", reason="needs the viz extra: pip install -e '.[viz]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the PyPI playwright package")

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "Debian chromium is not installed at /usr/bin/chromium (.ci/run installs it: apt-get install -y chromium)",
        allow_module_level=True,
    )

ARTIFACTS = Path(__file__).parent / "artifacts"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
STEPS = 3
PLAY_TO = 12


def _moved_budget(presses: int) -> float:
    """The IT budget after `presses` ArrowRight presses from the default (the page puts the slider's grid
    through the default, so the slider does not snap it away before the user touches it)."""
    from orgsim.viz.app import model_params

    spec = model_params(())["it_budget"]
    return spec["value"] + presses * spec["step"]


MONTH_AT_LEAST = """n => {
  const m = document.querySelector(".orgsim-status")?.textContent.match(/^Month (\\d+) /);
  return m !== null && m !== undefined && Number(m[1]) >= n;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def assets_dir():
    from orgsim.viz import assets

    found = assets.find()  # the solara-assets package of the viz extra, else a prepared cache
    if found is not None:
        return found
    directory = assets.default_dir()
    if not assets.is_ready(directory):  # npm's copies, where no solara-assets matches the installed Solara
        try:
            assets.prepare(directory, log=lambda line: None)
        except assets.AssetError as err:
            pytest.fail(f"cannot prepare Solara's offline assets: {err}")
    return directory


@pytest.fixture(scope="module")
def server(tmp_path_factory, assets_dir):
    """`orgsim viz port=P assets=DIR` in its own process group; yields the page's address."""
    home = tmp_path_factory.mktemp("viz-home")
    port = _free_port()
    env = dict(os.environ, SOLARA_HOME=str(home), MPLCONFIGDIR=str(home / "mpl"), PYTHONUNBUFFERED="1")
    log = home / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "orgsim.cli", "viz", f"port={port}", f"assets={assets_dir}"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, f"orgsim viz exited early:\n{log.read_text()}"
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"no page at {url} after 120 s:\n{log.read_text()}"
            time.sleep(0.5)
        assert f"serving the page at {url.rstrip('/')}" in log.read_text()
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the command and its solara child, both ours
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _series(page, name: str) -> list[float]:
    line = page.locator(f'.orgsim-trajectories polyline[data-series="{name}"]')
    return [float(v) for v in line.get_attribute("data-values").split()]


def _expected(steps: int, **controls) -> dict[str, list[float]]:
    """The series the page should plot: the same PageOrganization stepped here."""
    from orgsim.viz.model import PageOrganization

    model = PageOrganization(**controls)
    for _ in range(steps):
        model.step()
    data = model.datacollector.model_vars
    return {name: [float(f"{v:.6g}") for v in data[name]] for name in ("shadow_share", "it_influence")}


def _slider(page, label: str):
    """The slider whose label is `label: VALUE` (the page shows each slider's value in its label)."""
    box = page.locator(".v-input").filter(
        has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}: "))
    )
    return box.get_by_role("slider")


def _choose(page, label: str, option: str) -> None:
    page.locator(".v-select").filter(has=page.locator("label", has_text=label)).click()
    page.get_by_role("option", name=option, exact=True).click()


def _step(page, month: int, clicks: list[float]) -> None:
    started = time.perf_counter()
    page.get_by_role("button", name="Step").click()
    page.get_by_text(f"Month {month} (").wait_for(timeout=30_000)
    clicks.append(time.perf_counter() - started)


def test_page_steps_and_follows_sliders(server, tmp_path):
    failed: list[str] = []
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh profile
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": 1600, "height": 1100},
        )
        try:
            page = context.new_page()
            page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
            page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.goto(server)
            page.get_by_text("Month 0 (").wait_for(timeout=90_000)
            assert len(_series(page, "shadow_share")) == 1

            clicks: list[float] = []
            for month in range(1, STEPS + 1):
                _step(page, month, clicks)
            before = {n: _series(page, n) for n in ("shadow_share", "it_influence")}
            assert before == _expected(STEPS)
            headline = page.locator(".orgsim-headline").inner_text()
            assert headline.startswith(
                f"Apr 2012 (month {STEPS}): shadow share {before['shadow_share'][-1]:.3f}"
            )
            for mesa_internal in ("Play Interval", "Render Interval", "Use Threads", "Information", "Page 0"):
                assert page.get_by_text(mesa_internal).count() == 0, mesa_internal
            assert _slider(page, "Seed").count() == 1  # the seed slider shows its value in its label

            # move two sliders with the keyboard, then Reset applies them (Mesa's convention)
            moved = _moved_budget(4)
            budget = _slider(page, "IT budget (k USD/year)")
            budget.focus()
            for _ in range(4):
                budget.press("ArrowRight")  # four steps up from the default
            seed = _slider(page, "Seed")
            seed.focus()
            seed.press("ArrowRight")  # 0 -> 1
            page.get_by_role("button", name="Reset").click()
            page.get_by_text(f"Overrides: it.budget={moved!r} seed=1").wait_for(timeout=30_000)
            page.get_by_text("Month 0 (").wait_for(timeout=30_000)
            for month in range(1, STEPS + 1):
                _step(page, month, clicks)
            after = {n: _series(page, n) for n in ("shadow_share", "it_influence")}
            assert after == _expected(STEPS, it_budget=moved, seed=1)
            assert after != before
            assert f"IT budget (k USD/year): {moved:g}" in page.locator(".orgsim-settings").inner_text()

            # play runs on by itself; pause stops it where it is
            page.get_by_role("button", name="▶").click()
            page.wait_for_function(
                MONTH_AT_LEAST, arg=PLAY_TO, timeout=120_000
            )  # may pass months between frames
            page.get_by_role("button", name="❚❚").click()
            page.get_by_role("button", name="▶").wait_for(timeout=30_000)
            page.wait_for_timeout(1000)
            played = {n: _series(page, n) for n in ("shadow_share", "it_influence")}
            month = len(played["shadow_share"]) - 1
            assert month >= PLAY_TO
            assert page.locator(".orgsim-status").inner_text().startswith(f"Month {month} (")
            assert played == _expected(month, it_budget=moved, seed=1)
            for selector in (".orgsim-channels polygon.series", ".orgsim-network .node", ".orgsim-table tr"):
                assert page.locator(selector).count() > 0, selector

            # a policy with its own governance stance, then Reset: the chooser and the run agree
            from orgsim.config.compose import load_settings
            from orgsim.viz.model import FOLLOW

            _choose(page, "IT policy", "laissez_faire")
            page.get_by_role("button", name="Reset").click()
            page.get_by_text("policy=laissez_faire").first.wait_for(timeout=30_000)
            stance = load_settings(["policy=laissez_faire"]).policy.governance
            governance = page.locator(".v-select").filter(
                has=page.locator("label", has_text="Governance strictness")
            )
            assert FOLLOW in governance.inner_text()
            assert f"Governance strictness: {stance}" in page.locator(".orgsim-settings").inner_text()
            for month in range(1, 25):
                _step(page, month, clicks)

            ARTIFACTS.mkdir(exist_ok=True)
            shot = ARTIFACTS / "viz_page.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            context.close()
    assert failed == [], "requests failed (offline assets incomplete?)"
    assert shot.stat().st_size > 10_000
    print(f"\nscreenshot: {shot.resolve()}")
    print(f"browser: Step click to new month shown, median {sorted(clicks)[len(clicks) // 2] * 1000:.0f} ms")
