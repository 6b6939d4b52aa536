"""One patient across visits in the store: linking at save, history, split and merge."""

from __future__ import annotations

import json
import os
import random
import signal
import stat
import time
from contextlib import suppress
from pathlib import Path

import pytest
from patients_fixture import roles_questionnaire, visit
from test_store_helpers import intake, small_questionnaire

from kiosk.patients import identity, link_key, normalized_name
from kiosk.questionnaire.model import Questionnaire
from kiosk.storage import records
from kiosk.storage.layout import INDEX
from kiosk.storage.sealing import CLEAR
from kiosk.store import Store, StoreError


@pytest.fixture
def questionnaire(tmp_path: Path) -> Questionnaire:
    return roles_questionnaire(tmp_path)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


def saved(store: Store, questionnaire: Questionnaire, *args: object, **options: object):  # type: ignore[no-untyped-def]
    record = visit(questionnaire, *args, **options)  # type: ignore[arg-type]
    store.save_intake(record, questionnaire)
    return record


# --- the pure part ---------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "normalized"), [
    ("José Núñez-García", "jose nunez garcia"),
    ("jose NUNEZ garcia ", "jose nunez garcia"),
    ("Søren Łukasz Đorđe Straße Æsa Œuvre Þór Iıldız", "soren lukasz dorde strasse aesa "
                                                        "oeuvre thor iildiz"),
    ("  O'Brien,   Mary-Ann. ", "o brien mary ann"),
    ("ＡＮＡ", "ana"),  # full-width letters, as some tablets' keyboards type
    ("- . ,", ""),
])
def test_names_are_compared_as_a_person_would_read_them(typed: str, normalized: str) -> None:
    assert normalized_name(typed) == normalized


def test_the_link_key_is_a_keyed_hash_that_needs_a_name_and_a_birth_date() -> None:
    secret = b"s" * 32
    key = link_key(secret, "José Núñez-García", "1980-04-02")
    assert key == link_key(secret, "jose NUNEZ garcia ", "1980-04-02")
    assert key is not None and len(key) == 64 and "jose" not in key
    assert key != link_key(b"t" * 32, "José Núñez-García", "1980-04-02")
    assert key != link_key(secret, "José Núñez-García", "1980-04-03")
    assert link_key(secret, "--", "1980-04-02") is None
    assert link_key(secret, "José", None) is None
    assert link_key(secret, "José", "not a date") is None


def test_identity_reads_the_items_with_roles(questionnaire: Questionnaire) -> None:
    record = visit(questionnaire, "Ana Diaz", "1990-01-31")
    assert identity(questionnaire, record.answers) == ("Ana Diaz", "1990-01-31")
    assert identity(questionnaire, {}) == (None, None)


# --- linking at save -------------------------------------------------------------------

def test_visits_link_across_spellings_and_history_is_oldest_first(
        store: Store, questionnaire: Questionnaire) -> None:
    second = saved(store, questionnaire, "jose NUNEZ garcia ", days_ago=7)
    third = saved(store, questionnaire, "JOSÉ NÚÑEZ GARCÍA", days_ago=0)
    first = saved(store, questionnaire, "José Núñez-García", days_ago=14)  # brought in late
    assert second.patient is not None
    assert first.patient == second.patient == third.patient
    assert store.get_intake(first.id).patient == second.patient
    assert [v.id for v in store.patient_visits(second.patient)] == [first.id, second.id,
                                                                    third.id]


def test_no_link_across_birth_dates_or_for_names_that_normalise_to_nothing(
        store: Store, questionnaire: Questionnaire) -> None:
    one = saved(store, questionnaire, "Ana Diaz", "1990-01-31")
    other_birthday = saved(store, questionnaire, "Ana Diaz", "1990-01-30")
    assert one.patient != other_birthday.patient
    blank = [saved(store, questionnaire, "- -", "1990-01-31") for _ in range(2)]
    no_birth_date = [saved(store, questionnaire, "Ana Diaz", None) for _ in range(2)]
    patients = {one.patient, other_birthday.patient,
                *(r.patient for r in blank + no_birth_date)}
    assert None not in patients and len(patients) == 6  # each a patient of its own
    for record in blank:
        assert [v.id for v in store.patient_visits(str(record.patient))] == [record.id]


def test_a_questionnaire_without_roles_gives_each_visit_its_own_patient(
        store: Store, tmp_path: Path) -> None:
    plain = small_questionnaire(tmp_path)
    records = [intake(plain, "Ana Diaz") for _ in range(2)]
    for record in records:
        store.save_intake(record, plain)
    assert records[0].patient != records[1].patient


