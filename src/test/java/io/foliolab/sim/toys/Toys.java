package io.foliolab.sim.toys;

import io.foliolab.sim.Atomic;
import io.foliolab.sim.ChoicePoint;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Flags;
import io.foliolab.sim.Lock;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Model;
import io.foliolab.sim.Ref;
import io.foliolab.sim.Routine;
import io.foliolab.sim.RwSem;
import io.foliolab.sim.StepNames;
import io.foliolab.sim.Word;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Small models that exercise the machine and the explorer; not kernel code. */
public final class Toys {
  private Toys() {}

  // -----------------------------------------------------------------------------------------------
  /** {@code counter++} as a plain load and store: two increments can lose one. */
  static final class PlainIncrement extends Routine<PlainIncrement.Pc> {
    enum Pc { load, store }

    static final StepNames<Pc> NAMES = StepNames.of("plain_inc", Pc.class);
    private final Word counter;
    private long v;

    PlainIncrement(Word counter) {
      super(NAMES);
      this.counter = counter;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case load:
          v = cpu.read(counter);
          pc = Pc.store;
          return;
        case store:
          cpu.write(counter, v + 1);
          cpu.ret();
          return;
      }
    }
  }

  /** {@code n} CPUs increment a plain counter; the exit check wants {@code n}. */
  public static Model lostUpdate(int n) {
    return m -> {
      Word counter = new Word(m, "counter", 0);
      for (int i = 0; i < n; i++) {
        m.addCpu(new PlainIncrement(counter));
      }
      expectCounter(m, counter, n);
    };
  }

  /** Adds the exit check of the counter models: {@code counter} must end at {@code n}. */
  private static void expectCounter(Machine m, Word counter, int n) {
    m.addExitCheck(() -> counter.peek() == n ? null
        : "lost update: counter = " + counter.peek() + ", expected " + n);
  }

  // -----------------------------------------------------------------------------------------------
  /** {@code spin_lock; counter++; spin_unlock}. */
  static final class LockedIncrement extends Routine<LockedIncrement.Pc> {
    enum Pc { lock, load, store, unlock }

    static final StepNames<Pc> NAMES = StepNames.of("locked_inc", Pc.class);
    private final Lock lock;
    private final Word counter;
    private long v;

    LockedIncrement(Lock lock, Word counter) {
      super(NAMES);
      this.lock = lock;
      this.counter = counter;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case lock:
          cpu.lock(lock);
          pc = Pc.load;
          return;
        case load:
          v = cpu.read(counter);
          pc = Pc.store;
          return;
        case store:
          cpu.write(counter, v + 1);
          pc = Pc.unlock;
          return;
        case unlock:
          cpu.unlock(lock);
          cpu.ret();
          return;
      }
    }
  }

  /** {@code n} CPUs increment a counter under a spinlock; the exit check wants {@code n}. */
  public static Model lockedCounter(int n) {
    return m -> {
      Lock lock = Lock.spin(m, "lock");
      Word counter = new Word(m, "counter", 0);
      for (int i = 0; i < n; i++) {
        m.addCpu(new LockedIncrement(lock, counter));
      }
      expectCounter(m, counter, n);
    };
  }

  // -----------------------------------------------------------------------------------------------
  /** {@code while (!READ_ONCE(flag)) ; return READ_ONCE(data);} as a retry loop. */
  static final class SpinUntilFlag extends Routine<SpinUntilFlag.Pc> {
    enum Pc { repeat, read_data }

    static final StepNames<Pc> NAMES = StepNames.of("spin_until_flag", Pc.class);
    private final Word flag;
    private final Word data;

    SpinUntilFlag(Word flag, Word data) {
      super(NAMES);
      this.flag = flag;
      this.data = data;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case repeat:
          if (cpu.read(flag) == 0) {
            retry(cpu, Pc.repeat);
            return;
          }
          pc = Pc.read_data;
          return;
        case read_data:
          readData(cpu, data);
          cpu.ret();
          return;
      }
    }
  }

  /** {@code BUG_ON(READ_ONCE(data) != 42)}: the consumers' read of the published data. */
  private static void readData(Cpu cpu, Word data) {
    long d = cpu.read(data);
    cpu.bugOn(d != 42, "BUG_ON(data != 42): data = " + d, null);
  }

  /**
   * {@code WRITE_ONCE(data, 42);} then the flag, stored by {@code writeFlag}: {@code
   * WRITE_ONCE(flag, 1)} on a word ({@link #Publish(Word, Word)}), or a plain or release store of
   * a pointer ({@link #Publish(Ref, Word, boolean)}).
   */
  static final class Publish extends Routine<Publish.Pc> {
    enum Pc { write_data, write_flag }

    static final StepNames<Pc> NAMES = StepNames.of("publish", Pc.class);
    private final Word data;
    private final Consumer<Cpu> writeFlag;

    /** {@code WRITE_ONCE(data, 42); WRITE_ONCE(flag, 1);}. */
    Publish(Word flag, Word data) {
      this(data, cpu -> cpu.write(flag, 1));
    }

    /** {@code WRITE_ONCE(data, 42);} then the flag with a plain store or smp_store_release. */
    Publish(Ref<String> flag, Word data, boolean release) {
      this(data, release ? cpu -> cpu.storeRelease(flag, "set") : cpu -> cpu.write(flag, "set"));
    }

    private Publish(Word data, Consumer<Cpu> writeFlag) {
      super(NAMES);
      this.data = data;
      this.writeFlag = writeFlag;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case write_data:
          cpu.write(data, 42);
          pc = Pc.write_flag;
          return;
        case write_flag:
          writeFlag.accept(cpu);
          cpu.ret();
          return;
      }
    }
  }

  /**
   * CPU 0 spins until the flag is set, then checks the data; CPU 1 (if {@code publisher}) writes
   * the data and sets the flag.
   */
  public static Model spinUntilFlag(boolean publisher) {
    return m -> {
      Word flag = new Word(m, "flag", 0);
      Word data = new Word(m, "data", 0);
      m.addCpu(new SpinUntilFlag(flag, data));
      if (publisher) {
        m.addCpu(new Publish(flag, data));
      }
    };
  }

  // -----------------------------------------------------------------------------------------------
  /**
   * Message passing without a loop: {@code if (READ_ONCE(flag)) BUG_ON(READ_ONCE(data) != 42)}
   * on a word ({@link #Consume(Word, Word)}), or with {@code smp_load_acquire} of a pointer
   * ({@link #Consume(Ref, Word)}).
   */
  static final class Consume extends Routine<Consume.Pc> {
    enum Pc { read_flag, read_data }

    static final StepNames<Pc> NAMES = StepNames.of("consume", Pc.class);
    private final Predicate<Cpu> readFlag;
    private final Word data;

    /** {@code if (READ_ONCE(flag)) BUG_ON(READ_ONCE(data) != 42)}. */
    Consume(Word flag, Word data) {
      this(cpu -> cpu.read(flag) != 0, data);
    }

    /** {@code if (smp_load_acquire(&flag)) BUG_ON(READ_ONCE(data) != 42)}. */
    Consume(Ref<String> flag, Word data) {
      this(cpu -> cpu.loadAcquire(flag) != null, data);
    }

    private Consume(Predicate<Cpu> readFlag, Word data) {
      super(NAMES);
      this.readFlag = readFlag;
      this.data = data;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case read_flag:
          if (!readFlag.test(cpu)) {
            cpu.ret();
            return;
          }
          pc = Pc.read_data;
          return;
        case read_data:
          readData(cpu, data);
          cpu.ret();
          return;
      }
    }
  }

  /** The message-passing litmus test: a publisher and a consumer. */
  public static Model messagePassing() {
    return m -> {
      Word flag = new Word(m, "flag", 0);
      Word data = new Word(m, "data", 0);
      m.addCpu(new Publish(flag, data));
      m.addCpu(new Consume(flag, data));
    };
  }

  // -----------------------------------------------------------------------------------------------
  /** A straight-line program of reads (r) and writes (w) of named words: "w:x r:y w:y". */
  static final class Ops extends Routine<Ops.Pc> {
    enum Pc { op }

    static final StepNames<Pc> NAMES = StepNames.of("ops", Pc.class);
    private final Word[] words;
    private final boolean[] write;
    private final int id;
    private int i;
    private long sum;

    Ops(Word[] words, boolean[] write, int id) {
      super(NAMES);
      this.words = words;
      this.write = write;
      this.id = id;
    }

    @Override
    protected void step(Cpu cpu) {
      if (write[i]) {
        cpu.write(words[i], sum * 10 + id + 1);
      } else {
        sum += cpu.read(words[i]);
      }
      if (++i == words.length) {
        cpu.ret();
      }
    }
  }

  /**
   * CPUs running straight-line reads and writes: one string per CPU, each a space-separated list
   * of {@code r:NAME} / {@code w:NAME}, e.g. {@code ops("w:x r:y", "w:y r:x")}.
   */
  public static Model ops(String... programs) {
    return m -> {
      java.util.Set<String> names = new java.util.TreeSet<>();
      for (String p : programs) {
        for (String op : p.trim().split("\\s+")) {
          names.add(op.substring(2));
        }
      }
      java.util.Map<String, Word> vars = new java.util.TreeMap<>();
      for (String name : names) {
        vars.put(name, new Word(m, name, 0));
      }
      int id = 0;
      for (String p : programs) {
        String[] ops = p.trim().split("\\s+");
        Word[] w = new Word[ops.length];
        boolean[] wr = new boolean[ops.length];
        for (int k = 0; k < ops.length; k++) {
          wr[k] = ops[k].startsWith("w:");
          w[k] = vars.get(ops[k].substring(2));
        }
        m.addCpu(new Ops(w, wr, id++));
      }
    };
  }

  // -----------------------------------------------------------------------------------------------
  /** Straight-line reference-count operations on one atomic (see {@link #refcounts}). */
  static final class RefOps extends Routine<RefOps.Pc> {
    enum Pc { op }

    static final StepNames<Pc> NAMES = StepNames.of("ref_ops", Pc.class);
    private final Atomic ref;
    private final Word freed;
    private final String ops;
    private final int id;
    private int i;
    private boolean free;

    RefOps(Atomic ref, Word freed, String ops, int id) {
      super(NAMES);
      this.ref = ref;
      this.freed = freed;
      this.ops = ops;
      this.id = id;
    }

    @Override
    protected void step(Cpu cpu) {
      if (free) {
        cpu.write(freed, id + 1);
        cpu.ret();
        return;
      }
      boolean stop = false;
      switch (ops.charAt(i)) {
        case 'g':
          stop = !cpu.atomicAddUnlessZero(ref, 1);
          break;
        case 'p':
          if (cpu.atomicSubAndTest(ref, 1)) {
            free = true;
            return;
          }
          break;
        case 'a':
          cpu.atomicAdd(ref, 1);
          break;
        case 's':
          cpu.atomicAdd(ref, -1);
          break;
        case 'f':
          stop = cpu.atomicCmpxchg(ref, 2, 0) != 2;
          break;
        case 'u':
          cpu.atomicSetRelease(ref, 2);
          break;
        case 'r':
          cpu.atomicRead(ref);
          break;
        default:
          throw new IllegalArgumentException("op " + ops.charAt(i) + " not one of gpasfur");
      }
      if (stop || ++i == ops.length()) {
        cpu.ret();
      }
    }
  }

  /**
   * CPUs running reference-count operations on one atomic holding {@code initial}: one string per
   * CPU, one letter per step: {@code g} folio_try_get (add unless zero; the CPU stops if it
   * fails), {@code p} folio_put (sub and test; on reaching 0 the CPU records itself in the word
   * {@code freed}, one more step, and stops), {@code a} atomic_inc, {@code s} atomic_dec,
   * {@code f} folio_ref_freeze(2) (cmpxchg 2 -> 0; stops if it fails), {@code u} unfreeze
   * (set_release 2), {@code r} atomic_read.
   */
  public static Model refcounts(long initial, String... programs) {
    return m -> {
      Atomic ref = new Atomic(m, "ref", initial);
      Word freed = new Word(m, "freed", 0);
      int id = 0;
      for (String p : programs) {
        m.addCpu(new RefOps(ref, freed, p, id++));
      }
    };
  }

  // -----------------------------------------------------------------------------------------------
  /** A node allocation that may fail, then a store of the node; on failure returns -ENOMEM. */
  static final class AllocAndPublish extends Routine<AllocAndPublish.Pc> {
    enum Pc { kmem_cache_alloc, publish, count }

    static final StepNames<Pc> NAMES = StepNames.of("alloc_and_publish", Pc.class);
    private final Ref<String> slot;
    private final Atomic allocated;
    private final String name;

    AllocAndPublish(Ref<String> slot, Atomic allocated, String name) {
      super(NAMES);
      this.slot = slot;
      this.allocated = allocated;
      this.name = name;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case kmem_cache_alloc:
          if (cpu.choose(ChoicePoint.allocation("node")) == 1) {
            cpu.ret(-12);
            return;
          }
          pc = Pc.count;
          return;
        case count:
          cpu.atomicAdd(allocated, 1);
          pc = Pc.publish;
          return;
        case publish:
          cpu.write(slot, name);
          cpu.ret(0);
          return;
      }
    }
  }

  /** Reads the slot; if non-null checks the allocation counter is non-zero. */
  static final class ReadSlot extends Routine<ReadSlot.Pc> {
    enum Pc { load, check }

    static final StepNames<Pc> NAMES = StepNames.of("read_slot", Pc.class);
    private final Ref<String> slot;
    private final Atomic allocated;

    ReadSlot(Ref<String> slot, Atomic allocated) {
      super(NAMES);
      this.slot = slot;
      this.allocated = allocated;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case load:
          if (cpu.read(slot) == null) {
            cpu.ret();
            return;
          }
          pc = Pc.check;
          return;
        case check:
          cpu.bugOn(cpu.atomicRead(allocated) == 0, "published node was never allocated", null);
          cpu.ret();
          return;
      }
    }
  }

  /** Two allocating publishers (each allocation may fail) and a reader. */
  public static Model allocations() {
    return m -> {
      Ref<String> slot = new Ref<>(m, "slot", null);
      Atomic allocated = new Atomic(m, "allocated", 0);
      m.addCpu(new AllocAndPublish(slot, allocated, "A"));
      m.addCpu(new AllocAndPublish(slot, allocated, "B"));
      m.addCpu(new ReadSlot(slot, allocated));
    };
  }

  // -----------------------------------------------------------------------------------------------
  /**
   * A lookup in the style of {@code filemap_get_entry}: load the slot, try to take a reference
   * (add-unless-zero), re-load the slot, and retry if it changed or the count was 0.
   */
  static final class Lookup extends Routine<Lookup.Pc> {
    enum Pc { repeat, try_get, reload, put, out }

    static final StepNames<Pc> NAMES = StepNames.of("lookup", Pc.class);
    private final Ref<Atomic> slot;
    private Atomic entry;

    Lookup(Ref<Atomic> slot) {
      super(NAMES);
      this.slot = slot;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case repeat:
          entry = cpu.read(slot);
          pc = entry == null ? Pc.out : Pc.try_get;
          return;
        case try_get:
          if (!cpu.atomicAddUnlessZero(entry, 1)) {
            retry(cpu, Pc.repeat);
            return;
          }
          pc = Pc.reload;
          return;
        case reload:
          pc = cpu.read(slot) == entry ? Pc.out : Pc.put;
          return;
        case put:
          cpu.atomicAdd(entry, -1);
          retry(cpu, Pc.repeat);
          return;
        case out:
          cpu.ret(entry);
          return;
      }
    }
  }

  /**
   * Replaces the object in the slot: freeze its count (cmpxchg 1 -> 0), store the new object,
   * unfreeze the old one with a release store; fails (returns) if the freeze fails.
   */
  static final class Replace extends Routine<Replace.Pc> {
    enum Pc { freeze, store, unfreeze }

    static final StepNames<Pc> NAMES = StepNames.of("replace", Pc.class);
    private final Ref<Atomic> slot;
    private final Atomic old;
    private final Atomic fresh;
    private final boolean unfreeze;

    Replace(Ref<Atomic> slot, Atomic old, Atomic fresh, boolean unfreeze) {
      super(NAMES);
      this.slot = slot;
      this.old = old;
      this.fresh = fresh;
      this.unfreeze = unfreeze;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case freeze:
          if (cpu.atomicCmpxchg(old, 1, 0) != 1) {
            cpu.ret(-11);
            return;
          }
          pc = Pc.store;
          return;
        case store:
          cpu.write(slot, fresh);
          if (!unfreeze) {
            cpu.ret(0);
            return;
          }
          pc = Pc.unfreeze;
          return;
        case unfreeze:
          cpu.atomicSetRelease(old, 1);
          cpu.ret(0);
          return;
      }
    }
  }

  /**
   * A lookup racing with a replacement; with {@code replaceSlot} false the writer freezes the
   * object and never unfreezes it nor replaces it, so the lookup hangs.
   */
  public static Model lookupAndReplace(boolean replaceSlot) {
    return m -> {
      Atomic a = new Atomic(m, "A._refcount", 1);
      Atomic b = new Atomic(m, "B._refcount", 1);
      Ref<Atomic> slot = new Ref<>(m, "slot", a);
      m.addCpu(new Lookup(slot));
      if (replaceSlot) {
        m.addCpu(new Replace(slot, a, b, true));
      } else {
        m.addCpu(new FreezeForever(a));
      }
    };
  }

  /** Freezes a count and keeps it frozen. */
  static final class FreezeForever extends Routine<FreezeForever.Pc> {
    enum Pc { freeze }

    static final StepNames<Pc> NAMES = StepNames.of("freeze_forever", Pc.class);
    private final Atomic a;

    FreezeForever(Atomic a) {
      super(NAMES);
      this.a = a;
    }

    @Override
    protected void step(Cpu cpu) {
      cpu.atomicCmpxchg(a, 1, 0);
      cpu.ret();
    }
  }

  // -----------------------------------------------------------------------------------------------
  /** Sets one bit atomically, or non-atomically (a plain read-modify-write of the word). */
  static final class SetFlag extends Routine<SetFlag.Pc> {
    enum Pc { set }

    static final StepNames<Pc> NAMES = StepNames.of("set_flag", Pc.class);
    private final Flags flags;
    private final int bit;
    private final boolean atomic;

    SetFlag(Flags flags, int bit, boolean atomic) {
      super(NAMES);
      this.flags = flags;
      this.bit = bit;
      this.atomic = atomic;
    }

    @Override
    protected void step(Cpu cpu) {
      if (atomic) {
        cpu.setBit(flags, bit);
      } else {
        cpu.nonAtomicSetBit(flags, bit);
      }
      cpu.ret();
    }
  }

  /**
   * Two CPUs set different bits of one flag word; with {@code firstNonAtomic} the first uses
   * {@code __set_bit}, which can lose the second's update. Exit check: both bits set.
   */
  public static Model flagBits(boolean firstNonAtomic, int cpus) {
    return m -> {
      Flags flags = new Flags(m, "folio.flags", 0);
      for (int i = 0; i < cpus; i++) {
        m.addCpu(new SetFlag(flags, i, i > 0 || !firstNonAtomic));
      }
      long want = (1L << cpus) - 1;
      m.addExitCheck(() -> flags.peek() == want ? null
          : "lost flag update: flags = 0x" + Long.toHexString(flags.peek()));
    };
  }

  // -----------------------------------------------------------------------------------------------
  /** Two locks taken in the given order: ABBA deadlock when two CPUs use opposite orders. */
  static final class TwoLocks extends Routine<TwoLocks.Pc> {
    enum Pc { lock_first, lock_second, unlock_second, unlock_first }

    static final StepNames<Pc> NAMES = StepNames.of("two_locks", Pc.class);
    private final Lock first;
    private final Lock second;

    TwoLocks(Lock first, Lock second) {
      super(NAMES);
      this.first = first;
      this.second = second;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case lock_first:
          cpu.lock(first);
          pc = Pc.lock_second;
          return;
        case lock_second:
          cpu.lock(second);
          pc = Pc.unlock_second;
          return;
        case unlock_second:
          cpu.unlock(second);
          pc = Pc.unlock_first;
          return;
        case unlock_first:
          cpu.unlock(first);
          cpu.ret();
          return;
      }
    }
  }

  /** CPU 0 takes A then B; CPU 1 takes B then A ({@code abba}) or A then B. */
  public static Model twoLocks(boolean abba) {
    return m -> {
      Lock a = Lock.spin(m, "A");
      Lock b = new Lock(m, "B", Lock.Kind.SLEEP);
      m.addCpu(new TwoLocks(a, b));
      m.addCpu(abba ? new TwoLocks(b, a) : new TwoLocks(a, b));
    };
  }

  // -----------------------------------------------------------------------------------------------
  /** Readers and a writer of an rwsem-protected pair of words. */
  static final class RwReader extends Routine<RwReader.Pc> {
    enum Pc { down_read, read_x, read_y, up_read }

    static final StepNames<Pc> NAMES = StepNames.of("rw_reader", Pc.class);
    private final RwSem sem;
    private final Word x;
    private final Word y;
    private long vx;

    RwReader(RwSem sem, Word x, Word y) {
      super(NAMES);
      this.sem = sem;
      this.x = x;
      this.y = y;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case down_read:
          cpu.downRead(sem);
          pc = Pc.read_x;
          return;
        case read_x:
          vx = cpu.read(x);
          pc = Pc.read_y;
          return;
        case read_y:
          long vy = cpu.read(y);
          if (vx != vy) {
            cpu.corruption("torn read: x=" + vx + " y=" + vy, null);
          }
          pc = Pc.up_read;
          return;
        case up_read:
          cpu.upRead(sem);
          cpu.ret();
          return;
      }
    }
  }

  /** Writes x and y (to 1) under the rwsem held for writing, or without it. */
  static final class RwWriter extends Routine<RwWriter.Pc> {
    enum Pc { down_write, write_x, write_y, up_write }

    static final StepNames<Pc> NAMES = StepNames.of("rw_writer", Pc.class);
    private final RwSem sem;
    private final Word x;
    private final Word y;
    private final boolean locked;

    RwWriter(RwSem sem, Word x, Word y, boolean locked) {
      super(NAMES);
      this.sem = sem;
      this.x = x;
      this.y = y;
      this.locked = locked;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case down_write:
          if (!locked) {
            pc = Pc.write_x;
            return;
          }
          cpu.downWrite(sem);
          pc = Pc.write_x;
          return;
        case write_x:
          cpu.write(x, 1);
          pc = Pc.write_y;
          return;
        case write_y:
          cpu.write(y, 1);
          if (!locked) {
            cpu.ret();
            return;
          }
          pc = Pc.up_write;
          return;
        case up_write:
          cpu.upWrite(sem);
          cpu.ret();
          return;
      }
    }
  }

  /** Two readers and a writer; {@code locked} says whether the writer takes the rwsem. */
  public static Model rwsem(boolean locked) {
    return m -> {
      RwSem sem = new RwSem(m, "i_mmap_rwsem");
      Word x = new Word(m, "x", 0);
      Word y = new Word(m, "y", 0);
      m.addCpu(new RwReader(sem, x, y));
      m.addCpu(new RwReader(sem, x, y));
      m.addCpu(new RwWriter(sem, x, y, locked));
    };
  }

  // -----------------------------------------------------------------------------------------------
  /** An object reachable through a pointer; {@code freed} is set when it is freed. */
  public static final class Obj {
    final Word freed;

    Obj(Machine m) {
      freed = new Word(m, "obj.freed", 0);
    }

    @Override
    public String toString() {
      return "obj";
    }
  }

  /** rcu_read_lock; p = rcu_dereference(ptr); if (p) BUG_ON(p->freed); rcu_read_unlock. */
  static final class RcuReader extends Routine<RcuReader.Pc> {
    enum Pc { rcu_read_lock, load, use, rcu_read_unlock }

    static final StepNames<Pc> NAMES = StepNames.of("rcu_reader", Pc.class);
    private final Ref<Obj> ptr;
    private Obj p;

    RcuReader(Ref<Obj> ptr) {
      super(NAMES);
      this.ptr = ptr;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case rcu_read_lock:
          cpu.rcuReadLock();
          pc = Pc.load;
          return;
        case load:
          p = cpu.read(ptr);
          pc = p == null ? Pc.rcu_read_unlock : Pc.use;
          return;
        case use:
          cpu.bugOn(cpu.read(p.freed) != 0, "use after free", p);
          pc = Pc.rcu_read_unlock;
          return;
        case rcu_read_unlock:
          cpu.rcuReadUnlock();
          cpu.ret();
          return;
      }
    }
  }

  /** rcu_assign_pointer(ptr, NULL); then call_rcu(free) or kfree at once. */
  static final class RcuRemover extends Routine<RcuRemover.Pc> {
    enum Pc { unpublish, free }

    static final StepNames<Pc> NAMES = StepNames.of("rcu_remover", Pc.class);
    private final Ref<Obj> ptr;
    private final Obj obj;
    private final boolean deferred;

    RcuRemover(Ref<Obj> ptr, Obj obj, boolean deferred) {
      super(NAMES);
      this.ptr = ptr;
      this.obj = obj;
      this.deferred = deferred;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case unpublish:
          cpu.storeRelease(ptr, null);
          pc = Pc.free;
          return;
        case free:
          if (deferred) {
            cpu.callRcu(c -> c.write(obj.freed, 1));
          } else {
            cpu.write(obj.freed, 1);
          }
          cpu.ret();
          return;
      }
    }
  }

  /** {@code readers} RCU readers and a remover that frees with call_rcu or directly. */
  public static Model rcu(int readers, boolean deferred) {
    return m -> {
      Obj obj = new Obj(m);
      Ref<Obj> ptr = new Ref<>(m, "ptr", obj);
      for (int i = 0; i < readers; i++) {
        m.addCpu(new RcuReader(ptr));
      }
      m.addCpu(new RcuRemover(ptr, obj, deferred));
    };
  }

  // -----------------------------------------------------------------------------------------------
  /** folio_lock; WRITE_ONCE(owner, me); BUG_ON(READ_ONCE(owner) != me); folio_unlock. */
  static final class BitLocker extends Routine<BitLocker.Pc> {
    enum Pc { folio_lock, set_owner, check_owner, folio_unlock }

    static final StepNames<Pc> NAMES = StepNames.of("bit_locker", Pc.class);
    private final Flags flags;
    private final Word owner;
    private final long me;
    private final boolean nonAtomic;

    BitLocker(Flags flags, Word owner, long me, boolean nonAtomic) {
      super(NAMES);
      this.flags = flags;
      this.owner = owner;
      this.me = me;
      this.nonAtomic = nonAtomic;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case folio_lock:
          if (nonAtomic) {
            cpu.nonAtomicSetBit(flags, 0);
          } else {
            cpu.lockBit(flags, 0);
          }
          pc = Pc.set_owner;
          return;
        case set_owner:
          cpu.write(owner, me);
          pc = Pc.check_owner;
          return;
        case check_owner:
          long o = cpu.read(owner);
          cpu.bugOn(o != me, "two CPUs hold the folio lock: owner " + o + ", expected " + me,
              null);
          pc = Pc.folio_unlock;
          return;
        case folio_unlock:
          cpu.unlockBit(flags, 0);
          cpu.ret();
          return;
      }
    }
  }

  /**
   * {@code n} CPUs take the folio lock (bit 0) and check they are alone; with
   * {@code firstNonAtomic} CPU 0 uses {@code __folio_set_locked} as if the folio were private.
   */
  public static Model folioLock(int n, boolean firstNonAtomic) {
    return m -> {
      Flags flags = new Flags(m, "folio.flags", 0);
      Word owner = new Word(m, "owner", -1);
      for (int i = 0; i < n; i++) {
        m.addCpu(new BitLocker(flags, owner, i, firstNonAtomic && i == 0));
      }
    };
  }

  // -----------------------------------------------------------------------------------------------
  /** Loops forever through a local step: a modeling error the machine reports as HANG. */
  static final class LocalLoop extends Routine<LocalLoop.Pc> {
    enum Pc { spin }

    static final StepNames<Pc> NAMES = StepNames.of("local_loop", Pc.class);

    LocalLoop() {
      super(NAMES);
    }

    @Override
    protected void step(Cpu cpu) {
      pc = Pc.spin;
    }
  }

  /** One CPU that never performs a shared access. */
  public static Model localLoop() {
    return m -> m.addCpu(new LocalLoop());
  }

  /** Increments a counter forever (no retry label): ends by the step bound. */
  static final class Forever extends Routine<Forever.Pc> {
    enum Pc { inc }

    static final StepNames<Pc> NAMES = StepNames.of("forever", Pc.class);
    private final Atomic a;

    Forever(Atomic a) {
      super(NAMES);
      this.a = a;
    }

    @Override
    protected void step(Cpu cpu) {
      cpu.atomicAdd(a, 1);
    }
  }

  /** One CPU incrementing forever. */
  public static Model forever() {
    return m -> m.addCpu(new Forever(new Atomic(m, "a", 0)));
  }

  /** A step that performs two shared actions: a modeling error. */
  static final class TwoActions extends Routine<TwoActions.Pc> {
    enum Pc { both }

    static final StepNames<Pc> NAMES = StepNames.of("two_actions", Pc.class);
    private final Word a;
    private final Word b;

    TwoActions(Word a, Word b) {
      super(NAMES);
      this.a = a;
      this.b = b;
    }

    @Override
    protected void step(Cpu cpu) {
      cpu.read(a);
      cpu.read(b);
      cpu.ret();
    }
  }

  /** One CPU whose step reads two words. */
  public static Model twoActions() {
    return m -> m.addCpu(new TwoActions(new Word(m, "a", 0), new Word(m, "b", 0)));
  }

  // -----------------------------------------------------------------------------------------------
  /** Message passing with the flag published by a plain store or a release store. */
  public static Model messagePassing(boolean release) {
    return m -> {
      Word data = new Word(m, "data", 0);
      Ref<String> flag = new Ref<>(m, "flag", null);
      m.addCpu(new Publish(flag, data, release));
      m.addCpu(new Consume(flag, data));
    };
  }

  /** The same model on a machine in weak memory mode with {@code lanes} lanes per CPU. */
  public static Model weak(Model model, int lanes) {
    return m -> {
      m.setWeakMemory(lanes);
      model.setUp(m);
    };
  }
}
