"""Each test starts and ends in English: the catalog is process-wide."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from intake_desktop.core import i18n


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.load_language(i18n.ENGLISH)
    yield
    i18n.load_language(i18n.ENGLISH)
