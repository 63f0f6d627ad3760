#!/usr/bin/env python3
"""Fails when a dependency needs a newer Rust than the crate's `rust-version` (its MSRV).

Reads `cargo metadata --all-features` (no second toolchain needed) and walks the resolved
graph from tower-webhook along normal and build dependencies, on every target platform,
through every feature. Each crate reached whose `rust-version` is greater than ours is an
offender: it is printed with the chain that pulls it in, and the script exits 1.

Left out on purpose: the root's dev-dependencies (and whatever only they pull in). They
build the tests, benchmarks and examples, not the library a user compiles; they are
listed as a note, never a failure.

`cargo metadata` resolves features for the whole workspace at once (dev-dependencies'
features included), so the walk can reach a crate that no real build of the library
compiles; it cannot miss one that a build does. An offender here is worth a look even
when it turns out to be one of those.

Usage: scripts/msrv.py [--rust-version X.Y]   (the option checks against another MSRV)
"""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def version_key(text):
    """'1.88' -> (1, 88, 0); numeric, so 1.100 sorts after 1.88."""
    parts = [int(p) for p in text.strip().split(".")]
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"not a rust-version: {text!r}")
    return tuple(parts + [0] * (3 - len(parts)))


def main(argv):
    assert version_key("1.100") > version_key("1.88") > version_key("1.9")
    assert version_key("1.88") == version_key("1.88.0") < version_key("1.88.1")
    override = None
    if argv[:1] == ["--rust-version"] and len(argv) == 2:
        override = argv[1]
    elif argv:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2

    manifest = os.path.join(ROOT, "Cargo.toml")
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--all-features",
         "--manifest-path", manifest],
        check=True, stdout=subprocess.PIPE,
    ).stdout
    meta = json.loads(out)
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    root = next(p["id"] for p in meta["packages"] if p["manifest_path"] == manifest)
    name = packages[root]["name"]
    msrv = override or packages[root]["rust_version"]
    if not msrv:
        print(f"msrv: {name} declares no rust-version", file=sys.stderr)
        return 1

    def walk(start_edges):
        """Breadth first along normal and build edges; returns {id: parent id}."""
        parent = {}
        queue = []
        for dep in start_edges:
            if dep["pkg"] not in parent:
                parent[dep["pkg"]] = root
                queue.append(dep["pkg"])
        while queue:
            current = queue.pop(0)
            for dep in nodes[current]["deps"]:
                if dep["pkg"] in parent or dep["pkg"] == root:
                    continue
                if any(k["kind"] in (None, "build") for k in dep["dep_kinds"]):
                    parent[dep["pkg"]] = current
                    queue.append(dep["pkg"])
        return parent

    root_deps = nodes[root]["deps"]
    normal = walk(d for d in root_deps
                  if any(k["kind"] in (None, "build") for k in d["dep_kinds"]))
    with_dev = walk(root_deps)
    dev_only = {i: p for i, p in with_dev.items() if i not in normal}

    def label(pkg_id):
        return f"{packages[pkg_id]['name']} {packages[pkg_id]['version']}"

    def chain(pkg_id, parent):
        links = [pkg_id]
        while links[-1] != root:
            links.append(parent[links[-1]])
        return " <- ".join(label(i) for i in links)

    def newer(reached):
        found = [i for i in reached
                 if packages[i]["rust_version"]
                 and version_key(packages[i]["rust_version"]) > version_key(msrv)]
        return sorted(found, key=lambda i: (version_key(packages[i]["rust_version"]), label(i)),
                      reverse=True)

    offenders = newer(normal)
    dev_offenders = newer(dev_only)
    declared = [i for i in normal if packages[i]["rust_version"]]

    for i in dev_offenders:
        print(f"msrv: note: dev-dependency only, not checked: {label(i)} needs "
              f"{packages[i]['rust_version']}  ({chain(i, with_dev)})")
    if offenders:
        print(f"msrv: FAIL: {len(offenders)} dependencies of {name} need a newer Rust than "
              f"its rust-version {msrv}:", file=sys.stderr)
        for i in offenders:
            print(f"  {label(i)} needs {packages[i]['rust_version']}  ({chain(i, normal)})",
                  file=sys.stderr)
        return 1
    top = max((version_key(packages[i]["rust_version"]) for i in declared), default=None)
    highest = sorted(label(i) for i in declared
                     if version_key(packages[i]["rust_version"]) == top)
    print(f"msrv: ok: {len(normal)} crates that {name} pulls in (normal and build "
          f"dependencies, all features, every platform; dev-dependencies left out) need at "
          f"most its rust-version {msrv}.")
    print(f"msrv: {len(declared)} declare a rust-version, {len(normal) - len(declared)} none; "
          f"the highest, {'.'.join(map(str, top)) if top else '-'}: {', '.join(highest)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
