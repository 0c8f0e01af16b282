"""Identifiers drawn from the generator's own random stream.

``uuid.uuid4`` reads the operating system's entropy, which would make two runs with
the same seed differ; these helpers take the seeded ``random.Random`` instead. The
text form is built by hand because ``str(uuid.UUID(...))`` costs more than the rest
of an event's identifiers together; the result is the same string.
"""

import random

_VARIANT = {f"{n:x}": f"{(n & 3) | 8:x}" for n in range(16)}


def uuid4(rng: random.Random) -> str:
    """A lowercase RFC 4122 version-4 UUID, equal to ``str(uuid.UUID(int=bits, version=4))``."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


def hex32(rng: random.Random) -> str:
    """32 hex digits: the shape of the event fingerprint enrichment's MD5."""
    return f"{rng.getrandbits(128):032x}"


def click_id(rng: random.Random) -> str:
    """An ad click id (gclid/msclkid-like): URL-safe, 32 characters."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    bits = rng.getrandbits(192)
    return "".join(alphabet[(bits >> (6 * i)) & 63] for i in range(32))
