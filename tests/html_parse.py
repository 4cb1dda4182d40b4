"""Parse an HTML fragment into its tags, attribute names and text, for checks of what a summary
or report contains (and what it must not)."""

from __future__ import annotations

from html.parser import HTMLParser

#: the elements a notebook summary may use: no script, no style, no image
SUMMARY_TAGS = {"div", "p", "strong", "br", "table", "caption", "thead", "tbody", "tr", "th", "td"}


class ParsedHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]

    def handle_data(self, data) -> None:
        self.text.append(data)


def parse_html(html: str) -> ParsedHtml:
    parsed = ParsedHtml()
    parsed.feed(html)
    parsed.close()
    return parsed
