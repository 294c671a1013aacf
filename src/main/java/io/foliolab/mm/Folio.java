package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableMap;
import io.foliolab.sim.Atomic;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Flags;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Ref;
import io.foliolab.sim.Subject;
import io.foliolab.sim.Word;

/**
 * A {@code struct folio} (include/linux/mm_types.h, v6.18): the fields the page-cache races touch,
 * each a shared cell of the simulated machine.
 *
 * <ul>
 *   <li>{@code _refcount} ({@link Atomic}); {@code _mapcount} ({@link Atomic}, -1 when unmapped);
 *   <li>{@code flags} ({@link Flags}, bits of {@link PageFlags});
 *   <li>{@code index} ({@link Word}); the order ({@link Word}: {@code folio_order}, kept by the
 *       kernel in the second page's {@code _flags_1}, 0 for a small folio);
 *   <li>{@code mapping} ({@link Ref} to an {@link AddressSpace}, or to an {@link AnonVma} for an
 *       anonymous folio, the kernel's {@code anon_vma | PAGE_MAPPING_ANON}); {@code private}
 *       ({@link Ref}), which is also {@code folio->swap} (a union in the kernel: a
 *       {@link SwpEntry} while the folio is in the swap cache).
 * </ul>
 *
 * <p>The operations below are the kernel's folio helpers; each performs exactly one shared action
 * on the given {@link Cpu} and so must be called from a step of a step program (as that step's
 * one action). The {@code peek*} and {@code init*} methods report no access: they are for
 * building the initial state, assertions, dumps and reads that cannot race (documented where used).
 *
 * <p>A folio is created with {@link #create} (a new allocation, with its {@link Memmap}); the
 * folios born from a split are the struct pages of the same memmap ({@link #structPage}).
 */
public final class Folio {
  /** {@code PAGE_SHIFT}. */
  public static final int PAGE_SHIFT = 12;
  /** {@code PAGE_SIZE}. */
  public static final long PAGE_SIZE = 1L << PAGE_SHIFT;

  private final Memmap memmap;
  private final int pos;
  private final long pfn;
  private final String name;

  final Atomic refcount;
  final Atomic mapcount;
  final Flags flags;
  final Word index;
  final Word order;
  final Ref<Object> mapping;
  final Ref<Object> priv;

  Folio(Machine m, Memmap memmap, int pos, long pfn, long index, int order, long refcount,
      long mapcount) {
    this(m, memmap, pos, pfn, index, order, refcount, mapcount, "folio@" + hex(index));
  }

  Folio(Machine m, Memmap memmap, int pos, long pfn, long index, int order, long refcount,
      long mapcount, String name) {
    this.memmap = memmap;
    this.pos = pos;
    this.pfn = pfn;
    this.name = name;
    this.refcount = new Atomic(m, name + "._refcount", refcount);
    this.mapcount = new Atomic(m, name + "._mapcount", mapcount);
    this.flags = new Flags(m, name + ".flags", order > 0 ? 1L << PageFlags.PG_head : 0);
    this.index = new Word(m, name + ".index", index);
    this.order = new Word(m, name + ".order", order);
    this.mapping = new Ref<>(m, name + ".mapping", null);
    this.priv = new Ref<>(m, name + ".private", null);
  }

  /**
   * A newly allocated folio of {@code order} at file {@code index} (aligned to 2^order), pfn
   * {@code pfn}, with {@code _refcount} {@code refcount} (1 for the allocator's reference; add
   * 2^order for the page cache and 1 per other holder), unmapped, no flags but {@code PG_head} for
   * a large folio, no mapping. Use {@link #initFlags} and {@link #initMapping} to complete the
   * initial state, and {@link AddressSpace#addAtSetUp} to put it in a page cache.
   *
   * @throws IllegalArgumentException if {@code index} is not aligned to 2^order, the order is
   *     outside 0..12 or the refcount is negative
   */
  public static Folio create(Machine m, long pfn, long index, int order, long refcount) {
    checkArgument(order >= 0 && order <= 12, "folio order %s: must be in 0..12", order);
    checkArgument((index & ((1L << order) - 1)) == 0,
        "folio index %s is not aligned to its order %s", hex(index), order);
    checkArgument(refcount >= 0, "refcount %s must be >= 0", refcount);
    Memmap mm = new Memmap(m, pfn, index, order);
    Folio f = new Folio(m, mm, 0, pfn, index, order, refcount, -1);
    mm.install(f);
    return f;
  }

