"""The parts of an assessment every page reads (its indicator rows, projects, institutions and special funds; with
last year's open assessment, its parts in the same query) load through a query compiled once per process
(selectors._part_query): exactly what the query built anew loads, in the same order, bound to the ids of each use."""

from decimal import Decimal

import pytest

from assessments import selectors
from assessments.models import IndicatorRow, Institution, Project, SpecialFund
from assessments.selectors import LAST_YEAR_PARTS, PARTS, assessment_data
from assessments.services import assessment_create
from tests.perfeval.test_compiled import loaded

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years(assessment, unit, alice):
    """甲单位's 2022 draft and its 2021 one, each with rows of every part, and another unit's rows beside them."""
    prior = assessment_create(unit=unit, year=2021, user=alice)
    for target, budget in ((assessment, "120.50"), (prior, "99.00")):
        project = Project.objects.create(assessment=target, name=f"项目{target.year}", position=1)
        IndicatorRow.objects.create(assessment=target, group_code="quantity", name="三级指标", position=100)
        IndicatorRow.objects.create(assessment=target, project=project, name="项目指标", position=1)
        Institution.objects.create(assessment=target, name=f"本级{target.year}", position=2)
        Institution.objects.create(assessment=target, name=f"下属{target.year}", position=1)
        SpecialFund.objects.create(assessment=target, name="专项", budget=Decimal(budget), position=1)
    return assessment, prior


def _compared(found: list, built) -> None:
    built = list(built)
    assert [row.pk for row in found] == [row.pk for row in built]  # the same rows, in the same order
    assert [loaded(row) for row in found] == [loaded(row) for row in built]


@pytest.fixture
def other_units(other_unit, charlie):
    other = assessment_create(unit=other_unit, year=2022, user=charlie)
    IndicatorRow.objects.create(assessment=other, group_code="quantity", name="乙的指标", position=100)
    Institution.objects.create(assessment=other, name="乙本级", position=1)
    return other


def test_every_part_loads_what_the_query_built_anew_loads(two_years, other_units):
    this_year, last_year = two_years
    for name in PARTS:
        for wanted in (*two_years, other_units):
            _compared(selectors._read(name, wanted, None), selectors._part(name, assessment=wanted.pk))
        assert selectors._part_query(name, False).usable
    for name, (_, only) in LAST_YEAR_PARTS.items():
        found = selectors._read(name, this_year, last_year)
        assert {row.assessment_id for row in found} == {this_year.pk}
        _compared(
            found + last_year.read_with_this_year[name],
            selectors._part(name, assessment=this_year.pk, prior=last_year.pk),
        )
        assert not only or all(row.project_id is None for row in last_year.read_with_this_year[name])
        assert selectors._part_query(name, True).usable


def test_a_page_reads_the_same_data_when_the_parts_are_built_anew(two_years, monkeypatch):
    this_year, _ = two_years
    bound = assessment_data(this_year)

    class NotBound:
        usable = False

    monkeypatch.setattr(selectors, "_part_query", lambda name, with_prior: NotBound())
    anew = assessment_data(this_year)
    for name in ("institutions", "special_funds", "rows", "projects"):
        assert [loaded(row) for row in getattr(bound, name)] == [loaded(row) for row in getattr(anew, name)], name


def test_each_part_is_one_query_compiled_once(two_years, django_assert_num_queries, monkeypatch):
    this_year, last_year = two_years
    selectors._read("institutions", this_year, None)
    wanted = [row.name for row in selectors._part("institutions", assessment=last_year.pk)]
    monkeypatch.setattr(selectors, "_part", lambda *args, **kwargs: pytest.fail("built again"))
    with django_assert_num_queries(1):
        found = selectors._read("institutions", last_year, None)
    assert [row.name for row in found] == wanted
    assert wanted[-2:] == ["下属2021", "本级2021"]  # by position
