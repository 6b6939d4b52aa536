"""How the kiosk signs in at the clinic's FHIR server: the header each request carries.

- none: a server on the clinic network that needs none;
- a bearer token read from a file, read again whenever the file changes, so a program
  that renews it (Google's or Azure's own tools, a cron job) keeps the kiosk signed in;
- SMART Backend Services: an access token got with the client-credentials grant and a
  JWT assertion signed by the kiosk's private key (PyJWT), kept until shortly before it
  expires.

A problem signing in is :class:`SignInProblem`: the records stay pending and are tried
again later, since renewing a token or fixing a setting mends every one of them.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import aiohttp
import jwt

from kiosk.errors import KioskError
from kiosk.interop.fhir_settings import FhirTarget

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_SECONDS = 300  # the longest lifetime SMART Backend Services allows
SCOPE = "system/Patient.write system/Questionnaire.write system/QuestionnaireResponse.write " \
        "system/Flag.write system/Consent.write"
EARLY_RENEWAL = 60.0  # seconds before its expiry a token is no longer used


class SignInProblem(KioskError):
    """The kiosk could not get a credential for the FHIR server (says why, in one line)."""


class Credentials:
    """The Authorization header for the target's way of signing in."""

    def __init__(self, target: FhirTarget) -> None:
        self.target = target
        self._file_seen: tuple[int, int] | None = None
        self._token: str | None = None
        self._expires = 0.0

    async def headers(self, session: aiohttp.ClientSession) -> dict[str, str]:
        if self.target.auth == "none":
            return {}
        if self.target.auth == "token-file":
            return {"Authorization": f"Bearer {self._token_from_file()}"}
        return {"Authorization": f"Bearer {await self._smart_token(session)}"}

    def forget(self) -> None:
        """The server refused the token (401): get a fresh one next time."""
        self._token, self._expires, self._file_seen = None, 0.0, None

    def _token_from_file(self) -> str:
        path = self.target.token_file
        assert path is not None
        try:
            found = os.stat(path)
            seen = (found.st_mtime_ns, found.st_size)
            if self._token is None or seen != self._file_seen:
                self._token = path.read_text(encoding="utf-8").strip()
                self._file_seen = seen
        except (OSError, UnicodeDecodeError) as error:
            raise SignInProblem(f"the token file {path} cannot be read "
                                f"({getattr(error, 'strerror', None) or error})") from None
        if not self._token:
            raise SignInProblem(f"the token file {path} is empty")
        return self._token

    def assertion(self, now: float | None = None) -> str:
        """The signed JWT that proves the kiosk is the registered client."""
        target = self.target
        assert target.client_id and target.token_url and target.private_key_file
        issued = int(now if now is not None else time.time())
        claims = {"iss": target.client_id, "sub": target.client_id, "aud": target.token_url,
                  "iat": issued, "exp": issued + ASSERTION_SECONDS,
                  "jti": secrets.token_urlsafe(24)}
        headers = {"typ": "JWT", **({"kid": target.key_id} if target.key_id else {})}
        try:
            key = Path(target.private_key_file).read_bytes()
            return jwt.encode(claims, key, algorithm=target.key_alg, headers=headers)
        except OSError as error:
            raise SignInProblem(f"the private key file {target.private_key_file} cannot be "
                                f"read ({error.strerror})") from None
        except (ValueError, TypeError, jwt.PyJWTError) as error:
            raise SignInProblem(f"the private key file {target.private_key_file} cannot sign "
                                f"{target.key_alg} ({type(error).__name__}); use a PEM "
                                "private key of that kind") from None

    async def _smart_token(self, session: aiohttp.ClientSession) -> str:
        if self._token is not None and time.time() < self._expires - EARLY_RENEWAL:
            return self._token
        assert self.target.token_url
        form = {"grant_type": "client_credentials", "scope": SCOPE,
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": self.assertion()}
        try:
            async with session.post(self.target.token_url, data=form) as answer:
                body = await answer.json(content_type=None) if answer.status < 500 else {}
                status = answer.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise SignInProblem(f"the token server {self.target.token_url} did not answer "
                                f"({type(error).__name__})") from None
        token = body.get("access_token") if isinstance(body, dict) else None
        if status != 200 or not isinstance(token, str):
            reason = body.get("error") if isinstance(body, dict) else None
            raise SignInProblem(f"the token server {self.target.token_url} refused the "
                                f"kiosk (HTTP {status}{f', {reason}' if reason else ''})")
        lifetime = body.get("expires_in", 300)
        self._token = token
        self._expires = time.time() + (float(lifetime) if isinstance(lifetime, int | float)
                                       else 300.0)
        return token
