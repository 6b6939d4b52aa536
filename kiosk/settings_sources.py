"""Where the kiosk's settings come from: ``config.json`` in the data folder, then these
environment variables, which win (so a tablet can be set up without editing files).

Apart from the settings model so that a starting kiosk can tell whether its settings
changed (``screens.welcome_card``) without loading pydantic first.
"""

from __future__ import annotations

CONFIG_FILE = "config.json"
SETTINGS_ENV = {"clinic_name": "KIOSK_CLINIC_NAME", "public_url": "KIOSK_PUBLIC_URL",
                "station": "KIOSK_STATION"}
STAFF_PIN_ENV = "KIOSK_STAFF_PIN"
