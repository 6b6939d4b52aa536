"""The clinician link as a QR code: a module matrix, and text lines of half-block characters.

No Textual here: the kiosk's QR widget draws these lines, and anything else
(a test, a printout) can use them too.
"""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules of light margin around the code, as the QR standard asks

# Two module rows per text line: (top is dark, bottom is dark) -> the character that
# paints the dark halves in the foreground colour.
_HALF_BLOCKS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def qr_matrix(link: str) -> list[list[bool]]:
    """The QR modules for ``link`` (``True`` = dark), quiet zone included, error correction M."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1)
    code.add_data(link)
    code.make(fit=True)
    return [[bool(module) for module in row] for row in code.get_matrix()]


def qr_half_blocks(matrix: list[list[bool]]) -> list[str]:
    """Text lines drawing ``matrix`` two module rows per line, dark = foreground colour.

    Shown with a dark foreground on a light background, the lines read as the code
    itself; an odd last row is paired with a light row (more quiet zone, never less).
    """
    width = len(matrix[0]) if matrix else 0
    rows = matrix + ([[False] * width] if len(matrix) % 2 else [])
    return ["".join(_HALF_BLOCKS[top, bottom] for top, bottom in zip(upper, lower, strict=True))
            for upper, lower in zip(rows[0::2], rows[1::2], strict=True)]
