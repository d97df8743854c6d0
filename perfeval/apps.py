from axes import apps as axes_apps
from django.apps import AppConfig
from django_tasks_db import apps as tasks_apps


class PerfevalConfig(AppConfig):
    name = "perfeval"
    verbose_name = "绩效自评"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from perfeval.aggregates import register_sqlite_aggregates
        from perfeval.middleware import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="perfeval-idle-clock")
        connection_created.connect(register_sqlite_aggregates, dispatch_uid="perfeval-sqlite-aggregates")


class AxesConfig(axes_apps.AppConfig):
    """django-axes (the login lock-out) with a Chinese name in the admin site."""

    default = False  # perfeval's own app keeps PerfevalConfig
    verbose_name = "登录安全"


class TasksConfig(tasks_apps.TasksAppConfig):
    """django-tasks-db (the background tasks that render the annual export) with a Chinese name in the admin site."""

    default = False
    verbose_name = "后台任务"
