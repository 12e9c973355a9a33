import datetime
import io
import textwrap

import pytest
from django.core.management import CommandError, call_command

from communes.importing import UnitImportError, units_import_csv
from communes.models import AdministrativeUnit, Level, Region, UnitType

pytestmark = pytest.mark.django_db

HEADER = "code,name,level,type,parent_code,region,group,valid_from,valid_to\n"

GOOD = HEADER + textwrap.dedent(
    """\
    42,Tỉnh Hà Thử,province,tinh,,BTB,,,
    436,Huyện Đức Thọ,district,huyen,42,,,,2025-06-30
    18157,Xã Đức Lĩnh,commune,xa,436,,,,2025-06-30
    18157-01,Thôn Trung Lưu,village,thon,18157,,,,
    18160,Xã Cẩm Thạch,commune,xa,436,,,2010-01-01,30/06/2025
    90001,Xã Đức Minh,commune,xa,42,,2,2025-07-01,
    """
)


def import_text(text: str):
    return units_import_csv(text.encode("utf-8"))


def errors_of(text: str) -> list[str]:
    with pytest.raises(UnitImportError) as exc:
        import_text(text)
    return [str(e) for e in exc.value.errors]


def test_a_good_file_creates_the_tree_with_inherited_regions():
    report = import_text(GOOD)
    assert len(report.created) == 6
    village = AdministrativeUnit.objects.get(code="18157-01")
    assert village.path == "/42/436/18157/18157-01/"
    assert village.region == Region.BTB
    new = AdministrativeUnit.objects.get(code="90001")
    assert (new.parent.code, new.commune_group, new.valid_from) == ("42", 2, datetime.date(2025, 7, 1))
    assert AdministrativeUnit.objects.get(code="18160").valid_to == datetime.date(2025, 6, 30)


def test_importing_the_same_file_twice_changes_nothing():
    import_text(GOOD)
    before = list(AdministrativeUnit.objects.order_by("code").values())
    report = import_text(GOOD)
    assert (report.created, report.updated, len(report.unchanged)) == ([], [], 6)
    assert list(AdministrativeUnit.objects.order_by("code").values()) == before


def test_a_changed_row_updates_that_unit_and_moves_its_subtree():
    import_text(GOOD)
    moved = GOOD.replace("18157,Xã Đức Lĩnh,commune,xa,436,", "18157,Xã Đức Lĩnh Mới,commune,xa,42,")
    report = import_text(moved)
    assert report.updated == ["18157"]
    assert AdministrativeUnit.objects.get(code="18157-01").path == "/42/18157/18157-01/"


def test_a_byte_order_mark_and_vietnamese_level_words_are_accepted():
    text = "\ufeff" + HEADER + "42,Tỉnh Hà Thử,tỉnh,Tỉnh,,Bắc Trung Bộ,,,\n436,Huyện Can Lộc,huyện,,42,,,,\n"
    import_text(text)
    assert AdministrativeUnit.objects.get(code="436").type == UnitType.HUYEN
    assert AdministrativeUnit.objects.get(code="42").region == Region.BTB


@pytest.mark.parametrize(
    "row, reason",
    [
        ("99,Xã Lạc,commune,xa,777,,,,", "unknown parent “777”"),
        ("99,Thôn Lạc,village,thon,42,,,,", "a Village cannot belong to a Province"),
        ("99,Xã Lạc,commune,xa,436,XYZ,,,", "unknown region “XYZ”"),
        ("99,Xã Lạc,hamlet,xa,436,,,,", "unknown level “hamlet”"),
        ("99,Xã Lạc,commune,xa,436,,,2025-13-01,", "valid_from “2025-13-01” is not a date"),
        ("99,Xã Lạc,commune,xa,436,,,2025-07-01,2025-01-01", "valid_to is before valid_from"),
        ("99,Xã Lạc,commune,thon,436,,,,", "type “thon” does not exist at this level"),
        ("99,Xã Lạc,commune,xa,436,,7,,", "unknown commune group “7”"),
        ("99,Huyện Lạc,district,huyen,436,,,,", "a District cannot belong to a District"),
        ("99,,commune,xa,436,,,,", "the name is empty"),
        ("9 9,Xã Lạc,commune,xa,436,,,,", "code “9 9” may only contain"),
        ("99,Xã Lạc,commune,xa,,,,,", "parent_code is empty"),
        ("99,Xã Lạc,commune,xa,436,,,", "expected 9 columns, found 8"),
        ("18157,Xã Trùng,commune,xa,436,,,,", "duplicate code “18157” (first on line 4)"),
    ],
)
def test_every_bad_row_kind_is_reported_with_its_line_and_reason(row, reason):
    messages = errors_of(GOOD + row + "\n")
    assert any(m.startswith("line 8:") and reason in m for m in messages), messages


