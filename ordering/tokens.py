"""Signed table codes printed in QR stickers.

A code names a table and the sticker's version. Rotating a table bumps its
version, so a photographed or copied sticker stops working the moment staff
print a new one. The signature uses SECRET_KEY with its own salt.
"""

from django.core import signing

_SALT = "tableside.table-qr.v1"


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT, algorithm="sha256")


def table_code_make(*, table_id: int, version: int) -> str:
    return _signer().sign(f"{table_id}.{version}")


def table_code_read(code: str) -> tuple[int, int] | None:
    """Return (table id, version) from a code, or None if it is forged or malformed."""
    try:
        value = _signer().unsign(code)
    except signing.BadSignature:
        return None
    table_id, _, version = value.partition(".")
    if not (table_id.isdigit() and version.isdigit()):
        return None
    return int(table_id), int(version)
