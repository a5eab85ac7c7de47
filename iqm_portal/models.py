"""Models of the platform itself: what every app's pages share."""

from django.conf import settings
from django.db import models


class TablePreference(models.Model):
    """The optional columns one user chose to see in one table of the portal."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="table_preferences"
    )
    # The table's stable key (PortalTable.key), e.g. "campaigns.insertion_orders".
    table = models.CharField(max_length=100)
    # Names of the optional columns shown, in no particular order; the table decides their order.
    columns = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "table"], name="table_preference_one_per_user_and_table")
        ]

    def __str__(self) -> str:
        return f"{self.table} for user {self.user_id}"
