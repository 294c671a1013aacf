package io.foliolab.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ParentWatchdogTest {
  @Test
  void prefersJpyParentPidThenTheJvmsParent() {
    Optional<ProcessHandle> parent = ProcessHandle.current().parent();
    long parentPid = parent.orElseThrow().pid();
    assertEquals(OptionalLong.of(4242), ParentWatchdog.parentPid(Map.of("JPY_PARENT_PID", " 4242 "), parent));
    assertEquals(OptionalLong.of(parentPid), ParentWatchdog.parentPid(Map.of("JPY_PARENT_PID", "not-a-pid"), parent));
    assertEquals(OptionalLong.of(parentPid), ParentWatchdog.parentPid(Map.of("JPY_PARENT_PID", "0"), parent));
    assertEquals(OptionalLong.of(parentPid), ParentWatchdog.parentPid(Map.of(), parent));
    assertEquals(OptionalLong.empty(), ParentWatchdog.parentPid(Map.of(), Optional.empty()));
  }
}
