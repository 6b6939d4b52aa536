"""The pieces behind :mod:`kiosk.store`: durable files, the folder layout, records, audit."""
