"""Run babelsite as `python -m babelsite`."""

import os
import sys

# `python -m` puts the working folder first on the module path: run in a site folder, which may
# come from anyone, a `json.py` or `pagefind_bin.py` there would be imported instead of the real one.
if not sys.flags.safe_path and sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from .cli import main  # noqa: E402 - only once the working folder is off the module path

raise SystemExit(main())
