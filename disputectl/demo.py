"""``make demo``: a fresh demo store with cases walked through every path of the plan.

Each step runs the real ``disputectl`` command (printed before it runs), with
``DISPUTECTL_NOW`` moved forward so the clocks show realistic dates.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

EMPLOYER = ["--payer-kind", "employer", "--payer-name", "示例新材料科技有限公司", "--payer-id", "91110000600037341L",
            "--contact-person", "王敏", "--address", "示例市高新区创业路18号", "--phone", "13912345678"]
PERSON = ["--payer-kind", "individual", "--payer-name", "李建国", "--payer-id", "11010519491231002X",
          "--address", "示例市东区解放路8号", "--phone", "0571-88886666"]


class Demo:
    def __init__(self, store: Path) -> None:
        self.store = store
        self.day = "2026-11-02T09:00:00+08:00"

    def at(self, when: str) -> Demo:
        self.day = when
        return self

    def run(self, *args: str, officer: str | None = None, check: bool = True) -> str:
        cmd = list(args) + ["--store", str(self.store)] + (["--as", officer] if officer else [])
        shown = " ".join(a if " " not in a and a else f"'{a}'" for a in ["disputectl", *args])
        print(f"\n[{self.day[:16].replace('T', ' ')}] $ {shown}" + (f"   （{officer}）" if officer else ""), flush=True)
        env = {**os.environ, "DISPUTECTL_NOW": self.day, "COLUMNS": "120"}
        proc = subprocess.run([sys.executable, "-m", "disputectl", *cmd], env=env, text=True, capture_output=True)
        sys.stdout.write(proc.stdout)
        sys.stdout.write(proc.stderr)
        if check and proc.returncode != 0:
            raise SystemExit(f"演示中断：命令失败（退出码 {proc.returncode}）")
        return proc.stdout

    def plain(self, *args: str) -> str:
        """A command that takes no store (``key init``)."""
        shown = " ".join(["disputectl", *args])
        print(f"\n[{self.day[:16].replace('T', ' ')}] $ {shown}", flush=True)
        proc = subprocess.run([sys.executable, "-m", "disputectl", *args], text=True, capture_output=True)
        sys.stdout.write(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            raise SystemExit(f"演示中断：命令失败（退出码 {proc.returncode}）")
        return proc.stdout

    def register(self, officer: str, *fields: str) -> str:
        out = self.run("register", *fields, "--no-input", officer=officer)
        return next(line for line in out.splitlines() if "案件编号" in line).split("案件编号")[-1].strip()


NEW_MOBILE = "13700001111"  # typed into a note: sealed like the fields
# an office's existing 台账: two cases in progress and one row with a mistyped phone
IMPORTED_LEDGER = """缴费人类型,缴费人名称或姓名,统一社会信用代码或居民身份证号码,联系人,地址,联系电话,来访时间,来访方式,反映主要事项,诉求,争议类别,属地区域,当前环节,承办单位,承办起始日期
用人单位,示例新材料科技有限公司,91110000600037341L,王敏,示例市高新区创业路18号,13912345678,2026-10-12 09:00,来访,工伤保险费率浮动核定有异议,请求重新核定费率,4,SBJ,单位办理中,RS,2026-10-13
个人,李建国,11010519491231002X,,示例市东区解放路8号,0571-88886666,2026/10/20,来电,养老保险缴费年限合并计算,请求合并计算缴费年限,1,DQ,已登记待流转,,
用人单位,示例新材料科技有限公司,91110000600037341L,王敏,示例市高新区创业路18号,1391234567a,2026年10月21日,来信,失业保险费返还,请求返还,7,SBJ,已登记待流转,,
"""


def case_file(store: Path, case: str) -> str:
    from disputectl.record.store_files import case_path

    return case_path(case)


def keys_home() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "disputectl" / "keys"


def main(argv: list[str]) -> int:
    store = Path(argv[0] if argv else "demo-store")
    for old in (store, store.with_name(store.name + "-reports")):
        if old.exists():
            shutil.rmtree(old)
    d = Demo(store)
    print(f"$ disputectl init {store}", flush=True)
    subprocess.run([sys.executable, "-m", "disputectl", "init", str(store), "--demo"], check=True)

    print("\n==== 人员与密钥：新同事在自己的电脑上生成密钥，系统管理员登记 ====")
    d.at("2026-11-02T08:30:00+08:00")
    d.plain("key", "init", "--as", "sw-zhang")
    public = keys_home() / "sw-zhang.pub"
    d.run("officer", "add", "sw-zhang", "--name", "张明", "--unit", "SW", "--roles", "registrar,handler",
          "--file", str(public), officer="bgs-admin")
    d.run("officers")

    print("\n==== 案例一：本单位办理（税务局受理，本单位限时办结，延期一次） ====")
    d.at("2026-11-02T09:10:00+08:00")
    a = d.register("sw-zhang", *EMPLOYER, "--channel", "来访", "--category", "3", "--region", "SBJ",
                   "--matter", "对2026年度社会保险费缴费基数申报核定结果有异议", "--request", "请求按实际工资总额重新核定缴费基数")
    d.at("2026-11-02T15:00:00+08:00").run("route", a, "--self", officer="sw-zhang")
    d.at("2026-11-16T10:00:00+08:00").run("extend", a, "--reason", "需调取该单位近三年工资台账核对", "--days", "10",
                                          officer="sw-handler")
    d.at("2026-11-24T16:00:00+08:00").run(
        "conclude", a, "--facts", "经核对工资台账，该单位2026年度申报基数低于实际工资总额", "--basis",
        "《社会保险费征缴暂行条例》第十条", "--decision", "维持原核定结果，并向单位说明核定口径", officer="sw-handler")
    d.at("2026-11-25T10:00:00+08:00").run("reply", a, "--method", "直接送达", "--date", "2026-11-25", officer="sw-handler")

    print("\n==== 案例二：转办后退回，流转领导组办公室 ====")
    d.at("2026-11-03T10:00:00+08:00")
    b = d.register("xf-registrar", *PERSON, "--channel", "来电", "--category", "10", "--region", "DQ",
                   "--matter", "灵活就业人员断缴后补缴与待遇衔接问题", "--request", "请求明确补缴办法")
    d.run("route", b, "--to", "SW", "--reason", "涉及补缴，转税务部门办理", officer="xf-registrar")
    d.at("2026-11-04T09:30:00+08:00").run("return", b, "--reason", "涉及待遇衔接，非税务部门单独职责", officer="sw-handler")
    d.at("2026-11-05T09:00:00+08:00").run("triage-general", b, "--reason", "需税务、人社两部门联办", officer="bgs-office")
    d.at("2026-11-06T09:00:00+08:00").run("request-opinions", b, "--units", "SW,RS", "--question",
                                          "请就补缴办法及待遇衔接提出书面意见", officer="bgs-office")
    d.at("2026-11-10T09:00:00+08:00").run("opinion", b, "--body", "可按规定补缴，补缴后连续计算缴费年限",
                                          officer="sw-handler")
    d.at("2026-11-11T09:00:00+08:00").run("opinion", b, "--body", "补缴到账后次月起按规定衔接待遇",
                                          officer="rs-handler")
    d.at("2026-11-13T10:00:00+08:00").run(
        "consolidate", b, "--facts", "缴费人2025年断缴6个月", "--basis", "《社会保险法》第十条、第十六条",
        "--decision", "可办理补缴，补缴后次月起衔接待遇", officer="bgs-office")
    d.at("2026-11-16T10:00:00+08:00").run("reply", b, "--method", "邮寄", "--date", "2026-11-16", officer="bgs-office")
    d.at("2026-11-20T10:00:00+08:00").run("object", b, "--channel", "行政复议", "--body", "示例市人民政府",
                                          "--date", "2026-11-20", officer="bgs-office")

    print("\n==== 案例三：一般事项，召开联席会议，两家单位书面意见 ====")
    d.at("2026-11-04T10:00:00+08:00")
    c = d.register("rs-registrar", *EMPLOYER, "--channel", "来信", "--category", "5", "--region", "XQ",
                   "--matter", "特殊工种提前退休人员补缴应征金额核定有争议", "--request", "请求核减应征金额")
    d.run("route", c, "--office", "--reason", "涉及人社核定与税务征收", officer="rs-registrar")
    d.at("2026-11-05T10:00:00+08:00").run("triage-general", c, "--reason", "需人社、税务联合办理", officer="bgs-office")
    d.at("2026-11-06T14:00:00+08:00").run("meeting", c, "--date", "2026-11-06", "--time", "15:00",
                                          "--place", "市政府三楼第二会议室", "--units", "RS,SW,YB",
                                          "--topic", "研究特殊工种提前退休人员补缴应征金额的核定意见", "--minutes", "会议明确由人社复核应征金额，税务核对已征数额",
                                          officer="bgs-office")
    d.run("request-opinions", c, "--units", "RS,SW", "--question", "请就应征金额复核情况提出书面意见", officer="bgs-office")
    d.at("2026-11-10T09:00:00+08:00").run("opinion", c, "--body", "经复核，应征金额计算无误", officer="rs-handler")
    d.at("2026-11-12T09:00:00+08:00").run("opinion", c, "--body", "已征数额与核定一致", officer="sw-handler")
    d.at("2026-11-13T09:00:00+08:00").run("amend-opinion", c, "--body", "已征数额与核定一致，经核实无欠缴",
                                          "--reason", "补充核实欠缴情况", officer="sw-handler")
    d.at("2026-11-16T10:00:00+08:00").run(
        "consolidate", c, "--facts", "应征金额经人社复核无误，税务已按核定征收", "--basis", "《社会保险法》第六十三条",
        "--decision", "维持原核定应征金额", officer="bgs-office")
    d.at("2026-11-18T10:00:00+08:00").run("reply", c, "--method", "电子送达", "--date", "2026-11-18", officer="bgs-office")

    print("\n==== 案例四：重大疑难事项，报组长同意后纳入“一站式”平台 ====")
    d.at("2026-11-05T10:00:00+08:00")
    e = d.register("sw-registrar", *EMPLOYER, "--channel", "来访", "--category", "9", "--region", "NX",
                   "--matter", "企业改制遗留欠费追缴涉及职工三百余人", "--request", "请求分期缴纳并免除滞纳金")
    d.run("route", e, "--office", "--reason", "涉及人数多、情况复杂", officer="sw-registrar")
    d.at("2026-11-06T10:00:00+08:00").run("triage-major", e, "--reason", "涉及职工人数众多，属重大疑难事项",
                                          officer="bgs-office")
    d.at("2026-11-09T10:00:00+08:00").run("approve", e, "--sent-date", "2026-11-09", "--platform-ref", "YZS-2026-0317",
                                          officer="leader")
    d.at("2026-11-24T10:00:00+08:00").run(
        "platform-result", e, "--facts", "平台组织调解，企业与职工代表达成一致", "--basis", "《社会保险法》第八十六条",
        "--decision", "企业分十二期补缴欠费，滞纳金依法处理", officer="bgs-office")
    d.at("2026-11-25T10:00:00+08:00").run("reply", e, "--method", "直接送达", "--date", "2026-11-25", officer="bgs-office")

    print("\n==== 案例五：不属于本机制的事项，移交有权机关 ====")
    d.at("2026-11-09T10:00:00+08:00")
    f = d.register("sf-registrar", *PERSON, "--channel", "来访", "--category", "10", "--region", "SBJ",
                   "--matter", "与用人单位的劳动合同纠纷，要求补发工资", "--request", "请求责令单位补发工资")
    d.run("hand-over", f, "--authority", "示例市劳动人事争议仲裁委员会", "--reason", "属劳动争议，不属社会保险费征缴争议",
          officer="sf-registrar")

    print("\n==== 案例六：缴费人撤回 ====")
    d.at("2026-11-10T10:00:00+08:00")
    g = d.register("yb-registrar", *PERSON, "--channel", "网上", "--category", "8", "--region", "NX",
                   "--matter", "医保待遇核定有疑问", "--request", "请求说明核定依据")
    d.run("route", g, "--self", officer="yb-registrar")
    d.at("2026-11-12T10:00:00+08:00").run("withdraw", g, "--reason", "经窗口解释，缴费人已理解", "--date", "2026-11-12",
                                          officer="yb-handler")

    print("\n==== 案例七：转办后未签收（用于展示超期提醒和督办） ====")
    d.at("2026-11-16T10:00:00+08:00")
    h = d.register("sw-registrar", *EMPLOYER, "--channel", "来电", "--category", "8", "--region", "DQ",
                   "--matter", "职工工伤待遇支付中缴费记录缺失", "--request", "请求核实缴费记录")
    d.run("route", h, "--to", "RS", "--reason", "属待遇核定，转人社部门", officer="sw-registrar")
    d.at("2026-11-25T10:00:00+08:00").run("supervise", h, "--kind", "催办", "--body", "请人社局尽快签收办理",
                                          officer="bgs-office")
    d.run("note", h, "--body", f"联系人王敏来电，留新手机号 {NEW_MOBILE}，请承办人回电", officer="bgs-office")
    d.run("amend", h, "--phone", NEW_MOBILE, "--reason", "联系人来电告知原登记电话已停用", officer="sw-registrar")

    print("\n==== 回访：了解缴费人是否满意（满意率、就地解决率见统计） ====")
    d.at("2026-11-26T09:00:00+08:00")
    d.run("followup", a, "--result", "满意", "--method", "电话", "--note", "单位表示理解核定口径", officer="sw-handler")
    d.run("followup", c, "--result", "基本满意", "--method", "面谈", officer="bgs-office")
    d.run("followup", e, "--result", "满意", "--method", "短信", officer="bgs-office")
    d.run("followup", b, "--result", "不满意", "--method", "电话", "--note", "已申请行政复议", officer="bgs-office")

    print("\n==== 案卷归档 ====")
    d.at("2026-11-26T10:00:00+08:00")
    for case, archivist in ((a, "sw-archivist"), (b, "bgs-archivist"), (c, "bgs-archivist"), (e, "bgs-archivist"),
                            (f, "sf-archivist"), (g, "yb-archivist")):
        # the office's volumes checked by an office officer (备考表 检查人); the others left to sign by hand
        checker = ["--checked-by", "bgs-office"] if archivist == "bgs-archivist" else []
        d.run("archive", case, "--retention", "30年", *checker, officer=archivist)

    print("\n==== 归档之后：异议及其结果作为补充归档记入，已归档的材料不变 ====")
    d.at("2026-11-27T10:00:00+08:00")
    d.run("object", a, "--channel", "行政复议", "--body", "国家税务总局示例省税务局", "--date", "2026-11-27",
          officer="sw-handler")
    d.run("outcome", b, "--kind", "复议决定", "--body", "示例市人民政府维持原处理意见", "--date", "2026-11-27",
          officer="bgs-office")
    d.at("2026-11-26T10:00:00+08:00")

    print("\n==== 时间线 ====")
    for case in (a, b, c, e, h):
        d.run("show", case)
    d.run("list")
    d.run("log", a)
    d.run("verify")
    print(f"\n$ git -C {store} verify-commit HEAD   （不用 disputectl，git 自己核验签名）", flush=True)
    check = subprocess.run(["git", "-C", str(store), "verify-commit", "HEAD"], text=True, capture_output=True)
    sys.stdout.write(check.stderr)

    print("\n==== 个人信息加密保存：案件文件中只有遮蔽形式、密文和检索用散列 ====")
    shown = subprocess.run(["git", "-C", str(store), "show", f"HEAD:{case_file(store, b)}"], text=True,
                           capture_output=True).stdout
    print(f"\n$ git -C {store} show HEAD:{case_file(store, b)}   （节选）")
    print("\n".join(line for line in shown.splitlines()[:40] if line.strip().startswith(
        ("id_number", "phone", "address", "payer.", "box", "hash")))[:1500], flush=True)
    d.run("list", "--payer-id", "91110000600037341L", officer="sw-handler")
    d.run("show", b, "--reveal", officer="bgs-office")
    d.run("show", b, "--reveal", officer="sw-handler", check=False)

    print("\n==== 导入各单位原有台账（先预览，再导入；同一行不重复导入） ====")
    d.at("2026-11-26T09:30:00+08:00")
    with tempfile.TemporaryDirectory() as folder:  # the 台账 holds personal data in clear: never kept
        ledger = Path(folder) / "人社局台账.csv"
        ledger.write_text(IMPORTED_LEDGER, encoding="utf-8-sig")
        d.run("import", str(ledger), officer="rs-registrar", check=False)
        d.run("import", str(ledger), "--apply", officer="rs-registrar", check=False)
        d.run("import", str(ledger), "--apply", officer="rs-registrar", check=False)

    print("\n==== 文书、时限、统计、台账 ====")
    d.run("notice", a, "result", "--preview")
    d.run("explain", a, "handle")
    d.run("due")
    d.run("stats", "--from", "2026-11-01", "--to", "2026-11-30")
    reports = store.with_name(store.name + "-reports")
    reports.mkdir(exist_ok=True)
    d.run("export", "--output", str(reports / "工作台账.xlsx"))
    d.run("report", "--html", str(reports / "统计报告.html"), "--from", "2026-11-01", "--to", "2026-11-30")
    d.run("print", b, "--out", str(reports))
    print(f"\n演示完成。案件库在 {store}/，可用 `git -C {store} log` 查看审计记录；"
          f"工作台账、统计报告和一份受理登记表在 {reports}/。")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
