from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Organizations and members"


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin app whose ``admin.site`` is the ops site, which asks staff for a second factor."""

    # Listed by its path in INSTALLED_APPS; AccountsConfig stays this package's own AppConfig.
    default = False
    default_site = "accounts.admin_site.PortalAdminSite"
