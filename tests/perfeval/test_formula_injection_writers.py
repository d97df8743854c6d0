"""Every CSV and xlsx file perfeval writes neutralises what a user could have typed: a value starting with = + - @
(or tab, CR, or their full-width forms) never reaches a spreadsheet program as a formula. One helper
(perfeval/spreadsheets.py) does it; these tests go through each writer that uses it."""

import csv
import io

import openpyxl
from django.urls import reverse

from assessments.exports.services import summary_workbook
from assessments.models import AuditEvent, ExportItem, ExportJob, Facts
from assessments.workbook.build import workbook_bytes
from perfeval.spreadsheets import is_formula_like

HOSTILE = ['=HYPERLINK("http://evil.example","点此")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "＝1+1"]


def _strings(workbook_bytes_: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes_))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    yield cell


def test_the_audit_csv_writes_no_formula(client, alice, assessment):
    for text in HOSTILE:
        AuditEvent.objects.create(
            assessment=assessment,
            user=alice,
            user_name=text,
            action="save",
            action_label=text,
            detail=text,
            changes=[{"where": text, "old": text, "new": text}],
        )
    client.force_login(alice)
    response = client.get(reverse("assessments:audit", args=[assessment.pk]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert len(cells) == len(HOSTILE) * 7
    assert not [cell for cell in cells if is_formula_like(cell)]
    assert "'" + HOSTILE[0] in cells


def test_the_annual_summary_workbook_stores_unit_names_as_text(db):
    job = ExportJob(year=2024, scope_label="全部单位")
    items = [
        ExportItem(assessment_id=index, status=ExportItem.Status.DONE, summary={"unit": name, "unit_code": name})
        for index, name in enumerate(HOSTILE, start=1)
    ]
    cells = [cell for cell in _strings(summary_workbook(job, items)) if cell.value in HOSTILE]
    assert len(cells) >= len(HOSTILE)
    assert all(cell.data_type == "s" for cell in cells)


def test_the_assessment_workbook_stores_typed_text_as_text(assessment):
    Facts.objects.update_or_create(assessment=assessment, defaults={"austerity_measures": HOSTILE[1]})
    cells = [cell for cell in _strings(workbook_bytes(assessment)) if cell.value == HOSTILE[1]]
    assert cells
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
