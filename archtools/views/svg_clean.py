"""Graphviz SVG made safe to inline in a page: rebuilt from an allow-list, nothing active kept."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import escape

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"

# What graphviz writes into an SVG. Anything else (script, foreignObject, style, iframe, image,
# animate...) is dropped with its subtree.
_SVG_ELEMENTS = frozenset(
    {
        "svg", "g", "title", "desc", "defs", "a", "text", "tspan", "path", "polygon",
        "polyline", "ellipse", "circle", "rect", "line", "linearGradient", "radialGradient", "stop",
    }
)  # fmt: skip

# A paint, clip or filter reference may point inside the document only.
_OUTSIDE_URL = re.compile(r"url\(\s*(?![\s'\"]*#)", re.IGNORECASE)


def _local(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ns, local
    return "", name


def _attributes(element: ET.Element) -> str:
    out = []
    for name, value in sorted(element.attrib.items()):
        ns, local = _local(name)
        if ns == _XLINK_NS and local == "href":
            name = "xlink:href"
        elif ns:
            continue
        else:
            name = local
        lowered = name.lower()
        if lowered.startswith("on") or lowered == "style":
            continue
        if lowered.endswith("href") and not value.startswith("#"):
            continue  # only links inside the document; never javascript: or remote URLs
        if _OUTSIDE_URL.search(value):
            continue
        out.append(f' {name}="{escape(value, quote=True)}"')
    return "".join(out)


def _serialize(element: ET.Element, parts: list[str], root: bool = False) -> None:
    ns, tag = _local(element.tag)
    if ns not in ("", _SVG_NS) or tag not in _SVG_ELEMENTS:
        if element.tail:
            parts.append(escape(element.tail, quote=False))
        return
    xmlns = f' xmlns="{_SVG_NS}" xmlns:xlink="{_XLINK_NS}"' if root else ""
    parts.append(f"<{tag}{xmlns}{_attributes(element)}>")
    if element.text:
        parts.append(escape(element.text, quote=False))
    for child in element:
        _serialize(child, parts)
    parts.append(f"</{tag}>")
    if element.tail and not root:
        parts.append(escape(element.tail, quote=False))


def sanitize_svg(svg: str) -> str | None:
    """The SVG rebuilt from an allow-list of graphviz's elements, without scripts, event handlers,
    styles or outside links; None when it is not well-formed SVG."""
    try:
        root = ET.fromstring(svg.strip())
    except ET.ParseError:
        return None
    if _local(root.tag) != (_SVG_NS, "svg") and root.tag != "svg":
        return None
    parts: list[str] = []
    _serialize(root, parts, root=True)
    return "".join(parts)
