"""A tiny sentence-transformers model built on the spot (no download), for tests of the pretrained encoder."""

from __future__ import annotations

from pathlib import Path

WORDS = ["alpha", "beta", "gamma", "delta", "film", "story", "a", "about", "new", "of", "and", "at", "night",
         "galaxy", "rocket", "alien", "starship", "planet", "romance", "wedding", "love", "kiss", "heart",
         "scifi", "g0", "g1", "g2", "g3", ".", ","]


def build_tiny_sentence_model(folder: Path) -> Path:
    """Save a 1-layer, 16-dimensional BERT sentence encoder with a word-level vocabulary under ``folder``."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    hf = folder / "hf"
    hf.mkdir(parents=True, exist_ok=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, *(str(d) for d in range(10))]
    (hf / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(hf / "vocab.txt"), do_lower_case=True)
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64)
    torch.manual_seed(0)
    BertModel(config).save_pretrained(str(hf))
    tokenizer.save_pretrained(str(hf))
    transformer = Transformer(str(hf), max_seq_length=48)
    pooling = Pooling(transformer.get_embedding_dimension(), "mean")
    out = folder / "sentence"
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(out))
    return out
