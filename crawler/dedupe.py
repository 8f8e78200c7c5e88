"""Duplicates among pages: the same text by its hash, nearly the same text by MinHash and LSH,
so that a mirrored or re-posted page is one lead with several sightings.

>>> a = "Ship to ship tomorrow night off Tsushima, MMSI 431234567, bring the usual crew."
>>> content_hash("ＭＭＳＩ ４３１２３４５６７") == content_hash(" MMSI\\n 431234567")
True
>>> seen = NearDuplicates()
>>> seen.add(content_hash(a), signature(a))
>>> seen.match(signature(a + " See you there.")) == content_hash(a)
True
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata

from datasketch import LeanMinHash, MinHash, MinHashLSH

from surveillance.errors import InputError

__all__ = [
    "LSH_BANDS_ROWS",
    "NUM_PERMUTATIONS",
    "SHINGLE_CHARS",
    "NearDuplicates",
    "content_hash",
    "normalised",
    "signature",
]

#: MinHash permutations: 128 estimates a Jaccard similarity of 0.8 to about +-0.035.
NUM_PERMUTATIONS = 128
#: The permutations' seed; fixed, or signatures stored by one run would not compare with the
#: next run's.
SEED = 1
#: datasketch's permutation scheme (its default since 2.0), named so that a later default
#: cannot make stored signatures incomparable; serialised little-endian, without padding.
SCHEME = "affine32"
_BYTE_ORDER = "<"
#: Shingles are runs of this many characters, not words: Japanese has no spaces.
SHINGLE_CHARS = 5
#: The LSH index's bands and rows, chosen for recall: a pair at similarity 0.75 becomes a
#: candidate with probability 0.99999, one at 0.3 with 0.23, unrelated posts (0.05) almost
#: never; each candidate is then checked by its estimated similarity. (datasketch's own
#: choice for a threshold of 0.8, 9 bands of 13 rows, misses 60% of the pairs at 0.8.)
LSH_BANDS_ROWS = (32, 4)
#: A candidate from the LSH index counts as a near-duplicate when its estimated similarity
#: is at least the threshold less this (about 1.5 standard errors of the estimate at 0.8).
_ESTIMATE_SLACK = 0.05

_WHITESPACE = re.compile(r"\s+")


def normalised(text: str) -> str:
    """``text`` in NFKC (full-width letters and digits as ASCII, half-width katakana as
    full-width) with every run of whitespace as one space, trimmed."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def content_hash(text: str) -> str:
    """The SHA-256 (hex) of the normalised text: the same words laid out another way, or
    with full-width digits, hash the same."""
    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()


def signature(text: str) -> bytes:
    """The MinHash of the text's character shingles (case folded), serialised: 4 bytes a
    permutation after a 13-byte header (datasketch's LeanMinHash layout: seed, count, scheme)."""
    return bytes(_serialise(_minhash(text)))


def _minhash(text: str) -> LeanMinHash:
    flat = normalised(text).casefold()
    shingles = {flat[i : i + SHINGLE_CHARS] for i in range(max(1, len(flat) - SHINGLE_CHARS + 1))}
    minhash = MinHash(num_perm=NUM_PERMUTATIONS, seed=SEED, scheme=SCHEME)
    minhash.update_batch([shingle.encode("utf-8") for shingle in sorted(shingles)])
    return LeanMinHash(minhash)


def _serialise(minhash: LeanMinHash) -> bytearray:
    buffer = bytearray(minhash.bytesize(_BYTE_ORDER))
    minhash.serialize(buffer, _BYTE_ORDER)
    return buffer


def _deserialise(sig: bytes) -> LeanMinHash:
    """A signature back as a MinHash; InputError for bytes that are not one of ours."""
    try:
        minhash = LeanMinHash.deserialize(bytearray(sig), _BYTE_ORDER)
    except (ValueError, KeyError, struct.error) as error:
        raise InputError(f"not a lead signature ({len(sig)} bytes): {error}") from None
    if (minhash.seed, len(minhash), minhash.scheme) != (SEED, NUM_PERMUTATIONS, SCHEME):
        raise InputError(
            f"not a lead signature: seed {minhash.seed}, {len(minhash)} permutations, "
            f"scheme {minhash.scheme} (expected {SEED}, {NUM_PERMUTATIONS}, {SCHEME})"
        )
    return minhash


class NearDuplicates:
    """The signatures of texts seen so far, indexed by LSH: ``match`` names the content hash
    of a text whose Jaccard similarity with the new one is about ``threshold`` or more."""

    def __init__(self, threshold: float = 0.8) -> None:
        if not 0.0 < threshold <= 1.0:
            raise InputError(f"a near-duplicate threshold is in (0, 1], not {threshold}")
        self.threshold = threshold
        self._index = MinHashLSH(num_perm=NUM_PERMUTATIONS, params=LSH_BANDS_ROWS)
        self._signatures: dict[str, LeanMinHash] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, content_hash: str, sig: bytes) -> None:
        """Index a text by its content hash; adding a hash again keeps the first."""
        if content_hash in self._signatures:
            return
        minhash = _deserialise(sig)
        self._index.insert(content_hash, minhash)
        self._signatures[content_hash] = minhash

    def match(self, sig: bytes) -> str | None:
        """The content hash of the most similar indexed text that is a near-duplicate of the
        one signed ``sig``, or None (ties go to the smaller hash, so the answer is stable)."""
        minhash = _deserialise(sig)
        best: tuple[float, str] | None = None
        for candidate in self._index.query(minhash):
            similarity = float(minhash.jaccard(self._signatures[candidate]))
            if similarity < self.threshold - _ESTIMATE_SLACK:
                continue
            if best is None or (-similarity, candidate) < (-best[0], best[1]):
                best = (similarity, candidate)
        return None if best is None else best[1]
