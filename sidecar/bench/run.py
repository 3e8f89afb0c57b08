"""`make bench-sidecar`: whole payments through the sidecar under load (wrk).

For the memory and the Redis store, at 1, 8 and 64 connections (one wrk
thread per connection), each connection loops decide -> signed -> response on
a fresh URL (payments.lua). Reports payments/s, HTTP requests/s and the
request latency p50/p99 (wrk's distribution), and writes a Markdown table.
A real redis-server runs on a free loopback port for the Redis rows. Audit
lines go to stdout (discarded), so the numbers are the service's, not a disk's fsync.
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, secs=20):
    end = time.time() + secs
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def ms(text):
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    v = float(m.group(1))
    return {"us": v / 1000, "ms": v, "s": v * 1000}[m.group(2)]


def run_wrk(port, conns, seconds):
    out = subprocess.run(["wrk", f"-t{conns}", f"-c{conns}", f"-d{seconds}s", "--latency", "-s",
                          os.path.join(HERE, "payments.lua"), f"http://127.0.0.1:{port}"],
                         capture_output=True, text=True, check=True).stdout
    lat = dict(re.findall(r"(50|99)%\s+([\d.]+[a-z]+)", out))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pay = re.search(r"PAYMENTS paid=(\d+) refused=(\d+) duration_us=(\d+)", out)
    paid, refused, dur = int(pay.group(1)), int(pay.group(2)), int(pay.group(3)) / 1e6
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"conns": conns, "payments_per_s": paid / dur, "requests_per_s": rps, "p50_ms": ms(lat["50"]),
            "p99_ms": ms(lat["99"]), "paid": paid, "refused": refused, "non_2xx": int(errors.group(1)) if errors else 0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sidecar", required=True)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"))
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="x402-sidecar-bench-")
    policy = os.path.join(tmp, "policy.json")
    with open(policy, "w") as f:
        json.dump({"max_per_call_usd": 1, "daily_limit_usd": 1000000000}, f)
    env = {"PATH": os.environ["PATH"], "X402_AUDIT_KEY": "22" * 32, "X402_FINGERPRINT_KEY": "11" * 32}
    rport = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", tmp], stdout=subprocess.DEVNULL)
    rows = []
    try:
        wait_port(rport)
        for store in ["memory", "redis"]:
            for conns in [1, 8, 64]:
                port = free_port()
                args = [a.sidecar, "--listen", f"127.0.0.1:{port}", "--policy", policy, "--store", store,
                        "--replica-id", "bench", "--redis-tenant", f"bench-{conns}-{time.time_ns()}"]
                if store == "redis":
                    args += ["--redis-url", f"redis://127.0.0.1:{rport}/0"]
                sc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    wait_port(port)
                    r = run_wrk(port, conns, a.seconds)
                    r["store"] = store
                    rows.append(r)
                    print(f"{store:6} c={conns:2}: {r['payments_per_s']:8.0f} payments/s, "
                          f"{r['requests_per_s']:8.0f} req/s, p50 {r['p50_ms']:.3f} ms, p99 {r['p99_ms']:.3f} ms, "
                          f"refused {r['refused']}, non-2xx {r['non_2xx']}", flush=True)
                finally:
                    sc.terminate()
                    sc.wait()
    finally:
        redis.terminate()
        redis.wait()
    nproc = os.cpu_count()
    lines = [f"Sidecar load ({time.strftime('%Y-%m-%d')}, {nproc} cores shared, wrk {a.seconds} s per row, "
             "loopback; a payment = decide + signed + response, 3 HTTP requests)", "",
             "| store | connections | payments/s | requests/s | p50 (ms) | p99 (ms) | refused |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['store']} | {r['conns']} | {r['payments_per_s']:.0f} | {r['requests_per_s']:.0f} | "
                     f"{r['p50_ms']:.3f} | {r['p99_ms']:.3f} | {r['refused']} |")
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {a.out}")
    if any(r["refused"] or r["non_2xx"] for r in rows):
        sys.exit("some payments were refused or failed: see the table")


if __name__ == "__main__":
    main()