  /**
   * {@link #create(Machine, long, long, int, long)} with an explicit {@code name} for traces (e.g.
   * {@code "folio@pfn:0x2000"}): for folios that come from an allocator before they have an index
   * of their own (shmem swap-in, anonymous memory, khugepaged's huge page).
   *
   * @throws IllegalArgumentException as {@link #create(Machine, long, long, int, long)}, or for an
   *     empty name
   */
  public static Folio create(Machine m, String name, long pfn, long index, int order,
      long refcount) {
    checkArgument(name != null && !name.isEmpty(), "folio name must not be empty");
    checkArgument(order >= 0 && order <= 12, "folio order %s: must be in 0..12", order);
    checkArgument((index & ((1L << order) - 1)) == 0,
        "folio index %s is not aligned to its order %s", hex(index), order);
    checkArgument(refcount >= 0, "refcount %s must be >= 0", refcount);
    Memmap mm = new Memmap(m, pfn, index, order);
    Folio f = new Folio(m, mm, 0, pfn, index, order, refcount, -1, name);
    mm.install(f);
    return f;
  }

  // ---------------------------------------------------------------------------------------------
  // Identity and pages.

  /** {@code "folio@0x7650"}: the name used in traces (from the index the struct page had first). */
  public String name() {
    return name;
  }

  /**
   * {@code folio_pfn(folio)} (include/linux/mm.h, v6.18): returns the page frame number, fixed for
   * the life of the struct page. Context: any; no access.
   */
  public long pfn() {
    return pfn;
  }

  /** The struct pages of the allocation this folio belongs to. */
  public Memmap memmap() {
    return memmap;
  }

  /** Position of this folio's head page in its {@link Memmap}. */
  public int memmapPos() {
    return pos;
  }

  /**
   * {@code folio_page(folio, n)} (include/linux/page-flags.h, v6.18): returns page {@code n} of
   * this folio, by the folio's current order (read without an access: {@link #peekOrder}).
   * Context: the caller holds a reference that keeps the order stable.
   *
   * @throws IllegalArgumentException unless {@code 0 <= n < folio_nr_pages}
   */
  public Page page(long n) {
    long nr = 1L << peekOrder();
    checkArgument(n >= 0 && n < nr, "folio_page(%s, %s): the folio has %s pages", name, n, nr);
    return memmap.page(pos + (int) n);
  }

  /**
   * {@code folio_file_page(folio, index)} (include/linux/pagemap.h, v6.18): returns page
   * {@code index & (nr - 1)} of the folio. Like the kernel it does not check that the folio
   * contains {@code index}: for a folio that does not, it silently picks the wrong page. Context:
   * as {@link #page}; no access.
   */
  public Page filePage(long index) {
    long nr = 1L << peekOrder();
    return memmap.page(pos + (int) (index & (nr - 1)));
  }

  /**
   * The struct page {@code n} pages after this folio's head, as a folio (the piece a split makes
   * there); its cells are created on first use (see {@link Memmap}).
   */
  public Folio structPage(int n) {
    return memmap.struct(pos + n);
  }

  /**
   * {@code folio_contains(folio, index)} on loaded values (include/linux/pagemap.h, 6.x):
   * returns {@code index - folio->index < folio_nr_pages(folio)} in unsigned arithmetic. Context:
   * any; the caller loaded {@code folio->index} and the order.
   */
  public static boolean contains(long folioIndex, int order, long index) {
    return Long.compareUnsigned(index - folioIndex, 1L << order) < 0;
  }

  /** {@link #contains} on the current fields, without an access: for assertions and dumps. */
  public boolean peekContains(long index) {
    return contains(peekIndex(), peekOrder(), index);
  }

  // ---------------------------------------------------------------------------------------------
  // Reference count (include/linux/page_ref.h, include/linux/mm.h). One action each.

  /**
   * {@code folio_try_get(folio)} (include/linux/page_ref.h, v6.18) =
   * {@code folio_ref_add_unless_zero(folio, 1)}: takes a reference unless the count is 0 (frozen
   * or free). Fully ordered when it succeeds. Returns whether it took the reference. Context:
   * any; used under RCU by lockless lookups.
   */
  public boolean tryGet(Cpu cpu) {
    return cpu.atomicAddUnlessZero(refcount, 1);
  }

