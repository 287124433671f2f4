"""Mapping between external ids (always text) and contiguous row indices."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class IdMap:
    """External ids in row order; ``index[i] == ids[i]``'s row. Unknown ids map to -1."""

    ids: tuple[str, ...]
    _lookup: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup = {external: row for row, external in enumerate(self.ids)}
        if len(lookup) != len(self.ids):
            raise ValueError("IdMap ids must be unique")
        object.__setattr__(self, "_lookup", lookup)

    @classmethod
    def from_ids(cls, ids: Iterable[object]) -> IdMap:
        return cls(tuple(str(x) for x in ids))

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, external: object) -> bool:
        return str(external) in self._lookup

    def row(self, external: object) -> int:
        """Row of one id, or -1 when unknown (the caller chooses the cold-start path)."""
        return self._lookup.get(str(external), -1)

    def rows(self, externals: Sequence[object]) -> np.ndarray:
        """Rows of many ids as int64, -1 for unknown ids."""
        return np.fromiter((self._lookup.get(str(x), -1) for x in externals), dtype=np.int64,
                           count=len(externals))

    def external(self, row: int) -> str:
        return self.ids[int(row)]

    def externals(self, rows: Iterable[int]) -> list[str]:
        return [self.ids[int(r)] for r in rows]

    def to_list(self) -> list[str]:
        return list(self.ids)
