"""受理登记表: the registration as it now stands, on a form the payer checks and signs.

Not a numbered notice: it gets no 文号 and printing it records nothing (the file goes where the
officer asks). The archive package holds one, made at archiving, with personal data masked.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from disputectl.documents.issuing import personal_values
from disputectl.documents.notices import KINDS, render_docx
from disputectl.rules.amend import current_registration
from disputectl.rules.config import Config
from disputectl.rules.registration import payer_kind_label

KIND = "registration_form"
TITLE = KINDS[KIND].title


def form_file_name(case_id: str) -> str:
    return f"{case_id} {TITLE}.docx"


def form_context(case: dict[str, Any], config: Config, *, revealed: bool = False) -> dict[str, Any]:
    """The form's fields; ``revealed``: ``case`` was opened for an officer allowed to see the payer's
    identifier, phone and address in full (otherwise they are masked and marked （部分隐去）)."""
    reg = current_registration(case)
    payer = reg["payer"]
    officer = config.officers.get(reg["first_officer"])
    unit = config.units.get(reg["first_unit"])
    category = config.categories.get(reg["category"])
    return {
        **personal_values(reg, reg if revealed else None),
        "case_id": case["id"],
        "issuer_name": unit.name if unit else reg["first_unit"],  # the document's author
        "first_unit_name": unit.name if unit else reg["first_unit"],
        "first_officer": officer.name if officer else reg["first_officer"],
        "visit_time": datetime.fromisoformat(reg["visit_time"]),
        "channel": reg["channel"],
        "payer_kind": payer_kind_label(payer["kind"]),
        "payer_name": payer["name"],
        "contact_person": payer.get("contact_person") or "无",
        "category_name": category.name if category else str(reg["category"]),
        "region_name": config.regions.get(reg["region"], reg["region"]),
        "matter": reg["matter"],
        "request": reg["request"],
        "attachments": [f"{i}. {a['name']}" for i, a in enumerate(reg["attachments"], 1)] or ["无"],
    }


def render_form(case: dict[str, Any], config: Config, store_root: Path | None, *, revealed: bool = False) -> bytes:
    """The 受理登记表 as .docx, from the store's own template if it has one."""
    return render_docx(KIND, form_context(case, config, revealed=revealed), store_root)
