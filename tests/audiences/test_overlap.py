"""Compare 2 or 3 audiences: the regions of their Venn diagram, against a brute-force count in Python sets,
how they are counted in PostgreSQL, and what is refused, with two organizations."""

import re

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiences import overlap as overlap_module
from audiences import voter_store
from audiences.models import AudienceStatus
from audiences.overlap import audience_overlap
from audiences.services import audience_duplicate
from history.actors import SYSTEM
from iqm_portal.exceptions import ApplicationError
from tests.campaigns.conftest import load_members
from tests.factories import AudienceFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

# Small voter keys from one state: lists overlap a lot, as real ones do.
member_sets = st.sets(st.integers(min_value=1, max_value=60), max_size=40)


def brute_force(sets: list[set[int]]) -> dict[str, int]:
    """Voters by the letters of the sets they are in, counted one by one."""
    regions: dict[str, int] = {}
    for voter in set().union(*sets):
        letters = "".join("ABC"[i] for i, members in enumerate(sets) if voter in members)
        regions[letters] = regions.get(letters, 0) + 1
    return regions


def loaded(organization, keys, **fields):
    audience = AudienceFactory(organization=organization, **fields)
    load_members(audience, keys)
    return audience


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    versions=st.lists(member_sets, min_size=1, max_size=3),
    picks=st.lists(st.integers(min_value=0, max_value=2), min_size=2, max_size=3),
    split=st.booleans(),
)
def test_the_regions_are_exactly_those_of_the_members(db, monkeypatch, versions, picks, split):
    """2 or 3 audiences on 1 to 3 versions: two audiences on one version are a duplicate and its original."""
    # Cut the key space into ranges even for these few rows, as for millions, half of the time.
    monkeypatch.setattr(voter_store, "REACH_SPLIT_ABOVE_ROWS", 0 if split else 10**12)
    organization = OrganizationFactory()
    originals = [loaded(organization, keys) for keys in versions]
    audiences, sets = [], []
    for pick in picks:
        index = pick % len(versions)
        original = originals[index]
        # The second audience on a version is a duplicate of the first: the same members, never copied.
        audiences.append(
            original if original not in audiences else audience_duplicate(actor=SYSTEM, audience=original)
        )
        sets.append(set(versions[index]))

    result = audience_overlap(organization=organization, audience_ids=[a.pk for a in audiences])

    expected = brute_force(sets)
    assert {r.letters: r.voters for r in result.regions} == {
        r.letters: expected.get(r.letters, 0) for r in result.regions
    }
    assert len(result.regions) == 2 ** len(audiences) - 1
    assert result.union == len(set().union(*sets))
    assert [(a.id, a.letter, a.voters) for a in result.audiences] == [
        (a.pk, "ABC"[i], len(sets[i])) for i, a in enumerate(audiences)
    ]


def test_two_audiences_each_region_in_words(org_a):
    likely = loaded(org_a, range(1, 901), name="Likely Dem voters")
    voted = loaded(org_a, range(801, 1001), name="Already voted")

    result = audience_overlap(organization=org_a, audience_ids=[likely.pk, voted.pk])

    assert [(r.letters, r.label, r.voters, r.audience_ids) for r in result.regions] == [
        ("A", "Only in A", 800, (likely.pk,)),
        ("B", "Only in B", 100, (voted.pk,)),
        ("AB", "In both A and B", 100, (likely.pk, voted.pk)),
    ]
    assert [(a.name, a.letter, a.voters) for a in result.audiences] == [
        ("Likely Dem voters", "A", 900),
        ("Already voted", "B", 200),
    ]
    assert (result.union, result.union_label) == (1000, "In A or B (union)")


def test_three_audiences_each_region_in_words_and_the_order_given_names_them(org_a):
    a = loaded(org_a, [1, 2, 3, 4, 7])
    b = loaded(org_a, [2, 4, 5, 7, 8])
    c = loaded(org_a, [3, 4, 6, 7, 8, 9])

    result = audience_overlap(organization=org_a, audience_ids=[c.pk, a.pk, b.pk])

    assert [a.letter for a in result.audiences] == ["A", "B", "C"]
    assert [x.id for x in result.audiences] == [c.pk, a.pk, b.pk]
    assert [(r.letters, r.label, r.voters) for r in result.regions] == [
        ("A", "Only in A", 2),  # 6, 9: in c only
        ("B", "Only in B", 1),  # 1
        ("C", "Only in C", 1),  # 5
        ("AB", "A and B, not C", 1),  # 3
        ("AC", "A and C, not B", 1),  # 8
        ("BC", "B and C, not A", 1),  # 2
        ("ABC", "In all three", 2),  # 4, 7
    ]
    assert (result.union, result.union_label) == (9, "In A, B or C (union)")


