from app.core.text import fold


def test_fold_strips_vietnamese_diacritics():
    assert fold("Ổ gà") == "o ga"
    assert fold("Phường Hoàn Kiếm") == "phuong hoan kiem"
    assert fold("Đống Đa") == "dong da"
    assert fold("  Cửa   Nam ") == "cua nam"


def test_normalize_text_composes_and_drops_control_characters():
    import pytest

    from app.core.text import normalize_text

    decomposed = "O\u0302\u0309 ga\u0300"  # "Ổ gà" typed with combining marks
    assert normalize_text(decomposed) == "Ổ gà"
    assert normalize_text("a\x01b\x1bc\x7fd\x85e") == "abcde"
    assert normalize_text("dòng 1\r\ndòng 2\tcột") == "dòng 1\ndòng 2\tcột"
    with pytest.raises(ValueError):
        normalize_text("a\x00b")
