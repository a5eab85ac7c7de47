"""Compare 2 or 3 audiences: how many voters are in each region of their Venn diagram, exactly.

The regions are counted in PostgreSQL over the audiences' current versions (``voter_store.overlap_counts``),
never in this process. An audience and its duplicate share one version: they are counted as one and
mapped back, so each still has its letter, and the regions that tell them apart hold no one.
"""

from collections import defaultdict
from dataclasses import dataclass

from iqm_portal.exceptions import ApplicationError

from .selectors import audience_list
from .voter_store import VersionMissing, overlap_counts

LETTERS = "ABC"
FEWEST, MOST = 2, 3
# A version pruned between reading which versions are current and counting them: read them again. A
# version is pruned only once another is current, so the second reading all but always finds them.
ATTEMPTS = 3


@dataclass(frozen=True)
class OverlapAudience:
    id: int
    name: str
    letter: str
    voters: int  # its current version's, the sum of the regions that hold it


@dataclass(frozen=True)
class OverlapRegion:
    """The voters in exactly these audiences, and in none of the others compared."""

    letters: str  # "A", "AB", "ABC"
    audience_ids: tuple[int, ...]
    voters: int
    label: str  # "Only in A", "A and B, not C", "In all three"


@dataclass(frozen=True)
class AudienceOverlap:
    audiences: list[OverlapAudience]
    regions: list[OverlapRegion]  # A, B, (C,) then AB, (AC, BC, ABC): one per part of the diagram
    union: int  # voters in any of them

    @property
    def union_label(self) -> str:
        return f"In {_listed([a.letter for a in self.audiences], 'or')} (union)"

    def region(self, letters: str) -> OverlapRegion:
        return next(region for region in self.regions if region.letters == letters)


def _listed(items: list[str], word: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def _label(letters: str, count: int) -> str:
    if len(letters) == 1:
        return f"Only in {letters}"
    if len(letters) == count:
        return "In both A and B" if count == 2 else "In all three"
    left_out = [letter for letter in LETTERS[:count] if letter not in letters]
    return f"{_listed(list(letters), 'and')}, not {_listed(left_out, 'or')}"


def _checked_ids(audience_ids) -> list[int]:
    ids = [int(pk) for pk in audience_ids]
    if not FEWEST <= len(ids) <= MOST:
        raise ApplicationError(f"Choose 2 or 3 audiences to compare, not {len(ids)}.", field="audience_ids")
    repeated = sorted({pk for pk in ids if ids.count(pk) > 1})
    if repeated:
        raise ApplicationError(
            f"List each audience once: ID {_listed([str(pk) for pk in repeated], 'and')} is there twice.",
            field="audience_ids",
        )
    return ids


def _audiences(organization, ids: list[int]) -> list[tuple[int, str, int]]:
    """(ID, name, current version) of each audience, in the order asked for, or the reason to refuse."""
    found = {
        pk: (name, version_id)
        for pk, name, version_id in audience_list(organization=organization)
        .filter(pk__in=ids)
        .values_list("pk", "name", "current_version_id")
    }
    # Another organization's audience is answered as one that does not exist.
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        plural = len(missing) > 1
        raise ApplicationError(
            f"No audience{'s' if plural else ''} with ID{'s' if plural else ''} {_listed(missing, 'or')} "
            "in this organization.",
            code="audience_not_found",
            field="audience_ids",
        )
    not_loaded = [f"“{found[pk][0]}”" for pk in ids if found[pk][1] is None]
    if not_loaded:
        one = len(not_loaded) == 1
        raise ApplicationError(
            f"{_listed(not_loaded, 'and')} {'has' if one else 'have'} no loaded voters yet; compare "
            f"{'it once it is' if one else 'them once they are'} Ready.",
            code="audience_not_loaded",
            status=409,
        )
    return [(pk, *found[pk]) for pk in ids]


def _regions(audiences: list[tuple[int, str, int]]) -> dict[str, int]:
    """Voters by the letters of the audiences they are in (each combination present, 0 or more)."""
    versions = list(dict.fromkeys(version_id for _, _, version_id in audiences))
    by_version_mask = overlap_counts(versions)
    regions: dict[str, int] = defaultdict(int)
    for mask, voters in by_version_mask.items():
        letters = "".join(
            LETTERS[index]
            for index, (_, _, version_id) in enumerate(audiences)
            if mask & 1 << versions.index(version_id)
        )
        regions[letters] += voters
    return regions


def _counted(organization, ids: list[int]) -> tuple[list[tuple[int, str, int]], dict[str, int]]:
    for _ in range(ATTEMPTS):
        audiences = _audiences(organization, ids)
        try:
            return audiences, _regions(audiences)
        except VersionMissing:
            continue  # an audience has a newer version by now: read which again
    raise ApplicationError(
        "The audiences changed while they were being compared; compare them again.",
        code="audiences_changed",
        status=409,
    )


def _combinations(count: int) -> list[str]:
    letters = LETTERS[:count]
    masks = sorted(range(1, 1 << count), key=lambda mask: (bin(mask).count("1"), mask))
    return ["".join(letters[i] for i in range(count) if mask & 1 << i) for mask in masks]


def audience_overlap(*, organization, audience_ids) -> AudienceOverlap:
    """The exact regions of 2 or 3 of the organization's audiences, each audience with its letter (A, B,
    C in the order given) and its voters, and their union.

    Refused: fewer or more audiences, one listed twice, an ID the organization has no audience with (another
    organization's included), and an audience without loaded voters (not loaded yet, still processing
    its first load, failed, or awaiting approval before any load).
    """
    ids = _checked_ids(audience_ids)
    audiences, counts = _counted(organization, ids)
    regions = [
        OverlapRegion(
            letters=letters,
            audience_ids=tuple(audiences[LETTERS.index(letter)][0] for letter in letters),
            voters=counts.get(letters, 0),
            label=_label(letters, len(ids)),
        )
        for letters in _combinations(len(ids))
    ]
    return AudienceOverlap(
        audiences=[
            OverlapAudience(
                id=pk,
                name=name,
                letter=LETTERS[index],
                voters=sum(r.voters for r in regions if LETTERS[index] in r.letters),
            )
            for index, (pk, name, _) in enumerate(audiences)
        ],
        regions=regions,
        union=sum(r.voters for r in regions),
    )
