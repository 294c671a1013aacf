package io.foliolab.bench;

import io.foliolab.sim.Atomic;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Model;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.sim.Word;

/** Toy models for the benchmarks (not kernel code). */
final class BenchModels {
  private BenchModels() {}

  /** {@code n} times: v = READ_ONCE(mine); WRITE_ONCE(mine, v + 1); atomic_inc(shared). */
  static final class Loop extends Routine<Loop.Pc> {
    enum Pc { load, store, add }

    static final StepNames<Pc> NAMES = StepNames.of("loop", Pc.class);
    private final Word mine;
    private final Atomic shared;
    private final int n;
    private int i;
    private long v;

    Loop(Word mine, Atomic shared, int n) {
      super(NAMES);
      this.mine = mine;
      this.shared = shared;
      this.n = n;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case load:
          v = cpu.read(mine);
          pc = Pc.store;
          return;
        case store:
          cpu.write(mine, v + 1);
          pc = Pc.add;
          return;
        case add:
          cpu.atomicAdd(shared, 1);
          if (++i == n) {
            cpu.ret();
            return;
          }
          pc = Pc.load;
          return;
      }
    }
  }

  /** Two CPUs, each {@code n} iterations of {@link Loop} (3n steps per CPU). */
  static Model loops(int n) {
    return m -> {
      Atomic shared = new Atomic(m, "shared", 0);
      m.addCpu(new Loop(new Word(m, "a", 0), shared, n));
      m.addCpu(new Loop(new Word(m, "b", 0), shared, n));
    };
  }

  /**
   * A straight-line program: step k reads or writes word {@code words[k]} ({@code writes[k]}).
   */
  static final class Straight extends Routine<Straight.Pc> {
    enum Pc { op }

    static final StepNames<Pc> NAMES = StepNames.of("straight", Pc.class);
    private final Word[] words;
    private final boolean[] writes;
    private int k;
    private long sum;

    Straight(Word[] words, boolean[] writes) {
      super(NAMES);
      this.words = words;
      this.writes = writes;
    }

    @Override
    protected void step(Cpu cpu) {
      if (writes[k]) {
        cpu.write(words[k], sum + 1);
      } else {
        sum += cpu.read(words[k]);
      }
      if (++k == words.length) {
        cpu.ret();
      }
    }
  }

  /**
   * Two CPUs of {@code steps} steps each; every {@code every}-th step of each CPU touches one of
   * two shared words (CPU 0 writes x and reads y, CPU 1 writes y and reads x), the rest touch
   * private words.
   */
  static Model conflicts(int steps, int every) {
    return m -> {
      Word x = new Word(m, "x", 0);
      Word y = new Word(m, "y", 0);
      for (int c = 0; c < 2; c++) {
        Word[] w = new Word[steps];
        boolean[] wr = new boolean[steps];
        Word priv = new Word(m, "p" + c, 0);
        for (int k = 0; k < steps; k++) {
          if (k % every == 0) {
            boolean first = (k / every) % 2 == 0;
            w[k] = first ? (c == 0 ? x : y) : (c == 0 ? y : x);
            wr[k] = first;
          } else {
            w[k] = priv;
            wr[k] = k % 2 == 0;
          }
        }
        m.addCpu(new Straight(w, wr));
      }
    };
  }
}
