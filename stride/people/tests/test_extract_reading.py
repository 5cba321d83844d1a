"""Reading a caseload extract: encodings read or named, dates and SSNs as states write them.

These tests need no database: reading a file touches nothing.
"""

import io
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from stride.people.extracts import Kind, parse_date, parse_ssn, read

HEADER = "CASE_NO,FIRST,LAST,DOB\n"
ROW = "C-100,José,Peña,04/02/1990\n"


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ((HEADER + ROW).encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + (HEADER + ROW).encode("utf-8"), "utf-8"),
        ((HEADER + ROW).encode("cp1252"), "cp1252"),
        ((HEADER + ROW).encode("latin-1"), "latin-1"),
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1252", "latin-1"],
)
def test_a_file_in_each_encoding_reads_the_same(data, encoding):
    table = read(data, "extract.csv", encoding)
    assert table.problems == []
    assert table.header == ["CASE_NO", "FIRST", "LAST", "DOB"]
    assert table.rows == [(2, ["C-100", "José", "Peña", "04/02/1990"])]


def test_a_file_that_is_not_utf_8_is_named_not_guessed():
    table = read((HEADER + ROW).encode("cp1252"), "extract.csv", "utf-8")
    assert table.rows == []
    [problem] = table.problems
    assert problem.kind == Kind.FILE
    assert problem.row == 2
    assert "Windows-1252 or Latin-1" in problem.message


def test_a_utf_8_file_named_as_windows_1252_is_refused_rather_than_garbled():
    table = read((HEADER + ROW).encode("utf-8"), "extract.csv", "cp1252")
    assert table.rows == []
    assert "choose UTF-8" in table.problems[0].message


def test_a_byte_windows_1252_does_not_have_is_refused_with_its_row():
    table = read(HEADER.encode() + b"C-1,A\x81na,B,19900402\n", "extract.csv", "cp1252")
    assert table.rows == []
    assert table.problems[0].row == 2


def test_an_unknown_encoding_is_refused():
    assert read(b"a\n1\n", "x.csv", "utf-16").problems[0].kind == Kind.FILE


def test_a_workbook_is_read_with_its_dates_and_numbers_as_text():
    data = _workbook(
        [
            ["Case", "First", "DOB", "Months"],
            ["C-1", "Ana", datetime(1990, 4, 2), 14.0],
            [None, None, None, None],
            ["C-2", "Luis", "19850101", 3],
        ]
    )
    table = read(data, "extract.xlsx")
    assert table.problems == []
    assert table.header == ["Case", "First", "DOB", "Months"]
    assert table.rows == [
        (2, ["C-1", "Ana", "1990-04-02", "14"]),
        (4, ["C-2", "Luis", "19850101", "3"]),
    ]


def test_a_damaged_workbook_is_a_problem_not_a_crash():
    table = read(b"PK\x03\x04 not really a zip", "extract.xlsx")
    assert table.rows == []
    assert "Excel" in table.problems[0].message


def test_a_header_naming_a_column_twice_is_refused():
    assert "more than once" in read(b"a,b,A\n1,2,3\n", "x.csv").problems[0].message


def test_an_empty_file_is_refused():
    assert read(b"  \n", "x.csv").problems[0].message == "The file is empty."


@pytest.mark.parametrize(
    "text", ["04/02/1990", "4/2/1990", "19900402", "1990-04-02", "1990-04-02T00:00:00"]
)
def test_each_date_format_states_write_is_read(text):
    assert parse_date(text) == date(1990, 4, 2)


@pytest.mark.parametrize("text", ["02.04.1990", "1990/04/02", "April 2 1990", "13/02/1990"])
def test_other_dates_are_refused_with_a_message(text):
    with pytest.raises(ValueError, match=r"\w"):
        parse_date(text)


def test_an_empty_date_is_none():
    assert parse_date("  ") is None


@pytest.mark.parametrize("text", ["123-45-6789", "123456789", " 123 45 6789 "])
def test_ssns_are_read_with_or_without_dashes(text):
    assert parse_ssn(text) == "123456789"


def test_an_ssn_never_issued_is_refused():
    with pytest.raises(ValueError, match="Social Security Administration"):
        parse_ssn("000-12-3456")


@settings(max_examples=150, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.lists(
            st.lists(st.text(max_size=12), min_size=0, max_size=6), min_size=0, max_size=6
        ).map(lambda rows: "\n".join(",".join(cells) for cells in rows).encode("utf-8")),
        st.binary(max_size=200).map(lambda tail: b"PK\x03\x04" + tail),
    ),
    encoding=st.sampled_from(["utf-8", "cp1252", "latin-1"]),
    filename=st.sampled_from(["x.csv", "x.xlsx", "x.txt"]),
)
def test_any_broken_file_gives_rows_or_problems_never_a_crash(data, encoding, filename):
    table = read(data, filename, encoding)
    assert table.rows or table.problems or table.header
    for problem in table.problems:
        assert problem.message
        assert problem.row >= 1


@given(st.text(max_size=20))
def test_any_date_cell_is_a_date_or_a_message(text):
    try:
        parse_date(text)
    except ValueError as error:
        assert str(error)
