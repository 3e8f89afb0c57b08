"""pii_mode="nlp" (an analyzer's spans go to the core as hints) and per-origin trusted wallets."""

import json
import logging

import pytest
from x402mock import PAY_TO, RecordingSigner, Server

from presidio_x402 import HardenedX402Client, PIIBlockedError, PolicyViolationError, _nlp, verify_chain
from presidio_x402.pii_filter import PIIFilter

KEY = bytes.fromhex("61" * 32)
NAMES = {"Zorbla Quenth": "PERSON", "Blue Heron Widgets": "ORGANIZATION", "Quux Harbour": "LOCATION"}


class Result:
    def __init__(self, entity_type, start, end, score):
        self.entity_type, self.start, self.end, self.score = entity_type, start, end, score


class FakeAnalyzer:
    """presidio-analyzer's ``analyze`` contract, with a fixed vocabulary the core's gazetteers do not know."""

    def __init__(self, score=0.85):
        self.score = score
        self.calls = []

    def analyze(self, text, entities, language):
        self.calls.append((text, tuple(entities), language))
        out = []
        for name, ent in NAMES.items():
            i = text.find(name)
            if i >= 0 and ent in entities:
                out.append(Result(ent, i, i + len(name), self.score))
        return out


class Lines:
    def __init__(self):
        self.lines = []

    def write(self, ev):
        self.lines.append(str(ev))


def client(server, signer, **kw):
    w = Lines()
    return HardenedX402Client(payment_signer=signer, httpx_client=server.client(), audit_writer=w, audit_key=KEY,
                              **kw), w


@pytest.mark.parametrize("version", [1, 2])
async def test_nlp_spans_are_redacted_before_the_signer_sees_them(version):
    s = Server(version=version, description="Dossier on Zorbla Quenth for Blue Heron Widgets")
    signer, analyzer = RecordingSigner(), FakeAnalyzer()
    c, w = client(s, signer, pii_mode="nlp", nlp_analyzer=analyzer)
    r = await c.get("https://api.example.com/r", payment_reason="visit Quux Harbour")
    assert r.status_code == 200
    d = signer.calls[0]
    sent = json.dumps([d.description, d.reason, d.requirements, s.payments[0]])
    for name in NAMES:
        assert name not in sent
        assert name not in "".join(w.lines)
    assert d.description == "Dossier on <REDACTED> for <REDACTED>"
    assert d.reason == "visit <REDACTED>"
    found = json.loads(w.lines[0])["pii_entities_found"]
    assert {"PERSON", "ORGANIZATION", "LOCATION"} <= set(found)
    assert all(lang == "en" for _, _, lang in analyzer.calls)
    assert verify_chain(w.lines, KEY).ok
    await c.aclose()


async def test_nlp_block_refuses_on_an_analyzer_span():
    s = Server(version=2, description="Dossier on Zorbla Quenth")
    signer = RecordingSigner()
    c, _w = client(s, signer, pii_mode="nlp", pii_action="block", nlp_analyzer=FakeAnalyzer())
    with pytest.raises(PIIBlockedError) as e:
        await c.get("https://api.example.com/r")
    assert e.value.code == "pii-blocked" and e.value.entities == ["PERSON"]
    assert signer.calls == []


async def test_nlp_spans_obey_the_configured_entities_and_min_score():
    s = Server(version=2, description="Dossier on Zorbla Quenth for Blue Heron Widgets")
    signer = RecordingSigner()
    c, _ = client(s, signer, pii_mode="nlp", pii_entities=["EMAIL_ADDRESS", "ORGANIZATION"],
                  nlp_analyzer=FakeAnalyzer())
    await c.get("https://api.example.com/r")
    assert signer.calls[0].description == "Dossier on Zorbla Quenth for <REDACTED>"
    low = FakeAnalyzer(score=0.3)
    s2, signer2 = Server(version=2, description="Dossier on Zorbla Quenth"), RecordingSigner()
    c2, _ = client(s2, signer2, pii_mode="nlp", nlp_analyzer=low,
                   policy={"pii": {"min_score": 500}, "max_per_call_usd": 1, "daily_limit_usd": 10})
    await c2.get("https://api.example.com/r")
    assert signer2.calls[0].description == "Dossier on Zorbla Quenth"


