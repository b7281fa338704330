"""mkdocs hooks: the pages that must not drift from the code are generated at build time.

- every command page ends with `orgsim CMD --help` as the command prints it (`<!-- orgsim-help: CMD -->`);
- outcomes.md is the outcome registry (orgsim/outcomes.py), one row per outcome;
- findings.md is experiments/REPORT.md, with its figures; benchmarks.md is benchmarks/RESULTS.md;
- tutorials.md lists the tutorials (tutorials/*.py) with their first docstring lines and their code.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]
HELP = re.compile(r"<!-- orgsim-help: (\w+) -->")


def _help(command: str) -> str:
    from orgsim import cli

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli.main([command, "--help"])
    return "```text\n" + out.getvalue().rstrip() + "\n```"


def outcomes_page() -> str:
    from orgsim.outcomes import OUTCOMES

    rows = ["| outcome | table | meaning | unit | better |", "|---|---|---|---|---|"]
    for scope, outcomes in OUTCOMES.items():
        for name, o in outcomes.items():
            meaning = o.meaning.replace("|", "/").replace("\n", " ")
            rows.append(f"| `{name}` | {scope} | {meaning} | {o.unit or ''} | {o.direction or ''} |")
    return (
        "# Outcomes\n\nGenerated from the outcome registry (`orgsim/outcomes.py`) when the site is built, so it "
        "cannot drift from what the model reports, the run summary holds and the plots label.\n\n"
        + "\n".join(rows)
        + "\n"
    )


def tutorials_page() -> str:
    parts = [
        "# Tutorials\n\nScripts in `tutorials/` (jupytext percent format: run them with `python`, or open them "
        "in Jupyter). `ORGSIM_TUTORIAL_SIZE=small` runs each in seconds; the test suite runs them so.\n"
    ]
    for path in sorted((ROOT / "tutorials").glob("*.py")):
        parts.append(f"## {path.stem}\n\n```python\n{path.read_text().rstrip()}\n```\n")
    return "\n".join(parts)


def on_files(files, config):
    """Add the generated pages, the report and its figures."""
    report = (ROOT / "experiments" / "REPORT.md").read_text()
    generated = {
        "outcomes.md": outcomes_page(),
        "findings.md": report,
        "benchmarks.md": (ROOT / "benchmarks" / "RESULTS.md").read_text(),
        "tutorials.md": tutorials_page(),
    }
    for uri, content in generated.items():
        files.append(File.generated(config, uri, content=content))
    for image in sorted(set(re.findall(r"\]\((results/[^)]+\.png)\)", report))):
        source = ROOT / "experiments" / image
        if source.is_file():
            files.append(File.generated(config, image, abs_src_path=str(source)))
    return files


def on_page_markdown(markdown, page, config, files):
    return HELP.sub(lambda m: _help(m.group(1)), markdown)
