"""An officer's signing key on this machine, and signing with it through ``ssh-keygen -Y sign``.

Keys live outside every store, private to the user: ``$XDG_CONFIG_HOME/disputectl/keys/`` (by
default ``~/.config/disputectl/keys/``), one ``<officer>`` private key (0600) and ``<officer>.pub``
per officer. An existing SSH key is adopted by recording where it is (``<officer>.source``),
and a key held by ssh-agent by recording ``agent``: the private key is never copied.
Signing is what ``git commit -S`` does with ``gpg.format=ssh``: ``ssh-keygen -Y sign -n git``.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from disputectl.errors import PermissionDenied, StoreError, ValidationError

NAMESPACE = "git"
KEY_TYPE = "ssh-ed25519"


def keys_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "disputectl" / "keys"


def normalize_public_key(text: str) -> str:
    """``ssh-ed25519 AAAA…`` (type and key; the comment dropped); a clear error otherwise."""
    parts = text.strip().split()
    if len(parts) < 2 or parts[0] != KEY_TYPE:
        raise ValidationError(f"公钥格式不对：应为一行 {KEY_TYPE} 公钥（如 ~/.ssh/id_ed25519.pub 的内容），本工具只接受 ed25519 密钥。")
    from disputectl.trust.signatures import public_key_bytes

    public_key_bytes(f"{parts[0]} {parts[1]}")  # refuses a damaged key
    return f"{parts[0]} {parts[1]}"


@dataclass(frozen=True)
class LocalKey:
    officer_id: str
    public: str  # normalized
    sign_with: Path  # the private key, or the public key when ssh-agent holds the private one

    def sign(self, data: bytes) -> bytes:
        """An armored SSH signature of ``data`` in the ``git`` namespace."""
        try:
            proc = subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", NAMESPACE, "-f", str(self.sign_with)],
                                  input=data, capture_output=True, check=False, timeout=60,
                                  env={**os.environ, "LC_ALL": "C"})
        except FileNotFoundError:
            raise StoreError("找不到 ssh-keygen 命令（OpenSSH 客户端），无法签名：请先安装 openssh-client。") from None
        except subprocess.TimeoutExpired:
            raise StoreError(f"用 {self.officer_id} 的密钥签名超时（ssh-agent 无响应？），未做任何改动。") from None
        if proc.returncode != 0 or not proc.stdout.startswith(b"-----BEGIN SSH SIGNATURE-----"):
            detail = proc.stderr.decode("utf-8", "replace").strip()[:200]
            raise PermissionDenied(f"用 {self.officer_id} 的密钥签名失败，未做任何改动（{detail or '无输出'}）。"
                                   "若密钥由 ssh-agent 保管，请确认 ssh-agent 正在运行并已加入该密钥。")
        return proc.stdout


def _paths(officer_id: str) -> tuple[Path, Path, Path]:
    folder = keys_dir()
    return folder / officer_id, folder / f"{officer_id}.pub", folder / f"{officer_id}.source"


def local_key(officer_id: str) -> LocalKey | None:
    """The key this user holds for ``officer_id``, if any."""
    private, public, source = _paths(officer_id)
    if not public.is_file():
        return None
    pub = normalize_public_key(public.read_text(encoding="utf-8"))
    if source.is_file():
        where = source.read_text(encoding="utf-8").strip()
        return LocalKey(officer_id, pub, public if where == "agent" else Path(where))
    if private.is_file():
        return LocalKey(officer_id, pub, private)
    return None


def _prepare_dir() -> Path:
    folder = keys_dir()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def create_key(officer_id: str) -> LocalKey:
    """A new ed25519 key for ``officer_id`` (an existing one is kept and returned)."""
    existing = local_key(officer_id)
    if existing is not None:
        return existing
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _prepare_dir()
    private, public, source = _paths(officer_id)
    for stale in (private, public, source):
        stale.unlink(missing_ok=True)
    secret = Ed25519PrivateKey.generate()
    pem = secret.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                               serialization.NoEncryption())
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    openssh = secret.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    public.write_bytes(openssh + f" disputectl {officer_id}\n".encode())
    private.chmod(0o600)
    key = local_key(officer_id)
    assert key is not None
    return key


def adopt_key(officer_id: str, path: Path, *, agent: bool = False) -> LocalKey:
    """Use an existing SSH key (its private file, or with ``agent`` its public file)."""
    path = path.expanduser().resolve()
    pub_file = path if agent or path.suffix == ".pub" else path.with_name(path.name + ".pub")
    if not pub_file.is_file():
        raise ValidationError(f"找不到公钥文件“{pub_file}”。")
    public = normalize_public_key(pub_file.read_text(encoding="utf-8"))
    if not agent:
        private = path.with_suffix("") if path.suffix == ".pub" else path
        if not private.is_file():
            raise ValidationError(f"找不到私钥文件“{private}”；若私钥由 ssh-agent 保管，请加 --agent。")
        if private.stat().st_mode & 0o077:
            raise ValidationError(f"私钥文件“{private}”其他用户可读，请先 chmod 600。")
    _prepare_dir()
    own_private, own_public, source = _paths(officer_id)
    own_private.unlink(missing_ok=True)
    own_public.write_text(public + f" disputectl {officer_id}\n", encoding="utf-8")
    source.write_text(("agent" if agent else str(private)) + "\n", encoding="utf-8")
    key = local_key(officer_id)
    assert key is not None
    return key


def signing_key(officer_id: str, registered: str | None, name: str) -> LocalKey:
    """The key to sign ``officer_id``'s commits with: refused unless this user holds the
    private key of the public key the store has registered for the officer."""
    if not registered:
        raise PermissionDenied(
            f"{name}（{officer_id}）尚未在案件库登记签名公钥，不能以其身份办理：请本人运行 "
            f"disputectl key init --as {officer_id}，再请系统管理员运行 disputectl officer key {officer_id} --file <公钥文件>。")
    key = local_key(officer_id)
    if key is None:
        raise PermissionDenied(
            f"本机没有 {name}（{officer_id}）的签名私钥，不能以其身份办理：请本人在自己的电脑上操作；"
            f"本人换了电脑时运行 disputectl key init --as {officer_id}（或 --adopt ~/.ssh/id_ed25519），"
            f"再请系统管理员用 disputectl officer key {officer_id} --file <公钥文件> 登记新公钥。")
    if key.public != normalize_public_key(registered):
        raise PermissionDenied(
            f"本机 {officer_id} 的密钥与案件库为 {name} 登记的公钥不符，不能以其身份办理。若确是本人换了密钥，"
            "请本人当面把新公钥交给系统管理员核实后登记（disputectl officer key）；否则请用自己的工号办理。")
    return key


def private_key_file(officer_id: str, registered: str | None, name: str) -> Path:
    """The private key file of the officer's registered key (to open what is wrapped for it)."""
    key = signing_key(officer_id, registered, name)
    if key.sign_with.suffix == ".pub":
        raise PermissionDenied(f"{name}（{officer_id}）的私钥由 ssh-agent 保管，本工具无法用它解开加密的个人信息：请用 "
                               f"disputectl key init --as {officer_id} 生成本工具专用的密钥文件，并请系统管理员登记。")
    return key.sign_with
