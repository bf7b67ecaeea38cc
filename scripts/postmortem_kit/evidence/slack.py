"""Slack workspace export: ``channels.json``, ``users.json`` and ``<channel>/<YYYY-MM-DD>.json``.

Read from a directory or the export's ZIP archive.  Only day files that can
hold messages in the window are opened (one day of margin either side, as the
day a file is named for follows the workspace's zone), one at a time, so
memory stays bounded by the largest day file.  Each message becomes one event:
``ts`` (seconds since 1970, as a decimal string) is converted exactly, user
ids are shown as display names (``<@U123>`` mentions too), thread replies,
edits, joins (``channel_join``) and bot messages are marked; deleted messages
and other housekeeping subtypes are skipped.  Enterprise Grid exports name
the member list ``org_users.json``; private channels, group and direct
messages are listed in ``groups.json``, ``mpims.json`` and ``dms.json``.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any, Iterator

from postmortem_kit.evidence.model import Evidence, EvidenceError, Options, parse_epoch
from postmortem_kit.evidence.probe import Probe, Progress
from postmortem_kit.incident import SourceLabel

_DAY_FILE = re.compile(r"\A(?P<channel>[^/]{1,200})/(?P<day>\d{4}-\d{2}-\d{2})\.json\Z")
_CATALOGS = ("channels.json", "groups.json", "mpims.json", "dms.json")
_USER_FILES = ("users.json", "org_users.json")
_MENTION = re.compile(r"<([@#!]?)([^<>|\n]{1,300})(?:\|([^<>\n]{0,300}))?>")
_SKIPPED = frozenset({"message_deleted", "tombstone", "channel_topic_history", "reminder_add", "pinned_item",
                      "unpinned_item", "thread_broadcast_deleted"})
MAX_TEXT = 4000


class SlackReader:
    name = "slack"
    title = "Slack workspace export, a directory or ZIP with channels.json, users.json and <channel>/<YYYY-MM-DD>.json"

    def sniff(self, probe: Probe) -> bool:
        if not probe.is_container:
            return False
        _, members = _rooted(probe.members)
        return any(name in members for name in (*_CATALOGS, *_USER_FILES)) or any(_DAY_FILE.match(m) for m in members)

    def read(self, probe: Probe, options: Options, progress: Progress) -> Iterator[Evidence]:
        source = probe.source
        root, members = _rooted(probe.members)
        present = set(members)
        if "channels.json" not in present or not any(name in present for name in _USER_FILES):
            missing = [name for name in ("channels.json", "users.json") if name not in present
                       and not (name == "users.json" and "org_users.json" in present)]
            found = ", ".join(sorted(present)[:6]) + (", …" if len(present) > 6 else "")
            raise EvidenceError(f"{source.shown}: not a Slack workspace export in the layout that is read: "
                                f"{' and '.join(missing)} missing (found: {found or 'nothing'}). A workspace export "
                                "has channels.json, users.json and one folder per channel of <YYYY-MM-DD>.json files")
        users = _users(source, root, present)
        channels = _channels(source, root, present)
        days = [(m, _DAY_FILE.match(m)) for m in members]
        wanted = [(m, match) for m, match in days if match and _day_may_hold(match["day"], options)]
        for done, (member, match) in enumerate(wanted, 1):
            progress.update(f"Slack {source.shown}", done, len(wanted))
            channel = channels.get(match["channel"], match["channel"])
            messages = source.json(root + member)
            where = source.where(root + member)
            if not isinstance(messages, list):
                raise EvidenceError(f"{where}: expected a list of messages, found {type(messages).__name__}; "
                                    "not a Slack export day file")
            label_file = source.label_file(member)
            for index, message in enumerate(messages, 1):
                item = _message(message, f"{where}: message {index}", users, channel, label_file, options)
                if item is not None:
                    yield item


def _rooted(members: list[str]) -> tuple[str, list[str]]:
    """Strip one wrapping folder (archives made by zipping the export's folder)."""
    tops = {m.split("/", 1)[0] for m in members}
    if len(tops) == 1 and all("/" in m for m in members):
        root = next(iter(tops)) + "/"
        inner = [m[len(root):] for m in members]
        if any(name in inner for name in (*_CATALOGS, *_USER_FILES)):
            return root, inner
    return "", members


def _day_may_hold(day_text: str, options: Options) -> bool:
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        return False
    window = options.window
    if window.start is not None and day < (window.start.date() - timedelta(days=1)):
        return False
    return not (window.end is not None and day > window.end.date() + timedelta(days=1))


def _users(source, root: str, present: set[str]) -> dict[str, str]:
    name = "users.json" if "users.json" in present else "org_users.json"
    data = source.json(root + name)
    if not isinstance(data, list):
        raise EvidenceError(f"{source.where(root + name)}: expected a list of users")
    users: dict[str, str] = {}
    for user in data:
        if isinstance(user, dict) and isinstance(user.get("id"), str):
            profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
            users[user["id"]] = _display(profile, user) or user["id"]
    return users


def _display(profile: dict, user: dict) -> str | None:
    for value in (profile.get("display_name"), profile.get("real_name"), user.get("real_name"), user.get("name")):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _channels(source, root: str, present: set[str]) -> dict[str, str]:
    """Folder name -> shown channel name (folders are named by channel name, or by id for direct messages)."""
    names: dict[str, str] = {}
    for catalog in _CATALOGS:
        if catalog not in present:
            continue
        data = source.json(root + catalog)
        if not isinstance(data, list):
            raise EvidenceError(f"{source.where(root + catalog)}: expected a list of conversations")
        for channel in data:
            if not isinstance(channel, dict):
                continue
            name, ident = channel.get("name"), channel.get("id")
            if isinstance(name, str):
                names[name] = f"#{name}"
            elif isinstance(ident, str):
                names[ident] = "direct message"
    return names


def _message(message: Any, where: str, users: dict[str, str], channel: str, label_file: str,
             options: Options) -> Evidence | None:
    if not isinstance(message, dict):
        raise EvidenceError(f"{where}: not a message object")
    subtype = message.get("subtype")
    if subtype in _SKIPPED or message.get("type", "message") != "message":
        return None
    if subtype == "message_changed" and isinstance(message.get("message"), dict):
        inner = dict(message["message"])
        inner.setdefault("edited", {"ts": message.get("ts")})
        inner["ts"] = inner.get("ts") or message.get("ts")
        message, subtype = inner, inner.get("subtype")
    ts = message.get("ts")
    if ts is None:
        raise EvidenceError(f"{where}: no `ts` (every Slack message has one)")
    at = parse_epoch(ts, where)
    if not options.window.holds(at):
        return None
    who = _author(message, users)
    text = _text(message, users)
    if subtype == "channel_join":
        body = f"{who} joined {channel}"
    else:
        marks = []
        thread = message.get("thread_ts")
        if isinstance(thread, str) and thread != ts:
            parent = parse_epoch(thread, where, what="thread_ts")
            marks.append(f"in the thread of {parent.strftime('%H:%M:%S')} UTC")
        if isinstance(message.get("edited"), dict):
            marks.append("edited")
        suffix = f" ({', '.join(marks)})" if marks else ""
        body = f"{channel} {who}{suffix}: {text}" if text else f"{channel} {who}{suffix} posted an attachment"
    if options.grep is not None and not options.grep.search(body):
        return None
    return Evidence(at, "events", body, SourceLabel("slack", "message", label_file, str(ts)))


def _author(message: dict, users: dict[str, str]) -> str:
    bot = message.get("subtype") == "bot_message" or ("bot_id" in message and "user" not in message)
    if bot:
        profile = message.get("bot_profile") if isinstance(message.get("bot_profile"), dict) else {}
        name = message.get("username") or profile.get("name") or message.get("bot_id") or "a bot"
        return f"{name} (bot)"
    user = message.get("user")
    if isinstance(user, str) and user in users:
        return users[user]
    profile = message.get("user_profile") if isinstance(message.get("user_profile"), dict) else {}
    return _display(profile, message.get("user_profile") or {}) or (user if isinstance(user, str) else "someone")


def _text(message: dict, users: dict[str, str]) -> str:
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    if not text.strip():
        for attachment in message.get("attachments") or []:
            if isinstance(attachment, dict):
                candidate = attachment.get("text") or attachment.get("fallback") or attachment.get("title")
                if isinstance(candidate, str) and candidate.strip():
                    text = candidate
                    break
    text = text[: MAX_TEXT * 2]

    def mention(match: re.Match[str]) -> str:
        sigil, target, label = match.group(1), match.group(2), match.group(3)
        if sigil == "@":
            return "@" + (users.get(target) or label or target)
        if sigil == "#":
            return "#" + (label or target)
        if sigil == "!":
            return "@" + (label or target.split("^", 1)[0])
        return f"{label} ({target})" if label else target

    if "<" in text:
        text = _MENTION.sub(mention, text)
    if "&" in text:
        text = html.unescape(text)
    text = text.strip()
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"

