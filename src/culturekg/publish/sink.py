"""Where a dump is written: the file and its gzipped copy at once, with the size and SHA-256 of both
counted on the way, so a dump of gigabytes is neither held in memory nor read again to describe it."""

from __future__ import annotations

import gzip
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

_GZIP_LEVEL = 6


@dataclass(frozen=True)
class Written:
    size: int
    sha256: str


class _Counted(io.RawIOBase):
    """A binary file that also counts and hashes what goes through it."""

    def __init__(self, handle) -> None:
        self._handle = handle
        self._digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._handle.write(data)
        self._digest.update(data)
        self.size += len(data)
        return len(data)

    def written(self) -> Written:
        return Written(self.size, self._digest.hexdigest())


class _Both(io.RawIOBase):
    def __init__(self, plain: _Counted, gzipped: gzip.GzipFile) -> None:
        self._plain, self._gzipped = plain, gzipped

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._plain.write(data)
        self._gzipped.write(data)
        return len(data)


class DumpSink:
    """`path` and `path.gz` written together through `stream` (a buffered binary stream)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._files = [open(path, "wb"), open(path.with_name(path.name + ".gz"), "wb")]
        self._plain = _Counted(self._files[0])
        self._packed = _Counted(self._files[1])
        # No file name and no time in the header: equal input gives equal bytes.
        self._gzip = gzip.GzipFile(filename="", mode="wb", fileobj=self._packed, mtime=0, compresslevel=_GZIP_LEVEL)
        self.stream = io.BufferedWriter(_Both(self._plain, self._gzip), buffer_size=1 << 20)

    def close(self) -> tuple[Written, Written]:
        """(the dump, its gzipped copy)."""
        self.stream.flush()
        self._gzip.close()
        for handle in self._files:
            handle.close()
        return self._plain.written(), self._packed.written()

    def abandon(self) -> None:
        for handle in self._files:
            handle.close()


class EscapeCarriageReturns(io.RawIOBase):
    """pyoxigraph's RDF/XML writer writes a carriage return as it is, and XML readers turn "\\r\\n" into
    "\\n": a character reference keeps it. Literals are element text, the only place a CR can be."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._stream.write(bytes(data).replace(b"\r", b"&#13;"))
        return len(data)
