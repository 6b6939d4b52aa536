"""The kiosk set-up guide tells the truth: its `kiosk config` examples print what it shows.

(`kiosk` itself and `kiosk preview` are run in a real terminal by test_kiosk_cli.py;
the "Tablets in a browser" section is checked by tests/web/test_tablet_doc.py.)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "tablet-setup.md"
BIN = Path(sys.executable).parent


def config_examples() -> list[tuple[str, list[str]]]:
    """(command line, the output lines shown) of every `kiosk config` console example."""
    text = GUIDE.read_text(encoding="utf-8")
    examples: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                examples.append((line[2:], []))
            elif examples:
                examples[-1][1].append(line)
    return [(command, shown) for command, shown in examples if "kiosk config" in command]


def test_every_config_example_prints_what_the_guide_shows(tmp_path: Path) -> None:
    examples = config_examples()
    assert len(examples) >= 5
    env = {key: value for key, value in os.environ.items() if not key.startswith("KIOSK_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    for command, shown in examples:  # in the guide's order: later ones see earlier settings
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, text=True,
                              capture_output=True, timeout=60)
        assert done.returncode == 0, f"{command}: {done.stderr}"
        printed = done.stdout.replace(str(tmp_path.resolve()), ".").splitlines()
        assert printed == shown, command
