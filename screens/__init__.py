"""The patient-facing Textual UI of the intake kiosk. Imports ``kiosk``; never the reverse."""
