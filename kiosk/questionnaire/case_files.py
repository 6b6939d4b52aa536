"""Which file holds a questionnaire's test cases: ``x.cases.yaml`` beside ``x.yaml``.

Plain path rules with no imports beyond :mod:`pathlib`, so the kiosk can use them
before the questionnaire format loads (start-up draws the first screen first).
"""

from __future__ import annotations

from pathlib import Path

CASES_SUFFIX = ".cases.yaml"


def is_cases_file(path: str | Path) -> bool:
    """True for a test-cases file (``*.cases.yaml``): never a questionnaire to offer or load."""
    return Path(path).name.endswith(CASES_SUFFIX)


def cases_path(questionnaire_path: str | Path) -> Path:
    """Where the test cases of a questionnaire file live: ``x.yaml`` -> ``x.cases.yaml``."""
    path = Path(questionnaire_path)
    return path.with_name(path.name.removesuffix(path.suffix) + CASES_SUFFIX)


def questionnaire_path(cases_file: str | Path) -> Path:
    """The questionnaire a cases file belongs to: ``x.cases.yaml`` -> ``x.yaml``."""
    path = Path(cases_file)
    return path.with_name(path.name.removesuffix(CASES_SUFFIX) + ".yaml")
