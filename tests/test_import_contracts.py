"""The import contracts of pyproject.toml hold, and each one fails when a module breaks it: the real import graph
with one forbidden import added is checked by the same contract classes `lint-imports` runs."""

import tomllib
from pathlib import Path

import grimp
import pytest
from importlinter.configuration import configure
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract

from tests.contracts import NoCycles, StandardLibraryOnly, ViewsOnlyFromUrls

ROOT = Path(__file__).resolve().parents[1]
configure()  # the contract classes read their timer and printer from import-linter's settings
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in CONFIG["contracts"]}
TYPES = {
    "layers": LayersContract,
    "forbidden": ForbiddenContract,
    "stdlib_only": StandardLibraryOnly,
    "acyclic": NoCycles,
    "views_from_urls": ViewsOnlyFromUrls,
}


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*CONFIG["root_packages"], include_external_packages=True)


def _check(graph, contract_id: str) -> bool:
    options = {key: value for key, value in CONTRACTS[contract_id].items() if key not in ("id", "name", "type")}
    contract = TYPES[CONTRACTS[contract_id]["type"]](
        name=CONTRACTS[contract_id]["name"], session_options=CONFIG, contract_options=options
    )
    return contract.check(graph, verbose=False).kept


@pytest.mark.parametrize("contract_id", sorted(CONTRACTS))
def test_the_code_keeps_every_contract(graph, contract_id):
    assert _check(graph, contract_id)


@pytest.mark.parametrize(
    ("contract_id", "importer", "imported"),
    [
        ("layers", "assessments.models.assessment", "assessments.workflow.services"),  # the models reach up
        ("layers", "assessments.entry.views", "assessments.projects.services"),  # sibling features
        ("layers", "assessments.selectors", "assessments.tabs"),  # a core read reaching a core write
        ("units-below-assessments", "units.models", "assessments.models"),
        ("engine-stdlib", "scoring.engine.rules", "django.db"),
        ("engine-stdlib", "scoring.engine.numbers", "yaml"),
        ("no-cycles", "perfeval.widgets", "perfeval.templatetags.perfeval"),
        ("views-from-urls", "assessments.workbook.build", "assessments.entry.views"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(contract_id, importer, imported):
    broken = grimp.build_graph(*CONFIG["root_packages"], include_external_packages=True)
    if imported not in broken.modules:
        broken.add_module(imported.split(".")[0], is_squashed=True)
        imported = imported.split(".")[0]
    broken.add_import(importer=importer, imported=imported)
    assert not _check(broken, contract_id)
