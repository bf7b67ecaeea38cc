#!/usr/bin/env python3
"""Extract the GitHub REST API data the tests use from GitHub's published packages.

Reads two npm packages, pinned in ``scripts/tools/github-api/package.json`` and
``package-lock.json`` beside it:

* ``@octokit/openapi``: GitHub's OpenAPI description of api.github.com. For
  every REST operation in ``OPERATIONS`` the script keeps the request body
  schema and the response schema of each status code, plus every component
  schema those reach through ``$ref``, and writes them to
  ``tests/support/github/api/openapi-subset.json``.
* ``@octokit/webhooks-examples``: real webhook payloads. The events in
  ``WEBHOOKS`` are written, unchanged, to ``tests/support/github/api/webhooks/``.

The schemas are converted from OpenAPI 3.0 to JSON Schema 2020-12 so that
``jsonschema`` validates with them directly:

* ``nullable: true`` becomes ``"null"`` in ``type`` (or an ``anyOf`` with
  ``{"type": "null"}`` where the schema has no ``type``);
* ``oneOf`` becomes ``anyOf``: GitHub's description lists alternatives that
  overlap (``basic-error`` or ``repository-rule-violation-error``; a private
  or a public user, told apart by a discriminator), and JSON Schema's
  ``oneOf`` would reject a body that fits more than one of them;
* annotations that do not affect validation (``description``, ``example``,
  ``title``, ``x-*`` and the like) are dropped to keep the file small.

Run it again to refresh the committed files (the tests never run npm):

    python scripts/tools/extract_github_api.py            # npm ci in scripts/tools/github-api when needed
    python scripts/tools/extract_github_api.py --node-modules /tmp/x/node_modules

To cover a new endpoint, add its operation id to ``OPERATIONS`` and rerun.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / "scripts" / "tools" / "github-api"
OUT_DIR = ROOT / "tests" / "support" / "github" / "api"
SPEC_FILE = "generated/api.github.com.json"

# Every REST operation the project (follow-ups sync, pull-request job and the
# GitHub emulator in tests/support) uses, by GitHub's operation id.
OPERATIONS = [
    "meta/root",
    "rate-limit/get",
    "users/get-authenticated",
    "users/get-by-username",
    "repos/get",
    "repos/check-collaborator",
    "repos/list-collaborators",
    "repos/get-content",
    "repos/create-or-update-file-contents",
    "repos/list-pull-requests-associated-with-commit",
    "pulls/list",
    "pulls/create",
    "pulls/get",
    "pulls/update",
    "pulls/list-files",
    "pulls/list-review-comments",
    "pulls/create-review-comment",
    "pulls/get-review-comment",
    "pulls/update-review-comment",
    "pulls/delete-review-comment",
    "pulls/list-reviews",
    "pulls/create-review",
    "issues/list-for-repo",
    "issues/create",
    "issues/get",
    "issues/update",
    "issues/list-comments",
    "issues/create-comment",
    "issues/get-comment",
    "issues/update-comment",
    "issues/delete-comment",
    "issues/list-labels-for-repo",
    "issues/create-label",
    "issues/get-label",
    "issues/update-label",
    "issues/list-milestones",
    "issues/create-milestone",
    "issues/get-milestone",
    "issues/update-milestone",
    "git/get-ref",
    "git/create-ref",
    "git/update-ref",
    "git/delete-ref",
    "git/get-blob",
    "git/create-blob",
    "git/get-tree",
    "git/create-tree",
    "git/get-commit",
    "git/create-commit",
    # `postmortem evidence add github:OWNER/REPO`: deployments and their statuses, releases
    "repos/list-deployments",
    "repos/create-deployment",
    "repos/list-deployment-statuses",
    "repos/create-deployment-status",
    "repos/list-releases",
    "repos/create-release",
]

# Schemas used for responses an operation does not document (a 502 from a
# proxy, a secondary rate limit 403 on an operation that lists no 403).
EXTRA_SCHEMAS = ["basic-error", "validation-error", "validation-error-simple"]

# (event, action or None for every example of the event); each example is
# written as webhooks/<event>[.<action>].<n>.json, n counting from 1.
WEBHOOKS = [
    ("pull_request", "opened"),
    ("pull_request", "synchronize"),
    ("pull_request", "reopened"),
    ("workflow_run", "completed"),
    ("push", None),
]

# Keywords that are annotations only, dropped from every schema.
ANNOTATIONS = {"description", "example", "examples", "title", "externalDocs", "deprecated", "xml", "discriminator"}
SCHEMA_MAPS = ("properties", "patternProperties")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
SCHEMA_SINGLE = ("items", "not", "additionalProperties")


def package_dir(node_modules: Path, name: str) -> Path:
    return node_modules.joinpath(*name.split("/"))


def ensure_packages(node_modules: Path | None) -> tuple[Path, dict[str, str]]:
    """The node_modules folder holding both packages at the pinned versions."""
    pins = json.loads((NODE_DIR / "package.json").read_text(encoding="utf-8"))["devDependencies"]
    wanted = {name: pins[name] for name in ("@octokit/openapi", "@octokit/webhooks-examples")}
    if node_modules is None:
        node_modules = NODE_DIR / "node_modules"
        if not all(package_dir(node_modules, name).is_dir() for name in wanted):
            print("installing the pinned npm packages (npm ci in scripts/tools/github-api)", file=sys.stderr)
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_DIR, check=True)
    versions = {}
    for name, pin in wanted.items():
        manifest = package_dir(node_modules, name) / "package.json"
        if not manifest.is_file():
            raise SystemExit(f"extract_github_api: {name} is not installed under {node_modules}")
        version = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        if version != pin:
            raise SystemExit(f"extract_github_api: {name} {version} is installed but scripts/tools/github-api/package.json pins {pin}")
        versions[name] = version
    return node_modules, versions


def convert(schema: Any) -> Any:
    """OpenAPI 3.0 schema object -> JSON Schema 2020-12, without annotations."""
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:  # OpenAPI 3.0 ignores the siblings of $ref
        return {"$ref": schema["$ref"]}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ANNOTATIONS or key.startswith("x-") or key in ("nullable", "readOnly", "writeOnly"):
            continue
        if key in SCHEMA_MAPS:
            out[key] = {name: convert(sub) for name, sub in value.items()}
        elif key in SCHEMA_LISTS:
            out[key] = [convert(sub) for sub in value]
        elif key in SCHEMA_SINGLE:
            out[key] = convert(value)
        else:
            out[key] = value
    if "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    if schema.get("nullable") is True:
        out = _nullable(out)
    return out


def _nullable(schema: dict) -> dict:
    if "type" in schema:
        kind = schema["type"]
        schema["type"] = [*kind, "null"] if isinstance(kind, list) else [kind, "null"]
        if "enum" in schema and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
        return schema
    if not schema:
        return schema  # any value, null included
    return {"anyOf": [schema, {"type": "null"}]}


def collect_refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref)
        for value in node.values():
            collect_refs(value, found)
    elif isinstance(node, list):
        for value in node:
            collect_refs(value, found)


def resolve(spec: dict, ref: str) -> Any:
    if not ref.startswith("#/"):
        raise ValueError(f"external $ref {ref!r} is not supported")
    node: Any = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def media_schema(spec: dict, holder: dict | None) -> Any:
    """The JSON schema of a response or request body (None when it has no body)."""
    if holder is None:
        return None
    if "$ref" in holder:
        holder = resolve(spec, holder["$ref"])
    content = holder.get("content") or {}
    for media in ("application/json", *content):
        if media in content and "schema" in content[media]:
            return content[media]["schema"]
    return None


def extract_operations(spec: dict) -> dict[str, dict]:
    index = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                index[operation["operationId"]] = (method, path, operation)
    missing = [op for op in OPERATIONS if op not in index]
    if missing:
        raise SystemExit(f"extract_github_api: operations not in the description: {', '.join(missing)}")
    operations = {}
    for operation_id in OPERATIONS:
        method, path, operation = index[operation_id]
        responses = {}
        for status, response in operation["responses"].items():
            schema = media_schema(spec, response)
            responses[status] = None if schema is None else convert(schema)
        request = media_schema(spec, operation.get("requestBody"))
        operations[operation_id] = {
            "method": method.upper(),
            "path": path,
            "request": None if request is None else convert(request),
            "responses": responses,
        }
    return operations


def extract_components(spec: dict, operations: dict) -> dict[str, dict]:
    """Every component schema the operations reach, converted."""
    wanted: set[str] = {f"#/components/schemas/{name}" for name in EXTRA_SCHEMAS}
    collect_refs(operations, wanted)
    schemas: dict[str, Any] = {}
    pending = sorted(wanted)
    while pending:
        ref = pending.pop()
        prefix = "#/components/schemas/"
        if not ref.startswith(prefix):
            raise SystemExit(f"extract_github_api: unexpected $ref {ref} in a schema")
        name = ref[len(prefix):]
        if name in schemas:
            continue
        schemas[name] = convert(resolve(spec, ref))
        more: set[str] = set()
        collect_refs(schemas[name], more)
        pending.extend(sorted(r for r in more if r[len(prefix):] not in schemas))
    return {"schemas": dict(sorted(schemas.items()))}


def write_json(path: Path, data: Any, *, indent: int | None = 1) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=indent, ensure_ascii=False, sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")


def extract_webhooks(examples: list[dict], out_dir: Path) -> list[str]:
    by_name = {entry["name"]: entry for entry in examples}
    written = []
    for old in out_dir.glob("*.json"):
        old.unlink()
    for event, action in WEBHOOKS:
        entry = by_name[event]
        count = 0
        for payload in entry["examples"]:
            if action is not None and payload.get("action") != action:
                continue
            count += 1
            stem = event if action is None else f"{event}.{action}"
            name = f"{stem}.{count}.json"
            write_json(out_dir / name, payload, indent=2)
            written.append(name)
        if count == 0:
            raise SystemExit(f"extract_github_api: no {event} {action or ''} example in the package")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--node-modules", type=Path, help="node_modules folder holding the two packages "
                        "(default: scripts/tools/github-api/node_modules, installed with npm ci when missing)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default: tests/support/github/api)")
    args = parser.parse_args(argv)

    node_modules, versions = ensure_packages(args.node_modules)
    spec_path = package_dir(node_modules, "@octokit/openapi") / SPEC_FILE
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    operations = extract_operations(spec)
    subset = {
        "info": {
            "description": "Request and response schemas of the GitHub REST operations postmortem-kit uses, "
                           "converted to JSON Schema 2020-12. Generated by scripts/tools/extract_github_api.py; "
                           "do not edit by hand.",
            "source": f"@octokit/openapi {versions['@octokit/openapi']} ({SPEC_FILE})",
            "api": spec["info"].get("x-github-plan", "api.github.com"),
            "openapi": spec["openapi"],
        },
        "operations": operations,
        "components": extract_components(spec, operations),
    }
    write_json(args.out / "openapi-subset.json", subset)

    examples_path = package_dir(node_modules, "@octokit/webhooks-examples") / "api.github.com" / "index.json"
    examples = json.loads(examples_path.read_text(encoding="utf-8"))
    written = extract_webhooks(examples, args.out / "webhooks")
    write_json(args.out / "webhooks" / "SOURCE.json", {
        "source": f"@octokit/webhooks-examples {versions['@octokit/webhooks-examples']} (api.github.com/index.json)",
        "files": written,
    })
    size = (args.out / "openapi-subset.json").stat().st_size
    print(f"wrote {args.out / 'openapi-subset.json'} ({len(operations)} operations, "
          f"{len(subset['components']['schemas'])} schemas, {size // 1024} KiB) and {len(written)} webhook payloads")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
