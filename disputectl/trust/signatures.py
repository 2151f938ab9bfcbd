"""Checking SSH signatures (PROTOCOL.sshsig, as ``git verify-commit`` does) in-process.

``verify`` checks every commit of a store's history: one ``ssh-keygen`` per commit would take
hours at 500,000 commits, so the ed25519 signature is checked here with ``cryptography``.
A commit's signature is its ``gpgsig`` header; what was signed is the commit without it.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from disputectl.errors import ValidationError

if TYPE_CHECKING:
    from disputectl.rules.config import Config

MAGIC = b"SSHSIG"
ARMOR_BEGIN = b"-----BEGIN SSH SIGNATURE-----"
ARMOR_END = b"-----END SSH SIGNATURE-----"
ALLOWED_SIGNERS_FILE = "allowed_signers"


def _strings(blob: bytes, offset: int = 0) -> Iterable[bytes]:
    while offset < len(blob):
        if offset + 4 > len(blob):
            raise ValueError("truncated")
        (size,) = struct.unpack(">I", blob[offset:offset + 4])
        offset += 4
        if offset + size > len(blob):
            raise ValueError("truncated")
        yield blob[offset:offset + size]
        offset += size


def _string(value: bytes) -> bytes:
    return struct.pack(">I", len(value)) + value


def public_key_bytes(public: str) -> bytes:
    """The 32 bytes of an ``ssh-ed25519 AAAA…`` key."""
    try:
        kind, data = public.split()[:2]
        blob = base64.b64decode(data, validate=True)
        name, key = list(_strings(blob))
    except (ValueError, TypeError):
        raise ValidationError("公钥已损坏（不是有效的 ssh-ed25519 公钥）。") from None
    if kind != "ssh-ed25519" or name != b"ssh-ed25519" or len(key) != 32:
        raise ValidationError("公钥不是 ssh-ed25519 公钥。")
    return key


def split_signed_commit(raw: bytes) -> tuple[bytes, bytes | None]:
    """(what was signed, the armored signature) of a raw commit object."""
    header, sep, message = raw.partition(b"\n\n")
    lines = header.split(b"\n")
    kept: list[bytes] = []
    signature: list[bytes] = []
    in_sig = False
    for line in lines:
        if line.startswith(b"gpgsig "):
            in_sig = True
            signature.append(line[len(b"gpgsig "):])
        elif in_sig and line.startswith(b" "):
            signature.append(line[1:])
        else:
            in_sig = False
            kept.append(line)
    payload = b"\n".join(kept) + sep + message
    return payload, (b"\n".join(signature) + b"\n") if signature else None


def signed_key(armored: bytes, data: bytes, namespace: str = "git") -> bytes | None:
    """The ed25519 public key (32 bytes) whose valid signature of ``data`` ``armored`` is;
    None if it is not a valid ed25519 SSH signature of ``data`` in ``namespace``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    body = armored.strip()
    if not body.startswith(ARMOR_BEGIN) or not body.endswith(ARMOR_END):
        return None
    try:
        blob = base64.b64decode(b"".join(body[len(ARMOR_BEGIN):-len(ARMOR_END)].split()), validate=True)
        if not blob.startswith(MAGIC) or struct.unpack(">I", blob[6:10])[0] != 1:
            return None
        public, ns, reserved, hash_name, sig = list(_strings(blob, 10))
        key_name, key = list(_strings(public))
        sig_name, sig_bytes = list(_strings(sig))
    except (ValueError, TypeError, struct.error):
        return None
    if key_name != b"ssh-ed25519" or sig_name != b"ssh-ed25519" or ns != namespace.encode() or len(key) != 32:
        return None
    if hash_name not in (b"sha512", b"sha256"):
        return None
    digest = hashlib.new(hash_name.decode(), data).digest()
    signed = MAGIC + _string(ns) + _string(reserved) + _string(hash_name) + _string(digest)
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(sig_bytes, signed)
    except (InvalidSignature, ValueError):
        return None
    return key


def allowed_signers(entries: Iterable[tuple[str, str, str | None]]) -> bytes:
    """The store's ``allowed_signers`` file for ``git verify-commit``: one line per
    (principal, public key, valid-before date ``YYYYMMDD`` of a replaced key or None)."""
    lines = ["# 由 disputectl 根据 disputectl.yaml 中登记的公钥生成，请勿手工修改。",
             "# git config gpg.ssh.allowedSignersFile 指向本文件后，git verify-commit / git log --show-signature 即可核验签名。"]
    for principal, key, until in entries:
        option = 'namespaces="git"' + (f',valid-before="{until}"' if until else "")
        lines.append(f"{principal} {option} {key}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def signers_of(config: Config) -> bytes:
    """The ``allowed_signers`` file for ``config``: every registered key, the replaced ones valid
    only before the day after they were replaced (past commits still check with plain git)."""
    entries: list[tuple[str, str, str | None]] = []
    for officer in config.officers.values():
        if officer.key:
            entries.append((officer.principal, officer.key, None))
        for key, until in officer.retired_keys:
            day = date.fromisoformat(until) + timedelta(days=1)
            entries.append((officer.principal, key, f"{day:%Y%m%d}"))
    return allowed_signers(entries)
