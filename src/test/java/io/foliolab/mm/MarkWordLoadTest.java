package io.foliolab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Lock;
import io.foliolab.sim.Model;
import io.foliolab.sim.Outcome;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.sim.XaBinding;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaConfig;
import io.foliolab.xarray.XaGfp;
import io.foliolab.xarray.XaState;
import org.junit.jupiter.api.Test;

/**
 * {@code xas_find_marked} under the machine's XArray binding: loading a node's mark bitmap is one
 * action of the step (it is reported as a load of each bit), and a store of any bit conflicts
 * with it, so dpor sees the reader find a mark set concurrently, and also miss it.
 */
class MarkWordLoadTest {
  /** Finds the first entry marked 0 and BUGs if it is the one at index 5. */
  static final class Reader extends Routine<Reader.Pc> {
    enum Pc { rcu_read_lock, find, found }

    static final StepNames<Pc> NAMES = StepNames.of("test_reader", Pc.class);
    private final LibXarray.XasFindMarked find = new LibXarray.XasFindMarked();
    private final XArray xa;

    Reader(XArray xa) {
      super(NAMES);
      this.xa = xa;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case rcu_read_lock:
          cpu.rcuReadLock();
          pc = Pc.find;
          return;
        case find:
          call(cpu, find.on(new XaState(xa, 0), 15, 0, LibXarray.FindMarked.V6_18), Pc.found);
          return;
        case found:
          cpu.bugOn(cpu.retval() == ITEM5, "found the entry marked concurrently", null);
          cpu.rcuReadUnlock();
          cpu.ret();
          return;
      }
    }
  }

  /** Sets mark 0 on index 5 under the lock. */
  static final class Marker extends Routine<Marker.Pc> {
    enum Pc { lock, mark, unlock }

    static final StepNames<Pc> NAMES = StepNames.of("test_marker", Pc.class);
    private final XArray xa;
    private final Lock lock;

    Marker(XArray xa, Lock lock) {
      super(NAMES);
      this.xa = xa;
      this.lock = lock;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case lock:
          cpu.lock(lock);
          pc = Pc.mark;
          return;
        case mark:
          cpu.xaWrite(() -> xa.__setMark(5, 0));
          pc = Pc.unlock;
          return;
        case unlock:
          cpu.unlock(lock);
          cpu.ret();
          return;
      }
    }
  }

  static final Object ITEM5 = "item5";

  @Test
  void theBitmapLoadIsOneActionAndConflictsWithABitStore() {
    Model model = m -> {
      XArray xa = new XArray("xa", XaConfig.DEFAULT.withChunkShift(4));
      XaBinding.attach(m).add(xa);
      for (int i = 1; i < 16; i++) {
        xa.store(i, i == 5 ? ITEM5 : "item" + i, XaGfp.GFP_KERNEL);
      }
      Lock lock = Lock.spin(m, "xa_lock");
      m.addCpu(new Reader(xa));
      m.addCpu(new Marker(xa, lock));
    };
    Summary s = Explorer.explore(model, Strategy.parse("dpor"), Options.defaults(), e -> { });
    assertTrue(s.complete(), s.toString());
    assertTrue(s.count(Outcome.BUG) > 0, "the reader can see the new mark: " + s);
    assertTrue(s.count(Outcome.OK) > 0, "and can miss it: " + s);
    assertEquals(s.executions(), s.count(Outcome.BUG) + s.count(Outcome.OK), s.toString());
  }
}
