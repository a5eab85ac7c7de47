"""What reading a members file gives back, and the one error that says the file can never load."""

from dataclasses import dataclass, field

MAX_REPORTED_ERRORS = 20


class MembersFileError(Exception):
    """The file can never load; ``reason`` tells the sender what to fix, and quotes nothing from the file."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class ReadResult:
    rows_read: int = 0
    rows_accepted: int = 0  # rows with a valid voter ID, a voter listed twice counted twice
    voters: int = 0
    duplicates: int = 0
    rows_rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    households: int | None = None
    counts_households: bool = False  # the file has an address column
    stats: dict = field(default_factory=dict)

    def reject(self, line: int, reason: str) -> None:
        """Count a rejected row; the first ones are reported by line number and rule, never by content."""
        self.rows_rejected += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"line": line, "reason": reason})
