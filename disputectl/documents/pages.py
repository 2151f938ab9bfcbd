"""How many pages each file of an archive fills when printed.

LibreOffice lays a .docx out as it prints; Word's own page statistics in docProps/app.xml are
whatever the last program to save the file wrote there (python-docx writes none), so they are
not used. Every document is converted to PDF in one LibreOffice run and its pages counted with
poppler's ``pdfinfo``. Where either is missing, or a file cannot be measured, its count is
``None``: the 页号 is then left for the archivist to write by hand, never guessed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

# converted by LibreOffice Writer (spreadsheets need Calc; without it they stay unmeasured)
CONVERTIBLE = (".docx", ".doc", ".wps", ".odt", ".rtf", ".txt", ".xls", ".xlsx", ".et", ".ods")
SINGLE_PAGE = (".jpg", ".jpeg", ".png")  # one scanned sheet (a .tif may hold several)
NOT_PRINTED = (".mp3", ".m4a", ".wav", ".amr")  # recordings fill no pages of the volume
CONVERT_TIMEOUT = 180


def measuring_tools() -> tuple[str, str] | None:
    """(soffice, pdfinfo) when both are installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdfinfo = shutil.which("pdfinfo")
    return (soffice, pdfinfo) if soffice and pdfinfo else None


def page_counts(files: Mapping[str, bytes]) -> dict[str, int | None]:
    """{name: pages} for ``files`` ({name: content}); 0 for a recording, None where unknown."""
    counts: dict[str, int | None] = {name: None for name in files}
    for name in files:
        suffix = Path(name).suffix.lower()
        if suffix in NOT_PRINTED:
            counts[name] = 0
    tools = measuring_tools()
    if tools is None:
        return counts
    soffice, pdfinfo = tools
    with tempfile.TemporaryDirectory(prefix="disputectl-pages-") as tmp:
        folder = Path(tmp)
        sources, pdfs = folder / "in", folder / "pdf"
        sources.mkdir()
        pdfs.mkdir()
        names: dict[str, str] = {}  # file stem in the temporary folder -> name
        to_convert: list[str] = []
        for i, (name, content) in enumerate(files.items()):
            suffix = Path(name).suffix.lower()
            if suffix in SINGLE_PAGE:
                counts[name] = 1
            elif suffix == ".pdf":
                (pdfs / f"f{i}.pdf").write_bytes(content)
                names[f"f{i}"] = name
            elif suffix in CONVERTIBLE:
                source = sources / f"f{i}{suffix}"
                source.write_bytes(content)
                names[f"f{i}"] = name
                to_convert.append(str(source))
        if to_convert:
            _convert(soffice, folder, to_convert, pdfs)
        for stem, name in names.items():
            pdf = pdfs / f"{stem}.pdf"
            if pdf.exists():
                counts[name] = _pdf_pages(pdfinfo, pdf)
    return counts


def _convert(soffice: str, folder: Path, sources: list[str], out: Path) -> None:
    # a profile of its own: several conversions may run at once, and HOME may not be writable
    profile = (folder / "profile").as_uri()
    env = {**os.environ, "HOME": str(folder)}
    try:
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out), *sources],
                       env=env, capture_output=True, timeout=CONVERT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return  # what was not converted stays unmeasured


def _pdf_pages(pdfinfo: str, pdf: Path) -> int | None:
    try:
        result = subprocess.run([pdfinfo, str(pdf)], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Pages" and value.strip().isdigit():
            pages = int(value.strip())
            return pages if pages > 0 else None
    return None
