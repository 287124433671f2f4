"""The content-based family (implemented with the hybrid in ``hybrid.py``, which shares its encoder)."""

from workbench.models.hybrid import ContentConfig, ContentModel

__all__ = ["ContentConfig", "ContentModel"]
