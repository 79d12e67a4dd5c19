#!/usr/bin/env python3
"""Checks modelcert's audit proofs and checkpoints with code that is not modelcert's: only
hashlib and json (the DSSE signature is securesystemslib's, tests/interop/dsse_verify.py).
The Merkle tree is RFC 6962's definition, computed recursively, written here from the RFC.

usage: proof_check.py root DB N            the root over events 1..N of an SQLite trail
       proof_check.py root-jsonl FILE N    the same over `audit log --json` output
       proof_check.py verify PROOF         checks a proof file; exit 1 when it does not hold
       proof_check.py envelope PROOF OUT   writes the embedded checkpoint envelope to OUT
"""
import base64
import hashlib
import json
import sqlite3
import sys


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf(event_hash_hex):
    return hashlib.sha256(b"\x00" + bytes.fromhex(event_hash_hex)).digest()


def split(n):  # the largest power of two smaller than n
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return node(mth(leaves[:k]), mth(leaves[k:]))


def root_from_path(h, m, n, path):
    """Undoes RFC 6962's PATH(m, D[n]) (the leaf's sibling first, the root's child last)."""
    if n == 1:
        assert not path, "the path is longer than the tree is deep"
        return h
    assert path, "the path is shorter than the tree is deep"
    k = split(n)
    if m < k:
        return node(root_from_path(h, m, k, path[:-1]), path[-1])
    return node(path[-1], root_from_path(h, m - k, n - k, path[:-1]))


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(e):
    """SHA-256 of the event's canonical JSON: every field but its hash, details spliced in as
    the canonical text the trail stores (docs/audit.md, "The hash chain")."""
    parts = []
    for k in sorted(e):
        if k == "hash":
            continue
        parts.append(canonical(k) + ":" + (e[k] if k == "details" else canonical(e[k])))
    return hashlib.sha256(("{" + ",".join(parts) + "}").encode()).hexdigest()


def verify(path):
    doc = json.load(open(path, encoding="utf-8"))
    assert sorted(doc) == ["checkpoint", "proofs", "run_id", "tree_size", "type"], sorted(doc)
    assert doc["type"] == "modelcert.audit.proof/v1", doc["type"]
    env = doc["checkpoint"]
    assert env["payloadType"] == "application/vnd.modelcert.audit-checkpoint+json"
    body = base64.b64decode(env["payload"], validate=True)
    cp = json.loads(body)
    assert body == canonical(cp).encode(), "the payload is not canonical"
    assert cp["type"] == "modelcert.audit.checkpoint/v2", cp["type"]
    assert cp["tree_size"] == cp["head_id"] == doc["tree_size"], "size mismatch"
    root = bytes.fromhex(cp["root_hash"])
    for p in doc["proofs"]:
        e = p["event"]
        assert json.loads(e["details"])["run_id"] == doc["run_id"], "another run's event"
        assert p["leaf_index"] == e["id"] - 1, "wrong index"
        assert event_hash(e) == e["hash"], "event %d was altered" % e["id"]
        got = root_from_path(leaf(e["hash"]), p["leaf_index"], cp["tree_size"],
                             [bytes.fromhex(h) for h in p["path"]])
        assert got == root, "event %d's path does not lead to the root" % e["id"]
    print("ok: %d events of run %s in the tree of %d (root %s)" %
          (len(doc["proofs"]), doc["run_id"], cp["tree_size"], cp["root_hash"]))


def main():
    cmd = sys.argv[1]
    if cmd == "root":
        rows = sqlite3.connect(sys.argv[2]).execute(
            "select id, hash from events where id <= ? order by id", (int(sys.argv[3]),))
        hashes = [h for i, (id_, h) in enumerate(rows) if id_ == i + 1]
        print(mth([leaf(h) for h in hashes]).hex())
    elif cmd == "root-jsonl":
        events = json.load(open(sys.argv[2], encoding="utf-8"))
        print(mth([leaf(e["hash"]) for e in events if e["id"] <= int(sys.argv[3])]).hex())
    elif cmd == "verify":
        try:
            verify(sys.argv[2])
        except (AssertionError, KeyError, ValueError) as err:
            print("refused: %s" % err)
            sys.exit(1)
    elif cmd == "envelope":
        json.dump(json.load(open(sys.argv[2], encoding="utf-8"))["checkpoint"],
                  open(sys.argv[3], "w", encoding="utf-8"))


main()
