from django.apps import AppConfig


class L2IngestConfig(AppConfig):
    name = "l2_ingest"
    verbose_name = "L2 transmissions"

    def ready(self) -> None:
        from audiences import extensions

        from . import panels

        extensions.audience_notice_provider_register(panels.pending_refresh_notices)
        extensions.audience_load_progress_provider_register(panels.load_progress)
        extensions.audience_feed_provider_register(panels.transmission_feeds)
