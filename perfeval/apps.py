from django.apps import AppConfig


class PerfevalConfig(AppConfig):
    name = "perfeval"
    verbose_name = "绩效自评"
