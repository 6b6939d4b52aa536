"""Intakes reach the clinic's FHIR server once, through outages, with nothing lost: pushed
to a real in-process FHIR server (tests/fhir_server.py) over HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from answers_fixture import PATIENT_NAME
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from decisions_fixture import STOP, answers_with_every_level
from fhir_server import Behaviour, FhirTestServer, running_fhir_server
from filelock import FileLock
from sealed_fixture import PASSWORD, STAFF, kiosk_command, set_up_keys

from kiosk.cli import main
from kiosk.intake import Intake, build_intake
from kiosk.interop.fhir_push import PushBusy, Pusher, Tried, background_pusher
from kiosk.interop.fhir_settings import FhirTarget
from kiosk.paths import BUNDLED_QUESTIONNAIRE
from kiosk.questionnaire.loader import load_questionnaire
from kiosk.questionnaire.model import Questionnaire
from kiosk.storage import outbox
from kiosk.storage.backup import backed_up_files
from kiosk.storage.layout import PUSH_LOCK_FILE
from kiosk.store import Store

QUESTIONNAIRE = load_questionnaire(BUNDLED_QUESTIONNAIRE)
FHIRJS_DIR = Path(os.environ.get("KIOSK_FHIRJS_DIR",
                                 Path.home() / ".cache" / "intake-kiosk" / "fhirjs"))
REFUSAL = {"resourceType": "OperationOutcome", "issue": [{
    "severity": "error", "code": "business-rule", "expression": ["Patient.birthDate"],
    "diagnostics": "Patient rejected by the clinic's rule R7"}]}


@pytest.fixture(scope="module")
def server() -> Iterator[FhirTestServer]:
    with running_fhir_server() as running:
        yield running


@pytest.fixture
def fhir(server: FhirTestServer) -> FhirTestServer:
    with server.lock:
        server.plan.clear()
    server.released.clear()
    return server


class Clinic:
    """A data folder with the FHIR server set, and a way to push it in-process."""

    def __init__(self, folder: Path, server: FhirTestServer) -> None:
        self.data = folder / "data"
        self.server = server
        self.store = Store(self.data)
        assert main(["config", "set", "fhir_url", f"{server.url}/fhir/",
                     "--data", str(self.data)]) == 0

    def save(self, answers: dict[str, object] | None = None,
             questionnaire: Questionnaire = QUESTIONNAIRE) -> Intake:
        intake = build_intake(questionnaire, answers or answers_with_every_level())
        self.store.save_intake(intake, questionnaire)
        return intake

    def push(self, *, now: bool = True, timeout: float = 5.0,
             target: FhirTarget | None = None) -> list[Tried]:
        pusher = Pusher(self.store, target or FhirTarget(f"{self.server.url}/fhir", "none"),
                        timeout=timeout)
        return asyncio.run(pusher.push_owed(now_ignoring_backoff=now))

    def mine(self, kind: str, record: Intake) -> list[dict[str, Any]]:
        """The server's resources of that kind about this record."""
        return [r for r in self.server.of_type(kind) if record.id in json.dumps(r)]


@pytest.fixture
def clinic(tmp_path: Path, fhir: FhirTestServer) -> Clinic:
    return Clinic(tmp_path, fhir)


def requests_since(server: FhirTestServer, before: int) -> int:
    return len(server.bundles()) - before


def test_a_malformed_server_address_gets_one_clear_line(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "set", "fhir_url", "fhir.clinic.lan", "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err == ("kiosk: fhir_url: 'fhir.clinic.lan' is not a server address; it must look "
                   "like https://fhir.example.org/fhir or http://HOST:PORT/fhir\n")


