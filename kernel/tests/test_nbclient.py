"""A small notebook executed headless by nbclient (as the notebooks' CI will be) on the FolioLab kernel."""

import base64
import unittest

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

CELLS = [
    'var t = Table.create("pressure", IntColumn.create("level", 0, 1, 2), DoubleColumn.create("rate", 0.0, 0.25, 0.5));\nt',
    'var chart = new XYChartBuilder().width(300).height(200).title("rate").build();\n'
    'chart.addSeries("buggy", t.intColumn("level").asDoubleArray(), t.doubleColumn("rate").asDoubleArray());\nchart',
    'try (var p = Progress.start("work", 12)) { for (int i = 0; i < 12; i++) { Thread.sleep(120); p.step(); } }',
    'System.out.println("rows: " + t.rowCount());',
]


class NotebookRun(unittest.TestCase):
    def run_notebook(self, sources):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
        NotebookClient(nb, kernel_name="foliolab", timeout=60, startup_timeout=60).execute()
        return nb

    def test_notebook_executes_with_tables_charts_and_progress(self):
        nb = self.run_notebook(CELLS)
        for cell in nb.cells:
            self.assertEqual([o for o in cell.outputs if o.output_type == "error"], [], cell.source)
        table, chart, progress, printed = (c.outputs for c in nb.cells)
        self.assertIn("<td>0.25</td>", table[0].data["text/html"])
        png = base64.b64decode(chart[0].data["image/png"])
        self.assertEqual(png[:4], b"\x89PNG")
        # nbclient applies update_display_data to the stored output: one final progress bar.
        self.assertEqual(len(progress), 1, progress)
        self.assertIn("100% (12/12)", progress[0].data["text/plain"])
        self.assertEqual(printed[0].text, "rows: 3\n")
        self.assertEqual([c.execution_count for c in nb.cells], [1, 2, 3, 4])

    def test_error_cell_stops_the_notebook(self):
        with self.assertRaises(CellExecutionError) as raised:
            self.run_notebook(["int ok = 1;", 'throw new IllegalStateException("race found");', "ok"])
        self.assertIn("race found", str(raised.exception))


if __name__ == "__main__":
    unittest.main()
