"""The build, as steps, one module each: read them in this order.

- ``plan``: options, variants, and every check before a kernel starts (exit 2).
- ``execute``: run one variant (papermill, then the page); the local pool; the kernels.
- ``html``: the nbconvert renderer and the words around each page.
- ``pdf``: print the staged pages with one Chromium; combine a date's two PDFs.
- ``publish``: the output lock, staging, and renaming a variant's files into place.
- ``records``: typed build records, the build key, manifest, status, log and index.
- ``progress``: the progress lines on stderr.
- ``build``: the orchestrator that runs the steps in order (``drawdown build``).
"""
