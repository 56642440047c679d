"""Run babelsite as `python -m babelsite`."""

from .cli import main

raise SystemExit(main())
