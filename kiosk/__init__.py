"""Core of the intake kiosk: questionnaires, answer logic, records and storage.

Nothing in this package imports Textual; the UI lives in ``screens``.
"""
