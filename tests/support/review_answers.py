"""Scripted model answers for the review requests of `lint --review` / `pr check --review`.

The test server routes a review request by its json_schema name (``postmortem_review``: section
``review``); when the server has stepped down the ladder to plain JSON, by the default answer.
``Oracle(decide)`` reads the fields and candidates the prompt carries and answers
``decide(fields, candidates)`` (fields: id -> text; candidates: list of dicts with id, field, quote).
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from support.llm_server import Answer, Context, Reply, completion

_BLOCK = re.compile(r"\(JSON(?:; may be empty)?\):\n\n(\[\]|\[\n.*?\n\])\n", re.DOTALL)

Decide = Callable[[dict[str, str], list[dict[str, Any]]], dict[str, Any]]


def prompt_parts(ctx: Context) -> tuple[dict[str, str], list[dict[str, Any]]]:
    user = next(m["content"] for m in ctx.body["messages"] if m.get("role") == "user")
    fields, candidates = (json.loads(block) for block in _BLOCK.findall(user)[:2])
    return {f["id"]: f["text"] for f in fields}, candidates


def confirm_all(fields: dict[str, str], candidates: list[dict[str, Any]]) -> dict[str, Any]:
    return {"candidates": [{"id": c["id"], "verdict": "confirm", "reason": "blames a person"} for c in candidates],
            "missed": []}


class Oracle(Answer):
    def __init__(self, decide: Decide = confirm_all, *, fenced: bool = False):
        self.decide = decide
        self.fenced = fenced

    def reply(self, ctx: Context) -> Reply:
        fields, candidates = prompt_parts(ctx)
        content = json.dumps(self.decide(fields, candidates))
        if self.fenced:
            content = f"Here is my review:\n```json\n{content}\n```\n"
        return Reply(payload=completion(ctx, content))
