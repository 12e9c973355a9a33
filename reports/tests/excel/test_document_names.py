"""Documents name states and levels with the models' labels in Vietnamese, whatever the page's
language (one wording: the labels through gettext, not a hand-written copy)."""

from django.utils import translation

from reports.bulletin.names import level_names, state_names, summary_mark


def test_documents_read_the_vietnamese_labels_from_an_english_page():
    with translation.override("en"):
        assert state_names()["verified"] == "Đã thẩm tra"
        assert state_names()["returned"] == "Trả lại để chỉnh sửa"
        assert level_names()["commune"] == "Xã" and level_names()["village"] == "Thôn"
        assert summary_mark() == " · hồ sơ tổng hợp"
        assert translation.get_language() == "en"
