"""Fuzzing the Excel import: the assessment's own exported workbook with typed cells replaced by anything a person (or
Excel) can put there — text as typed, huge and tiny numbers, NaN, dates, booleans, formulas, 30,000-character
strings — and the marker sheet tampered with; and the same file truncated or with bytes damaged. Upload and apply
never fail; an upload never writes; an apply writes everything (one new version) or nothing."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from assessments.models import IndicatorRow, Project, SpecialFund
from assessments.workbook.build import MAP_FIRST_ROW, MARKER_SHEET, encode_cell_map
from tests.assessments.workbook.workbook_helpers import cell_map, exported, saved
from tests.fuzz import budget
from tests.fuzz.state import assert_one_new_version, assert_unchanged, assessment_state, lock_version, post, rolled_back
from tests.fuzz.strategies import describe, scalar

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

# Upload and apply: the preview (200), or the file refused with its reasons (422); apply saves and redirects (302).
WORKBOOK_STATUSES = {200, 302, 400, 404, 422}


@pytest.fixture
def template(assessment):
    """The assessment's exported workbook, with a 专项资金, a project and unit-written rows so every kind of typed
    cell is in it; and its cell map."""
    SpecialFund.objects.create(assessment=assessment, position=1, name="市级专项资金", budget=Decimal(10))
    project = Project.objects.create(assessment=assessment, position=1, name="老干部活动经费")
    for owner in (None, project):
        IndicatorRow.objects.create(
            assessment=assessment,
            project=owner,
            position=50,
            group_code="quantity",
            name="开展学习活动",
            weight=Decimal(5),
            kind="quantitative",
            target_value="≥12次",
        )
    content = exported(assessment)
    return Template(content, cell_map(openpyxl.load_workbook(io.BytesIO(content))))


class Template(tuple):
    """(content, cell map), shown briefly when Hypothesis reports a failing example."""

    def __new__(cls, content: bytes, cells: list):
        return super().__new__(cls, (content, cells))

    def __repr__(self):
        return f"<exported workbook, {len(self[0])} bytes, {len(self[1])} typed cells>"


cell_values = st.one_of(
    # What a person fills in, so that some workbooks are valid and get applied.
    st.sampled_from(["12.50", "１２３．４", "1,234.56", "0", "", "达成年度指标", "定量", "符合（1 分）", "说明文字"]),
    st.decimals(min_value=0, max_value=10**6, places=2).map(float),
    scalar,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, -0.0, 0.1 + 0.2, 1e15 + 0.3]),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(9999, 12, 31)),
    st.dates(min_value=datetime.date(1900, 3, 1)),
    st.times(),
    st.booleans(),
    st.sampled_from(["=1/0", "=SUM(A1:A3)", "=A1", '=HYPERLINK("http://x","y")', "=1+", "@A1"]),
    st.text(max_size=5).map(lambda text: "长" * 32_000 + text),
    st.none(),
)

META_CHANGES = st.sampled_from(
    [
        ("B1", "budget-request"),
        ("B2", 0),
        ("B2", "1.0"),
        ("B3", 999999),
        ("B3", "abc"),
        ("B4", -1),
        ("B4", "1e400"),
        ("A10", "not a map"),
        ("A10", None),
        ("A11", '[["附件1-1","ZZZ99999999","facts","nope","x"]]'),
    ]
)


# A person can unhide the marker sheet and edit its cell map: targets, fields and cells that no export writes.
MAP_TARGETS = [
    "fund:²",
    "fund:-1",
    "fund:new:²",
    "inst:²",
    "inst:99999999999999999999",
    "project:①",
    "row:²",
    "row:new:²:quantity",
    "row:new:1:²",
    "row:new::quantity",
    "row:new:0:quantity",
    "row:new:99999999999999999999:quantity",
    "row:" + "9" * 5000,
    "staffing",
    "assessment",
    "facts",
    "nope:1",
    "",
]
MAP_FIELDS = ["id", "assessment", "lock_version", "status", "unit", "DELETE", "ORDER", "ans_x", "answers", ""]
MAP_CELLS = ["A0", "0", "ZZZ1", "XFE1", "A1048577", "", "A1:B2", "$A$1", "a1", "A" + "9" * 30]


@st.composite
def tampered_map(draw, cells):
    entries = list(cells)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        index = draw(st.integers(min_value=0, max_value=len(entries) - 1))
        sheet, coordinate, target, name, label = entries[index]
        part = draw(st.sampled_from(["target", "field", "cell", "sheet"]))
        if part == "target":
            target = draw(st.sampled_from(MAP_TARGETS) | scalar)
        elif part == "field":
            name = draw(st.sampled_from(MAP_FIELDS) | scalar)
        elif part == "cell":
            coordinate = draw(st.sampled_from(MAP_CELLS) | scalar)
        else:
            sheet = draw(st.sampled_from(["附件1-1", "_perfeval", "_lists", "Sheet1", ""]))
        entries[index] = (sheet, coordinate, target, name, label)
    return encode_cell_map(entries)


def _set(cell, value) -> None:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # what Excel itself cannot store either
    cell.value = value


@st.composite
def filled_workbook(draw, template):
    content, cells = template
    book = openpyxl.load_workbook(io.BytesIO(content))
    changes = draw(st.lists(st.tuples(st.sampled_from(cells), cell_values), min_size=1, max_size=6))
    for (sheet, coordinate, *_), cell_value in changes:
        _set(book[sheet][coordinate], cell_value)
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        marker = book[MARKER_SHEET]
        chunks = draw(tampered_map(cells))
        for row in range(MAP_FIRST_ROW, marker.max_row + 1):
            marker.cell(row=row, column=1).value = None
        for offset, chunk in enumerate(chunks):
            marker.cell(row=MAP_FIRST_ROW + offset, column=1).value = chunk
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        coordinate, meta_value = draw(META_CHANGES)
        _set(book[MARKER_SHEET][coordinate], meta_value)
    if draw(st.integers(min_value=0, max_value=19)) == 0:
        victim = draw(st.sampled_from([name for name in book.sheetnames if name != MARKER_SHEET]))
        if draw(st.booleans()):
            del book[victim]
        else:
            book[victim].title = "Sheet1"
    return saved(book), [(sheet, coordinate, repr(value)[:60]) for (sheet, coordinate, *_), value in changes]


def upload_and_apply(client, assessment, content: bytes, described):
    """Upload; when the preview offers to apply it, apply. Returns whether anything was applied."""
    before, version = assessment_state(assessment.pk), lock_version(assessment.pk)
    upload = SimpleUploadedFile("自评.xlsx", content)
    url = reverse("assessments:workbook_upload", args=[assessment.pk])
    response = post(client, url, {"file": upload}, name="workbook", allowed=WORKBOOK_STATUSES)
    assert response.status_code in (200, 422), described
    assert_unchanged(before, assessment_state(assessment.pk), described)
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    if response.status_code != 200 or token is None:
        return False
    data = {"token": token.group(1), "lock_version": str(version)}
    url = reverse("assessments:workbook_apply", args=[assessment.pk])
    applied = client.post(url, data)
    assert applied.status_code in (302, 422), described
    if applied.status_code == 302:
        assert_one_new_version(version, assessment.pk, described)
        return True
    assert_unchanged(before, assessment_state(assessment.pk), described)
    return False


@budget.examples(fuzz=400, quick=6)
@given(st.data())
def test_a_workbook_with_any_cell_values_is_imported_whole_or_not_at_all(client, alice, assessment, template, data):
    content, changes = data.draw(filled_workbook(template))
    client.force_login(alice)
    with rolled_back():
        upload_and_apply(client, assessment, content, changes)


@st.composite
def damaged(draw, content: bytes):
    """The exported file truncated, with bytes flipped or inserted, or one of its parts replaced."""
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "part", "junk"]))
    if kind == "truncate":
        return content[: draw(st.integers(min_value=0, max_value=len(content) - 1))]
    if kind == "flip":
        damaged = bytearray(content)
        for _ in range(draw(st.integers(min_value=1, max_value=20))):
            offset = draw(st.integers(min_value=0, max_value=len(content) - 1))
            damaged[offset] ^= draw(st.integers(min_value=1, max_value=255))
        return bytes(damaged)
    if kind == "insert":
        offset = draw(st.integers(min_value=0, max_value=len(content)))
        return content[:offset] + draw(st.binary(min_size=1, max_size=64)) + content[offset:]
    if kind == "part":
        source = zipfile.ZipFile(io.BytesIO(content))
        names = source.namelist()
        victim = draw(st.sampled_from(names))
        replacement = draw(
            st.sampled_from([b"", b"<", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", b"\x00" * 64])
            | st.binary(max_size=256)
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for name in names:
                if name == victim and draw(st.booleans()):
                    continue  # the part is missing altogether
                target.writestr(name, replacement if name == victim else source.read(name))
        return buffer.getvalue()
    return draw(
        st.sampled_from([b"PK\x03\x04", b"PK\x05\x06" + b"\x00" * 18, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])
    ) + draw(st.binary(max_size=512))


@budget.examples(fuzz=600, quick=12)
@given(st.data())
def test_a_damaged_workbook_is_refused_and_never_fails(client, alice, assessment, template, data):
    content = data.draw(damaged(template[0]))
    client.force_login(alice)
    with rolled_back():
        upload_and_apply(client, assessment, content, describe({"file": f"{len(content)} bytes"}))
