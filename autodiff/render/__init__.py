"""Renderers: interpreters over a trace that print it (tables, rules) or draw it."""