  /**
   * {@code folio_get(folio)} (include/linux/mm.h, v6.18): {@code atomic_inc} of the count. Returns
   * nothing. Context: any; the caller must already hold a reference.
   */
  public void get(Cpu cpu) {
    cpu.atomicAdd(refcount, 1);
  }

  /**
   * {@code folio_ref_add(folio, nr)} (include/linux/page_ref.h, v6.18): {@code atomic_add} of
   * {@code nr}. Returns nothing. Context: any; the caller holds a reference or the folio is not
   * visible to anyone else yet.
   */
  public void refAdd(Cpu cpu, long nr) {
    cpu.atomicAdd(refcount, nr);
  }

  /**
   * {@code folio_put(folio)} (include/linux/mm.h, v6.18): {@code folio_put_testzero}; returns true
   * if this dropped the last reference (the kernel then frees the folio with
   * {@code __folio_put}, which the caller models if it matters). Context: any; the caller holds
   * the reference it drops.
   */
  public boolean put(Cpu cpu) {
    return putRefs(cpu, 1);
  }

  /**
   * {@code folio_put_refs(folio, refs)} (include/linux/mm.h, v6.18):
   * {@code folio_ref_sub_and_test}; returns true if the count reached 0. Context: any; the caller
   * holds the references it drops.
   */
  public boolean putRefs(Cpu cpu, long refs) {
    return cpu.atomicSubAndTest(refcount, refs);
  }

  /**
   * {@code folio_ref_count(folio)} (include/linux/page_ref.h, v6.18):
   * {@code atomic_read(&folio->_refcount)}. Returns the count, which may change at once. Context:
   * any.
   */
  public long refCount(Cpu cpu) {
    return cpu.atomicRead(refcount);
  }

  /**
   * {@code folio_ref_freeze(folio, count)} (include/linux/page_ref.h, v6.18) =
   * {@code page_ref_freeze}: {@code atomic_cmpxchg} of the count from exactly {@code count} to 0;
   * returns whether it froze. While frozen every {@code folio_try_get} fails. Context: folio
   * locked, usually under the mapping's xa_lock.
   */
  public boolean refFreeze(Cpu cpu, long count) {
    return cpu.atomicCmpxchg(refcount, count, 0) == count;
  }

  /**
   * {@code folio_ref_unfreeze(folio, count)} (include/linux/page_ref.h, v6.18) =
   * {@code page_ref_unfreeze}: asserts the count is 0
   * ({@code VM_BUG_ON_PAGE(page_count(page) != 0)}) and {@code count != 0}, then
   * {@code atomic_set_release(&_refcount, count)}: every earlier store of this CPU is visible to a
   * CPU that sees the new count. The assertion reads the count without an access (the count of a
   * frozen folio cannot change). Returns nothing. Context: the caller froze the folio.
   */
  public void refUnfreeze(Cpu cpu, long count) {
    if (refcount.peek() != 0) {
      cpu.bug("VM_BUG_ON_PAGE(page_count(page) != 0)",
          subject("VM_BUG_ON_PAGE(page_count(page) != 0)", -1));
    }
    if (count == 0) {
      cpu.bug("VM_BUG_ON(count == 0)", subject("VM_BUG_ON(count == 0)", -1));
    }
    cpu.atomicSetRelease(refcount, count);
  }

  /**
   * {@code folio_mapcount(folio)} (include/linux/mm.h, v6.18, in its small-folio form; the model
   * keeps one mapcount per folio): {@code _mapcount + 1}, one {@code atomic_read}. Returns the
   * mapcount. Context: any.
   */
  public long mapcountRead(Cpu cpu) {
    return cpu.atomicRead(mapcount) + 1;
  }

  // ---------------------------------------------------------------------------------------------
  // The folio lock (mm/filemap.c, include/linux/pagemap.h).

  /**
   * {@code folio_trylock(folio)} (include/linux/pagemap.h, v6.18): test-and-set of
   * {@code PG_locked} with acquire ordering. Returns whether it took the lock. Context: any; does
   * not sleep.
   */
  public boolean trylock(Cpu cpu) {
    return cpu.trylockBit(flags, PageFlags.PG_locked);
  }