def test_a_cycle_is_reported():
    text = (
        HEADER
        + "42,Tỉnh Hà Thử,province,tinh,,BTB,,,\n501,Huyện A,district,huyen,502,,,,\n502,Huyện B,district,huyen,501,,,,\n"
    )
    messages = errors_of(text)
    assert any(m.startswith("line 3:") and "cycle" in m for m in messages), messages
    assert any(m.startswith("line 4:") and "cycle" in m for m in messages), messages


def test_a_missing_column_is_reported_on_the_header_line():
    messages = errors_of("code,name,level,type,parent_code,region,valid_from,valid_to\n42,Tỉnh,province,tinh,,BTB,,\n")
    assert messages == ["line 1: missing column(s): group"]


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(UnitImportError, match="not UTF-8"):
        units_import_csv((HEADER + "42,Tỉnh Hà Thử,province,tinh,,BTB,,,\n").encode("utf-16"))


def test_all_errors_are_reported_in_one_run_and_nothing_is_written():
    bad = GOOD + "99,Thôn Lạc,village,thon,42,,,,\n100,Xã Lạc,commune,xa,777,,,,\n101,Xã Lạc,commune,xa,436,XYZ,,,\n"
    messages = errors_of(bad)
    assert [m.split(":")[0] for m in messages] == ["line 8", "line 9", "line 10"]
    assert AdministrativeUnit.objects.count() == 0


def test_a_stored_unit_cannot_change_level():
    import_text(GOOD)
    messages = errors_of(HEADER + "436,Huyện Đức Thọ,commune,xa,42,,,,\n")
    assert "already exists as District" in messages[0]


def test_parents_may_come_from_the_database():
    import_text(GOOD)
    import_text(HEADER + "18157-02,Thôn Mới,village,thon,18157,,,,\n")
    assert AdministrativeUnit.objects.get(code="18157-02").path == "/42/436/18157/18157-02/"


def test_the_command_prints_every_error_and_fails(tmp_path, capsys):
    path = tmp_path / "units.csv"
    path.write_text(GOOD + "99,Thôn Lạc,village,thon,42,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_units", str(path))
    assert "line 8: a Village cannot belong to a Province" in capsys.readouterr().err
    assert not AdministrativeUnit.objects.filter(level=Level.PROVINCE).exists()


def test_the_command_reports_what_it_did(tmp_path, capsys):
    path = tmp_path / "units.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_units", str(path))
    call_command("import_units", str(path))
    out = capsys.readouterr().out
    assert "6 created, 0 updated, 0 unchanged" in out
    assert "0 created, 0 updated, 6 unchanged" in out


def test_errors_are_written_in_vietnamese_by_default():
    from django.utils import translation

    with translation.override("vi"):
        messages = errors_of(GOOD + "99,Thôn Lạc,village,thon,42,,,,\n100,Xã Lạc,commune,xa,777,,,,\n")
    assert messages == [
        "dòng 8: đơn vị cấp Thôn không thể trực thuộc cấp Tỉnh (42)",
        "dòng 9: không tìm thấy đơn vị cấp trên “777”",
    ]


