package io.foliolab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.foliolab.sim.Machine;
import io.foliolab.sim.Model;
import io.foliolab.sim.toys.Toys;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The machine counts a preemption at a context switch iff the CPU switched away from could have
 * run at that moment. It decides this lazily (when that CPU's next action becomes known); here
 * it is checked against a direct question asked at the moment of each switch.
 */
class PreemptionTest {
  private static int preemptionsByProbing(Model model, Schedule s) {
    int count = 0;
    for (int k = 1; k < s.length(); k++) {
      int from = s.cpu(k - 1);
      if (s.cpu(k) == from) {
        continue;
      }
      Machine m = new Machine();
      int[] next = {0};
      m.setOracle((cpu, point) -> s.choice(next[0]++));
      m.start(model);
      for (int i = 0; i < k; i++) {
        m.step(s.cpu(i));
      }
      if (m.enabled(from)) {
        count++;
      }
    }
    return count;
  }

  @Test
  void lazyPreemptionCountMatchesProbingAtEachSwitch() {
    List<Model> models = List.of(Toys.twoLocks(true), Toys.lockedCounter(3),
        Toys.spinUntilFlag(true), Toys.lookupAndReplace(true), Toys.lookupAndReplace(false),
        Toys.folioLock(3, false), Toys.rwsem(true), Toys.rcu(2, true), Toys.allocations());
    int checked = 0;
    for (Model model : models) {
      List<Execution> es = new ArrayList<>();
      Explorer.explore(model, Strategy.parse("bounded:3"), Options.defaults(), es::add);
      for (Execution e : es) {
        assertEquals(preemptionsByProbing(model, Schedule.parse(e.schedule())), e.preemptions(),
            e.toString());
        checked++;
      }
    }
    System.out.println("preemption counts checked: " + checked);
  }
}
