"""A stand-in for a notebook server: starts a FolioLab kernel, records its pid, then waits to be killed.

Usage: parent_process.py INFO_JSON
"""

import json
import os
import sys
import time

from jupyter_client.manager import KernelManager


def main():
    info = sys.argv[1]
    km = KernelManager(kernel_name="foliolab")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    tmp = info + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"kernel_pid": km.provisioner.process.pid, "parent_pid": os.getpid()}, f)
    os.replace(tmp, info)
    time.sleep(300)  # killed by the test long before this


if __name__ == "__main__":
    main()
