#!/usr/bin/env python3
"""Verify an A4P Workspace export (JSON Lines) without the project's code.

Written from docs/audit.md ("Verifying an export") alone: the chain of hashes, every
data_hash that can be checked, withheld stubs, and signed checkpoints. Python's standard
library only, plus PyNaCl (Debian: python3-nacl) when checkpoints are given.

    python3 tools/verify_export.py EXPORT.jsonl [--checkpoints FILE --pubkey KEY.pub ...]

Exit codes: 0 intact, 1 broken (or unreadable), 2 bad usage.
"""

import argparse
import hashlib
import json
import sys

GENESIS = "0" * 64


class Broken(Exception):
    pass


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError("duplicate key %r" % k)
        out[k] = v
    return out


def _no_float(text):
    raise ValueError("floating-point number %s" % text)


def parse_object(text):
    """One line -> dict, refusing duplicate keys and floating-point numbers."""
    value = json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_no_float,
                       parse_constant=_no_float)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def canonical(value):
    """Canonical JSON bytes (docs/audit.md, step 1)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def verify_lines(lines, want_seqs=()):
    """Step 2. Returns (head, head hash, withheld, redacted, {seq: hash} for want_seqs)."""
    prev, expect = GENESIS, 1
    withheld = redacted = 0
    seen = {}
    want = set(want_seqs)
    for raw in lines:
        if raw.endswith(b"\n"):
            raw = raw[:-1]
        if not raw:
            continue
        try:
            e = parse_object(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as x:
            raise Broken("first bad seq %d: line is not a valid JSON object (%s)" % (expect, x))
        if not is_int(e.get("seq")) or e["seq"] != expect:
            raise Broken("first bad seq %d: seq %r out of order" % (expect, e.get("seq")))
        h = e.get("hash")
        if not isinstance(h, str):
            raise Broken("first bad seq %d: no hash" % expect)
        if expect in want:
            seen[expect] = h
        if e.get("withheld") is True:
            withheld += 1
            prev = h
            expect += 1
            continue
        actor = e.get("actor")
        fields = [e.get(k) for k in ("ts", "name", "entity", "data_hash")]
        if (not isinstance(actor, dict) or not isinstance(actor.get("user"), str)
                or not isinstance(actor.get("org"), str)
                or not all(isinstance(f, str) for f in fields)):
            raise Broken("first bad seq %d: malformed event" % expect)
        if e.get("redacted") is True:
            redacted += 1
        else:
            if "data" not in e:
                raise Broken("first bad seq %d: no data" % expect)
            if sha256_hex(canonical(e["data"])) != e["data_hash"]:
                raise Broken("first bad seq %d: data_hash does not match data" % expect)
        header = {"actor": {"org": actor["org"], "user": actor["user"]},
                  "data_hash": e["data_hash"], "entity": e["entity"], "name": e["name"],
                  "seq": expect, "ts": e["ts"]}
        if sha256_hex(prev.encode("ascii") + canonical(header)) != h:
            raise Broken("first bad seq %d: hash does not chain" % expect)
        prev = h
        expect += 1
    return expect - 1, prev, withheld, redacted, seen


def read_checkpoints(path):
    """A checkpoints file: the /api/audit/checkpoints body, or JSON Lines (step 3)."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    try:
        whole = parse_object(text)
        if "checkpoints" in whole:
            if not isinstance(whole["checkpoints"], list):
                raise Broken("checkpoints: not an array")
            return whole["checkpoints"]
    except ValueError:
        pass
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        try:
            obj = parse_object(line)
        except ValueError as x:
            raise Broken("%s: line %d: %s" % (path, n, x))
        if "name" in obj:
            if obj["name"] == "audit.checkpoint" and isinstance(obj.get("data"), dict):
                out.append(obj["data"])
            continue
        out.append(obj)
    return out


def check_signature(cp, keys):
    """Step 3.1: '' when valid, else the problem."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    if not isinstance(cp, dict):
        return "not an object"
    for k in ("epoch", "hash", "key", "signature", "time"):
        if not isinstance(cp.get(k), str):
            return "missing " + k
    if not is_int(cp.get("seq")) or cp["seq"] < 1:
        return "missing seq"
    try:
        sig = bytes.fromhex(cp["signature"])
    except ValueError:
        return "malformed signature"
    if len(sig) != 64:
        return "malformed signature"
    key = keys.get(cp["key"])
    if key is None:
        return "signed by key %s, which is not among the given keys" % cp["key"]
    statement = canonical({"epoch": cp["epoch"], "hash": cp["hash"], "seq": cp["seq"],
                           "time": cp["time"]})
    try:
        VerifyKey(key).verify(statement, sig)
    except BadSignatureError:
        return "bad signature"
    return ""


def read_public_key(path):
    with open(path, "r", encoding="ascii") as f:
        line = f.readline().strip()
    key = bytes.fromhex(line)
    if len(key) != 32:
        raise ValueError("%s: expected 64 hex characters" % path)
    return key


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("export", help="a JSON Lines export")
    ap.add_argument("--checkpoints", help="signed checkpoints the export must extend")
    ap.add_argument("--pubkey", action="append", default=[],
                    help="the checkpoint signer's public key file (repeatable)")
    args = ap.parse_args(argv)
    if args.checkpoints and not args.pubkey:
        print("verify_export: --checkpoints needs --pubkey", file=sys.stderr)
        return 2
    try:
        cps = []
        if args.checkpoints:
            keys = {}
            for p in args.pubkey:
                k = read_public_key(p)
                keys[sha256_hex(k)] = k  # the fingerprint: sha256 of the 32 raw bytes
            cps = read_checkpoints(args.checkpoints)
            for cp in cps:
                problem = check_signature(cp, keys)
                if problem:
                    raise Broken("checkpoint %s: %s" % (json.dumps(cp), problem))
        with open(args.export, "rb") as f:
            head, head_hash, withheld, redacted, seen = verify_lines(
                f, [cp["seq"] for cp in cps])
    except Broken as b:
        print("broken: %s" % b)
        return 1
    except (OSError, ValueError) as x:
        print("verify_export: %s" % x, file=sys.stderr)
        return 1
    kind = ("full export, every data_hash checked" if withheld + redacted == 0 else
            "%d withheld, %d redacted" % (withheld, redacted))
    print("ok: %d events, head hash %s, %s" % (head, head_hash, kind))
    for cp in cps:
        if cp["seq"] > head:
            print("broken: the export ends at seq %d, before the checkpoint of seq %d signed %s"
                  % (head, cp["seq"], cp["time"]))
            return 1
        if seen.get(cp["seq"]) != cp["hash"]:
            print("broken: checkpoint of seq %d signed %s: the export's hash there is %s, "
                  "the signed one %s" % (cp["seq"], cp["time"], seen.get(cp["seq"]), cp["hash"]))
            return 1
    if cps:
        print("checkpoints: %d verified, the latest at seq %d"
              % (len(cps), max(cp["seq"] for cp in cps)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
