"""A hostile x402 server on 127.0.0.1 (asyncio, raw HTTP/1.1), playing the cases of
``vectors/hostile/cases.json`` (see ``vectors/gen/gen_hostile.py``). The Node twin is
``bindings-js/test/hostile-server.mjs``."""

import asyncio
import base64
import json
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

CASES = Path(__file__).resolve().parents[2] / "vectors" / "hostile" / "cases.json"
USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e"
PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"
BOM = b"\xef\xbb\xbf"


def load_cases() -> list[dict[str, Any]]:
    doc = json.loads(CASES.read_text("utf-8"))
    return [t for g in doc["testGroups"] for t in g["tests"]]


def b64(obj: Any) -> str:
    return base64.b64encode(json.dumps(obj).encode()).decode()


def v1_doc(url: str, amount: str, description: str = "Premium data") -> dict[str, Any]:
    return {"x402Version": 1, "error": "X-PAYMENT header is required", "accepts": [
        {"scheme": "exact", "network": "base-sepolia", "maxAmountRequired": amount, "asset": USDC, "payTo": PAY_TO,
         "resource": url, "description": description, "mimeType": "application/json", "maxTimeoutSeconds": 60,
         "extra": {"name": "USDC", "version": "2"}}]}


def v2_doc(url: str, amount: str) -> dict[str, Any]:
    return {"x402Version": 2, "error": "Payment required",
            "resource": {"url": url, "description": "Weather data", "mimeType": "application/json"},
            "accepts": [{"scheme": "exact", "network": "eip155:84532", "amount": amount, "asset": USDC,
                         "payTo": PAY_TO, "maxTimeoutSeconds": 300, "extra": {"name": "USDC", "version": "2"}}]}


def amount_of(payment: dict[str, Any]) -> int:
    """The atomic amount a payment authorizes (EIP-3009 ``authorization.value``)."""
    return int(((payment.get("payload") or {}).get("authorization") or {}).get("value") or 0)


class HostileServer:
    """Serves ``/case/<name>``; ``payments[name]`` lists the decoded payment headers received,
    ``seen[name]`` every request's path and whether it carried a payment header."""

    def __init__(self, cases: list[dict[str, Any]], redirect_to: Optional["HostileServer"] = None) -> None:
        self.cases = {c["input"]["name"]: c["input"] for c in cases}
        self.redirect_to = redirect_to
        self.payments: dict[str, list[dict[str, Any]]] = {}
        self.seen: dict[str, list[bool]] = {}
        self.origin = ""
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set = set()

    async def start(self) -> "HostileServer":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.origin = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for t in list(self._tasks):
                t.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            target = lines[0].split(" ")[1]
            headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:] if ":" in x)}
            n = int(headers.get("content-length") or 0)
            if n:
                await reader.readexactly(n)
            await self._answer(target, headers, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _answer(self, target: str, headers: dict[str, str], w: asyncio.StreamWriter) -> None:
        path = urlsplit(target).path
        name = path.rsplit("/", 1)[-1]
        case = self.cases[name]
        url = self.origin + target
        wire = headers.get("payment-signature") or headers.get("x-payment")
        self.seen.setdefault(name, []).append(wire is not None)
        ch = case["challenge"]
        if wire is None:
            if case["redirect"] and self.redirect_to is not None:
                return await send(w, 302, {"Location": self.redirect_to.origin + target}, b"")
            if ch["version"] == 2:
                return await send(w, 402, {"PAYMENT-REQUIRED": b64(v2_doc(url, ch["amount"])),
                                           "Content-Type": "application/json"}, b"{}")
            body = json.dumps(v1_doc(url, ch["amount"])).encode()
            ct = {"Content-Type": ch["content_type"]}
            if ch["body"] == "bom":
                return await send(w, 402, ct, BOM + body)
            if ch["body"] == "not-utf8":
                return await send(w, 402, ct,
                                  json.dumps(v1_doc(url, ch["amount"], "Caf\u00e9"),
                                             ensure_ascii=False).encode("latin-1"))
            if ch["body"] == "endless":  # no length, never ends: the client must stop reading
                w.write(b"HTTP/1.1 402 Payment Required\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
                w.write(b'{"x402Version":1,"accepts":[')
                for _ in range(4096):  # at most 64 MiB, if nothing stops reading
                    w.write(b" " * 16384)
                    await w.drain()
                return None
            if ch["body"] == "trickle":  # half the body, then silence
                w.write(b"HTTP/1.1 402 Payment Required\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                        b"Connection: close\r\n\r\n" % len(body) + body[: len(body) // 2])
                await w.drain()
                await asyncio.sleep(60)
                return None
            return await send(w, 402, ct, body)
        payment = json.loads(base64.b64decode(wire))
        got = self.payments.setdefault(name, [])
        got.append(payment)
        answer = case["paid"][(len(got) - 1) % len(case["paid"])]
        if answer.get("reset"):
            w.transport.abort()  # the request was read; the connection is dropped
            return None
        extra: dict[str, str] = {}
        s = answer.get("settlement")
        if s is not None:
            value = b64(s["b64"]) if "b64" in s else json.dumps(s["raw"])
            extra["PAYMENT-RESPONSE" if ch["version"] == 2 else "X-PAYMENT-RESPONSE"] = value
        status = answer["status"]
        return await send(w, status, extra, b"" if status == 304 else b'{"data":"paid"}')


REASONS = {200: "OK", 302: "Found", 304: "Not Modified", 402: "Payment Required", 500: "Internal Server Error"}


async def send(w: asyncio.StreamWriter, status: int, headers: dict[str, str], body: bytes) -> None:
    out = [f"HTTP/1.1 {status} {REASONS.get(status, 'Other')}"]
    out += ["{}: {}".format(*kv) for kv in headers.items()]
    if status != 304:
        out.append(f"Content-Length: {len(body)}")
    out.append("Connection: close")
    w.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body)
    await w.drain()
