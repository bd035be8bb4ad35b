# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python (drawdown)
#     language: python
#     name: drawdown
# ---

# %% [markdown] tags=["remove-in-report"]
# # Data quality: what to check before publishing
#
# Validation, translation coverage, events with a single source, unverified claims,
# coverage and curator's notes. The checks are in `src/analysis/quality.py`.

# %% tags=["parameters"]
as_of: str = ""  # date to check coverage against, YYYY-MM-DD; "" means today
data_dir: str = ""  # data directory (a Frictionless Data Package); "" means the project's data/

# %%
from analysis.quality import quality_report

quality_report(data_dir, as_of)

# %% [markdown] tags=["remove-in-report"]
# The same checks as pandas tables, one DataFrame per check (`tables["Unverified claims"]`),
# to filter, sort or export; the rows found per check:

# %%
from analysis.frames import quality_frames

tables = quality_frames(data_dir, as_of)
{name: len(table) for name, table in tables.items()}