  /**
   * {@code folio_lock(folio)} (include/linux/pagemap.h) / {@code __folio_lock} (mm/filemap.c),
   * v6.18: sleeps until {@code PG_locked} is clear and takes it. Must be the first action of its
   * step (the step re-runs once the lock is free). {@code PG_waiters} is not maintained: the
   * simulated lock keeps its own waiters. Returns nothing. Context: may sleep; the caller holds a
   * reference.
   */
  public void lock(Cpu cpu) {
    cpu.lockBit(flags, PageFlags.PG_locked);
  }

  /**
   * {@code folio_unlock(folio)} (mm/filemap.c, v6.18): clears {@code PG_locked} with release
   * ordering and wakes waiters. Returns nothing. Context: the caller holds the folio lock.
   */
  public void unlock(Cpu cpu) {
    cpu.unlockBit(flags, PageFlags.PG_locked);
  }

  /**
   * {@code __folio_set_locked(folio)} (include/linux/pagemap.h, v6.18): the non-atomic set of
   * {@code PG_locked} (load in this step, store in the CPU's next step). Returns nothing. Context:
   * legal only on a folio nobody else can see.
   */
  public void nonAtomicSetLocked(Cpu cpu) {
    cpu.nonAtomicSetBit(flags, PageFlags.PG_locked);
  }

  // ---------------------------------------------------------------------------------------------
  // Flag bits (include/linux/page-flags.h): folio_test_X, folio_set_X, folio_clear_X, ...

  /**
   * {@code folio_test_X(folio)} (include/linux/page-flags.h, v6.18) for bit {@code bit} of
   * {@link PageFlags}: {@code test_bit}. Returns the bit. Context: any.
   */
  public boolean test(Cpu cpu, int bit) {
    return cpu.testBit(flags, bit);
  }

  /**
   * {@code folio_set_X(folio)} (include/linux/page-flags.h, v6.18): atomic {@code set_bit}.
   * Returns nothing. Context: any.
   */
  public void set(Cpu cpu, int bit) {
    cpu.setBit(flags, bit);
  }

  /**
   * {@code folio_clear_X(folio)} (include/linux/page-flags.h, v6.18): atomic {@code clear_bit}.
   * Returns nothing. Context: any.
   */
  public void clear(Cpu cpu, int bit) {
    cpu.clearBit(flags, bit);
  }

  /**
   * {@code folio_test_set_X(folio)} (include/linux/page-flags.h, v6.18): atomic
   * {@code test_and_set_bit}. Returns the old bit. Context: any.
   */
  public boolean testAndSet(Cpu cpu, int bit) {
    return cpu.testAndSetBit(flags, bit);
  }

  /**
   * {@code folio_test_clear_X(folio)} (include/linux/page-flags.h, v6.18): atomic
   * {@code test_and_clear_bit}. Returns the old bit. Context: any.
   */
  public boolean testAndClear(Cpu cpu, int bit) {
    return cpu.testAndClearBit(flags, bit);
  }

  // ---------------------------------------------------------------------------------------------
  // Plain fields. Loads are plain C loads (or READ_ONCE); stores plain C stores.

  /** Loads {@code folio->index}. */
  public long readIndex(Cpu cpu) {
    return cpu.read(index);
  }

  /** Stores {@code folio->index}. */
  public void writeIndex(Cpu cpu, long v) {
    cpu.write(index, v);
  }

  /**
   * {@code folio_order(folio)} (include/linux/mm.h, v6.18): loads the order. Returns it (0 for a
   * small folio). Context: any; stable only while the caller holds a reference.
   */
  public int readOrder(Cpu cpu) {
    return (int) cpu.read(order);
  }

  /**
   * {@code folio_set_order(folio, order)} (mm/internal.h, v6.18): stores the order. Returns
   * nothing. Context: the folio is frozen (split) or not yet visible.
   */
  public void writeOrder(Cpu cpu, int v) {
    cpu.write(order, v);
  }

  /**
   * Loads {@code folio->mapping} as an address space: the {@link AddressSpace}, or null when the
   * word is NULL or an anonymous mapping ({@link AnonVma}); a comparison with a mapping gives the
   * kernel's answer either way. Use {@link #readMappingWord} to see an anon_vma.
   */
  public AddressSpace readMapping(Cpu cpu) {
    Object m = cpu.read(mapping);
    return m instanceof AddressSpace ? (AddressSpace) m : null;
  }

