"""Final means final in the database too: triggers refuse every change to a final assessment, whatever path it takes
(queryset.update, bulk writes, raw SQL, the admin). Its row may only leave the final state (the administrator's
reopen, which the workflow audits), its parts and sign-offs are frozen, and a snapshot is never changed, deleted, or
added to an assessment that is already final. The models refuse the same writes earlier, with a Chinese message.

SQLite drops a table's triggers when a migration rebuilds the table, so the triggers are (re)installed after every
migrate (`post_migrate`, idempotent) as well as by their migration."""

from contextlib import contextmanager

from django.db import connection as default_connection
from django.db import transaction

MESSAGE = "这份自评已定稿，不能修改；如需修改，请管理员先重新开启。"
# Tables whose rows belong to one assessment and are part of its final record.
PARTS = [
    "assessments_facts",
    "assessments_institution",
    "assessments_specialfund",
    "assessments_project",
    "assessments_indicatorrow",
    "assessments_narrativesection",
    "assessments_evidence",
    "assessments_evaluationmember",
    "assessments_signoff",
    "assessments_rescore",
    "assessments_findingexplanation",  # the 提示及说明 the signed report prints
]
FINAL = "(SELECT status FROM assessments_assessment WHERE id = {row}.assessment_id) = 'final'"


def _postgresql(forward: bool, parts) -> list[str]:
    if not forward:
        return [
            *(f"DROP TRIGGER IF EXISTS perfeval_final_part ON {table};" for table in parts),
            "DROP TRIGGER IF EXISTS perfeval_final_assessment ON assessments_assessment;",
            "DROP TRIGGER IF EXISTS perfeval_snapshot_frozen ON assessments_snapshot;",
            "DROP FUNCTION IF EXISTS perfeval_final_part();",
            "DROP FUNCTION IF EXISTS perfeval_final_assessment();",
            "DROP FUNCTION IF EXISTS perfeval_snapshot_frozen();",
        ]
    return [
        f"""
        CREATE OR REPLACE FUNCTION perfeval_final_part() RETURNS trigger AS $$
        BEGIN
            IF (TG_OP <> 'INSERT' AND EXISTS (
                    SELECT 1 FROM assessments_assessment WHERE id = OLD.assessment_id AND status = 'final'))
               OR (TG_OP <> 'DELETE' AND EXISTS (
                    SELECT 1 FROM assessments_assessment WHERE id = NEW.assessment_id AND status = 'final')) THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql;
        """,
        *(
            f"CREATE OR REPLACE TRIGGER perfeval_final_part BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION perfeval_final_part();"
            for table in parts
        ),
        f"""
        CREATE OR REPLACE FUNCTION perfeval_final_assessment() RETURNS trigger AS $$
        BEGIN
            IF OLD.status = 'final' AND (TG_OP = 'DELETE' OR NEW.status = 'final') THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql;
        """,
        "CREATE OR REPLACE TRIGGER perfeval_final_assessment BEFORE UPDATE OR DELETE ON assessments_assessment "
        "FOR EACH ROW EXECUTE FUNCTION perfeval_final_assessment();",
        f"""
        CREATE OR REPLACE FUNCTION perfeval_snapshot_frozen() RETURNS trigger AS $$
        BEGIN
            IF TG_OP <> 'INSERT' OR EXISTS (
                    SELECT 1 FROM assessments_assessment WHERE id = NEW.assessment_id AND status = 'final') THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql;
        """,
        "CREATE OR REPLACE TRIGGER perfeval_snapshot_frozen BEFORE INSERT OR UPDATE OR DELETE ON assessments_snapshot "
        "FOR EACH ROW EXECUTE FUNCTION perfeval_snapshot_frozen();",
    ]


def _sqlite(forward: bool, parts) -> list[str]:
    names = [f"perfeval_final_{table}_{event}" for table in parts for event in ("insert", "update", "delete")]
    names += ["perfeval_final_assessment_update", "perfeval_final_assessment_delete"]
    names += [f"perfeval_snapshot_{event}" for event in ("insert", "update", "delete")]
    if not forward:
        return [f"DROP TRIGGER IF EXISTS {name};" for name in names]
    abort = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
    statements = []
    for table in parts:
        statements += [
            f"CREATE TRIGGER perfeval_final_{table}_insert BEFORE INSERT ON {table} "
            f"WHEN {FINAL.format(row='NEW')} {abort}",
            f"CREATE TRIGGER perfeval_final_{table}_update BEFORE UPDATE ON {table} "
            f"WHEN {FINAL.format(row='OLD')} OR {FINAL.format(row='NEW')} {abort}",
            f"CREATE TRIGGER perfeval_final_{table}_delete BEFORE DELETE ON {table} "
            f"WHEN {FINAL.format(row='OLD')} {abort}",
        ]
    statements += [
        "CREATE TRIGGER perfeval_final_assessment_update BEFORE UPDATE ON assessments_assessment "
        f"WHEN OLD.status = 'final' AND NEW.status = 'final' {abort}",
        f"CREATE TRIGGER perfeval_final_assessment_delete BEFORE DELETE ON assessments_assessment "
        f"WHEN OLD.status = 'final' {abort}",
        f"CREATE TRIGGER perfeval_snapshot_insert BEFORE INSERT ON assessments_snapshot "
        f"WHEN {FINAL.format(row='NEW')} {abort}",
        f"CREATE TRIGGER perfeval_snapshot_update BEFORE UPDATE ON assessments_snapshot {abort}",
        f"CREATE TRIGGER perfeval_snapshot_delete BEFORE DELETE ON assessments_snapshot {abort}",
    ]
    return statements


def statements(vendor: str, *, forward: bool = True, parts=tuple(PARTS)) -> list[str]:
    return {"postgresql": _postgresql, "sqlite": _sqlite}.get(vendor, lambda forward, parts: [])(forward, parts)


def _existing_parts(connection) -> list[str]:
    """The parts whose tables exist: a migration before a part's table was created installs the others (the
    triggers are installed again after every migrate, apps.py)."""
    present = set(connection.introspection.table_names())
    return [table for table in PARTS if table in present]


def install(connection=default_connection) -> None:
    """Create or replace the triggers (idempotent)."""
    parts = _existing_parts(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in statements("sqlite", forward=False, parts=parts):
                cursor.execute(statement)
        for statement in statements(connection.vendor, parts=parts):
            cursor.execute(statement)


def remove(connection=default_connection) -> None:
    parts = _existing_parts(connection)
    with connection.cursor() as cursor:
        for statement in statements(connection.vendor, forward=False, parts=parts):
            cursor.execute(statement)


@contextmanager
def guards_lifted(connection=default_connection):
    """Only for maintenance that rebuilds whole data sets (the scale benchmark's reset), never for application
    code: the triggers are removed inside one transaction and put back before it commits."""
    with transaction.atomic(using=connection.alias):
        remove(connection)
        try:
            yield
        finally:
            install(connection)
