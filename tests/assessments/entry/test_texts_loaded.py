"""The narrative and the stored explanations come in the query that loads the assessment (`selectors.with_texts`): as
one JSON array each, written by the database, so every text reads back exactly as typed, on SQLite and PostgreSQL."""

import pytest
from django.urls import reverse

from assessments.access import get_assessment_for_user
from assessments.models import FindingExplanation, NarrativeSection
from assessments.selectors import assessment_data, narrative_and_explanations, with_texts

pytestmark = pytest.mark.django_db

AWKWARD = [
    "",
    'a "quoted", comma, ] bracket [ and } brace {',
    "back\\slash \\n not a newline, and\na newline\r\nand a tab\t",
    "全角，标点；“引号”、《书名号》与 emoji 🧾",
    "control \x01 \x1f characters",
    "null-looking: null, [], {}",
]


@pytest.fixture
def texts(assessment):
    NarrativeSection.objects.filter(assessment=assessment).delete()  # the layout's empty sections, made with it
    for number, text in enumerate(AWKWARD):
        NarrativeSection.objects.create(assessment=assessment, key=f"section-{number}", body=text)
        FindingExplanation.objects.create(assessment=assessment, key=f"finding-{number}", text=text)
    return {f"section-{n}": t for n, t in enumerate(AWKWARD)}, {f"finding-{n}": t for n, t in enumerate(AWKWARD)}


def test_every_text_reads_back_as_typed_with_the_assessment(alice, assessment, texts, django_assert_num_queries):
    found, _ = get_assessment_for_user(alice, assessment.pk, (with_texts,))
    data = assessment_data(found)
    with django_assert_num_queries(0):
        assert (data.narrative(), data.explanations()) == texts
        sections = data.narrative_sections()
    stored = {s.key: s.pk for s in NarrativeSection.objects.filter(assessment=assessment)}
    assert {key: section.pk for key, section in sections.items()} == stored
    assert all(section.assessment is found and not section._state.adding for section in sections.values())


def test_read_alone_the_texts_are_the_same_in_one_query(assessment, texts, django_assert_num_queries):
    with django_assert_num_queries(1):
        sections, explanations = narrative_and_explanations(assessment)
    assert ({key: s.body for key, s in sections.items()}, explanations) == texts


def test_without_texts_both_are_empty(alice, assessment, django_assert_num_queries):
    NarrativeSection.objects.filter(assessment=assessment).delete()
    found, _ = get_assessment_for_user(alice, assessment.pk, (with_texts,))
    data = assessment_data(found)
    with django_assert_num_queries(0):
        assert (data.narrative(), data.explanations(), data.narrative_sections()) == ({}, {}, {})
    assert narrative_and_explanations(assessment) == ({}, {})


def test_read_again_after_a_refused_save_the_texts_are_the_newest(alice, assessment, texts):
    found, _ = get_assessment_for_user(alice, assessment.pk, (with_texts,))
    NarrativeSection.objects.filter(assessment=assessment, key="section-1").update(body="someone else's")
    FindingExplanation.objects.filter(assessment=assessment, key="finding-2").delete()
    assert assessment_data(found).narrative()["section-1"] == AWKWARD[1]  # as loaded
    again = assessment_data(found, reread=True)
    assert again.narrative()["section-1"] == "someone else's"
    assert "finding-2" not in again.explanations()


def test_the_narrative_saved_over_loaded_sections_updates_them(client, alice, assessment):
    from tests.html_forms import form_data

    NarrativeSection.objects.filter(assessment=assessment, key="basic_info").update(body="旧的概况")
    client.force_login(alice)
    url = reverse("assessments:tab", args=[assessment.pk, "narrative"])
    data = form_data(client.get(url).content.decode())
    assert data["basic_info"] == "旧的概况"
    data["basic_info"] = '新的 "概况"，\n第二行'
    assert client.post(url, data).status_code == 302
    assert list(
        NarrativeSection.objects.filter(assessment=assessment, key="basic_info").values_list("body", flat=True)
    ) == ['新的 "概况"，\n第二行']


def test_the_reviewers_comments_read_back_as_stored_with_the_assessment(
    alice, bob, assessment, django_assert_num_queries
):
    """Every column of a comment, its times (naive UTC text on SQLite, an offset in PostgreSQL's JSON) included,
    oldest first."""
    from datetime import UTC, datetime

    from assessments.models import ReviewComment
    from assessments.selectors import review_comments, with_comments

    for number, text in enumerate(AWKWARD[1:]):
        ReviewComment.objects.create(
            assessment=assessment,
            target=ReviewComment.Target.FINDING if number % 2 else ReviewComment.Target.INDICATOR,
            key=f"row-{number}",
            label=f"标签{number}",
            text=text,
            step="group_leader",
            author=bob,
            author_name="乙",
        )
    answered = ReviewComment.objects.order_by("pk")[1]
    answered.answer, answered.answered_by = "已改正，见第二行", alice
    answered.answered_at = datetime(2023, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    answered.save()
    ReviewComment.objects.filter(pk=answered.pk).update(created_at=datetime(2023, 1, 1, 8, 0, 0, 1, tzinfo=UTC))
    found, _ = get_assessment_for_user(alice, assessment.pk, (with_comments,))
    with django_assert_num_queries(0):
        loaded = review_comments(found)
    stored = list(ReviewComment.objects.filter(assessment=assessment))
    assert stored[0].pk == answered.pk  # the oldest
    columns = [f.attname for f in ReviewComment._meta.concrete_fields]
    as_stored = [[getattr(c, name) for name in columns] for c in stored]
    assert [[getattr(c, name) for name in columns] for c in loaded] == as_stored
    assert loaded[0].answered_at == datetime(2023, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    assert loaded[0].created_at == datetime(2023, 1, 1, 8, 0, 0, 1, tzinfo=UTC)
    assert all(c.assessment is found and not c._state.adding for c in loaded)
    assert [[getattr(c, name) for name in columns] for c in review_comments(assessment)] == as_stored