EVERY_TYPE = HEADER + textwrap.dedent(
    """\
    01,Thành phố Hà Thử,province,Thành phố,,DBSH,,,
    42,Tỉnh Hà Tĩnh Thử,province,Tỉnh,,BTB,,,
    001,Quận Ba Thử,district,quận,01,,,,
    436,Huyện Đức Thọ,district,Huyện,42,,,,
    437,Thị xã Hồng Lĩnh,district,thị xã,42,,,,
    438,Thành phố Hà Tĩnh,district,Thành phố,42,,,,
    439,Thành phố Thủ Đức,district,thành phố thuộc thành phố trực thuộc trung ương,01,,,,
    18157,Xã Đức Lĩnh,commune,Xã,436,,,,
    18158,Phường Bắc Hồng,commune,Phường,437,,,,
    18159,Thị trấn Đức Thọ,commune,Thị trấn,436,,,,
    18160,Đặc khu Cồn Cỏ,commune,Đặc khu,42,,,,
    18157-01,Thôn Trung Lưu,village,Thôn,18157,,,,
    18157-02,Xóm Đông,village,xóm,18157,,,,
    18157-03,Bản Nà,village,bản,18157,,,,
    18157-04,Ấp Một,village,ấp,18157,,,,
    18157-05,Làng Chùa,village,làng,18157,,,,
    18158-01,Tổ dân phố 3,village,Tổ dân phố,18158,,,,
    18158-02,Khu phố 2,village,khu phố,18158,,,,
    18158-03,Khóm 1,village,khóm,18158,,,,
    18157-06,Buôn Đôn,village,buôn,18157,,,,
    18157-07,Plei Ku,village,plei,18157,,,,
    """
)


def test_every_vietnamese_unit_type_name_in_use_is_accepted():
    import_text(EVERY_TYPE)
    types = dict(AdministrativeUnit.objects.values_list("code", "type"))
    assert types["01"] == UnitType.THANH_PHO_TW  # "thành phố" at province level: a centrally-governed city
    assert types["438"] == types["439"] == UnitType.THANH_PHO  # at district level: a city under the province
    assert (types["001"], types["437"]) == (UnitType.QUAN, UnitType.THI_XA)
    assert [types[c] for c in ("18157", "18158", "18159", "18160")] == [
        UnitType.XA,
        UnitType.PHUONG,
        UnitType.THI_TRAN,
        UnitType.DAC_KHU,
    ]
    assert [types[f"18157-0{n}"] for n in range(1, 8)] == [
        UnitType.THON,
        UnitType.XOM,
        UnitType.BAN,
        UnitType.AP,
        UnitType.LANG,
        UnitType.BUON,
        UnitType.PLEI,
    ]
    assert [types[f"18158-0{n}"] for n in range(1, 4)] == [UnitType.TO_DAN_PHO, UnitType.KHU_PHO, UnitType.KHOM]


def test_a_type_of_another_level_is_refused_by_name():
    bad = HEADER + "42,Tỉnh Thử,province,tinh,,BTB,,,\n436,Huyện Thử,district,phường,42,,,,\n"
    assert errors_of(bad) == ["line 3: type “phường” does not exist at this level"]


def test_a_name_longer_than_the_column_is_a_line_error_not_a_traceback(tmp_path):
    messages = errors_of(GOOD + "99," + "X" * 203 + ",commune,xa,436,,,,\n")
    assert any(m.startswith("line 8:") and "the name has 203 characters; at most 200" in m for m in messages)
    path = tmp_path / "units.csv"
    path.write_text(GOOD + "99," + "X" * 203 + ",commune,xa,436,,,,\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_units", str(path), stdout=out, stderr=err)
    assert "line 8: the name has 203 characters" in out.getvalue() + err.getvalue()
    assert not AdministrativeUnit.objects.exists()


def test_names_are_stored_in_one_unicode_spelling():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Xã Cẩm Thạch")
    import_text(GOOD.replace("Xã Cẩm Thạch", decomposed))
    unit = AdministrativeUnit.objects.get(code="18160")
    assert unit.name == "Xã Cẩm Thạch" == unicodedata.normalize("NFC", unit.name)
    assert AdministrativeUnit.objects.filter(name="Xã Cẩm Thạch").count() == 1


def test_a_stored_communes_group_is_left_to_its_page():
    import_text(GOOD)
    AdministrativeUnit.objects.filter(code="90001").update(commune_group=3)
    regrouped = "\n".join(
        line.replace(",2,", ",1,") if line.startswith("90001,") else line for line in GOOD.splitlines()
    )
    import_text(regrouped + "\n")
    assert AdministrativeUnit.objects.get(code="90001").commune_group == 3
