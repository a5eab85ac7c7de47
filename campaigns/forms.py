from django import forms

from accounts.models import Organization

from .models import CampaignType, InsertionOrderStatus
from .selectors import insertion_order_list


class CampaignCreateForm(forms.Form):
    """Create Campaign: insertion order, a name unique in the organization, and the campaign type.

    Used by the Audiences app (with the ticked audiences) and by an insertion order's page (IO fixed).
    """

    insertion_order = forms.ModelChoiceField(queryset=None, empty_label="Choose an insertion order")
    name = forms.CharField(max_length=255, label="Campaign name")
    campaign_type = forms.ChoiceField(
        choices=CampaignType.choices, initial=CampaignType.ADVANCED, label="Campaign type"
    )

    def __init__(self, *args, organization: Organization, insertion_order=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["insertion_order"].queryset = insertion_order_list(organization=organization).filter(
            status=InsertionOrderStatus.ACTIVE
        )
        if insertion_order is not None:
            self.fields["insertion_order"].initial = insertion_order.pk
            self.fields["insertion_order"].widget = forms.HiddenInput()
