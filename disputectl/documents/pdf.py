"""Print-ready PDF of a notice, converted by LibreOffice where it is installed.

The PDF is a copy for printing, written outside the store: the record is the .docx whose
checksum is on the case (LibreOffice's output differs from version to version, so a PDF could
not be re-checked by ``verify``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from disputectl.errors import StoreError, SystemProblem

CONVERT_TIMEOUT = 180  # seconds; LibreOffice's first start on a slow machine takes a while

INSTALL_HINT = (
    "未找到 LibreOffice（soffice 命令），无法转为 PDF，未做任何改动。请先安装 LibreOffice 和中文字体后重试："
    "Debian/Ubuntu 运行 sudo apt-get install libreoffice-writer fonts-noto-cjk；"
    "统信 UOS、麒麟等在应用商店安装 LibreOffice；Windows、macOS 从 https://zh-cn.libreoffice.org 下载安装，"
    "并把 soffice 所在的文件夹（如 C:\\Program Files\\LibreOffice\\program）加入 PATH。"
    "不加 --pdf 时照常出具 .docx 文书。"
)


def soffice() -> str:
    """The LibreOffice command, or StoreError saying how to install it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise StoreError(INSTALL_HINT)
    return found


def pdf_name(docx_path: str) -> str:
    return Path(docx_path).with_suffix(".pdf").name


def convert(content: bytes, name: str, folder: Path) -> Path:
    """``content`` (a .docx) converted to ``folder/name`` (a .pdf); the path written."""
    command = soffice()
    target = folder.expanduser() / name
    with tempfile.TemporaryDirectory(prefix="disputectl-pdf-") as tmp:
        work = Path(tmp)
        source = work / "notice.docx"
        source.write_bytes(content)
        # a profile of its own: runs beside an open LibreOffice, and as a user without a HOME
        env = dict(os.environ, HOME=str(work))
        try:
            done = subprocess.run(
                [command, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                 "--convert-to", "pdf", "--outdir", str(work), str(source)],
                capture_output=True, timeout=CONVERT_TIMEOUT, env=env, check=False)
        except subprocess.TimeoutExpired:
            raise StoreError(f"LibreOffice 转换 PDF 超时（超过 {CONVERT_TIMEOUT} 秒），未生成 PDF；.docx 文书不受影响。") from None
        except OSError as exc:
            raise StoreError(f"无法运行 LibreOffice（{exc.strerror or exc}），未生成 PDF；.docx 文书不受影响。") from None
        produced = work / "notice.pdf"
        if done.returncode != 0 or not produced.is_file():
            raise StoreError("LibreOffice 未能把文书转为 PDF，未生成 PDF；.docx 文书不受影响。"
                             "请确认 LibreOffice 能正常启动（如在终端运行 soffice --version）后重试。")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(produced, target)
        except OSError as exc:
            raise SystemProblem(f"无法写入 {target}（{exc.strerror or exc}），未生成 PDF；.docx 文书不受影响。") from None
    return target
