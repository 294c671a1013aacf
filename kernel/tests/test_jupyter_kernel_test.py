"""The Jupyter project's kernel test suite (jupyter_kernel_test) against the FolioLab kernel."""

import unittest

import jupyter_kernel_test as jkt

SVG = '<svg xmlns=\\"http://www.w3.org/2000/svg\\" width=\\"20\\" height=\\"20\\"><circle cx=\\"10\\" cy=\\"10\\" r=\\"8\\"/></svg>'


class FolioLabKernelTests(jkt.KernelTests):
    kernel_name = "foliolab"
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("something went wrong");'

    completion_samples = [
        {"text": "Math.ab", "matches": {"abs(", "absExact("}},
        {"text": "Integer.parseI", "matches": {"parseInt("}},
        {"text": "Progress.sta", "matches": {"start("}},
    ]

    complete_code_samples = ["1 + 1", "int x = 3;", "void f() { }", "int y = 2;\nint z = y * 2;"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "void f() {", "int[] a = {1,"]
    invalid_code_samples = ["1 +)", "}"]

    code_generate_error = 'throw new IllegalStateException("boom");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"folio" + "lab"', "result": "foliolab"},
        {"code": "Math.max(3, 9)", "result": "9"},
    ]

    code_display_data = [
        {"code": 'display(Svg.of("' + SVG + '"));', "mime": "image/svg+xml"},
        {"code": 'display(Table.create("t", IntColumn.create("x", 1, 2, 3)));', "mime": "text/html"},
        {
            "code": 'display((Displayable) () -> MimeBundle.builder().html("<b>hi</b>").text("hi").build());',
            "mime": "text/html",
        },
    ]

    code_history_pattern = "Math.max*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max("

    code_clear_output = 'System.out.println("soon gone");\nclearOutput();'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # jupyter_kernel_test allows only 0.1 s between a cell's iopub messages; the first use of
        # javac, Tablesaw and the SVG renderer in a fresh JVM can take longer, so warm them here.
        for code in ['display(Table.create("w", IntColumn.create("x", 1)));', 'display(Svg.of("' + SVG + '"));', "1 + 1"]:
            msg_id = cls.kc.execute(code, store_history=False)
            while True:
                msg = cls.kc.get_shell_msg(timeout=60)
                if msg["parent_header"].get("msg_id") == msg_id:
                    break
        while True:
            try:
                cls.kc.get_iopub_msg(timeout=0.5)
            except Exception:
                break


if __name__ == "__main__":
    unittest.main()
