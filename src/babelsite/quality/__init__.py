"""Quality: what an author runs besides build.

Cross-language and link checks (`checks`), translation status and its reports (`status`),
starting an article or translation (`new`) and a site (`init`). May use `content`,
`links`, `markdown` and the data types.
"""
