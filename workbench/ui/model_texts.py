"""Texts of the model families and explanations (descriptions, setting names and help, how a score is
split over the history), marked for translation.

The families live in the Qt-free core, so ``pyside6-lupdate`` cannot see their texts there; this list
copies them as literals. Regenerate it after changing a family's texts: ``python -m workbench.ui.model_texts``
(a test fails while it is stale).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP

from workbench.ui.i18n import translate

CONTEXT = "ModelConfig"


def setting_label(name: str) -> str:
    """A config field's name as a form label ("batch_size" -> "Batch size"), translated."""
    return translate(CONTEXT, name.replace("_", " ").capitalize())


def model_text(text: str) -> str:
    """A family's description or a field's help, translated."""
    return translate(CONTEXT, text) if text else ""


def current_texts() -> list[str]:
    """Every description, field label and field help of the registered families, in a stable order."""
    from workbench.models.registry import FAMILIES

    texts: list[str] = []
    for cls in FAMILIES.values():
        texts.append(getattr(cls, "description", "") or "")
        config = getattr(cls, "Config", None)
        if config is not None and dataclasses.is_dataclass(config):
            for f in dataclasses.fields(config):
                texts.append(f.name.replace("_", " ").capitalize())
                texts.append(str(f.metadata.get("help", "")))
    from workbench.explain.history import LEAVE_ONE_OUT, NO_HISTORY

    # how each family splits a score over the history (its own words), and the fallback's
    texts += [cls.history_method for cls in FAMILIES.values()] + [LEAVE_ONE_OUT, NO_HISTORY]
    return sorted({t for t in texts if t})


