"""Render: the linked site and its Markdown fragments into output files, pure.

Holds the Jinja environment and the views templates see (`pages`) and the theme's
templates and content-hashed static files (`theme`). Writes nothing: it yields
`OutputFile`s. May use `links`, `markdown`, `locale`, `parallel` and the data types.
"""
