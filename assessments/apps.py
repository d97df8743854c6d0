from django.apps import AppConfig
from django.db.models.signals import post_migrate

GUARDS_MIGRATION = ("assessments", "0009_final_means_final_in_the_database")


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "绩效自评"

    def ready(self):
        from assessments import signals  # noqa: F401 - connects the login receiver

        post_migrate.connect(reinstall_final_guards, sender=self, dispatch_uid="assessments.final_guards")


def reinstall_final_guards(sender, using, **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds the table: put them back after every migrate (once
    their migration is applied; a database migrated back before it keeps none)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from assessments import frozen

    connection = connections[using]
    if GUARDS_MIGRATION in MigrationRecorder(connection).applied_migrations():
        frozen.install(connection)
