"""Helpers for talking to the FolioLab kernel through jupyter_client, with a timeout on every wait."""

import os
import queue
import time

from jupyter_client.manager import KernelManager

KERNEL_NAME = "foliolab"
STARTUP_TIMEOUT = 60
REPLY_TIMEOUT = 60


class Kernel:
    """One kernel process and a blocking client; the kernel's stderr goes to a log file."""

    def __init__(self, log_path=None, env=None):
        self.log_path = log_path
        self.km = KernelManager(kernel_name=KERNEL_NAME)
        kwargs = {}
        if log_path:
            self._log = open(log_path, "w")
            kwargs["stderr"] = self._log
        else:
            self._log = None
        if env is not None:
            kwargs["env"] = env
        self.km.start_kernel(**kwargs)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=STARTUP_TIMEOUT)

    @property
    def pid(self):
        return self.km.provisioner.process.pid

    def log(self):
        if not self.log_path:
            return ""
        self._log.flush()
        with open(self.log_path) as f:
            return f.read()

    def execute(self, code, timeout=REPLY_TIMEOUT, **kwargs):
        """Runs a cell; returns (reply content, [iopub messages of the cell other than status/input])."""
        msg_id = self.kc.execute(code, **kwargs)
        return self.collect(msg_id, timeout)

    def collect(self, msg_id, timeout=REPLY_TIMEOUT):
        deadline = time.monotonic() + timeout
        reply = None
        while reply is None:
            msg = self.kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") == msg_id:
                reply = msg
        outputs = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status":
                if msg["content"]["execution_state"] == "idle":
                    break
                continue
            if msg["msg_type"] == "execute_input":
                continue
            outputs.append(msg)
        return reply["content"], outputs

    def shell_request(self, send, timeout=REPLY_TIMEOUT):
        """Sends a request with ``send(kc) -> msg_id``; returns the reply content."""
        msg_id = send(self.kc)
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg["content"]

    def drain_shell(self, wait):
        """Returns the shell messages that arrive within ``wait`` seconds."""
        got = []
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                got.append(self.kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic())))
            except queue.Empty:
                break
        return got

    def close(self):
        try:
            self.kc.stop_channels()
        finally:
            try:
                if self.km.is_alive():
                    self.km.shutdown_kernel(now=False)
            finally:
                if self._log:
                    self._log.close()


def text_of(outputs, msg_type, name=None):
    """Concatenated stream text, or text/plain of the first message of ``msg_type``."""
    if msg_type == "stream":
        return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and (name is None or m["content"]["name"] == name))
    for m in outputs:
        if m["msg_type"] == msg_type:
            return m["content"]["data"].get("text/plain")
    return None


def process_gone(pid):
    """True if ``pid`` no longer runs (absent, or a zombie nobody has reaped yet)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("State:"):
                    return line.split()[1] in ("Z", "X")
    except FileNotFoundError:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def wait_gone(pid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process_gone(pid):
            return True
        time.sleep(0.1)
    return process_gone(pid)
