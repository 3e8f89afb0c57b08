import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "vectors"

# Deterministic keys for tests (never the per-process random fallback).
os.environ.setdefault("PRESIDIO_X402_CHAIN_KEY", "61" * 32)
os.environ.setdefault("PRESIDIO_X402_FINGERPRINT_KEY", "62" * 32)


@pytest.fixture(autouse=True)
def _isolate_prometheus():
    yield
