"""Storage back-ends that fail as real ones do, for the outage tests (configured by STORAGE_BACKEND)."""

import contextlib
import errno
import os

from django.core.files.storage import FileSystemStorage
from django.db import connection


class FullDiskStorage(FileSystemStorage):
    """Writes the first bytes of the file, then the disk is full."""

    def _save(self, name, content):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as partial:
            partial.write(content.read(1024))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class DatabaseGoneAfterSaveStorage(FileSystemStorage):
    """Stores the file, then the database connection dies (PostgreSQL ends it) before the row is written."""

    def _save(self, name, content):
        saved = super()._save(name, content)
        # PostgreSQL ends the connection while the query runs: the next query finds it gone.
        with connection.cursor() as cursor, contextlib.suppress(Exception):
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return saved
