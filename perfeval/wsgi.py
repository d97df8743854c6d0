import os

from django.core.wsgi import get_wsgi_application

from perfeval.runtime import tune_gc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfeval.settings")
application = get_wsgi_application()
tune_gc()
