"""Vectors for the audit log's tail repair (audit.repair-tail).

A file sink reads its log's last min(size, 64 KiB) bytes at open and asks the
core what to do: `none` (empty, or ends with a newline), `append-newline` (the
last line is complete JSON that lost only its newline: the verifier counts it)
or `truncate` at `at` (a torn append: what the verifier names
`audit-partial-line`); and the head to resume from (the repaired log's last
line, which must be an entry, else `audit-malformed-line`). The lines and
MACs come from gen_audit.py; every expectation is stated from how the file was
built here, not computed by a second implementation of the rule.
"""
import base64

from common import case, write
from gen_audit import KEY, T0, event, make_line

WINDOW = 64 * 1024


def b64(data):
    return base64.b64encode(data).decode("ascii")


def log(n, url_pad=0, salt=0):
    """n lines (bytes, each with its newline) and their heads."""
    lines, heads, head = [], [], None
    for i in range(n):
        ev = event(i + salt)
        if url_pad:
            ev["resource_url"] = ev["resource_url"] + "&p=" + "x" * url_pad
        line, head = make_line(KEY, head, ev, T0 + 1000 * i)
        lines.append(line.encode("utf-8") + b"\n")
        heads.append(head)
    return lines, heads


def window_of(data):
    """What a host passes for a file holding `data`: its last 64 KiB and their offset."""
    start = max(0, len(data) - WINDOW)
    return {"tail_base64": b64(data[start:]), "offset": start}


