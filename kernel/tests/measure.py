"""Measures the FolioLab kernel: start to first cell result, and a trivial cell once warm.

Usage (kernelspec on JUPYTER_PATH, e.g. through kernel/test-kernel.sh's setup):
    /usr/bin/python3 measure.py [RUNS] [WARM_CELLS]
Prints the medians (and all samples) in milliseconds.
"""

import statistics
import sys
import time

from jupyter_client.manager import KernelManager


def until_idle(kc, msg_id, timeout=60):
    deadline = time.monotonic() + timeout
    result_at = None
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "execute_result" and result_at is None:
            result_at = time.monotonic()
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return result_at, time.monotonic()


def one_run(warm_cells):
    t0 = time.monotonic()
    km = KernelManager(kernel_name="foliolab")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        ready = time.monotonic()
        result_at, _ = until_idle(kc, kc.execute("1 + 1"))
        first = result_at - t0
        for _ in range(5):
            until_idle(kc, kc.execute("1 + 1"))
        warm = []
        for i in range(warm_cells):
            t = time.monotonic()
            _, idle = until_idle(kc, kc.execute(f"{i} + 1"))
            warm.append(idle - t)
        return ready - t0, first, warm
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    warm_cells = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    readies, firsts, warms = [], [], []
    for _ in range(runs):
        ready, first, warm = one_run(warm_cells)
        readies.append(ready)
        firsts.append(first)
        warms.extend(warm)
    ms = lambda xs: [round(x * 1000) for x in xs]
    print(f"kernel ready (kernel_info answered): median {statistics.median(readies) * 1000:.0f} ms  samples {ms(readies)}")
    print(f"start to first cell result:          median {statistics.median(firsts) * 1000:.0f} ms  samples {ms(firsts)}")
    print(f"trivial cell, warm (execute->idle):  median {statistics.median(warms) * 1000:.1f} ms  "
          f"p90 {sorted(warms)[int(0.9 * len(warms))] * 1000:.1f} ms  over {len(warms)} cells")


if __name__ == "__main__":
    main()
