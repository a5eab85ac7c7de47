"""One object's history as the pages show it: a page of entries, newest first, filtered by kind.

The History tab of Audience Details and the History sections of a campaign's and an insertion order's pages
are this panel (templates/history/_panel.html). Its state is two query parameters, ``history_kind`` and
``history_page``. On a page of its own object (``page_path``) the panel keeps them in that page's URL, as
the tables keep theirs: its links are that URL, and an htmx answer replaces the address with it, so a
reload, a bookmark and Back to the page show the same entries (docs/history.md, "Where to read it").
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from urllib.parse import urlsplit

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict
from django.utils.safestring import SafeString

from iqm_portal.query import parse_id

from . import sentences
from .actors import ActorKind
from .kinds import KINDS, SUBJECTS, Kind
from .models import HistoryEntry
from .selectors import history_list

PAGE_SIZE = 20
KIND_PARAMETER = "history_kind"
PAGE_PARAMETER = "history_page"
ACTOR_KINDS = dict(ActorKind.CHOICES)


@dataclass(frozen=True)
class ShownEntry:
    """An entry as a page shows it: its sentence (names in italics) and, under it, the changed settings."""

    id: int
    occurred_at: datetime
    sentence: SafeString
    changes: list[tuple[str, str, str]]
    actor_kind: str
    actor_kind_label: str

    @classmethod
    def of(cls, entry: HistoryEntry) -> "ShownEntry":
        return cls(
            id=entry.pk,
            occurred_at=entry.occurred_at,
            sentence=sentences.html(entry, changes_apart=True),
            changes=sentences.changes(entry) if sentences.lists_changes(entry) else [],
            actor_kind=entry.actor_kind,
            actor_kind_label=ACTOR_KINDS.get(entry.actor_kind, entry.actor_kind),
        )


class HistoryPanel:
    """The entries of one object of the request's organization, for ``templates/history/_panel.html``.

    ``url`` answers the panel's htmx requests (its filter and its pages); ``page_path``, when the panel
    stands on its object's page, is that page's path, whose URL keeps the panel's state.
    """

    def __init__(
        self,
        request: HttpRequest,
        *,
        subject: str,
        object_id: int,
        url: str,
        dom_id: str,
        page_path: str = "",
    ) -> None:
        self.request = request
        self.subject = SUBJECTS[subject]
        self.object_id = object_id
        self.url = url
        self.dom_id = dom_id
        self.entries_id = f"{dom_id}-entries"
        self.page_path = page_path
        self.kinds: list[Kind] = [KINDS[key] for key in self.subject.kinds]
        chosen = request.GET.get(KIND_PARAMETER, "")
        # A kind the panel does not offer (an edited link) is read as every kind, never an error.
        self.kind: Kind | None = KINDS[chosen] if chosen in self.subject.kinds else None
        self.page_number = parse_id(request.GET.get(PAGE_PARAMETER, "")) or 1

    @cached_property
    def page(self) -> Page:
        """The page asked for (the last one if it asks past the end); two queries: the count, the rows."""
        entries = history_list(
            organization=self.request.organization,
            actions=self.kind.actions if self.kind else None,
            **{self.subject.field: self.object_id},
        )
        return Paginator(entries, PAGE_SIZE).get_page(self.page_number)

    @cached_property
    def entries(self) -> list[ShownEntry]:
        return [ShownEntry.of(entry) for entry in self.page]

    @property
    def kind_choices(self) -> list[tuple[str, str, bool]]:
        return [(kind.key, kind.label, kind is self.kind) for kind in self.kinds]

    @cached_property
    def _page_params(self) -> QueryDict:
        """The query of the page the panel stands on, less the panel's own: kept in the panel's links.

        Rendered with the page, it is the page's request; asked for by htmx, it is the address the browser
        shows (HX-Current-URL), when that is the object's page."""
        if not self.page_path:
            return QueryDict(mutable=True)
        params = self.request.GET.copy()
        if self.request.htmx:
            current = urlsplit(self.request.htmx.current_url or "")
            same_page = current.path == self.page_path
            params = QueryDict(current.query if same_page else "", mutable=True)
        for name in (KIND_PARAMETER, PAGE_PARAMETER):
            params.pop(name, None)
        return params

    @property
    def kept_params(self) -> list[tuple[str, str]]:
        """The page's other parameters, as hidden fields of the filter (a search without JavaScript)."""
        return [(name, value) for name, values in self._page_params.lists() for value in values]

    def _query(self, *, kind: Kind | None, page: int, base: QueryDict) -> str:
        params = base.copy()
        if kind:
            params[KIND_PARAMETER] = kind.key
        if page > 1:
            params[PAGE_PARAMETER] = str(page)
        return params.urlencode()

    def _link(self, page: int) -> dict:
        """A page of the panel: ``hx`` for htmx, ``href`` for a plain click (the object's page, if any)."""
        hx = self._query(kind=self.kind, page=page, base=QueryDict())
        href = self.page_url(page) if self.page_path else f"{self.url}?{hx}" if hx else self.url
        return {"hx": f"{self.url}?{hx}" if hx else self.url, "href": href}

    def page_url(self, page: int | None = None) -> str:
        """The object's page showing this panel's kind at ``page`` (the page shown by default)."""
        query = self._query(kind=self.kind, page=page or self.page.number, base=self._page_params)
        return f"{self.page_path}?{query}" if query else self.page_path

    @property
    def form_action(self) -> str:
        return self.page_path or self.url

    @property
    def newer(self) -> dict | None:
        return self._link(self.page.previous_page_number()) if self.page.has_previous() else None

    @property
    def older(self) -> dict | None:
        return self._link(self.page.next_page_number()) if self.page.has_next() else None
