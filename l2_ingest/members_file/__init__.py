"""Reading an L2 members file as a stream (docs/l2-endpoint.md › Members file, Bounds).

``stream`` turns stored bytes into bounded bytes (gzip, size and line bounds, the kind of file, encoding);
``blocks`` cuts them into blocks of whole lines; ``columns`` and ``rows`` turn a block's rows into voter
keys and rejected rows; ``figures`` and ``households`` count on the way; ``reader`` puts it together.
"""

from .reader import complete_counts, read_members, recount_breakdowns
from .result import MembersFileError, ReadResult

__all__ = ["MembersFileError", "ReadResult", "complete_counts", "read_members", "recount_breakdowns"]
