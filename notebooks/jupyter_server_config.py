"""JupyterLab settings for this project's notebooks (`make lab` passes this file).

Saving a notebook that git tracks writes it WITHOUT outputs: an executed report is
~400 kB of charts, widget state and PNG previews that would otherwise land in commits
(and in diffs). The page keeps showing the outputs; only the file on disk is clean.
Notebooks git does not track (an analyst's scratch copies) are saved as they are.

Kept on save: cell sources, ids, tags and the notebook's kernelspec/jupytext metadata.
Dropped: outputs, execution counts, widget state, the kernel's ``language_info`` and
papermill's or the frontend's run metadata. To keep outputs in a tracked notebook,
"Save As" an untracked copy, or export it (File > Save and Export Notebook As).

Run by hand: ``jupyter lab --config=notebooks/jupyter_server_config.py``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

#: Notebook-level metadata a run adds and a commit should not carry.
RUN_METADATA = ("widgets", "language_info", "papermill", "execution")
#: Cell-level metadata the same.
CELL_RUN_METADATA = ("execution", "papermill", "collapsed", "scrolled", "ExecuteTime")


def is_tracked(path: Path) -> bool:
    """True when git tracks ``path`` (False outside a repository or without git)."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "--error-unmatch", path.name],
            cwd=path.parent, capture_output=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def strip_outputs(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook without outputs and run metadata (changed in place and returned)."""
    for key in RUN_METADATA:
        notebook.get("metadata", {}).pop(key, None)
    for cell in notebook.get("cells", []):
        for key in CELL_RUN_METADATA:
            cell.get("metadata", {}).pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return notebook


def strip_tracked_notebooks(model: dict[str, Any], path: str, contents_manager: Any,
                            **_: Any) -> None:
    """ContentsManager pre-save hook: strip outputs of the notebooks git tracks."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    root = Path(getattr(contents_manager, "root_dir", "."))
    if is_tracked(root / path.lstrip("/")):
        strip_outputs(model["content"])


c = get_config()  # type: ignore[name-defined]  # noqa: F821 (traitlets provides it)
c.ContentsManager.pre_save_hook = strip_tracked_notebooks
