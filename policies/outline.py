"""A policy as its document reads: the section tree with its tasks, and the source text
with every target's quote highlighted. Pure functions over loaded rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from zhconv import convert


def simplified(text: str) -> str:
    """Display text in Simplified characters (quotes themselves are never converted)."""
    return convert(text or "", "zh-cn")


@dataclass
class OutlineNode:
    section: object
    depth: int
    tasks: list = field(default_factory=list)
    children: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"s{self.section.pk}"


def build_outline(sections: list, tasks: list, policy) -> list[OutlineNode]:
    """Nest sections (already in document order) and hang each task under its own."""
    nodes = {s.pk: OutlineNode(section=s, depth=s.depth) for s in sections}
    roots = []
    for s in sections:
        node = nodes[s.pk]
        (nodes[s.parent_id].children if s.parent_id in nodes else roots).append(node)
    traditional = policy.script == "traditional"
    for task in tasks:
        task.display_text = simplified(task.text) if traditional else task.text
        nodes[task.section_id].tasks.append(task)
    return roots


def highlight_quotes(text: str, quotes: list[tuple[int, str, str]]) -> SafeString:
    """Escape the text and wrap the first occurrence of each quote in <mark id="q-ID">.

    Quotes that overlap one already marked are marked inside its span by id only, so
    every target still has an anchor to link to.
    """
    spans = []
    aliases = {}
    for target_id, quote, label in quotes:
        if not quote:
            continue
        start = text.find(quote)
        if start < 0:
            continue
        end = start + len(quote)
        clash = next((s for s in spans if s[0] < end and start < s[1]), None)
        if clash:
            aliases.setdefault(clash[2], []).append(target_id)
            continue
        spans.append((start, end, target_id, label))
    spans.sort()
    out, pos = [], 0
    for start, end, target_id, label in spans:
        out.append(escape(text[pos:start]))
        extra = "".join(f'<span id="q-{a}"></span>' for a in aliases.get(target_id, []))
        out.append(f'<mark id="q-{target_id}" title="{escape(label)}">{extra}{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))
