"""IRIs minted from keys: plain keys stay as they are, anything else is percent-encoded."""

from __future__ import annotations

import pytest

from culturekg.iris import Minter

BASE = "https://w3id.org/culturekg/"


@pytest.mark.parametrize("key, segment", [
    ("almaty-2017", "almaty-2017"),
    ("KZ", "KZ"),
    ("a--b.c_d~e", "a--b.c_d~e"),
    ("", ""),
    ("a b", "a%20b"),
    ("a/b", "a%2Fb"),
    ("café", "caf%C3%A9"),
    ("x?y#z", "x%3Fy%23z"),
    ("line\n", "line%0A"),
])
def test_a_key_becomes_one_safe_path_segment(key, segment):
    assert Minter(BASE).iri("event", key).value == f"{BASE}id/event/{segment}"


def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError, match="unknown IRI kind"):
        Minter(BASE).iri("eventz", "x")
