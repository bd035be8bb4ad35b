"""Faults during a build: a dying kernel, a cell over its timeout, Chromium killed while
printing, writes refused, SIGINT and SIGTERM.

Each fault must exit non-zero with a message that says what happened, leave no partial file
(no ``.drawdown-staging-*`` directory, no ``.*.tmp`` file) and the last good report byte for
byte as it was, and a rerun afterwards must succeed. One good build (minimal data, English,
HTML and PDF) is shared; every test hashes the published files itself before its fault.

Writes refused, as root: root ignores permission bits, so ``chmod 0o555`` proves nothing here.
Two ways that bind root too:

* ``chattr +i`` (immutable directory: no file may be created, renamed or removed in it, whoever
  asks; needs CAP_LINUX_IMMUTABLE and ext2/3/4, xfs or btrfs; the tests skip where chattr
  fails, and always undo it);
* ``RLIMIT_FSIZE`` on the build process (a write past the limit fails with EFBIG, as a full
  disk fails with ENOSPC; it applies to root and needs nothing).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.pipeline.build import build
from analysis.pipeline.plan import Options, expand_as_of
from conftest import MINIMAL_DIR, PROJECT_DIR, copy_dataset

pytestmark = pytest.mark.slow

AS_OF = "2025-10-15"
DRAWDOWN = [sys.executable, "-m", "analysis"]
#: The last good report: what no fault may touch.
PUBLISHED = [
    f"{AS_OF}/en/drawdown-report.html",
    f"{AS_OF}/en/drawdown-report.ipynb",
    f"{AS_OF}/en/drawdown-report.pdf",
    f"{AS_OF}/manifest.json",
    f"{AS_OF}/timeline.csv",
]
FAULTS: list[str] = []  # names of the faults injected, for the count at the end


# --------------------------------------------------------------------------- helpers


def build_args(data: Path, out: Path, *extra: str) -> list[str]:
    return [
        "build",
        "--data",
        str(data),
        "--out",
        str(out),
        "--as-of",
        AS_OF,
        "--lang",
        "en",
        *extra,
    ]


def run(
    *args: str, env: dict[str, str] | None = None, timeout: int = 300, preexec_fn=None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DRAWDOWN, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PROJECT_DIR,
        env=env,
        preexec_fn=preexec_fn,
    )


def hashes(out: Path) -> dict[str, str]:
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in PUBLISHED}


def leftovers(out: Path) -> list[str]:
    """Staging directories and temporary files: what an interrupted write leaves behind."""
    return sorted(
        str(p.relative_to(out))
        for p in out.rglob("*")
        if p.name.startswith(".drawdown-staging-") or re.match(r"^\..*\.(tmp|part)$", p.name)
    )


def assert_complete(out: Path) -> None:
    """Every report file there is whole: a reader never meets half a file."""
    for html in out.glob("*/*/drawdown-report.html"):
        assert html.read_text(encoding="utf-8").rstrip().endswith("</html>"), html
    for notebook in out.glob("*/*/drawdown-report.ipynb"):
        assert json.loads(notebook.read_text(encoding="utf-8"))["cells"], notebook
    for pdf in out.glob("*/*/drawdown-report.pdf"):
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), pdf


def assert_untouched(out: Path, before: dict[str, str]) -> None:
    assert hashes(out) == before, "the last good report changed"
    assert leftovers(out) == []
    assert_complete(out)


def rerun_succeeds(data: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    result = run(*build_args(data, out, *extra))
    assert result.returncode == 0, result.stderr
    assert leftovers(out) == []
    assert_complete(out)
    return result


def notebook_with(cell: str, tmp_path: Path) -> Path:
    """The report notebook with one extra code cell after the report is set up."""
    import nbformat

    notebook = nbformat.read(PROJECT_DIR / "notebooks" / "drawdown_report.ipynb", as_version=4)
    notebook.cells.insert(4, nbformat.v4.new_code_cell(cell))
    path = tmp_path / "faulty.ipynb"
    nbformat.write(notebook, path)
    return path


def options(data: Path, out: Path, **kwargs) -> Options:
    return Options(
        data_dir=data,
        as_of=tuple(expand_as_of(AS_OF, None)),
        langs=("en",),
        formats=("html", "pdf"),
        out=out,
        force=True,
        **kwargs,
    )


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """``chattr +i``: nobody, root included, may create, rename or delete in ``path``."""
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(
            f"chattr +i is not possible here ({done.stderr.strip()}): no way to refuse root a write"
        )
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def kernels_of(pid: int) -> list[int]:
    import psutil

    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        with contextlib.suppress(psutil.Error):
            if "ipykernel" in " ".join(child.cmdline()):
                found.append(child.pid)
    return found


def wait_until(condition, timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds (a wait on a process or a file, not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def gone(pids: list[int], timeout: float = 10) -> list[int]:
    """Wait for the processes to end; return those still alive after ``timeout``."""
    import psutil

    procs = []
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            procs.append(psutil.Process(pid))
    _, living = psutil.wait_procs(procs, timeout=timeout)
    return alive([p.pid for p in living])


def alive(pids: list[int]) -> list[int]:
    import psutil

    living = []
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                living.append(pid)
    return living


class Started:
    """A build in a subprocess whose stderr is read as it comes (a thread drains it)."""

    def __init__(self, args: list[str]) -> None:
        self.process = subprocess.Popen(
            args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=PROJECT_DIR
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    def wait_for_kernel(self, timeout: float = 60) -> list[int]:
        """Wait for the progress line "running", then for a kernel process of this build."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "running" in self.stderr:
                kernels = kernels_of(self.process.pid)
                if kernels:
                    return kernels
            assert self.process.poll() is None, self.stderr
            time.sleep(0.05)
        raise AssertionError(f"no kernel started within {timeout} s:\n{self.stderr}")

    def finish(self, timeout: float) -> int | None:
        """The exit code, or None (and the build killed) if it did not exit in time."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            code = None
        self._reader.join(timeout=5)
        return code


# --------------------------------------------------------------------------- the good build


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("faults")
    data = copy_dataset(MINIMAL_DIR, root / "data")
    out = root / "reports"
    result = run(*build_args(data, out))
    assert result.returncode == 0, result.stderr
    assert_complete(out)
    return data, out


# --------------------------------------------------------------------------- kernel faults


def test_a_kernel_that_dies_mid_run(site, tmp_path: Path, capfd) -> None:
    data, out = site
    before = hashes(out)
    notebook = notebook_with("import os; os._exit(1)", tmp_path)
    assert build(options(data, out, notebook=notebook)) == 1
    err = capfd.readouterr().err
    assert "2025-10-15 en failed: DeadKernelError: Kernel died" in err
    assert f"_failed/{AS_OF}-en-drawdown-report.ipynb" in err  # where to look
    assert alive(kernels_of(os.getpid())) == []
    assert_untouched(out, before)
    FAULTS.append("kernel dies mid-run")
    rerun_succeeds(data, out)


def test_a_cell_over_its_timeout(site, tmp_path: Path, capfd) -> None:
    data, out = site
    before = hashes(out)
    notebook = notebook_with("import time; time.sleep(30)", tmp_path)
    # Without the timeout the cell would finish and the build exit 0.
    assert build(options(data, out, notebook=notebook, cell_timeout=2)) == 1
    err = capfd.readouterr().err
    assert re.search(r"en failed: CellTimeoutError: .*timed out.* after 2 seconds", err), err
    assert alive(kernels_of(os.getpid())) == [], "the timed-out kernel is still running"
    assert_untouched(out, before)
    FAULTS.append("cell exceeds its timeout")
    rerun_succeeds(data, out)


# --------------------------------------------------------------------------- writes refused


def test_a_read_only_output_directory(site) -> None:
    data, out = site
    before = hashes(out)
    with immutable(out):
        result = run(*build_args(data, out, "--force"))
    assert result.returncode == 1
    assert "cannot write the output" in result.stderr
    assert "Operation not permitted" in result.stderr and str(out) in result.stderr
    assert "published reports are unchanged" in result.stderr
    assert "Traceback" not in result.stderr
    assert_untouched(out, before)
    FAULTS.append("output directory read-only")
    rerun_succeeds(data, out)


def test_a_read_only_report_directory_after_the_kernels_ran(site) -> None:
    data, out = site
    before = hashes(out)
    with immutable(out / AS_OF / "en"):
        result = run(*build_args(data, out, "--force"))
    assert result.returncode == 1
    assert "cannot write the output" in result.stderr
    assert f"{AS_OF}/en/drawdown-report" in result.stderr  # the file it could not publish
    assert "published reports are unchanged" in result.stderr
    assert_untouched(out, before)
    FAULTS.append("report directory read-only at publishing")
    rerun_succeeds(data, out)


def test_a_disk_that_refuses_the_write(site) -> None:
    """RLIMIT_FSIZE = 600 kB: the notebook (~50 kB) writes, the HTML (~1.2 MB) cannot."""
    data, out = site
    before = hashes(out)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (600_000, 600_000))

    result = run(*build_args(data, out, "--force"), preexec_fn=limit)
    assert result.returncode == 1
    assert "en failed: HTML conversion failed: OSError: [Errno 27] File too large" in result.stderr
    assert_untouched(out, before)
    FAULTS.append("disk refuses the write (EFBIG)")
    rerun_succeeds(data, out)


# --------------------------------------------------------------------------- signals


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupt_during_a_build(site, sig: signal.Signals) -> None:
    data, out = site
    before = hashes(out)
    started = Started([*DRAWDOWN, *build_args(data, out, "--force")])
    kernels = started.wait_for_kernel()  # a kernel of this build is running the notebook
    started.process.send_signal(sig)
    code = started.finish(timeout=20)
    assert code == 130, started.stderr
    assert "interrupted; published reports are unchanged" in started.stderr
    assert gone(kernels) == [], "a kernel outlived the interrupted build"
    assert_untouched(out, before)
    FAULTS.append(f"{sig.name} during a build")
    rerun_succeeds(data, out)


def test_an_interrupt_stops_a_long_running_cell(site, tmp_path: Path) -> None:
    data, _ = site
    out = tmp_path / "reports"  # its own output: a killed build would leave its staging here
    marker = tmp_path / "cell-started"
    notebook = notebook_with(
        f"import time; open({str(marker)!r}, 'w').close(); time.sleep(600)", tmp_path
    )
    script = (
        "import sys; from pathlib import Path; from analysis.pipeline.build import build; "
        "from analysis.pipeline.plan import Options, "
        "expand_as_of; sys.exit(build(Options(data_dir=Path(sys.argv[1]), "
        "as_of=tuple(expand_as_of(sys.argv[2], None)), langs=('en',), formats=('html',), "
        "out=Path(sys.argv[3]), notebook=Path(sys.argv[4]), cell_timeout=60)))"
    )
    started = Started([sys.executable, "-c", script, str(data), AS_OF, str(out), str(notebook)])
    kernels = started.wait_for_kernel()
    wait_until(marker.exists, 60, "the long cell to start")
    started.process.send_signal(signal.SIGINT)
    code = started.finish(timeout=6)  # an interrupted real report exits within ~2 s
    for pid in alive(kernels):  # clean up whatever the build left
        os.kill(pid, signal.SIGKILL)
    assert code == 130, started.stderr
    assert "interrupted" in started.stderr
    assert gone(kernels) == []
    assert leftovers(out) == []
    FAULTS.append("SIGINT during a long cell")


def test_a_later_build_clears_a_killed_builds_staging(site) -> None:
    data, out = site
    stale = out / ".drawdown-staging-killed0"
    (stale / AS_OF / "en").mkdir(parents=True, exist_ok=True)
    (stale / ".drawdown-staging").write_text("")  # the mark every build's staging carries
    users = out / ".staging-notes"  # the user's own directory, with a name like it: kept
    users.mkdir(exist_ok=True)
    (users / "todo.txt").write_text("mine")
    (stale / AS_OF / "en" / "drawdown-report.html").write_text("<html>half")
    try:
        result = run(*build_args(data, out))  # up to date: quick, but it holds the lock
        assert result.returncode == 0, result.stderr
        assert not stale.exists()
        assert (users / "todo.txt").read_text() == "mine"
        FAULTS.append("staging of a killed build")
    finally:
        import shutil

        shutil.rmtree(stale, ignore_errors=True)


# --------------------------------------------------------------------------- Chromium faults
# Last: the rerun after a failed print rebuilds everything, which shows that the tree
# every earlier fault went through still takes a full build.

_KILLED_CHROMIUM = '''#!{python}
"""Chromium behind a proxy of its DevTools pipe (fds 3 and 4) that kills it (SIGKILL) the
moment the build asks a page to print, then dies the same way: killed while printing, every
time, however fast the machine."""
import os, select, signal, subprocess, sys

to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()


def pipes():
    commands, replies = os.dup(to_chrome_r), os.dup(from_chrome_w)
    os.dup2(commands, 3)
    os.dup2(replies, 4)


chrome = subprocess.Popen(["{chromium}", *sys.argv[1:]], pass_fds=(3, 4), preexec_fn=pipes)
os.close(to_chrome_r)
os.close(from_chrome_w)
sent = b""
while True:
    ready, _, _ = select.select([3, from_chrome_r], [], [])
    if 3 in ready:
        data = os.read(3, 1 << 20)
        if not data:
            break
        os.write(to_chrome_w, data)
        sent += data
        if b'"Page.printToPDF"' in sent:
            chrome.kill()
            chrome.wait()
            os.kill(os.getpid(), signal.SIGKILL)
    if from_chrome_r in ready:
        data = os.read(from_chrome_r, 1 << 20)
        if not data:
            break
        os.write(4, data)
'''


@pytest.fixture(scope="module")
def chromium_killed(site, tmp_path_factory: pytest.TempPathFactory):
    """One build whose Chromium is killed while printing: its result, the published hashes
    before and after, and the manifest and report files as the failed build left them."""
    from analysis.browser import find_chromium

    data, out = site
    wrapper = tmp_path_factory.mktemp("chromium") / "chromium-killed"
    wrapper.write_text(_KILLED_CHROMIUM.format(python=sys.executable, chromium=find_chromium()))
    wrapper.chmod(0o755)
    before = hashes(out)
    result = run(
        *build_args(data, out, "--force"), env={**os.environ, "DRAWDOWN_CHROMIUM": str(wrapper)}
    )
    FAULTS.append("Chromium killed while printing")
    manifest = json.loads((out / AS_OF / "manifest.json").read_text(encoding="utf-8"))
    on_disk = {
        p.suffix[1:]: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (out / AS_OF / "en").glob("drawdown-report.*")
    }
    return result, before, hashes(out), manifest, on_disk


def test_chromium_killed_while_printing(site, chromium_killed) -> None:
    data, out = site
    result, before, after, _, _ = chromium_killed
    assert result.returncode == 1, result.stderr
    assert "PDF printing failed" in result.stderr
    assert "the previous report stays as it was" in result.stderr
    assert "1 failed" in result.stderr.splitlines()[-2] or "1 failed" in result.stderr
    # Printed from staging, before publishing: the page and the PDF stay one build's pair.
    assert after == before, "a report file was replaced by a build whose print failed"
    assert leftovers(out) == []
    assert_complete(out)
    again = rerun_succeeds(data, out, "--force")
    assert "PDF ok" in again.stderr
    pdf = f"{AS_OF}/en/drawdown-report.pdf"
    assert hashes(out)[pdf] != before[pdf]


def test_chromium_killed_while_printing_is_named(chromium_killed) -> None:
    result, *_ = chromium_killed
    assert "Broken pipe" not in result.stderr
    assert re.search(r"Chromium (exited|died|was killed)", result.stderr), result.stderr


def test_after_a_failed_print_the_manifest_describes_the_files(chromium_killed) -> None:
    *_, manifest, on_disk = chromium_killed  # as the failed build left them
    files = manifest["variants"]["en"]["files"]
    assert {fmt: entry["sha256"] for fmt, entry in files.items()} == on_disk


def test_fault_count(request: pytest.FixtureRequest) -> None:
    """How many faults were injected (printed with -s); fails if a fault test did not run.
    Only meaningful when the whole module ran in this process, in file order."""
    print(f"\nfaults injected: {len(FAULTS)}: {', '.join(FAULTS)}")
    module_tests = [item for item in request.session.items if item.module is request.module]
    if os.environ.get("PYTEST_XDIST_WORKER") or len(module_tests) < 13:
        pytest.skip("the faults ran elsewhere (-k, or pytest-xdist): nothing to count here")
    assert len(FAULTS) >= 10, FAULTS
