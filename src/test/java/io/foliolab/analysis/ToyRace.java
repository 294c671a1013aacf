package io.foliolab.analysis;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.foliolab.scenario.Param;
import io.foliolab.scenario.Params;
import io.foliolab.scenario.Scenario;
import io.foliolab.sim.Atomic;
import io.foliolab.sim.ChoicePoint;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Model;
import io.foliolab.sim.Ref;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.sim.Subject;

/**
 * A toy race for the analysis tests (not kernel code): an agent woken by memory pressure replaces
 * the object in a slot; in the {@code buggy} variant it first stores the left piece (one page
 * left of the looked-up index) and only then the right one, so a lookup that pins the left piece
 * and re-reads the slot in between fails with a folio subject. The {@code fixed} variant stores
 * the right piece at once.
 */
final class ToyRace implements Scenario {
  /** A folio stand-in. */
  record ToyFolio(String name, long index, int order, Atomic ref) implements Subject.Source {
    boolean contains(long i) {
      return i >= index && i < index + (1L << order);
    }

    @Override
    public Subject snapshot() {
      return new Subject("folio", "folio " + name + " index " + index, ImmutableMap.of("index",
          index, "order", order, "flags", "locked|uptodate", "refcount", (int) ref.peek()));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final class Agent extends Routine<Agent.Pc> {
    enum Pc { wake, store_left, store_right }

    static final StepNames<Pc> NAMES = StepNames.of("toy_split", Pc.class);
    private final Ref<ToyFolio> slot;
    private final ToyFolio left;
    private final ToyFolio right;
    private final boolean buggy;

    Agent(Ref<ToyFolio> slot, ToyFolio left, ToyFolio right, boolean buggy) {
      super(NAMES);
      this.slot = slot;
      this.left = left;
      this.right = right;
      this.buggy = buggy;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case wake:
          if (cpu.choose(ChoicePoint.agent("toy_reclaim")) == 0) {
            cpu.ret();
            return;
          }
          pc = buggy ? Pc.store_left : Pc.store_right;
          return;
        case store_left:
          cpu.write(slot, left);
          pc = Pc.store_right;
          return;
        case store_right:
          cpu.write(slot, right);
          cpu.ret();
          return;
      }
    }
  }

  static final class Fault extends Routine<Fault.Pc> {
    enum Pc { load, try_get, reload, put, check }

    static final StepNames<Pc> NAMES = StepNames.of("toy_fault", Pc.class);
    private final Ref<ToyFolio> slot;
    private final long index;
    private ToyFolio f;

    Fault(Ref<ToyFolio> slot, long index) {
      super(NAMES);
      this.slot = slot;
      this.index = index;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case load:
          f = cpu.read(slot);
          pc = Pc.try_get;
          return;
        case try_get:
          cpu.atomicAdd(f.ref(), 1);
          pc = Pc.reload;
          return;
        case reload:
          pc = cpu.read(slot) != f ? Pc.put : Pc.check;
          return;
        case put:
          cpu.atomicAdd(f.ref(), -1);
          retry(cpu, Pc.load);
          return;
        case check:
          cpu.bugOn(!f.contains(index), "VM_BUG_ON_FOLIO(!folio_contains(folio, index))",
              new Subject("folio", f.snapshot().dump(), ImmutableMap.<String, Object>builder()
                  .putAll(f.snapshot().fields()).put("lookup_index", index).buildOrThrow()));
          cpu.ret();
          return;
      }
    }
  }

  @Override
  public String name() {
    return "toy-race";
  }

  @Override
  public String seed() {
    return "none";
  }

  @Override
  public String description() {
    return "a toy agent replaces a slot's object while a lookup pins it";
  }

  @Override
  public String pressure() {
    return "p is the probability that the toy reclaim agent wakes and splits the folio";
  }

  @Override
  public ImmutableList<Param> params() {
    return ImmutableList.of(Param.of("index", 0x7653, 1, 1 << 20, "the looked-up index"));
  }

  @Override
  public ImmutableList<String> variants() {
    return ImmutableList.of("buggy", "fixed");
  }

  @Override
  public String variantDescription(String variant) {
    return checkVariant(variant).equals("buggy") ? "stores the left piece first" : "stores the"
        + " right piece at once";
  }

  @Override
  public Model model(String variant, Params params) {
    boolean buggy = checkVariant(variant).equals("buggy");
    long index = params.get("index");
    return m -> {
      ToyFolio big = new ToyFolio("big", index - 3, 2, new Atomic(m, "big.ref", 1));
      ToyFolio left = new ToyFolio("left", index - 1, 0, new Atomic(m, "left.ref", 1));
      ToyFolio right = new ToyFolio("right", index, 0, new Atomic(m, "right.ref", 1));
      Ref<ToyFolio> slot = new Ref<>(m, "slot", big);
      m.addCpu(new Agent(slot, left, right, buggy));
      m.addCpu(new Fault(slot, index));
    };
  }
}
