"""One transaction sent to the FHIR server, and what its answer means for the record.

- 2xx: delivered (the transaction-response names the server's ids);
- a timeout, a connection error, 5xx, 429 (honouring ``Retry-After``), 401 (a token to
  renew) or a sign-in problem: tried again later, with backoff;
- any other 4xx: failed, with the server's OperationOutcome kept, until staff retry it.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp

from kiosk.interop.fhir_auth import Credentials, SignInProblem
from kiosk.storage.outbox import Issue

FHIR_JSON = "application/fhir+json"
FIRST_BACKOFF = 30.0  # seconds before the second try; doubled each time
LONGEST_BACKOFF = 3600.0
MAX_ERROR_CHARS = 500


@dataclass
class Answer:
    """What one try came to."""

    outcome: Literal["sent", "retry", "failed"]
    status: int | None = None
    body: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    error: str | None = None  # words for staff: may quote the server, so kept sealed
    retry_after: float | None = None

    @property
    def why(self) -> str:
        """One line without the server's free text (for terminals and the audit)."""
        if self.status is None:  # the kiosk's own words: no server text in them
            return self.error or "no answer"
        if 200 <= self.status < 300 and self.error:
            return self.error  # the kiosk's own words again
        codes = ", ".join(f"{issue.severity} {issue.code}" for issue in self.issues)
        return f"HTTP {self.status}" + (f" ({codes})" if codes else "")


def backoff(attempts: int, retry_after: float | None,
            now: dt.datetime | None = None) -> dt.datetime:
    """When to try again after ``attempts`` tries: the server's Retry-After if it gave one,
    else doubling from :data:`FIRST_BACKOFF`, with jitter so kiosks do not march in step."""
    delay = retry_after if retry_after is not None else min(
        LONGEST_BACKOFF, FIRST_BACKOFF * 2 ** max(attempts - 1, 0))
    delay *= 1 + random.random() * 0.1  # noqa: S311 - spreading, not secrecy
    return (now or dt.datetime.now(dt.UTC)) + dt.timedelta(seconds=delay)


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds from now (it may be a number or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def outcome_issues(body: Any) -> tuple[list[Issue], str | None]:
    """An OperationOutcome's issues (codes in clear) and its diagnostics (free text)."""
    if not isinstance(body, dict) or body.get("resourceType") != "OperationOutcome":
        return [], None
    issues, words = [], []
    for issue in body.get("issue", []) if isinstance(body.get("issue"), list) else []:
        if not isinstance(issue, dict):
            continue
        expression = issue.get("expression") or issue.get("location") or []
        issues.append(Issue(severity=str(issue.get("severity", "error")),
                            code=str(issue.get("code", "unknown")),
                            expression=[str(e) for e in expression][:5]))
        text = issue.get("diagnostics") or (issue.get("details") or {}).get("text")
        if text:
            words.append(str(text))
    return issues, "; ".join(words)[:MAX_ERROR_CHARS] or None


async def send_transaction(session: aiohttp.ClientSession, url: str, credentials: Credentials,
                           bundle: dict[str, Any], timeout: float) -> Answer:
    """POST the transaction to the server's base URL and read what it answered."""
    try:
        headers = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON,
                   **await credentials.headers(session)}
        async with session.post(url, json=bundle, headers=headers,
                                timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            status = response.status
            try:
                body = await response.json(content_type=None)
            except ValueError:
                body = None
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
    except SignInProblem as problem:
        return Answer("retry", error=f"sign-in: {problem}")
    except TimeoutError:
        return Answer("retry", error=f"timeout: no answer within {timeout:g} seconds")
    except aiohttp.ClientError as error:
        return Answer("retry", error=f"connection: the server could not be reached "
                                     f"({type(error).__name__})")
    issues, words = outcome_issues(body)
    if 200 <= status < 300:
        if not isinstance(body, dict) or body.get("type") != "transaction-response":
            # Not a FHIR server's answer (a proxy's page, a wrong path): nothing is known
            # to be stored, so the record stays pending until fhir_url is right.
            return Answer("retry", status, error=f"HTTP {status} without a FHIR "
                          "transaction-response: is fhir_url the server's FHIR base URL?")
        return Answer("sent", status, body)
    if status == 401:
        credentials.forget()
    retrying = status >= 500 or status in (401, 408, 429)
    return Answer("retry" if retrying else "failed", status, issues=issues,
                  error=words or f"HTTP {status}", retry_after=retry_after)
