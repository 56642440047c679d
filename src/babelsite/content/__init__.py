"""Content: the site's files into pages.

Finds the Markdown files under the content folder (`sources`), parses their front matter
(`frontmatter`) and validates each into an `Article`, grouped by slug (`load`). May use
`config`, `locale`, `parallel` and the data types; never a later stage.
"""
