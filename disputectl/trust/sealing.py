"""Encryption at rest of personal data: the store's keyring, sealing values, keyed hashes.

A store that encrypts has a ``keyring.yaml`` (changed only by admin commands), naming:

- the **suite**, chosen at ``init``: ``sm4-gcm`` (SM4-GCM, HKDF and HMAC with SM3) or
  ``aes-256-gcm`` (AES-256-GCM, HKDF and HMAC with SHA-256);
- the **data key**: an X25519 key pair. Its public half is in the file, so anyone may seal a
  value (register and every action work without a secret); its private half opens values and is
  wrapped with age (``pyrage``) for each officer whose roles may reveal, and for the admins who
  keep the keyring, to the ssh-ed25519 keys they already sign with;
- the **search key**: the key of the keyed hash that finds a payer by identifier or phone
  without opening anything, wrapped for every officer with a key (a hash of a phone number is
  easy to reverse by trying every number: the key must not be in a clone anyone can read).

A sealed value (``box``) is ``<suite>:<key id>:<base64>`` of an ephemeral X25519 public key, a
fresh 12-byte nonce and the AEAD ciphertext with its tag; the value key is HKDF of the shared
secret. The associated data binds the box to its case, record and field, so a box copied into
another case or field does not open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac as std_hmac
import os
import re
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from disputectl.errors import PermissionDenied, ValidationError

KEYRING_FILE = "keyring.yaml"
NONCE_BYTES = 12
TAG_BYTES = 16
_INFO = b"disputectl/seal/v1"
_BOX_RE = re.compile(r"^([a-z0-9-]{3,20}):([0-9a-f]{8}):([A-Za-z0-9+/]+={0,2})\Z")


@dataclass(frozen=True)
class Suite:
    code: str
    label: str
    key_bytes: int

    def hash_algorithm(self) -> Any:
        from cryptography.hazmat.primitives import hashes

        return hashes.SM3() if self.code == "sm4-gcm" else hashes.SHA256()

    def encrypt(self, key: bytes, nonce: bytes, plain: bytes, aad: bytes) -> bytes:
        if self.code == "aes-256-gcm":
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            return AESGCM(key).encrypt(nonce, plain, aad)
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(aad)
        body = enc.update(plain) + enc.finalize()
        return body + enc.tag

    def decrypt(self, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        """The plain bytes; ``InvalidTag`` when the box was altered or the key is not its key."""
        if self.code == "aes-256-gcm":
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            return AESGCM(key).decrypt(nonce, sealed, aad)
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
        dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        dec.authenticate_additional_data(aad)
        return dec.update(body) + dec.finalize()

    def derive(self, shared: bytes, salt: bytes) -> bytes:
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        return HKDF(algorithm=self.hash_algorithm(), length=self.key_bytes, salt=salt, info=_INFO).derive(shared)

    def keyed_hash(self, key: bytes, message: bytes) -> str:
        if self.code == "aes-256-gcm":
            return std_hmac.new(key, message, hashlib.sha256).hexdigest()[:32]
        from cryptography.hazmat.primitives import hmac

        mac = hmac.HMAC(key, self.hash_algorithm())
        mac.update(message)
        return mac.finalize().hex()[:32]


SUITES = {
    "sm4-gcm": Suite("sm4-gcm", "SM4-GCM，HMAC-SM3（国密）", 16),
    "aes-256-gcm": Suite("aes-256-gcm", "AES-256-GCM，HMAC-SHA-256", 32),
}
SUITE_ALIASES = {"sm4": "sm4-gcm", "sm4-gcm": "sm4-gcm", "国密": "sm4-gcm", "aes": "aes-256-gcm",
                 "aes-256-gcm": "aes-256-gcm", "aes256": "aes-256-gcm"}


def suite_of(text: str) -> Suite:
    code = SUITE_ALIASES.get(text.strip().lower())
    if code is None:
        raise ValidationError(f"加密算法“{text[:20]}”无效，可选：sm4-gcm（SM4-GCM/HMAC-SM3，国密）或 aes-256-gcm（AES-256-GCM/HMAC-SHA-256）。")
    return SUITES[code]


# -- wrapping for officers (age, ssh-ed25519 recipients) ---------------------------------------
# Each officer gets an age file of their own (one recipient): opening one among a hundred
# recipients costs pyrage ~0.1 s (it grows with the square of their number), one of one ~1 ms.

def wrap(secret: bytes, recipients: dict[str, str]) -> dict[str, str]:
    """``secret`` in an age file for each officer's ssh-ed25519 key: ``{officer: base64}``."""
    import pyrage

    return {officer: base64.b64encode(pyrage.encrypt(secret, [pyrage.ssh.Recipient.from_str(public)])).decode("ascii")
            for officer, public in sorted(recipients.items())}


