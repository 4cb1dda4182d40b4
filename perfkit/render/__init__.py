"""Renderers: turn profiles and diffs into text for people (terminal) and files."""
