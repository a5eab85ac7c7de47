from decimal import Decimal

from django import forms

from accounts.models import Organization
from audiences.selectors import audience_list

from .models import BudgetType, CampaignStatus, CampaignType, InsertionOrderStatus, TargetingList
from .selectors import campaign_list, insertion_order_list
from .services import campaign_name_available

# The time zones US political advertisers run in; an IO's dates are days in its time zone.
TIME_ZONES = [
    ("America/New_York", "Eastern (America/New_York)"),
    ("America/Chicago", "Central (America/Chicago)"),
    ("America/Denver", "Mountain (America/Denver)"),
    ("America/Phoenix", "Arizona (America/Phoenix)"),
    ("America/Los_Angeles", "Pacific (America/Los_Angeles)"),
    ("America/Anchorage", "Alaska (America/Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Pacific/Honolulu)"),
    ("UTC", "UTC"),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _money(label: str, *, required: bool = False, max_digits: int = 12) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=max_digits,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
    )


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

    def clean_name(self) -> str:
        # The same words as the service's, which checks again (and a unique constraint after it).
        name = self.cleaned_data["name"].strip()
        if name and not campaign_name_available(organization=self.organization, name=name):
            raise forms.ValidationError(
                f"A campaign named “{name}” already exists in this organization; choose another name."
            )
        return name


class InsertionOrderForm(forms.Form):
    """Create or edit an insertion order; its budget type is fixed once created."""

    name = forms.CharField(max_length=255, label="Insertion order name")
    start_date = forms.DateField(label="Start date", widget=DateInput())
    end_date = forms.DateField(label="End date", widget=DateInput())
    budget_type = forms.ChoiceField(
        choices=BudgetType.choices, initial=BudgetType.BUDGET, widget=forms.RadioSelect, label="Budget type"
    )
    budget_total = forms.DecimalField(
        label="Total budget or impressions",
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        help_text="Dollars for a budget IO, impressions for an impressions IO.",
    )
    time_zone = forms.ChoiceField(choices=TIME_ZONES, initial="America/New_York", label="Time zone")
    status = forms.ChoiceField(
        choices=[(InsertionOrderStatus.ACTIVE, "Active"), (InsertionOrderStatus.EXPIRED, "Expired")],
        required=False,
        label="Status",
    )

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "start_date": instance.start_date,
                    "end_date": instance.end_date,
                    "budget_type": instance.budget_type,
                    "budget_total": instance.budget_total,
                    "time_zone": instance.time_zone,
                    "status": instance.status,
                },
            )
        super().__init__(*args, **kwargs)
        if instance is None:
            del self.fields["status"]
        else:
            self.fields["budget_type"].disabled = True
            self.fields["budget_type"].help_text = "Fixed when the insertion order was created."

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance is not None:
            data.pop("budget_type", None)
            if not data.get("status"):
                data.pop("status", None)
        return data


class CampaignSettingsForm(forms.Form):
    """A campaign's settings on its edit page (its type is fixed once created)."""

    name = forms.CharField(max_length=255, label="Campaign name")
    status = forms.ChoiceField(
        choices=[c for c in CampaignStatus.choices if c[0] != CampaignStatus.DELETED], label="Status"
    )
    start_date = forms.DateField(label="Start date", widget=DateInput())
    end_date = forms.DateField(label="End date", widget=DateInput())
    daily_budget = _money("Daily budget ($)")
    total_budget = _money("Total budget ($)", max_digits=14)
    max_bid = _money("Max bid (CPM, $)", max_digits=8)

    FIELDS = ("name", "status", "start_date", "end_date", "daily_budget", "total_budget", "max_bid")

    def __init__(self, *args, campaign, **kwargs):
        self.campaign = campaign
        kwargs.setdefault("initial", {name: getattr(campaign, name) for name in self.FIELDS})
        super().__init__(*args, **kwargs)
        if campaign.status == CampaignStatus.DELETED:
            self.fields["status"].choices = CampaignStatus.choices
        io = campaign.insertion_order
        for name in ("start_date", "end_date"):
            self.fields[name].widget.attrs.update(
                min=f"{io.start_date:%Y-%m-%d}", max=f"{io.end_date:%Y-%m-%d}"
            )
        self.fields[
            "start_date"
        ].help_text = f"Within the insertion order: {io.start_date:%b %-d, %Y} – {io.end_date:%b %-d, %Y}."

    def changes(self) -> dict:
        """Only what changed, so saving an untouched form writes nothing."""
        return {name: self.cleaned_data[name] for name in self.FIELDS if name in self.changed_data}


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
