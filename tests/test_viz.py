"""The page's model, views and command without a browser (test_viz_browser.py drives the real page)."""

from __future__ import annotations

import io
import re
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgsim.cli import main
from orgsim.config.compose import compose, load_settings
from orgsim.model import metrics
from orgsim.runner import replicate_seeds
from orgsim.viz import assets, views
from orgsim.viz.model import CONTROLS, FOLLOW, PageOrganization, page_overrides, starting_values

ONE_YEAR = ("years=1",)


@pytest.mark.slow
def test_page_model_matches_orgsim_run_first_year(tmp_path):
    from orgsim.commands.run import run_job

    page = PageOrganization(cio_willingness=0.8, it_budget=5000.0, policy="broker", seed=3, base=ONE_YEAR)
    assert page.overrides == [
        "years=1",
        "policy=broker",
        "it.cio.willingness=0.8",
        "it.budget=5000.0",
        "seed=3",
    ]
    page.run()
    shown = page.datacollector.get_model_vars_dataframe().reset_index(drop=True)

    overrides = [*page.overrides, "replicates=1", "workers=1"]
    run_job(compose(overrides), tmp_path)
    ran = pd.read_parquet(tmp_path / "timeseries.parquet")
    assert ran["seed"].unique().tolist() == [replicate_seeds(3, 1)[0]]
    assert len(shown) == len(ran) == 13  # months 0..12
    pd.testing.assert_frame_equal(shown, ran[list(shown.columns)], check_dtype=False)


@pytest.mark.slow
def test_controls_start_at_the_composed_config_and_add_only_what_changed():
    start = starting_values(["scenario=locked_down", "it.budget=5000"])
    assert start["scenario_name"] == "locked_down"
    assert start["governance"] == FOLLOW  # the scenario's own stance (strict) until a student picks one
    assert starting_values(["policy.governance=enabling"])["governance"] == "enabling"
    assert start["it_budget"] == 5000.0
    assert set(start) == {c.name for c in CONTROLS}
    assert page_overrides({"it_budget": 5000.0}, ["scenario=locked_down", "it.budget=5000"]) == [
        "scenario=locked_down",
        "it.budget=5000",
    ]
    assert page_overrides({"cloud_push": 0.1 + 0.2}) == ["environment.cloud_push=0.3"]
    assert page_overrides({"governance": FOLLOW, "policy": "laissez_faire"}) == ["policy=laissez_faire"]
    assert page_overrides({"governance": "strict"}) == ["policy.governance=strict"]
    with pytest.raises(KeyError, match="unknown control"):
        page_overrides({"capacity": 3})


@pytest.mark.slow
def test_the_governance_chooser_never_contradicts_the_stance_the_organization_runs_with():
    # laissez-faire brings its own stance; a chooser left "as set" must not pin the default's
    model = PageOrganization(policy="laissez_faire", base=ONE_YEAR)
    shown = views.settings_text(model, CONTROLS)
    assert f"Governance strictness: {model.setting.policy.governance}" in shown
    assert model.setting.policy.governance == load_settings(["policy=laissez_faire"]).policy.governance
    assert PageOrganization(governance="strict", base=ONE_YEAR).setting.policy.governance == "strict"


def test_every_slider_shows_its_value_and_starts_on_its_grid():
    pytest.importorskip("solara", reason="needs the viz extra: pip install -e '.[viz]'")
    from orgsim.viz import app

    params = app.model_params(())
    sliders = {k: v for k, v in params.items() if isinstance(v, dict) and v["type"].startswith("Slider")}
    assert "seed" in sliders
    for spec in sliders.values():
        assert app._decimals(spec["step"]) >= app._decimals(spec["value"])  # the browser rounds to the step
        assert ((spec["value"] - spec["min"]) / spec["step"]) == pytest.approx(
            round((spec["value"] - spec["min"]) / spec["step"]), abs=1e-6
        )
        assert app.slider_label(spec["label"], spec["value"]).endswith(f": {spec['value']:g}")
    assert app.slider_label("Seed", 3) == "Seed: 3"


