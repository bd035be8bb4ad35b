"""The coalition drawdown report: a sourced dataset, an as-of timeline model, and bilingual reports."""

__version__ = "0.1.0"
