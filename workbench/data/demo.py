"""A small synthetic shop with a planted structure that interactions and item text both reflect.

K latent topics each own a category and a vocabulary. An item is a topic mixture: its dominant topics give
its categories, title and most description words. A user has topic preferences; a user-item affinity is
the dot product of the two mixtures, which drives both what users pick (with a popularity skew) and the
rating they give (plus noise). CF models can learn it from the interactions, content models from the text.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.data.parsed import ImportReport, ParsedDataset

N_USERS = 1_000
N_ITEMS = 500
N_INTERACTIONS = 50_000
START = 1_640_995_200  # 2022-01-01 UTC
SPAN = 2 * 365 * 86_400

TOPICS = {
    "Outdoor": ["tent", "trail", "hiking", "camping", "backpack", "waterproof", "mountain", "compass"],
    "Kitchen": ["pan", "knife", "baking", "recipe", "stainless", "oven", "spice", "ceramic"],
    "Electronics": ["wireless", "battery", "bluetooth", "charger", "screen", "speaker", "digital", "usb"],
    "Books": ["novel", "mystery", "chapter", "author", "paperback", "history", "poetry", "story"],
    "Fitness": ["yoga", "dumbbell", "running", "workout", "protein", "stretch", "cardio", "mat"],
    "Garden": ["seeds", "soil", "planter", "flower", "compost", "hose", "pruning", "herbs"],
    "Toys": ["puzzle", "lego", "doll", "board", "game", "plush", "blocks", "colorful"],
    "Beauty": ["serum", "lotion", "fragrance", "lipstick", "skincare", "shampoo", "organic", "glow"],
}
ADJECTIVES = ["Classic", "Deluxe", "Compact", "Premium", "Everyday", "Pro", "Eco", "Smart", "Mini", "Ultra"]
FILLER = ["quality", "design", "great", "gift", "durable", "lightweight", "new", "best", "easy", "value"]


def generate_demo(seed: int = 0) -> ParsedDataset:
    """The demo shop as a parsed dataset (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    topic_names = list(TOPICS)
    k = len(topic_names)
    vocab = np.array([w for t in topic_names for w in TOPICS[t]])
    word_topic = np.repeat(np.arange(k), [len(TOPICS[t]) for t in topic_names])

    item_mix = rng.dirichlet(np.full(k, 0.25), size=N_ITEMS)
    user_mix = rng.dirichlet(np.full(k, 0.35), size=N_USERS)
    popularity = rng.lognormal(0.0, 1.0, size=N_ITEMS)

    # Item text: the dominant topics name the categories and supply most description words.
    order = np.argsort(-item_mix, axis=1)
    main, second = order[:, 0], order[:, 1]
    has_second = item_mix[np.arange(N_ITEMS), second] > 0.25
    n_words = 10
    word_probs = item_mix[:, word_topic] / np.bincount(word_topic)[word_topic]
    word_probs /= word_probs.sum(axis=1, keepdims=True)
    cum = np.cumsum(word_probs, axis=1)
    draws = (cum[:, None, :] < rng.random((N_ITEMS, n_words))[:, :, None]).sum(axis=2)
    draws = np.minimum(draws, len(vocab) - 1)
    filler = rng.integers(0, len(FILLER), size=(N_ITEMS, 3))
    adjective = rng.integers(0, len(ADJECTIVES), size=N_ITEMS)
    noun_pick = rng.integers(0, 8, size=N_ITEMS)
    titles, texts, categories = [], [], []
    for j in range(N_ITEMS):  # 500 items: string assembly only, not a hot path
        topic = topic_names[main[j]]
        noun = TOPICS[topic][noun_pick[j]]
        titles.append(f"{ADJECTIVES[adjective[j]]} {noun.capitalize()} {j + 1:03d}")
        words = [*vocab[draws[j]].tolist(), *(FILLER[f] for f in filler[j])]
        texts.append(f"A {FILLER[filler[j, 0]]} {noun} for {topic.lower()} fans: " + " ".join(words) + ".")
        cats = [topic] + ([topic_names[second[j]]] if has_second[j] else [])
        categories.append(cats)

    # How many items each user touches: skewed, at least 10, summing exactly to N_INTERACTIONS.
    weights = rng.lognormal(0.0, 0.7, size=N_USERS)
    counts = np.clip(np.floor(weights / weights.sum() * N_INTERACTIONS), 10, N_ITEMS // 2).astype(np.int64)
    diff = N_INTERACTIONS - int(counts.sum())
    step = 1 if diff > 0 else -1
    while diff != 0:
        room = (counts < N_ITEMS // 2) if step > 0 else (counts > 10)
        candidates = np.flatnonzero(room)
        take = candidates[rng.permutation(len(candidates))[: abs(diff)]]
        counts[take] += step
        diff -= step * len(take)

    # Gumbel top-k: each user picks counts[u] distinct items with probability ~ popularity * exp(4 affinity).
    affinity = user_mix @ item_mix.T
    z = (affinity - affinity.mean()) / affinity.std()
    logits = np.log(popularity)[None, :] + 1.5 * z
    ranked = np.argsort(-(logits + rng.gumbel(size=logits.shape)), axis=1)
    take = np.arange(N_ITEMS)[None, :] < counts[:, None]
    user_idx = np.broadcast_to(np.arange(N_USERS)[:, None], ranked.shape)[take]
    item_idx = ranked[take]
    noise = rng.normal(0.0, 0.6, size=len(user_idx))
    item_bias = rng.normal(0.0, 0.3, size=N_ITEMS)
    ratings = np.clip(np.rint(2.5 + 1.0 * z[user_idx, item_idx] + item_bias[item_idx] + noise), 1, 5)
    timestamps = START + rng.integers(0, SPAN, size=len(user_idx))
    shuffle = np.argsort(timestamps, kind="stable")

    user_ids = np.array([f"u{u:04d}" for u in range(1, N_USERS + 1)], dtype=object)
    item_ids = np.array([f"i{i:03d}" for i in range(1, N_ITEMS + 1)], dtype=object)
    regions = np.array(["north", "south", "east", "west"])[rng.integers(0, 4, size=N_USERS)]
    ages = np.array(["18-24", "25-34", "35-49", "50+"])[rng.integers(0, 4, size=N_USERS)]
    item_info = pd.DataFrame(
        {
            "external_id": item_ids,
            "title": titles,
            "text": texts,
            "categories": categories,
            "attributes": [
                {"price_band": ["low", "mid", "high"][int(p > 1) + int(p > 3)]} for p in popularity
            ],
        }
    )
    user_info = pd.DataFrame(
        {
            "external_id": user_ids,
            "features": [{"region": r, "age": a} for r, a in zip(regions, ages, strict=True)],
        }
    )
    report: dict[str, Any] = {
        "rows_read": len(user_idx),
        "rows_kept": len(user_idx),
        "generator": "demo",
        "seed": seed,
        "topics": topic_names,
    }
    return ParsedDataset(
        users=user_ids[user_idx[shuffle]],
        items=item_ids[item_idx[shuffle]],
        values=ratings[shuffle].astype(np.float64),
        timestamps=timestamps[shuffle].astype(np.int64),
        kind="explicit",
        rating_min=1.0,
        rating_max=5.0,
        source=f"demo generator (seed {seed})",
        report=report,
        item_info=item_info,
        user_info=user_info,
    )


def load_demo(db: Any, name: str = "demo", seed: int = 0) -> ImportReport:
    """Generate the demo shop and store it as dataset ``name`` (one transaction)."""
    from workbench.data.writer import write_dataset

    return write_dataset(db, generate_demo(seed), name)
