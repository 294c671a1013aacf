package io.foliolab.explore;

import io.foliolab.sim.ChoiceOracle;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Model;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * {@link Dpor} on several workers, with exactly the results of one worker.
 *
 * <p>The states of the exploration tree down to {@link #SPLIT_DEPTH} steps are <em>node
 * tasks</em>: each explores its children in rounds, as the sequential engine does (a round is the
 * set of backtrack entries known when the previous round ended, in CPU order), and runs the
 * children of a round concurrently. Below that depth a <em>leaf task</em> runs the sequential
 * engine on its subtree. The only information that flows between subtrees is the races whose
 * backtrack point lies above them; tasks report those instead of applying them, and a node task
 * applies its children's reports at the end of each round in child order, which is the order in
 * which the sequential engine would have applied them. The sleep set of a child contains the
 * siblings before it in that order. So the set of explored executions does not depend on timing.
 *
 * <p>Records are handed to the sink in depth-first order (the order of one worker) through
 * per-task buffers. A leaf task that is not at the head of that order pauses after
 * {@link #SLICE} records and waits; at most a few tasks wait at a time, which bounds memory.
 *
 * <p>Stopping: a spent budget, a failure on a worker or an interrupt (of the joining thread or of
 * a worker) sets {@link #stop}; every worker notices it at its next execution boundary (or when it
 * next looks for a task), finishes nothing more and ends, and no record reaches the sink after
 * it is set. An interrupt is recorded in the sink ({@link Sink#interrupted()}).
 */
final class ParallelDpor {
  static final int SPLIT_DEPTH = 6;
  static final long SLICE = 4096;

  private final Model model;
  private final Options options;
  private final Sink sink;
  private final int workers;

  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private final ArrayDeque<Out> cursor = new ArrayDeque<>();
  private int parked;
  private int running;
  /** Set under the lock; read without it at execution boundaries. */
  private volatile boolean stop;
  private boolean done;
  private RuntimeException error;

  ParallelDpor(Model model, Options options, Sink sink) {
    this.model = model;
    this.options = options;
    this.sink = sink;
    this.workers = options.workers();
  }

  /**
   * Runs the exploration; returns whether it finished. Returns only when every worker has ended.
   * If the calling thread is interrupted while it waits, the workers are told to stop, it goes on
   * waiting for them, and then returns (false) with its interrupt status set and the interrupt
   * recorded in the sink.
   *
   * @throws RuntimeException the first failure of a worker (the model's or the listener's)
   */
  boolean run() {
    Node root = new Node(null, new int[0], new int[0], new int[0], new int[0], new Dpor.Acc[0]);
    cursor.push(root.out);
    synchronized (this) {
      queue.add(root);
    }
    Thread[] threads = new Thread[workers];
    for (int w = 0; w < workers; w++) {
      threads[w] = new Thread(this::work, "foliolab-dpor-" + w);
      threads[w].start();
    }
    Workers.joinAll(threads, this::stopForInterrupt);
    if (error != null) {
      throw error;
    }
    return done && !stop;
  }

  /** Records an interrupt in the sink and stops every worker at its next execution boundary. */
  private synchronized void stopForInterrupt() {
    sink.interrupt();
    stop = true;
    notifyAll();
  }

  private void work() {
    Runner runner = new Runner(model, options);
    for (;;) {
      Task t;
      synchronized (this) {
        for (;;) {
          if (!stop && !done && Thread.currentThread().isInterrupted()) {
            stopForInterrupt();
          }
          if (stop || done) {
            notifyAll();
            return;
          }
          Task top = queue.peek();
          if (top != null && (parked < 2 * workers || top.out == cursor.peek())) {
            t = queue.poll();
            running++;
            break;
          }
          waitQuietly();
        }
      }
      try {
        t.run(runner);
      } catch (RuntimeException | Error e) {
        synchronized (this) {
          if (error == null) {
            error = e instanceof RuntimeException r ? r : new RuntimeException(e);
          }
          stop = true;
          notifyAll();
        }
        return;
      } finally {
        synchronized (this) {
          running--;
          notifyAll();
        }
      }
    }
  }

  /** Waits for a change; an interrupt of the waiting worker stops the exploration. */
  private void waitQuietly() {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopForInterrupt();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Ordered output.

  /** A task's output: records and the outputs of its children, in depth-first order. */
  private static final class Out {
    final List<Object> items = new ArrayList<>();
    int emitted;
    boolean complete;
    Task owner;
  }

  /** Emits everything that is ready, in order. Call with the lock held. */
  private void drain() {
    while (!cursor.isEmpty() && !stop) {
      Out o = cursor.peek();
      if (o.emitted < o.items.size()) {
        Object item = o.items.get(o.emitted);
        if (item instanceof Execution e) {
          o.items.set(o.emitted, null);
          o.emitted++;
          if (!accept(e)) {
            stop = true;
          }
        } else {
          Out child = (Out) item;
          o.items.set(o.emitted, null);
          o.emitted++;
          cursor.push(child);
          if (child.owner != null && child.owner.parkedNow) {
            child.owner.parkedNow = false;
            parked--;
            queue.add(child.owner);
          }
        }
      } else if (o.complete) {
        cursor.pop();
      } else {
        break;
      }
    }
    if (cursor.isEmpty()) {
      done = true;
    }
    notifyAll();
  }

  /**
   * Hands {@code e} to the sink; call with the lock held. If the listener throws, the exploration
   * stops before the lock is released, so no other worker reports a record after the failure.
   */
  private boolean accept(Execution e) {
    try {
      return sink.accept(e);
    } catch (RuntimeException | Error x) {
      stop = true;
      throw x;
    }
  }

  private synchronized void emit(Out out, Execution e) {
    out.items.add(e);
    drain();
  }

  private synchronized void complete(Out out) {
    out.complete = true;
    drain();
  }

  // ---------------------------------------------------------------------------------------------
  // Tasks.

  private abstract class Task implements Comparable<Task> {
    final Node parent;
    final int[] path;
    final int[] cpus;
    final int[] choices;
    final int[] sleepers;
    final Dpor.Acc[] sleepAccs;
    final Out out = new Out();
    /** Races reported above this task's subtree: (depth, initials) pairs, in order. */
    final List<long[]> reports = new ArrayList<>();
    boolean parkedNow;

    Task(Node parent, int[] path, int[] cpus, int[] choices, int[] sleepers,
        Dpor.Acc[] sleepAccs) {
      this.parent = parent;
      this.path = path;
      this.cpus = cpus;
      this.choices = choices;
      this.sleepers = sleepers;
      this.sleepAccs = sleepAccs;
      out.owner = this;
    }

    abstract void run(Runner runner);

    @Override
    public int compareTo(Task o) {
      return Arrays.compare(path, o.path);
    }
  }

  /** A state above the split depth: explores its children in rounds, concurrently. */
  private final class Node extends Task {
    long backtrack;
    long enabled;
    long explored;
    long inheritedSleep;
    int childCount;
    int pending;
    final List<Task> round = new ArrayList<>();
    final List<Integer> sleepCpus = new ArrayList<>();
    final List<Dpor.Acc> sleepAccList = new ArrayList<>();

    Node(Node parent, int[] path, int[] cpus, int[] choices, int[] sleepers,
        Dpor.Acc[] sleepAccs) {
      super(parent, path, cpus, choices, sleepers, sleepAccs);
    }

    @Override
    void run(Runner runner) {
      int k = cpus.length;
      Dpor dpor = new Dpor(runner, new Collect(this));
      dpor.begin(cpus, choices, Math.max(0, k - 1), sleepers, sleepAccs, this::report);
      Dpor.NodeState ns = dpor.expand();
      if (ns.record != null) {
        emit(out, ns.record);
      }
      if (ns.candidates == 0) {
        finish(runner);
        return;
      }
      enabled = ns.enabled;
      inheritedSleep = ns.sleep;
      for (int i = 0; i < ns.sleepCpus.length; i++) {
        sleepCpus.add(ns.sleepCpus[i]);
        sleepAccList.add(ns.sleepAccs[i]);
      }
      int first = Long.numberOfTrailingZeros(ns.candidates);
      backtrack = 1L << first;
      startRound(runner, 1L << first);
    }

    void report(int depth, long initials) {
      reports.add(new long[] {depth, initials});
    }

    /** Spawns the children for the CPUs in {@code cpusMask}; call without the lock. */
    private void startRound(Runner runner, long cpusMask) {
      int k = cpus.length;
      List<Task> children = new ArrayList<>();
      for (long mask = cpusMask; mask != 0; mask &= mask - 1) {
        int c = Long.numberOfTrailingZeros(mask);
        Probe first = probe(runner, c, 0);
        int alternatives = first.choice ? 2 : 1;
        for (int alt = 0; alt < alternatives; alt++) {
          int[] p = Arrays.copyOf(path, path.length + 1);
          p[path.length] = childCount++;
          int[] cs = Arrays.copyOf(cpus, k + 1);
          cs[k] = c;
          int[] ch = Arrays.copyOf(choices, k + 1);
          ch[k] = first.choice ? alt : -1;
          int[] sl = new int[sleepCpus.size()];
          Dpor.Acc[] sa = new Dpor.Acc[sl.length];
          for (int i = 0; i < sl.length; i++) {
            sl[i] = sleepCpus.get(i);
            sa[i] = sleepAccList.get(i);
          }
          Task child = k + 1 < SPLIT_DEPTH ? new Node(this, p, cs, ch, sl, sa)
              : new Leaf(this, p, cs, ch, sl, sa);
          children.add(child);
        }
        // Later siblings sleep on this CPU's step (both alternatives of a choice).
        explored |= 1L << c;
        sleepCpus.add(c);
        sleepAccList.add(first.acc);
      }
      synchronized (ParallelDpor.this) {
        round.clear();
        round.addAll(children);
        pending = children.size();
        for (Task child : children) {
          out.items.add(child.out);
          queue.add(child);
        }
        drain();
      }
    }

    /** Called (without the lock) by a child when its subtree is done. */
    void childDone(Runner runner) {
      long next;
      synchronized (ParallelDpor.this) {
        if (--pending > 0) {
          return;
        }
        int k = cpus.length;
        for (Task child : round) {
          for (long[] r : child.reports) {
            if (r[0] == k) {
              long initials = r[1];
              if ((initials & backtrack) == 0) {
                long usable = initials & enabled;
                if (usable != 0) {
                  backtrack |= Long.lowestOneBit(usable);
                }
              }
            } else {
              reports.add(r);
            }
          }
          child.reports.clear();
        }
        next = backtrack & ~explored & ~inheritedSleep & enabled;
      }
      if (next != 0 && !stop) {
        startRound(runner, next);
      } else {
        finish(runner);
      }
    }

    private void finish(Runner runner) {
      complete(out);
      if (parent != null) {
        parent.childDone(runner);
      }
    }

    private Probe probe(Runner runner, int c, int alt) {
      Machine m = runner.m;
      int[] next = {0};
      m.setOracle((cpu, point) -> next[0]++ < cpus.length ? 0 : alt);
      m.start(model);
      for (int j = 0; j < cpus.length; j++) {
        int ch = Math.max(0, choices[j]);
        m.setOracle((cpu, point) -> ch);
        if (!m.step(cpus[j])) {
          throw new IllegalStateException("replay diverged at step " + j);
        }
      }
      m.setOracle((cpu, point) -> alt);
      if (!m.step(c)) {
        throw new IllegalStateException("CPU " + c + " cannot take step " + cpus.length);
      }
      m.setOracle(ChoiceOracle.ORDINARY);
      Probe p = new Probe();
      p.acc = new Dpor.Acc();
      p.acc.copy(m, cpus.length);
      p.acc.all = m.eventHalts(cpus.length);
      p.choice = m.eventChoice(cpus.length) >= 0;
      return p;
    }
  }

  private static final class Probe {
    Dpor.Acc acc;
    boolean choice;
  }

  /** A subtree below the split depth, explored by the sequential engine. */
  private final class Leaf extends Task {
    Dpor dpor;

    Leaf(Node parent, int[] path, int[] cpus, int[] choices, int[] sleepers,
        Dpor.Acc[] sleepAccs) {
      super(parent, path, cpus, choices, sleepers, sleepAccs);
    }

    @Override
    void run(Runner runner) {
      if (dpor == null) {
        dpor = new Dpor(new Runner(model, options), new Collect(this));
        dpor.begin(cpus, choices, cpus.length - 1, sleepers, sleepAccs,
            (depth, initials) -> reports.add(new long[] {depth, initials}));
      }
      for (;;) {
        int r = dpor.resume(SLICE);
        if (r != Dpor.PAUSED) {
          dpor = null;
          complete(out);
          parent.childDone(runner);
          return;
        }
        synchronized (ParallelDpor.this) {
          if (stop) {
            return;
          }
          if (cursor.peek() != out) {
            parkedNow = true;
            parked++;
            return;
          }
        }
      }
    }
  }

  /** Collects one task's records into its output, in order. */
  private final class Collect implements Records {
    private final Task task;

    Collect(Task task) {
      this.task = task;
    }

    @Override
    public boolean accept(Execution e) {
      emit(task.out, e);
      return !stop;
    }

    @Override
    public boolean exhausted() {
      synchronized (ParallelDpor.this) {
        if (!stop && sink.exhausted()) {
          stop = true;
        }
        return stop;
      }
    }

    @Override
    public void redundant() {
      synchronized (ParallelDpor.this) {
        sink.redundant++;
      }
    }
  }
}
