"""An order-independent digest of N-Quads text, so that a dump read back by another parser can be
compared with the snapshot without holding either graph.

Lines are compared as pyoxigraph writes them (both sides are written by it). Statements with a blank
node are set aside and compared as canonicalized datasets, since each parser labels blank nodes its
own way; the rest count by number and by the sum of their hashes. Language tags are lower-cased on
both sides first: they are case-insensitive and parsers differ in the case they report.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from .canonical import canonical_dataset, fold_language_case

_BLANK_LINE = re.compile(rb"^[^\n]*_:[^\n]*\n", re.MULTILINE)
# A language tag ends the object literal: only the graph name and " ." may follow it on the line.
_LANGUAGE = re.compile(rb'"@([A-Za-z]+(?:-[A-Za-z0-9]+)*)(?=(?: <[^>\n]*>| _:[^ \n]+)? \.$)', re.MULTILINE)


def _lower(match: re.Match) -> bytes:
    return b'"@' + match.group(1).lower()


class LineDigest:
    """A binary stream to write N-Quads text to (any chunking); `same_as` compares two digests.

    Python's `hash` of bytes is salted per process, which is fine: both sides of a comparison are
    computed in the same process. `keep`, if given, receives every line counted (for a diagnosis)."""

    def __init__(self, keep=None) -> None:
        self.count = 0
        self.total = 0
        self.blank: list[bytes] = []
        self._rest = b""
        self._keep = keep

    def write(self, data) -> int:
        block = self._rest + bytes(data)
        cut = block.rfind(b"\n") + 1
        self._rest = block[cut:]
        self._add(block[:cut])
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self._rest:
            self._add(self._rest + b"\n")
            self._rest = b""

    def _add(self, block: bytes) -> None:
        if not block:
            return
        if b"_:" in block:
            self.blank.extend(_BLANK_LINE.findall(block))
            block = _BLANK_LINE.sub(b"", block)
        if b'"@' in block:
            block = _LANGUAGE.sub(_lower, block)
        if self._keep is not None:
            self._keep.add(block)
        lines = block.split(b"\n")
        lines.pop()  # what follows the last newline: nothing
        self.count += len(lines)
        self.total += sum(map(hash, lines))

    def blank_dataset(self) -> ox.Dataset:
        return fold_language_case(canonical_dataset(ox.parse(b"".join(self.blank), format=ox.RdfFormat.N_QUADS)))

    def same_as(self, other: LineDigest) -> bool:
        if (self.count, self.total, len(self.blank)) != (other.count, other.total, len(other.blank)):
            return False
        return not self.blank or self.blank_dataset() == other.blank_dataset()


def digest_file(path, keep=None) -> LineDigest:
    digest = LineDigest(keep)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(4 << 20), b""):
            digest.write(block)
    digest.close()
    return digest
