"""A query compiled once per shape (perfeval.compiled) loads exactly what the query built and compiled anew would, and
a shape whose SQL depends on its values is never bound."""

import pytest
from django.http import Http404

from assessments import access
from assessments.access import get_assessment_for_user
from assessments.entry.views import TAB_READS
from assessments.models import Assessment
from assessments.selectors import with_texts
from assessments.services import assessment_create
from perfeval.compiled import CompiledQuery

SHAPES = sorted({(), (with_texts,), *TAB_READS.values()}, key=len)


def loaded(instance, depth=0) -> dict:
    """Everything an instance carries from its query — fields, annotations, and the related instances select_related
    brought, each the same way — for comparing two loads."""
    values = {name: value for name, value in vars(instance).items() if name != "_state"}
    if depth < 4:
        for name, related in instance._state.fields_cache.items():
            values[f"→{name}"] = None if related is None else loaded(related, depth + 1)
    return values


@pytest.fixture
def two_years(assessment, unit, alice):
    """甲单位's 2022 draft and the 2021 one before it (what `with_year_before` reads)."""
    return assessment, assessment_create(unit=unit, year=2021, user=alice)


@pytest.mark.parametrize(
    "shape", SHAPES, ids=lambda shape: "+".join(getattr(r, "__name__", "year_before") for r in shape)
)
def test_every_page_shape_loads_what_the_query_built_anew_loads(shape, two_years, alice, bob, dave, root):
    for user in (alice, bob, dave, root):
        for wanted in two_years:
            bound, writable = get_assessment_for_user(user, wanted.pk, shape)
            (built,) = access._loading(shape, user, wanted.pk)
            built.year_staffing = getattr(built, "year_staffing", None)
            assert bound.pk == wanted.pk
            assert loaded(bound) == loaded(built)
            assert writable is built.user_may_write
    assert all(access._loader(shape, superuser).usable for superuser in (True, False))


def test_the_user_and_the_assessment_are_bound_on_every_use(two_years, alice, dave, charlie):
    this_year, last_year = two_years
    assert get_assessment_for_user(alice, last_year.pk)[0].year == 2021
    assert get_assessment_for_user(alice, this_year.pk) == (this_year, True)
    assert get_assessment_for_user(dave, this_year.pk) == (this_year, False)  # 主管部门: reads, does not write
    with pytest.raises(Http404):
        get_assessment_for_user(charlie, this_year.pk)  # the same shape, bound to a stranger
    assert get_assessment_for_user(alice, this_year.pk)[0] == this_year


@pytest.mark.parametrize("wanted", [2**31, 2**63, -(2**63) - 1, "", "12a", None])
def test_an_id_no_row_can_have_is_not_found_without_asking_the_database(wanted, assessment, alice):
    with pytest.raises(Http404):
        get_assessment_for_user(alice, wanted)


def test_an_id_given_as_text_loads_like_the_number(assessment, alice):
    assert get_assessment_for_user(alice, str(assessment.pk)) == (assessment, True)


def test_a_shape_whose_sql_depends_on_a_value_is_not_bound(db):
    # As many parameters as the value says: the SQL itself differs from one value to the next.
    varying = CompiledQuery(lambda user: Assessment.objects.filter(pk__in=range(user % 3 + 1)), ("user",))
    assert not varying.usable
    with pytest.raises(ValueError):
        varying.load(user=1)


def test_a_shape_with_another_parameter_that_depends_on_a_value_is_not_bound(db):
    # Same SQL, but a parameter other than the value's own changes with it.
    derived = CompiledQuery(lambda user: Assessment.objects.filter(pk=user, unit_id=user + 2), ("user",))
    assert derived.slots is None and not derived.usable


def test_a_shape_that_compiles_to_no_rows_for_a_stand_in_is_not_bound(db):
    # A year is a small positive number: Django compiles the condition away for a stand-in, so the SQL is not the one
    # a real value gets.
    emptied = CompiledQuery(lambda user: Assessment.objects.filter(year=user), ("user",))
    assert not emptied.usable