def test_the_index_holds_no_name_or_birth_date_in_clear(
        store: Store, questionnaire: Questionnaire) -> None:
    saved(store, questionnaire, "Zoë Quartermaine", "1971-03-09", days_ago=3)
    saved(store, questionnaire, "zoe quartermaine", "1971-03-09")
    files = [path for path in (store.root / INDEX).rglob("*") if path.is_file()]
    assert any("patients" in path.parts for path in files)
    for path in files:
        raw = path.read_bytes().lower()
        for secret_word in (b"quartermaine", "zoë".encode(), b"zoe", b"1971", b"03-09"):
            assert secret_word not in raw, path
    secret_file = store.root / "documents" / "patient-link-secret.json"
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    assert len(bytes.fromhex(json.loads(secret_file.read_text())["secret"])) == 32


# --- split and merge -------------------------------------------------------------------

def test_a_split_visit_gets_a_patient_of_its_own_and_is_audited(
        store: Store, questionnaire: Questionnaire) -> None:
    first = saved(store, questionnaire, days_ago=14)
    second = saved(store, questionnaire, days_ago=7)
    assert first.patient == second.patient
    old = str(first.patient)
    split = store.split_visit(second.short_code, "dr.lee")
    assert split.id == second.id and split.patient not in (None, old)
    assert store.get_intake(second.id).patient == split.patient
    assert [v.id for v in store.patient_visits(old)] == [first.id]
    assert [v.id for v in store.patient_visits(str(split.patient))] == [second.id]
    events = [e for e in store.audit_events(second.id) if e.action == "split"]
    assert [(e.actor, e.detail) for e in events] == [("dr.lee",
                                                      f"patient {old} -> {split.patient}")]
    # The split visit was the latest with that name and birth date: the next one joins it.
    third = saved(store, questionnaire)
    assert third.patient == split.patient
    with pytest.raises(StoreError, match="only visit"):
        store.split_visit(first.id, "dr.lee")


def test_merging_moves_every_visit_of_the_other_patient_and_audits_each(
        store: Store, questionnaire: Questionnaire) -> None:
    kept = saved(store, questionnaire, "Ana Diaz", "1990-01-31", days_ago=21)
    typo = [saved(store, questionnaire, "Ana Dias", "1990-01-31", days_ago=d) for d in (14, 7)]
    gone = str(typo[0].patient)
    assert kept.patient != gone and typo[1].patient == gone
    assert store.merge_patients(kept.id, typo[1].short_code, "dr.lee") == kept.patient
    history = store.patient_visits(str(kept.patient))
    assert [v.id for v in history] == [kept.id, typo[0].id, typo[1].id]
    assert store.patient_visits(gone) == []
    for record in typo:
        assert [(e.action, e.actor, e.detail) for e in store.audit_events(record.id)] == [
            ("merge", "dr.lee", f"patient {gone} -> {kept.patient}")]
    assert store.audit_events(kept.id) == []
    # The misspelt name now leads to the kept patient too.
    assert saved(store, questionnaire, "ana dias", "1990-01-31").patient == kept.patient
    assert store.merge_patients(kept.id, typo[0].id, "dr.lee") == kept.patient  # no-op


def test_a_record_saved_before_linking_can_be_merged_in_and_stays_out_of_a_rebuild(
        store: Store, questionnaire: Questionnaire) -> None:
    known = saved(store, questionnaire, "Ana Diaz", days_ago=7)
    old = visit(questionnaire, "Ana Diaz", days_ago=30)
    store.save_intake(visit(questionnaire, "Bo Li"), questionnaire)  # keeps its questionnaire
    with store.locked():
        records.save(store.root, old, codec=CLEAR)  # as saved before linking was
    assert store.get_intake(old.id).patient is None
    assert store.rebuild_patient_index() == (2, 2)  # the old record stays out
    with pytest.raises(StoreError, match="merged with itself"):
        store.merge_patients(old.id, old.id, "dr.lee")
    assert store.merge_patients(known.id, old.short_code, "dr.lee") == known.patient
    assert [v.id for v in store.patient_visits(str(known.patient))] == [old.id, known.id]
    assert [(e.action, e.detail) for e in store.audit_events(old.id)] == [
        ("merge", f"patient None -> {known.patient}")]


