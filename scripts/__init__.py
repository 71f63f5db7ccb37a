"""Project scripts: the shared Markdown model and the tools built on it."""
