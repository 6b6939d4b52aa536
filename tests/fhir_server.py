"""A FHIR R4 server to push to, in-process: transactions with conditional create, update
and delete, every incoming resource validated with fhir.resources, and an answer the test
picks (503, 429 with Retry-After, 400 with an OperationOutcome, or a hang).

It runs aiohttp on its own loop in a background thread, like the viewer's test server,
and keeps what it stored, every request's headers and bundle, and what failed validation.
"""

from __future__ import annotations

import asyncio
import copy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from fhir_checks import MODELS, assert_no_empty_values

Resource = dict[str, Any]


@dataclass
class Behaviour:
    """How the server answers the next request: "ok", a status, or "hang"."""

    kind: str
    status: int = 200
    retry_after: str | None = None
    outcome: Resource | None = None


class TransactionRefused(Exception):
    def __init__(self, status: int, code: str, text: str) -> None:
        super().__init__(text)
        self.status, self.code, self.text = status, code, text


def _outcome(code: str, text: str, expression: str | None = None) -> Resource:
    issue: Resource = {"severity": "error", "code": code, "diagnostics": text}
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def _matches(resource: Resource, query: str) -> bool:
    for name, wanted in parse_qsl(query):
        if name == "identifier":
            system, _, value = wanted.partition("|")
            identifiers = resource.get("identifier", [])
            if isinstance(identifiers, dict):
                identifiers = [identifiers]
            if not any(i.get("system") == system and i.get("value") == value
                       for i in identifiers):
                return False
        elif resource.get(name) != wanted:
            return False
    return True


def _search_key(query: str) -> str | None:
    """The index key of a search by one identifier, or by url and version; else None."""
    params = dict(parse_qsl(query))
    if set(params) == {"identifier"}:
        return f"identifier={params['identifier']}"
    if set(params) == {"url", "version"}:
        return f"url={params['url']}|{params['version']}"
    return None


def _index_keys(resource: Resource) -> list[str]:
    identifiers = resource.get("identifier", [])
    if isinstance(identifiers, dict):
        identifiers = [identifiers]
    keys = [f"identifier={i.get('system')}|{i.get('value')}" for i in identifiers]
    if "url" in resource and "version" in resource:
        keys.append(f"url={resource['url']}|{resource['version']}")
    return keys


def _rewrite_references(node: Any, ids: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: (ids.get(value, value) if key == "reference" and isinstance(value, str)
                      else _rewrite_references(value, ids)) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite_references(value, ids) for value in node]
    return node


