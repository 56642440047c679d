"""babelsite: a multilingual static documentation site generator."""

__version__ = "0.1.0"
