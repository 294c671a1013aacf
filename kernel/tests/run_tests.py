"""Runs the FolioLab kernel's client tests; prints 'N passed, M failed' and exits non-zero on failure.

Expects the foliolab kernelspec on JUPYTER_PATH (kernel/test-kernel.sh arranges that).
Every test gets an alarm of PER_TEST_SECONDS on top of its own timeouts.
"""

import os
import signal
import sys
import time
import unittest

PER_TEST_SECONDS = 120
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


class TestTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise TestTimeout(f"test exceeded {PER_TEST_SECONDS} s")


class CountingResult(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0
        self.failed_names = []
        self._sub_failed = set()

    def startTest(self, test):
        signal.alarm(PER_TEST_SECONDS)
        self._t0 = time.monotonic()
        super().startTest(test)

    def stopTest(self, test):
        signal.alarm(0)
        super().stopTest(test)

    def addSuccess(self, test):
        super().addSuccess(test)
        if test.id() not in self._sub_failed:
            self.passed += 1

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.failed_names.append(test.id())

    def addError(self, test, err):
        super().addError(test, err)
        self.failed_names.append(test.id())

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._sub_failed.add(test.id())
            self.failed_names.append(subtest.id())


def main():
    signal.signal(signal.SIGALRM, _alarm)
    names = sys.argv[1:] or ["test_jupyter_kernel_test", "test_probes", "test_nbclient"]
    suite = unittest.defaultTestLoader.loadTestsFromNames(names)
    runner = unittest.TextTestRunner(verbosity=2, resultclass=CountingResult, stream=sys.stdout)
    result = runner.run(suite)
    failed = len(result.failed_names)
    skipped = len(result.skipped)
    print(f"{result.passed} passed, {failed} failed, {skipped} skipped")
    sys.exit(1 if failed or result.passed == 0 else 0)


if __name__ == "__main__":
    main()