@dataclass
class FhirTestServer:
    """What the server holds and saw; tests read these (under ``lock``)."""

    resources: dict[str, dict[str, Resource]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    plan: list[Behaviour] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    index: dict[tuple[str, str], str] = field(default_factory=dict)  # search key -> id
    url: str = ""
    counter: int = 0
    released: threading.Event = field(default_factory=threading.Event)
    committed_hanging: int = 0  # transactions stored whose answer is held back
    validating: bool = True  # bench/push.py measures the kiosk's side without it too

    # -- what the test asks for ---------------------------------------------------------

    def answer_next(self, *behaviours: Behaviour) -> None:
        with self.lock:
            self.plan.extend(behaviours)

    def of_type(self, kind: str) -> list[Resource]:
        with self.lock:
            return [copy.deepcopy(r) for r in self.resources.get(kind, {}).values()]

    def bundles(self) -> list[Resource]:
        with self.lock:
            return [request["bundle"] for request in self.requests]

    # -- the HTTP side ------------------------------------------------------------------

    async def handle_transaction(self, request: web.Request) -> web.Response:
        raw = await request.read()
        with self.lock:
            behaviour = self.plan.pop(0) if self.plan else Behaviour("ok")
            try:
                bundle = json.loads(raw)
            except ValueError:
                bundle = None
            self.requests.append({"headers": dict(request.headers), "bundle": bundle})
        if behaviour.kind == "hang":
            await asyncio.to_thread(self.released.wait, 30)
        if behaviour.kind == "status":
            headers = {"Retry-After": behaviour.retry_after} if behaviour.retry_after else {}
            return web.json_response(behaviour.outcome or _outcome("transient", "busy"),
                                     status=behaviour.status, headers=headers,
                                     content_type="application/fhir+json")
        try:
            with self.lock:
                answer = self._transaction(bundle)
        except TransactionRefused as refused:
            return web.json_response(_outcome(refused.code, refused.text),
                                     status=refused.status,
                                     content_type="application/fhir+json")
        if behaviour.kind == "commit-then-hang":  # stored, but the client never hears so
            with self.lock:
                self.committed_hanging += 1
            await asyncio.to_thread(self.released.wait, 30)
        return web.json_response(answer, content_type="application/fhir+json")

    async def handle_token(self, request: web.Request) -> web.Response:
        form = await request.post()
        with self.lock:
            self.token_requests.append({key: str(value) for key, value in form.items()})
        return web.json_response({"access_token": "server-token-1", "token_type": "bearer",
                                  "expires_in": 300})

    # -- transaction semantics ----------------------------------------------------------

    def _validate(self, resource: Resource, where: str) -> None:
        if not self.validating:
            return
        try:
            assert_no_empty_values(resource)
            MODELS[resource["resourceType"]].model_validate_json(json.dumps(resource))
        except Exception as error:  # every way a resource can be wrong is a 400
            self.invalid.append(f"{where}: {error}")
            raise TransactionRefused(400, "structure", f"{where} is not valid: {error}") from None

    def _find(self, kind: str, query: str, created: dict[tuple[str, str], str],
              deleted: set[str]) -> list[str]:
        """Ids of the resources a conditional request's search names: by identifier or
        url+version through the index (as a real server's search would), else a scan."""
        key = _search_key(query)
        if key is not None:
            rid = created.get((kind, key)) or self.index.get((kind, key))
            return [rid] if rid is not None and rid not in deleted else []
        return [rid for rid, resource in self.resources.get(kind, {}).items()
                if rid not in deleted and _matches(resource, query)]

    def _transaction(self, bundle: Any) -> Resource:
        """All entries or none: each is looked up first, then every change is applied."""
        if not isinstance(bundle, dict) or bundle.get("type") != "transaction":
            raise TransactionRefused(400, "invalid", "expected a transaction Bundle")
        self._validate(bundle, "Bundle")
        full_urls: dict[str, str] = {}
        created: dict[tuple[str, str], str] = {}
        deleted: set[str] = set()
        writes: list[tuple[str, str, Resource]] = []
        answers: list[Resource] = []
        for number, entry in enumerate(bundle.get("entry", [])):
            request = entry["request"]
            method, url = request["method"], request["url"]
            kind, _, query = url.partition("?")
            if method == "DELETE":
                gone = self._find(kind, query, created, deleted)
                deleted.update(gone)
                writes += [(kind, rid, {}) for rid in gone]
                answers.append({"response": {"status": "204 No Content"}})
                continue
            resource = entry["resource"]
            self._validate(resource, f"entry {number} ({kind})")
            condition = request.get("ifNoneExist", "") if method == "POST" else query
            if method not in ("POST", "PUT") or (method == "PUT" and not query):
                raise TransactionRefused(400, "not-supported", f"{method} {url}")
            found = self._find(kind, condition, created, deleted) if condition else []
            if len(found) > 1:
                raise TransactionRefused(412, "multiple-matches", f"{url}: many match")
            rid, status = (found[0], "200 OK") if found else (self._new_id(), "201 Created")
            if method == "PUT" or not found:
                writes.append((kind, rid, resource))
                created.update({(kind, key): rid for key in _index_keys(resource)})
            if "fullUrl" in entry:
                full_urls[entry["fullUrl"]] = f"{kind}/{rid}"
            answers.append({"response": {"status": status,
                                         "location": f"{kind}/{rid}/_history/1"}})
        for kind, rid, resource in writes:
            self._store(kind, rid, _rewrite_references(resource, full_urls) if resource
                        else None)
        return {"resourceType": "Bundle", "type": "transaction-response", "entry": answers}

    def _store(self, kind: str, rid: str, resource: Resource | None) -> None:
        """Put (or, for None, delete) one resource, keeping the search index in step."""
        old = self.resources.setdefault(kind, {}).pop(rid, None)
        for key in _index_keys(old or {}):
            self.index.pop((kind, key), None)
        if resource is not None:
            self.resources[kind][rid] = {**resource, "id": rid}
            self.index.update({(kind, key): rid for key in _index_keys(resource)})

    def _new_id(self) -> str:
        self.counter += 1
        return str(self.counter)


@contextmanager
def running_fhir_server(validating: bool = True) -> Iterator[FhirTestServer]:
    """The server on an ephemeral loopback port until the block ends."""
    server = FhirTestServer(validating=validating)
    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_post("/fhir", server.handle_transaction)
    app.router.add_post("/token", server.handle_token)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        server.url = f"http://127.0.0.1:{port}"
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield server
    finally:
        server.released.set()
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
