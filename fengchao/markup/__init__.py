"""Markdown → safe HTML: Python-Markdown with our link and heading rules, its quick stages, the sanitiser, batch conversion."""
