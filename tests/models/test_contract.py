"""The contract every model family passes, on small synthetic data with a planted structure."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields

import numpy as np
import pytest
import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from tests.planted import SPLIT_GROUPS, SPLIT_ITEMS, SPLIT_USERS, grouped_split
from workbench.core.interactions import Interactions, ItemContent
from workbench.core.progress import Cancelled, CancelToken
from workbench.errors import WorkbenchError
from workbench.models.base import ModelArtifact, TrainingError
from workbench.models.capabilities import ReadsSequence, capabilities
from workbench.models.registry import FAMILIES, create_model, model_from_artifact

N_USERS, N_ITEMS, N_GROUPS = SPLIT_USERS, SPLIT_ITEMS, SPLIT_GROUPS
planted = grouped_split  # the contract's data (other model tests import it from here)
FAST = {
    "mf": {"epochs": 15, "dim": 8, "learning_rate": 0.02, "l2": 0.01, "batch_size": 64},
    "bpr": {"epochs": 15, "dim": 8, "learning_rate": 0.02, "batch_size": 64},
    "neumf": {"epochs": 15, "dim": 8, "hidden": (16,), "learning_rate": 0.01, "batch_size": 64},
    "content": {"epochs": 15, "dim": 16, "filters": 16, "word_dim": 8, "learning_rate": 0.01,
                "batch_size": 64},
    "hybrid": {"epochs": 15, "dim": 16, "filters": 16, "word_dim": 8, "learning_rate": 0.01,
               "batch_size": 64},
    "autorec": {"epochs": 60, "hidden": 16, "learning_rate": 0.02, "l2": 1.0, "batch_size": 8},
    "als": {"factors": 8, "iterations": 10},
    "sasrec": {"epochs": 20, "dim": 16, "max_len": 12, "batch_size": 32, "learning_rate": 0.01,
               "negatives": 16, "dropout": 0.1},
}
#: encoder and option variants run through the same contract, as "family:variant"
VARIANTS = {
    "content:gru": {"text_encoder": "gru"},
    "hybrid:gru": {"text_encoder": "gru"},
    "content:pretrained": {"text_encoder": "pretrained"},
    "hybrid:pretrained": {"text_encoder": "pretrained"},
    "sasrec:content": {"use_content": True},
    "sasrec:augment": {"augment": "mask"},
}
CASES = [*FAMILIES, *VARIANTS]


def base(case: str) -> str:
    """The family of a contract case."""
    return case.split(":")[0]


def settings_for(case: str) -> dict:
    return {**FAST.get(base(case), {}), **VARIANTS.get(case, {})}
#: families that predict ratings (their held-out RMSE must beat the global mean)
RATING_MODELS = ("mf", "autorec")


def ndcg10(scores: np.ndarray, train: Interactions, test: Interactions) -> float:
    seen = train.to_csr(binary=True).toarray() > 0
    rel = test.to_csr(binary=True).toarray() > 0
    s = np.where(seen, -np.inf, scores)
    top = np.argsort(-s, axis=1)[:, :10]
    disc = 1 / np.log2(np.arange(2, 12))
    dcg = (np.take_along_axis(rel, top, 1) * disc).sum(1)
    idcg = np.array([disc[:min(10, n)].sum() for n in rel.sum(1)])
    return float((dcg[idcg > 0] / idcg[idcg > 0]).mean())


@pytest.fixture(autouse=True)
def _sentence_encoder(request) -> None:
    """Cases of the pretrained text encoder read a tiny sentence model built on the spot (skipped without
    the optional extra)."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and str(callspec.params.get("family", "")).endswith(":pretrained"):
        request.getfixturevalue("sentence_model")


@pytest.fixture(scope="module")
def data() -> tuple[Interactions, Interactions, ItemContent]:
    return planted()


_fitted: dict[str, object] = {}


