import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iqm_portal.settings")

application = get_wsgi_application()

# What start-up made lives as long as the process: frozen, it is left out of every full garbage collection,
# which then walks only what requests made (measured: the slowest bulk changes were full collections).
gc.freeze()
