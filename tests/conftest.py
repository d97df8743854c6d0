"""Shared fixtures. Personas, as in the rest of the suite:
alice — preparer (填表人) of 甲单位; bob — group leader (评价组组长, read-only) of 甲单位;
dave — supervising-department reviewer, member of 甲单位's 主管部门; charlie — preparer of 乙单位, a stranger to 甲单位."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase

from perfeval.kept import Kept
from units.models import Membership, Region, Role, Staffing, Unit

# Hypothesis keeps the examples that failed in the working tree (.hypothesis/, ignored by git) and replays them first
# on the next run. CI (CI=true) runs derandomized — the examples follow from each test, the same on every machine, so a
# failure there replays anywhere (and needs no database) — and prints the blob that reproduces a failing example
# (@reproduce_failure).
EXAMPLES = DirectoryBasedExampleDatabase(Path(__file__).resolve().parent.parent / ".hypothesis" / "examples")
hypothesis_settings.register_profile("perfeval", database=EXAMPLES, print_blob=True)
hypothesis_settings.register_profile("ci", print_blob=True, derandomize=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "perfeval")


if os.environ.get("PERFEVAL_TEST_DB_TEMPLATE"):

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker):
        """A copy of an SQLite database migrated once, instead of migrating for every test session: mutation testing
        (make mutation) starts a session per mutant, and the migrations would take most of its time."""
        from django.db import connections

        handle, path = tempfile.mkstemp(prefix="perfeval-test-", suffix=".sqlite3")
        os.close(handle)
        shutil.copyfile(os.environ["PERFEVAL_TEST_DB_TEMPLATE"], path)
        connection = connections["default"]
        assert connection.vendor == "sqlite", "PERFEVAL_TEST_DB_TEMPLATE needs DATABASE_URL=sqlite:///…"
        with django_db_blocker.unblock():
            connection.close()
        connection.settings_dict["NAME"] = path
        yield
        with django_db_blocker.unblock():
            connection.close()
        os.unlink(path)


COMPILED_OR_KEPT = {
    "assessments.scores",
    "assessments.access",
    "assessments.selectors",
    "assessments.workflow.inbox",
    "assessments.forms",
}


@pytest.fixture(autouse=True)
def _engine_caches_cleared():
    """Each test starts with the engine's caches empty (the ``lru_cache`` of ``numbers`` and ``rules``), as a process
    would. Mutation testing needs it: mutmut runs a mutant's tests in a process forked from the one that ran the whole
    selection clean, so a cached answer (a deadline read from '三个工作日内') would skip the mutated code, and its
    mutants survived every test written for them. The score sheets ``assessments.scores`` keeps are dropped too, and
    the rate keys ``checks`` lists once per framework (a framework a test module builds at import was listed by the
    clean run, so the listing's mutants never ran for it)."""
    for name, module in list(sys.modules.items()):
        # assessments.scores keeps the score sheets it computed: a sheet of the clean run would hide a mutant too; and
        # assessments.access, assessments.selectors and assessments.workflow.inbox their compiled queries, built by
        # the clean run from the code a mutant changes; assessments.forms the rows it validated
        if (name.startswith("scoring.engine.") or name in COMPILED_OR_KEPT) and module:
            for value in vars(module).values():
                kept = callable(getattr(value, "cache_clear", None)) and not isinstance(value, type)
                if kept and (getattr(value, "__module__", None) == name or isinstance(value, Kept)):
                    value.cache_clear()
    checks = sys.modules.get("scoring.engine.checks")
    if checks is not None:
        checks._FRAMEWORK_RATES.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def region(db):
    province = Region.objects.create(code="430000", name="湖南省", level=Region.Level.PROVINCE)
    return Region.objects.create(code="430200", name="株洲市", level=Region.Level.CITY, parent=province)


@pytest.fixture
def department(region):
    return Unit.objects.create(code="D-001", name="甲主管部门", kind=Unit.Kind.DEPARTMENT, region=region)


@pytest.fixture
def unit(region, department):
    unit = Unit.objects.create(code="U-001", name="甲单位", parent=department, region=region, contact_phone="0731-1234")
    Staffing.objects.create(unit=unit, year=2022, staff_quota=26, staff_actual=25)
    return unit


@pytest.fixture
def other_unit(region):
    return Unit.objects.create(code="U-002", name="乙单位", region=region, contact_phone="0731-9999")


def _member(django_user_model, username, unit, role):
    user = django_user_model.objects.create_user(username=username, password="secret-pass-123")
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def alice(django_user_model, unit):
    return _member(django_user_model, "alice", unit, Role.PREPARER)


@pytest.fixture
def bob(django_user_model, unit):
    return _member(django_user_model, "bob", unit, Role.GROUP_LEADER)


@pytest.fixture
def dave(django_user_model, department):
    return _member(django_user_model, "dave", department, Role.SUPERVISOR)


@pytest.fixture
def root(django_user_model):
    """A superuser: sees every unit and may write everywhere."""
    return django_user_model.objects.create_superuser(username="root", password="secret-pass-123")


@pytest.fixture
def charlie(django_user_model, other_unit):
    return _member(django_user_model, "charlie", other_unit, Role.PREPARER)


@pytest.fixture
def frameworks(db):
    import io

    from django.core.management import call_command

    call_command("load_frameworks", stdout=io.StringIO())


@pytest.fixture
def assessment(frameworks, unit, alice):
    """甲单位's 2022 draft (Hunan layout: scored with mof-2020-selfeval), created by alice."""
    from assessments.services import assessment_create

    return assessment_create(unit=unit, year=2022, user=alice)


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_final_guards():
    """Transactional tests (live_server, transaction=True) empty the database with `flush` afterwards. PostgreSQL
    truncates, which row triggers do not see; SQLite deletes row by row, which the triggers that keep final
    assessments final refuse. The test database is emptied with the guards lifted, as maintenance would."""
    from django.core.management.commands import flush
    from django.db import connections

    original = flush.Command.handle

    def handle(self, **options):
        connection = connections[options.get("database") or "default"]
        if connection.vendor != "sqlite":
            return original(self, **options)
        from assessments import frozen

        with frozen.guards_lifted(connection):
            return original(self, **options)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original