# generated: begin
TEXTS: list[str] = [
    QT_TRANSLATE_NOOP("ModelConfig", 'ALS: implicit-feedback matrix factorisation (Hu et al. 2008); fast and strong on large catalogues'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'Adam learning rate'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Adam weight decay'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Alpha'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Augment'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Augment share'),
    QT_TRANSLATE_NOOP("ModelConfig", 'BPR matrix factorisation: pairwise ranking with sampled negatives'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Batch size'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Bias l2'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Biased matrix factorisation (global, user and item biases + factors)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Clip'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Cold neighbours'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Content-based: text CNN or GRU over title/description + category embeddings'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'Dim'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Dropout'),
    QT_TRANSLATE_NOOP("ModelConfig", 'EASE: closed-form linear item-item autoencoder, a very strong baseline'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'Epochs'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Factors'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Filters'),
    QT_TRANSLATE_NOOP("ModelConfig", "GMF factors (the MLP tower's embeddings are twice this)"),
    QT_TRANSLATE_NOOP("ModelConfig", 'Gibbs dim'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Gibbs kept'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Gibbs sweeps'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Heads'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Hidden'),
    QT_TRANSLATE_NOOP("ModelConfig", 'History dropout'),
    QT_TRANSLATE_NOOP("ModelConfig", 'History sample'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Hybrid: collaborative id embeddings + content encoder, robust to cold start'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'Item id dropout'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Item item l2'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Item item max items'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Item item weight'),
    QT_TRANSLATE_NOOP("ModelConfig", "Item-based AutoRec: autoencoder of each item's ratings (ratings only)"),
    QT_TRANSLATE_NOOP("ModelConfig", "Item-kNN: cosine similarity with shrinkage between items' user sets"),
    QT_TRANSLATE_NOOP("ModelConfig", 'Iterations'),
    QT_TRANSLATE_NOOP("ModelConfig", 'L2'),
    QT_TRANSLATE_NOOP("ModelConfig", 'L2 penalty (weight decay) on batch embeddings'),
    QT_TRANSLATE_NOOP("ModelConfig", 'L2 penalty lambda/2 * |W|^2 on encoder and decoder weights, against the summed squared error of all training ratings'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'L2 penalty on the embeddings used in a batch'),
    QT_TRANSLATE_NOOP("ModelConfig", 'L2 penalty on the factors used in a batch'),
    QT_TRANSLATE_NOOP("ModelConfig", 'L2 penalty on the user and item biases'),
    QT_TRANSLATE_NOOP("ModelConfig", 'L2 regularisation lambda (0: a tenth of the mean confidence mass of a user, adapted to the data)'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'L2 regularisation lambda of the closed-form item-item weights'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Layers'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Learning rate'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Lr decay'),
    QT_TRANSLATE_NOOP("ModelConfig", 'MLP tower layer sizes, comma separated'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Max len'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Max tokens'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Min word count'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Negatives'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Neighbours'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Neural CF: generalised MF + multi-layer perceptron towers'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Objective'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Passes'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Patience'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Popularity: the most interacted-with items, the same for every user'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Positive threshold'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Refit'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Regularization'),
    QT_TRANSLATE_NOOP("ModelConfig", "SASRec: self-attention over each user's time-ordered history; explained by its attention"),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'Seed'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Shrinkage'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Solver'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Temperature'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Text encoder'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Use content'),
    QT_TRANSLATE_NOOP("ModelConfig", 'User id dropout'),
    QT_TRANSLATE_NOOP("ModelConfig", 'Word dim'),
    QT_TRANSLATE_NOOP("ModelConfig", 'add a content vector (title/description words + categories) to each item, so items without interactions can be scored'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'after early stopping, train again on training + validation data for the best epoch count'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'after early stopping, train again on training + validation data for the best epoch count (rating objective)'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'alternating sweeps (each solves every user, then every item)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'an item without training interactions borrows its id vector, bias and item-item column from this many content-nearest warm items (0: content part only)'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'approximate (leave-one-out): fold-in score minus fold-in score without h; this model declares no exact split of its scores'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'approximate: share by cosine similarity in the item embedding space'),
    QT_TRANSLATE_NOOP("ModelConfig", 'attention heads per block (must divide dim)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'augment training sequences (sparse data): crop, mask or reorder a share of half the sequences of each batch'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'catalogues larger than this skip the item-item part (a dense items x items matrix; -1: up to 12000 items when it fits in the free memory)'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", "chance a sample's user id embedding is dropped (cold users)"),
    QT_TRANSLATE_NOOP("ModelConfig", "chance an item's id embedding is dropped in a training batch (teaches the content part to stand alone for cold items)"),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'clip predictions to the training rating range'),
    QT_TRANSLATE_NOOP("ModelConfig", 'confidence of an interaction: c = 1 + alpha * value / mean value'),
    QT_TRANSLATE_NOOP("ModelConfig", 'content: words seen in fewer training items map to <unk>'),
    QT_TRANSLATE_NOOP("ModelConfig", 'dropout between MLP layers'),
    QT_TRANSLATE_NOOP("ModelConfig", 'dropout on embeddings, attention and feed-forward layers'),
    QT_TRANSLATE_NOOP("ModelConfig", "emphasised dropout (EDLAE): adds dropout/(1-dropout) x each item's count to its penalty, so popular items lean less on themselves (0: plain EASE)"),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'epochs without validation improvement before stopping (0: never)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'epochs without validation improvement before stopping (0: never; -1: 6 when validation ranks fewer than 2,000 users, whose metric is noisy, else 3)'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'exact for the fold-in: ridge fold-in is linear in the history'),
    QT_TRANSLATE_NOOP("ModelConfig", "exact for the fold-in: ridge solve of the user's decoder row on the item codes (AutoRec); term = q_i A^-1 q_h x (rating - average user's prediction), measured from the average user; clipping to the rating range is in that base"),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'exact: B[h, item] x weight of h (EASE)'),
    QT_TRANSLATE_NOOP("ModelConfig", "exact: implicit's explain, the share of each history item in the re-solved user's score"),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'exact: similarity(h, item) x weight of h (item-kNN)'),
    QT_TRANSLATE_NOOP("ModelConfig", "exact: user = mean of the history items' vectors; term = projected vector of h . item vector"),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", "exact: user = mean of the history items' vectors; term = projected vector of h . item vector + item-item weight of h"),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'gibbs: draws the model keeps and averages (it holds gibbs_kept x gibbs_dim factors per user and item)'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'gibbs: factors per posterior draw (cost grows with its square and cube)'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'gibbs: sweeps over items and users; the first fifth is burn-in'),
    QT_TRANSLATE_NOOP("ModelConfig", "history items a training sample's user representation reads (longer histories are sampled; scoring reads them all)"),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", "how title + description words become a vector: cnn (convolution of width 3, max-pooled), gru (bidirectional GRU, max-pooled) or pretrained (frozen all-MiniLM-L6-v2 sentence vectors + a learned projection; needs pip install 'rec-workbench[pretrained]')"),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'interactions per batch'),
    QT_TRANSLATE_NOOP("ModelConfig", 'items per batch'),
    QT_TRANSLATE_NOOP("ModelConfig", 'latent factors per user and item'),
    QT_TRANSLATE_NOOP("ModelConfig", 'learning rate multiplier per epoch'),
    QT_TRANSLATE_NOOP("ModelConfig", 'maximum training epochs'),
    QT_TRANSLATE_NOOP("ModelConfig", 'maximum training epochs (one pass over all items each)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'most recent history items the model reads'),
    QT_TRANSLATE_NOOP("ModelConfig", 'neighbours kept per item (top-k most similar)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'no training history'),
    QT_TRANSLATE_NOOP("ModelConfig", 'positive interactions per batch'),
    QT_TRANSLATE_NOOP("ModelConfig", 'random seed: the same seed gives the same model on CPU'),
    QT_TRANSLATE_NOOP("ModelConfig", 'ranking objective: ratings >= this are positives (0: all)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'ranking: L2 of the closed-form (EASE) item-item part of the collaborative score, fit after training (0: no item-item part)'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", "ranking: items drawn uniformly per batch as extra negatives, besides the batch's other items"),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'ranking: log loss against sampled negatives; rating: squared error'),
    QT_TRANSLATE_NOOP("ModelConfig", 'ranking: ratings >= this are positives (0: all)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'ranking: sampled negatives per positive'),
    QT_TRANSLATE_NOOP("ModelConfig", 'ranking: softmax over the catalogue; rating: squared error'),
    QT_TRANSLATE_NOOP("ModelConfig", 'ranking: softmax temperature (lower sharpens)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'ranking: visits of every training interaction per epoch'),
    QT_TRANSLATE_NOOP("ModelConfig", 'rating objective: adam (gradient steps, early stopping on validation) or gibbs (Bayesian MF: factors drawn from their posterior and the draws averaged; no learning rate or L2 to choose, often more accurate, slower)'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'rating: squared error on observed ratings (the only objective)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'rating: squared error on ratings; ranking: BPR on positives; auto: rating on explicit ratings, ranking on implicit data'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'ratings >= this are positives (0: every interaction)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'ratings >= this count as interactions (0: every interaction)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'ratings >= this count as positives (0: every interaction)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'ratings >= this form the sequences (0: all)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'sampled negatives per positive'),
    QT_TRANSLATE_NOOP("ModelConfig", 'self-attention blocks'),
    QT_TRANSLATE_NOOP("ModelConfig", 'sequences per batch'),
    QT_TRANSLATE_NOOP("ModelConfig", 'share of a sequence cropped away, masked or reordered'),
    QT_TRANSLATE_NOOP("ModelConfig", "share of a training sample's history hidden from its user representation (the target item is always hidden)"),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'shrinkage added to the cosine denominator (damps rare co-occurrences)'),
    QT_TRANSLATE_NOOP("ModelConfig", 'size of item and user vectors'),
    QT_TRANSLATE_NOOP("ModelConfig", 'size of item vectors and of the attention layers'),
    QT_TRANSLATE_NOOP("ModelConfig", 'size of the sigmoid hidden code of each item'),
    QT_TRANSLATE_NOOP("ModelConfig", 'stop after this many iterations without a better validation NDCG@10 (0: never stop early)'),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'text encoder width: CNN filters, or GRU units over both directions'),
    QT_TRANSLATE_NOOP("ModelConfig", 'title + description tokens read per item'),
    QT_TRANSLATE_NOOP("ModelConfig", 'training interactions per batch'),
    QT_TRANSLATE_NOOP("ModelConfig", 'uniformly drawn negatives shared by a batch (besides in-batch ones)'),
    QT_TRANSLATE_NOOP("ModelConfig", "visits of every user's sequence per epoch"),
    QT_TRANSLATE_NOOP("ModelConfig", "weight of the item-item part once it is on the learned part's scale (1: both spread equally; raw EASE scores shrink on sparse data). -1: chosen on the validation part from 0 (learned part only) to 32 (item-item part dominates), 1 without one"),  # noqa: E501
    QT_TRANSLATE_NOOP("ModelConfig", 'word and category embedding size'),
    QT_TRANSLATE_NOOP("ModelConfig", 'words and features seen in fewer training items map to <unk> (a word unique to one item would act as its id, useless for cold items)'),  # noqa: E501
]
# generated: end


def _write() -> None:
    path = Path(__file__)
    source = path.read_text(encoding="utf-8")
    head, rest = source.split("# generated: begin\n", 1)
    _old, tail = rest.split("# generated: end\n", 1)
    lines = ["TEXTS: list[str] = ["]
    for text in current_texts():
        line = f"    QT_TRANSLATE_NOOP(\"ModelConfig\", {text!r}),"
        lines.append(line + ("  # noqa: E501" if len(line) > 110 else ""))
    lines.append("]")
    path.write_text(head + "# generated: begin\n" + "\n".join(lines) + "\n# generated: end\n" + tail,
                    encoding="utf-8")


if __name__ == "__main__":
    _write()
