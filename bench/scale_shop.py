"""A generated shop of any size for the scale benchmark: power-law popularity, topics and series that both
the purchases and the item text reflect, increasing timestamps per user; seeded and vectorised (10M
interactions in seconds, never a users x items matrix).

Items belong to one of the demo shop's topics and to one of ``n_items // 50`` series inside it (the series
word appears in the title and the text, the topic is the category). A user follows two series and one
topic: each purchase comes from a followed series (60%), the user's topic (25%) or the whole shop (15%),
with probability proportional to the item's popularity inside that pool.
"""

from __future__ import annotations

import numpy as np

from workbench.core.ids import IdMap
from workbench.core.interactions import Interactions, ItemContent
from workbench.data.demo import ADJECTIVES, FILLER, TOPICS

SIZES = {"small": (10_000, 10_000, 500_000), "middle": (50_000, 50_000, 2_000_000),
         "big": (100_000, 100_000, 10_000_000),
         # the big catalogue with a tenth of its purchases: per-sample speed at 100K items, in minutes
         "wide": (100_000, 100_000, 1_000_000)}


def _pool_sampler(groups: np.ndarray, weight: np.ndarray, n_groups: int):
    """A function drawing, for each requested group, one item of that group with probability ~ weight."""
    order = np.lexsort((np.arange(len(groups)), groups))
    sorted_w = weight[order]
    starts = np.searchsorted(groups[order], np.arange(n_groups + 1))
    cum = np.cumsum(sorted_w)
    base = np.concatenate([[0.0], cum])

    def draw(group: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        lo, hi = base[starts[group]], base[starts[group + 1]]
        target = lo + rng.random(len(group)) * (hi - lo)
        pos = np.searchsorted(cum, target, side="right")
        pos = np.clip(pos, starts[group], np.maximum(starts[group + 1] - 1, starts[group]))
        return order[pos]
    return draw


def generate_shop(n_users: int, n_items: int, n_interactions: int, seed: int = 0
                  ) -> tuple[Interactions, ItemContent]:
    """Implicit purchases and item content of a shop of this size (distinct user-item pairs)."""
    rng = np.random.default_rng(seed)
    topics = list(TOPICS)
    n_topics = len(topics)
    n_series = max(n_topics, n_items // 50)
    series_topic = np.arange(n_series) % n_topics
    item_series = rng.integers(0, n_series, n_items)
    item_topic = series_topic[item_series]
    # power-law popularity: Zipf-like over a random order of the items
    popularity = 1.0 / (1.0 + rng.permutation(n_items)) ** 0.9
    by_series = _pool_sampler(item_series, popularity, n_series)
    by_topic = _pool_sampler(item_topic, popularity, n_topics)
    anywhere = _pool_sampler(np.zeros(n_items, dtype=np.int64), popularity, 1)

    counts = np.maximum(2, rng.lognormal(0.0, 0.8, n_users))
    # drawn with room for repeats, which are dropped below, then cut to the size asked
    counts = np.maximum(2, np.round(counts / counts.sum() * n_interactions * 1.6)).astype(np.int64)
    users = np.repeat(np.arange(n_users), counts)
    follows = rng.integers(0, n_series, (n_users, 2))
    pick = rng.random(len(users))
    items = np.empty(len(users), dtype=np.int64)
    from_series = pick < 0.6
    from_topic = (pick >= 0.6) & (pick < 0.85)
    rest = pick >= 0.85
    which = follows[users[from_series], rng.integers(0, 2, int(from_series.sum()))]
    items[from_series] = by_series(which, rng)
    items[from_topic] = by_topic(series_topic[follows[users[from_topic], 0]], rng)
    items[rest] = anywhere(np.zeros(int(rest.sum()), dtype=np.int64), rng)
    keys = np.unique(users * np.int64(n_items) + items)  # distinct purchases
    rng.shuffle(keys)
    keys = keys[:n_interactions]
    users, items = keys // n_items, keys % n_items
    order = np.argsort(users, kind="stable")
    users, items = users[order], items[order]
    # increasing timestamps within each user (the last purchase is the leave-last test item)
    timestamps = 1_640_995_200 + np.arange(len(users), dtype=np.int64)

    vocab = {t: TOPICS[t] for t in topics}
    adjective = rng.integers(0, len(ADJECTIVES), n_items)
    noun = rng.integers(0, 8, n_items)
    words = rng.integers(0, 8, (n_items, 4))
    filler = rng.integers(0, len(FILLER), (n_items, 2))
    titles, texts, cats = [], [], []
    for j in range(n_items):
        t = topics[item_topic[j]]
        v = vocab[t]
        titles.append(f"{ADJECTIVES[adjective[j]]} {v[noun[j]]} series{item_series[j]} {j}")
        texts.append(" ".join([*(v[w] for w in words[j]), f"line{item_series[j]}",
                               *(FILLER[f] for f in filler[j])]))
        cats.append([t])
    user_map = IdMap.from_ids([f"u{u}" for u in range(n_users)])
    item_map = IdMap.from_ids([f"i{i}" for i in range(n_items)])
    data = Interactions(users, items, np.ones(len(users), dtype=np.float32), user_map, item_map,
                        timestamps=timestamps, kind="implicit")
    return data, ItemContent(item_map, titles, texts, cats)
