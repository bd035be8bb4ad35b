"""An HTML fragment that Jupyter displays as it is: the one display type the notebooks share."""

from __future__ import annotations


class Html:
    """An HTML fragment Jupyter displays as is (the fragment is already escaped)."""

    def __init__(self, html: str) -> None:
        self.html = str(html)

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html