def test_a_value_that_shows_up_twice_is_bound_in_both_places(assessment, alice):
    once = CompiledQuery(lambda user: Assessment.objects.filter(pk=user, unit_id__gte=-5), ("user",))
    assert once.usable and once.slots == {"user": [once.params.index(-2_000_000_001)]}
    both = CompiledQuery(lambda user: Assessment.objects.filter(pk=user).exclude(pk__lt=user), ("user",))
    assert both.usable and len(both.slots["user"]) == 2
    assert both.load(user=assessment.pk) == [assessment]


def test_a_queryset_that_is_not_of_model_instances_is_not_bound(db):
    values = CompiledQuery(lambda user: Assessment.objects.filter(pk=user).values("pk"), ("user",))
    assert values.slots is not None and not values.usable
    prefetching = CompiledQuery(lambda user: Assessment.objects.filter(pk=user).prefetch_related("rows"), ("user",))
    assert not prefetching.usable


def test_a_bound_query_counts_as_one_query(assessment, alice, django_assert_num_queries):
    get_assessment_for_user(alice, assessment.pk, (with_texts,))  # compiled here
    with django_assert_num_queries(1):
        get_assessment_for_user(alice, assessment.pk, (with_texts,))


def test_once_compiled_the_query_is_not_built_again(assessment, alice, monkeypatch):
    get_assessment_for_user(alice, assessment.pk, (with_texts,))  # compiled here

    def built(*args):
        raise AssertionError("the loading query was built again")

    monkeypatch.setattr(access, "_loading", built)
    assert get_assessment_for_user(alice, assessment.pk, (with_texts,)) == (assessment, True)


def test_a_shape_that_cannot_be_bound_is_built_and_checked_as_before(two_years, alice, dave, charlie, monkeypatch):
    class NotBound:
        usable = False

    monkeypatch.setattr(access, "_loader", lambda reads, superuser: NotBound())
    this_year, last_year = two_years
    assert get_assessment_for_user(alice, this_year.pk, (with_texts,)) == (this_year, True)
    assert get_assessment_for_user(dave, last_year.pk) == (last_year, False)
    with pytest.raises(Http404):
        get_assessment_for_user(charlie, this_year.pk)


def test_an_id_in_the_columns_range_is_asked_of_the_database_and_one_outside_is_not(
    assessment, alice, monkeypatch, django_assert_num_queries
):
    """The range is the primary key column's, as the database reports it (SQLite reports none; PostgreSQL's bigint):
    its bounds themselves are ids a row may have."""
    from django.db import connections

    ops = connections[Assessment.objects.db].ops
    asked = []
    monkeypatch.setattr(ops, "integer_field_range", lambda internal_type: asked.append(internal_type) or (-10, 10))
    for inside in (-10, 10):
        with django_assert_num_queries(1), pytest.raises(Http404):
            get_assessment_for_user(alice, inside)
    for outside in (-11, 11):
        with django_assert_num_queries(0), pytest.raises(Http404):
            get_assessment_for_user(alice, outside)
    assert set(asked) == {Assessment._meta.pk.get_internal_type()}


def test_the_converters_are_worked_out_once_and_convert_every_load(assessment, alice, monkeypatch):
    """A compiled query keeps its columns' converters (the JSON fields' decoders among them): the second load asks
    Django for none, and still decodes what each load reads."""
    from django.db.models.sql.compiler import SQLCompiler

    from assessments.models import IndicatorRow

    IndicatorRow.objects.create(assessment=assessment, code="甲", name="甲", answers={"a": "是"}, position=0)
    asked = []
    original = SQLCompiler.get_converters
    monkeypatch.setattr(SQLCompiler, "get_converters", lambda self, e: (asked.append(1), original(self, e))[1])
    query = CompiledQuery(
        lambda assessment: IndicatorRow.objects.filter(assessment=assessment, code="甲"), ("assessment",)
    )
    first = query.load(assessment=assessment.pk)
    after_first = len(asked)
    IndicatorRow.objects.filter(assessment=assessment, code="甲").update(answers={"a": "否", "b": [1, 2]})
    second = query.load(assessment=assessment.pk)
    assert after_first >= 1 and len(asked) == after_first
    assert [row.answers for row in first] == [{"a": "是"}]
    assert [row.answers for row in second] == [{"a": "否", "b": [1, 2]}]
    assert loaded(second[0]) == loaded(IndicatorRow.objects.get(pk=second[0].pk))
