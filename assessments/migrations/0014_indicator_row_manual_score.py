from django.db import migrations, models

# Rule kinds whose score is the unit's input: their rows never need the 数据无法取得 choice.
SCORED_BY_HAND = ("manual", "qualitative")


def mark_hand_scored_rows(apps, schema_editor):
    """A framework indicator of a draft or in-review assessment that already carries a typed score was scored by hand
    because its data was missing: say so, so that the choice shows on the screen and the score is kept. Final
    assessments are frozen and left alone."""
    IndicatorRow = apps.get_model("assessments", "IndicatorRow")
    Indicator = apps.get_model("scoring", "Indicator")
    hand_scored = set(Indicator.objects.filter(rule_kind__in=SCORED_BY_HAND).values_list("version_id", "code"))
    by_code_anywhere = {}
    for code, kind in Indicator.objects.values_list("code", "rule_kind"):
        by_code_anywhere.setdefault(code, set()).add(kind in SCORED_BY_HAND)
    rows = (
        IndicatorRow.objects.filter(score__isnull=False, group_code="")
        .exclude(code="")
        .exclude(assessment__status="final")
        .select_related("assessment")
    )
    marked = []
    for row in rows:
        if row.project_id is None:
            if (row.assessment.framework_version_id, row.code) in hand_scored:
                continue
        elif by_code_anywhere.get(row.code, {True}) != {False}:
            continue  # a project framework's indicator: only where every framework scores that code by its rule
        row.manual = True
        marked.append(row)
    IndicatorRow.objects.bulk_update(marked, ["manual"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0013_finding_explanations_and_row_surveys"),
        ("scoring", "0001_frameworks"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicatorrow",
            name="manual",
            field=models.BooleanField(default=False, verbose_name="数据无法取得，人工评分"),
        ),
        migrations.RunPython(mark_hand_scored_rows, migrations.RunPython.noop),
    ]