def test_the_page_speaks_in_words_and_calendar_time():
    model = PageOrganization(base=ONE_YEAR)
    chart = views.trajectory_svg(model)
    assert ">IT influence</text>" in chart and ">shadow share</text>" in chart  # legend from the registry
    assert ">2012</text>" in chart and ">year</text>" in chart
    assert chart.count('class="now"') >= 2  # month 0 shows the starting state as points
    assert 'class="series"' in views.channel_svg(model)
    assert views.headline_text(model).startswith("Jan 2012 (month 0): shadow share ")
    glossary = views.glossary_html()
    for term in ("BYOT", "Shadow", "IT influence", "IT spend share", "Seed"):
        assert f"<dt>{term}</dt>" in glossary
    colours = [views.HEADLINE_COLOURS[0], *views.COMPONENT_COLOURS]

    def rgb(c):
        return np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)

    red = rgb(views.HEADLINE_COLOURS[0])
    assert min(np.abs(rgb(c) - red).sum() for c in colours[1:]) > 150  # nothing near the shadow red


@pytest.mark.slow
def test_untouched_controls_keep_the_chosen_scenarios_values():
    model = PageOrganization(scenario_name="locked_down")
    assert model.overrides == ["scenario=locked_down"]
    assert model.setting.policy.governance == "strict"


def test_page_stops_playing_at_the_horizon():
    model = PageOrganization(base=ONE_YEAR)
    for _ in range(11):
        model.step()
    assert model.running
    model.step()
    assert not model.running


def test_views_draw_what_the_model_reports():
    model = PageOrganization(base=ONE_YEAR)
    for _ in range(3):
        model.step()
    trajectories = views.trajectory_svg(model)
    drawn = {n for n in (*views.HEADLINE, *views.ROLE_COMPONENTS) if n in metrics.MODEL_REPORTERS}
    assert drawn >= {"shadow_share", "it_influence"}
    for name in drawn:
        assert f'data-series="{name}"' in trajectories
    for role, level in views.thresholds(model).items():
        assert f'data-threshold="{role}" data-level="{level:g}"' in trajectories
    assert set(views.thresholds(model).values()) == {
        model.setting.metrics.strategic_threshold,
        model.setting.metrics.custodian_threshold,
    }
    channel_chart = views.channel_svg(model)
    assert views.channels() == ["sanctioned", "brokered", "byot", "shadow"]
    for channel in views.channels():
        assert f'data-series="{channel}"' in channel_chart
    network = views.network_svg(model, views.network_layout(model))
    assert network.count('class="node"') == len(model.department_names) + 1  # and IT
    table = views.department_table_html(model)
    assert table.count("<tr>") == len(model.department_names) + 1  # and the header
    status = views.status_text(model)
    assert status.startswith("Month 3 (Apr 2012). IT is a")
    assert "Technology leader:" in status


def test_outside_share_counts_byot_and_shadow():
    row = {
        "deployments_sanctioned": 1,
        "deployments_brokered": 1,
        "deployments_byot": 1,
        "deployments_shadow": 1,
    }
    assert views.outside_share(row) == 0.5
    assert views.outside_share(dict.fromkeys(row, 0)) == 0.0


@pytest.mark.slow
def test_page_steps_server_side():
    solara = pytest.importorskip("solara", reason="needs the viz extra: pip install -e '.[viz]'")
    pytest.importorskip("altair", reason="needs the viz extra: pip install -e '.[viz]'")
    import ipyvuetify as v

    from orgsim.viz import app

    @solara.component
    def Layout():
        with solara.AppLayout():  # Mesa's controls live in the sidebar, which needs an app layout
            app.Page()

    _, rc = solara.render(Layout(), handle_error=False)
    for _ in range(3):
        rc.find(v.Btn, children=["Step"]).widget.click()
    assert rc.find(v.Html, class_="orgsim-status").widget.children[0].startswith("Month 3 (")
    rc.find(v.Select, label="Scenario").widget.v_model = "locked_down"
    rc.find(v.Btn, children=["Reset"]).widget.click()  # Reset applies the controls
    assert rc.find(v.Html, class_="orgsim-status").widget.children[0].startswith("Month 0 (")
    assert rc.find(v.Html, class_="orgsim-overrides").widget.children == ["Overrides: scenario=locked_down"]
    assert "Governance strictness: strict" in rc.find(v.Html, class_="orgsim-settings").widget.children[0]
    # laissez-faire and Reset: the chooser still says what the organization runs with
    rc.find(v.Select, label="IT policy").widget.v_model = "laissez_faire"
    rc.find(v.Btn, children=["Reset"]).widget.click()
    stance = load_settings(["scenario=locked_down", "policy=laissez_faire"]).policy.governance
    assert rc.find(v.Select, label="Governance strictness").widget.v_model == FOLLOW
    assert f"Governance strictness: {stance}" in rc.find(v.Html, class_="orgsim-settings").widget.children[0]
    # every slider names its value, the seed's included; none of Mesa's interval sliders or thread switch
    labels = [w.label for w in rc.find(v.Slider).widgets]
    assert "Seed: 0" in labels
    assert all(re.search(r": -?[0-9.e+-]+$", label) for label in labels), labels
    assert not any("Interval" in label for label in labels)
    assert not rc.find(v.Checkbox, label="Use Threads").widgets
    assert "<dt>BYOT</dt>" in repr(rc.find(v.Html).widgets)  # the glossary beside the charts


