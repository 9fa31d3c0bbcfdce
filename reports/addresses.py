"""Is this an email address a digest can be sent to? Checked before any header is built.

An address comes from the CRM's `User.Email` (managers) or from `SPM_EMAIL_TO`. One with a
line break would inject headers, and Python's email package refuses it with an error that
names no record and stops every digest after it; so each address is checked on its own, and
only the digest that cannot be addressed is skipped, with the reason.
"""

from __future__ import annotations

import re

# one local part, one @, a domain with a dot; no spaces, commas, angle brackets or quotes
_ADDRESS = re.compile(r"^[^@\s<>\",;()\[\]\\]+@[^@\s<>\",;()\[\]\\]+\.[^@\s<>\",;()\[\]\\.]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def address_problem(address: object) -> str | None:
    """Why `address` cannot be used as a recipient, or None when it can."""
    if address is None or not str(address).strip():
        return "the address is blank"
    text = str(address)
    if "\r" in text or "\n" in text:
        return "the address contains a line break (CR/LF)"
    if _CONTROL.search(text):
        return "the address contains a control character"
    if not _ADDRESS.match(text.strip()):
        return "not an email address (expected name@domain.tld)"
    return None


def shown(address: object) -> str:
    """The address as printed in a report: quoted, with line breaks visible, never raw."""
    return repr(str(address))
