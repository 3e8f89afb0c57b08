"""PII detection and redaction for payment metadata (the core's scanner).

The core normalises text (zero-width and every Unicode format character,
NFKC, Cyrillic/Greek look-alikes, non-ASCII hyphens, percent-encoding up to
two rounds, HTML references, base64 in query values), finds emails, cards
(Luhn), SSNs, phone numbers, IBANs (mod-97), IP addresses, names and places,
and maps every span back to the caller's original text.

The core reports UTF-8 byte offsets and per-mille scores; this module turns
them into Python ``str`` indices and 0..1 floats.

``mode="nlp"``: when ``presidio-analyzer`` and a spaCy model are importable,
their PERSON / LOCATION / ORGANIZATION spans go to the core as hints and are
merged with its own findings by the core's rules (configured entities,
``min_score``, overlaps: the higher score wins). Otherwise the core's own name
and place detection is used, and the log says so once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ._core import CoreError, core

logger = logging.getLogger("presidio_x402.pii_filter")

REDACTED_TEMPLATE = "<REDACTED>"
#: Entity types the core detects (Presidio names).
CORE_ENTITIES = ("EMAIL_ADDRESS", "US_SSN", "CREDIT_CARD", "PHONE_NUMBER", "IBAN_CODE", "IP_ADDRESS", "PERSON",
                 "LOCATION",
                 "ORGANIZATION")
NLP_ENTITIES = ("PERSON", "LOCATION", "ORGANIZATION")


@dataclass(frozen=True)
class EntityResult:
    """One finding. ``start``/``end`` index the caller's original ``str``."""

    entity_type: str
    start: int
    end: int
    score: float
    original_text: str

    def __repr__(self) -> str:  # never print the matched personal data
        return f"EntityResult(entity_type={self.entity_type!r}, start={self.start}, end={self.end}, score={self.score})"


def byte_to_char(text: str, offsets: Sequence[int]) -> dict[int, int]:
    """Maps UTF-8 byte offsets of ``text`` to ``str`` indices."""
    if text.isascii():
        return {o: o for o in offsets}
    out: dict[int, int] = {}
    want = sorted(set(offsets))
    i = b = 0
    n = len(text)
    for o in want:
        while b < o and i < n:
            b += len(text[i].encode("utf-8"))
            i += 1
        out[o] = i
    return out


def _nlp_analyzer() -> Any:
    """A presidio-analyzer AnalyzerEngine, or None (logged once)."""
    from ._nlp import default_analyzer

    return default_analyzer()


class PIIFilter:
    """Scans and redacts PII (seed API).

    ``entities``: Presidio names to look for (``None``: all the core knows);
    ``redaction_template``: replacement, ``{entity_type}`` is substituted;
    ``min_score``: 0..1, findings scoring lower are ignored.
    """

    def __init__(self, mode: str = "regex", entities: list[str] | None = None,
                 redaction_template: str = REDACTED_TEMPLATE, min_score: float = 0.0, *,
                 analyzer: Any = None) -> None:
        if mode not in ("regex", "nlp"):
            raise ValueError("mode must be 'regex' or 'nlp'")
        self.mode = mode
        self.entities = list(entities) if entities is not None else None
        self.redaction_template = redaction_template
        self.min_score = float(min_score)
        self._core_entities = [e for e in self.entities if e in CORE_ENTITIES] if self.entities is not None else None
        self._nlp_entities = [e for e in (self.entities or NLP_ENTITIES) if e in NLP_ENTITIES]
        unknown = [e for e in (self.entities or [])
                   if e not in CORE_ENTITIES and not (mode == "nlp" and e in NLP_ENTITIES)]
        if unknown:
            raise ValueError(f"unknown PII entity types: {unknown} (known: {list(CORE_ENTITIES)})")
        cfg: dict[str, Any] = {"template": redaction_template, "min_score": round(self.min_score * 1000)}
        if self._core_entities is not None:
            cfg["entities"] = self._core_entities
        self._cfg = cfg
        self._analyzer = (analyzer if analyzer is not None else _nlp_analyzer()) if mode == "nlp" else None

    def pii_config(self, action: str = "redact") -> dict[str, Any]:
        """This filter's settings as the core's ``pii`` configuration."""
        d = dict(self._cfg)
        d["action"] = action
        return d

    def scan(self, text: str) -> list[EntityResult]:
        """Findings only (no redaction)."""
        return self.scan_and_redact(text)[1]

    def scan_and_redact(self, text: str) -> tuple[str, list[EntityResult]]:
        """Returns ``(redacted_text, findings)``; spans index the original ``text``."""
        if not text:
            return text, []
        req = dict(self._cfg, text=text, action="redact")
        if self._analyzer is not None and self._nlp_entities:
            from ._nlp import hints

            h = hints(self._analyzer, [text], self._nlp_entities)
            if h:
                req["hints"] = h
        out = core().call("pii.redact", req)
        found = out["entities"]
        m = byte_to_char(text, [x for f in found for x in (f["start"], f["end"])])
        results = [
            EntityResult(f["entity_type"], m[f["start"]], m[f["end"]], f["score"] / 1000.0,
                         text[m[f["start"]]:m[f["end"]]])
            for f in found
        ]
        return out["text"], results

    def scan_payment_fields(self, resource_url: str, description: str,
                            reason: str) -> tuple[str, str, str, list[EntityResult]]:
        """Scans and redacts the three metadata fields: ``(url, description, reason, findings)``.
        One core call for the three (``pii.redact-json`` on the list of fields)."""
        fields = [resource_url or "", description or "", reason or ""]
        req: dict[str, Any] = dict(self._cfg, value=fields, action="redact")
        if self._analyzer is not None and self._nlp_entities:
            from ._nlp import hints

            h = hints(self._analyzer, [f for f in fields if f], self._nlp_entities)
            if h:
                req["hints"] = h
        out = core().call("pii.redact-json", req)
        per: list[list[dict[str, Any]]] = [[], [], []]
        for f in out["entities"]:
            per[int(f["path"][1:])].append(f)
        found: list[EntityResult] = []
        for text, fs in zip(fields, per, strict=False):
            m = byte_to_char(text, [x for f in fs for x in (f["start"], f["end"])])
            found.extend(EntityResult(f["entity_type"], m[f["start"]], m[f["end"]], f["score"] / 1000.0,
                                      text[m[f["start"]]:m[f["end"]]]) for f in fs)
        if found:
            logger.warning("PII detected in x402 payment metadata: %s",
                           ", ".join(sorted({e.entity_type for e in found})))
        u, d, r = out["value"]
        return u, d, r, found

__all__ = ["CORE_ENTITIES", "REDACTED_TEMPLATE", "EntityResult", "PIIFilter"]
_ = CoreError