def test_an_outage_then_recovery_delivers_each_intake_once_and_a_second_push_sends_nothing(
        clinic: Clinic, fhir: FhirTestServer) -> None:
    first, second = clinic.save(), clinic.save()
    before = len(fhir.bundles())
    fhir.answer_next(Behaviour("status", 503), Behaviour("status", 503))
    assert {one.state for one in clinic.push(now=False)} == {"pending"}
    owed = outbox.owed(clinic.data)
    assert all(o.attempts == 1 and o.next_try is not None for o in owed.values())
    assert clinic.push(now=False) and requests_since(fhir, before) == 2  # backoff: not due

    fhir.answer_next(Behaviour("status", 429, retry_after="120"), Behaviour("hang"))
    tried = clinic.push(timeout=0.3)  # one is told to wait 2 minutes, one times out
    assert [one.state for one in tried] == ["pending", "pending"]
    waits = sorted(o.next_try for o in outbox.owed(clinic.data).values())  # type: ignore[type-var]
    assert any("timeout" in one.why for one in tried)
    assert waits[1] is not None and (waits[1] - owed[first.id].queued_at).total_seconds() > 100
    fhir.released.set()

    assert {one.state for one in clinic.push()} == {"sent"}  # `kiosk push` ignores backoff
    assert outbox.owed(clinic.data) == {}
    for record in (first, second):
        [response] = clinic.mine("QuestionnaireResponse", record)
        delivered = outbox.sent(clinic.data, record.id)
        assert delivered is not None
        [patient] = delivered.ids["Patient"]
        assert response["subject"] == {"reference": f"Patient/{patient}"}
        flags = clinic.mine("Flag", record)
        assert len(flags) == 5 and {f["status"] for f in flags} == {"active"}
        assert all(f["subject"]["reference"].startswith("Patient/") for f in flags)
        assert delivered.ids["QuestionnaireResponse"] == [response["id"]]
    assert fhir.invalid == []

    sent_so_far = len(fhir.bundles())
    assert clinic.push() == [] and len(fhir.bundles()) == sent_so_far
    audit = [e for e in clinic.store.audit_events(first.id) if e.action == "push"]
    assert [e.detail for e in audit][-1] == "change 1: sent"
    details = " ".join(e.detail or "" for e in audit)
    assert "HTTP 503" in details and "Ana" not in details


def test_a_decision_split_merge_and_erasure_after_delivery_reach_the_server(
        clinic: Clinic, fhir: FhirTestServer) -> None:
    other = clinic.save()
    record = clinic.save()  # the same patient's second visit
    clinic.push()
    clinic.store.decide_flag(record.id, STOP, "cleared", "Talked it through", "ana")
    clinic.store.confirm_consent(record.id, "Ana Ruiz", "ana")
    old_patient = clinic.mine("QuestionnaireResponse", record)[0]["subject"]
    clinic.store.split_visit(record.id, "ana")
    assert [one.state for one in clinic.push()] == ["sent"]
    flags = clinic.mine("Flag", record)
    assert len(flags) == 5  # updated in place, none added
    stop = next(f for f in flags if f["code"]["coding"][0]["code"] == "stop")
    assert stop["status"] == "inactive"
    assert len(clinic.mine("Consent", record)) == 1
    [response] = clinic.mine("QuestionnaireResponse", record)
    assert response["subject"] != old_patient  # the split moved it to a new Patient

    clinic.store.merge_patients(other.id, record.id, "ana")  # it was the same person
    assert [one.state for one in clinic.push()] == ["sent"]
    assert clinic.mine("QuestionnaireResponse", record)[0]["subject"] == old_patient

    clinic.store.erase_record(record.id, "ana")
    assert [one.state for one in clinic.push()] == ["sent"]
    [response] = clinic.mine("QuestionnaireResponse", record)
    assert response["status"] == "entered-in-error" and "item" not in response
    assert clinic.mine("Flag", record) == [] and clinic.mine("Consent", record) == []
    assert fhir.invalid == []