def unwrap(key: WrappedKey, officer: str, private_key: Path, *, what: str) -> bytes:
    """Open the officer's own age file of ``key`` with their private SSH key file."""
    import pyrage

    entry = key.wrapped.get(officer)
    if entry is None:
        raise PermissionDenied(f"{what}没有为 {officer} 加密（无权使用，或其公钥登记后尚未由系统管理员授权）。")
    try:
        identity = pyrage.ssh.Identity.from_buffer(private_key.read_bytes())
    except OSError:
        raise PermissionDenied(f"读不到 {officer} 的私钥文件，无法解开{what}。") from None
    except Exception:  # noqa: BLE001 - pyrage raises its own types for keys it cannot use
        raise PermissionDenied(f"{officer} 的私钥有口令保护或由 ssh-agent 保管，无法解开{what}：请用 disputectl key init "
                               "生成本工具专用的密钥，并请系统管理员登记。") from None
    try:
        return bytes(pyrage.decrypt(base64.b64decode(entry), [identity]))
    except Exception:  # noqa: BLE001 - DecryptError: made for another key of the officer
        raise PermissionDenied(f"{what}没有为 {officer} 当前登记的密钥加密（密钥更换后尚未由系统管理员重新授权）。") from None


def ssh_tag(public: str) -> str:
    """The 4-byte tag age writes in a stanza for an ssh-ed25519 recipient (base64, no padding)."""
    blob = base64.b64decode(public.split()[1])
    return base64.b64encode(hashlib.sha256(blob).digest()[:4]).decode("ascii").rstrip("=")


def stanza_tags(entry: str) -> list[str]:
    """The recipient tags in an age file's header, read without any key (verify uses them)."""
    try:
        header = base64.b64decode(entry).split(b"\n---", 1)[0].decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return []
    return [line.split()[2] for line in header.splitlines() if line.startswith("-> ssh-ed25519 ") and len(line.split()) >= 3]


def wrong_wraps(key: WrappedKey, recipients: dict[str, str]) -> list[str]:
    """The officers whose age file of ``key`` is not made for exactly their registered key."""
    return [o for o, entry in key.wrapped.items() if o in recipients and stanza_tags(entry) != [ssh_tag(recipients[o])]]


# -- the keyring ------------------------------------------------------------------------------

@dataclass(frozen=True)
class WrappedKey:
    id: str
    wrapped: dict[str, str]  # officer -> their own age file of the key (base64)
    public: str | None = None  # the data key's public half (base64)

    @property
    def recipients(self) -> tuple[str, ...]:
        return tuple(sorted(self.wrapped))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.public is not None:
            out["public"] = self.public
        out["wrapped"] = dict(sorted(self.wrapped.items()))
        return out


@dataclass(frozen=True)
class Keyring:
    suite: Suite
    data: WrappedKey
    search: WrappedKey
    # earlier data keys (newest first): what was sealed under them still opens for those entitled
    # now. A new one is made whenever someone loses access (a role removed, an officer disabled,
    # a key replaced), so what is sealed from then on is out of their reach.
    previous: tuple[WrappedKey, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"suite": self.suite.code, "data_key": self.data.as_dict(),
                               "search_key": self.search.as_dict()}
        if self.previous:
            out["previous_data_keys"] = [k.as_dict() for k in self.previous]
        return out

    @property
    def data_keys(self) -> tuple[WrappedKey, ...]:
        return (self.data, *self.previous)

    @property
    def public(self) -> bytes:
        return base64.b64decode(self.data.public or "")


