"""Export tasks already in the queue when the code moved keep their stored path: the worker still finds them."""

import pytest
from django_tasks_db.models import DBTaskResult

from assessments.exports import services


@pytest.mark.parametrize("name", ["export_render_item", "export_assemble"])
def test_a_task_queued_under_the_old_module_path_still_loads(name):
    queued = DBTaskResult(task_path=f"assessments.exports.{name}", backend_name="default", queue_name="default")
    assert queued.task.func is getattr(services, name).func


def test_an_unknown_name_in_the_old_module_is_still_an_error():
    import assessments.exports

    with pytest.raises(AttributeError):
        assessments.exports.export_everything  # noqa: B018
