"""Finding and masking personal data in what officers type."""

from __future__ import annotations

from disputectl.rules.personal import has_personal_data, mask_address, mask_personal_data


def test_identifiers_and_mobiles_in_free_text_are_found_and_masked() -> None:
    text = "本人身份证11010519491231002X，手机１３８１２３４５６７８，单位电话0571-88886666"
    assert has_personal_data(text)
    masked = mask_personal_data(text)
    assert "11010519491231002X" not in masked and "１３８１２３４５６７８" not in masked and "88886666" not in masked
    assert "1101**********002X" in masked
    for plain in ("对2026年度缴费基数核定有异议", "案件 SW-20261126-001", "金额 1234567.89 元", "0571-88886666"):
        assert not has_personal_data(plain), plain


def test_an_address_keeps_its_district_only() -> None:
    assert mask_address("示例市东区解放路8号") == "示例市东区****"
    assert mask_address("东区") == "东****"
    assert "8号" not in mask_address("示例市高新区创业路18号")
