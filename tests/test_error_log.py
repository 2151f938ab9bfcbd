"""Issue 18: the error log keeps a command's name and option names, never values; identifiers masked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import EMPLOYER

RIC = "110101199003074514"  # a valid 居民身份证号码
MOBILE = "13812345678"


def error_log(home: Path) -> Path:
    return home / ".local" / "state" / "disputectl" / "error.log"


# -- the error log keeps no personal data ----------------------------------------------------

def _boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError(f"登记失败：缴费人 {RIC} 电话 {MOBILE}，统一社会信用代码 {EMPLOYER['payer_id']}")


def _check_log(text: str) -> None:
    assert "RuntimeError" in text and "Traceback" in text, text
    for secret in (RIC, MOBILE, EMPLOYER["payer_id"], "示例市人民路1号", "对2026年度缴费基数核定有异议", "sw-registrar"):
        assert secret not in text, (secret, text)
    assert "1101**********4514" in text and "138****5678" in text, text
    header = next(line for line in text.splitlines() if line.startswith("--- "))
    assert "register" in header and "--payer-id=…" in header and "--phone=…" in header, header
    assert "--no-input" in header and "--no-input=" not in header, header


def test_the_error_log_keeps_option_names_and_masks_identifiers(cli, store, monkeypatch, isolated_env):
    import disputectl.services

    monkeypatch.setattr(disputectl.services, "register", _boom)
    fields = {**EMPLOYER, "payer_kind": "individual", "payer_id": RIC, "phone": MOBILE}
    result = cli("register", *[a for k, v in fields.items() for a in (f"--{k.replace('_', '-')}", v)],
                 "--no-input", as_="sw-registrar")
    assert result.exit_code == 70 and "内部错误" in result.stderr, result.output
    log = error_log(isolated_env)
    _check_log(log.read_text(encoding="utf-8"))
    assert str(store) not in log.read_text(encoding="utf-8")
    assert log.stat().st_mode & 0o077 == 0  # read by its owner only


def test_the_error_log_of_the_installed_command(store, tmp_path):
    """The real command line (``sys.argv``) under ``XDG_STATE_HOME``, in a process of its own."""
    state = tmp_path / "state"
    code = ("import sys, disputectl.services as s\n"
            "from tests.test_error_log import _boom\n"
            "s.register = _boom\n"
            "from disputectl.cli.main import run\n"
            "run()\n")
    argv = [sys.executable, "-c", code, "register", "--store", str(store), "--as", "sw-registrar",
            "--payer-kind", "individual", f"--payer-id={RIC}", "--phone", MOBILE,
            *[a for k, v in EMPLOYER.items() if k not in ("payer_kind", "payer_id", "phone")
              for a in (f"--{k.replace('_', '-')}", v)], "--no-input"]
    env = {**os.environ, "XDG_STATE_HOME": str(state), "PYTHONPATH": str(Path(__file__).parent.parent) + os.pathsep
           + str(Path(__file__).parent)}
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 70, proc.stderr
    text = (state / "disputectl" / "error.log").read_text(encoding="utf-8")
    _check_log(text)
    assert str(store) not in text


def _log_header(home: Path) -> str:
    text = error_log(home).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.startswith("--- ")][-1]


def test_the_error_log_drops_positional_arguments(cli, register, monkeypatch, isolated_env):
    import disputectl.governance
    import disputectl.services

    case = register()
    monkeypatch.setattr(disputectl.services, "perform", _boom)
    result = cli("note", case, f"--body=缴费人{MOBILE}来电", as_="bgs-office")
    assert result.exit_code == 70, result.output
    header = _log_header(isolated_env)
    assert re.search(r"--- \S+ disputectl note --body=… --store=… --as=…$", header), header
    assert case not in header and MOBILE not in error_log(isolated_env).read_text(encoding="utf-8")
    monkeypatch.setattr(disputectl.governance, "disable_officer", _boom)
    result = cli("officer", "disable", "sw-handler", as_="bgs-admin")
    assert result.exit_code == 70, result.output
    header = _log_header(isolated_env)
    assert re.search(r"--- \S+ disputectl officer disable --store=… --as=…$", header), header


def test_a_value_joined_to_a_short_option_is_not_logged(cli, monkeypatch, isolated_env, tmp_path):
    from disputectl.oversight import ledger

    monkeypatch.setattr(ledger, "write_ledger", _boom)
    result = cli("export", f"-o{tmp_path / RIC}.csv", "--from=2026-01-01", as_="sw-registrar")
    assert result.exit_code == 70, result.output
    header = _log_header(isolated_env)
    assert re.search(r"--- \S+ disputectl export -o=… --from=… --store=… --as=…$", header), header
    assert RIC[:10] not in error_log(isolated_env).read_text(encoding="utf-8")


def test_personal_data_in_any_text_is_masked():
    from disputectl.rules.personal import mask_personal_data

    text = (f"身份证{RIC}、代码{EMPLOYER['payer_id']}、小写 11010519491231002x、全角 １１０１０１１９９００３０７４５１４、"
            "手机 13812345678 / +8613812345678 / 138 1234 5678 / 138-1234-5678、座机 0571-88886666")
    masked = mask_personal_data(text)
    for secret in (RIC, EMPLOYER["payer_id"], "11010519491231002x", "１１０１０１１９９００３０７４５１４",
                   "13812345678", "1234 5678", "1234-5678", "88886666"):
        assert secret not in masked, (secret, masked)
    assert "1101**********4514" in masked and "138****5678" in masked
    kept = ("2026-12-04T14:54:23.794137", "line 1519, in wrapper", "0123456789abcdef0123456789abcdef01234567",
            "SW-20261126-001", "/tmp/pytest-of-root/popen-gw0/test_x0")
    for text in kept:
        assert mask_personal_data(text) == text
