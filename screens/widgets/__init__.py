"""Widgets of the kiosk UI: one module per widget."""
