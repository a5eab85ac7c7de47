from django.shortcuts import render

from accounts.permissions import organization_required

from .models import AudienceType
from .selectors import audience_list_with_usage, audience_type_counts


@organization_required
def home(request):
    """Audiences home: the panel of audience types with counts, and the Segmented Audience table."""
    organization = request.organization
    counts = audience_type_counts(organization=organization)
    types = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in AudienceType.choices
    ]
    audiences = audience_list_with_usage(organization=organization).filter(
        audience_type=AudienceType.SEGMENTED
    )
    return render(
        request,
        "audiences/home.html",
        {"types": types, "total": sum(counts.values()), "audiences": audiences[:50]},
    )
