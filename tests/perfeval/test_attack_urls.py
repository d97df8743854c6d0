"""The crawl of bench/attack.py (make attack) reaches every named page of the project: a new page cannot be
missed by it silently."""

from django.urls import get_resolver, resolve

from bench.attack import Ids, crawl_urls, url_routes


def _every_url_name(resolver, namespace=""):
    """The names reverse() knows, read from the resolver's reverse tables rather than from its pattern list."""
    names = {namespace + key for key in resolver.reverse_dict if isinstance(key, str)}
    for inner_namespace, (_, inner) in resolver.namespace_dict.items():
        names |= _every_url_name(inner, f"{namespace}{inner_namespace}:")
    return names


IDS = Ids(
    assessments=[11, 12],
    units=[21],
    projects={31: 11, 32: 12},
    evidence={41: 11},
    jobs=[51],
    delegations=[61],
    admin_objects={"assessments_assessment": ["11"], "units_unit": ["21"]},
    app_labels=["assessments", "auth", "scoring", "units"],
    tabs=["basic", "score"],
    kinds=["zip", "pdf"],
)


def test_the_crawl_enumerates_every_url_name_of_the_project():
    names = {route.name for route in url_routes()}
    expected = _every_url_name(get_resolver())
    assert "assessments:tab" in expected and "admin:index" in expected
    assert names == expected, f"missed by the crawl: {sorted(expected - names)}"


def test_the_crawl_builds_an_address_of_every_route_that_resolves_back_to_it():
    crawled = crawl_urls(url_routes(), IDS)
    reached = {route.name for route, _, _ in crawled}
    assert reached == {route.name for route in url_routes()}
    for route, kwargs, path in crawled:
        match = resolve(path)
        assert match.view_name == route.name, path
        assert {k: str(v) for k, v in match.kwargs.items()} == {k: str(v) for k, v in kwargs.items()}


def test_a_project_is_also_tried_under_another_assessment_and_ids_that_do_not_exist():
    paths = {path for route, _, path in crawl_urls(url_routes(), IDS) if route.name == "assessments:project"}
    assert "/assessments/11/projects/31/" in paths  # its own
    assert "/assessments/11/projects/32/" in paths  # another assessment's project under this address
    assert any(path.startswith("/assessments/987654/") for path in paths)
    assert "/assessments/11/projects/987654/" in paths
