"""What the first line of a members file says about the rest: its delimiter, whether it is a header, and
where the voter ID and the breakdowns' columns are."""

import csv
from dataclasses import dataclass, field

from audiences.voter_keys import normalize_voter_id

from .result import MembersFileError

# The L2 columns the figures come from (header names compared without regard to case).
STAT_COLUMNS = {
    "party": "parties_description",
    "gender": "voters_gender",
    "age": "voters_age",
    "birth_date": "voters_birthdate",
    "county": "county",
    "district": "us_congressional_district",
    "address": "residence_addresses_addressline",
    "zip": "residence_addresses_zip",
}
HOUSEHOLD_COLUMNS = ("address", "zip")


@dataclass
class Layout:
    first_line_is_data: bool
    delimiter: str
    id_index: int
    width: int  # fields in a row, as in the header
    stat_indices: dict[str, int] = field(default_factory=dict)  # breakdown name -> column

    @property
    def has_households(self) -> bool:
        return "address" in self.stat_indices

    @property
    def breakdowns(self) -> dict[str, int]:
        return {name: i for name, i in self.stat_indices.items() if name not in HOUSEHOLD_COLUMNS}


def read_layout(first_line: str) -> Layout:
    line = first_line.rstrip("\r\n")
    delimiter = "\t" if "\t" in line else "," if "," in line else ""
    cells = next(csv.reader([line], delimiter=delimiter or ","), [""])
    names = [cell.strip().lower() for cell in cells]
    if not delimiter:
        has_header = names[0] == "lalvoterid"
        return Layout(not has_header, ",", 0, 1)
    if "lalvoterid" not in names:
        # The first line may be a voter's row (a file without its header): say nothing of what it holds.
        if normalize_voter_id(cells[0]):
            raise MembersFileError(
                "missing_header",
                "The file is delimited but has no header row (its first line starts with a voter ID). Send "
                "L2's export with its header row, or one LALVOTERID per line.",
            )
        kind = "tab" if delimiter == "\t" else "comma"
        raise MembersFileError(
            "missing_lalvoterid_column",
            f"The header row has no LALVOTERID column (it has {len(cells)} {kind}-separated columns). "
            "Export the universe with the LALVOTERID column included.",
        )
    stat_indices = {key: names.index(column) for key, column in STAT_COLUMNS.items() if column in names}
    return Layout(False, delimiter, names.index("lalvoterid"), len(cells), stat_indices)
