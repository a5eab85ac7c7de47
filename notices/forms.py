from django import forms

from .models import NoticeKind


class EmailPreferencesForm(forms.Form):
    """My Profile › Notice emails: one "Email me" checkbox per kind of notice."""

    prefix = "email"

    def __init__(self, *args, preferences: dict[str, bool], **kwargs):
        super().__init__(*args, initial=preferences, **kwargs)
        for kind in NoticeKind:
            self.fields[kind.value] = forms.BooleanField(
                required=False,
                label=kind.label,
                # Each box's label says "Email me"; its name says about what.
                widget=forms.CheckboxInput(attrs={"aria-label": f"Email me: {kind.label}"}),
            )

    def changes(self, preferences: dict[str, bool]) -> dict[str, bool]:
        """The kinds whose choice differs from what the user gets now. A kind left at its default stays
        unset, so that it keeps following the user's role if the role changes."""
        return {kind: email for kind, email in self.cleaned_data.items() if email != preferences[kind]}