def test_a_refusal_is_kept_for_staff_and_sent_again_only_when_they_retry(
        clinic: Clinic, fhir: FhirTestServer, capsys: pytest.CaptureFixture[str]) -> None:
    record = clinic.save()
    fhir.answer_next(Behaviour("status", 400, outcome=REFUSAL))
    data = ["--data", str(clinic.data)]
    assert main(["push", *data]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (f"{record.short_code}  failed  HTTP 400 (error business-rule)")
    owing = outbox.owed(clinic.data)[record.id]
    assert owing.issues[0].expression == ["Patient.birthDate"]
    assert clinic.store.open_text(owing.error or "") == "Patient rejected by the clinic's rule R7"
    assert "R7" not in out  # the server's words are for the viewer, not the terminal

    assert main(["records", "list", *data]) == 0
    assert "  failed: HTTP 400 business-rule  " in capsys.readouterr().out

    before = len(fhir.bundles())
    assert main(["push", *data]) == 1 and len(fhir.bundles()) == before  # never blindly
    assert "refused: HTTP 400" in capsys.readouterr().out
    assert main(["push", "--retry", record.short_code, *data]) == 0
    assert capsys.readouterr().out == "1 sent; nothing left to send\n"
    assert len(clinic.mine("QuestionnaireResponse", record)) == 1
    assert main(["records", "list", "--json", *data]) == 0
    assert json.loads(capsys.readouterr().out)[0]["delivery"] == "sent"



def test_a_200_that_is_not_a_fhir_answer_leaves_the_record_pending(clinic: Clinic,
                                                                    fhir: FhirTestServer) -> None:
    record = clinic.save()
    fhir.answer_next(Behaviour("status", 200, outcome={"html": "<h1>Proxy sign-in</h1>"}))
    [tried] = clinic.push()
    assert (tried.state, tried.why) == ("pending", "HTTP 200 without a FHIR transaction-"
                                        "response: is fhir_url the server's FHIR base URL?")
    assert outbox.sent(clinic.data, record.id) is None


def test_a_record_erased_before_its_delivery_was_confirmed_is_deleted_if_there(
        clinic: Clinic, fhir: FhirTestServer) -> None:
    record = clinic.save()
    fhir.answer_next(Behaviour("commit-then-hang"))  # stored, but the kiosk never hears so
    assert [one.state for one in clinic.push(timeout=0.3)] == ["pending"]
    fhir.released.set()
    assert len(clinic.mine("QuestionnaireResponse", record)) == 1
    clinic.store.erase_record(record.id, "ana")
    assert [one.state for one in clinic.push()] == ["sent"]
    assert clinic.mine("QuestionnaireResponse", record) == clinic.mine("Flag", record) == []
    assert fhir.invalid == []


def test_a_sealed_record_waits_for_a_staff_login_without_penalty(
        clinic: Clinic, fhir: FhirTestServer) -> None:
    folder = set_up_keys(clinic.data)
    linked = clinic.save()  # sealed by a kiosk, then linked by a viewer holding the key
    assert folder.reading_store().link_waiting() == 1
    later = clinic.save()  # sealed, not linked yet: not owed to the server before that
    assert set(outbox.owed(clinic.data)) == {linked.id}
    before = len(fhir.bundles())
    [tried] = clinic.push()  # a viewer started again, nobody logged in yet
    assert (tried.state, tried.why) == ("pending", "waiting for a staff login (the record is "
                                                   "sealed)")
    owing = outbox.owed(clinic.data)[linked.id]
    assert (owing.attempts, owing.next_try, len(fhir.bundles())) == (0, None, before)
    # kiosk push with a login links what waits and sends both, opened.
    pushed = kiosk_command(clinic.data, "push", "--user", STAFF, "--password-stdin",
                           stdin=PASSWORD + "\n")
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert outbox.owed(clinic.data) == {}
    for record in (linked, later):
        [response] = clinic.mine("QuestionnaireResponse", record)
        assert PATIENT_NAME in json.dumps(response, ensure_ascii=False)


def test_the_token_file_is_read_again_when_renewed_and_smart_signs_a_jwt_assertion(
        clinic: Clinic, fhir: FhirTestServer, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("first-token\n")
    by_file = FhirTarget(f"{fhir.url}/fhir", "token-file", token_file=token_file)
    clinic.save()
    clinic.push(target=by_file)
    assert fhir.requests[-1]["headers"]["Authorization"] == "Bearer first-token"
    token_file.write_text("renewed-token-after-an-hour\n")
    clinic.save()
    clinic.push(target=by_file)
    assert fhir.requests[-1]["headers"]["Authorization"] == "Bearer renewed-token-after-an-hour"

    key = ec.generate_private_key(ec.SECP384R1())  # quick to make; RS384 signs the same way
    key_file = tmp_path / "kiosk-key.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    smart = FhirTarget(f"{fhir.url}/fhir", "smart", client_id="kiosk-7",
                       token_url=f"{fhir.url}/token", private_key_file=key_file,
                       key_id="key-2026", key_alg="ES384")
    clinic.save()
    clinic.push(target=smart)
    assert fhir.requests[-1]["headers"]["Authorization"] == "Bearer server-token-1"
    form = fhir.token_requests[-1]
    assert (form["grant_type"], form["client_assertion_type"]) == (
        "client_credentials", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    assertion = form["client_assertion"]
    assert jwt.get_unverified_header(assertion)["kid"] == "key-2026"
    claims = jwt.decode(assertion, key.public_key(), algorithms=["ES384"],
                        audience=f"{fhir.url}/token")
    assert claims["iss"] == claims["sub"] == "kiosk-7"
    assert 0 < claims["exp"] - time.time() <= 300 and len(claims["jti"]) >= 16


def test_a_push_killed_mid_way_loses_nothing_and_duplicates_nothing(
        clinic: Clinic, fhir: FhirTestServer) -> None:
    records = [clinic.save() for _ in range(3)]
    # The server takes the first transaction, then never answers: the push is killed then.
    fhir.answer_next(Behaviour("commit-then-hang"))
    hanging_before = fhir.committed_hanging
    push = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "push", "--data",
                             str(clinic.data)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while fhir.committed_hanging == hanging_before:
        assert time.monotonic() < deadline, "the push never reached the server"
        time.sleep(0.02)
    os.kill(push.pid, signal.SIGKILL)
    push.wait()
    fhir.released.set()
    assert clinic.store.check().problems == []  # the outbox reads back whole
    assert {one.state for one in clinic.push()} == {"sent"}
    for record in records:
        assert len(clinic.mine("QuestionnaireResponse", record)) == 1
        assert len(clinic.mine("Flag", record)) == 5
    assert outbox.owed(clinic.data) == {}


def test_every_bundle_sent_is_valid_for_fhir_js_too(clinic: Clinic, fhir: FhirTestServer,
                                                   tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (FHIRJS_DIR / "node_modules" / "fhir").is_dir():
        pytest.skip(f"FHIR.js not available (node: {node}; package under {FHIRJS_DIR}): "
                    "run .ci/run to install it; only fhir.resources checked the bundles")
    record = clinic.save()
    clinic.push()
    clinic.store.decide_flag(record.id, STOP, "cleared", "Talked it through", "ana")
    clinic.store.confirm_consent(record.id, "Ana Ruiz", "ana")
    clinic.push()
    clinic.store.erase_record(record.id, "ana")
    clinic.push()
    bundles = [b for b in fhir.bundles() if b and record.id in json.dumps(b)]
    assert len(bundles) == 3
    batch = tmp_path / "bundles.json"
    batch.write_text(json.dumps(bundles))
    script = Path(__file__).with_name("fhir_js_validate.js")
    result = subprocess.run([node, str(script), str(batch)], capture_output=True, text=True,
                            env={**os.environ, "NODE_PATH": str(FHIRJS_DIR / "node_modules")},
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_serving_process_pushes_on_its_own_when_a_server_is_set(clinic: Clinic) -> None:
    record = clinic.save()

    async def serve_a_moment() -> None:
        pusher = background_pusher(clinic.store)
        assert pusher is not None
        pusher.every = 0.02
        task = pusher.start()
        for _ in range(250):
            if not outbox.owed(clinic.data):
                break
            await asyncio.sleep(0.02)
        task.cancel()

    asyncio.run(serve_a_moment())
    assert outbox.delivery_state(clinic.data, record.id)[0] == "sent"


def test_every_documented_push_setting_is_accepted(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    guide = (Path(__file__).resolve().parent.parent / "docs" / "export.md").read_text()
    section = guide[guide.index("## Sending intakes to your EHR"):]
    commands = [line[2:] for line in section.splitlines() if line.startswith("$ kiosk ")]
    assert len(commands) >= 6
    for command in commands:
        assert main([*shlex.split(command)[1:], "--data", str(tmp_path)]) == 0, command
    assert main(["config", "show", "--data", str(tmp_path)]) == 0
    shown = capsys.readouterr().out
    assert "fhir_token_url: https://api.medplum.com/oauth2/token" in shown


def test_the_outbox_is_backed_up_and_checked(clinic: Clinic) -> None:
    clinic.save()
    names = list(backed_up_files(clinic.data))
    assert any(name.startswith("outbox/pending/") for name in names)
    [bucket] = (clinic.data / "outbox" / "pending").glob("*.json")
    bucket.write_text('{"x": {"change": "many"}}')
    [problem] = clinic.store.check().problems
    assert problem.path == bucket and not problem.repairable
    assert "outbox entry for x" in problem.problem


def test_one_process_pushes_at_a_time(clinic: Clinic, fhir: FhirTestServer) -> None:
    clinic.save()
    pusher = Pusher(clinic.store, FhirTarget(f"{fhir.url}/fhir", "none"))
    # held as the viewer's background push would hold it
    with FileLock(clinic.data / PUSH_LOCK_FILE), \
            pytest.raises(PushBusy, match="another kiosk process is sending"):
        asyncio.run(pusher.push_owed(now_ignoring_backoff=True, wait_for_others=0.2))
    assert [one.state for one in asyncio.run(pusher.push_owed(now_ignoring_backoff=True))] \
        == ["sent"]
