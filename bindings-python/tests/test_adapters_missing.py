"""Without the frameworks (the test venv has neither), the adapter modules
import and constructing a tool raises an ImportError naming the pip extra.
The tools themselves are tested with the real packages in tests_frameworks/."""

import importlib.util

import pytest


@pytest.mark.parametrize("module,cls,framework,extra", [
    ("presidio_x402.adapters.langchain", "HardenedX402Tool", "langchain_core", "langchain"),
    ("presidio_x402.adapters.crewai", "HardenedX402CrewTool", "crewai", "crewai"),
])
def test_missing_framework_names_the_extra(module, cls, framework, extra):
    if importlib.util.find_spec(framework) is not None:
        pytest.fail(f"{framework} is installed in the test venv: the seed suite's stub tests would be skipped")
    tool = getattr(importlib.import_module(module), cls)
    with pytest.raises(ImportError, match=rf'pip install "presidio-hardened-x402\[{extra}\]"'):
        tool(payment_signer=None, policy={"max_per_call_usd": 0.1})
