#!/usr/bin/env python3
"""The auditor's read benchmarks against a running a4pd (tests/load/README.md, "Audit reads").

  audit_bench.py --port P --password PW [--user un.auditor] [--requests 200] [--seed 1]
                 [--view light] [--skip-export]

1. /api/state?at=S at uniformly random S in [1, head], one after another on one keep-alive
   connection, each timed from the request to the last byte of the answer: p50/p90/p99/max.
   --view light asks for the past skeleton (&view=light, the audit timeline's read on a large
   log) instead of the whole past state.
2. The whole log exported through /api/events?after=C&limit=10000, following X-A4P-Next:
   events/s and bytes/s.
Standard library only; nothing is asserted, the figures are printed.
"""

import argparse
import http.client
import json
import random
import time


def pct(sorted_ms, p):
    return sorted_ms[min(len(sorted_ms) - 1, int(round(p / 100.0 * (len(sorted_ms) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", default="un.auditor")
    ap.add_argument("--password", required=True)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--view", choices=["full", "light"], default=None)
    ap.add_argument("--skip-export", action="store_true")
    args = ap.parse_args()

    conn = http.client.HTTPConnection(args.host, args.port, timeout=600)
    conn.request("POST", "/api/session",
                 json.dumps({"username": args.user, "password": args.password}),
                 {"Content-Type": "application/json"})
    r = conn.getresponse()
    token = json.loads(r.read())["token"]
    auth = {"Authorization": "Bearer " + token}

    conn.request("GET", "/api/events?after=0&limit=1", headers=auth)
    r = conn.getresponse()
    r.read()
    head = int(r.getheader("X-A4P-Head"))
    print("head %d" % head)

    rng = random.Random(args.seed)
    times, sizes = [], []
    for _ in range(args.requests):
        at = rng.randint(1, head)
        t0 = time.perf_counter()
        view = "&view=" + args.view if args.view else ""
        conn.request("GET", "/api/state?at=%d%s" % (at, view), headers=auth)
        r = conn.getresponse()
        body = r.read()
        times.append((time.perf_counter() - t0) * 1000.0)
        if r.status != 200:
            raise SystemExit("state?at=%d: %d %s" % (at, r.status, body[:200]))
        sizes.append(len(body))
    s = sorted(times)
    print("state?at random%s (%d requests): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, "
          "mean %.1f ms; answer %.1f MB on average"
          % (" view=" + args.view if args.view else "", len(s), pct(s, 50), pct(s, 90), pct(s, 99), s[-1], sum(s) / len(s),
             sum(sizes) / len(sizes) / 1e6))

    if args.skip_export:
        return
    cursor, events, nbytes, pages = 0, 0, 0, 0
    t0 = time.perf_counter()
    while True:
        conn.request("GET", "/api/events?after=%d&limit=10000" % cursor, headers=auth)
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise SystemExit("events after %d: %d" % (cursor, r.status))
        events += body.count(b"\n")
        nbytes += len(body)
        pages += 1
        nxt = r.getheader("X-A4P-Next")
        if nxt is None:
            break
        cursor = int(nxt)
    dt = time.perf_counter() - t0
    print("export through /api/events: %d events in %d pages, %.2f s: %.0f events/s, %.1f MB/s"
          % (events, pages, dt, events / dt, nbytes / dt / 1e6))


if __name__ == "__main__":
    main()