def parse_keyring(raw: Any) -> Keyring:
    problems = "keyring.yaml 格式不对"
    if not isinstance(raw, dict):
        raise ValidationError(problems)

    def key_of(k: Any, *, data: bool) -> WrappedKey:
        wrapped = k["wrapped"]
        if not (isinstance(k["id"], str) and re.fullmatch(r"[0-9a-f]{8}", k["id"]) and isinstance(wrapped, dict)
                and all(isinstance(o, str) and isinstance(v, str) for o, v in wrapped.items())):
            raise ValidationError(problems)
        public = k.get("public")
        if data and (not isinstance(public, str) or len(base64.b64decode(public)) != 32):
            raise ValidationError(problems)
        return WrappedKey(k["id"], dict(wrapped), public)

    try:
        suite = SUITES[raw["suite"]]
        data, search = key_of(raw["data_key"], data=True), key_of(raw["search_key"], data=False)
        previous = tuple(key_of(k, data=True) for k in raw.get("previous_data_keys") or [])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ValidationError(problems) from None
    return Keyring(suite, data, search, previous)


def new_keyring(suite: Suite, data_recipients: dict[str, str], search_recipients: dict[str, str]) -> Keyring:
    """Fresh keys, wrapped for ``{officer: public key}`` each."""
    return new_keys(suite, data_recipients, search_recipients)[0]


def new_keys(suite: Suite, data_recipients: dict[str, str],
             search_recipients: dict[str, str]) -> tuple[Keyring, bytes, bytes]:
    """Fresh keys wrapped for ``{officer: public key}`` each, with the private data key and the
    search key (for sealing the current case files anew under them)."""
    if not data_recipients:
        raise ValidationError("没有可以保管数据密钥的人员（系统管理员或可查看完整个人信息的人员须登记公钥）。")
    data, raw_private = _new_data_key(data_recipients)
    search = os.urandom(32)
    ring = Keyring(suite, data, WrappedKey(secrets.token_hex(4), wrap(search, search_recipients)))
    return ring, raw_private, search


def _new_data_key(recipients: dict[str, str]) -> tuple[WrappedKey, bytes]:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    private = X25519PrivateKey.generate()
    raw_private = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = base64.b64encode(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")
    return WrappedKey(secrets.token_hex(4), wrap(raw_private, recipients), public), raw_private


def rewrapped(keyring: Keyring, data_recipients: dict[str, str], search_recipients: dict[str, str],
              *, private_key: Path, officer: str) -> Keyring:
    """The keyring wrapped for new recipients (opened with the admin's own key). A grant adds an
    age file for the one granted; when anyone loses access to the data key (a role removed, an
    officer disabled, a key replaced), a new data key is made for what is sealed from now on, and
    the earlier ones are wrapped for those entitled now."""
    if not data_recipients:
        raise ValidationError("这样改动后没有人能保管数据密钥（系统管理员或可查看完整个人信息的人员须登记公钥），未做改动。")
    data, previous = keyring.data, keyring.previous
    lost = bool(set(data.wrapped) - set(data_recipients)) or bool(wrong_wraps(data, data_recipients))
    if lost or set(data.wrapped) != set(data_recipients):
        secrets_by_id = open_data_keys(keyring, private_key, officer)
        renewed = [_wrapped_for(key, secrets_by_id[key.id], data_recipients) for key in keyring.data_keys]
        if lost:
            data, _ = _new_data_key(data_recipients)
            previous = tuple(renewed)
        else:
            data, previous = renewed[0], tuple(renewed[1:])
    search = keyring.search
    if set(search.wrapped) != set(search_recipients) or wrong_wraps(search, search_recipients):
        secret = unwrap(search, officer, private_key, what="检索密钥")
        search = _wrapped_for(search, secret, search_recipients)
    return Keyring(keyring.suite, data, search, previous)


def _wrapped_for(key: WrappedKey, secret: bytes, recipients: dict[str, str]) -> WrappedKey:
    """``key`` for exactly ``recipients``: the age files that still fit are kept as they are."""
    kept = {o: e for o, e in key.wrapped.items() if o in recipients and stanza_tags(e) == [ssh_tag(recipients[o])]}
    added = wrap(secret, {o: p for o, p in recipients.items() if o not in kept})
    return replace(key, wrapped=dict(sorted({**kept, **added}.items())))


def open_data_keys(keyring: Keyring, private_key: Path, officer: str) -> dict[str, bytes]:
    """Every data key of the keyring (by id), opened with the officer's own key."""
    return {key.id: unwrap(key, officer, private_key, what="数据密钥") for key in keyring.data_keys}


# -- sealing and opening ----------------------------------------------------------------------

def aad_for(case_id: str, record: str, field_name: str) -> bytes:
    return f"{case_id}\x1f{record}\x1f{field_name}".encode()


@dataclass
class Sealer:
    """Seals values under the keyring's public data key: no secret needed."""

    keyring: Keyring

    def seal(self, value: str, aad: bytes) -> str:
        return self.seal_bytes(value.encode("utf-8"), aad)

    def seal_bytes(self, value: bytes, aad: bytes) -> str:
        from cryptography.hazmat.primitives.asymmetric.x25519 import (
            X25519PrivateKey,
            X25519PublicKey,
        )
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        store_public = self.keyring.public
        ephemeral = X25519PrivateKey.generate()
        eph_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(store_public))
        key = self.keyring.suite.derive(shared, eph_public + store_public)
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.keyring.suite.encrypt(key, nonce, value, aad)
        body = base64.b64encode(eph_public + nonce + sealed).decode("ascii")
        return f"{self.keyring.suite.code}:{self.keyring.data.id}:{body}"


