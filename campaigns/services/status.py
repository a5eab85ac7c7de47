"""Which status an advertiser may give a campaign, from which: the one table the services, API and pages read.

An advertiser moves a campaign between Draft and Pending while preparing it, and between Running and Paused
while it runs. Every other status is the system's: Running when a Pending campaign is approved, Expired past
its end date, Rejected by review (ops set these in the admin site). Deleted is what Delete does
(``campaign_delete``), never a status one sets. Keeping the current status is no move, and always accepted.
"""

from campaigns.models import CampaignStatus
from iqm_portal.exceptions import ApplicationError

S = CampaignStatus

CAMPAIGN_STATUS_MOVES: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.PENDING,),
    S.PENDING: (S.DRAFT,),
    S.RUNNING: (S.PAUSED,),
    S.PAUSED: (S.RUNNING,),
    S.EXPIRED: (),
    S.REJECTED: (),
    S.DELETED: (),
}

# A new campaign is a Draft, or may start where a Draft may be moved (so creating then moving is the same).
NEW_CAMPAIGN_STATUSES: tuple[str, ...] = (S.DRAFT, *CAMPAIGN_STATUS_MOVES[S.DRAFT])


def campaign_status_moves(current: str) -> tuple[str, ...]:
    """The statuses an advertiser may move a campaign to from ``current`` (none for an unknown one)."""
    return CAMPAIGN_STATUS_MOVES.get(current, ())


def campaign_status_choices(current: str) -> list[tuple[str, str]]:
    """The current status and the moves from it, in CampaignStatus's order: what a Status select offers."""
    offered = {current, *campaign_status_moves(current)}
    return [(value, label) for value, label in S.choices if value in offered]


def _label(status: str) -> str:
    return S(status).label if status in S.values else str(status)


def _a(label: str) -> str:
    return f"an {label}" if label[:1] in "AEIOU" else f"a {label}"


def _or(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"


# Why a status is not the advertiser's to set, for the refusal's message.
_SET_BY_SYSTEM = {
    S.RUNNING: "Running is set by the system when a Pending campaign is approved.",
    S.EXPIRED: "Expired is set by the system after the end date.",
    S.REJECTED: "Rejected is set by the system when a review refuses the campaign.",
    S.DELETED: "To delete the campaign, use Delete.",
}


def _refusal(current: str, new: str, moves: tuple[str, ...]) -> str:
    if moves:
        article = _a(_label(current))
        message = (
            f"{article[0].upper()}{article[1:]} campaign can be moved only to "
            f"{_or([_label(m) for m in moves])}, not to {_label(new)}."
        )
    else:
        message = f"The status of {_a(_label(current))} campaign cannot be changed."
    if new in _SET_BY_SYSTEM:
        message += f" {_SET_BY_SYSTEM[new]}"
    return message


def campaign_status_check(*, current: str, new: str) -> None:
    """Refuse a move the table does not allow, naming the moves that are (ApplicationError on ``status``)."""
    moves = campaign_status_moves(current)
    if new == current or new in moves:
        return
    raise ApplicationError(_refusal(current, new, moves), code="status_change_not_allowed", field="status")


def campaign_new_status_check(status: str) -> None:
    """Refuse a new campaign's status unless it is one a campaign may start in."""
    if status in NEW_CAMPAIGN_STATUSES:
        return
    raise ApplicationError(
        f"A new campaign starts as {_or([_label(s) for s in NEW_CAMPAIGN_STATUSES])}, not {_label(status)}.",
        code="status_change_not_allowed",
        field="status",
    )
