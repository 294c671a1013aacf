"""The notebooks, executed headless by a real Jupyter client (nbclient) on the FolioLab kernel, and
one of them rendered to HTML by nbconvert and screenshotted by headless Chromium.

Run by notebooks/tests/test-notebooks.sh, which installs the kernelspec into a temporary prefix
and points JUPYTER_PATH at it. Every wait has a timeout: a cell 180 s, a kernel start 60 s, a
whole notebook an alarm of NOTEBOOK_SECONDS, nbconvert and Chromium 120 s each.

Per notebook: the committed file has its outputs (every code cell executed, in order) and a chart
or picture in every cell tagged "chart"; executing it afresh gives no error output and nothing on
stderr, every code cell runs in order, and every "chart" cell again shows an image (image/png or
image/svg+xml) that is a real PNG or SVG.
"""

import base64
import copy
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOKS = os.path.dirname(HERE)
REPO = os.path.dirname(NOTEBOOKS)
TEMPLATE = os.path.join(REPO, "kernel", "nbconvert", "foliolab.html.j2")
sys.path.insert(0, HERE)
import pngstats  # noqa: E402

CELL_TIMEOUT = 180
STARTUP_TIMEOUT = 60
NOTEBOOK_SECONDS = 600
IMAGE_TYPES = ("image/png", "image/svg+xml")
OUT = os.environ.get("NOTEBOOK_TEST_OUT") or tempfile.mkdtemp(prefix="foliolab-notebooks-")
TIMES = {}


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout(f"notebook run exceeded {NOTEBOOK_SECONDS} s")


def notebook_paths():
    return sorted(glob.glob(os.path.join(NOTEBOOKS, "*.ipynb")))


def chart_cells(nb):
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and "chart" in c.get("metadata", {}).get("tags", [])]


def images(cell):
    found = []
    for o in cell.get("outputs", []):
        for mime in IMAGE_TYPES:
            if mime in o.get("data", {}):
                found.append((mime, o["data"][mime]))
    return found


def check_image(test, mime, data, where):
    if mime == "image/png":
        test.assertEqual(base64.b64decode(data)[:8], b"\x89PNG\r\n\x1a\n", f"{where}: not a PNG")
    else:
        text = data if isinstance(data, str) else "".join(data)
        test.assertIn("<svg", text[:4096], f"{where}: not SVG markup")
        test.assertIn("</svg>", text[-4096:], f"{where}: SVG markup cut short")


class NotebookTests(unittest.TestCase):
    """One test per notebook (added below)."""

    def run_notebook(self, path):
        name = os.path.basename(path)
        committed = nbformat.read(path, as_version=4)
        code = [i for i, c in enumerate(committed.cells) if c.cell_type == "code"]
        charts = chart_cells(committed)
        self.assertEqual(committed.metadata.get("kernelspec", {}).get("name"), "foliolab", name)
        self.assertTrue(charts, f"{name}: no cell is tagged 'chart'")
        # The committed file carries its outputs, so that it reads well on a code host.
        self.assertEqual([committed.cells[i].execution_count for i in code],
                         list(range(1, len(code) + 1)), f"{name}: committed without its outputs"
                         " (or not run top to bottom)")
        for i in charts:
            self.assertTrue(images(committed.cells[i]), f"{name} cell {i}: committed without its chart")

        nb = copy.deepcopy(committed)
        for c in nb.cells:
            if c.cell_type == "code":
                c.outputs = []
                c.execution_count = None
        client = NotebookClient(nb, kernel_name="foliolab", timeout=CELL_TIMEOUT,
                                startup_timeout=STARTUP_TIMEOUT,
                                resources={"metadata": {"path": NOTEBOOKS}})
        signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(NOTEBOOK_SECONDS)
        t0 = time.monotonic()
        try:
            client.execute()
        except CellExecutionError as e:
            self.fail(f"{name}: a cell failed:\n{str(e)[:3000]}")
        finally:
            signal.alarm(0)
            TIMES[name] = time.monotonic() - t0
        nbformat.write(nb, os.path.join(OUT, name))

        for i in code:
            cell = nb.cells[i]
            for o in cell.outputs:
                self.assertNotEqual(o.output_type, "error",
                                    f"{name} cell {i}: {o.get('ename')}: {o.get('evalue')}")
                if o.output_type == "stream":
                    self.assertEqual(o.name, "stdout", f"{name} cell {i} wrote to stderr: {o.text[:500]}")
        self.assertEqual([nb.cells[i].execution_count for i in code], list(range(1, len(code) + 1)),
                         f"{name}: not every code cell ran, in order")
        for i in charts:
            found = images(nb.cells[i])
            self.assertTrue(found, f"{name} cell {i}: no image/png or image/svg+xml output; cell:\n"
                            + nb.cells[i].source[:300])
            for mime, data in found:
                check_image(self, mime, data, f"{name} cell {i}")


