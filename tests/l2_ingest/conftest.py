from pathlib import Path

import pytest

from l2_ingest.services import partner_secret_create


@pytest.fixture
def l2_secret(db):
    return partner_secret_create(label="L2 test")[1]


@pytest.fixture
def media_files(settings):
    """Every file the storage and the spool hold: what a refused request must not leave behind."""

    def files() -> list[Path]:
        found = []
        for root in (Path(settings.MEDIA_ROOT), Path(settings.L2_SPOOL_DIR)):
            found += [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
        return found

    return files