async def test_a_failing_analyzer_leaves_the_core_detection_in_place(caplog):
    class Broken:
        def analyze(self, **kw):
            raise RuntimeError("model crashed")

    s = Server(version=2, description="Report for alice@example.com, Zorbla Quenth")
    signer = RecordingSigner()
    c, _ = client(s, signer, pii_mode="nlp", nlp_analyzer=Broken())
    with caplog.at_level(logging.WARNING, logger="presidio_x402.pii_filter"):
        await c.get("https://api.example.com/r")
    assert signer.calls[0].description == "Report for <REDACTED>, Zorbla Quenth"
    assert "analyzer failed" in caplog.text and "crashed" not in caplog.text


def test_without_presidio_analyzer_the_core_detects_names_and_says_so_once(caplog, monkeypatch):
    monkeypatch.setattr(_nlp, "_state", {})
    import builtins

    real_import = builtins.__import__

    def no_presidio(name, *a, **k):
        if name.startswith("presidio_analyzer"):
            raise ImportError(name)
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_presidio)
    with caplog.at_level(logging.INFO, logger="presidio_x402.pii_filter"):
        f = PIIFilter(mode="nlp")
        PIIFilter(mode="nlp")
    assert caplog.text.count("not available") == 1
    text, found = f.scan_and_redact("Invoice for John Smith")
    assert text == "Invoice for <REDACTED>" and found[0].entity_type == "PERSON"


def test_pii_filter_merges_analyzer_spans_through_the_core():
    f = PIIFilter(mode="nlp", analyzer=FakeAnalyzer())
    text, found = f.scan_and_redact("Zorbla Quenth of Blue Heron Widgets, zq@example.com")
    assert text == "<REDACTED> of <REDACTED>, <REDACTED>"
    assert [(r.entity_type, r.original_text) for r in found] == [
        ("PERSON", "Zorbla Quenth"), ("ORGANIZATION", "Blue Heron Widgets"), ("EMAIL_ADDRESS", "zq@example.com")]


def test_hints_from_the_challenge_strings_are_capped_and_deduplicated():
    a = FakeAnalyzer()
    texts = _nlp.metadata_texts("https://api.example.com/r", None,
                                json.dumps({"accepts": [{"description": "Zorbla Quenth"}] * 200}), "Zorbla Quenth")
    assert len(texts) == _nlp.MAX_TEXTS
    assert _nlp.hints(a, texts) == [{"entity_type": "PERSON", "text": "Zorbla Quenth", "score": 850}]


OTHER = "0x" + "33" * 20


async def test_trusted_wallets_per_origin_with_a_default():
    wallets = {"https://api.example.com": [PAY_TO.lower()], "*": [OTHER]}
    s = Server(version=2)
    c, _ = client(s, RecordingSigner(), trusted_wallets=wallets)
    assert (await c.get("https://api.example.com/r")).status_code == 200
    with pytest.raises(PolicyViolationError) as e:  # a code with a policy limit type (the core's error table)
        await c.get("https://other.example.com/r")  # the default list applies there
    assert e.value.code == "wallet-not-trusted"
    s2 = Server(version=2, pay_to=OTHER)
    c2, _ = client(s2, RecordingSigner(), trusted_wallets=wallets)
    assert (await c2.get("https://other.example.com/r")).status_code == 200
    with pytest.raises(PolicyViolationError) as e:
        await c2.get("https://api.example.com/r")  # the origin's own list, not the default
    assert e.value.code == "wallet-not-trusted"


