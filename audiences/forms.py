from django import forms

from accounts.models import Organization
from campaigns.models import TargetingList
from campaigns.selectors import campaign_list, insertion_order_list

from .selectors import audience_list


class AudienceEditForm(forms.Form):
    name = forms.CharField(max_length=255, label="Audience name")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class _AudiencesField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=None, widget=forms.MultipleHiddenInput, **kwargs)


class AddToCampaignForm(forms.Form):
    """Add the ticked audiences to chosen campaigns, or to every campaign of an insertion order."""

    audience = _AudiencesField(error_messages={"required": "Tick at least one audience in the table."})
    campaign = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.MultipleHiddenInput)
    insertion_order = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="— none —",
        label="Or an insertion order (all its campaigns)",
    )
    list_type = forms.ChoiceField(
        choices=TargetingList.choices,
        widget=forms.RadioSelect,
        initial=TargetingList.ALLOWLIST,
        label="Add to the",
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = audience_list(organization=organization)
        self.fields["campaign"].queryset = campaign_list(organization=organization)
        self.fields["insertion_order"].queryset = insertion_order_list(organization=organization).order_by(
            "name"
        )

    def clean(self):
        data = super().clean()
        if not data.get("campaign") and not data.get("insertion_order"):
            self.add_error("campaign", "Choose at least one campaign, or an insertion order.")
        return data
