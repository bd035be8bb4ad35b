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

# %% [markdown]
# # Exploring the data with pandas
#
# `report.frames()` gives what the report knows on its date as pandas tables:
# `phases`, `deadlines`, `events` and `sources` (columns: `src/analysis/frames.py`).
# A date known only to a month, a year or a range has `_precision` beside it and
# `_from`/`_to` for its first and last possible day. Each question below is one or
# two lines.

# %% tags=["parameters"]
as_of: str = "2026-01-31"  # the date the tables describe, YYYY-MM-DD
lang: str = "en"  # names and titles in "en" or "ar"
data_dir: str = ""  # data directory; "" means the project's data/
site: str = "ain-al-asad"  # the site for "who said what"

# %%
from analysis.report import Report

report = Report.from_parameters(as_of=as_of, lang=lang, data_dir=data_dir, interactive=False)
phases, deadlines, events, sources = report.frames()
report

# %% [markdown]
# **What slipped, and by how much?** Days after the deadline in force (positive: late
# or overdue) and after the first promise; `_min`/`_max` differ only when a date is a range.

# %%
phases.query("days_after_deadline_max > 0 or days_after_original_max > 0")[
    ["site_name", "status", "original_due", "due", "end", "days_after_deadline_min",
     "days_after_deadline_max", "days_after_original_min", "revisions"]]

# %% [markdown]
# **Who said what about a site?** Attributed quotes, in the language they were said in.

# %%
events.loc[(events.site == site) & events.quote.notna(),
           ["start_from", "actor_name", "quote", "quote_language", "source_ids"]]

# %% [markdown]
# **Which claims rest on one source?**

# %%
events.loc[events.n_sources == 1, ["id", "kind", "confidence", "title", "source_id"]]

# %% [markdown]
# **How did the deadline in force change over time?** After each announcement, the
# due date in force for each phase.

# %%
deadlines.pivot_table(index="announced_to", columns="phase", values="due", aggfunc="last").ffill()
