import pytest

from history import sentences
from history.actors import Actor
from history.models import HistoryAction
from history.services import Named, history_entry

ACTOR = Actor(kind="user", name="Maria Lopez", user_id=1)


def _entry(action, **kwargs):
    return history_entry(organization_id=1, actor=ACTOR, action=action, **kwargs)


@pytest.mark.parametrize(
    "entry, expected",
    [
        (
            _entry(
                HistoryAction.AUDIENCE_ADDED,
                audience=Named(1, "Ohio GOTV – Likely Dems"),
                campaign=Named(2, "Fall push"),
                details={"list": "Allowlist"},
            ),
            "Maria Lopez added “Ohio GOTV – Likely Dems” to the Allowlist of “Fall push”",
        ),
        (
            _entry(
                HistoryAction.AUDIENCE_CHANGED, audience=Named(1, "New"), changes={"name": ["Old", "New"]}
            ),
            "Maria Lopez renamed “Old” to “New”",
        ),
        (
            _entry(
                HistoryAction.CAMPAIGN_CHANGED,
                campaign=Named(2, "Fall push"),
                changes={"status": ["Draft", "Running"], "daily_budget": ["$10.00", "$20.00"]},
            ),
            "Maria Lopez changed “Fall push”: status Draft → Running; daily budget $10.00 → $20.00",
        ),
        (
            _entry(
                HistoryAction.VERSION_SWITCHED,
                audience=Named(1, "Likely Dems"),
                details={"voter_count": 1200, "previous_voter_count": 1000, "version": 2},
            ),
            "Maria Lopez put 1,200 voters in force in “Likely Dems”, version 2 (was 1,000)",
        ),
    ],
)
def test_entries_read_as_plain_sentences(entry, expected):
    assert sentences.text(entry) == expected


def test_names_are_escaped_and_in_italics_in_html():
    entry = _entry(HistoryAction.AUDIENCE_DELETED, audience=Named(1, "<b>Dems</b>"))
    assert sentences.html(entry) == "Maria Lopez deleted <em>&lt;b&gt;Dems&lt;/b&gt;</em>"
