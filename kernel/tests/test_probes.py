"""Probes of the FolioLab kernel's robustness and rich output, through a real jupyter_client.

Each test has explicit timeouts; the runner adds a per-test alarm on top.
"""

import base64
import json
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

from jupyter_client.session import Session

from harness import Kernel, process_gone, text_of, wait_gone

HERE = os.path.dirname(os.path.abspath(__file__))


class SharedKernelProbes(unittest.TestCase):
    """Probes that can share one kernel (each leaves it usable, which is part of what they test)."""

    @classmethod
    def setUpClass(cls):
        cls.logdir = tempfile.mkdtemp(prefix="foliolab-kernel-test-")
        cls.k = Kernel(log_path=os.path.join(cls.logdir, "kernel.log"))
        reply, _ = cls.k.execute("1 + 1")
        assert reply["status"] == "ok", reply

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def assert_usable(self):
        reply, outputs = self.k.execute("40 + 2", timeout=30)
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(text_of(outputs, "execute_result"), "42")

    # --- bad input on the wire -------------------------------------------------------------

    def test_bad_signature_is_dropped_and_kernel_keeps_serving(self):
        forger = Session(key=b"not-the-connection-key", username="mallory")
        forged = forger.msg("execute_request", content={
            "code": 'System.out.println("forged");', "silent": False, "store_history": True,
            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        forger.send(self.k.kc.shell_channel.socket, forged)
        # Frames that are no Jupyter message at all.
        self.k.kc.shell_channel.socket.send_multipart([b"garbage", b"frames"])
        stray = self.k.drain_shell(2.0)
        self.assertEqual([m for m in stray if m["parent_header"].get("msg_id") == forged["header"]["msg_id"]], [],
                         "the kernel answered a message signed with the wrong key")
        self.assert_usable()
        log = self.k.log()
        self.assertIn("bad HMAC signature", log)
        self.assertIn("dropped a message", log)

    # --- errors in user code ---------------------------------------------------------------

    def test_stack_overflow_error_becomes_error_reply(self):
        reply, outputs = self.k.execute("int down(int n) { return down(n + 1) + 1; }\ndown(0)")
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "java.lang.StackOverflowError")
        errors = [m for m in outputs if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        self.assertTrue(any("down" in line for line in errors[0]["content"]["traceback"]))
        self.assertLess(len(errors[0]["content"]["traceback"]), 60, "1024 identical frames should be folded")
        self.assert_usable()

    def test_no_class_def_found_error_becomes_error_reply(self):
        reply, _ = self.k.execute("class Broken { static int v = Integer.parseInt(\"x\"); }")
        self.assertEqual(reply["status"], "ok", reply)
        reply, _ = self.k.execute("Broken.v")
        self.assertEqual(reply["ename"], "java.lang.ExceptionInInitializerError")
        reply, outputs = self.k.execute("Broken.v")
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "java.lang.NoClassDefFoundError")
        self.assertIn("Broken", reply["evalue"])
        self.assert_usable()

    def test_thrown_error_and_exception_name_the_user_class(self):
        reply, _ = self.k.execute('throw new AssertionError("invariant broken");')
        self.assertEqual((reply["ename"], reply["evalue"]), ("java.lang.AssertionError", "invariant broken"))
        reply, outputs = self.k.execute('int z = 0;\nint boom() {\n  return 1 / z;\n}\nboom()')
        self.assertEqual(reply["ename"], "java.lang.ArithmeticException")
        trace = "\n".join(reply["traceback"])
        self.assertRegex(trace, r"boom \(In\[\d+\] line 3\)", "frames should name the cell and the line in it")
        self.assert_usable()

    def test_out_of_memory_error_becomes_error_reply(self):
        reply, _ = self.k.execute("long[] huge = new long[Integer.MAX_VALUE];")
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "java.lang.OutOfMemoryError")
        self.assert_usable()

    def test_stdin_input_request(self):
        msg_id = self.k.kc.execute('new java.util.Scanner(System.in).nextLine().toUpperCase()', allow_stdin=True)
        request = self.k.kc.get_stdin_msg(timeout=30)
        self.assertEqual(request["msg_type"], "input_request")
        self.k.kc.input("typed text")
        reply, outputs = self.k.collect(msg_id, timeout=30)
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(text_of(outputs, "execute_result"), "TYPED TEXT")
        reply, _ = self.k.execute('new java.util.Scanner(System.in).hasNextLine()', allow_stdin=False)
        self.assertEqual(reply["status"], "ok", reply)

    def test_compile_error_names_line(self):
        reply, _ = self.k.execute("int a = 1;\nint b = a +;\n")
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "CompilationException")
        self.assertTrue(any(line.startswith("line 2:") for line in reply["traceback"]), reply["traceback"])

    def test_cell_stops_at_first_failing_snippet(self):
        reply, outputs = self.k.execute('int before = 1;\nthrow new RuntimeException("stop");\nint after = 2;')
        self.assertEqual(reply["status"], "error")
        reply, _ = self.k.execute("after")
        self.assertEqual(reply["status"], "error", "the snippet after the failure must not have run")
        reply, outputs = self.k.execute("before")
        self.assertEqual(text_of(outputs, "execute_result"), "1")

    # --- interrupt -------------------------------------------------------------------------

    def interrupt_after(self, code, delay):
        msg_id = self.k.kc.execute(code)
        time.sleep(delay)
        t0 = time.monotonic()
        self.k.km.interrupt_kernel()
        reply, outputs = self.k.collect(msg_id, timeout=15)
        return reply, outputs, time.monotonic() - t0

    def test_interrupt_stops_busy_loop_without_cooperation(self):
        reply, _, took = self.interrupt_after("long spins = 0;\nwhile (true) { spins++; }", 1.0)
        self.assertEqual(reply["status"], "error")
        self.assertLess(took, 2.0, f"interrupt took {took:.2f} s")
        self.assert_usable()
        reply, outputs = self.k.execute("spins > 0")
        self.assertEqual(reply["status"], "ok")

    def test_interrupt_cooperative_loop_raises_cell_interrupted(self):
        code = "long n = 0;\nwhile (true) { Interrupts.checkInterrupted(); n++; }"
        reply, _, took = self.interrupt_after(code, 1.0)
        self.assertEqual(reply["ename"], "io.foliolab.notebook.CellInterruptedException")
        self.assertLess(took, 1.0, f"cooperative interrupt took {took:.2f} s")
        self.assert_usable()

    def test_interrupt_exploration_raises_cell_interrupted(self):
        # An order-6 dpor search runs far longer than a minute, on all cores (parallel workers).
        code = 'Lab.scenario("split-wrong-slot").param("order", 6).param("index", "0x7640").explore("dpor")'
        reply, _, took = self.interrupt_after(code, 2.0)
        self.assertEqual(reply["ename"], "io.foliolab.notebook.CellInterruptedException", reply)
        self.assertLess(took, 2.0, f"interrupting the exploration took {took:.2f} s")
        self.assert_usable()
        # The explorer's workers stop with the cell: none still runs the old search.
        count = 'Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("foliolab-dpor-")).count()'
        deadline = time.monotonic() + 3
        while True:
            reply, outputs = self.k.execute(count)
            alive = text_of(outputs, "execute_result")
            if alive == "0" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(alive, "0", "the interrupted exploration's workers still run")

    def test_interrupt_sleeping_cell_and_worker_threads(self):
        code = textwrap.dedent("""\
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            for (int w = 0; w < 2; w++) pool.submit(() -> { while (true) { Math.sqrt(3.0); } });
            Thread.sleep(60_000);
            """)
        reply, _, took = self.interrupt_after(code, 1.0)
        self.assertEqual(reply["status"], "error")
        self.assertLess(took, 2.0)
        # The spinning pool workers were started by a cell: they are stopped within a second or two
        # although the cell itself already ended (its sleep was interrupted). The pool may replace
        # them with idle workers; none may still be busy.
        count = 'Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("pool-") && t.getState() == Thread.State.RUNNABLE).count()'
        deadline = time.monotonic() + 3
        while True:
            reply, outputs = self.k.execute(count)
            alive = text_of(outputs, "execute_result")
            if alive == "0" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(alive, "0", "worker threads of the interrupted cell still spin")

    def test_interrupt_when_idle_is_harmless(self):
        self.k.km.interrupt_kernel()
        time.sleep(0.3)
        self.assert_usable()

    # --- history, kernel info --------------------------------------------------------------

    def test_history_reply(self):
        self.k.execute("int histA = 5;")
        self.k.execute("histA * 3")
        self.k.execute("histA * 1000", store_history=False)
        reply = self.k.shell_request(lambda kc: kc.history(hist_access_type="tail", n=2, output=True, raw=True))
        self.assertEqual(reply["status"], "ok")
        inputs = [h[2][0] for h in reply["history"]]
        outputs = [h[2][1] for h in reply["history"]]
        self.assertEqual(inputs, ["int histA = 5;", "histA * 3"])
        self.assertEqual(outputs[1], "15")
        lines = [h[1] for h in reply["history"]]
        self.assertEqual(lines[1], lines[0] + 1)
        reply = self.k.shell_request(lambda kc: kc.history(hist_access_type="search", pattern="histA [*] 1000", output=False, raw=True))
        self.assertEqual(reply["history"], [], "a cell run with store_history=False must not be in the history")

    def test_kernel_info(self):
        reply = self.k.shell_request(lambda kc: kc.kernel_info())
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(reply["implementation"], "foliolab")
        self.assertRegex(reply["implementation_version"], r"^\d+\.\d+")
        self.assertEqual(reply["language_info"]["name"], "java")

    def test_heartbeat_beats(self):
        time.sleep(2.5)  # the client pings once per second
        self.assertTrue(self.k.kc.hb_channel.is_beating())

    # --- rich display ----------------------------------------------------------------------

    def test_table_is_row_capped_html_and_text(self):
        reply, outputs = self.k.execute('Table.create("big", IntColumn.create("i", java.util.stream.IntStream.range(0, 120).toArray()))')
        self.assertEqual(reply["status"], "ok", reply)
        result = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
        html = result["text/html"]
        self.assertEqual(html.count("<tr><td>"), 50)
        self.assertIn("\u2026 70 more rows", html)
        self.assertIn("<td>49</td>", html)
        self.assertNotIn("<td>50</td>", html)
        self.assertIn("big: 120 rows", result["text/plain"])
        self.assertIn("\u2026 70 more rows", result["text/plain"])

    def test_chart_is_png_with_summary(self):
        code = textwrap.dedent("""\
            var chart = new XYChartBuilder().width(400).height(300).title("rate").xAxisTitle("pressure").build();
            chart.addSeries("buggy", new double[]{0, 1, 2}, new double[]{0.1, 0.2, 0.4});
            chart""")
        reply, outputs = self.k.execute(code)
        self.assertEqual(reply["status"], "ok", reply)
        data = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
        png = base64.b64decode(data["image/png"])
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(int.from_bytes(png[16:20], "big"), 400)
        self.assertIn('XYChart "rate" 400x300', data["text/plain"])
        self.assertIn("buggy (3 points)", data["text/plain"])

    def test_svg_string_and_displayable(self):
        reply, outputs = self.k.execute('"<svg xmlns=\\"http://www.w3.org/2000/svg\\"><rect width=\\"5\\" height=\\"5\\"/></svg>"')
        data = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
        self.assertIn("<rect", data["image/svg+xml"])
        code = textwrap.dedent("""\
            record Trace(int steps) implements Displayable {
              public Map<String, String> mimeBundle() {
                return MimeBundle.builder().html("<table><tr><td>" + steps + "</td></tr></table>").text("trace of " + steps).build();
              }
            }
            new Trace(7)""")
        reply, outputs = self.k.execute(code)
        self.assertEqual(reply["status"], "ok", reply)
        data = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
        self.assertEqual(data, {"text/html": "<table><tr><td>7</td></tr></table>", "text/plain": "trace of 7"})

    def test_renderer_registered_in_a_cell(self):
        code = textwrap.dedent("""\
            class Point { final int x; Point(int x) { this.x = x; } }
            Renderers.register(Point.class, p -> MimeBundle.builder().markdown("**x = " + p.x + "**").build());
            new Point(3)""")
        reply, outputs = self.k.execute(code)
        self.assertEqual(reply["status"], "ok", reply)
        data = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
        self.assertEqual(data["text/markdown"], "**x = 3**")
        self.assertIn("text/plain", data)

    def test_display_and_update_display(self):
        reply, outputs = self.k.execute('String id = display("first");\nupdateDisplay(id, "second");\nid')
        self.assertEqual(reply["status"], "ok", reply)
        kinds = [m["msg_type"] for m in outputs]
        self.assertEqual(kinds, ["display_data", "update_display_data"], "display(...)'s id is not shown as the result")
        first, second = outputs
        self.assertEqual(first["content"]["transient"]["display_id"], second["content"]["transient"]["display_id"])
        self.assertEqual(first["content"]["data"]["text/plain"], "first")
        self.assertEqual(second["content"]["data"]["text/plain"], "second")

    def test_progress_updates_in_place(self):
        code = textwrap.dedent("""\
            try (var p = Progress.start("sweep", 30)) {
              for (int i = 0; i < 30; i++) { Thread.sleep(60); p.step(); }
            }""")
        reply, outputs = self.k.execute(code)
        self.assertEqual(reply["status"], "ok", reply)
        shows = [m for m in outputs if m["msg_type"] == "display_data"]
        updates = [m for m in outputs if m["msg_type"] == "update_display_data"]
        self.assertEqual(len(shows), 1, [m["msg_type"] for m in outputs])
        self.assertGreaterEqual(len(updates), 1)
        ids = {m["content"]["transient"]["display_id"] for m in shows + updates}
        self.assertEqual(len(ids), 1)
        self.assertIn("<progress", shows[0]["content"]["data"]["text/html"])
        self.assertIn("100% (30/30)", updates[-1]["content"]["data"]["text/plain"])
        self.assertIn("done", updates[-1]["content"]["data"]["text/plain"])

    def test_short_work_shows_no_progress(self):
        reply, outputs = self.k.execute("try (var p = Progress.start(5)) { for (int i = 0; i < 5; i++) p.step(); }")
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(outputs, [])

    def test_completion_and_inspection_of_foliolab_api(self):
        reply = self.k.shell_request(lambda kc: kc.complete("Interrupts.check"))
        self.assertIn("checkInterrupted()", reply["matches"])
        self.assertEqual(reply["cursor_start"], len("Interrupts."))
        reply = self.k.shell_request(lambda kc: kc.inspect("int q = 1;\nProgress.start("))
        self.assertTrue(reply["found"])
        self.assertIn("Progress.start(long", reply["data"]["text/plain"])


