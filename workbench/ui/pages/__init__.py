"""The pages of the main window; each takes ``(ctx: AppContext, parent=None)``."""
