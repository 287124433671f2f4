"""A small synthetic shop with a planted structure that interactions and item text both reflect.

K latent topics each own a category and a vocabulary. An item is a topic mixture: its dominant topics give
its categories, title and most description words. A user has topic preferences; a user-item affinity is
the dot product of the two mixtures, which drives both what users pick (with a popularity skew) and the
rating they give (plus noise). CF models can learn it from the interactions, content models from the text.

``lang="zh"`` gives the same shop with Chinese titles, descriptions and categories (descriptions are run-on
sentences without spaces, as Chinese is written, with a few English words mixed in), so the word
segmentation of the content models and the word highlights of explanations can be seen at work.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.data.parsed import ImportReport, ParsedDataset
from workbench.errors import WorkbenchError

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

#: the same topics in Chinese, word for word (a few English words stay, as in real Chinese shop listings)
TOPICS_ZH = {
    "户外": ["帐篷", "徒步", "登山", "露营", "背包", "防水", "山地", "指南针"],
    "厨房": ["炒锅", "菜刀", "烘焙", "食谱", "不锈钢", "烤箱", "香料", "陶瓷"],
    "数码": ["无线", "电池", "蓝牙", "充电器", "屏幕", "音箱", "数字", "usb"],
    "图书": ["小说", "悬疑", "章节", "作者", "平装", "历史", "诗歌", "故事"],
    "健身": ["瑜伽", "哑铃", "跑步", "锻炼", "蛋白粉", "拉伸", "有氧", "垫子"],
    "园艺": ["种子", "土壤", "花盆", "鲜花", "堆肥", "水管", "修剪", "香草"],
    "玩具": ["拼图", "lego", "娃娃", "棋盘", "游戏", "毛绒", "积木", "彩色"],
    "美妆": ["精华", "乳液", "香水", "口红", "护肤", "洗发水", "有机", "光泽"],
}
ADJECTIVES_ZH = ["经典", "豪华", "小巧", "高级", "日常", "专业", "环保", "智能", "迷你", "超级"]
FILLER_ZH = ["品质", "设计", "优秀", "礼物", "耐用", "轻便", "全新", "最佳", "简单", "实惠"]
PRICE_BANDS = {"en": ("low", "mid", "high"), "zh": ("低价", "中价", "高价")}
LANGUAGES = ("en", "zh")


def generate_demo(seed: int = 0, lang: str = "en") -> ParsedDataset:
    """The demo shop as a parsed dataset (deterministic for a seed); ``lang`` is "en" or "zh"."""
    if lang not in LANGUAGES:
        raise WorkbenchError(f"unknown demo language '{lang}' (known: {', '.join(LANGUAGES)})")
    zh = lang == "zh"
    topics, adjectives, filler_words = (TOPICS_ZH, ADJECTIVES_ZH, FILLER_ZH) if zh else \
        (TOPICS, ADJECTIVES, FILLER)
    rng = np.random.default_rng(seed)
    topic_names = list(topics)
    k = len(topic_names)
    vocab = np.array([w for t in topic_names for w in topics[t]])
    word_topic = np.repeat(np.arange(k), [len(topics[t]) for t in topic_names])

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
    filler = rng.integers(0, len(filler_words), size=(N_ITEMS, 3))
    adjective = rng.integers(0, len(adjectives), size=N_ITEMS)
    noun_pick = rng.integers(0, 8, size=N_ITEMS)
    titles, texts, categories = [], [], []
    for j in range(N_ITEMS):  # 500 items: string assembly only, not a hot path
        topic = topic_names[main[j]]
        noun = topics[topic][noun_pick[j]]
        words = [*vocab[draws[j]].tolist(), *(filler_words[f] for f in filler[j])]
        if zh:
            titles.append(f"{adjectives[adjective[j]]}{noun} {j + 1:03d}")
            texts.append(f"一款{filler_words[filler[j, 0]]}的{noun}，{topic}爱好者的选择："
                         + "".join(words) + "。")
        else:
            titles.append(f"{adjectives[adjective[j]]} {noun.capitalize()} {j + 1:03d}")
            texts.append(f"A {filler_words[filler[j, 0]]} {noun} for {topic.lower()} fans: "
                         + " ".join(words) + ".")
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
                {"price_band": PRICE_BANDS[lang][int(p > 1) + int(p > 3)]} for p in popularity
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
        "language": lang,
    }
    return ParsedDataset(
        users=user_ids[user_idx[shuffle]],
        items=item_ids[item_idx[shuffle]],
        values=ratings[shuffle].astype(np.float64),
        timestamps=timestamps[shuffle].astype(np.int64),
        kind="explicit",
        rating_min=1.0,
        rating_max=5.0,
        source=f"demo generator (seed {seed}{', Chinese' if zh else ''})",
        report=report,
        item_info=item_info,
        user_info=user_info,
    )


def load_demo(db: Any, name: str = "demo", seed: int = 0, lang: str = "en") -> ImportReport:
    """Generate the demo shop (in ``lang``) and store it as dataset ``name`` (one transaction)."""
    from workbench.data.writer import write_dataset

    return write_dataset(db, generate_demo(seed, lang), name)
