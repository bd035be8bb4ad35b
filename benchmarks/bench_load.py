"""Issue 2: load + validate the shipped dataset (warm) and the loader's cold import cost.

Targets: load+validate < 0.2 s warm; importing the loader adds < 0.5 s to a cold start.
"""

from __future__ import annotations

from common import PYTHON, ROOT, command_seconds, median_seconds, record

from analysis.dataset import load_dataset


def main() -> None:
    data = ROOT / "data"
    load_dataset(data)
    warm = median_seconds(lambda: load_dataset(data), repeat=20)
    bare = command_seconds([PYTHON, "-c", "pass"], repeat=7)
    loader = command_seconds([PYTHON, "-c", "import analysis.dataset"], repeat=7)
    record(
        "load",
        {
            "load_validate_warm_median_s": round(warm, 4),
            "cold_start_bare_median_s": round(bare, 3),
            "cold_start_with_loader_median_s": round(loader, 3),
            "loader_import_adds_s": round(loader - bare, 3),
            "target_warm_s": 0.2,
            "target_import_s": 0.5,
        },
    )


if __name__ == "__main__":
    main()
