"""Time of the report PDF (issue #6: a 10-page report in ≤ 2.5 s).

    .venv/bin/python bench/report_pdf.py            # ROUNDS=7 by default

It builds a throwaway SQLite database (BENCH_DB, default /tmp/perfeval_bench_report.db) with the demo data, gives the
株洲 demo assessment (Hunan layout: narrative, 附件1-1, 1-2 and one 附件1-3 per project) one more project so its report
runs to at least 10 pages, then renders the PDF in one process as the download view does (context, template,
WeasyPrint, gc between renders) and prints the page count and the median / best / worst seconds. The first render of
a process (font loading) is reported separately.
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfeval.settings")
BENCH_DB = os.getenv("BENCH_DB", "/tmp/perfeval_bench_report.db")
os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DB}"
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

ROUNDS = int(os.getenv("ROUNDS", "7"))


def build():
    from assessments.models import Assessment, IndicatorRow, Project

    Path(BENCH_DB).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    assessment = Assessment.objects.get(unit__code="430200-101")
    source = Project.objects.filter(assessment=assessment).order_by("position", "pk").first()
    rows = list(IndicatorRow.objects.filter(project=source))
    copy = Project.objects.get(pk=source.pk)
    copy.pk, copy.name, copy.position = None, f"{source.name}（二期）", 9
    copy.save()
    for row in rows:
        row.pk, row.project = None, copy
    IndicatorRow.objects.bulk_create(rows)
    return assessment.pk


def pages(pdf: bytes) -> int:
    """The page count, read back by poppler's pdfinfo."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def chromium_times(html: str, css: str, rounds: int) -> list[float]:
    """Headless Chromium (Debian's, through Playwright) printing the same HTML with the same stylesheet inlined:
    one browser and one page kept open, so the times are warm like WeasyPrint's."""
    from playwright.sync_api import sync_playwright

    document = html.replace("</head>", f"<style>{css}</style></head>", 1)
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page()
        for index in range(rounds + 1):
            started = time.perf_counter()
            page.set_content(document)
            pdf = page.pdf(format="A4", prefer_css_page_size=True)
            if index:  # the first print starts the renderer and loads the fonts
                times.append(time.perf_counter() - started)
        browser.close()
    if OUT:
        (OUT / "report-chromium.pdf").write_bytes(pdf)
    return times


OUT = Path(os.environ["OUT"]) if os.getenv("OUT") else None


def run():
    from assessments.models import Assessment
    from assessments.reports.render import render_report_pdf

    pk = build() if not os.getenv("REUSE_DB") else None
    pk = pk or Assessment.objects.get(unit__code="430200-101").pk

    def load():
        return Assessment.objects.select_related(
            "unit__region__parent__parent", "unit__parent", "framework_version__framework"
        ).get(pk=pk)

    started = time.perf_counter()
    pdf = render_report_pdf(load())
    first = time.perf_counter() - started
    # As in a web process (perfeval/wsgi.py): the tuned collector, and request_finished once the response is out.
    from django.core.signals import request_finished

    from perfeval.runtime import tune_gc

    tune_gc()
    times, cpu = [], []
    for _ in range(ROUNDS):
        started, started_cpu = time.perf_counter(), time.process_time()
        pdf = render_report_pdf(load())
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        request_finished.send(sender=None)
    count = pages(pdf)
    median = statistics.median(times)
    if OUT:
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "report.pdf").write_bytes(pdf)
    if os.getenv("CHROMIUM"):
        from django.contrib.staticfiles import finders

        from assessments.reports.render import render_report_html

        html = render_report_html(load(), for_pdf=True)
        chromium = chromium_times(html, Path(finders.find("css/report.css")).read_text(), ROUNDS)
        print(
            f"Chromium, same HTML, {ROUNDS} prints: median {statistics.median(chromium):.2f} s, "
            f"best {min(chromium):.2f} s; WeasyPrint / Chromium = {median / statistics.median(chromium):.2f}"
        )
    print(f"report: {count} pages, {len(pdf) / 1024:.0f} KiB")
    print(f"first render (cold, fonts loaded): {first:.2f} s")
    print(f"{ROUNDS} renders: median {median:.2f} s, best {min(times):.2f} s, worst {max(times):.2f} s")
    print(f"CPU time of a render (this process): median {statistics.median(cpu):.2f} s, best {min(cpu):.2f} s")
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"per page: {median / count:.3f} s; target ≤ 2.5 s for 10 pages: {'met' if median <= 2.5 else 'NOT met'}")


if __name__ == "__main__":
    run()
