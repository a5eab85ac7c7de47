from hypothesis import given
from hypothesis import strategies as st

from audiences.voter_keys import normalize_voter_id, state_of_key, voter_id_from_key, voter_key

voter_ids = st.builds(
    lambda state, digits: f"LAL{state}{digits}",
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=1, max_size=15),
)


@given(voter_ids)
def test_keys_are_exact_and_reversible(voter_id):
    key = voter_key(voter_id)
    assert 0 < key < 2**63
    assert voter_id_from_key(key) == voter_id
    assert state_of_key(key) == voter_id[3:5]


@given(voter_ids, voter_ids)
def test_distinct_ids_never_share_a_key(a, b):
    assert (voter_key(a) == voter_key(b)) == (a == b)


def test_leading_zeros_make_a_different_voter():
    assert voter_key("LALOH0012") != voter_key("LALOH12")


def test_ids_longer_than_fifteen_digits_have_no_inline_key():
    assert voter_key("LALOH" + "1" * 16) is None


def test_normalization_trims_and_upper_cases_and_refuses_the_rest():
    assert normalize_voter_id("  laloh123 ") == "LALOH123"
    for bad in ["", "LAL123", "LALO1H23", "XALOH123", "LALOH", "LALOH12 3", "LALÖH123"]:
        assert normalize_voter_id(bad) is None
