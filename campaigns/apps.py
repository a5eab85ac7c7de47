from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"

    def ready(self) -> None:
        from audiences import extensions
        from audiences.signals import audience_versions_switched

        from . import panels, receivers

        extensions.audience_use_provider_register(panels.campaign_uses)
        extensions.audience_selection_action_provider_register(panels.targeting_actions)
        audience_versions_switched.connect(
            receivers.refresh_reach_of_switched_audiences, dispatch_uid="campaigns.reach_on_version_switch"
        )