  /** Stores {@code folio->mapping}. */
  public void writeMapping(Cpu cpu, AddressSpace v) {
    cpu.write(mapping, v);
  }

  /** Loads {@code folio->private}. */
  public Object readPrivate(Cpu cpu) {
    return cpu.read(priv);
  }

  /** Stores {@code folio->private}. */
  public void writePrivate(Cpu cpu, Object v) {
    cpu.write(priv, v);
  }

  // ---------------------------------------------------------------------------------------------
  // Set-up (no access reported).

  /** Sets the given {@link PageFlags} bits for the initial state. */
  public Folio initFlags(int... bits) {
    for (int b : bits) {
      flags.init(b, true);
    }
    return this;
  }

  /** Sets {@code folio->mapping} for the initial state. */
  public Folio initMapping(AddressSpace as) {
    mapping.init(as);
    return this;
  }

  /**
   * Makes this an anonymous folio of {@code anonVma} for the initial state, as
   * {@code folio_add_new_anon_rmap} leaves it: {@code folio->mapping = anon_vma |
   * PAGE_MAPPING_ANON}, {@code PG_swapbacked}.
   */
  public Folio initAnon(AnonVma anonVma) {
    mapping.init(anonVma);
    flags.init(PageFlags.PG_swapbacked, true);
    return this;
  }

  /** Sets {@code folio->private} (and {@code PG_private}) for the initial state. */
  public Folio initPrivate(Object p) {
    priv.init(p);
    flags.init(PageFlags.PG_private, p != null);
    return this;
  }

  // ---------------------------------------------------------------------------------------------
  // Peeks (no access reported): for assertions, dumps and race-free reads (documented at use).

  public long peekRefcount() {
    return refcount.peek();
  }

  /** {@code folio_mapcount}: {@code _mapcount + 1}. */
  public long peekMapcount() {
    return mapcount.peek() + 1;
  }

  public long peekFlags() {
    return flags.peek();
  }

  public boolean peekFlag(int bit) {
    return flags.peekBit(bit);
  }

  public long peekIndex() {
    return index.peek();
  }

  public int peekOrder() {
    return (int) order.peek();
  }

  /**
   * {@code folio_nr_pages(folio)} (include/linux/mm.h, v6.18) without an access: returns
   * {@code 2^order}. Context: where the order cannot change (documented at use).
   */
  public long peekNrPages() {
    return 1L << peekOrder();
  }

  /** {@code folio->mapping} as an address space, null if NULL or anonymous (no access). */
  public AddressSpace peekMapping() {
    Object m = mapping.peek();
    return m instanceof AddressSpace ? (AddressSpace) m : null;
  }

  public Object peekPrivate() {
    return priv.peek();
  }

  // ---------------------------------------------------------------------------------------------
  // Anonymous folios and folio->swap (added for shmem swap-in and reclaim; mm/rmap.c,
  // include/linux/page-flags.h, include/linux/mm_types.h, v6.16).

  /**
   * Loads the raw {@code folio->mapping} word: an {@link AddressSpace}, an {@link AnonVma}
   * (standing for {@code anon_vma | PAGE_MAPPING_ANON}), or null.
   */
  public Object readMappingWord(Cpu cpu) {
    return cpu.read(mapping);
  }

  /** Stores the raw {@code folio->mapping} word (an address space, an anon_vma, or null). */
  public void writeMappingWord(Cpu cpu, Object v) {
    checkArgument(v == null || v instanceof AddressSpace || v instanceof AnonVma,
        "folio->mapping must be an AddressSpace, an AnonVma or null, not %s", v);
    cpu.write(mapping, v);
  }

  /** The raw {@code folio->mapping} word, without an access: for dumps and assertions. */
  public Object peekMappingWord() {
    return mapping.peek();
  }

  /**
   * {@code folio_test_anon(folio)} (include/linux/page-flags.h, v6.16): one load of
   * {@code folio->mapping}; returns true if {@code PAGE_MAPPING_ANON} is set (the word is an
   * {@link AnonVma}). Context: any.
   */
  public boolean testAnon(Cpu cpu) {
    return cpu.read(mapping) instanceof AnonVma;
  }