def test_a_duplicate_and_its_original_are_the_same_voters(org_a):
    original = loaded(org_a, range(1, 11))
    other = loaded(org_a, range(6, 21))
    copy = audience_duplicate(actor=SYSTEM, audience=original)
    assert copy.current_version_id == original.current_version_id

    result = audience_overlap(organization=org_a, audience_ids=[original.pk, copy.pk, other.pk])

    assert {r.letters: r.voters for r in result.regions} == {
        "A": 0, "B": 0, "C": 10, "AB": 5, "AC": 0, "BC": 0, "ABC": 5,
    }  # fmt: skip
    assert [a.voters for a in result.audiences] == [10, 10, 15] and result.union == 20
    alone = audience_overlap(organization=org_a, audience_ids=[original.pk, copy.pk])
    assert [r.voters for r in alone.regions] == [0, 0, 10]


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (1, "Choose 2 or 3 audiences to compare, not 1."),
        (4, "Choose 2 or 3 audiences to compare, not 4."),
        (0, "Choose 2 or 3 audiences to compare, not 0."),
    ],
)
def test_two_or_three_audiences_are_compared(org_a, ids, message):
    audiences = [loaded(org_a, [n]) for n in range(ids)]
    with pytest.raises(ApplicationError) as refused:
        audience_overlap(organization=org_a, audience_ids=[a.pk for a in audiences])
    assert (refused.value.message, refused.value.field, refused.value.status) == (
        message,
        "audience_ids",
        400,
    )


def test_an_audience_listed_twice_is_refused(org_a):
    a, b = loaded(org_a, [1]), loaded(org_a, [2])
    with pytest.raises(ApplicationError) as refused:
        audience_overlap(organization=org_a, audience_ids=[a.pk, b.pk, a.pk])
    assert refused.value.message == f"List each audience once: ID {a.pk} is there twice."
    assert refused.value.status == 400


def test_another_organizations_audience_is_one_that_does_not_exist(org_a, org_b):
    ours = loaded(org_a, [1, 2])
    theirs = loaded(org_b, [1, 2, 3], name="Their secret list")
    missing = theirs.pk + 1000

    answers = []
    for other in (theirs.pk, missing):
        with pytest.raises(ApplicationError) as refused:
            audience_overlap(organization=org_a, audience_ids=[ours.pk, other])
        answers.append(refused.value)

    assert [e.message for e in answers] == [
        f"No audience with ID {theirs.pk} in this organization.",
        f"No audience with ID {missing} in this organization.",
    ]
    assert {(e.code, e.status) for e in answers} == {("audience_not_found", 400)}
    # Their own organization compares it.
    other = loaded(org_b, [3, 4])
    assert audience_overlap(organization=org_b, audience_ids=[theirs.pk, other.pk]).union == 4


@pytest.mark.parametrize(
    "status", [AudienceStatus.PROCESSING, AudienceStatus.FAILED, AudienceStatus.AWAITING_APPROVAL]
)
def test_an_audience_without_loaded_voters_is_refused_by_name(org_a, status):
    ready = loaded(org_a, [1, 2], name="Early voters")
    waiting = AudienceFactory(organization=org_a, name="Hamilton movers", status=status, voter_count=None)

    with pytest.raises(ApplicationError) as refused:
        audience_overlap(organization=org_a, audience_ids=[ready.pk, waiting.pk])

    assert refused.value.message == "“Hamilton movers” has no loaded voters yet; compare it once it is Ready."
    assert (refused.value.code, refused.value.status) == ("audience_not_loaded", 409)


def test_every_audience_without_voters_is_named(org_a):
    ready = loaded(org_a, [1, 2])
    first = AudienceFactory(organization=org_a, name="First", status=AudienceStatus.PROCESSING)
    second = AudienceFactory(organization=org_a, name="Second", status=AudienceStatus.FAILED)
    with pytest.raises(ApplicationError) as refused:
        audience_overlap(organization=org_a, audience_ids=[first.pk, ready.pk, second.pk])
    assert (
        refused.value.message
        == "“First” and “Second” have no loaded voters yet; compare them once they are Ready."
    )


