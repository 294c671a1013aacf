package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.ChoicePoint;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Machine;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The page allocator (mm/page_alloc.c) as a scenario needs it: free folios handed out from
 * per-CPU lists (the kernel's per-CPU page lists, {@code pcp}), so that an allocation touches no
 * shared location and two CPUs' allocations never race in the model. A folio is made (its cells
 * created) when a CPU first needs one, with a pfn from that CPU's own range: the same schedule
 * makes the same folios.
 *
 * <p>Memory pressure: an allocation of a large folio (an mTHP, order &gt; 0) by a CPU marked with
 * {@link #mthpMayFail} is a {@link ChoicePoint} {@code alloc:mthp}: the explorer takes both
 * alternatives (success, and failure under pressure); sampling strategies fail it with the
 * pressure probability. Order-0 allocations do not fail.
 *
 * <p>A folio that never became visible to another CPU may be given back ({@link #freeUnused}) and
 * handed out again; a folio that was visible is never reused within a scenario (a real reuse would
 * need its state reset by the buddy allocator, which the scenarios do not depend on).
 */
public final class PageAllocator {
  /** The choice point of a large-folio allocation under memory pressure. */
  public static final ChoicePoint MTHP = ChoicePoint.allocation("mthp");

  /** Pfns per CPU. */
  private static final long CPU_PFN_SPAN = 0x1000;

  private final Machine machine;
  private final long pfnBase;
  private final Map<Integer, ArrayDeque<Folio>> free = new HashMap<>();
  private final Map<Integer, Long> nextPfn = new HashMap<>();
  private long mthpMayFail;

  /** An allocator whose CPU {@code i} hands out pfns from {@code pfnBase + i * 0x1000}. */
  public PageAllocator(Machine m, long pfnBase) {
    this.machine = checkNotNull(m, "machine");
    checkArgument(pfnBase >= 0, "pfnBase %s must be >= 0", pfnBase);
    this.pfnBase = pfnBase;
    m.addStatePart(this::stateHash);
  }

  /** This allocator's part of the machine's state fingerprint: the free lists and next pfns. */
  private long stateHash() {
    long h = 0x50414c4c4f43L;
    for (Map.Entry<Integer, ArrayDeque<Folio>> e : new TreeMap<>(free).entrySet()) {
      h = (h ^ e.getKey()) * 0x100000001b3L;
      for (Folio f : e.getValue()) {
        h = (h ^ f.pfn()) * 0x100000001b3L;
      }
    }
    for (Map.Entry<Integer, Long> e : new TreeMap<>(nextPfn).entrySet()) {
      h = (h ^ e.getKey()) * 0x100000001b3L;
      h = (h ^ e.getValue()) * 0x100000001b3L;
    }
    return h;
  }

  /** Makes the large-folio allocations of CPU {@code cpu} a memory-pressure choice point. */
  public PageAllocator mthpMayFail(int cpu) {
    checkArgument(cpu >= 0 && cpu < 64, "cpu %s out of range [0, 64)", cpu);
    mthpMayFail |= 1L << cpu;
    return this;
  }

  /** Whether an order-{@code order} allocation by {@code cpu} is a choice point. */
  public boolean mayFail(Cpu cpu, int order) {
    return order > 0 && (mthpMayFail & (1L << cpu.id())) != 0;
  }

  /**
   * A free folio of {@code order} from {@code cpu}'s list (no shared access): refcount 1, no
   * flags but {@code PG_head} for a large folio, no mapping, index 0. Call {@link #mayFail} first
   * and, if it says so, decide with {@link Cpu#choose}({@link #MTHP}) in a step of its own; call
   * this after the step's action, if any.
   */
  public Folio take(Cpu cpu, int order) {
    checkArgument(order >= 0 && order <= 9, "order %s must be in 0..9", order);
    ArrayDeque<Folio> l = free.get(key(cpu.id(), order));
    if (l != null && !l.isEmpty()) {
      return l.removeFirst();
    }
    long next = nextPfn.getOrDefault(cpu.id(), pfnBase + cpu.id() * CPU_PFN_SPAN);
    long pfn = (next + (1L << order) - 1) & -(1L << order);
    nextPfn.put(cpu.id(), pfn + (1L << order));
    return Folio.create(machine, "folio@pfn:0x" + Long.toHexString(pfn), pfn, 0, order, 1);
  }

  private static int key(int cpu, int order) {
    return cpu * 16 + order;
  }

  /**
   * Gives back a folio that {@code cpu} took and that no other CPU ever saw (its reference count
   * dropped to 0 on this CPU before it was published), for the next {@link #take}.
   */
  public void freeUnused(Cpu cpu, Folio folio) {
    checkArgument(folio.peekRefcount() == 0, "%s is still referenced (%s)", folio,
        folio.peekRefcount());
    folio.refcount.init(1);
    folio.flags.init(PageFlags.PG_locked, false);
    folio.flags.init(PageFlags.PG_swapbacked, false);
    folio.flags.init(PageFlags.PG_uptodate, false);
    folio.flags.init(PageFlags.PG_lru, false);
    folio.priv.init(null);
    free.computeIfAbsent(key(cpu.id(), folio.peekOrder()), k -> new ArrayDeque<>())
        .addFirst(folio);
  }
}
