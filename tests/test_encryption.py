"""Issue 19: personal data encrypted at rest — masking that holds for anyone with a clone.

Identifiers, phone numbers, an individual's address and free text holding an ID or a mobile
number are in the store only sealed (beside their masked form and a keyed hash); the keys are
wrapped for the officers entitled; everything but a reveal works without them.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EMPLOYER, INDIVIDUAL, commit_by_hand, field_args, git, head, invoke

from disputectl.record.store_files import case_path
from disputectl.trust.sealing import KEYRING_FILE, ssh_tag, stanza_tags

FREE_TEXT_ID = "110101199003074514"
FREE_TEXT_MOBILE = "13998765432"
FULL = [INDIVIDUAL["payer_id"], EMPLOYER["payer_id"], EMPLOYER["phone"], INDIVIDUAL["phone"],
        INDIVIDUAL["phone"].replace("-", ""), INDIVIDUAL["address"], FREE_TEXT_ID, FREE_TEXT_MOBILE]


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def number(output: str) -> str:
    return output.split("案件编号")[1].split()[0]


def all_objects(store: Path) -> bytes:
    return subprocess.run(["git", "-C", str(store), "cat-file", "--batch-all-objects", "--batch"],
                          capture_output=True, check=True).stdout


def assert_nothing_in_clear(data: bytes, where: str) -> None:
    for value in FULL:
        assert value.encode() not in data, f"{value} in clear in {where}"


def case_at_head(store: Path, case: str) -> dict[str, Any]:
    return yaml.safe_load(git(store, "show", f"HEAD:{case_path(case)}"))


@pytest.fixture
def cases(cli) -> dict[str, str]:
    person = number(ok(cli("register", *field_args({**INDIVIDUAL, "matter": f"本人身份证{FREE_TEXT_ID}，退休待遇核定有误"}),
                           "--no-input", as_="sw-registrar")))
    company = number(ok(cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")))
    ok(cli("route", company, "--self", as_="sw-registrar"))
    ok(cli("note", company, "--body", f"联系人新手机 {FREE_TEXT_MOBILE}，已电话告知", as_="bgs-office"))
    return {"person": person, "company": company}


def test_case_files_hold_personal_data_only_sealed_masked_and_hashed(store: Path, cases: dict[str, str]) -> None:
    person = case_at_head(store, cases["person"])
    reg = person["registration"]
    assert reg["payer"]["id_number"] == "1101**********002X" and reg["phone"] == "057******6666"
    assert reg["payer"]["address"].endswith("****") and "8号" not in reg["payer"]["address"]
    assert reg["matter"] == "本人身份证1101**********4514，退休待遇核定有误"
    assert set(reg["sealed"]) == {"payer.id_number", "phone", "payer.address", "matter"}
    assert all(e["box"].startswith("sm4-gcm:") for e in reg["sealed"].values())
    assert reg["sealed"]["payer.id_number"]["hash"].split(":")[1] == "id"
    company = case_at_head(store, cases["company"])
    assert company["registration"]["payer"]["address"] == EMPLOYER["address"]  # an employer's address is public
    assert "payer.address" not in company["registration"]["sealed"]
    note = company["actions"][-1]
    assert FREE_TEXT_MOBILE not in note["data"]["body"] and "139****5432" in note["data"]["body"]
    assert set(note["sealed"]) == {"body"}
    assert_nothing_in_clear(all_objects(store), "git objects")


def test_after_the_whole_life_of_cases_nothing_anywhere_holds_a_full_identifier(cli, store: Path, cases: dict[str, str],
                                                                              tmp_path: Path) -> None:
    company = cases["company"]
    ok(cli("conclude", company, "--facts", f"经核实，联系人手机 {FREE_TEXT_MOBILE} 有误", "--basis", "《社会保险法》",
           "--decision", "维持原核定", as_="sw-handler"))
    ok(cli("reply", company, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler"))
    ok(cli("archive", company, as_="sw-archivist"))
    for fmt in ("xlsx", "csv"):
        ok(cli("export", "--output", str(tmp_path / f"台账.{fmt}")))
        assert_nothing_in_clear((tmp_path / f"台账.{fmt}").read_bytes(), f"export {fmt}")
    ok(cli("report", "--html", str(tmp_path / "报告.html")))
    assert_nothing_in_clear((tmp_path / "报告.html").read_bytes(), "report")
    for command in (("list",), ("due", "--all"), ("stats",), ("show", company), ("show", cases["person"]), ("log", company)):
        assert_nothing_in_clear(ok(cli(*command)).encode(), " ".join(command))
    assert_nothing_in_clear(all_objects(store), "git objects")
    for path in (store / ".git").rglob("*"):  # the index, reflogs, the config cache, the error log if any
        if path.is_file() and "objects" not in path.parts:
            assert_nothing_in_clear(path.read_bytes(), str(path.relative_to(store)))
    assert_nothing_in_clear(b"".join(p.read_bytes() for p in store.rglob("*") if p.is_file() and ".git" not in p.parts),
                            "the working tree")
    docx_text = b"".join(p.read_bytes() for p in store.rglob("*.docx"))
    assert docx_text  # notices were issued (and are zipped: checked unzipped below)
    import zipfile

    for path in store.rglob("*.docx"):
        with zipfile.ZipFile(path) as z:
            assert_nothing_in_clear(b"".join(z.read(n) for n in z.namelist()), path.name)


def test_reveal_opens_with_the_officers_own_key_and_is_a_signed_action(cli, store: Path, cases: dict[str, str]) -> None:
    person = cases["person"]
    before = head(store)
    shown = json.loads(ok(cli("show", person, "--reveal", "--json", as_="bgs-office")))
    assert shown["payer"]["id_number"] == INDIVIDUAL["payer_id"] and shown["phone"] == INDIVIDUAL["phone"]
    assert shown["payer"]["address"] == INDIVIDUAL["address"]
    assert FREE_TEXT_ID in shown["matter"]
    assert git(store, "log", "-1", "--format=%(trailers:key=Action,valueonly)", "HEAD").strip() == "reveal"
    assert git(store, "rev-parse", "HEAD~1").strip() == before
    ok(invoke("verify", "--store", str(store)))
    refused = cli("show", person, "--reveal", as_="sw-handler")
    assert refused.exit_code == 3 and "无权" in refused.output and head(store) != before
    assert INDIVIDUAL["payer_id"] not in refused.output
    company = json.loads(ok(cli("show", cases["company"], "--reveal", "--json", as_="bgs-office")))
    assert FREE_TEXT_MOBILE in json.dumps(company, ensure_ascii=False)


def test_export_reveal_decrypts_on_the_officers_machine(cli, cases: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "full.csv"
    ok(cli("export", "--output", str(out), "--reveal", as_="bgs-office"))
    text = out.read_text(encoding="utf-8-sig")
    rows = {r["案件编号"]: r for r in csv.DictReader(text.splitlines())}
    assert rows[cases["person"]]["证件号码"] == INDIVIDUAL["payer_id"]
    assert rows[cases["company"]]["联系电话"] == EMPLOYER["phone"]


@pytest.mark.parametrize("cipher, code", [("aes-256-gcm", "aes-256-gcm"), ("sm4", "sm4-gcm")])
def test_both_cipher_suites_round_trip_from_the_cli(tmp_path: Path, cipher: str, code: str) -> None:
    store = tmp_path / f"st-{code}"
    assert code in ok(invoke("init", str(store), "--demo", "--cipher", cipher)).replace("SM4-GCM", "sm4-gcm").replace(
        "AES-256-GCM", "aes-256-gcm")
    assert yaml.safe_load((store / KEYRING_FILE).read_text())["suite"] == code
    case = number(ok(invoke("register", *field_args(INDIVIDUAL), "--no-input", "--store", str(store), "--as", "sw-registrar")))
    sealed = case_at_head(store, case)["registration"]["sealed"]
    assert all(e["box"].startswith(code + ":") for e in sealed.values())
    shown = json.loads(ok(invoke("show", case, "--reveal", "--json", "--store", str(store), "--as", "bgs-office")))
    assert shown["payer"]["id_number"] == INDIVIDUAL["payer_id"]
    ok(invoke("verify", "--store", str(store)))
    wrong = invoke("init", str(tmp_path / "other"), "--demo", "--cipher", "des")
    assert wrong.exit_code == 2 and "sm4-gcm" in wrong.output and not (tmp_path / "other").exists()


def test_a_clone_without_any_key_runs_every_command_but_reveal(store: Path, cases: dict[str, str], tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(store), str(clone)], check=True)
    nokeys = {"XDG_CONFIG_HOME": str(tmp_path / "empty-config")}

    def run(*args: str) -> Any:
        return invoke(*args, "--store", str(clone), env=nokeys)

    for command in (("list",), ("due", "--all"), ("stats",), ("show", cases["person"]), ("log", cases["person"]),
                    ("export", "--output", str(tmp_path / "t.xlsx")), ("report", "--html", str(tmp_path / "r.html")),
                    ("verify",), ("reindex",)):
        result = run(*command)
        assert result.exit_code == 0, (command, result.output)
        assert_nothing_in_clear(result.output.encode(), " ".join(command))
    refused = run("show", cases["person"], "--reveal", "--as", "bgs-office")
    assert refused.exit_code == 3 and "本机没有" in refused.output
    assert INDIVIDUAL["payer_id"] not in refused.output
    search = run("list", "--payer-id", INDIVIDUAL["payer_id"], "--as", "sw-handler")
    assert search.exit_code == 3 and "本机没有" in search.output


def test_search_by_identifier_or_phone_uses_the_keyed_hash(cli, cases: dict[str, str]) -> None:
    def found(*args: str) -> list[str]:
        return [r["id"] for r in json.loads(ok(cli("list", *args, "--json", as_="sw-handler")))]

    assert found("--payer-id", INDIVIDUAL["payer_id"].lower()) == [cases["person"]]
    assert found("--payer-id", EMPLOYER["payer_id"]) == [cases["company"]]
    assert found("--phone", "138 1234 5678") == [cases["company"]]
    assert found("--phone", "057188886666") == [cases["person"]]
    assert found("--phone", "13800000000") == []
    masked = cli("list", "--payer-id", "1101**********002X", as_="sw-handler")
    assert masked.exit_code == 2 and "完整" in masked.output


def test_register_warns_of_the_same_payers_open_cases(cli, cases: dict[str, str]) -> None:
    again = ok(cli("register", *field_args({**INDIVIDUAL, "payer_id": INDIVIDUAL["payer_id"].lower()}), "--no-input",
                   as_="sw-registrar"))
    assert "重复反映" in again and cases["person"] in again and cases["company"] not in again
    other = ok(cli("register", *field_args({**INDIVIDUAL, "payer_id": "110101199003074514"}), "--no-input",
                   as_="sw-registrar"))
    assert "重复反映" not in other


def _keyring(store: Path) -> dict[str, Any]:
    return yaml.safe_load(git(store, "show", f"HEAD:{KEYRING_FILE}"))


def test_granting_and_removing_the_reveal_role_rewraps_the_key_in_the_same_commit(cli, store: Path,
                                                                                  cases: dict[str, str]) -> None:
    from disputectl.trust.keys import local_key

    assert "sw-handler" not in _keyring(store)["data_key"]["wrapped"]
    ok(cli("officer", "roles", "sw-handler", "--set", "handler,archivist", as_="bgs-admin"))
    changed = git(store, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == sorted(["disputectl.yaml", KEYRING_FILE])
    ring = _keyring(store)
    assert stanza_tags(ring["data_key"]["wrapped"]["sw-handler"]) == [ssh_tag(local_key("sw-handler").public)]
    shown = json.loads(ok(cli("show", cases["person"], "--reveal", "--json", as_="sw-handler")))
    assert shown["payer"]["id_number"] == INDIVIDUAL["payer_id"]
    ok(cli("officer", "roles", "sw-handler", "--set", "handler", as_="bgs-admin"))
    ring = _keyring(store)
    assert "sw-handler" not in ring["data_key"]["wrapped"]
    assert all("sw-handler" not in k["wrapped"] for k in ring["previous_data_keys"])
    ok(cli("config", "set", "privacy.reveal_roles", "office,archivist,leader", as_="bgs-admin"))
    assert "leader" in _keyring(store)["data_key"]["wrapped"]
    ok(invoke("verify", "--store", str(store)))


def test_verify_reports_a_tampered_box_a_clear_value_and_a_keyring_not_rewrapped(store: Path, cases: dict[str, str]) -> None:
    case = cases["company"]
    path = case_path(case)
    text = git(store, "show", f"HEAD:{path}")
    sealed = case_at_head(store, case)["registration"]["sealed"]["phone"]["box"]
    commit_by_hand(store, {path: text.replace(sealed, sealed[:-8] + "AAAAAAA=").encode()}, "改动密文")
    report = invoke("verify", "--store", str(store))
    assert report.exit_code != 0 and "改动了受理登记信息" in report.output

    # a new case written in clear by some other program, into a store that encrypts
    data = case_at_head(store, cases["person"])
    reg = data["registration"]
    reg["payer"]["id_number"], reg["phone"] = INDIVIDUAL["payer_id"], INDIVIDUAL["phone"]
    del reg["sealed"]
    from disputectl.trust.case_sealing import seal_problems

    problems = list(seal_problems(data, "sm4-gcm", lambda k: True))
    assert any("payer.id_number 是明文" in p for p in problems) and any("phone 是明文" in p for p in problems)
    assert any("matter 含有明文" in p for p in problems) is False  # matter still masked
    reg["matter"] = f"身份证 {FREE_TEXT_ID}"
    assert any("matter 含有明文" in p for p in seal_problems(data, "sm4-gcm", lambda k: True))


def _signed_admin_commit(store: Path, files: dict[str, bytes], subject: str) -> None:
    """An admin commit made with plain git, signed by the admin's registered key (as someone
    holding that key could make one without the tool)."""
    from disputectl.trust.keys import keys_dir

    for rel, content in files.items():
        (store / rel).write_bytes(content)
        git(store, "add", rel)
    message = f"{subject}\n\nAction: admin\nActor: bgs-admin\nUnit: BGS\nChange: keyring\n"
    git(store, "-c", "gpg.format=ssh", "-c", f"user.signingkey={keys_dir() / 'bgs-admin'}", "-c", "user.name=系统管理员（样例）",
        "-c", "user.email=bgs-admin@bgs.disputectl.invalid", "commit", "-q", "-S", "-m", message)


def test_verify_refuses_a_keyring_wrapped_for_someone_not_entitled(store: Path, cases: dict[str, str]) -> None:
    from disputectl.trust.keys import local_key
    from disputectl.trust.sealing import wrap

    ring = _keyring(store)
    entitled = sorted(ring["data_key"]["wrapped"])
    # the office's file replaced by one made for the handler's key
    ring["data_key"]["wrapped"]["bgs-office"] = wrap(b"x" * 32, {"bgs-office": local_key("sw-handler").public})["bgs-office"]
    ok(invoke("verify", "--store", str(store)))
    _signed_admin_commit(store, {KEYRING_FILE: yaml.safe_dump(ring, allow_unicode=True).encode()}, "换掉数据密钥的授权")
    report = invoke("verify", "--store", str(store))
    assert report.exit_code != 0
    assert "数据密钥实际加密给的密钥与登记的人员公钥不符：bgs-office" in report.output
    assert "签名" not in report.output  # a valid admin signature: the keyring itself is what is wrong
    ring["data_key"]["wrapped"]["sw-handler"] = wrap(b"x" * 32, {"sw-handler": local_key("sw-handler").public})["sw-handler"]
    assert "sw-handler" not in entitled
    _signed_admin_commit(store, {KEYRING_FILE: yaml.safe_dump(ring, allow_unicode=True).encode()}, "多授权一人")
    assert "数据密钥的授权人员与配置不符：多了 sw-handler" in invoke("verify", "--store", str(store)).output
    ring["suite"] = "aes-256-gcm"
    _signed_admin_commit(store, {KEYRING_FILE: yaml.safe_dump(ring, allow_unicode=True).encode()}, "改算法")
    assert "改动了加密算法" in invoke("verify", "--store", str(store)).output


def test_a_tampered_box_is_named_when_revealing_not_a_traceback(cli, store: Path, cases: dict[str, str]) -> None:
    from disputectl.trust.case_sealing import opened
    from disputectl.trust.sealing import OpenError

    data = case_at_head(store, cases["person"])
    box = data["registration"]["sealed"]["phone"]["box"]
    data["registration"]["sealed"]["phone"]["box"] = box[:-8] + "AAAAAAA="
    from datetime import datetime

    from disputectl.record.session import open_session

    s = open_session(store, now=datetime.fromisoformat("2026-11-26T10:00:00+08:00"), officer_id="bgs-office")
    with pytest.raises(OpenError, match="phone"):
        opened(data, s.opener())


BENCH = Path(__file__).resolve().parent.parent / "bench" / "generate.py"


def _legacy_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store made before encryption came (clear values), as the bench generator writes one."""
    spec = importlib.util.spec_from_file_location("bench_generate_enc", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    monkeypatch.setenv("DISPUTECTL_NOW", "2026-12-01T10:00:00+08:00")
    store = tmp_path / "legacy"
    module.generate(30, store, verify_every=0, quiet=True)
    return store


def test_migrate_encrypt_seals_a_stores_current_files_in_one_signed_commit(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    store = _legacy_store(tmp_path, monkeypatch)
    assert not (store / KEYRING_FILE).exists()
    files = [p for p in git(store, "ls-tree", "-r", "--name-only", "HEAD", "cases").split() if p.endswith(".yaml")]
    before = {p: yaml.safe_load(git(store, "show", f"HEAD:{p}")) for p in files}
    clear_ids = {c["registration"]["payer"]["id_number"] for c in before.values()}
    refused = invoke("migrate", "encrypt", "--store", str(store), "--as", "sw-handler")
    assert refused.exit_code == 3 and "不是系统管理员" in refused.output
    commits = int(git(store, "rev-list", "--count", "HEAD"))
    ok(invoke("migrate", "encrypt", "--store", str(store), "--as", "bgs-admin", "--cipher", "aes-256-gcm"))
    assert int(git(store, "rev-list", "--count", "HEAD")) == commits + 1
    at_head = git(store, "grep", "-h", "-e", "id_number", "HEAD", "--", "cases")
    assert not any(i in at_head for i in clear_ids)
    ok(invoke("verify", "--store", str(store)))
    some = files[0]
    case_id = some.rsplit("/", 1)[1][:-5]
    shown = json.loads(ok(invoke("show", case_id, "--reveal", "--json", "--store", str(store), "--as", "bgs-office")))
    assert shown["payer"]["id_number"] == before[some]["registration"]["payer"]["id_number"]
    again = invoke("migrate", "encrypt", "--store", str(store), "--as", "bgs-admin")
    assert again.exit_code == 2 and "已加密" in again.output


def test_key_rotate_reseals_under_a_new_key_and_search_still_finds(cli, store: Path, cases: dict[str, str]) -> None:
    old = _keyring(store)
    old_box = case_at_head(store, cases["person"])["registration"]["sealed"]["phone"]["box"]
    refused = cli("key", "rotate", as_="bgs-office")
    assert refused.exit_code == 3
    ok(cli("key", "rotate", as_="bgs-admin"))
    new = _keyring(store)
    assert new["suite"] == old["suite"] and new["data_key"]["id"] != old["data_key"]["id"]
    box = case_at_head(store, cases["person"])["registration"]["sealed"]["phone"]["box"]
    assert box.split(":")[1] == new["data_key"]["id"] and box != old_box
    shown = json.loads(ok(cli("show", cases["person"], "--reveal", "--json", as_="bgs-office")))
    assert shown["phone"] == INDIVIDUAL["phone"] and FREE_TEXT_ID in shown["matter"]
    assert [r["id"] for r in json.loads(ok(cli("list", "--payer-id", INDIVIDUAL["payer_id"], "--json", as_="sw-handler")))] \
        == [cases["person"]]
    ok(cli("note", cases["person"], "--body", "再次来电", as_="bgs-office"))  # the store works on under the new key
    ok(invoke("verify", "--store", str(store)))


def _docx_text(data: bytes) -> str:
    from disputectl.documents.notices import docx_lines

    return "\n".join(docx_lines(data))


def test_a_template_asking_for_full_identifiers_gets_them_only_from_an_officer_who_can_open_them(
        cli, store: Path, tmp_path: Path) -> None:
    from docx import Document

    from disputectl.resources import resource_dir

    document = Document(str(resource_dir("templates") / "receipt.docx"))
    document.add_paragraph("证件号码：{{ payer_id_full }}；电话：{{ payer_phone_full }}；住址：{{ payer_address_full }}",
                           style="GW Body")
    source = tmp_path / "receipt.docx"
    document.save(str(source))
    ok(cli("template", "install", "receipt", str(source), as_="bgs-admin"))

    case = number(ok(cli("register", *field_args(INDIVIDUAL), "--no-input", as_="sw-registrar")))
    first = case_at_head(store, case)["actions"][0]["notices"][0]
    assert first["path"].endswith(".docx")  # the registrar cannot open the data key: masked, and it says so
    text = _docx_text(git_bytes(store, f"HEAD:{first['path']}"))
    assert "证件号码：1101**********002X（部分隐去）" in text and "电话：057******6666（部分隐去）" in text
    assert INDIVIDUAL["payer_id"] not in text

    ok(cli("notice", case, "receipt", "--corrected", as_="bgs-office"))
    second = case_at_head(store, case)["actions"][-1]["notices"][0]
    assert second["path"].endswith(".docx.sealed")  # full data inside: kept sealed like the fields
    stored = git_bytes(store, f"HEAD:{second['path']}")
    assert stored.startswith(b"sm4-gcm:") and INDIVIDUAL["payer_id"].encode() not in stored
    ok(invoke("verify", "--store", str(store)))

    refused = cli("notice", case, "receipt", as_="sw-handler")
    assert refused.exit_code == 3 and "无权" in refused.output
    before = head(store)
    printed = ok(cli("notice", case, "receipt", as_="bgs-office"))
    assert git(store, "log", "-1", "--format=%(trailers:key=Action,valueonly)", "HEAD").strip() == "reveal"
    assert git(store, "rev-parse", "HEAD~1").strip() == before
    copy = store / second["path"].removesuffix(".sealed")
    assert copy.name in printed
    full = _docx_text(copy.read_bytes())
    assert f"证件号码：{INDIVIDUAL['payer_id']}；电话：{INDIVIDUAL['phone']}；住址：{INDIVIDUAL['address']}" in full
    assert "部分隐去" not in full


def git_bytes(store: Path, spec: str) -> bytes:
    return subprocess.run(["git", "-C", str(store), "show", spec], capture_output=True, check=True).stdout


def test_verify_open_checks_every_sealed_value_with_the_officers_key(cli, store: Path, cases: dict[str, str]) -> None:
    clean = cli("verify", "--open", as_="bgs-office")
    assert clean.exit_code == 0, clean.output
    refused = cli("verify", "--open", as_="sw-handler")
    assert refused.exit_code == 3 and "数据密钥没有为 sw-handler" in refused.output
    # a box from one case pasted into another: well formed, so only a key can tell
    person, company = case_at_head(store, cases["person"]), cases["company"]
    path = case_path(company)
    text = git(store, "show", f"HEAD:{path}")
    theirs = case_at_head(store, company)["registration"]["sealed"]["phone"]["box"]
    commit_by_hand(store, {path: text.replace(theirs, person["registration"]["sealed"]["phone"]["box"]).encode()})
    ok(invoke("reindex", "--store", str(store)))
    found = cli("verify", "--open", as_="bgs-office")
    assert found.exit_code == 1
    assert f"（当前） {company} 加密的个人信息：phone：校验不通过" in found.output
    assert INDIVIDUAL["phone"] not in found.output and EMPLOYER["phone"] not in found.output


WRITTEN_FORMS = ["１３８－５５５５－６６６６", "138　5555　6666", "138.5555.6666", "(138)55556666", "008613855556666",
                 "ID330106198503124811", "身份证 330106 19850312 4811", "330106-19850312-4811", "旧证330106850312481"]


def test_numbers_however_written_in_free_text_or_names_are_sealed(cli, store: Path, tmp_path: Path) -> None:
    case = number(ok(cli("register", *field_args({**EMPLOYER, "contact_person": "李四 13811112222",
                                                  "address": "示例市某路1号 联系13811113333"}), "--no-input",
                         as_="sw-registrar")))
    reg = case_at_head(store, case)["registration"]
    assert {"payer.contact_person", "payer.address"} <= set(reg["sealed"])
    assert reg["payer"]["contact_person"] == "李四 138****2222"
    ok(cli("route", case, "--self", as_="sw-registrar"))
    for written in WRITTEN_FORMS:
        ok(cli("note", case, "--body", f"来电称 {written}", as_="bgs-office"))
    objects = all_objects(store)
    for value in ["13811112222", "13811113333", *WRITTEN_FORMS]:
        assert value.encode() not in objects, value
    for digits in ("13855556666", "330106198503124811", "330106850312481"):
        assert digits.encode() not in objects.replace(b" ", b"").replace(b"-", b"").replace(b".", b""), digits
    shown = json.loads(ok(cli("show", case, "--reveal", "--json", as_="bgs-office")))
    assert shown["payer"]["contact_person"] == "李四 13811112222"
    assert [n["body"] for n in shown["notes"]] == [f"来电称 {w}" for w in WRITTEN_FORMS]
    ok(invoke("verify", "--store", str(store)))


def test_an_attachment_named_after_an_id_number_keeps_only_the_masked_number(cli, store: Path, tmp_path: Path) -> None:
    scan = tmp_path / "张小明身份证330106198503124811.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    case = number(ok(cli("register", *field_args(EMPLOYER), "--attach", str(scan), "--no-input", as_="sw-registrar")))
    attachment = case_at_head(store, case)["registration"]["attachments"][0]
    assert attachment["name"] == "张小明身份证3301xxxxxxxxxx4811.pdf"
    assert b"330106198503124811" not in all_objects(store)
    ok(invoke("verify", "--store", str(store)))


def test_error_messages_quote_a_number_typed_into_the_wrong_field_masked(cli) -> None:
    wrong = cli("register", *field_args({**EMPLOYER, "region": "330106198503124811"}), "--no-input", as_="sw-registrar")
    assert wrong.exit_code == 2 and "330106198503124811" not in wrong.output and "3301**********4811" in wrong.output


def test_reveal_shows_the_decision_and_notes_in_clear_too(cli, cases: dict[str, str]) -> None:
    company = cases["company"]
    ok(cli("conclude", company, "--facts", f"联系人手机 {FREE_TEXT_MOBILE}", "--basis", "依据", "--decision", "维持",
           as_="sw-handler"))
    shown = json.loads(ok(cli("show", company, "--reveal", "--json", as_="bgs-office")))
    assert FREE_TEXT_MOBILE in shown["decision"]["facts"] and FREE_TEXT_MOBILE in shown["notes"][0]["body"]
    masked = json.loads(ok(cli("show", company, "--json")))
    assert FREE_TEXT_MOBILE not in json.dumps(masked, ensure_ascii=False)


def test_phone_search_refuses_what_is_not_a_phone_and_registration_takes_plus86(cli, store: Path) -> None:
    bad = cli("list", "--phone", "abc", as_="sw-handler")
    assert bad.exit_code == 2 and "不是电话号码" in bad.output
    case = number(ok(cli("register", *field_args({**EMPLOYER, "phone": "+86 139-8888-7777"}), "--no-input",
                         as_="sw-registrar")))
    assert case_at_head(store, case)["registration"]["phone"] == "139****7777"
    found = json.loads(ok(cli("list", "--phone", "13988887777", "--json", as_="sw-handler")))
    assert [r["id"] for r in found] == [case]


def test_removing_the_reveal_role_puts_later_cases_out_of_reach_of_the_key_held_before(cli, store: Path) -> None:
    from disputectl.trust.keys import keys_dir
    from disputectl.trust.sealing import Opener, OpenError, aad_for, open_data_keys, parse_keyring

    before = parse_keyring(_keyring(store))
    held = open_data_keys(before, keys_dir() / "sw-archivist", "sw-archivist")  # what the archivist could keep
    earlier = number(ok(cli("register", *field_args(INDIVIDUAL), "--no-input", as_="sw-registrar")))
    ok(cli("officer", "roles", "sw-archivist", "--set", "handler", as_="bgs-admin"))
    after = parse_keyring(_keyring(store))
    assert after.data.id != before.data.id and [k.id for k in after.previous] == [before.data.id]
    later = number(ok(cli("register", *field_args(INDIVIDUAL), "--no-input", as_="sw-registrar")))
    box = case_at_head(store, later)["registration"]["sealed"]["phone"]["box"]
    assert box.split(":")[1] == after.data.id
    with pytest.raises(OpenError):
        Opener(after, held).open(box, aad_for(later, "registration", "phone"))
    for case in (earlier, later):  # those still entitled open both
        shown = json.loads(ok(cli("show", case, "--reveal", "--json", as_="bgs-office")))
        assert shown["phone"] == INDIVIDUAL["phone"]
    ok(invoke("verify", "--store", str(store)))
    ok(cli("verify", "--open", as_="bgs-office"))


def test_a_sealed_notice_still_reprints_after_key_rotate(cli, store: Path, tmp_path: Path) -> None:
    import os
    import stat

    from docx import Document

    from disputectl.resources import resource_dir

    document = Document(str(resource_dir("templates") / "receipt.docx"))
    document.add_paragraph("证件号码：{{ payer_id_full }}", style="GW Body")
    document.save(str(tmp_path / "r.docx"))
    ok(cli("template", "install", "receipt", str(tmp_path / "r.docx"), as_="bgs-admin"))
    case = number(ok(cli("register", *field_args(INDIVIDUAL), "--no-input", as_="sw-registrar")))
    ok(cli("notice", case, "receipt", "--corrected", as_="bgs-office"))
    ok(cli("key", "rotate", as_="bgs-admin"))
    ok(cli("notice", case, "receipt", as_="bgs-office"))
    copy = next(p for p in store.rglob("*受理回执.docx") if "社争办受" in p.name)  # the office's, corrected
    assert INDIVIDUAL["payer_id"] in _docx_text(copy.read_bytes())
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    assert copy.name not in git(store, "status", "--porcelain")  # never picked up by git add
    ok(cli("verify", "--open", as_="bgs-office"))


def test_a_store_whose_keyring_was_removed_refuses_to_write_in_clear(cli, store: Path) -> None:
    commit_by_hand(store, {KEYRING_FILE: None}, "删除密钥文件")
    before = head(store)
    refused = cli("register", *field_args(INDIVIDUAL), "--no-input", as_="sw-registrar")
    assert refused.exit_code == 6 and "已被删除" in refused.output and head(store) == before


def test_a_registrar_whose_key_is_in_ssh_agent_registers_sealed_without_a_search_hash(cli, store: Path,
                                                                                      tmp_path: Path) -> None:
    import os
    import shutil

    if shutil.which("ssh-agent") is None:
        pytest.skip("no ssh-agent")
    sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if sock.exists():
                break
            import time

            time.sleep(0.05)
        key = tmp_path / "id_ed25519"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        env = {**os.environ, "SSH_AUTH_SOCK": str(sock)}
        subprocess.run(["ssh-add", "-q", str(key)], env=env, check=True, capture_output=True)
        key.unlink()  # the private key now only in the agent
        agent_home = tmp_path / "agent-config"
        as_agent = {"SSH_AUTH_SOCK": str(sock), "XDG_CONFIG_HOME": str(agent_home)}
        ok(invoke("key", "init", "--as", "rs-registrar", "--adopt", f"{key}.pub", "--agent", env=as_agent))
        ok(cli("officer", "key", "rs-registrar", "--file", f"{key}.pub", as_="bgs-admin"))
        result = cli("register", *field_args(EMPLOYER), "--no-input", as_="rs-registrar", env=as_agent)
        assert result.exit_code == 0, result.output
        assert "ssh-agent" in result.output and "key rotate" in result.output
        case = number(result.output)
        sealed = case_at_head(store, case)["registration"]["sealed"]
        assert "hash" not in sealed["phone"] and sealed["phone"]["box"].startswith("sm4-gcm:")
        ok(invoke("verify", "--store", str(store)))
        assert "没有检索散列" in cli("verify", "--open", as_="bgs-office").output
        ok(cli("key", "rotate", as_="bgs-admin"))
        ok(cli("verify", "--open", as_="bgs-office"))
        assert [r["id"] for r in json.loads(ok(cli("list", "--phone", EMPLOYER["phone"], "--json", as_="sw-handler")))] \
            == [case]
    finally:
        agent.kill()
        agent.wait()


def test_encryption_cannot_be_switched_off(cli, store: Path) -> None:
    refused = cli("config", "set", "privacy.encrypted", "false", as_="bgs-admin")
    assert refused.exit_code == 2 and "不能取消" in refused.output
    assert yaml.safe_load((store / "disputectl.yaml").read_text(encoding="utf-8"))["privacy"]["encrypted"] is True