@pytest.mark.parametrize(
    "args, message",
    [
        (["viz", "port=http"], "orgsim viz: error: port must be an integer; got 'http'"),
        (["viz", "it.capasity=3"], "orgsim viz: error: unknown key 'it.capasity'"),
        (["viz", "prepare-assets", "seed=1"], "orgsim viz: error: prepare-assets takes only assets=DIR"),
        (
            ["viz", "-m", "policy=broker,laissez_faire"],
            "orgsim viz: error: unknown flag -m; orgsim viz takes --help",
        ),
    ],
)
def test_viz_command_rejects_bad_input_in_one_line(capsys, args, message):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert len(err.strip().splitlines()) == 1


def test_viz_command_says_when_the_extra_is_missing(capsys, monkeypatch):
    from orgsim.commands import viz

    monkeypatch.setattr(viz, "has_viz_extra", lambda: False)
    assert main(["viz", "port=8765"]) == 2
    assert (
        capsys.readouterr().err
        == "orgsim viz: error: the page needs the viz extra: pip install -e '.[viz]'\n"
    )


def test_unpacking_an_npm_tarball_stays_inside_the_cache(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in (("package/dist/main.js", b"ok"), ("package/../../evil.js", b"no")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("package/dist/link.js")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    tarball = tmp_path / "pkg.tgz"
    tarball.write_bytes(buffer.getvalue())
    assets._unpack(tarball, tmp_path / "cache" / "pkg@1.0.0")
    files = sorted(
        p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file() or p.is_symlink()
    )
    assert files == ["cache/pkg@1.0.0/dist/main.js", "pkg.tgz"]


def test_cache_holds_every_package_the_page_template_loads():
    pytest.importorskip("solara", reason="needs the viz extra: pip install -e '.[viz]'")
    import solara
    import solara.server.settings

    template = (Path(solara.__file__).parent / "server" / "templates" / "solara.html.j2").read_text()
    loaded = set(re.findall(r"\{\{cdn\}\}/((?:@[\w-]+/)?[\w.-]+)@([\w.-]+)/", template))
    fontawesome = solara.server.settings.assets.fontawesome_path.strip("/").split("/")[0]
    loaded.add(tuple(fontawesome.rsplit("@", 1)))
    assert len(loaded) >= 3
    assert loaded <= set(assets.packages().items())


def test_asset_versions_are_read_from_the_installed_solara(monkeypatch):
    pytest.importorskip("solara", reason="needs the viz extra: pip install -e '.[viz]'")
    monkeypatch.setattr(assets, "DEFAULT_PACKAGES", dict.fromkeys(assets.DEFAULT_PACKAGES, "0.0.0"))
    found = assets.packages()
    assert set(found) == set(assets.DEFAULT_PACKAGES)
    assert "0.0.0" not in found.values()


def test_the_page_says_in_its_own_line_when_it_has_no_local_assets(monkeypatch):
    from orgsim.viz import app, assets

    monkeypatch.setattr(assets, "find", lambda directory=None: None)
    assert app.assets_note() == app.MISSING_ASSETS and "prepare-assets" in app.assets_note()
    monkeypatch.setattr(assets, "find", lambda directory=None: assets.default_dir())
    assert app.assets_note() == ""