def test_an_audience_awaiting_approval_with_voters_loaded_is_compared(org_a):
    held = loaded(org_a, [1, 2, 3])
    held.status = AudienceStatus.AWAITING_APPROVAL
    held.save()
    other = loaded(org_a, [3, 4])
    assert audience_overlap(organization=org_a, audience_ids=[held.pk, other.pk]).union == 4


def test_a_version_pruned_while_counting_is_looked_up_again(org_a, monkeypatch):
    a, b = loaded(org_a, range(1, 6)), loaded(org_a, range(4, 9))
    counted = voter_store.overlap_counts
    calls = []

    def switched_meanwhile(versions):
        calls.append(list(versions))
        if len(calls) == 1:  # a new version of A becomes current, and the one we read is pruned
            load_members(a, range(1, 21))
            raise voter_store.VersionMissing("pruned")
        return counted(versions)

    monkeypatch.setattr(overlap_module, "overlap_counts", switched_meanwhile)
    first_version = a.current_version_id

    result = audience_overlap(organization=org_a, audience_ids=[a.pk, b.pk])

    a.refresh_from_db()
    assert calls == [[first_version, b.current_version_id], [a.current_version_id, b.current_version_id]]
    assert [r.voters for r in result.regions] == [15, 0, 5] and result.union == 20


def test_versions_pruned_again_and_again_end_in_a_refusal(org_a, monkeypatch):
    a, b = loaded(org_a, [1]), loaded(org_a, [2])

    def always_pruned(versions):
        raise voter_store.VersionMissing("pruned")

    monkeypatch.setattr(overlap_module, "overlap_counts", always_pruned)
    with pytest.raises(ApplicationError) as refused:
        audience_overlap(organization=org_a, audience_ids=[a.pk, b.pk])
    assert (refused.value.code, refused.value.status) == ("audiences_changed", 409)


@pytest.mark.django_db(transaction=True)  # pruning detaches CONCURRENTLY: outside any transaction
def test_a_pruned_version_is_reported_by_the_store(org_a):
    kept, gone = loaded(org_a, range(1, 4)), loaded(org_a, range(2, 6))
    voter_store.discard_version_rows(gone.current_version_id)
    with pytest.raises(voter_store.VersionMissing):
        voter_store.overlap_counts([kept.current_version_id, gone.current_version_id])
    assert voter_store.overlap_counts([kept.current_version_id]) == {1: 3}


def test_the_store_takes_1_to_3_distinct_versions(org_a):
    a = loaded(org_a, [1])
    for versions in ([], [a.current_version_id] * 2, [a.current_version_id, 2, 3, 4]):
        with pytest.raises(ValueError):
            voter_store.overlap_counts(versions)


def _plan_nodes(sql: str, params: list[int]) -> set[str]:
    settings = voter_store.OVERLAP_PLAN_SETTINGS
    with transaction.atomic(), connection.cursor() as cursor, voter_store._merge_plan(cursor, settings):
        cursor.execute("EXPLAIN (COSTS OFF) " + sql, params)
        lines = [row[0].strip() for row in cursor.fetchall()]
    nodes = [lines[0], *(line.removeprefix("->").strip() for line in lines if line.startswith("->"))]
    return {re.split(r" using | on ", node)[0] for node in nodes}


def test_overlap_is_planned_as_merge_joins_of_index_ordered_reads(org_a):
    audiences = [loaded(org_a, keys) for keys in (range(1, 80), range(40, 120), range(60, 130))]
    versions = [a.current_version_id for a in audiences]

    for ranges in ([(None, None)], [(None, 50), (50, 90), (90, None)]):
        for chosen in (versions, versions[:2]):
            nodes = _plan_nodes(*voter_store._overlap_query(chosen, ranges))
            assert {"Merge Full Join", "Index Only Scan"} <= nodes, nodes
            assert len(chosen) == 2 or "Merge Left Join" in nodes or "Merge Right Join" in nodes, nodes
            unwanted = {
                "Sort",
                "Hash",
                "Hash Join",
                "HashAggregate",
                "Nested Loop",
                "Seq Scan",
                "Materialize",
            }
            assert not nodes & unwanted, nodes
            assert not any(node.startswith("Parallel Index") for node in nodes), nodes


def test_the_settings_that_shape_the_plan_end_with_the_count(org_a):
    a, b = loaded(org_a, [1, 2]), loaded(org_a, [2, 3])
    names = list(voter_store.OVERLAP_PLAN_SETTINGS)

    def current() -> tuple:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
            return cursor.fetchone()

    before = current()
    assert voter_store.overlap_counts([a.current_version_id, b.current_version_id]) == {1: 1, 2: 1, 3: 1}
    assert current() == before
