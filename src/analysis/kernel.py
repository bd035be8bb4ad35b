"""Install the project's Jupyter kernel ("drawdown") into the current environment.

The kernel runs this environment's Python, so report notebooks import the same
``analysis`` package the build uses. ipykernel's default log level prints a
transport warning on every start, which would land in every build's stderr; the
kernel logs errors only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KERNEL_NAME = "drawdown"
DISPLAY_NAME = "Python (drawdown)"


def install(prefix: str = sys.prefix) -> Path:
    """Install the kernelspec under ``prefix``; it logs errors only. Returns its directory."""
    # ipykernel takes ~0.5 s to import: only `make setup` installs the kernel.
    from ipykernel.kernelspec import install as install_kernelspec

    path = Path(
        install_kernelspec(kernel_name=KERNEL_NAME, display_name=DISPLAY_NAME, prefix=prefix)
    )
    spec_file = path / "kernel.json"
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    if "--IPKernelApp.log_level=ERROR" not in spec["argv"]:
        spec["argv"].append("--IPKernelApp.log_level=ERROR")
    spec_file.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return path


def kernel_available(name: str = KERNEL_NAME) -> bool:
    """True when a kernelspec called ``name`` is installed."""
    # jupyter_client takes ~1 s to import: asked only when a build runs a kernel.
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        return False
    return True


if __name__ == "__main__":
    print(f"installed kernel {KERNEL_NAME!r} in {install()}")
