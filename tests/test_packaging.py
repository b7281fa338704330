"""The wheel must carry every subpackage and the shipped configs (pyproject lists packages by hand)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject_lists_every_orgsim_package():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(pyproject["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "orgsim").rglob("__init__.py")}
    assert on_disk <= listed
    assert pyproject["tool"]["setuptools"]["package-dir"]["orgsim.configs"] == "configs"


def test_every_config_group_is_packaged_with_its_yaml_files():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(pyproject["tool"]["setuptools"]["packages"])
    configs = ROOT / "configs"
    groups = {"orgsim.configs." + p.name for p in configs.iterdir() if p.is_dir()}
    assert groups <= listed
    assert pyproject["tool"]["setuptools"]["package-data"]["*"] == ["*.yaml"]


def test_help_lists_every_shipped_option_of_every_group():
    import yaml

    config = yaml.safe_load((ROOT / "configs" / "config.yaml").read_text())
    template = config["hydra"]["help"]["template"]
    lines = {line.split(":")[0]: line for line in template.splitlines() if ":" in line}
    for group in ("scenario", "policy", "org", "catalogue"):
        listed = lines[group].split(":", 1)[1].replace("(default)", "").replace(" ", "").split(",")
        shipped = sorted(p.stem for p in (ROOT / "configs" / group).glob("*.yaml"))
        assert sorted(listed) == shipped, group
