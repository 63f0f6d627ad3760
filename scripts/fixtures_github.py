#!/usr/bin/env python3
"""Regenerates tests/fixtures/github/examples.json from the npm package
@octokit/webhooks-examples (the community's example payloads for every GitHub webhook
event type, MIT, https://github.com/octokit/webhooks).

Keeps one example per (event type, action) pair of api.github.com/index.json (the
GitHub.com payloads; the GHES copies are left out), unchanged, as a JSON array of
{"event": <X-GitHub-Event>, "payload": <body>}. Needs `npm` (it runs `npm pack`, which
only downloads the tarball: nothing is installed or executed).

Usage: scripts/fixtures_github.py [VERSION]   (default: 7.6.1, the vendored one)
"""

import json
import os
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "github")
PACKAGE = "@octokit/webhooks-examples"
DEFAULT_VERSION = "7.6.1"


def main(argv):
    version = argv[0] if argv else DEFAULT_VERSION
    with tempfile.TemporaryDirectory() as tmp:
        name = subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{version}", "--silent"],
            cwd=tmp, check=True, stdout=subprocess.PIPE, text=True,
        ).stdout.strip().splitlines()[-1]
        with tarfile.open(os.path.join(tmp, name)) as tar:
            meta = json.load(tar.extractfile("package/package.json"))
            index = json.load(tar.extractfile("package/api.github.com/index.json"))
    if meta.get("license") != "MIT":
        sys.exit(f"{PACKAGE}@{version} is not MIT-licensed any more: {meta.get('license')}")

    seen = set()
    examples = []
    for webhook in index:
        for payload in webhook["examples"]:
            key = (webhook["name"], payload.get("action"))
            if key in seen:
                continue
            seen.add(key)
            examples.append({"event": webhook["name"], "payload": payload})

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "examples.json"), "w") as f:
        json.dump(examples, f, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(README.format(version=meta["version"], count=len(examples),
                              events=len({e["event"] for e in examples})))
    print(f"{len(examples)} examples of {len({e['event'] for e in examples})} event types "
          f"from {PACKAGE}@{meta['version']}")


README = """# GitHub webhook examples

`examples.json`: {count} payloads ({events} event types, one example per event type and
action) from the npm package `@octokit/webhooks-examples` {version}, the community's
example payloads maintained in https://github.com/octokit/webhooks (MIT, see `LICENSE`).
Unchanged, except that only the first example of each (event type, action) pair is kept;
each entry is `{{"event": <X-GitHub-Event>, "payload": <body>}}`.

Regenerate with `python3 scripts/fixtures_github.py [VERSION]` (runs `npm pack`).
"""

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
