package io.foliolab.notebook;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * Ends the kernel when the process that started it dies, so no JVM is left orphaned. Watches the
 * process named by {@code JPY_PARENT_PID} (which jupyter_client sets) or else the JVM's parent,
 * polling every half second; it also fires if the JVM is re-parented (its parent pid changes).
 */
final class ParentWatchdog {
  private static final Logger LOG = Logger.getLogger(ParentWatchdog.class.getName());
  static final long POLL_MILLIS = 500;

  private ParentWatchdog() {}

  /** The pid to watch: {@code JPY_PARENT_PID} if it is a positive number, else the parent's. */
  static OptionalLong parentPid(Map<String, String> env, Optional<ProcessHandle> parent) {
    String fromEnv = env.get("JPY_PARENT_PID");
    if (fromEnv != null) {
      try {
        long pid = Long.parseLong(fromEnv.trim());
        if (pid > 0) {
          return OptionalLong.of(pid);
        }
      } catch (NumberFormatException e) {
        LOG.warning("JPY_PARENT_PID is not a pid: '" + fromEnv + "'; watching the JVM's parent");
      }
    }
    return parent.map(p -> OptionalLong.of(p.pid())).orElse(OptionalLong.empty());
  }

  /**
   * Starts the daemon thread that calls {@code onDeath} once the watched process is gone. Does not
   * watch pid 1 (init adopts orphans; nothing to watch).
   */
  static void start(Map<String, String> env, Runnable onDeath) {
    Optional<ProcessHandle> parent = ProcessHandle.current().parent();
    long originalParent = parent.map(ProcessHandle::pid).orElse(-1L);
    OptionalLong pid = parentPid(env, parent);
    if (pid.isEmpty() || pid.getAsLong() <= 1) {
      LOG.info("no parent process to watch");
      return;
    }
    Optional<ProcessHandle> watched = ProcessHandle.of(pid.getAsLong());
    Thread t =
        new Thread(
            () -> {
              while (true) {
                boolean alive = watched.map(ProcessHandle::isAlive).orElse(false);
                long nowParent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
                if (!alive || (pid.getAsLong() == originalParent && nowParent != originalParent)) {
                  LOG.warning("parent process " + pid.getAsLong() + " is gone; the kernel exits");
                  onDeath.run();
                  return;
                }
                try {
                  Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "foliolab-parent-watchdog");
    t.setDaemon(true);
    t.start();
  }
}
