"""Realistic L2 exports for the demo, the tests and the benchmark (never real people).

Tab-separated with L2's header names, Latin-1 with accented names, ZIP codes with leading zeros, and
households of several voters. The same seed gives the same file.
"""

import gzip
import random
from collections.abc import Iterator
from pathlib import Path

HEADER = [
    "LALVOTERID", "Voters_Active", "Voters_StateVoterID", "Voters_CountyVoterID", "Voters_FirstName",
    "Voters_MiddleName", "Voters_LastName", "Voters_NameSuffix", "Residence_Addresses_AddressLine",
    "Residence_Addresses_City", "Residence_Addresses_State", "Residence_Addresses_Zip",
    "Residence_Addresses_ZipPlus4", "Voters_Gender", "Voters_Age", "Voters_BirthDate", "Parties_Description",
    "County", "US_Congressional_District", "Voters_OfficialRegDate",
]  # fmt: skip

FIRST = ["James", "Mary", "José", "Zoë", "Renée", "Michael", "Patricia", "André", "Linda", "David", "Chloé",
         "Robert", "Jennifer", "Ramón", "Elizabeth", "William", "Barbara", "Inés", "Thomas", "Susan"]  # fmt: skip
LAST = ["Smith", "Johnson", "Núñez", "Williams", "Brown", "Müller", "García", "Jones", "Miller", "Davis",
        "Rodríguez", "Martínez", "Wilson", "Anderson", "Taylor", "O'Brien", "Thomas", "Hernández", "Moore"]  # fmt: skip
STREETS = ["N Main Street", "Oak Avenue", "W Maple Drive", "E High Street", "Cedar Lane", "Park Place",
           "S Elm Street", "Lakeview Road", "Hillcrest Court", "Riverside Boulevard"]  # fmt: skip
PARTIES = [("Democratic", 38), ("Republican", 36), ("Non-Partisan", 20), ("Libertarian", 3), ("Green", 2),
           ("", 1)]  # fmt: skip
# State -> (counties, congressional districts, ZIP prefix range); NJ and MA ZIP codes start with 0.
STATES = {
    "OH": (["FRANKLIN", "CUYAHOGA", "HAMILTON", "SUMMIT", "MONTGOMERY", "LUCAS", "STARK", "BUTLER", "LORAIN",
            "MAHONING", "LAKE", "WARREN", "DELAWARE", "CLERMONT"], 15, (430, 459)),
    "NJ": (["BERGEN", "ESSEX", "MIDDLESEX", "HUDSON", "MONMOUTH", "OCEAN", "UNION", "CAMDEN"], 12, (70, 89)),
    "MA": (["MIDDLESEX", "WORCESTER", "ESSEX", "SUFFOLK", "NORFOLK", "BRISTOL", "PLYMOUTH"], 9, (10, 27)),
}  # fmt: skip


def voter_rows(rows: int, *, seed: int = 1, states: tuple[str, ...] = ("OH",)) -> Iterator[list[str]]:
    rng = random.Random(seed)
    party_names = [p for p, _ in PARTIES]
    party_weights = [w for _, w in PARTIES]
    emitted = 0
    serial = rng.randrange(100_000_000, 900_000_000)
    while emitted < rows:
        state = states[emitted % len(states)] if len(states) > 1 else states[0]
        counties, districts, (zip_lo, zip_hi) = STATES.get(state, STATES["OH"])
        # A household: one address, one to four voters (about 1.6 on average).
        size = rng.choices([1, 2, 3, 4], weights=[58, 28, 10, 4])[0]
        address = f"{rng.randrange(1, 9999)} {rng.choice(STREETS)}"
        county = rng.choice(counties)
        zip_code = f"{rng.randrange(zip_lo, zip_hi + 1):03d}{rng.randrange(0, 100):02d}"
        last = rng.choice(LAST)
        for _ in range(min(size, rows - emitted)):
            serial += rng.randrange(1, 40)
            age = rng.randrange(18, 96)
            year = 2026 - age
            yield [
                f"LAL{state}{serial}",
                rng.choice(["A", "A", "A", "I"]),
                f"{state}{rng.randrange(10**7, 10**8)}",
                f"{rng.randrange(10**5, 10**6)}",
                rng.choice(FIRST),
                rng.choice(["A", "B", "C", "M", "", ""]),
                last,
                rng.choice(["", "", "", "", "Jr", "Sr", "III"]),
                address,
                county.title() + " City",
                state,
                zip_code,
                f"{rng.randrange(0, 10000):04d}",
                rng.choice(["F", "M", "F", "M", "U"]),
                str(age),
                f"{rng.randrange(1, 13):02d}/{rng.randrange(1, 29):02d}/{year}",
                rng.choices(party_names, weights=party_weights)[0],
                county,
                str(rng.randrange(1, districts + 1)),
                f"{rng.randrange(1, 13):02d}/{rng.randrange(1, 29):02d}/{rng.randrange(1980, 2026)}",
            ]
            emitted += 1


def write_export(path: Path, rows: int, *, seed: int = 1, ids_only: bool = False, compress: bool = False,
                 states: tuple[str, ...] = ("OH",)) -> int:  # fmt: skip
    """Write a file as L2 would; returns the number of voters written."""
    opener = gzip.open if compress else open
    with opener(path, "wt", encoding="latin-1", newline="") as out:
        if ids_only:
            out.write("LALVOTERID\r\n")
        else:
            out.write("\t".join(HEADER) + "\r\n")
        lines = []
        for row in voter_rows(rows, seed=seed, states=states):
            lines.append(row[0] if ids_only else "\t".join(row))
            if len(lines) == 10_000:
                out.write("\r\n".join(lines) + "\r\n")
                lines.clear()
        if lines:
            out.write("\r\n".join(lines) + "\r\n")
    return rows
