"""List the 整改事项 of assessments that were final before the items existed (a new finalisation lists them itself).
Idempotent: an assessment whose report's pairs are already listed gets nothing new, so running it again is harmless."""

from django.core.management.base import BaseCommand
from django.db import transaction

from assessments.models import Assessment
from assessments.rectification.services import rectification_items_create


class Command(BaseCommand):
    help = (
        "Create the rectification items (整改事项) of every final assessment from its report's problems and measures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="只处理这一年度的自评")

    def handle(self, *args, year=None, **options):
        finals = Assessment.objects.filter(status=Assessment.Status.FINAL).select_related("unit").order_by("year", "pk")
        if year is not None:
            finals = finals.filter(year=year)
        assessments = items = 0
        for assessment in finals.iterator():
            with transaction.atomic():
                created = rectification_items_create(assessment=assessment)
            if created:
                assessments += 1
                items += len(created)
        self.stdout.write(f"{finals.count():,} 份已定稿自评，为其中 {assessments:,} 份新列出整改事项 {items:,} 项。")