def test_scan_payment_fields_maps_each_field_in_one_call():
    f = PIIFilter()
    u, d, r, found = f.scan_payment_fields("https://api.example.com/r?email=a@b.com", "Café report for John Smith",
                                           "ssn 536-22-1234")
    assert (u, d, r) == ("https://api.example.com/r?email=<REDACTED>", "Café report for <REDACTED>", "ssn <REDACTED>")
    assert [(e.entity_type, e.original_text) for e in found] == [
        ("EMAIL_ADDRESS", "a@b.com"), ("PERSON", "John Smith"), ("US_SSN", "536-22-1234")]
    # str offsets (not UTF-8 byte offsets) into each field
    assert "Café report for John Smith"[found[1].start:found[1].end] == "John Smith"
    nlp = PIIFilter(mode="nlp", analyzer=FakeAnalyzer())
    assert nlp.scan_payment_fields("", "for Blue Heron Widgets", "")[1] == "for <REDACTED>"


@pytest.fixture
def spacy_ruler_model(tmp_path, monkeypatch):
    """A real spaCy pipeline saved to disk (no download): a blank English model whose
    entity ruler knows three names. presidio-analyzer loads it like any model."""
    import spacy  # the [test] extra installs presidio-analyzer and spaCy: a missing one fails, never skips
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Zorbla Quenth"},
                        {"label": "ORG", "pattern": "Blue Heron Widgets"},
                        {"label": "GPE", "pattern": "Quux Harbour"}])
    nlp.to_disk(tmp_path / "model")
    monkeypatch.setenv("PRESIDIO_X402_SPACY_MODEL", str(tmp_path / "model"))
    monkeypatch.setattr(_nlp, "_state", {})
    yield
    _nlp._state.clear()


async def test_real_presidio_analyzer_spans_reach_the_core(spacy_ruler_model):
    import presidio_analyzer  # noqa: F401  (installed by the [test] extra: this test must not skip)

    assert _nlp.default_analyzer() is not None
    s = Server(version=2, description="Dossier on Zorbla Quenth for Blue Heron Widgets")
    signer = RecordingSigner()
    c, w = client(s, signer, pii_mode="nlp")  # no injected analyzer: presidio's AnalyzerEngine
    await c.get("https://api.example.com/r", payment_reason="visit Quux Harbour")
    d = signer.calls[0]
    assert d.description == "Dossier on <REDACTED> for <REDACTED>" and d.reason == "visit <REDACTED>"
    assert {"PERSON", "ORGANIZATION", "LOCATION"} <= set(json.loads(w.lines[0])["pii_entities_found"])
    text, found = PIIFilter(mode="nlp").scan_and_redact("Zorbla Quenth of Blue Heron Widgets")
    assert text == "<REDACTED> of <REDACTED>" and [e.entity_type for e in found] == ["PERSON", "ORGANIZATION"]


def test_no_model_means_no_download_and_core_detection(monkeypatch):
    import presidio_analyzer  # noqa: F401

    monkeypatch.setenv("PRESIDIO_X402_SPACY_MODEL", "en_core_web_not_installed")
    monkeypatch.setattr(_nlp, "_state", {})
    assert _nlp.default_analyzer() is None
    assert PIIFilter(mode="nlp").scan_and_redact("Invoice for John Smith")[0] == "Invoice for <REDACTED>"


async def test_an_audit_writer_failure_refuses_the_payment_and_keeps_the_chain():
    from presidio_x402 import StoreUnavailableError

    class Flaky:
        def __init__(self):
            self.fail, self.lines = True, []

        def write(self, ev):
            if self.fail:
                raise OSError("disk full")
            self.lines.append(str(ev))

    s, signer, w = Server(version=2), RecordingSigner(), Flaky()
    c = HardenedX402Client(payment_signer=signer, httpx_client=s.client(), audit_writer=w, audit_key=KEY)
    with pytest.raises(StoreUnavailableError) as e:
        await c.get("https://api.example.com/a")
    assert e.value.code == "store-unavailable" and signer.calls == [] and s.payments == []
    w.fail = False
    assert (await c.get("https://api.example.com/b")).status_code == 200
    # The lost line never entered the chain: what was written verifies from seq 1.
    assert [json.loads(ln)["seq"] for ln in w.lines] == [1, 2] and verify_chain(w.lines, KEY).ok
