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
# # The coalition drawdown report
#
# Change a parameter below and run all cells; the last cell offers controls for every
# parameter that redraw the report above in place (and update `report`). For the data
# as pandas tables, `report.frames()` (see `explore.ipynb`). `drawdown build` runs this
# notebook headlessly (papermill) for each language and date. The parameters are
# declared in `src/analysis/params.py`; the logic is in `src/analysis/`.

# %% tags=["parameters"]
as_of: str = ""  # report date, YYYY-MM-DD; "" means today
lang: str = "en"  # report language: "ar" (Arabic, right-to-left) or "en"
data_dir: str = ""  # data directory (a Frictionless Data Package); "" means the project's data/
sites: list = []  # site ids, e.g. ["ain-al-asad", "erbil"] or "erbil,baghdad"; [] means every site
compare_to: str = ""  # an earlier date, YYYY-MM-DD, for "what changed since"; "" for none
ar_months: str = "iraqi"  # Arabic month names: "iraqi" (أيلول) or "egyptian" (سبتمبر)
digits: str = "western"  # digits in the Arabic report: "western" (2025) or "arabic" (٢٠٢٥)
rtl_axis: bool = True  # Arabic charts: time runs right-to-left (False: left-to-right)
interactive: bool = True  # show the controls at the end (the headless build sets False)

# %%
from analysis.controls import controls
from analysis.report import Report

parameters = dict(as_of=as_of, lang=lang, data_dir=data_dir, sites=sites, compare_to=compare_to,
                  ar_months=ar_months, digits=digits, rtl_axis=rtl_axis)
report = Report.from_parameters(**parameters)

# %%
report.title_block()

# %%
report.headline()

# %%
report.site_sections()

# %%
report.promise_vs_reality()

# %%
report.gantt()

# %%
report.statements()

# %%
report.changes_section()

# %%
report.commentary()

# %%
report.sources()

# %%
report.data_notes()

# %% tags=["remove-in-report"]
controls(report, interactive=interactive)
