"""Short codes: random base62 strings from the operating system's CSPRNG.

A code carries no information (not a counter, not a hash of anything), so nothing can be
learnt or guessed from one. Twelve characters give about 71 bits; the conditional put in
``services.shortlink_create`` makes a collision a retry, never an overwrite.
"""

import re
import secrets
import string

ALPHABET = string.digits + string.ascii_letters  # base62: safe in a URL path as is
MIN_LENGTH = 10
DEFAULT_LENGTH = 12
MAX_LENGTH = 32
_VALID = re.compile(rf"[0-9A-Za-z]{{{MIN_LENGTH},{MAX_LENGTH}}}")


def generate(length: int = DEFAULT_LENGTH) -> str:
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise ValueError(f"A code has {MIN_LENGTH} to {MAX_LENGTH} characters.")
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def is_well_formed(code: object) -> bool:
    """Cheap check before touching DynamoDB; a malformed code is simply not found."""
    return isinstance(code, str) and _VALID.fullmatch(code) is not None