def test_a_rebuild_gives_the_same_index_and_keeps_splits_and_merges(
        store: Store, questionnaire: Questionnaire) -> None:
    records = [saved(store, questionnaire, name, days_ago=days) for name, days in
               (("Ana Diaz", 30), ("Ana Dias", 20), ("Bo Li", 15), ("Ana Diaz", 10),
                ("Bo Li", 5), ("-", 4))]
    store.merge_patients(records[0].id, records[1].id, "dr.lee")
    store.split_visit(records[4].id, "dr.lee")
    before = index_files(store)
    assert store.check().problems == []
    stale = store.root / INDEX / "patients" / "keys" / "zz.json"
    stale.write_text('{"ab": "somebody"}')
    bucket = store.root / INDEX / "patients" / "visits" / f"{str(records[2].patient)[:2]}.json"
    bucket.write_text("{}")  # Bo Li's first visit's entry lost
    damaged = store.root / INDEX / "patients" / "visits" / f"{str(records[0].patient)[:2]}.json"
    if damaged != bucket:
        damaged.write_bytes(damaged.read_bytes()[:5])  # a torn bucket: Ana's visits
    found = store.check().problems
    assert {problem.path for problem in found} == {stale, bucket, damaged}
    assert all(problem.repairable for problem in found)
    repaired = store.check(repair=True)
    assert repaired.left == [] and len(repaired.moved) == len({stale, bucket, damaged})
    assert all((store.root / "damaged").rglob(f"{path.name}.*") for path in repaired.moved)
    assert index_files(store) == before and store.check().problems == []
    assert store.rebuild_patient_index() == (4, 6)
    assert index_files(store) == before
    next_bo = saved(store, questionnaire, "Bo Li")
    assert next_bo.patient == store.get_intake(records[4].id).patient


def index_files(store: Store) -> dict[str, object]:
    folder = store.root / INDEX / "patients"
    found: dict[str, object] = {}
    for path in sorted(folder.rglob("*.json")):
        entries = json.loads(path.read_text())
        if not entries:
            continue  # a bucket whose last patient merged away: no different from none
        found[str(path.relative_to(folder))] = {
            key: sorted(value) if isinstance(value, list) else value
            for key, value in entries.items()}
    return found


# --- crashes ---------------------------------------------------------------------------

CRASH_ROUNDS = 12
NAMES = ("Ana Diaz", "ana díaz", "Bo Li", "Cy Ode")


def link_until_killed(store: Store, questionnaire: Questionnaire, out: int,
                      mine: list[str]) -> None:
    """Saves of a few people's visits, with a split or a merge every few saves, forever,
    going on from the saves ``mine`` of earlier rounds; each line written to ``out`` is an
    acknowledged save."""
    os.write(out, b"ready\n")
    for n in range(len(mine), 10**9):
        record = visit(questionnaire, NAMES[n % len(NAMES)], days_ago=0)
        store.save_intake(record, questionnaire)
        mine.append(record.id)
        os.write(out, f"{record.id}\n".encode())
        if n % 3 == 1:
            with suppress(StoreError):  # its patient's only visit: nothing to split
                store.split_visit(mine[-1], "dr.lee")
        if n % 3 == 2:
            store.merge_patients(mine[-1], mine[-3], "dr.lee")


def test_a_kill_at_any_instant_leaves_every_visit_under_its_own_patient(
        questionnaire: Questionnaire, tmp_path: Path) -> None:
    data = tmp_path / "data"
    acknowledged: list[str] = []
    rng = random.Random()
    for _ in range(CRASH_ROUNDS):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            try:
                os.close(read_end)
                link_until_killed(Store(data), questionnaire, write_end, acknowledged)
            finally:
                os._exit(1)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as output:
            assert output.readline() == b"ready\n"
            first = output.readline()  # in its loop, however slow the machine: kill among it
            time.sleep(rng.uniform(0.02, 0.3))
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            acknowledged += (first + output.read()).decode().split()
    store = Store(data)
    actions = {event.action for event in store.audit_events()}
    # The kills landed among saves, splits and merges (how many of each varies with load).
    assert len(acknowledged) >= CRASH_ROUNDS and actions & {"split", "merge"}
    stored = store.list_intakes()
    assert {record.id for record in stored} >= set(acknowledged)
    # The index and the records agree, whatever the kill cut short, and after a rebuild.
    expected: dict[str, list[str]] = {}
    for record in sorted(stored, key=lambda r: (r.submitted_at, r.id)):
        assert record.patient is not None
        expected.setdefault(record.patient, []).append(record.id)
    for _ in ("as saved", "rebuilt"):
        for patient, record_ids in expected.items():
            assert [v.id for v in store.patient_visits(patient)] == record_ids
        store.rebuild_patient_index()
