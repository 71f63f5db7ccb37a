"""Example verification: every fenced block in the docs checked by a real tool (see CONTRIBUTING.md)."""
