from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The platform every app stands on: API conventions, problem documents, outages, health."""

    name = "iqm_portal"
    verbose_name = "Portal"
