from django.apps import AppConfig


class PerfevalConfig(AppConfig):
    name = "perfeval"
    verbose_name = "绩效自评"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from perfeval.middleware import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="perfeval-idle-clock")
