#!/usr/bin/env python3
"""What /api/history costs on a pledge with thousands of large progress reports (issue 11
item 2; tests/load/README.md, "History").

  history_bench.py [--a4pd build/release/server/a4pd] [--reports 3000] [--note-bytes 9000]

Starts its own a4pd (demo data, fresh directory), files REPORTS progress reports of NOTE_BYTES
each on one of gbr.delegate's pledges over the WebSocket (windows of 50 commands), then an
auditor reads the pledge's whole history page by page (following `next`) while a4pd's resident
memory (VmRSS, sampled every 5 ms) is watched. Prints the RSS before and its peak during the
read, the largest page, the number of pages and the time. Standard library only; nothing is
asserted (the bounds are asserted by audit_test), the figures are printed.
"""

import argparse
import base64
import http.client
import json
import os
import re
import socket
import subprocess
import tempfile
import threading
import time

PASSWORD = "bench-password"


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def request(port, method, target, token=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, target, body, headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def sign_in(port, user):
    status, data = request(port, "POST", "/api/session", body=json.dumps(
        {"username": user, "password": PASSWORD}))
    assert status == 200, data
    return json.loads(data)["token"]


class Ws:
    """The few parts of RFC 6455 a command writer needs: masked text out, text frames in."""

    def __init__(self, port, token):
        self.s = socket.create_connection(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                        f"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Protocol: a4p.v1\r\n"
                        f"Authorization: Bearer {token}\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.s.recv(1)
        assert b" 101 " in head.split(b"\r\n")[0], head
        self.pending = []

    def send(self, message):
        data = json.dumps(message).encode()
        n = len(data)
        header = bytes([0x81])
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + n.to_bytes(2, "big")
        else:
            header += bytes([0x80 | 127]) + n.to_bytes(8, "big")
        mask = os.urandom(4)
        stream = (mask * (n // 4 + 1))[:n]
        masked = (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")
        self.s.sendall(header + mask + masked)

    def _exactly(self, n):
        out = b""
        while len(out) < n:
            chunk = self.s.recv(n - len(out))
            assert chunk, "connection closed"
            out += chunk
        return out

    def next(self):
        while not self.pending:
            b0, b1 = self._exactly(2)
            n = b1 & 0x7F
            if n == 126:
                n = int.from_bytes(self._exactly(2), "big")
            elif n == 127:
                n = int.from_bytes(self._exactly(8), "big")
            payload = self._exactly(n)
            opcode = b0 & 0x0F
            assert opcode != 8, f"closed by a4pd: {payload[:2].hex()} {payload[2:]!r}"
            if opcode in (1, 0):
                self.pending += [json.loads(x) for x in payload.split(b"\n") if x.strip()]
        return self.pending.pop(0)

    def next_of(self, kind):
        while True:
            m = self.next()
            if m.get("type") == kind:
                return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a4pd", default="build/release/server/a4pd")
    ap.add_argument("--reports", type=int, default=3000)
    ap.add_argument("--note-bytes", type=int, default=9000)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(
            [args.a4pd, "--data", f"{tmp}/data", "--listen", "127.0.0.1:0", "--demo",
             "--demo-password", PASSWORD, "--rate", "1000000", "--burst", "1000000", "--rate-bytes", "1e9", "--burst-bytes", "1e9",
             "--log-level", "warn"], stdout=subprocess.PIPE, text=True)
        try:
            port = None
            for line in proc.stdout:
                m = re.search(r"listening on https?://[^:]+:(\d+)", line)
                if m:
                    port = int(m.group(1))
                    break
            assert port, "a4pd did not start"
            token = sign_in(port, "gbr.delegate")
            _, body = request(port, "GET", "/api/state", token)
            pledge = next(i for i, p in json.loads(body)["pledges"].items() if p["org"] == "GBR")
            ws = Ws(port, token)
            ws.send({"type": "hello"})
            ws.next_of("welcome")
            t0 = time.time()
            note = "n" * args.note_bytes
            window = 50
            for start in range(0, args.reports, window):
                batch = range(start, min(args.reports, start + window))
                for i in batch:
                    ws.send({"type": "command", "id": f"r{i}", "name": "pledge.report",
                             "args": {"id": pledge, "status": "on_track", "progress": i % 101,
                                      "note": f"{note}{i}"}})
                for _ in batch:
                    ack = ws.next_of("ack")
                    assert "seq" in ack, ack
            print(f"filed {args.reports} reports of {args.note_bytes} bytes on pledge:{pledge} "
                  f"in {time.time() - t0:.1f} s")

            auditor = sign_in(port, "un.auditor")
            time.sleep(1)
            before = rss_kb(proc.pid)
            peak = [before]
            done = threading.Event()

            def watch():
                while not done.is_set():
                    peak[0] = max(peak[0], rss_kb(proc.pid))
                    time.sleep(0.005)

            watcher = threading.Thread(target=watch)
            watcher.start()
            t0 = time.time()
            cursor, pages, largest, entries = 0, 0, 0, 0
            while True:
                status, body = request(
                    port, "GET", f"/api/history?entity=pledge:{pledge}&after={cursor}", auditor)
                assert status == 200, body[:300]
                pages += 1
                largest = max(largest, len(body))
                page = json.loads(body)
                entries += len(page["events"])
                if os.environ.get("A4P_BENCH_VERBOSE"):
                    print(f"page {pages}: after={cursor} {len(body)} bytes, RSS {rss_kb(proc.pid) / 1024:.1f} MB, peak {peak[0] / 1024:.1f} MB")
                if "next" not in page:
                    break
                cursor = page["next"]
            elapsed = time.time() - t0
            done.set()
            watcher.join()
            load = open("/proc/loadavg").read().split()[:3]
            print(f"history: {entries} entries in {pages} pages, largest page {largest} bytes, "
                  f"{elapsed:.2f} s")
            print(f"a4pd RSS: {before / 1024:.1f} MB before, peak {peak[0] / 1024:.1f} MB while "
                  f"served: +{(peak[0] - before) / 1024:.1f} MB (load average {' '.join(load)})")
        finally:
            proc.terminate()
            proc.wait(30)


if __name__ == "__main__":
    main()
