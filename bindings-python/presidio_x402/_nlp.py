"""``pii_mode="nlp"``: spans from presidio-analyzer, handed to the core as hints.

The host only *detects*: it runs an NER analyzer (presidio-analyzer with a
spaCy model) over the metadata strings and passes what it found to the core
as ``hints`` (``[{entity_type, text, score}]``). The core decides: it adds
every occurrence of a hinted text to its own findings under the configured
entities, ``min_score``, overlap resolution and action (see
``core/src/pii/mod.rs``, ``PiiHint``).

Any object with presidio's ``analyze(text=, entities=, language=)`` method
can serve as the analyzer (``HardenedX402Client(..., nlp_analyzer=...)``).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Iterable
from typing import Any

logger = logging.getLogger("presidio_x402.pii_filter")

#: Entity types an NER analyzer contributes (the core finds the structured ones itself).
NLP_ENTITIES = ("PERSON", "LOCATION", "ORGANIZATION")
#: Most hints per payment and hint length, as the core accepts them.
MAX_HINTS = 64
MAX_HINT_BYTES = 256
#: Most strings and characters analysed per payment (the analyzer is slow).
MAX_TEXTS = 64
MAX_TEXT_CHARS = 4096

_state: dict[str, Any] = {}


#: spaCy models looked for, best first (``$PRESIDIO_X402_SPACY_MODEL`` comes before them).
SPACY_MODELS = ("en_core_web_lg", "en_core_web_trf", "en_core_web_md", "en_core_web_sm")


def _installed_model() -> str | None:
    """An installed spaCy model (package name or directory); never downloads one."""
    import os

    import spacy

    chosen = os.environ.get("PRESIDIO_X402_SPACY_MODEL")
    if chosen:
        return chosen if (os.path.isdir(chosen) or spacy.util.is_package(chosen)) else None
    return next((m for m in SPACY_MODELS if spacy.util.is_package(m)), None)


def default_analyzer() -> Any:
    """A presidio-analyzer ``AnalyzerEngine`` on an installed spaCy model
    (``$PRESIDIO_X402_SPACY_MODEL``: a package name or a model directory; else
    the first of :data:`SPACY_MODELS` installed), or None when presidio-analyzer
    or a model is missing (said once in the log). Nothing is downloaded:
    presidio's own default would fetch a model over the network."""
    if "engine" not in _state:
        engine = None
        try:
            from presidio_analyzer import AnalyzerEngine
            from presidio_analyzer.nlp_engine import NlpEngineProvider

            model = _installed_model()
            if model is not None:
                conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}
                nlp = NlpEngineProvider(nlp_configuration=conf).create_engine()
                engine = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
        except Exception:
            engine = None
        if engine is None:
            logger.info("pii_mode='nlp': presidio-analyzer or a spaCy model is not available; "
                        "using the core's built-in name and location detection")
        _state["engine"] = engine
    return _state["engine"]


def _strings(v: Any, out: list[str]) -> None:
    if len(out) >= MAX_TEXTS:
        return
    if isinstance(v, str):
        if v:
            out.append(v[:MAX_TEXT_CHARS])
    elif isinstance(v, dict):
        for x in v.values():
            _strings(x, out)
    elif isinstance(v, list):
        for x in v:
            _strings(x, out)


def metadata_texts(url: str, payment_required: str | None, body: str | None, reason: str) -> list[str]:
    """The strings the core scans for one 402: the request URL, the reason and
    every string of the challenge (v2 header, v1 body). Undecodable input adds
    nothing (the core refuses it anyway)."""
    out: list[str] = []
    for t in (url, reason):
        if t:
            out.append(t[:MAX_TEXT_CHARS])
    docs: list[Any] = []
    if payment_required:
        try:
            docs.append(json.loads(base64.b64decode(payment_required, validate=False)))
        except (ValueError, binascii.Error):
            pass
    if body:
        try:
            docs.append(json.loads(body))
        except ValueError:
            pass
    for d in docs:
        _strings(d, out)
    return out


def hints(analyzer: Any, texts: Iterable[str], entities: list[str] | None = None) -> list[dict[str, Any]]:
    """Runs ``analyzer`` over ``texts``; returns the core's hint list (deduplicated,
    capped). An analyzer failure yields no hints: the core's own detection still runs."""
    want = [e for e in (entities or NLP_ENTITIES) if e in NLP_ENTITIES]
    if analyzer is None or not want:
        return []
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for text in texts:
        try:
            results = analyzer.analyze(text=text, entities=want, language="en")
        except Exception:
            logger.warning("pii_mode='nlp': the analyzer failed; using the core's detection only")
            return []
        for r in results:
            span = text[r.start:r.end]
            if r.entity_type not in want or len(span.encode("utf-8")) < 2 or len(span.encode("utf-8")) > MAX_HINT_BYTES:
                continue
            score = max(0, min(1000, round(float(r.score) * 1000)))
            key = (r.entity_type, span)
            if key not in seen or seen[key]["score"] < score:
                seen[key] = {"entity_type": r.entity_type, "text": span, "score": score}
            if len(seen) >= MAX_HINTS:
                return list(seen.values())
    return list(seen.values())
