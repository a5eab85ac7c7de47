"""The universe naming rules of the L2 contract: ``IQM_<account ID>_<segment name>``.

One function, :func:`parse_universe_name`, used by the endpoint (to refuse a bad name at once) and by the
worker (to route the universe), decides what is valid. :func:`account_id_in_name` only reads the account
ID a refused name evidently meant, so that its organization can be told of the refusal
(docs/l2-endpoint.md › Refused pushes); it never makes a name valid.
"""

import re
from dataclasses import dataclass

PREFIX = "IQM_"
MAX_ACCOUNT_DIGITS = 12
MAX_SEGMENT_LENGTH = 200

# Why a name is refused (UniverseNameError.reason), for those who word the refusal for their own readers.
EMPTY = "empty"
MISFORMATTED = "misformatted"  # brackets or other separators around an evident ID and segment
NO_PREFIX = "no_prefix"
NO_ACCOUNT_ID = "no_account_id"
ACCOUNT_ID_NOT_DIGITS = "account_id_not_digits"
ACCOUNT_ID_TOO_LONG = "account_id_too_long"
NO_SEGMENT = "no_segment"
SEGMENT_TOO_LONG = "segment_too_long"
SEGMENT_NOT_PRINTABLE = "segment_not_printable"

# IQM in any letter case, one separator, the account ID's digits (perhaps in brackets), then a separator or
# the end: the account ID a person evidently meant, in a valid name and in the mistakes people make with
# one (IQM_123456_, IQM_123456, iqm_123456_x, IQM_[123456]_[Seg], IQM-123456-Seg). Anything less evident
# (IQM_12a456_Seg, thirteen digits, no IQM) reads as no account ID.
_EVIDENT_ACCOUNT_ID = re.compile(rf"IQM[_\-\s.]\[?([0-9]{{1,{MAX_ACCOUNT_DIGITS}}})\]?(?:[_\-\s.]|\Z)", re.I)


@dataclass(frozen=True)
class UniverseName:
    account_id: str
    segment_name: str

    @property
    def account_number(self) -> int:
        return int(self.account_id)


class UniverseNameError(ValueError):
    """The name breaks a rule; the message says which and, where evident, how to fix it.

    ``reason`` is the rule broken (one of the constants above); ``corrected`` is the corrected name where
    it is evident, else empty.
    """

    code = "invalid_universe_name"

    def __init__(self, message: str, *, reason: str, corrected: str = ""):
        super().__init__(message)
        self.reason, self.corrected = reason, corrected


def _suggestion(name: str) -> tuple[str, str] | None:
    """(what to do, the corrected name), for the mistakes people actually make."""
    bracketed = re.fullmatch(r"(?i)IQM_\[(\d+)\]_\[(.+)\]", name)
    if bracketed:
        return "remove the brackets", f"IQM_{bracketed[1]}_{bracketed[2]}"
    separated = re.fullmatch(r"(?i)IQM[-\s.](\d+)[-\s.](.+)", name)
    if separated:
        return "use underscores", f"IQM_{separated[1]}_{separated[2]}"
    return None


def parse_universe_name(raw: str) -> UniverseName:
    name = (raw or "").strip()
    example = "IQM_123456_CustomSegment"
    if not name:
        raise UniverseNameError(
            f"The universe name is empty; name it IQM_<account ID>_<segment>, e.g. {example}.", reason=EMPTY
        )
    suggestion = _suggestion(name)
    if suggestion:
        advice, corrected = suggestion
        raise UniverseNameError(
            f"The universe name “{name}” does not follow IQM_<account ID>_<segment>; {advice}: {corrected}.",
            reason=MISFORMATTED,
            corrected=corrected,
        )
    if name[: len(PREFIX)].upper() != PREFIX:
        raise UniverseNameError(
            f"The universe name “{name}” must start with IQM_ followed by the account ID and the segment, "
            f"e.g. {example}.",
            reason=NO_PREFIX,
        )
    rest = name[len(PREFIX) :]
    account_id, separator, segment = rest.partition("_")
    if not account_id:
        raise UniverseNameError(
            f"The universe name “{name}” has no account ID after IQM_; put the ID shown under "
            "My Profile › Organizations there, e.g. {example}.".replace("{example}", example),
            reason=NO_ACCOUNT_ID,
        )
    if not account_id.isascii() or not account_id.isdigit():
        raise UniverseNameError(
            f"The account ID “{account_id}” in “{name}” must be digits only: the ID shown under "
            "My Profile › Organizations.",
            reason=ACCOUNT_ID_NOT_DIGITS,
        )
    if len(account_id) > MAX_ACCOUNT_DIGITS:
        raise UniverseNameError(
            f"The account ID “{account_id}” has {len(account_id)} digits; an IQM account ID has at most "
            f"{MAX_ACCOUNT_DIGITS}.",
            reason=ACCOUNT_ID_TOO_LONG,
        )
    if not separator or not segment:
        raise UniverseNameError(
            f"The universe name “{name}” has no segment name; add one after the account ID: "
            f"IQM_{account_id}_<segment>.",
            reason=NO_SEGMENT,
        )
    if len(segment) > MAX_SEGMENT_LENGTH:
        raise UniverseNameError(
            f"The segment name has {len(segment)} characters; keep it to {MAX_SEGMENT_LENGTH} or fewer.",
            reason=SEGMENT_TOO_LONG,
        )
    if not segment.isprintable():
        raise UniverseNameError(
            "The segment name contains a control character; use printable characters only.",
            reason=SEGMENT_NOT_PRINTABLE,
        )
    return UniverseName(account_id=account_id, segment_name=segment)


def account_id_in_name(raw: str) -> str | None:
    """The account ID a universe name evidently means (as written, leading zeros kept), valid or not; None
    when it names none evidently. For a valid name it is the parsed account ID."""
    evident = _EVIDENT_ACCOUNT_ID.match((raw or "").strip())
    return evident[1] if evident else None