def _make_test(path):
    def test(self):
        self.run_notebook(path)
    test.__doc__ = f"{os.path.basename(path)} runs headless with its charts and no errors"
    return test


for _p in notebook_paths():
    _n = os.path.splitext(os.path.basename(_p))[0].replace("-", "_")
    setattr(NotebookTests, f"test_{_n}", _make_test(_p))


class ScreenshotTest(unittest.TestCase):
    """The tour, rendered to HTML without its code (outputs and prose only) and screenshotted."""

    NOTEBOOK = "00-tour.ipynb"

    def test_rendered_notebook_is_not_blank(self):
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        self.assertIsNotNone(chromium, "chromium is not installed (apt-get install chromium)")
        executed = os.path.join(OUT, self.NOTEBOOK)
        source = executed if os.path.exists(executed) else os.path.join(NOTEBOOKS, self.NOTEBOOK)
        work = tempfile.mkdtemp(prefix="foliolab-shot-")
        try:
            subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html", "--no-input",
                            "--template-file", TEMPLATE, "--output-dir", work, "--output", "tour",
                            source], check=True, timeout=120, capture_output=True)
            html = os.path.join(work, "tour.html")
            png = os.path.join(OUT, "tour-screenshot.png")
            profile = os.path.join(work, "profile")
            subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                            "--no-first-run", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync",
                            f"--user-data-dir={profile}", f"--screenshot={png}",
                            "--window-size=1280,2000", "file://" + html],
                           check=True, timeout=120, capture_output=True)
            s = pngstats.stats(png)
            print(f"\n    screenshot {png}: {s}", flush=True)
            self.assertEqual((s["width"], s["height"]), (1280, 2000))
            # Text and tables alone make the page non-white; the pictures and charts (inline SVG
            # shown as images, PNG charts) are what brings colour: without input cells, nothing
            # else on the page is saturated.
            self.assertGreater(s["non_white"], s["pixels"] // 50, f"blank page: {s}")
            self.assertGreater(s["colours"], 64, f"too few colours for text and pictures: {s}")
            self.assertGreater(s["saturated"], 2000, f"no picture or chart rendered: {s}")
        finally:
            shutil.rmtree(work, ignore_errors=True)


class CountingResult(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0
        self.bad = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.bad += 1

    def addError(self, test, err):
        super().addError(test, err)
        self.bad += 1


def main():
    os.makedirs(OUT, exist_ok=True)
    names = sys.argv[1:]
    loader = unittest.defaultTestLoader
    suite = loader.loadTestsFromNames(names, sys.modules[__name__]) if names else unittest.TestSuite([
        loader.loadTestsFromTestCase(NotebookTests), loader.loadTestsFromTestCase(ScreenshotTest)])
    result = unittest.TextTestRunner(verbosity=2, resultclass=CountingResult, stream=sys.stdout).run(suite)
    for name, seconds in sorted(TIMES.items()):
        print(f"  {name:32s} {seconds:6.1f} s")
    print(f"executed notebooks and the screenshot: {OUT}")
    print(f"{result.passed} passed, {result.bad} failed")
    sys.exit(1 if result.bad or result.passed == 0 else 0)


if __name__ == "__main__":
    main()
