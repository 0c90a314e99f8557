"""Parse HTML the way a browser sees tags: for assertions about links, images and scripts."""

from __future__ import annotations

from html.parser import HTMLParser


class Tags(HTMLParser):
    """Every start tag with its attributes, to check what a browser would actually see."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def names(self) -> set[str]:
        return {tag for tag, _ in self.tags}

    def hrefs(self) -> list[str]:
        return [str(attrs["href"]) for _, attrs in self.tags if "href" in attrs]

    def event_handlers(self) -> list[str]:
        return [name for _, attrs in self.tags for name in attrs if name.startswith("on")]
