"""Sealing personal data: both suites round-trip, a box opens only where it was sealed and only
unaltered, keyed hashes find a value however it was typed, and the keys are wrapped with age
for exactly the officers named (whose tags verify can read without a key)."""

from __future__ import annotations

from pathlib import Path

import pytest

from disputectl.errors import PermissionDenied
from disputectl.trust.keys import create_key, keys_dir
from disputectl.trust.sealing import (
    SUITES,
    Hasher,
    Opener,
    OpenError,
    Sealer,
    aad_for,
    box_parts,
    new_keys,
    open_data_keys,
    rewrapped,
    ssh_tag,
    stanza_tags,
    suite_of,
    unwrap,
)


def _ring(suite: str, *officers: str):
    publics = {o: create_key(o).public for o in officers}
    return new_keys(SUITES[suite], publics, publics)


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_both_suites_round_trip_with_a_fresh_nonce_per_value(suite: str) -> None:
    ring, private, search = _ring(suite, "bgs-office")
    sealer, opener = Sealer(ring), Opener(ring, {ring.data.id: private})
    aad = aad_for("SW-20261126-001", "registration", "phone")
    first, second = sealer.seal("13812345678", aad), sealer.seal("13812345678", aad)
    assert first != second  # a fresh ephemeral key and nonce each time
    assert first.startswith(f"{suite}:{ring.data.id}:")
    assert "13812345678" not in first
    assert opener.open(first, aad) == opener.open(second, aad) == "13812345678"
    assert opener.open(sealer.seal("张三 示例市东区解放路8号", aad), aad) == "张三 示例市东区解放路8号"


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_an_altered_or_moved_box_does_not_open(suite: str) -> None:
    ring, private, _ = _ring(suite, "bgs-office")
    opener = Opener(ring, {ring.data.id: private})
    aad = aad_for("SW-20261126-001", "registration", "payer.id_number")
    box = Sealer(ring).seal("11010519491231002X", aad)
    prefix, body = box.rsplit(":", 1)
    flipped = body[:-6] + ("A" if body[-6] != "A" else "B") + body[-5:]
    with pytest.raises(OpenError):
        opener.open(f"{prefix}:{flipped}", aad)
    with pytest.raises(OpenError):  # the same box pasted into another case
        opener.open(box, aad_for("SW-20261126-002", "registration", "payer.id_number"))
    with pytest.raises(OpenError):  # or into another field
        opener.open(box, aad_for("SW-20261126-001", "registration", "phone"))
    with pytest.raises(OpenError):
        opener.open("sm4-gcm:00000000:AAAA", aad)
    other, other_private, _ = _ring(suite, "bgs-office")
    with pytest.raises(OpenError):  # sealed under another store's key
        Opener(other, {other.data.id: other_private}).open(box, aad)


def test_box_shape_is_checked_without_a_key() -> None:
    ring, _, _ = _ring("sm4-gcm", "bgs-office")
    box = Sealer(ring).seal("x", b"a")
    assert box_parts(box) is not None
    for bad in ("", "13812345678", "sm4-gcm:zz:AAAA", box + "!", box.replace(":", ";", 1), None, 5):
        assert box_parts(bad) is None


def test_keyed_hash_finds_a_value_however_it_was_typed() -> None:
    hasher = Hasher(SUITES["sm4-gcm"], "0a1b2c3d", b"k" * 32)
    assert hasher.token("id", "11010519491231002x") == hasher.token("id", "１１０１０５１９４９１２３１００２Ｘ")
    assert hasher.token("phone", "138 1234 5678") == hasher.token("phone", "+86 138-1234-5678") == hasher.token("phone", "13812345678")
    assert hasher.token("phone", "13812345678") != hasher.token("phone", "13812345679")
    assert hasher.token("id", "13812345678") != hasher.token("phone", "13812345678")  # kinds apart
    other = Hasher(SUITES["sm4-gcm"], "0a1b2c3d", b"j" * 32)
    assert other.token("phone", "13812345678") != hasher.token("phone", "13812345678")  # keyed
    aes = Hasher(SUITES["aes-256-gcm"], "0a1b2c3d", b"k" * 32)
    assert aes.token("phone", "13812345678") != hasher.token("phone", "13812345678")  # HMAC-SHA-256 vs HMAC-SM3


