"""Reading an L2 members file as a stream (docs/l2-endpoint.md › Members file, Bounds).

``stream`` turns stored bytes into bounded text (gzip, size and line bounds, the kind of file, encoding);
``reader`` turns rows into voter keys and rejected rows; ``figures`` counts the breakdowns on the way.
"""

from .reader import read_members
from .result import MembersFileError, ReadResult

__all__ = ["MembersFileError", "ReadResult", "read_members"]
