from decimal import Decimal

from django import forms

from accounts.models import Organization
from audiences.selectors import audience_list
from iqm_portal.exceptions import ApplicationError

from .models import (
    DEFAULT_TIME_ZONE,
    IO_TIME_ZONES,
    BudgetType,
    CampaignStatus,
    CampaignType,
    InsertionOrderStatus,
    TargetingList,
)
from .selectors import campaign_list, insertion_order_list
from .services import campaign_name_check, campaign_status_choices, campaign_status_moves


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

    Used by the Audiences app (with the ticked audiences) and by an insertion order's page, where the IO is
    the page's and the form has no field for it. Whether the IO takes campaigns is the service's to say.
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
            del self.fields["insertion_order"]

    def clean_name(self) -> str:
        # Said early, beside the field; the service checks again on create (and a unique constraint after it).
        try:
            return campaign_name_check(organization=self.organization, name=self.cleaned_data["name"])
        except ApplicationError as error:
            raise forms.ValidationError(error.message, code=error.code) from error


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
    time_zone = forms.ChoiceField(choices=IO_TIME_ZONES, initial=DEFAULT_TIME_ZONE, label="Time zone")
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
            if instance.time_zone not in dict(IO_TIME_ZONES):
                # An IO keeps a zone the list no longer offers (the service accepts it unchanged).
                self.fields["time_zone"].choices = [*IO_TIME_ZONES, (instance.time_zone, instance.time_zone)]
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
    status = forms.ChoiceField(choices=CampaignStatus.choices, label="Status")
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
        # The select offers the current status and the moves the service allows from it; any status posted is
        # still read, so that the service, not the form, refuses a forbidden one, in its own words.
        self.fields["status"].widget.choices = campaign_status_choices(campaign.status)
        if not campaign_status_moves(campaign.status):
            self.fields["status"].disabled = True
            self.fields["status"].help_text = "Set by the system; it cannot be changed here."
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
