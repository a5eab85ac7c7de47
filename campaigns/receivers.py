"""What the Campaigns app does when an app below it publishes an event (connected in ``apps.py``)."""

from .services import campaign_reach_refresh_on_commit


def refresh_reach_of_switched_audiences(sender, *, audience_ids, **kwargs) -> None:
    """A new version of these audiences is current: the campaigns that target them get new reach figures."""
    campaign_reach_refresh_on_commit(audience_ids=audience_ids)
