"""年度导出: the annual export of every unit's report as a ZIP, a combined PDF and an Excel summary.

Export tasks queued before this feature became a package were stored under the module path `assessments.exports`
(for example `assessments.exports.export_render_item`); the task worker loads a queued task by that path, so those
names still resolve here until the queue has drained."""

_MOVED_TASKS = ("export_render_item", "export_assemble")


def __getattr__(name: str):
    if name in _MOVED_TASKS:
        from assessments.exports import services

        return getattr(services, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
