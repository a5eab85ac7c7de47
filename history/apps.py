from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "history"
    verbose_name = "History"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from accounts.models import Organization

        from .purge import allow_purge_of_organization

        pre_delete.connect(
            allow_purge_of_organization, sender=Organization, dispatch_uid="history_organization_purge"
        )
