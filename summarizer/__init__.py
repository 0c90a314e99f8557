"""summarizer: attributed, verified multi-source news briefings.

Library first: every CLI command is a function in :mod:`summarizer.pipeline`.
"""

__version__ = "0.1.0"
