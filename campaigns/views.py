from django.db.models import Count
from django.shortcuts import render

from accounts.permissions import organization_required

from .selectors import insertion_order_list


@organization_required
def home(request):
    """Campaigns home: the organization's insertion orders."""
    insertion_orders = insertion_order_list(organization=request.organization).annotate(
        campaign_count=Count("campaigns")
    )
    return render(request, "campaigns/home.html", {"insertion_orders": insertion_orders})
