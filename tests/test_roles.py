"""Which items say who the patient is (role: name, birth_date, phone): checked when a file
loads, found by ``Questionnaire.item_with_role``, and declared by both bundled files."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from follow_up_fixture import FOLLOW_UP

from kiosk.paths import BUNDLED_QUESTIONNAIRE, REPO_ROOT
from kiosk.questionnaire.checks import identity_warnings
from kiosk.questionnaire.loader import load_questionnaire, read_questionnaire

HEADER = """\
id: roles-check
version: 1
title: Roles check
sections:
  - id: about_you
    title: About you
    items:
"""
NAME = """\
      - id: full_name
        type: text
        label: Your full name
        role: name
"""
BIRTH_DATE = """\
      - id: date_of_birth
        type: date
        label: Your date of birth
        role: birth_date
"""
PHONE = """\
      - id: phone
        type: text
        label: Your phone number
        role: phone
"""


@pytest.mark.parametrize("path", [BUNDLED_QUESTIONNAIRE, FOLLOW_UP], ids=["first", "follow-up"])
def test_both_bundled_files_say_where_the_name_and_birth_date_are(path: Path) -> None:
    questionnaire = load_questionnaire(path)
    found = {role: getattr(questionnaire.item_with_role(role), "id", None)
             for role in ("name", "birth_date", "phone")}
    phone = "phone" if path == BUNDLED_QUESTIONNAIRE else None
    assert found == {"name": "full_name", "birth_date": "date_of_birth", "phone": phone}
    assert identity_warnings(questionnaire) == []


def test_a_file_with_every_role_loads_and_finds_each_item(write_yaml: Callable[..., Path]):
    questionnaire = load_questionnaire(write_yaml(HEADER + NAME + BIRTH_DATE + PHONE))
    assert [questionnaire.item_with_role(role).id  # type: ignore[union-attr]
            for role in ("name", "birth_date", "phone")] == ["full_name", "date_of_birth",
                                                             "phone"]


def test_a_file_without_roles_finds_none(write_yaml: Callable[..., Path]) -> None:
    questionnaire = load_questionnaire(write_yaml(HEADER + NAME.replace("        role: name\n",
                                                                        "")))
    assert questionnaire.item_with_role("name") is None
    assert [problem.message.split(",")[0] for problem in identity_warnings(questionnaire)] == [
        "no item has 'role: name'", "no item has 'role: birth_date'"]


@pytest.mark.parametrize(("items", "expected"), [
    (NAME + NAME.replace("full_name", "nickname"),
     ["15: item 'nickname': role 'name' is already given to item 'full_name'; "
      "each role may be on one item only"]),
    (NAME + BIRTH_DATE + BIRTH_DATE.replace("date_of_birth", "birthday"),
     ["19: item 'birthday': role 'birth_date' is already given to item 'date_of_birth'; "
      "each role may be on one item only"]),
    (NAME.replace("type: text", "type: long_text"),
     ["11: item 'full_name': role 'name' needs a 'text' item, not a 'long_text' item"]),
    (BIRTH_DATE.replace("type: date", "type: text"),
     ["11: item 'date_of_birth': role 'birth_date' needs a 'date' item, not a 'text' item"]),
    (PHONE.replace("type: text", "type: number"),
     ["11: item 'phone': role 'phone' needs a 'text' item, not a 'number' item"]),
    (NAME.replace("role: name", "role: birthday"),
     ["11: item 'full_name': role: must be 'name', 'birth_date' or 'phone' (found 'birthday')"]),
], ids=["name-twice", "birth-date-twice", "name-on-long-text", "birth-date-on-text",
        "phone-on-number", "unknown-role"])
def test_a_misplaced_role_is_an_error_with_its_line(write_yaml: Callable[..., Path],
                                                    items: str, expected: list[str]) -> None:
    path = write_yaml(HEADER + items)
    result = read_questionnaire(path)
    assert result.questionnaire is None
    assert [str(problem) for problem in result.errors] == [f"{path}:{line}" for line in expected]


def test_the_bundled_pair_validates_clean_as_the_readme_says() -> None:
    done = subprocess.run([str(Path(sys.executable).with_name("kiosk")), "validate",
                           "questionnaires/dry-needling.yaml", "questionnaires/follow-up.yaml"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "questionnaires/dry-needling.yaml: OK, 'dry-needling-intake' version 1, 10 sections, "
        "81 items, 58 cases passed",
        "questionnaires/follow-up.yaml: OK, 'dry-needling-follow-up' version 1, 5 sections, "
        "22 items, 22 cases passed"]
