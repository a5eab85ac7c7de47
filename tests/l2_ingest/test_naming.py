import csv
from pathlib import Path

import pytest

from l2_ingest import naming
from l2_ingest.naming import UniverseNameError, account_id_in_name, parse_universe_name

TABLE = Path(__file__).parent.parent / "fixtures" / "universe_names.tsv"


def naming_cases():
    with TABLE.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(rows) >= 15  # the table is read whole, including blank-looking names
    return [pytest.param(row, id=repr(row["name"])) for row in rows]


@pytest.mark.parametrize("case", naming_cases())
def test_names_parse_as_the_contract_table_says(case):
    if case["result"] == "ok":
        parsed = parse_universe_name(case["name"])
        assert parsed.account_id == case["account_id"]
        assert parsed.segment_name == case["segment_name"]
    else:
        with pytest.raises(UniverseNameError) as error:
            parse_universe_name(case["name"])
        assert error.value.code == case["result"]
        assert str(error.value)  # always a sentence a person can act on


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("IQM_[123456]_[CustomSegment]", "remove the brackets: IQM_123456_CustomSegment"),
        ("IQM-123456-CustomSegment", "use underscores: IQM_123456_CustomSegment"),
        ("IQM_123456_", "no segment name"),
        ("IQM_12a456_CustomSegment", "digits only"),
        ("IQM_1234567890123_Seg", "at most 12"),
        ("L2_123456_CustomSegment", "must start with IQM_"),
        ("", "empty"),
    ],
)
def test_errors_say_how_to_fix_the_name(name, hint):
    with pytest.raises(UniverseNameError, match=hint.replace("[", r"\[").replace("]", r"\]")):
        parse_universe_name(name)


def test_the_segment_name_is_kept_exactly_with_underscores_and_spaces():
    parsed = parse_universe_name("IQM_42_Early Voters_(Franklin Co.)")
    assert parsed == type(parsed)(account_id="42", segment_name="Early Voters_(Franklin Co.)")


def test_a_segment_of_200_characters_is_accepted_and_201_refused():
    assert parse_universe_name("IQM_1_" + "x" * 200).segment_name == "x" * 200
    with pytest.raises(UniverseNameError, match="200 or fewer"):
        parse_universe_name("IQM_1_" + "x" * 201)


@pytest.mark.parametrize("case", naming_cases())
def test_a_valid_name_evidently_means_its_own_account_id(case):
    if case["result"] == "ok":
        assert account_id_in_name(case["name"]) == case["account_id"]


@pytest.mark.parametrize(
    ("name", "account_id", "reason"),
    [
        ("IQM_123456_", "123456", naming.NO_SEGMENT),
        ("IQM_123456", "123456", naming.NO_SEGMENT),
        ("  iqm_000777_  ", "000777", naming.NO_SEGMENT),
        ("IQM_[123456]_[CustomSegment]", "123456", naming.MISFORMATTED),
        ("IQM-123456-CustomSegment", "123456", naming.MISFORMATTED),
        ("iqm 123456 Early Voters", "123456", naming.MISFORMATTED),
        ("IQM_[123456]_CustomSegment", "123456", naming.ACCOUNT_ID_NOT_DIGITS),
        ("IQM-123456", "123456", naming.NO_PREFIX),
        ("IQM_123456_" + "x" * 201, "123456", naming.SEGMENT_TOO_LONG),
        ("IQM_123456_Seg\u200bment", "123456", naming.SEGMENT_NOT_PRINTABLE),
        ("IQM__CustomSegment", None, naming.NO_ACCOUNT_ID),
        ("IQM_12a456_CustomSegment", None, naming.ACCOUNT_ID_NOT_DIGITS),
        ("IQM_1234567890123_Seg", None, naming.ACCOUNT_ID_TOO_LONG),
        ("IQM_١٢٣_Seg", None, naming.ACCOUNT_ID_NOT_DIGITS),  # digits, but not ASCII ones
        ("IQM123456_Seg", None, naming.NO_PREFIX),
        ("L2_123456_CustomSegment", None, naming.NO_PREFIX),
        ("", None, naming.EMPTY),
    ],
)
def test_a_refused_name_says_why_and_which_account_id_it_evidently_means(name, account_id, reason):
    with pytest.raises(UniverseNameError) as error:
        parse_universe_name(name)
    assert error.value.reason == reason
    assert account_id_in_name(name) == account_id


def test_a_misformatted_name_carries_its_corrected_form():
    with pytest.raises(UniverseNameError) as error:
        parse_universe_name("IQM_[123456]_[Custom Segment]")
    assert error.value.corrected == "IQM_123456_Custom Segment"
    with pytest.raises(UniverseNameError) as error:
        parse_universe_name("IQM_123456_")
    assert error.value.corrected == ""
