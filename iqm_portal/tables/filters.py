"""The filters of the portal's tables: django-filter FilterSets read from the query string.

Every table's toolbar is one FilterSet's form: the search box (``q``), the status and any other filter.
A value that names nothing (a status that is not one, a search that is only spaces) filters nothing: these
come from links people edit, so they are never an error.
"""

import django_filters
from django import forms
from django.db.models import QuerySet

from iqm_portal.query import name_or_id_filter, search_text


class SearchField(forms.CharField):
    """Search text as typed, trimmed, NUL characters dropped (see iqm_portal.query.search_text)."""

    def to_python(self, value):
        return search_text(super().to_python(value))


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class TableFilterSet(django_filters.FilterSet):
    """The base of every table's filters: ``q`` searches by name or ID.

    A table whose rows are searched otherwise overrides ``search``. Subclasses add their status and other
    filters as django-filter filters (a ChoiceFilter with ``empty_label="All statuses"``, …).
    """

    q = SearchFilter(
        method="filter_search",
        label="Search by name or ID",
        widget=forms.SearchInput(attrs={"placeholder": "Search by name or ID", "autocomplete": "off"}),
    )

    def filter_search(self, queryset, name, value):
        return self.search(queryset, value) if value else queryset

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        return name_or_id_filter(queryset, text)

    @property
    def active(self) -> bool:
        """Whether a filter of the toolbar narrows the rows (the empty table then says so, with a way to clear
        them). A hidden filter, chosen elsewhere on the page (a panel of types), does not count."""
        if not self.is_bound:
            return False
        self.form.is_valid()
        return any(
            value not in (None, "", [], ()) and not self.form.fields[name].widget.is_hidden
            for name, value in self.form.cleaned_data.items()
        )
