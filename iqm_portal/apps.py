from django.contrib.admin import apps as admin_apps


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin app whose ``admin.site`` is the ops site, which asks staff for a second factor."""

    # Listed by its path in INSTALLED_APPS; the iqm_portal package itself keeps a plain AppConfig (Django
    # would take the one AppConfig of apps.py as the package's own otherwise).
    default = False
    default_site = "iqm_portal.admin_site.PortalAdminSite"
