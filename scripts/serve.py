"""``python -m scripts.serve``: ``mkdocs serve`` that notices a saved file within 0.1 s instead of 0.5 s.

MkDocs 1.6 watches files with watchdog's polling observer and a fixed 0.5 s interval, so on average a quarter
of a second (and up to half a second) passes before a rebuild even starts. This wraps the same command with
a 0.1 s interval; every argument goes to ``mkdocs serve`` unchanged.

    python -m scripts.serve --dev-addr 127.0.0.1:8000
"""

from __future__ import annotations

import sys

from mkdocs import __main__ as mkdocs_cli
from mkdocs.commands import serve as serve_command
from mkdocs.livereload import LiveReloadServer

POLLING_INTERVAL = 0.1  # seconds


class QuickLiveReloadServer(LiveReloadServer):
    """MkDocs' live-reload server with a shorter file-polling interval."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("polling_interval", POLLING_INTERVAL)
        super().__init__(*args, **kwargs)


def main(argv: list[str] | None = None) -> int:
    serve_command.LiveReloadServer = QuickLiveReloadServer  # type: ignore[misc]
    args = ["serve", *(sys.argv[1:] if argv is None else argv)]
    try:
        mkdocs_cli.cli.main(args=args, prog_name="mkdocs", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
