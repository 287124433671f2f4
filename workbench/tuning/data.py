"""What a search's trials may see: the training and validation parts, never the test part."""

from __future__ import annotations

from workbench.core.interactions import Interactions
from workbench.errors import WorkbenchError
from workbench.evaluation.splits import Split


class LockedPartError(WorkbenchError):
    """A trial asked for the test part (a programming error: trials are scored on validation only)."""


class TrialSplit:
    """A split seen through the eyes of a search: ``train`` and ``valid`` are open, ``test`` is locked.

    Every access is recorded in ``reads`` (part names), so a test can assert what trials read. The final
    model is trained by the ordinary training runner from the stored split spec, which scores the test
    part once, after the search.
    """

    def __init__(self, split: Split) -> None:
        if len(split.valid) == 0:
            raise WorkbenchError("a search needs a validation part: give the split a valid_fraction above 0")
        self._split = split
        self.spec = split.spec
        self.reads: list[str] = []

    @property
    def train(self) -> Interactions:
        self.reads.append("train")
        return self._split.train

    @property
    def valid(self) -> Interactions:
        self.reads.append("valid")
        return self._split.valid

    @property
    def test(self) -> Interactions:
        self.reads.append("test")
        raise LockedPartError("trials are scored on the validation part; the test part is for the final "
                             "model only")

    def trial_view(self) -> Split:
        """A split whose held-out part is the validation part (for the evaluation protocol's masking)."""
        train, valid = self.train, self.valid
        empty = valid.subset(valid.user_idx[:0])
        return Split(train=train, valid=empty, test=valid, spec=self.spec)
