"""What the notices app adds to the pages of the apps below it: the Notice emails section of My Profile
(accounts/extensions.py)."""

from django.template.loader import render_to_string

from accounts.extensions import ProfileSection
from accounts.models import Role

from .forms import EmailPreferencesForm
from .models import EMAIL_BY_DEFAULT, KIND_ROLES, NoticeKind
from .selectors import email_preferences, notice_kinds_heard

SECTION_ID = "notice-emails"


def email_settings_section(*, request) -> ProfileSection:
    """An "Email me" per kind of notice, ticked as the user is emailed now (their choice, else their role's
    default); it saves through notices.views.email_settings."""

    def render() -> str:
        user = request.user
        form = EmailPreferencesForm(preferences=email_preferences(user=user))
        heard = notice_kinds_heard(user=user)
        rows = [
            {"field": form[kind.value], "heard": heard[kind], "only": _only_for(kind)} for kind in NoticeKind
        ]
        context = {
            "form": form,
            "rows": rows,
            "section_id": SECTION_ID,
            "default_roles": _role_names(EMAIL_BY_DEFAULT),
        }
        return render_to_string("notices/_email_settings.html", context, request=request)

    return ProfileSection(id=SECTION_ID, title="Notice emails", render=render)


def _only_for(kind: NoticeKind) -> str:
    roles = KIND_ROLES[kind]
    return "" if roles is None else _role_names(roles)


def _role_names(roles) -> str:
    names = [f"{Role(role).label.lower()}s" for role in Role.values if role in roles]
    return " and ".join(names)
