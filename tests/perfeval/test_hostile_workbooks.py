"""Hostile Excel files built in memory are refused as a whole with the usual Chinese reason, never a server error:
sheet XML cut short, an undefined entity, an entity blow-up ("billion laughs"), and a document type declaration
hidden after a long comment or in UTF-16. openpyxl parses with defusedxml (installed with perfeval)."""

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.workbook.imports import CORRUPT, DTD, WorkbookRefused, parse_workbook
from tests.assessments.workbook.workbook_helpers import exported

LAUGHS = (
    b'<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b"]>"
)


def is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/sheet") and name.endswith(".xml")


def rewritten(content: bytes, change, which=is_worksheet) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if which(info.filename) else data)
    return buffer.getvalue()


def truncated(xml: bytes) -> bytes:
    return xml[: len(xml) * 2 // 3]


def undefined_entity(xml: bytes) -> bytes:
    """In the first cell's text, or in the first attribute of a part without cells."""
    for marker in (b"<t>", b"<v>", b'="'):
        if marker in xml:
            return xml.replace(marker, marker + b"&undefined;", 1)
    raise AssertionError("nothing to put an entity into")


def billion_laughs(xml: bytes) -> bytes:
    return LAUGHS + undefined_entity(xml).replace(b"&undefined;", b"&lol9;", 1)


def doctype_after_a_long_comment(xml: bytes) -> bytes:
    return b"<!--" + b"x" * 5 * 1024 + b"-->" + LAUGHS + xml


def doctype_in_utf16(xml: bytes) -> bytes:
    text = '<?xml version="1.0" encoding="UTF-16"?>' + LAUGHS.decode() + xml.decode()
    return "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")


HOSTILE = {
    "truncated sheet XML": (truncated, CORRUPT),
    "undefined entity": (undefined_entity, CORRUPT),
    "billion laughs": (billion_laughs, DTD),
    "DOCTYPE after a 5 KB comment": (doctype_after_a_long_comment, DTD),
    "DOCTYPE in UTF-16": (doctype_in_utf16, DTD),
}


@pytest.fixture
def workbook(assessment) -> bytes:
    return exported(assessment)


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_sheet_is_refused_with_the_chinese_reason(workbook, kind):
    change, message = HOSTILE[kind]
    started = time.perf_counter()
    with pytest.raises(WorkbookRefused) as caught:
        parse_workbook(rewritten(workbook, change))
    assert caught.value.message == message
    assert time.perf_counter() - started < 5  # nothing was expanded


@pytest.mark.parametrize("kind", ["truncated sheet XML", "undefined entity", "billion laughs"])
@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/_rels/workbook.xml.rels"])
def test_the_same_damage_in_the_workbook_part_is_refused(workbook, kind, part):
    change, message = HOSTILE[kind]
    with pytest.raises(WorkbookRefused) as caught:
        parse_workbook(rewritten(workbook, change, which=lambda name: name == part))
    assert caught.value.message in {message, CORRUPT}


def test_an_undefined_entity_in_the_marker_sheet_alone_is_refused_as_corrupt(workbook):
    # The hidden marker sheet is read first, cell by cell: the parse error surfaces while its rows are read.
    marker = max(
        (info for info in zipfile.ZipFile(io.BytesIO(workbook)).infolist() if is_worksheet(info.filename)),
        key=lambda info: info.file_size,
    ).filename
    with pytest.raises(WorkbookRefused) as caught:
        parse_workbook(rewritten(workbook, undefined_entity, which=lambda name: name == marker))
    assert caught.value.message == CORRUPT


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_upload_page_explains_the_refusal_instead_of_a_server_error(client, alice, assessment, workbook, kind):
    change, message = HOSTILE[kind]
    client.force_login(alice)
    response = client.post(
        reverse("assessments:workbook_upload", args=[assessment.pk]),
        {"file": SimpleUploadedFile("自评.xlsx", rewritten(workbook, change))},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