def tail_cases():
    lines, heads = log(3)
    full = b"".join(lines)
    two = b"".join(lines[:2])
    h2, h3 = heads[1], heads[2]
    out = []

    def ok(comment, data, action, at, head, flags=()):
        out.append(case(comment, window_of(data), {"action": action, "at": at, "head": head}, flags))

    def bad(comment, data, code, flags=()):
        out.append(case(comment, window_of(data), code=code, flags=flags))

    ok("empty file: nothing to do, no head", b"", "none", 0, None, ["Empty"])
    ok("a clean log ending with a newline", full, "none", len(full), h3)
    ok("a one-line log", lines[0], "none", len(lines[0]), heads[0])
    ok("a complete last line that lost only its newline is finished", full[:-1], "append-newline",
       len(full) - 1, h3, ["Unterminated"])
    ok("the only line, complete but unterminated", lines[0][:-1], "append-newline", len(lines[0]) - 1,
       heads[0], ["Unterminated"])
    for k in (1, 2, 10, len(lines[2]) // 2, len(lines[2]) - 2):
        ok(f"an append torn {k} bytes into the line is cut back to the last newline", two + lines[2][:k],
           "truncate", len(two), h2, ["Torn"])
    ok("the torn line lost only its closing brace", full[:-2], "truncate", len(two), h2, ["Torn"])
    ok("the only line of the file is torn: the log becomes empty", lines[0][:40], "truncate", 0, None, ["Torn"])
    # A line with multi-byte UTF-8 in its URL, cut inside a character.
    ev = event(2)
    ev["resource_url"] = "https://api.example.com/caf\u00e9/\u65e5\u672c"
    uline, uhead = make_line(KEY, h2, ev, T0 + 2000)
    ub = uline.encode("utf-8") + b"\n"
    cut_at = ub.index("\u65e5".encode("utf-8")) + 1
    ok("torn inside a three-byte UTF-8 character (invalid UTF-8 tail)", two + ub[:cut_at], "truncate", len(two),
       h2, ["Torn", "Utf8"])
    cut2 = ub.index("\u00e9".encode("utf-8")) + 1
    ok("torn inside a two-byte UTF-8 character", two + ub[:cut2], "truncate", len(two), h2, ["Torn", "Utf8"])
    ok("a non-ASCII line complete without its newline is finished", two + ub[:-1], "append-newline",
       len(two) + len(ub) - 1, uhead, ["Unterminated", "Utf8"])
    # Forged and foreign last lines: never cut (the verifier must see them).
    forged = lines[2].replace(h3["mac"].encode(), ("f" * 64).encode())
    ok("a forged last line (canonical, wrong mac) without newline is finished; the head is what it claims "
       "(the verifier reports audit-bad-mac)", two + forged[:-1], "append-newline", len(two) + len(forged) - 1,
       {"seq": 3, "mac": "f" * 64}, ["Forged"])
    spaced = lines[2][:-1].replace(b'","', b'", "', 1)
    bad("a re-serialised (non-canonical) last line without newline is no entry: fail closed", two + spaced,
        "audit-malformed-line", ["Forged", "NonCanonical"])
    bad("a re-serialised last line with its newline: fail closed too", two + spaced + b"\n",
        "audit-malformed-line", ["Forged", "NonCanonical"])
    bad("complete JSON that is not an object as the last line", two + b"42", "audit-malformed-line", ["Forged"])
    ok("a torn tail that is only an opening brace", two + b"{", "truncate", len(two), h2, ["Torn"])
    ok("a torn tail of junk that does not parse is cut", two + b"garbage", "truncate", len(two), h2, ["Torn"])
    bad("only a newline: the last line is empty, no entry", b"\n", "audit-malformed-line", ["Empty"])
    bad("a blank line after the log", full + b"\n", "audit-malformed-line", ["Empty"])
    # CRLF line ends (a log edited on another system): the lines end with a carriage return.
    crlf = b"".join(ln[:-1] + b"\r\n" for ln in lines)
    bad("CRLF line ends: the last line ends with a carriage return, no entry", crlf, "audit-malformed-line",
        ["Crlf"])
    ok("CRLF: a lone carriage return after the last line is a torn tail and is cut", full + b"\r", "truncate",
       len(full), h3, ["Crlf", "Torn"])
    return out


def window_cases():
    # Lines of about 1 KiB; enough of them for the log to outgrow the 64 KiB window.
    lines, heads = log(80, url_pad=700)
    size_of = [0]
    for ln in lines:
        size_of.append(size_of[-1] + len(ln))
    n = next(i for i in range(len(size_of)) if size_of[i] > WINDOW)
    big = b"".join(lines[:n])
    assert len(big) > WINDOW
    two = b"".join(lines[:2])
    out = []

    def ok(comment, data, action, at, head, flags=("Window",)):
        out.append(case(comment, window_of(data), {"action": action, "at": at, "head": head}, list(flags)))

    ok("a log longer than the window: the window starts inside a line, which is not read", big, "none", len(big),
       heads[n - 1])
    torn = big + lines[n][:300]
    ok("a torn append past the window's start: cut at its absolute offset", torn, "truncate", len(big),
       heads[n - 1])
    # Exactly 64 KiB: the window is the whole file (offset 0); the first line is read.
    small = b"".join(lines[: n - 1])
    pad = WINDOW - len(small)
    exact = b"x" * (pad - 1) + b"\n" + small
    assert len(exact) == WINDOW
    ok("a file of exactly 64 KiB is read whole (offset 0)", exact, "none", WINDOW, heads[n - 2])
    # 64 KiB + 1: the window starts one byte in.
    ok("a file of 64 KiB + 1: the window starts one byte in", b"y" + exact, "none", WINDOW + 1, heads[n - 2])
    out.append(case("a full window holding no newline: no line to resume from",
                    {"tail_base64": b64(b"z" * WINDOW), "offset": 17}, code="audit-malformed-line",
                    flags=["Window", "Forged"]))
    out.append(case("an overlong last line (over 16 KiB) without newline is not a torn append: finished, then "
                    "no entry to resume from", window_of(two + b"{" + b"w" * (16 * 1024 + 8)),
                    code="audit-malformed-line", flags=["Window", "Forged"]))
    return out


def input_cases():
    data = b"".join(log(2)[0])
    return [
        case("a window over 64 KiB", {"tail_base64": b64(b"\n" * (WINDOW + 1)), "offset": 0},
             code="invalid-input", flags=["Input"]),
        case("a short window that does not start the file", {"tail_base64": b64(data), "offset": 3},
             code="invalid-input", flags=["Input"]),
        case("an empty window past the file's start", {"tail_base64": "", "offset": 1}, code="invalid-input",
             flags=["Input"]),
        case("not base64", {"tail_base64": "%%%", "offset": 0}, code="invalid-input", flags=["Input"]),
        case("unpadded base64", {"tail_base64": b64(b"ab")[:-1], "offset": 0}, code="invalid-input",
             flags=["Input"]),
        case("a negative offset", {"tail_base64": "", "offset": -1}, code="invalid-input", flags=["Input"]),
        case("a missing offset", {"tail_base64": ""}, code="invalid-input", flags=["Input"]),
        case("a tail given as text, not base64", {"tail": data.decode(), "offset": 0}, code="invalid-input",
             flags=["Input"]),
    ]


def main():
    header = [
        "Audit tail repair at a file sink's open: input tail_base64 (the file's last min(size, 64 KiB) bytes,",
        "standard padded base64) and offset (where they start: size - window length).",
        "Output: action none | append-newline | truncate, at (the file's size, or the size to truncate to),",
        "head (seq and mac of the repaired log's last line, null when it is empty).",
        "A torn append (an unterminated tail of at most 16 KiB that does not parse as JSON, which the verifier",
        "names audit-partial-line) is cut; any other unterminated tail is finished, never removed. A last line",
        "that is not an entry (re-serialised, CRLF, empty, none complete in a full window) is",
        "audit-malformed-line: the sink fails closed rather than continue the chain after it.",
    ]
    notes = {
        "Empty": "An empty file or empty lines.", "Unterminated": "A complete line that lost only its newline.",
        "Torn": "An append cut by a crash.", "Utf8": "Multi-byte UTF-8 in the last line.",
        "Forged": "A last line this core did not write.", "NonCanonical": "An entry re-serialised.",
        "Crlf": "Carriage returns at line ends.", "Window": "The 64 KiB read window's edges.",
        "Input": "Malformed input (a host bug).",
    }
    write("audit-repair-tail.json", "audit.repair-tail", header,
          [{"tests": tail_cases()}, {"tests": window_cases()}, {"tests": input_cases()}], notes)


if __name__ == "__main__":
    main()
