"""The coalition drawdown report: sourced data, an as-of timeline model, bilingual reports."""

__version__ = "0.1.0"
