from django.apps import AppConfig


class L2IngestConfig(AppConfig):
    name = "l2_ingest"
    verbose_name = "L2 transmissions"

    def ready(self) -> None:
        from audiences.notices import audience_notice_provider_register

        from .panels import pending_refresh_notices

        audience_notice_provider_register(pending_refresh_notices)
