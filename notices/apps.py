from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Notices"

    def ready(self) -> None:
        from accounts.extensions import profile_section_provider_register

        from . import panels

        # My Profile shows the Notice emails section (docs/architecture.md, "Extension points").
        profile_section_provider_register(panels.email_settings_section)
