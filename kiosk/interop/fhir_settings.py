"""The settings that send intakes to the clinic's FHIR server, and how they are checked.

The server is ``fhir_url``; how the kiosk signs in there follows from which others are
set: none (a server on the clinic network that needs none), ``fhir_token_file`` (a bearer
token another program keeps fresh), or SMART Backend Services (``fhir_client_id``,
``fhir_token_url``, ``fhir_private_key_file``, optional ``fhir_key_id``, ``fhir_key_alg``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kiosk.config import ConfigError, Settings
from kiosk.link import address_problem

FHIR_URLS = ("fhir_url", "fhir_token_url")
FHIR_PATHS = ("fhir_token_file", "fhir_private_key_file")
FHIR_SETTINGS = ("fhir_url", "fhir_token_file", "fhir_client_id", "fhir_token_url",
                 "fhir_private_key_file", "fhir_key_id", "fhir_key_alg")
SMART_NEEDS = ("fhir_client_id", "fhir_token_url", "fhir_private_key_file")

AuthKind = Literal["none", "token-file", "smart"]


def check_fhir_url(key: str, url: str) -> str:
    """The URL without a trailing slash, or :class:`ConfigError` in one line."""
    problem = address_problem(url)
    if problem == "no address":
        raise ConfigError(f"{key}: {url.strip()!r} is not a server address; it must look "
                          "like https://fhir.example.org/fhir or http://HOST:PORT/fhir")
    if problem == "query":
        raise ConfigError(f"{key}: {url.strip()!r} must not have a query (?) or fragment (#)")
    return url.strip().rstrip("/")


@dataclass(frozen=True)
class FhirTarget:
    """Where intakes go and how the kiosk signs in there."""

    url: str
    auth: AuthKind
    token_file: Path | None = None
    client_id: str | None = None
    token_url: str | None = None
    private_key_file: Path | None = None
    key_id: str | None = None
    key_alg: str = "RS384"


def fhir_target(settings: Settings) -> FhirTarget | None:
    """The target the settings name, None when no ``fhir_url`` is set, or
    :class:`ConfigError` when the sign-in settings are half there or mixed."""
    if not settings.fhir_url:
        return None
    url = check_fhir_url("fhir_url", settings.fhir_url)
    smart = [key for key in SMART_NEEDS if getattr(settings, key)]
    if settings.fhir_token_file and smart:
        raise ConfigError("set either fhir_token_file or the SMART settings "
                          f"({', '.join(SMART_NEEDS)}), not both")
    if settings.fhir_token_file:
        return FhirTarget(url, "token-file", token_file=Path(settings.fhir_token_file))
    if smart:
        missing = [key for key in SMART_NEEDS if not getattr(settings, key)]
        if missing:
            raise ConfigError(f"SMART Backend Services also needs {', '.join(missing)} "
                              "('kiosk config set KEY VALUE')")
        assert settings.fhir_token_url and settings.fhir_private_key_file
        return FhirTarget(url, "smart", client_id=settings.fhir_client_id,
                          token_url=check_fhir_url("fhir_token_url", settings.fhir_token_url),
                          private_key_file=Path(settings.fhir_private_key_file),
                          key_id=settings.fhir_key_id, key_alg=settings.fhir_key_alg)
    return FhirTarget(url, "none")
