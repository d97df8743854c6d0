"""Fuzzing the 佐证材料 upload: any file name, any content (real magic numbers followed by junk, broken Office zips,
empty files), any choice of what it is attached to. No server error; a refused upload writes nothing."""

import io
import zipfile

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessments.models import Evidence
from tests.fuzz import budget
from tests.fuzz.state import assert_one_new_version, assert_unchanged, assessment_state, lock_version, post, rolled_back
from tests.fuzz.strategies import ANY_CHAR, CONTROL, mutated, value

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]


def office(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
    return buffer.getvalue()


MAGIC = [b"%PDF", b"\xff\xd8\xff", b"\x89PNG", b"PK\x03\x04", b"MZ", b""]
EXTENSIONS = [".pdf", ".PDF", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".exe", ".pdf.exe", ".xls", "", ".", ".p df"]

stems = st.one_of(
    st.sampled_from(["佐证", "../../etc/passwd", "a/b\\c", "CON", " ", "x" * 260]),
    st.text(ANY_CHAR | CONTROL, min_size=0, max_size=30),
)


def _nameable(name: str) -> bool:
    """Django's uploaded-file class refuses a name without a file part (a browser never sends one)."""
    try:
        SimpleUploadedFile(name, b"")
    except SuspiciousFileOperation:
        return False
    return True


names = st.builds(lambda stem, ext: stem + ext, stems, st.sampled_from(EXTENSIONS)).filter(_nameable)
contents = st.one_of(
    st.builds(lambda magic, tail: magic + tail, st.sampled_from(MAGIC), st.binary(max_size=200)),
    st.sampled_from([office("word/"), office("xl/"), office("ppt/")]),
    st.builds(lambda cut: office("xl/")[:cut], st.integers(min_value=0, max_value=200)),
    st.just(b""),
)
files = st.builds(lambda name, content: SimpleUploadedFile(name, content), names, contents)

TARGETS = ["section:basic_info", "section:problems", "indicator:budget_execution", "indicator:", "section:", "nope"]


@st.composite
def upload(draw):
    base = {
        "file": draw(files),
        "attached_to": draw(st.sampled_from(TARGETS)),
        "description": draw(st.sampled_from(["", "年度预算批复文件"])),
    }
    if draw(st.booleans()):
        return base
    # Fuzzed text anywhere, text where the file should be, repeated keys.
    fuzzed = draw(mutated({"attached_to": base["attached_to"], "description": base["description"]}, max_changes=2))
    if draw(st.booleans()):
        fuzzed["file"] = base["file"]
    elif draw(st.booleans()):
        fuzzed["file"] = draw(value)
    return fuzzed


@budget.examples(fuzz=600, quick=16)
@given(submission=upload())
def test_an_upload_never_fails_and_a_refused_one_writes_nothing(client, alice, assessment, submission):
    client.force_login(alice)
    url = reverse("assessments:evidence_upload", args=[assessment.pk])
    with rolled_back():
        before, version = assessment_state(assessment.pk), lock_version(assessment.pk)
        response = post(client, url, submission, name="evidence")
        if response.status_code == 302:
            assert_one_new_version(version, assessment.pk, submission)
            assert Evidence.objects.filter(assessment=assessment).count() == 1
        else:
            assert_unchanged(before, assessment_state(assessment.pk), submission)