def fitted(family: str, data):
    if family not in _fitted:
        train, _, content = data
        model = create_model(base(family), settings_for(family))
        model.fit_all(train, content=content)
        _fitted[family] = model
    return _fitted[family]


@pytest.mark.parametrize("family", CASES)
class TestModelContract:
    def test_config_defaults_have_help(self, family: str) -> None:
        cls = FAMILIES[base(family)]
        for f in fields(cls.Config):
            assert f.metadata.get("help"), f"{family}.{f.name} has no help"

    def test_learns_planted_structure(self, family: str, data) -> None:
        train, test, _ = data
        model = fitted(family, data)
        scores = model.score(np.arange(N_USERS))
        assert scores.shape == (N_USERS, N_ITEMS)
        rng_scores = np.random.default_rng(1).random((N_USERS, N_ITEMS))
        random_ndcg = ndcg10(rng_scores, train, test)
        if family == "pop":  # popularity is flat across groups: it must merely be a valid ranking
            assert ndcg10(scores, train, test) > 0
            return
        if family in RATING_MODELS:  # rating model: RMSE on held-out ratings beats the global mean
            pred = np.array([model.score(np.array([u]), np.array([i]))[0, 0]
                             for u, i in zip(test.user_idx, test.item_idx, strict=True)])
            mean_rmse = np.sqrt(((train.values.mean() - test.values) ** 2).mean())
            assert np.sqrt(((pred - test.values) ** 2).mean()) < 0.7 * mean_rmse
        assert ndcg10(scores, train, test) > random_ndcg + 0.25

    def test_never_recommends_seen(self, family: str, data) -> None:
        train, _, _ = data
        model = fitted(family, data)
        seen = train.to_csr(binary=True)
        for u in range(0, N_USERS, 7):
            recs = model.recommend(f"u{u}", n=20)
            rows = {model.items.row(i) for i, _ in recs}
            assert not rows & set(seen[u].indices)
            assert len(recs) == 20

    def test_reload_in_new_process_gives_identical_scores(self, family: str, data, tmp_path) -> None:
        model = fitted(family, data)
        art = model.to_artifact()
        path = tmp_path / "model.safetensors"
        import json
        path.write_bytes(st_save(art.tensors))
        (tmp_path / "meta.json").write_text(json.dumps({"family": art.family, "config": art.config,
                                                        "users": art.users, "items": art.items,
                                                        "meta": art.meta}))
        expected = model.score(np.arange(N_USERS))
        script = (
            "import json,sys,numpy as np\n"
            "from pathlib import Path\n"
            "from safetensors.torch import load\n"
            "from workbench.models.base import ModelArtifact\n"
            "from workbench.models.registry import model_from_artifact\n"
            f"d=Path({str(tmp_path)!r}); j=json.loads((d/'meta.json').read_text())\n"
            "a=ModelArtifact(j['family'],j['config'],j['users'],j['items'],j['meta'],"
            "load((d/'model.safetensors').read_bytes()))\n"
            f"m=model_from_artifact(a); np.save(d/'s.npy', m.score(np.arange({N_USERS})))\n"
            "print(m.recommend('u0', n=3))\n")
        subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
        np.testing.assert_array_equal(np.load(tmp_path / "s.npy"), expected)
        # and in-process through the safetensors bytes
        again = model_from_artifact(ModelArtifact(art.family, art.config, art.users, art.items, art.meta,
                                                  st_load(st_save(art.tensors))))
        assert again.recommend("u3", n=5) == model.recommend("u3", n=5)

    def test_deterministic_with_seed_without_the_global_rng(self, family: str, data) -> None:
        """The same seed gives the same model, on a worker thread too, and training, reloading and
        scoring neither draw from nor reseed torch's global generator (other threads use it)."""
        train, _, content = data
        settings = dict(settings_for(family))
        if "epochs" in settings:
            settings["epochs"] = 2
        a = create_model(base(family), settings)
        b = create_model(base(family), settings)
        torch.manual_seed(1234)
        before = torch.get_rng_state()
        a.fit_all(train, content=content)
        model_from_artifact(a.to_artifact()).score(np.arange(5))
        assert torch.equal(torch.get_rng_state(), before), "training touched torch's global generator"
        torch.rand(100)  # what another thread draws must not change the next model
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(b.fit_all, train, content=content).result()
        np.testing.assert_array_equal(a.score(np.arange(5)), b.score(np.arange(5)))

    def test_cancel_is_honoured_at_the_next_batch(self, family: str, data) -> None:
        # cancelled from the first progress event, not from a wall-clock timer: the run must stop at the
        # loop's next check instead of finishing its epochs, however slow the machine is
        train, _, content = data
        settings = dict(settings_for(family))
        if "epochs" in settings:
            settings.update(epochs=1_000, patience=0)
        if "iterations" in settings:  # ALS: one report per iteration, far more iterations than needed
            settings.update(iterations=1000, patience=0)
        model = create_model(base(family), settings)
        token = CancelToken()
        events = []

        def on_batch(event: object) -> None:
            events.append(event)
            token.cancel()

        try:
            model.fit_all(train, content=content, cancel=token, on_batch=on_batch)
        except Cancelled:
            assert len(events) == 1, f"{len(events)} progress events after the cancel"
        else:
            assert not model.iterative, "an iterative model finished all its epochs instead of cancelling"

    def test_unknown_user_is_a_clear_error(self, family: str, data) -> None:
        model = fitted(family, data)
        with pytest.raises(WorkbenchError, match="unknown user 'nobody'"):
            model.recommend("nobody", n=5)

    def test_scores_of_some_items_equal_those_columns_of_all(self, family: str, data) -> None:
        model = fitted(family, data)
        users = np.array([0, 7, 31])
        items = np.array([39, 2, 17, 2, 0])  # any order, repeats allowed
        np.testing.assert_allclose(model.score(users, items), model.score(users)[:, items],
                                   rtol=1e-5, atol=1e-5)

    def test_every_declared_capability_holds(self, family: str, data) -> None:
        model = fitted(family, data)
        caps = capabilities(model)
        assert "fold_in" in caps, "every family scores a new user from a few items"
        items = np.arange(N_ITEMS)
        score = model.score(np.array([3]), items)[0]
        if "score_parts" in caps:
            parts = model.score_parts(3, items)
            np.testing.assert_allclose(sum(parts.values()), score, rtol=1e-4, atol=1e-4)
        history = model.training_history(3)
        assert len(history) and history.min() >= 0 and history.max() < N_ITEMS
        # a new user who liked four group-1 items: their fold-in ranks group-1 items on top
        liked = np.array([1, 5, 9, 13])
        values = np.full(len(liked), 5.0, dtype=np.float32)
        folded = model.fold_in_user(liked, values)
        assert folded.shape == (N_ITEMS,) and np.isfinite(folded).all()
        if model.reads_history:
            own = (items % N_GROUPS == 1) & ~np.isin(items, liked)
            assert folded[own].mean() > folded[items % N_GROUPS != 1].mean()
            if not isinstance(model, ReadsSequence):
                # a sequence model reads the order of four items trained on 20 epochs without
                # validation: its top five are noisy (the mean above is its stable check)
                ranked = folded.copy()
                ranked[liked] = -np.inf
                assert (np.argsort(-ranked, kind="stable")[:5] % N_GROUPS == 1).mean() >= 0.6
        if "history_attribution" in caps:
            targets = np.array([17, 2, 21])
            split = model.explain_history(liked, values, targets)
            assert split.contributions.shape == (len(liked), len(targets))
            # the score split is the fold-in's own (rating models that clip: after clipping)
            np.testing.assert_allclose(split.full_scores, folded[targets], rtol=1e-4, atol=1e-4)
            if split.exact:
                np.testing.assert_allclose(split.base_scores + split.contributions.sum(0), split.full_scores,
                                           rtol=1e-4, atol=1e-4)
                assert split.method.startswith("exact")
                # same-group history items explain a same-group target more than the others do
                mixed = np.array([1, 5, 2, 3])
                contrib = model.explain_history(mixed, None, np.array([17])).contributions[:, 0]
                assert contrib[:2].mean() > contrib[2:].mean()
            else:
                assert split.method.startswith("approximate")
        emb = model.item_embeddings()
        assert emb is None or emb.shape[0] == N_ITEMS
        assert ("item_vectors" in caps) == (emb is not None)
        if "item_biases" in caps:
            biases = model.item_biases()
            assert biases.shape == (N_ITEMS,) and np.isfinite(biases).all()
        if "item_item_weights" in caps:
            weights = model.item_item_weights()
            assert weights.shape == (N_ITEMS, N_ITEMS)
            np.testing.assert_allclose(np.ones(len(history)) @ weights[history], score, rtol=1e-4, atol=1e-4)
        if "new_items" in caps:
            new = model.score_new_item("beta film new", "a story about beta", ["g1"])
            assert new.shape == (N_USERS,) and np.isfinite(new).all()
            vec = model.encode_new_item("beta film new", "a story about beta", ["g1"])
            assert vec.shape == (model.content_embeddings().shape[1],)
        if "content_attribution" in caps:
            attribution = model.attribute_content(17, user_row=3)
            total = attribution.token_weights.sum() + sum(attribution.categories.values())
            gap = attribution.score - attribution.baseline
            assert abs(total - gap) <= 0.05 * max(1.0, abs(gap))
            assert set(attribution.categories) == {"g1"}
        if "attention" in caps:
            rows, weights = model.attention(3)
            np.testing.assert_array_equal(rows, model.user_sequence(3))
            assert weights.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("family", [f for f in CASES if FAMILIES[base(f)].iterative])
