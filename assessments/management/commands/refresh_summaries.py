"""Bring every stored assessment summary up to date. The dashboard does this itself for what it shows; run
this after a deploy that changes the scoring code, or after loading many assessments, so that no dashboard request
has thousands of summaries to compute."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments.models import Assessment, AssessmentSummary
from assessments.stored_summaries import refresh_summaries


class Command(BaseCommand):
    help = "Compute the stored summary of every assessment whose inputs changed since it was stored."

    def handle(self, *args, **options):
        started, since = time.perf_counter(), timezone.now()
        lines = refresh_summaries(Assessment.objects.all())
        computed = AssessmentSummary.objects.filter(computed_at__gte=since).count()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{len(lines):,} 份自评，其中 {computed:,} 份的概要已重新计算，用时 {elapsed:.1f} 秒。")
