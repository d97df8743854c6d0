"""The pages of one assessment, under /assessments/<id>/, in the `assessments` URL namespace: each feature lists its
own paths; the data-entry tabs come last because their `<slug:tab>/` path would shadow the others."""

from assessments.entry import urls as entry
from assessments.evidence import urls as evidence
from assessments.projects import urls as projects
from assessments.rectification import urls as rectification
from assessments.reports import urls as reports
from assessments.whatif import urls as whatif
from assessments.workbook import urls as workbook
from assessments.workflow import urls as workflow

app_name = "assessments"
urlpatterns = [
    *projects.urlpatterns,
    *evidence.urlpatterns,
    *workflow.urlpatterns,
    *workbook.urlpatterns,
    *reports.urlpatterns,
    *whatif.urlpatterns,
    *rectification.urlpatterns,
    *entry.urlpatterns,
]
