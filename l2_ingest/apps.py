from django.apps import AppConfig


class L2IngestConfig(AppConfig):
    name = "l2_ingest"
    verbose_name = "L2 transmissions"
