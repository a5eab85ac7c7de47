from .selectors import membership_list


def current_organization(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_membership": request.membership,
        "current_organization": request.organization,
        "user_memberships": membership_list(user=user),
    }
