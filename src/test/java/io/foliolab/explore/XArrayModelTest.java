package io.foliolab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Lock;
import io.foliolab.sim.Model;
import io.foliolab.sim.Outcome;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.sim.TraceStep;
import io.foliolab.sim.XaBinding;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaConfig;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A 2-CPU reader/writer over a small XArray (16-slot nodes): the reader walks the tree one load
 * per step under RCU while the writer's operations are published store by store.
 */
class XArrayModelTest {
  /** A named item stored in the array. */
  record Item(String name) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * {@code xa_load(xa, index)} as a step program: rcu_read_lock, then {@code xas_load} one load
   * per step ({@code xas_start}: head and bounds; {@code xas_descend}: shift, slot, siblings),
   * restarting on a retry entry; rcu_read_unlock. The test reader (not a kernel path) checks the
   * result against the allowed values.
   */
  static final class Reader extends Routine<Reader.Pc> {
    enum Pc { rcu_read_lock, xas_start, bounds, descend_shift, descend_slot, out }

    static final StepNames<Pc> NAMES = StepNames.of("xa_load", Pc.class);
    private final XArray xa;
    private final long index;
    private final Set<Object> allowed;
    private Object entry;
    private XaNode node;
    private int shift;
    private int offset;

    Reader(XArray xa, long index, Set<Object> allowed) {
      super(NAMES);
      this.xa = xa;
      this.index = index;
      this.allowed = allowed;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case rcu_read_lock:
          cpu.rcuReadLock();
          pc = Pc.xas_start;
          return;
        case xas_start:
          entry = xa.loadHead();
          if (!XaEntry.isNode(entry)) {
            if (index != 0) {
              entry = null;
            }
            pc = Pc.out;
            return;
          }
          node = (XaNode) entry;
          pc = Pc.bounds;
          return;
        case bounds:
          if ((index >>> xa.loadShift(node)) > xa.chunkSize() - 1) {
            entry = null;
            pc = Pc.out;
            return;
          }
          pc = Pc.descend_shift;
          return;
        case descend_shift:
          shift = xa.loadShift(node);
          offset = (int) (index >>> shift) & (xa.chunkSize() - 1);
          pc = Pc.descend_slot;
          return;
        case descend_slot:
          entry = xa.loadSlot(node, offset);
          if (XaEntry.isSibling(entry)) {
            offset = XaEntry.toSibling(entry);
            return;
          }
          if (XaEntry.isRetry(entry)) {
            retry(cpu, Pc.xas_start);
            return;
          }
          if (XaEntry.isNode(entry) && shift > 0) {
            node = (XaNode) entry;
            pc = Pc.descend_shift;
            return;
          }
          pc = Pc.out;
          return;
        case out:
          cpu.rcuReadUnlock();
          cpu.bugOn(!allowed.contains(entry == null ? "NULL" : entry),
              "xa_load(" + index + ") returned " + XaEntry.describe(entry), null);
          cpu.ret(entry);
          return;
      }
    }
  }

  /** xa_lock; one write-side operation per step; xa_unlock; for each operation. */
  static final class Writer extends Routine<Writer.Pc> {
    enum Pc { xa_lock, operation, xa_unlock }

    static final StepNames<Pc> NAMES = StepNames.of("writer", Pc.class);
    private final Lock lock;
    private final List<Runnable> operations;
    private int next;

    Writer(Lock lock, List<Runnable> operations) {
      super(NAMES);
      this.lock = lock;
      this.operations = operations;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case xa_lock:
          cpu.lock(lock);
          pc = Pc.operation;
          return;
        case operation:
          // Nothing with a side effect may come before the action: a probe may stop there.
          cpu.xaWrite(operations.get(next));
          next++;
          pc = Pc.xa_unlock;
          return;
        case xa_unlock:
          cpu.unlock(lock);
          if (next == operations.size()) {
            cpu.ret();
            return;
          }
          pc = Pc.xa_lock;
          return;
      }
    }
  }

  /**
   * Index 1 and 20 hold items; CPU 0 loads {@code readIndex}, CPU 1 runs the writer's
   * operations. With {@code checking}, validate() runs after every published operation.
   */
  static Model model(long readIndex, Set<Object> allowedNames, boolean checking,
      String... ops) {
    return m -> {
      XaBinding b = XaBinding.attach(m);
      XArray xa = b.add(new XArray("i_pages", XaConfig.DEFAULT.withChunkShift(4)));
      Lock lock = Lock.spin(m, "xa_lock");
      Item i1 = new Item("item1");
      Item i20 = new Item("item20");
      xa.store(1, i1);
      xa.store(20, i20);
      if (checking) {
        b.checkAfterEachOperation();
      }
      Set<Object> allowed = new HashSet<>();
      for (Object n : allowedNames) {
        allowed.add(n.equals("item1") ? i1 : n.equals("item20") ? i20 : n);
      }
      List<Runnable> operations = new ArrayList<>();
      for (String op : ops) {
        String[] p = op.split(" ");
        long index = Long.parseLong(p[1]);
        if (p[0].equals("store")) {
          Item item = new Item(p[2]);
          allowed.add(item);
          operations.add(() -> xa.store(index, item));
        } else {
          operations.add(() -> xa.erase(index));
        }
      }
      m.addCpu(new Reader(xa, readIndex, allowed));
      m.addCpu(new Writer(lock, operations));
    };
  }

  private static List<Execution> dpor(Model model) {
    List<Execution> out = new ArrayList<>();
    Summary s = Explorer.explore(model, new Strategy.Dpor(), Options.defaults(), out::add);
    assertTrue(s.complete(), s.toString());
    return out;
  }

  @Test
  void readerSeesTheOldEntryWhileTheTreeGrowsStoreByStore() {
    // Storing 300 needs a new root (shift 8): the reader of index 1 must keep finding item1.
    Model model = model(1, Set.of("item1"), true, "store 300 item300");
    List<Execution> es = dpor(model);
    assertTrue(es.stream().allMatch(e -> e.outcome() == Outcome.OK), es.toString());
    // Only the head store conflicts with the reader's walk (the new root is initialized before
    // it is published): two traces, one through the old root and one through the new.
    assertEquals(2, es.size(), es.toString());
    Set<Long> readerLoads = new HashSet<>();
    for (Execution e : es) {
      List<TraceStep> trace = Explorer.replay(model, Schedule.parse(e.schedule())).trace();
      readerLoads.add(trace.stream().filter(t -> t.cpu() == 0 && t.action().equals("load"))
          .count());
      long publications = trace.stream().filter(t -> t.action().startsWith("publish")).count();
      assertTrue(publications >= 3, "published store by store: " + trace);
      assertTrue(trace.stream().filter(t -> t.action().startsWith("publish"))
          .allMatch(t -> t.label().equals("writer:operation")), trace.toString());
    }
    assertEquals(2, readerLoads.size(), "one more level to walk through the new root");
  }

  @Test
  void readerOfAnErasedEntryGetsItOrNothingAndFreedNodesWaitForTheReader() {
    // Erasing 20 frees its leaf node with call_rcu; storing 40 then allocates a node, which is
    // the freed one only if the grace period ended. The reader must never see item40 at 20.
    Model model = model(20, Set.of("item20", "NULL"), true, "erase 20", "store 40 item40");
    List<Execution> es = dpor(model);
    assertTrue(es.stream().allMatch(e -> e.outcome() == Outcome.OK),
        es.stream().filter(Execution::failed).findFirst().map(Execution::toString).orElse(""));
    Set<String> results = new HashSet<>();
    Set<String> nodesFor40 = new HashSet<>();
    for (Execution e : es) {
      List<TraceStep> trace = Explorer.replay(model, Schedule.parse(e.schedule())).trace();
      results.add(String.valueOf(trace.stream().filter(t -> t.label().equals(
          "xa_load:descend_slot") && t.location().endsWith(".slots[4]")).reduce((a, b) -> b)
          .map(TraceStep::after).orElse("-")));
      trace.stream().filter(t -> t.action().startsWith("publish") && t.after().equals("item40"))
          .forEach(t -> nodesFor40.add(t.location().replaceAll("\\..*", "")));
    }
    assertTrue(results.contains("item20") && results.contains("NULL"), results.toString());
    // The erased leaf is reused for index 40 when no reader held it (its grace period ended),
    // and a fresh node is taken while the reader is still inside its read-side section.
    assertEquals(2, nodesFor40.size(), nodesFor40.toString());
  }

  @Test
  void dporCountMatchesBruteForceOnTheXArrayModel() {
    checkAgainstBruteForce(model(2, Set.of("NULL"), false, "store 2 item2"));
  }

  /** 137,475 interleavings, 9 traces; about 20 s, so only with -Dfoliolab.slow=true. */
  @Test
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "foliolab.slow",
      matches = "true")
  void dporCountMatchesBruteForceOnANodeDeletion() {
    checkAgainstBruteForce(model(20, Set.of("item20", "NULL"), false, "erase 20"));
  }

  private static void checkAgainstBruteForce(Model model) {
    long t0 = System.nanoTime();
    BruteForce brute = BruteForce.enumerate(model);
    List<String> schedules = new ArrayList<>();
    Summary s = Explorer.explore(model, new Strategy.Dpor(), Options.defaults(),
        e -> schedules.add(e.schedule()));
    Set<String> seen = new HashSet<>();
    for (String sched : schedules) {
      seen.add(BruteForce.canonicalOf(model, sched));
    }
    System.out.printf("xarray: interleavings=%d traces=%d dpor=%d (%.1f s)%n",
        brute.interleavings, brute.traces.size(), s.executions(), (System.nanoTime() - t0) / 1e9);
    assertEquals(brute.traces, seen);
    assertEquals(brute.traces.size(), s.executions());
  }

  @Test
  void sameResultsWithTwoWorkersAndEveryExecutionReplays() {
    Model model = model(20, Set.of("item20", "NULL"), true, "erase 20", "store 40 item40");
    List<Execution> one = dpor(model);
    List<Execution> two = new ArrayList<>();
    Explorer.explore(model, new Strategy.Dpor(), Options.defaults().withWorkers(2), two::add);
    assertEquals(one, two);
    for (Execution e : one) {
      assertEquals(e.withId(0), Explorer.replay(model, Schedule.parse(e.schedule())).execution());
    }
  }

  /** kmem_cache_alloc may fail (a choice), then xa_store(300) under xa_lock. */
  static final class AllocatingWriter extends Routine<AllocatingWriter.Pc> {
    enum Pc { alloc_choice, xa_lock, xa_store, xa_unlock }

    static final StepNames<Pc> NAMES = StepNames.of("allocating_writer", Pc.class);
    private final XaBinding binding;
    private final XArray xa;
    private final Lock lock;
    private final Item item;

    AllocatingWriter(XaBinding binding, XArray xa, Lock lock, Item item) {
      super(NAMES);
      this.binding = binding;
      this.xa = xa;
      this.lock = lock;
      this.item = item;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case alloc_choice:
          int fail = cpu.choose(io.foliolab.sim.ChoicePoint.allocation("xa_node"));
          binding.failAllocations(fail == 1);
          pc = Pc.xa_lock;
          return;
        case xa_lock:
          cpu.lock(lock);
          pc = Pc.xa_store;
          return;
        case xa_store:
          cpu.xaWrite(() -> xa.store(300, item));
          pc = Pc.xa_unlock;
          return;
        case xa_unlock:
          cpu.unlock(lock);
          cpu.ret();
          return;
      }
    }
  }

  @Test
  void nodeAllocationFailureIsAChoicePointOfTheExplorer() {
    Item i300 = new Item("item300");
    Model model = m -> {
      XaBinding b = XaBinding.attach(m);
      XArray xa = b.add(new XArray("i_pages", XaConfig.DEFAULT.withChunkShift(4)));
      Lock lock = Lock.spin(m, "xa_lock");
      xa.store(1, new Item("item1"));
      b.checkAfterEachOperation();
      m.addCpu(new Reader(xa, 300, Set.of("NULL", i300)));
      m.addCpu(new AllocatingWriter(b, xa, lock, i300));
    };
    List<Execution> es = dpor(model);
    assertTrue(es.stream().allMatch(e -> e.outcome() == Outcome.OK), es.toString());
    Set<String> choices = new HashSet<>();
    Set<String> seenWhenFailed = new HashSet<>();
    for (Execution e : es) {
      choices.add(e.choices());
      if (e.choices().equals("1")) {
        // The store failed with -ENOMEM: no new root was published, the reader finds nothing.
        List<TraceStep> t = Explorer.replay(model, Schedule.parse(e.schedule())).trace();
        assertTrue(t.stream().noneMatch(x -> x.action().startsWith("publish")), t.toString());
        seenWhenFailed.add(e.outcome().name());
      }
    }
    assertEquals(Set.of("0", "1"), choices);
    assertEquals(Set.of("OK"), seenWhenFailed);
  }
}
