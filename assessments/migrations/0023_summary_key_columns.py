"""The stored summaries' key in typed columns, one per input, in place of one text (assessments.stored_summaries,
summary_key_parts). Each stored line whose text key still matches its assessment's inputs gets those inputs in the
new columns, so that it stays fresh: a deploy of this migration makes no line stale that was not (at 20,000 units × 3
years, 60,000 lines computed again would take the first dashboard request minutes). A line whose key no longer
matches keeps empty columns and is computed again when it is next shown."""

from django.db import migrations, models
from django.db.models import CharField, F, FilteredRelation, Func, Q, Value
from django.db.models.functions import Cast, Coalesce, Left

STAFFING_FIELDS = ("staff_quota", "staff_actual", "staff_agency", "veteran_retirees", "retirees")
CODE_LENGTH = 16  # assessments.stored_summaries.code_version: the first 16 hex digits of a SHA-256
BATCH = 2000


class _Joined(Func):
    """The text key as assessments.summaries wrote it until this migration (frozen here): its parts joined by "|"."""

    arg_joiner = " || '|' || "
    template = "(%(expressions)s)"
    output_field = CharField()


def fill_key_columns(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    Summary = apps.get_model("assessments", "AssessmentSummary")
    sources = {
        "key_status": "status",
        "key_lock_version": "lock_version",
        "key_updated_at": "updated_at",
        "key_framework_version": "framework_version_id",
        **{f"key_{name}": f"year_staffing__{name}" for name in STAFFING_FIELDS},
    }
    code = Left(F("summary__key"), CODE_LENGTH)
    parts = [code, *(F(source) for source in sources.values())]
    keyed = (
        Assessment.objects.filter(summary__isnull=False)
        .annotate(year_staffing=FilteredRelation("unit__staffing", condition=Q(unit__staffing__year=F("year"))))
        .annotate(
            stored_code=code,
            rebuilt=_Joined(*(Coalesce(Cast(part, CharField()), Value("")) for part in parts)),
        )
        .filter(summary__key=F("rebuilt"))
        .order_by("pk")
        .values_list("pk", "stored_code", *sources.values())
    )
    connection = schema_editor.connection
    columns = ["key_code", *sources]
    fields = [Summary._meta.get_field(column) for column in columns]
    quote = connection.ops.quote_name
    update = (
        f"UPDATE {quote(Summary._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)}"
        f" WHERE {quote(Summary._meta.pk.column)} = %s"
    )
    # Read in full before writing: SQLite's cursor over a table is undefined while the table is written.
    rows = [
        [field.get_db_prep_value(value, connection) for field, value in zip(fields, values, strict=True)] + [pk]
        for pk, *values in keyed
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(update, rows[start : start + BATCH])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0022_fact_labels_from_vocabulary"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessmentsummary",
            name="key_code",
            field=models.CharField(blank=True, max_length=16, verbose_name="计算代码版本"),
        ),
        migrations.AddField(
            model_name="assessmentsummary",
            name="key_framework_version",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="计算时的指标体系版本"),
        ),
        migrations.AddField(
            model_name="assessmentsummary",
            name="key_lock_version",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="计算时的版本号"),
        ),
        migrations.AddField(
            model_name="assessmentsummary",
            name="key_retirees",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="计算时的退休人员"),
        ),
        migrations.AddField(
            model_name="assessmentsummary",
            name="key_staff_actual",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="计算时的实际在职人数"),
        ),
        migrations.AddField(
            model_name="assessmentsummary",
            name="key_staff_agency",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="计算时的编外人员数"),
        ),
        migrations.AddField(
            model_name="assessmentsummary",
            name="key_staff_quota",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="计算时的编制数"),
        ),
        migrations.AddField(
            model_name="assessmentsummary",
            name="key_status",
            field=models.CharField(blank=True, max_length=20, verbose_name="计算时的状态"),
        ),
        migrations.AddField(
            model_name="assessmentsummary",
            name="key_updated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="计算时的修改时间"),
        ),
        migrations.AddField(
            model_name="assessmentsummary",
            name="key_veteran_retirees",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="计算时的离休人员"),
        ),
        migrations.RunPython(fill_key_columns, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(
            model_name="assessmentsummary",
            name="key",
        ),
    ]
