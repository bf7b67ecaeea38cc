"""Validate GitHub API bodies against tests/support/github/api/openapi-subset.json.

The subset (made by scripts/tools/extract_github_api.py from GitHub's
published OpenAPI description) holds, per operation id, the JSON Schema of
the request body and of the response body for each documented status. A
status the operation does not document (a 502 from a proxy, a secondary
rate-limit 403) is checked against GitHub's ``basic-error`` schema.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SUBSET = Path(__file__).resolve().parent / "api" / "openapi-subset.json"
BASE = "urn:postmortem-kit:github-openapi-subset"


class OpenApiSubset:
    def __init__(self, path: Path = SUBSET):
        self.document = json.loads(path.read_text(encoding="utf-8"))
        self.operations: dict[str, dict] = self.document["operations"]
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(BASE, resource)
        self._validators: dict[str, Draft202012Validator] = {}

    def _validator(self, pointer: str) -> Draft202012Validator:
        validator = self._validators.get(pointer)
        if validator is None:
            schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": f"{BASE}#{pointer}"}
            validator = Draft202012Validator(schema, registry=self.registry, format_checker=FormatChecker())
            self._validators[pointer] = validator
        return validator

    @staticmethod
    def _escape(text: str) -> str:
        return text.replace("~", "~0").replace("/", "~1")

    def response_errors(self, operation: str, status: int, body: Any) -> list[str]:
        """Why ``body`` is not what GitHub documents for ``operation`` answering ``status`` (empty: it is)."""
        spec = self.operations.get(operation)
        if spec is None:
            return [f"operation {operation} is not in the extracted subset"]
        key = str(status)
        if key in spec["responses"]:
            if spec["responses"][key] is None:
                return [] if body is None else [f"{operation} {status} has no body in GitHub's description, got one"]
            pointer = f"/operations/{self._escape(operation)}/responses/{key}"
        elif status >= 400:
            pointer = "/components/schemas/basic-error"
        else:
            return [f"{operation} does not document status {status}"]
        if body is None:
            return [f"{operation} {status}: no body, GitHub's description has one"]
        return self._errors(pointer, body, f"{operation} {status}")

    def request_errors(self, operation: str, body: Any) -> list[str]:
        spec = self.operations.get(operation)
        if spec is None or spec["request"] is None or body is None:
            return []
        return self._errors(f"/operations/{self._escape(operation)}/request", body, f"{operation} request")

    def _errors(self, pointer: str, body: Any, what: str) -> list[str]:
        errors = sorted(self._validator(pointer).iter_errors(body), key=lambda e: list(e.absolute_path))
        return [f"{what}: at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:5]]


@cache
def openapi_subset() -> OpenApiSubset:
    return OpenApiSubset()


def check_calls(calls) -> list[str]:
    """Problems in recorded emulator calls (responses and request bodies); empty when all conform."""
    subset = openapi_subset()
    problems = []
    for call in calls:
        if call.operation is None:
            problems.append(f"{call.method} {call.path}: no such operation in the emulator")
            continue
        problems += subset.response_errors(call.operation, call.status, call.response)
        if call.status < 400:
            problems += subset.request_errors(call.operation, call.request)
    return problems
