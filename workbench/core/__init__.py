"""Plain data containers shared by every part of the core: ids, interactions, item content, progress."""
