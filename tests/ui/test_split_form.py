"""The split form is generated from SplitSpec's field metadata and shows only what the chosen kind reads."""

from __future__ import annotations

import dataclasses

import pytest


def test_split_form_shows_the_fields_each_kind_reads_and_returns_a_spec(qtbot, empty_db):
    from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

    from tests.planted import load_stored, make_dataset
    from workbench.evaluation.splits import SplitSpec, make_split
    from workbench.ui.split_form import SplitForm

    form = SplitForm()
    qtbot.addWidget(form)
    form.show()
    assert form.spec() == dataclasses.asdict(SplitSpec())  # the core's defaults
    assert form.shown_fields() == ["test_fraction", "valid_fraction", "seed"]  # user_ratio
    with qtbot.waitSignal(form.changed):
        form.set_kind("leave_last")
    assert form.shown_fields() == ["k", "valid_fraction"]  # no fraction, and nothing random to seed
    assert form.editor("k").isVisible() and not form.editor("test_fraction").isVisible()
    form.set_kind("temporal")
    assert form.shown_fields() == ["test_fraction", "valid_fraction"]
    form.set_kind("none")
    assert form.shown_fields() == ["valid_fraction", "seed"]
    k = form.editor("k")
    assert isinstance(k, QSpinBox) and (k.minimum(), k.maximum()) == (1, 100)
    fraction = form.editor("test_fraction")
    assert isinstance(fraction, QDoubleSpinBox) and (fraction.minimum(), fraction.maximum()) == (0.01, 0.9)
    assert "held out for test" in fraction.toolTip()
    form.set_kind("leave_last")
    form.editor("k").setValue(2)
    form.editor("valid_fraction").setValue(0.0)
    spec = form.spec()
    assert spec["kind"] == "leave_last" and spec["k"] == 2 and spec["valid_fraction"] == 0.0
    data = load_stored(empty_db, make_dataset(empty_db)).interactions
    split = make_split(data, SplitSpec.from_dict(spec))  # what training builds from the form's spec
    assert len(split.valid) == 0 and len(split.test) == 2 * data.n_users
    form.set_spec({"kind": "cold_users", "test_fraction": 0.3})
    assert form.spec() == dataclasses.asdict(SplitSpec(kind="cold_users", test_fraction=0.3))
    with pytest.raises(KeyError):
        form.set_kind("weekly")


def test_split_texts_are_listed_for_translation():
    from workbench.ui.split_form import TEXTS, core_texts

    assert sorted(core_texts()) == sorted(TEXTS)
