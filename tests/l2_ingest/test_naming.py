import csv
from pathlib import Path

import pytest

from l2_ingest.naming import UniverseNameError, parse_universe_name

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
