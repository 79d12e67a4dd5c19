#!/usr/bin/env python3
"""The include graph of modelcert's parts, checked against docs/architecture.md.

A module is a .c file and its .h (mc_sign.c + mc_sign.h); module A depends on module B when
a file of A includes B's header. A part is a top-level folder. The script checks that

  - every part-to-part edge is one the dependency rule allows (ALLOWED below, the table of
    docs/architecture.md), and spec/ includes from signing/ only the key-reference header;
  - no circle joins modules of the same part (a strongly connected component of size > 1);

and prints the part graph and per-part counts, the figures the architecture issue asks for.

usage: include_graph.py SOURCE_DIR [--quiet]     exit 0 when the rules hold, 1 otherwise
"""
import os
import re
import sys

PARTS = ["common", "spec", "reference", "signing", "audit", "checks", "export", "onnx", "verbs",
         "reports", "cli"]

# Which parts each part may include (directly). The rule of docs/architecture.md:
#   cli → reports → verbs → {checks, export, onnx, audit} → reference → spec → common;
#   signing → common only; audit → signing only (checkpoints); verbs and the parts left of
#   them may use signing; spec → signing for the key reference alone (SPEC_FROM_SIGNING).
BELOW_REFERENCE = {"reference", "spec", "common"}
ALLOWED = {
    "common": set(),
    "spec": {"common", "signing"},
    "reference": {"spec", "common"},
    "signing": {"common"},
    "audit": {"signing", "common"},
    "checks": BELOW_REFERENCE,
    "export": BELOW_REFERENCE,
    "onnx": BELOW_REFERENCE,
    "verbs": {"checks", "export", "onnx", "audit", "signing"} | BELOW_REFERENCE,
    "reports": {"verbs", "checks", "export", "onnx", "audit", "signing"} | BELOW_REFERENCE,
    "cli": {"reports", "verbs", "checks", "export", "onnx", "audit", "signing"} | BELOW_REFERENCE,
}
SPEC_FROM_SIGNING = {"mc_keyref.h", "mc_pkcs11_uri.h", "mc_bech32.h"}
# Parts whose modules must form no circle (the rule). Circles elsewhere are printed
# as notes: the spec's loader and checker, the run and its context, are one subject each.
CIRCLE_FREE = {"signing", "audit", "checks", "export", "onnx", "verbs"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def scan(src):
    """Returns {header name: part}, {module: part} and [(module, part, included header)]."""
    header_part, module_part, includes = {}, {}, []
    for part in PARTS:
        d = os.path.join(src, part)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith((".c", ".h")):
                continue
            module = part + "/" + name[:-2]
            module_part[module] = part
            if name.endswith(".h"):
                header_part[name] = part
            with open(os.path.join(d, name), encoding="utf-8") as f:
                for inc in INCLUDE.findall(f.read()):
                    includes.append((module, part, inc))
    return header_part, module_part, includes


def circles(nodes, edges):
    """Strongly connected components of size > 1 (Tarjan, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    src, quiet = sys.argv[1], "--quiet" in sys.argv[2:]
    header_part, module_part, includes = scan(src)
    problems = []
    part_edges = {}
    module_edges = {}
    for module, part, inc in includes:
        if inc not in header_part:
            continue  # a generated or third-party header (onnx.pb-c.h)
        target_part = header_part[inc]
        target = target_part + "/" + inc[:-2]
        if target != module:
            module_edges.setdefault(module, set()).add(target)
        if target_part == part:
            continue
        part_edges.setdefault((part, target_part), set()).add(module + " -> " + inc)
        if target_part not in ALLOWED[part]:
            problems.append(f"{module} includes {target_part}/{inc}: {part} may not use "
                            f"{target_part}")
        elif part == "spec" and target_part == "signing" and inc not in SPEC_FROM_SIGNING:
            problems.append(f"{module} includes signing/{inc}: spec uses signing only for "
                            f"the key reference ({', '.join(sorted(SPEC_FROM_SIGNING))})")
    n_circles = 0
    for part in PARTS:
        nodes = sorted(m for m, p in module_part.items() if p == part)
        inner = {m: {t for t in module_edges.get(m, ()) if module_part.get(t) == part}
                 for m in nodes}
        for comp in circles(nodes, inner):
            if part in CIRCLE_FREE:
                n_circles += 1
                problems.append(f"circle in {part}/: {' <-> '.join(comp)}")
            elif not quiet:
                print(f"note: circle in {part}/ (allowed there): {' <-> '.join(comp)}")
        if not quiet:
            n_edges = sum(len(v) for v in inner.values())
            print(f"{part:10s} {len(nodes):3d} modules, {n_edges:3d} edges inside")
    if not quiet:
        print("part edges (part -> part: include lines):")
        for (a, b), lines in sorted(part_edges.items()):
            print(f"  {a} -> {b}: {len(lines)}")
        print(f"edges against the rule: {sum(1 for p in problems if 'may not' in p or 'only for' in p)}")
        print(f"circles inside {', '.join(sorted(CIRCLE_FREE))}: {n_circles}")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
