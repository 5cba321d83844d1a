"""A guide's Markdown as safe HTML.

markdown-it-py's CommonMark parser with raw HTML turned off: a `<script>` typed into a
guide is shown as text, never run. Its link check refuses `javascript:`, `vbscript:`,
`file:` and `data:` addresses (a refused link stays as plain text). Links that leave Stride
open without telling the new page where the reader came from.
"""

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

_parser = MarkdownIt("commonmark", {"html": False, "typographer": False}).disable("image")


def _link_open(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    if str(token.attrGet("href") or "").startswith(("http://", "https://")):
        token.attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


_parser.add_render_rule("link_open", _link_open)


def to_html(markdown: str) -> SafeString:
    """The guide's text as HTML that can be put on a page as it is."""
    html: str = _parser.render(markdown or "")
    return mark_safe(html)  # noqa: S308  (raw HTML is off and links are checked: see above)