def test_keys_are_wrapped_for_exactly_the_officers_named() -> None:
    ring, private, search = _ring("sm4-gcm", "bgs-office", "bgs-admin")
    office, admin, handler = (create_key(o) for o in ("bgs-office", "bgs-admin", "sw-handler"))
    # one age file per officer, each made for exactly their key
    assert {o: stanza_tags(e) for o, e in ring.data.wrapped.items()} == \
        {"bgs-office": [ssh_tag(office.public)], "bgs-admin": [ssh_tag(admin.public)]}
    assert unwrap(ring.data, "bgs-office", keys_dir() / "bgs-office", what="数据密钥") == private
    assert unwrap(ring.search, "bgs-admin", keys_dir() / "bgs-admin", what="检索密钥") == search
    with pytest.raises(PermissionDenied, match="没有为 sw-handler"):
        unwrap(ring.data, "sw-handler", keys_dir() / "sw-handler", what="数据密钥")
    with pytest.raises(PermissionDenied, match="当前登记的密钥"):  # the office's file, opened with another key
        unwrap(ring.data, "bgs-office", keys_dir() / "sw-handler", what="数据密钥")
    # a grant: the same key, wrapped for one more by someone who holds it
    wider = rewrapped(ring, {"bgs-office": office.public, "bgs-admin": admin.public, "sw-handler": handler.public},
                      {"bgs-office": office.public}, private_key=keys_dir() / "bgs-office", officer="bgs-office")
    assert wider.data.id == ring.data.id and wider.previous == ()
    assert wider.data.wrapped["bgs-office"] == ring.data.wrapped["bgs-office"]  # the others' files untouched
    assert unwrap(wider.data, "sw-handler", keys_dir() / "sw-handler", what="数据密钥") == private
    # someone loses access: a new data key for what is sealed from now on; the earlier one is kept,
    # wrapped for those entitled now, so what was sealed under it still opens for them
    narrower = rewrapped(wider, {"bgs-office": office.public, "sw-handler": handler.public},
                         {"bgs-office": office.public}, private_key=keys_dir() / "bgs-office", officer="bgs-office")
    assert narrower.data.id != ring.data.id and [k.id for k in narrower.previous] == [ring.data.id]
    assert narrower.data.public != ring.data.public
    old_box = Sealer(ring).seal("13812345678", b"aad")
    handler_keys = open_data_keys(narrower, keys_dir() / "sw-handler", "sw-handler")
    assert Opener(narrower, handler_keys).open(old_box, b"aad") == "13812345678"
    new_box = Sealer(narrower).seal("13912345678", b"aad")
    assert Opener(narrower, handler_keys).open(new_box, b"aad") == "13912345678"
    with pytest.raises(PermissionDenied):  # the admin holds the old key from history, never the new one
        unwrap(narrower.data, "bgs-admin", keys_dir() / "bgs-admin", what="数据密钥")
    with pytest.raises(OpenError):
        Opener(narrower, {ring.data.id: private}).open(new_box, b"aad")


def test_a_passphrase_protected_key_is_refused_with_what_to_do(tmp_path: Path) -> None:
    import subprocess

    path = tmp_path / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "pass", "-f", str(path)], check=True)
    ring, _, _ = _ring("aes-256-gcm", "bgs-office")
    with pytest.raises(PermissionDenied, match="口令保护"):
        unwrap(ring.data, "bgs-office", path, what="数据密钥")


def test_suite_names() -> None:
    assert suite_of("SM4").code == "sm4-gcm" and suite_of("aes").code == "aes-256-gcm"
    with pytest.raises(Exception, match="sm4-gcm"):
        suite_of("des")
