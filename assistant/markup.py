"""One escaping rule for document and user text put into Markdown or HTML, shared by every output.

Chat messages, the reader, the briefing preview and the downloaded Markdown are rendered as Markdown
(with HTML allowed), so besides `< > & " '` the Markdown and LaTeX specials become numeric character
references: they show as themselves and are never read as syntax. Line breaks are kept.
"""

from __future__ import annotations

_MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|~$:=^"
_ESCAPES = {ord(c): f"&#{ord(c)};" for c in _MARKDOWN_SPECIALS}
_ESCAPES.update({ord("<"): "&lt;", ord(">"): "&gt;", ord("&"): "&amp;", ord('"'): "&quot;", ord("'"): "&#39;"})


def escape_markdown(text: str) -> str:
    """Text safe to show in a Markdown or HTML output: HTML and Markdown specials become character references."""
    return str(text).translate(_ESCAPES)
