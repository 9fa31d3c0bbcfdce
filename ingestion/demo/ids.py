"""Record ids: Salesforce 18-character ids and hex ids, made in bulk.

Salesforce ids are a 3-character key prefix, a 2-character pod, a reserved `0`, a 9-character
base-62 number and a 3-character case-safe checksum (one character per 5-character chunk, whose
bits say which characters of the chunk are upper case). Numbers count up from a seed-dependent
offset, as a real org's ids grow with time, so ids are unique and reproducible.
"""

from __future__ import annotations

import numpy as np

BASE62 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
CHECKSUM_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_B62 = np.frombuffer(BASE62, dtype=np.uint8)
_CHK = np.frombuffer(CHECKSUM_CHARS, dtype=np.uint8)
_HEX2 = np.array([f"{i:02x}".encode() for i in range(256)], dtype="S2").view(np.uint16)

PREFIXES = {
    "User": "005",
    "UserRole": "00E",
    "Account": "001",
    "Product2": "01t",
    "Opportunity": "006",
    "OpportunityHistory": "008",
    "OpportunityLineItem": "00k",
    "OpportunitySplit": "04A",
    "OpportunitySplitType": "04B",
    "OpportunityStage": "01J",
}
POD = b"8d"


def checksum(ids15: np.ndarray) -> np.ndarray:
    """The 3-character case-safe suffix of 15-character ids (uint8 matrix n x 15 -> n x 3)."""
    # one byte per character, not eight: the xl company has 12 million history ids
    upper = ((ids15 >= ord("A")) & (ids15 <= ord("Z"))).astype(np.uint8)
    chunks = upper.reshape(-1, 3, 5)
    bits = (chunks << np.arange(5, dtype=np.uint8)).sum(axis=2, dtype=np.uint8)
    return _CHK[bits]


def sf_ids(obj: str, numbers: np.ndarray, offset: int) -> np.ndarray:
    """18-character ids of object `obj` for record numbers (0, 1, ...) plus `offset`."""
    n = len(numbers)
    values = np.asarray(numbers, dtype=np.int64) + np.int64(offset)
    if n and (values.min() < 0 or values.max() >= 62**9):
        raise ValueError(f"{obj} id numbers out of range")
    out = np.empty((n, 18), dtype=np.uint8)
    out[:, 0:3] = np.frombuffer(PREFIXES[obj].encode(), dtype=np.uint8)
    out[:, 3:5] = np.frombuffer(POD, dtype=np.uint8)
    out[:, 5] = ord("0")
    rest = values.copy()
    for pos in range(14, 5, -1):
        out[:, pos] = _B62[rest % 62]
        rest //= 62
    out[:, 15:18] = checksum(out[:, :15])
    return out.view("S18").ravel()


def id_offset(rng: np.random.Generator) -> int:
    """A starting record number: ids then look like a mature org's (0068d0000QmZx4...)."""
    return int(rng.integers(62**6, 62**7))


def _mix(x: np.ndarray, bits: int) -> np.ndarray:
    """A bijection on `bits`-bit integers: distinct inputs give distinct, random-looking outputs."""
    mask = np.uint64((1 << bits) - 1)
    half = np.uint64(bits // 2)
    x = x & mask
    for mult in (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB):
        x ^= x >> half
        x = (x * np.uint64(mult | 1)) & mask
    x ^= x >> half
    return x


def hex_ids(prefix: str, numbers: np.ndarray, salt: int, nhex: int) -> np.ndarray:
    """`prefix` + `nhex` hex digits, unique per distinct number (nhex even, <= 16)."""
    bits = nhex * 4
    x = (np.asarray(numbers, dtype=np.uint64) + np.uint64(salt % (1 << bits))) & np.uint64(
        (1 << bits) - 1
    )
    x = _mix(x, bits)
    big = x.astype(">u8").view(np.uint8).reshape(-1, 8)[:, 8 - nhex // 2 :]
    digits = _HEX2[big].view(np.uint8).reshape(-1, nhex)
    p = np.frombuffer(prefix.encode(), dtype=np.uint8)
    out = np.empty((len(x), len(p) + nhex), dtype=np.uint8)
    out[:, : len(p)] = p
    out[:, len(p) :] = digits
    return out.view(f"S{len(p) + nhex}").ravel()
