"""The Celery application shared by the worker and beat.

Configuration lives in the settings module under the ``CELERY_`` prefix. Tasks acknowledge late and are
rejected back to the queue when their worker dies, so a crash never eats a transmission; every task is
idempotent because that means a task may run twice.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iqm_portal.settings")

app = Celery("iqm_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