class LifecycleProbes(unittest.TestCase):
    """Probes that end their kernel."""

    def test_shutdown_request_ends_process(self):
        k = Kernel()
        try:
            pid = k.pid
            reply, _ = k.execute("1")
            self.assertEqual(reply["status"], "ok")
            msg_id = k.kc.shutdown()
            deadline = time.monotonic() + 10
            while True:
                msg = k.kc.get_control_msg(timeout=max(0.01, deadline - time.monotonic()))
                if msg["parent_header"].get("msg_id") == msg_id:
                    break
            self.assertEqual(msg["content"]["status"], "ok")
            self.assertEqual(k.km.provisioner.process.wait(timeout=10), 0)
            self.assertTrue(process_gone(pid))
        finally:
            k.kc.stop_channels()
            k.km.cleanup_resources()

    def test_shutdown_while_cell_runs(self):
        k = Kernel()
        try:
            k.kc.execute("while (true) { }")
            time.sleep(0.5)
            k.kc.shutdown()
            self.assertEqual(k.km.provisioner.process.wait(timeout=10), 0)
        finally:
            k.kc.stop_channels()
            k.km.cleanup_resources()

    def test_kernel_exits_when_parent_dies(self):
        """A parent process starts the kernel with jupyter_client, then is killed with SIGKILL."""
        workdir = tempfile.mkdtemp(prefix="foliolab-parent-")
        info = os.path.join(workdir, "kernel.json")
        parent = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "parent_process.py"), info],
            stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while not os.path.exists(info) and time.monotonic() < deadline and parent.poll() is None:
                time.sleep(0.1)
            self.assertTrue(os.path.exists(info), "the parent did not start its kernel")
            with open(info) as f:
                kernel_pid = json.load(f)["kernel_pid"]
            self.assertFalse(process_gone(kernel_pid))
            os.kill(parent.pid, signal.SIGKILL)
            parent.wait(timeout=10)
            self.assertTrue(wait_gone(kernel_pid, 10), f"kernel {kernel_pid} outlived its parent")
        finally:
            if parent.poll() is None:
                parent.kill()
                parent.wait(timeout=10)
            try:
                with open(info) as f:
                    pid = json.load(f)["kernel_pid"]
                if not process_gone(pid):
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError, KeyError):
                pass


if __name__ == "__main__":
    unittest.main()
