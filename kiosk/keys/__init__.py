"""The clinic's key pair: sealing to its public key, and its private key wrapped per staff
password and under a recovery code (see :mod:`kiosk.keys.keyring`)."""
