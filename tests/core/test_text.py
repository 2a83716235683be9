from app.core.text import fold


def test_fold_strips_vietnamese_diacritics():
    assert fold("Ổ gà") == "o ga"
    assert fold("Phường Hoàn Kiếm") == "phuong hoan kiem"
    assert fold("Đống Đa") == "dong da"
    assert fold("  Cửa   Nam ") == "cua nam"
