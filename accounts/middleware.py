from django.utils.functional import SimpleLazyObject

from .selectors import membership_get
from .services import SESSION_ORGANIZATION_KEY


def _current_membership(request):
    user = request.user
    if not user.is_authenticated:
        return None
    chosen = request.session.get(SESSION_ORGANIZATION_KEY)
    membership = membership_get(user=user, organization_id=chosen) if chosen else None
    # A session may name an organization the user has since left: fall back to their first one.
    return membership or membership_get(user=user)


class CurrentOrganizationMiddleware:
    """Sets ``request.membership`` and ``request.organization``: the organization the session works in.

    Resolved lazily, so requests that never look (static files, health checks) cost no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: _current_membership(request))
        request.organization = SimpleLazyObject(
            lambda: request.membership.organization if request.membership else None
        )
        return self.get_response(request)
