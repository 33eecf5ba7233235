"""The documentation stands alone and says what the code does: docs/events.md is the registry's,
the README's settings table lists every setting with its variable and default, and nothing
points outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic_core import PydanticUndefined

from itvision import bootstrap
from itvision.settings import ENV_PREFIX, Settings
from itvision.topic_docs import REGENERATE, events_markdown

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def test_events_md_is_generated_from_the_registry():
    expected = events_markdown(bootstrap.registry())
    actual = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    assert actual == expected, f"docs/events.md is stale: run `{REGENERATE}`"


def test_events_md_documents_the_envelope_and_every_topic_payload():
    text = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    assert REGENERATE in text.split("## Envelope")[0]
    for field in ("id", "type", "version", "source", "key", "timestamp", "correlationId"):
        assert f"| `{field}` |" in text
    for topic in bootstrap.registry():
        assert f"### {topic.name}\n" in text
    assert "| `finalPrice` | integer | yes |" in text  # camelCase, typed


def _settings_rows() -> dict[str, str]:
    """`{variable: default cell}` of the README's settings table."""
    rows = re.findall(r"^\| `(ITVISION_[A-Z_]+)` \| ([^|]*) \|", README.read_text(), re.M)
    return {name: default.strip() for name, default in rows}


def _shown(default: object) -> str:
    if default is None:
        return "none"
    if default == "":
        return "empty"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, float):
        return f"`{default:g}`"
    if isinstance(default, Path):
        return f"`./{default}`"
    return f"`{default}`"


def test_the_readme_lists_every_setting_with_its_variable_and_default():
    rows = _settings_rows()
    for name, field in Settings.model_fields.items():
        variable = f"{ENV_PREFIX}{name.upper()}"
        assert variable in rows, f"{variable} is missing from the README's settings table"
        assert field.default is not PydanticUndefined
        assert rows[variable].startswith(_shown(field.default)), (variable, rows[variable])
    documented = {f"{ENV_PREFIX}{name.upper()}" for name in Settings.model_fields}
    assert set(rows) == documented, "the README documents a setting that does not exist"


def test_the_docs_link_nothing_outside_the_repository():
    for path in [README, *sorted((ROOT / "docs").rglob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text, path
        for target in re.findall(r"\]\(([^)#]+)[^)]*\)", text):
            if not target.startswith(("http://", "https://")):
                assert (path.parent / target).exists(), f"{path.name} links to missing {target}"


def test_the_benchmarks_name_no_machine_path():
    for script in sorted((ROOT / "benchmarks").glob("*.py")):
        head = "".join(script.read_text(encoding="utf-8").splitlines(keepends=True)[:10])
        assert "/work/" not in head and "venv/bin" not in head, script.name
        assert f"python benchmarks/{script.name}" in head, script.name
