"""Demo content: Bistro Saaristo, its menu, staff and six months of history.

`seed.seed_demo()` writes it; `menu` holds the restaurant's content as plain
data and `history` invents the visits.
"""

from typing import Protocol


class Writer(Protocol):
    """Where the seed reports progress: a file, or a command's stdout."""

    def write(self, text: str, /) -> object: ...