  /**
   * Loads {@code folio->swap} (the union with {@code folio->private}): the swap entry of a folio
   * in the swap cache (or of a skip-swapcache swap-in), null for {@code swap.val == 0}.
   *
   * @throws IllegalStateException if {@code private} holds something that is not a swap entry
   */
  public SwpEntry readSwap(Cpu cpu) {
    return asSwap(cpu.read(priv));
  }

  /** Stores {@code folio->swap} ({@code null} stores {@code swap.val = 0}). */
  public void writeSwap(Cpu cpu, SwpEntry entry) {
    cpu.write(priv, entry);
  }

  /** {@code folio->swap} without an access, null for {@code swap.val == 0}. */
  public SwpEntry peekSwap() {
    Object p = priv.peek();
    return p instanceof SwpEntry ? (SwpEntry) p : null;
  }

  private SwpEntry asSwap(Object p) {
    checkState(p == null || p instanceof SwpEntry,
        "%s: folio->private holds %s, not a swap entry", name, p);
    return (SwpEntry) p;
  }

  // ---------------------------------------------------------------------------------------------
  // Dump.

  /**
   * The folio in the style of {@code dump_page} / {@code __dump_folio} (mm/debug.c, v6.18): the
   * {@code page:} line (refcount, mapcount, mapping, index, pfn), for a large folio the
   * {@code head:} line with its order, the {@code flags:} line with the bits by name, and
   * {@code page dumped because: reason} (omitted when {@code reason} is null). Returns the text.
   * Context: failure reporting; no access.
   */
  public String dump(String reason) {
    StringBuilder sb = new StringBuilder();
    AddressSpace as = peekMapping();
    Object word = mapping.peek();
    sb.append("page: refcount:").append(peekRefcount())
        .append(" mapcount:").append(peekMapcount())
        .append(" mapping:").append(word == null ? "0000000000000000" : word instanceof AnonVma
            ? word + " (anon)" : as.name())
        .append(" index:0x").append(Long.toHexString(peekIndex()))
        .append(" pfn:0x").append(Long.toHexString(pfn)).append('\n');
    if (peekFlag(PageFlags.PG_head)) {
      sb.append("head: order:").append(peekOrder())
          .append(" mapcount:").append(peekMapcount())
          .append(" entire_mapcount:0 nr_pages_mapped:0 pincount:0\n");
    }
    if (as != null) {
      sb.append("aops:").append(as.aopsName()).append(" ino:").append(Long.toHexString(as.ino()))
          .append('\n');
    }
    sb.append(PageFlags.dumpLine(peekFlags())).append('\n');
    if (reason != null) {
      sb.append("page dumped because: ").append(reason).append('\n');
    }
    return sb.toString();
  }

  /**
   * A failure subject for this folio: {@link #dump} with {@code reason}, and the fields
   * {@code index}, {@code order}, {@code flags} (names), {@code flagsRaw}, {@code refcount},
   * {@code mapcount}, {@code pfn}, {@code mapping}, and {@code lookupIndex} when
   * {@code lookupIndex >= 0} (the index whose lookup produced this folio).
   */
  public Subject subject(String reason, long lookupIndex) {
    ImmutableMap.Builder<String, Object> b = ImmutableMap.builder();
    b.put("index", peekIndex());
    b.put("order", peekOrder());
    b.put("flags", PageFlags.describe(peekFlags()));
    b.put("flagsRaw", peekFlags());
    b.put("refcount", peekRefcount());
    b.put("mapcount", peekMapcount());
    b.put("pfn", pfn);
    Object word = mapping.peek();
    b.put("mapping", word == null ? "NULL"
        : word instanceof AddressSpace ? ((AddressSpace) word).name() : word.toString());
    SwpEntry swap = peekSwap();
    if (swap != null) {
      b.put("swap", swap.toString());
    }
    if (lookupIndex >= 0) {
      b.put("lookupIndex", lookupIndex);
    }
    return new Subject("folio", dump(reason), b.buildOrThrow());
  }

  /** Shows an index as the kernel prints it ({@code %#lx}). */
  static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }

  @Override
  public String toString() {
    return name;
  }

  void checkHead() {
    checkState(memmap.folioOf(pos) == this, "%s is a tail page", name);
  }
}
