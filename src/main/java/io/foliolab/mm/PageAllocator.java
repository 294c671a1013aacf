package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.ChoicePoint;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Machine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The page allocator (mm/page_alloc.c) as a scenario needs it: free folios, made at set-up,
 * handed out from per-CPU lists (the kernel's per-CPU page lists, {@code pcp}), so that an
 * allocation touches no shared location and two CPUs' allocations never race in the model.
 *
 * <p>Memory pressure: an allocation of a large folio (an mTHP, order &gt; 0) by a CPU marked with
 * {@link #mthpMayFail} is a {@link ChoicePoint} {@code alloc:mthp}: the explorer takes both
 * alternatives (success, and failure under pressure); sampling strategies fail it with the
 * pressure probability. Order-0 allocations do not fail.
 *
 * <p>A folio that never became visible to another CPU may be given back ({@link #freeUnused}) and
 * handed out again; a folio that was visible is never reused within a scenario (a real reuse would
 * need its state reset by the buddy allocator, which the scenarios do not depend on). A list that
 * runs out means the scenario provided too few free folios: {@link IllegalStateException}.
 */
public final class PageAllocator {
  /** The choice point of a large-folio allocation under memory pressure. */
  public static final ChoicePoint MTHP = ChoicePoint.allocation("mthp");

  private final Machine machine;
  private final List<ArrayDeque<Folio>[]> lists = new ArrayList<>();
  private long mthpMayFail;
  private long nextPfn;
  private final int perOrder;

  /**
   * An allocator for {@code cpus} CPUs, each with {@code perOrder} free folios of every order in
   * {@code orders}, made now (cells are created in a fixed order); pfns start at {@code pfnBase}.
   */
  @SuppressWarnings("unchecked")
  public PageAllocator(Machine m, int cpus, int perOrder, long pfnBase, int... orders) {
    this.machine = checkNotNull(m, "machine");
    checkArgument(cpus >= 1 && cpus <= 64, "cpus %s must be in 1..64", cpus);
    checkArgument(perOrder >= 1 && perOrder <= 64, "perOrder %s must be in 1..64", perOrder);
    this.perOrder = perOrder;
    this.nextPfn = pfnBase;
    for (int c = 0; c < cpus; c++) {
      ArrayDeque<Folio>[] byOrder = new ArrayDeque[13];
      for (int o : orders) {
        checkArgument(o >= 0 && o <= 12, "order %s must be in 0..12", o);
        byOrder[o] = new ArrayDeque<>();
        for (int k = 0; k < perOrder; k++) {
          long pfn = (nextPfn + (1L << o) - 1) & -(1L << o);
          nextPfn = pfn + (1L << o);
          byOrder[o].addLast(Folio.create(m, "folio@pfn:0x" + Long.toHexString(pfn), pfn, 0, o,
              1));
        }
      }
      lists.add(byOrder);
    }
  }

  /** Makes the large-folio allocations of CPU {@code cpu} a memory-pressure choice point. */
  public PageAllocator mthpMayFail(int cpu) {
    checkArgument(cpu >= 0 && cpu < lists.size(), "cpu %s out of range [0, %s)", cpu,
        lists.size());
    mthpMayFail |= 1L << cpu;
    return this;
  }

  /** Whether an order-{@code order} allocation by {@code cpu} is a choice point. */
  public boolean mayFail(Cpu cpu, int order) {
    return order > 0 && (mthpMayFail & (1L << cpu.id())) != 0;
  }

  /**
   * Takes a free folio of {@code order} from {@code cpu}'s list (no shared access): refcount 1,
   * no flags but {@code PG_head} for a large folio, no mapping, index 0. Call {@link #mayFail}
   * first and, if it says so, decide with {@link Cpu#choose}({@link #MTHP}) in a step of its own.
   *
   * @throws IllegalStateException if the list is empty
   */
  public Folio take(Cpu cpu, int order) {
    ArrayDeque<Folio>[] byOrder = lists.get(cpu.id());
    ArrayDeque<Folio> l = order < byOrder.length ? byOrder[order] : null;
    if (l == null || l.isEmpty()) {
      throw new IllegalStateException("CPU " + cpu.id() + " has no free order-" + order
          + " folio left (the scenario provides " + perOrder + " per order)");
    }
    return l.removeFirst();
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
    lists.get(cpu.id())[folio.peekOrder()].addFirst(folio);
  }

  /** The machine the folios belong to. */
  Machine machine() {
    return machine;
  }
}
