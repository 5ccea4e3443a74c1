"""Stage 4: page jobs → bytes (Jinja templates, page keys, minifying)."""
