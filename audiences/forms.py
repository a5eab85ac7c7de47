from django import forms


class AudienceEditForm(forms.Form):
    name = forms.CharField(max_length=255, label="Audience name")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class AudienceRenameForm(forms.Form):
    name = forms.CharField(max_length=255, label="Audience name")
