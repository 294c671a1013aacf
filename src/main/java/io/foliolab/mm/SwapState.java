package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Lock;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Ref;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.xarray.XaEntry;

/**
 * The swap cache of one swap device (mm/swap_state.c, v6.16): {@code swapper_spaces[type]}, an
 * address space whose {@code i_pages} has one slot per swap offset. A large folio occupies each of
 * its 2^order slots individually ("Swap cache still stores N entries instead of a high-order
 * entry"), so a lookup of any of its slots returns the large folio.
 *
 * <p>Model: one shared pointer per slot (the XArray's slot word; the swap cache's tree shape and
 * node counters are not modelled: with one slot per offset, a reader sees exactly the slot words)
 * and the address space's {@code xa_lock}, taken by the writers ({@code add_to_swap_cache},
 * {@code __delete_from_swap_cache} callers). Readers take no lock. Workingset shadows are not
 * kept: a removed folio leaves NULL (the scenarios never refault through a shadow).
 *
 * <p>Paired with a {@link SwapInfo}, whose swap map holds {@code SWAP_HAS_CACHE} for every slot
 * with a folio here (or one being brought in).
 */
public final class SwapState {
  private final SwapInfo si;
  private final Ref<Object>[] slots;
  private final Lock xaLock;

  /** The swap cache of {@code si}, empty. */
  @SuppressWarnings("unchecked")
  public SwapState(Machine m, SwapInfo si) {
    this.si = checkNotNull(si, "si");
    this.slots = new Ref[si.nslots()];
    String base = "swapper_spaces[" + si.type() + "].i_pages";
    this.xaLock = Lock.spin(m, base + ".xa_lock");
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new Ref<>(m, base + "[0x" + Integer.toHexString(i) + "]", null);
    }
  }

  /** The device whose swap cache this is. */
  public SwapInfo swapInfo() {
    return si;
  }

  /** {@code swap_address_space(entry)->i_pages}' {@code xa_lock}. */
  public Lock xaLock() {
    return xaLock;
  }

  private Ref<Object> slot(SwpEntry entry) {
    checkNotNull(entry, "entry");
    checkArgument(entry.type() == si.type() && entry.offset() < slots.length,
        "%s is not a slot of %s", entry, si);
    return slots[(int) entry.offset()];
  }

  /** The folio (or null) in the slot of {@code entry}, without an access. */
  public Folio peek(SwpEntry entry) {
    Object o = slot(entry).peek();
    return o instanceof Folio ? (Folio) o : null;
  }

  /**
   * Initial state: {@code folio} is in the swap cache at {@code entry} (its 2^order slots), as
   * {@code add_to_swap_cache} leaves it: {@code PG_swapcache}, {@code folio->swap = entry}; the
   * folio's refcount must already include the cache's 2^order references, and the caller marks
   * the slots {@code SWAP_HAS_CACHE} in the swap map.
   */
  public void addAtSetUp(Folio folio, SwpEntry entry) {
    int nr = (int) folio.peekNrPages();
    checkArgument(entry.offset() % nr == 0, "%s is not aligned to the folio's %s pages", entry, nr);
    for (int i = 0; i < nr; i++) {
      slot(entry.plus(i)).init(folio);
    }
    folio.flags.init(PageFlags.PG_swapcache, true);
    folio.priv.init(entry);
  }

  /**
   * {@code VM_BUG_ON_FOLIO(condition, folio)} (include/linux/mmdebug.h, v6.16, with
   * {@code CONFIG_DEBUG_VM}): if {@code condition} holds, a BUG with the folio's dump (the
   * execution ends). Returns normally otherwise. Context: any; the folio is read without
   * accesses.
   */
  static void bugOnFolio(Cpu cpu, boolean condition, Folio folio, String message) {
    if (condition) {
      cpu.bug(message, folio.subject(message, -1));
    }
  }

  // ===============================================================================================

  /**
   * {@code swap_cache_get_folio(entry, vma, addr)} (mm/swap_state.c, v6.16): the lockless lookup
   * {@code filemap_get_folio(swap_address_space(entry), swap_cache_index(entry))}, i.e.
   * {@code filemap_get_entry} on the swap cache: in an RCU read-side section, {@code repeat:} load
   * the slot; NULL or a value (shadow) is "not found"; {@code folio_try_get} (a frozen or free
   * folio: back to {@code repeat}); {@code xas_reload} (the slot again): a different pointer puts
   * the folio and goes back to {@code repeat}. Every {@code goto repeat} is a retry loop of the
   * machine. The readahead statistics are not modelled. Returns the folio with a reference, or
   * null. Context: takes and releases the RCU read lock.
   */
  public static final class SwapCacheGetFolio extends Routine<SwapCacheGetFolio.Pc> {
    /** Steps. */
    public enum Pc { rcu_read_lock, repeat, folio_try_get, xas_reload, put, out }

    private static final StepNames<Pc> NAMES = StepNames.of("swap_cache_get_folio", Pc.class);
    private SwapState cache;
    private SwpEntry entry;
    private Object found;

    public SwapCacheGetFolio() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public SwapCacheGetFolio on(SwapState cache, SwpEntry entry) {
      this.cache = checkNotNull(cache, "cache");
      this.entry = checkNotNull(entry, "entry");
      cache.slot(entry);
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case rcu_read_lock:
          cpu.rcuReadLock();
          pc = Pc.repeat;
          return;
        case repeat:
          found = cpu.read(cache.slot(entry));
          if (found == null || XaEntry.isValue(found)) {
            found = null;
            pc = Pc.out;
            return;
          }
          pc = Pc.folio_try_get;
          return;
        case folio_try_get:
          if (!((Folio) found).tryGet(cpu)) {
            retry(cpu, Pc.repeat);
            return;
          }
          pc = Pc.xas_reload;
          return;
        case xas_reload:
          pc = cpu.read(cache.slot(entry)) == found ? Pc.out : Pc.put;
          return;
        case put:
          ((Folio) found).put(cpu);
          retry(cpu, Pc.repeat);
          return;
        case out:
          cpu.rcuReadUnlock();
          cpu.ret(found);
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code add_to_swap_cache(folio, entry, gfp, shadowp)} (mm/swap_state.c, v6.16): with the
   * folio locked ({@code VM_BUG_ON_FOLIO} checks of locked, not yet swapcache, swapbacked),
   * {@code folio_ref_add(folio, nr)}, {@code folio_set_swapcache}, {@code folio->swap = entry};
   * then under the swap cache's {@code xa_lock} one store per slot (the old slot, a shadow or
   * NULL, is read under the lock without an access: only writers holding that lock change it);
   * {@code xa_unlock_irq}. The caller has set {@code SWAP_HAS_CACHE} on the slots. Node
   * allocation ({@code xas_nomem}) cannot fail here. Returns 0. Context: folio locked; takes the
   * swap cache's xa_lock.
   */
  public static final class AddToSwapCache extends Routine<AddToSwapCache.Pc> {
    /** Steps. */
    public enum Pc { folio_ref_add, folio_set_swapcache, set_swap, xas_lock_irq, xas_store,
      xas_unlock_irq }

    private static final StepNames<Pc> NAMES = StepNames.of("add_to_swap_cache", Pc.class);
    private SwapState cache;
    private Folio folio;
    private SwpEntry entry;
    private int nr;
    private int i;

    public AddToSwapCache() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public AddToSwapCache on(SwapState cache, Folio folio, SwpEntry entry) {
      this.cache = checkNotNull(cache, "cache");
      this.folio = checkNotNull(folio, "folio");
      this.entry = checkNotNull(entry, "entry");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case folio_ref_add:
          // The folio is locked by the caller: its order and these flags cannot change.
          int n = (int) folio.peekNrPages();
          bugOnFolio(cpu, !folio.peekFlag(PageFlags.PG_locked), folio,
              "VM_BUG_ON_FOLIO(!folio_test_locked(folio))");
          bugOnFolio(cpu, folio.peekFlag(PageFlags.PG_swapcache), folio,
              "VM_BUG_ON_FOLIO(folio_test_swapcache(folio))");
          folio.refAdd(cpu, n);
          nr = n;
          pc = Pc.folio_set_swapcache;
          return;
        case folio_set_swapcache:
          folio.set(cpu, PageFlags.PG_swapcache);
          pc = Pc.set_swap;
          return;
        case set_swap:
          folio.writeSwap(cpu, entry);
          pc = Pc.xas_lock_irq;
          return;
        case xas_lock_irq:
          cpu.lock(cache.xaLock);
          i = 0;
          pc = Pc.xas_store;
          return;
        case xas_store:
          cpu.storeRelease(cache.slot(entry.plus(i)), folio);
          if (++i == nr) {
            pc = Pc.xas_unlock_irq;
          }
          return;
        case xas_unlock_irq:
          cpu.unlock(cache.xaLock);
          cpu.ret(0);
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code __delete_from_swap_cache(folio, entry, shadow)} (mm/swap_state.c, v6.16), called with
   * the swap cache's {@code xa_lock} held and the folio locked: one store per slot (NULL: shadows
   * are not kept), then {@code folio->swap.val = 0} and {@code folio_clear_swapcache}. The cache's
   * references are dropped by the caller. Returns nothing. Context: xa_lock held.
   */
  public static final class DeleteFromSwapCacheLocked
      extends Routine<DeleteFromSwapCacheLocked.Pc> {
    /** Steps. */
    public enum Pc { xas_store, clear_swap, folio_clear_swapcache }

    private static final StepNames<Pc> NAMES =
        StepNames.of("__delete_from_swap_cache", Pc.class);
    private SwapState cache;
    private Folio folio;
    private SwpEntry entry;
    private int nr;
    private int i;

    public DeleteFromSwapCacheLocked() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public DeleteFromSwapCacheLocked on(SwapState cache, Folio folio, SwpEntry entry) {
      this.cache = checkNotNull(cache, "cache");
      this.folio = checkNotNull(folio, "folio");
      this.entry = checkNotNull(entry, "entry");
      this.nr = (int) folio.peekNrPages();
      this.i = 0;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case xas_store:
          cpu.storeRelease(cache.slot(entry.plus(i)), null);
          if (++i == nr) {
            pc = Pc.clear_swap;
          }
          return;
        case clear_swap:
          folio.writeSwap(cpu, null);
          pc = Pc.folio_clear_swapcache;
          return;
        case folio_clear_swapcache:
          folio.clear(cpu, PageFlags.PG_swapcache);
          cpu.ret();
          return;
      }
    }
  }

  /**
   * {@code delete_from_swap_cache(folio)} (mm/swap_state.c, v6.16), folio locked:
   * {@code entry = folio->swap}; {@code xa_lock_irq}; {@code __delete_from_swap_cache};
   * {@code xa_unlock_irq}; {@code put_swap_folio(folio, entry)} (clears {@code SWAP_HAS_CACHE});
   * {@code folio_ref_sub(folio, nr)}. Returns nothing. Context: folio locked; takes the swap
   * cache's xa_lock and the cluster lock.
   */
  public static final class DeleteFromSwapCache extends Routine<DeleteFromSwapCache.Pc> {
    /** Steps. */
    public enum Pc { read_swap, xa_lock_irq, xa_unlock_irq, put_swap_folio, folio_ref_sub }

    private static final StepNames<Pc> NAMES = StepNames.of("delete_from_swap_cache", Pc.class);
    private final DeleteFromSwapCacheLocked delete = new DeleteFromSwapCacheLocked();
    private SwapState cache;
    private Folio folio;
    private SwpEntry entry;

    public DeleteFromSwapCache() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public DeleteFromSwapCache on(SwapState cache, Folio folio) {
      this.cache = checkNotNull(cache, "cache");
      this.folio = checkNotNull(folio, "folio");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case read_swap:
          entry = folio.readSwap(cpu);
          if (entry == null) {
            cpu.bug("VM_BUG_ON_FOLIO(!folio_test_swapcache(folio)): delete_from_swap_cache of a"
                + " folio without a swap entry", folio.subject("delete_from_swap_cache", -1));
          }
          pc = Pc.xa_lock_irq;
          return;
        case xa_lock_irq:
          cpu.lock(cache.xaLock);
          call(cpu, delete.on(cache, folio, entry), Pc.xa_unlock_irq);
          return;
        case xa_unlock_irq:
          cpu.unlock(cache.xaLock);
          pc = Pc.put_swap_folio;
          return;
        case put_swap_folio:
          cache.si.putSwapFolio(cpu, entry, (int) folio.peekNrPages());
          pc = Pc.folio_ref_sub;
          return;
        case folio_ref_sub:
          folio.putRefs(cpu, folio.peekNrPages());
          cpu.ret();
          return;
        default:
          throw new AssertionError(pc);
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code __read_swap_cache_async(entry, gfp, mpol, ilx, &new_page_allocated,
   * skip_if_exists = false)} (mm/swap_state.c, v6.16): {@code for (;;)}: look the slot up in the
   * swap cache (found: return it); {@code swap_entry_swapped} false (the slot was freed): give up
   * ({@code put_and_return}: NULL); take an order-0 folio; {@code swapcache_prepare(entry, 1)}: 0
   * breaks out, {@code -EEXIST} (another task owns the slot's swap-in, or its folio is just
   * leaving the cache) sleeps a tick and loops ({@code schedule_timeout_uninterruptible(1)}: a
   * retry loop of the machine), other errors give up. Then {@code __folio_set_locked},
   * {@code __folio_set_swapbacked} (non-atomic, the folio is private), {@link AddToSwapCache},
   * {@code folio_add_lru} ({@code PG_lru} at once). Returns the folio with a reference (locked
   * if it is new: {@link #allocated()}) or null. The kernel allocates the folio inside the loop
   * and puts it on {@code -EEXIST}; the model takes it once, before the first
   * {@code swapcache_prepare}, and keeps it across iterations: the folio is private until added
   * to the cache, so nobody can tell. Context: may sleep.
   */
  public static final class ReadSwapCacheAsync extends Routine<ReadSwapCacheAsync.Pc> {
    /** Steps. */
    public enum Pc { repeat, looked_up, swap_entry_swapped, swapcache_prepare, set_locked,
      set_swapbacked, add_to_swap_cache, folio_add_lru, put_and_return }

    private static final StepNames<Pc> NAMES =
        StepNames.of("__read_swap_cache_async", Pc.class);
    private final SwapCacheGetFolio getFolio = new SwapCacheGetFolio();
    private final AddToSwapCache add = new AddToSwapCache();
    private SwapState cache;
    private PageAllocator alloc;
    private SwpEntry entry;
    private Folio folio;
    private boolean allocated;

    public ReadSwapCacheAsync() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public ReadSwapCacheAsync on(SwapState cache, PageAllocator alloc, SwpEntry entry) {
      this.cache = checkNotNull(cache, "cache");
      this.alloc = checkNotNull(alloc, "alloc");
      this.entry = checkNotNull(entry, "entry");
      this.folio = null;
      this.allocated = false;
      return this;
    }

    /** {@code *new_page_allocated} of the last call. */
    public boolean allocated() {
      return allocated;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case repeat:
          call(cpu, getFolio.on(cache, entry), Pc.looked_up);
          return;
        case looked_up: {
          Folio f = (Folio) cpu.retval();
          if (f != null) {
            pc = Pc.put_and_return;
            found = f;
            return;
          }
          pc = Pc.swap_entry_swapped;
          return;
        }
        case swap_entry_swapped:
          if (!cache.si.swapEntrySwapped(cpu, entry)) {
            pc = Pc.put_and_return;
            return;
          }
          if (folio == null) {
            folio = alloc.take(cpu, 0);
          }
          pc = Pc.swapcache_prepare;
          return;
        case swapcache_prepare: {
          int err = cache.si.swapcachePrepare(cpu, entry, 1);
          if (err == 0) {
            pc = Pc.set_locked;
            return;
          }
          if (err == ErrPtr.EEXIST) {
            retry(cpu, Pc.repeat);
            return;
          }
          pc = Pc.put_and_return;
          return;
        }
        case set_locked:
          cpu.nonAtomicSetBit(folio.flags, PageFlags.PG_locked);
          pc = Pc.set_swapbacked;
          return;
        case set_swapbacked:
          cpu.nonAtomicSetBit(folio.flags, PageFlags.PG_swapbacked);
          pc = Pc.add_to_swap_cache;
          return;
        case add_to_swap_cache:
          call(cpu, add.on(cache, folio, entry), Pc.folio_add_lru);
          return;
        case folio_add_lru:
          folio.set(cpu, PageFlags.PG_lru);
          allocated = true;
          cpu.ret(folio);
          return;
        case put_and_return: {
          // The put is this step's action: nothing may change before it (a probe that stops at
          // the put must leave `found` in place, or the folio found and referenced is lost).
          if (folio != null) {
            if (folio.put(cpu)) {
              alloc.freeUnused(cpu, folio);
            }
            folio = null;
          }
          Folio ret = found;
          found = null;
          cpu.ret(ret);
          return;
        }
      }
    }

    private Folio found;
  }
}