class OpenError(Exception):
    """A box that does not open: altered, moved from elsewhere, or sealed under another key."""


@dataclass
class Opener:
    """Opens boxes with the private data keys (unwrapped by an officer allowed to reveal):
    ``private`` by key id, the current key and the earlier ones."""

    keyring: Keyring
    private: dict[str, bytes]

    def open(self, box: str, aad: bytes) -> str:
        try:
            return self.open_bytes(box, aad).decode("utf-8")
        except UnicodeDecodeError:
            raise OpenError("解密后不是文字") from None

    def open_bytes(self, box: str, aad: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.asymmetric.x25519 import (
            X25519PrivateKey,
            X25519PublicKey,
        )

        parts = box_parts(box)
        if parts is None:
            raise OpenError("格式不对")
        suite_code, key_id, raw = parts
        key_public = next((base64.b64decode(k.public or "") for k in self.keyring.data_keys if k.id == key_id), None)
        if suite_code != self.keyring.suite.code or key_id not in self.private or key_public is None:
            raise OpenError(f"由另一把数据密钥（{key_id}）加密")
        eph_public, nonce, sealed = raw[:32], raw[32:32 + NONCE_BYTES], raw[32 + NONCE_BYTES:]
        private = X25519PrivateKey.from_private_bytes(self.private[key_id])
        shared = private.exchange(X25519PublicKey.from_public_bytes(eph_public))
        key = self.keyring.suite.derive(shared, eph_public + key_public)
        try:
            return self.keyring.suite.decrypt(key, nonce, sealed, aad)
        except InvalidTag:
            raise OpenError("校验不通过（密文被改动，或不属于这个案件和字段）") from None


def box_parts(box: object) -> tuple[str, str, bytes] | None:
    """(suite, key id, raw bytes) of a well-formed box; None otherwise."""
    if not isinstance(box, str):
        return None
    match = _BOX_RE.match(box)
    if not match:
        return None
    try:
        raw = base64.b64decode(match.group(3), validate=True)
    except ValueError:
        return None
    if len(raw) < 32 + NONCE_BYTES + TAG_BYTES:
        return None
    return match.group(1), match.group(2), raw


@dataclass(frozen=True)
class Hasher:
    """Keyed hashes for exact search: ``<search key id>:<kind>:<hex>``."""

    suite: Suite
    key_id: str
    key: bytes

    def token(self, kind: str, value: str) -> str:
        from disputectl.rules.personal import normalized

        digest = self.suite.keyed_hash(self.key, f"{kind}\x1f{normalized(kind, value)}".encode())
        return f"{self.key_id}:{kind}:{digest}"


def clear_token(kind: str, value: str) -> str:
    """A store kept in clear (before ``migrate encrypt``) is searched by the value itself."""
    from disputectl.rules.personal import normalized

    return f"clear:{kind}:{normalized(kind, value)}"


def recipients_for(config: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Who the data key and the search key are wrapped for, ``{officer: public key}``: the data
    key for the officers whose roles may reveal and for the admins (who keep the keyring and can
    grant the role anyway, on the record); the search key for every officer with a key."""
    active = {o.id: o for o in config.officers.values() if o.key and not o.disabled}
    data = {i: o.key for i, o in active.items() if o.roles & (config.reveal_roles | {"admin"})}
    search = {i: o.key for i, o in active.items()}
    return data, search