def test_nan_loss_raises_training_error(family: str, data) -> None:
    train, _, content = data
    settings = dict(settings_for(family))
    config_fields = {f.name for f in fields(FAMILIES[base(family)].Config)}
    if "learning_rate" in config_fields:
        settings.update(learning_rate=1e30, epochs=3)
    else:  # closed-form steps (ALS) have no learning rate: overflow the confidence weights instead
        settings.update(alpha=3e38)
    bad = Interactions(train.user_idx, train.item_idx, train.values * 1e30, train.users, train.items,
                       kind="explicit")
    with pytest.raises(TrainingError, match="diverged"):
        create_model(base(family), settings).fit_all(bad, content=content)


@pytest.mark.parametrize("family", ["content", "hybrid", "content:gru", "hybrid:gru", "content:pretrained",
                                    "hybrid:pretrained"])
def test_cold_items_and_users(family: str, data) -> None:
    train, _, content = data
    group0 = np.arange(N_ITEMS)[::N_GROUPS]  # items of group 0
    cold = group0[:3]
    warm_train = train.subset(~np.isin(train.item_idx, cold))
    model = create_model(base(family), settings_for(family))
    model.fit_all(warm_train, content=content)
    scores = model.score(np.arange(N_USERS))
    ug = np.arange(N_USERS) % N_GROUPS
    # cold items (never interacted with) score higher for their group's users than for others
    assert scores[ug == 0][:, cold].mean() > scores[ug != 0][:, cold].mean()
    new = model.score_new_item("alpha film new", "a story about alpha", ["g0"])
    assert new.shape == (N_USERS,) and new[ug == 0].mean() > new[ug != 0].mean()
    vec = model.encode_new_item("alpha film new", "a story about alpha", ["g0"])
    assert vec.shape == (model.content_embeddings().shape[1],)
    # a new user with three group-1 items gets group-1 items on top
    folded = model.fold_in_user(np.array([1, 5, 9]))
    folded[[1, 5, 9]] = -np.inf
    top = np.argsort(-folded)[:5]
    assert (top % N_GROUPS == 1).mean() >= 0.8
