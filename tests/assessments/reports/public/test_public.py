"""信息公开: anyone sees the finalised reports by year and unit with their PDFs; drafts are never reachable there;
phone numbers are masked."""

import pytest
from django.urls import reverse

from assessments.models import Assessment, Snapshot, document_sha256
from assessments.reports.public_views import mask_phone
from tests.assessments.exports.conftest import TAOJIANG, ZHUZHOU, blank_pdf


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("0755-83301534", "0755-****1534"),
        ("15869733298", "158****3298"),
        ("(0731) 2281234", "(0731) ****1234"),
        ("", ""),
        ("1234", "****"),
    ],
)
def test_phone_numbers_are_masked(phone, masked):
    assert mask_phone(phone) == masked


def test_the_public_page_lists_only_final_reports_anonymously_with_masked_phones(client, demo, finalised_futian):
    response = client.get(reverse("public:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "深圳市福田区老干部活动中心" in page and "96.97" in page
    assert "0755-****1534" in page and "83301534" not in page
    assert "株洲市行业办公室" not in page and "桃江县桃冶社区服务指导中心" not in page
    assert reverse("public:pdf", args=[finalised_futian.pk]) in page


def test_a_draft_or_in_review_report_is_not_reachable(client, demo):
    Assessment.objects.filter(pk=demo[TAOJIANG].pk).update(status="in_review", current_step="group_leader")
    for code in (ZHUZHOU, TAOJIANG):
        assert client.get(reverse("public:pdf", args=[demo[code].pk])).status_code == 404


def test_a_final_report_is_served_as_frozen_and_rendered_once(client, demo, finalised_futian, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "assessments.reports.public_views.render_report_pdf", lambda a, **k: calls.append(a.pk) or blank_pdf()
    )
    for _ in range(2):
        response = client.get(reverse("public:pdf", args=[finalised_futian.pk]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert calls == [finalised_futian.pk]
    assert "inline" in response["Content-Disposition"]


def test_the_login_page_links_to_the_public_page(client, db):
    assert reverse("public:list") in client.get(reverse("login")).content.decode()


def test_the_public_list_query_count_is_pinned(client, demo, finalised_futian, django_assert_num_queries):
    # years, the page's ids (one more read: none, so their number is the count), its summary lines, then (the first
    # time) their keys, the snapshot and one write in a savepoint, the page's assessments and their snapshots with
    # their published files
    with django_assert_num_queries(11):
        client.get(reverse("public:list"))
    with django_assert_num_queries(5):
        client.get(reverse("public:list"))


def test_the_public_list_is_paged(client, demo, finalised_futian, monkeypatch):
    monkeypatch.setattr("assessments.reports.public_views.PUBLIC_PAGE", 1)
    for code in (ZHUZHOU, TAOJIANG):
        # Frozen as the workflow freezes: the snapshot first, then the state (a snapshot for a final assessment is
        # refused as a forgery).
        data = Snapshot.objects.latest_for(finalised_futian).data
        Snapshot.objects.create(assessment=demo[code], data=data, sha256=document_sha256(data))
        Assessment.objects.filter(pk=demo[code].pk).update(status="final")
    first = client.get(reverse("public:list")).content.decode()
    assert first.count("data-unit=") == 1 and "第 1–1 条，共 3 条" in first
    last = client.get(reverse("public:list"), {"page": 3}).content.decode()
    assert last.count("data-unit=") == 1 and 'rel="prev"' in last and 'rel="next"' not in last
