"""Shared fixtures."""

from __future__ import annotations

import pytest

from dipsim.scenario import load_scenario


@pytest.fixture(scope="session")
def default_scenario():
    return load_scenario("urban_intensive")
