"""The universe naming rules of the L2 contract: ``IQM_<account ID>_<segment name>``.

One function, :func:`parse_universe_name`, used by the endpoint (to refuse a bad name at once) and by the
worker (to route the universe).
"""

import re
from dataclasses import dataclass

PREFIX = "IQM_"
MAX_ACCOUNT_DIGITS = 12
MAX_SEGMENT_LENGTH = 200


@dataclass(frozen=True)
class UniverseName:
    account_id: str
    segment_name: str

    @property
    def account_number(self) -> int:
        return int(self.account_id)


class UniverseNameError(ValueError):
    """The name breaks a rule; the message says which and, where evident, how to fix it."""

    code = "invalid_universe_name"


def _suggestion(name: str) -> str | None:
    """A corrected name, for the mistakes people actually make."""
    bracketed = re.fullmatch(r"(?i)IQM_\[(\d+)\]_\[(.+)\]", name)
    if bracketed:
        return f"remove the brackets: IQM_{bracketed[1]}_{bracketed[2]}"
    separated = re.fullmatch(r"(?i)IQM[-\s.](\d+)[-\s.](.+)", name)
    if separated:
        return f"use underscores: IQM_{separated[1]}_{separated[2]}"
    return None


def parse_universe_name(raw: str) -> UniverseName:
    name = (raw or "").strip()
    example = "IQM_123456_CustomSegment"
    if not name:
        raise UniverseNameError(
            f"The universe name is empty; name it IQM_<account ID>_<segment>, e.g. {example}."
        )
    suggestion = _suggestion(name)
    if suggestion:
        raise UniverseNameError(
            f"The universe name “{name}” does not follow IQM_<account ID>_<segment>; {suggestion}."
        )
    if name[: len(PREFIX)].upper() != PREFIX:
        raise UniverseNameError(
            f"The universe name “{name}” must start with IQM_ followed by the account ID and the segment, "
            f"e.g. {example}."
        )
    rest = name[len(PREFIX) :]
    account_id, separator, segment = rest.partition("_")
    if not account_id:
        raise UniverseNameError(
            f"The universe name “{name}” has no account ID after IQM_; put the ID shown under "
            "My Profile › Organizations there, e.g. {example}.".replace("{example}", example)
        )
    if not account_id.isascii() or not account_id.isdigit():
        raise UniverseNameError(
            f"The account ID “{account_id}” in “{name}” must be digits only: the ID shown under "
            "My Profile › Organizations."
        )
    if len(account_id) > MAX_ACCOUNT_DIGITS:
        raise UniverseNameError(
            f"The account ID “{account_id}” has {len(account_id)} digits; an IQM account ID has at most "
            f"{MAX_ACCOUNT_DIGITS}."
        )
    if not separator or not segment:
        raise UniverseNameError(
            f"The universe name “{name}” has no segment name; add one after the account ID: "
            f"IQM_{account_id}_<segment>."
        )
    if len(segment) > MAX_SEGMENT_LENGTH:
        raise UniverseNameError(
            f"The segment name has {len(segment)} characters; keep it to {MAX_SEGMENT_LENGTH} or fewer."
        )
    if not segment.isprintable():
        raise UniverseNameError(
            "The segment name contains a control character; use printable characters only."
        )
    return UniverseName(account_id=account_id, segment_name=segment)
