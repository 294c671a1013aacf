package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Lock;
import io.foliolab.sim.Machine;
import io.foliolab.sim.RwSem;
import io.foliolab.sim.Word;
import io.foliolab.sim.XaBinding;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaConfig;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaGfp;

/**
 * A {@code struct address_space} (include/linux/fs.h, v6.18) with the parts of its inode the
 * page-cache paths read: the page cache {@code i_pages} (an {@link XArray} whose chunk shift and
 * variants come from an {@link XaConfig}), its {@code xa_lock}, {@code i_size},
 * {@code i_mmap_rwsem}, {@code invalidate_lock}, the folio-order limits
 * ({@code mapping_min_folio_order}, {@code mapping_max_folio_order},
 * {@code mapping_large_folio_support}) and whether it is shmem/tmpfs.
 *
 * <p>The order limits and the shmem flag are fixed when the mapping is created (the kernel sets
 * them in {@code mapping_set_folio_order_range} at inode set-up), so reading them is not a shared
 * access. {@code i_size} is a shared {@link Word} ({@code i_size_read}).
 *
 * <p>Building an address space attaches its XArray to the machine ({@link XaBinding}): every
 * XArray word is a location, loads by step programs are shared actions, and write-side operations
 * ({@link Cpu#xaWrite}) are published store by store. Build it during {@code Model.setUp}.
 */
public final class AddressSpace {
  /** {@code MAX_PAGECACHE_ORDER} on x86-64 with 4 KiB pages (PMD order). */
  public static final int MAX_PAGECACHE_ORDER = 9;

  private final String name;
  private final long ino;
  private final String aops;
  private final XArray iPages;
  private final XaBinding binding;
  private final Lock xaLock;
  private final Word iSize;
  private final RwSem iMmapRwsem;
  private final RwSem invalidateLock;
  private final int minOrder;
  private final int maxOrder;
  private final boolean shmem;
  /** {@code mapping->nrpages} (see the nrpages section below). */
  private final Word nrpages;

  private AddressSpace(Builder b, Machine m) {
    this.name = b.name;
    this.ino = b.ino;
    this.aops = b.aops;
    this.iPages = new XArray(b.name + ".i_pages", b.xaConfig);
    this.binding = XaBinding.attach(m);
    binding.add(iPages);
    this.xaLock = Lock.spin(m, b.name + ".i_pages.xa_lock");
    this.iSize = new Word(m, b.name + ".i_size", b.iSize);
    this.iMmapRwsem = new RwSem(m, b.name + ".i_mmap_rwsem");
    this.invalidateLock = new RwSem(m, b.name + ".invalidate_lock");
    this.minOrder = b.minOrder;
    this.maxOrder = b.maxOrder;
    this.shmem = b.shmem;
    this.nrpages = new Word(m, b.name + ".nrpages", 0);
  }

  /** A builder for a mapping on {@code machine}; defaults: an XFS-like file, see {@link Builder}. */
  public static Builder builder(Machine machine) {
    return new Builder(machine);
  }

  /**
   * Builds an {@link AddressSpace}. Defaults: name {@code "mapping"}, ino 0x5000126, aops
   * {@code xfs_address_space_operations}, {@link XaConfig#DEFAULT} (64-slot nodes), i_size 0,
   * folio orders 0..{@link #MAX_PAGECACHE_ORDER} (large folios supported), not shmem.
   */
  public static final class Builder {
    private final Machine machine;
    private String name = "mapping";
    private long ino = 0x5000126L;
    private String aops = "xfs_address_space_operations";
    private XaConfig xaConfig = XaConfig.DEFAULT;
    private long iSize;
    private int minOrder;
    private int maxOrder = MAX_PAGECACHE_ORDER;
    private boolean shmem;

    private Builder(Machine machine) {
      this.machine = checkNotNull(machine, "machine");
    }

    public Builder name(String v) {
      checkArgument(v != null && !v.isEmpty(), "mapping name must not be empty");
      name = v;
      return this;
    }

    public Builder ino(long v) {
      ino = v;
      return this;
    }

    /** The {@code a_ops} name shown in dumps (e.g. {@code shmem_aops}). */
    public Builder aops(String v) {
      aops = checkNotNull(v, "aops");
      return this;
    }

    /** The page cache's XArray configuration (chunk shift 4 or 6, function variants). */
    public Builder xaConfig(XaConfig v) {
      xaConfig = checkNotNull(v, "xaConfig");
      return this;
    }

    /** {@code i_size} in bytes. */
    public Builder iSize(long bytes) {
      checkArgument(bytes >= 0, "i_size %s must be >= 0", bytes);
      iSize = bytes;
      return this;
    }

    /**
     * {@code mapping_set_folio_order_range(mapping, min, max)} (include/linux/pagemap.h, v6.18)
     * at inode set-up; {@code max == 0} means no large folios
     * ({@code mapping_large_folio_support} false). Returns this builder.
     */
    public Builder folioOrders(int min, int max) {
      checkArgument(min >= 0 && min <= max && max <= MAX_PAGECACHE_ORDER,
          "folio orders %s..%s: need 0 <= min <= max <= %s", min, max, MAX_PAGECACHE_ORDER);
      minOrder = min;
      maxOrder = max;
      return this;
    }

    /** Whether this is a shmem/tmpfs mapping ({@code shmem_mapping}). */
    public Builder shmem(boolean v) {
      shmem = v;
      if (v && aops.equals("xfs_address_space_operations")) {
        aops = "shmem_aops";
      }
      return this;
    }

    public AddressSpace build() {
      return new AddressSpace(this, machine);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** The name used in traces and dumps. */
  public String name() {
    return name;
  }

  /** The inode number shown in dumps. */
  public long ino() {
    return ino;
  }

  /** The {@code a_ops} name shown in dumps. */
  public String aopsName() {
    return aops;
  }

  /** {@code mapping->i_pages}. */
  public XArray iPages() {
    return iPages;
  }

  /** The machine's binding of {@code i_pages} (see {@link XaBinding}). */
  public XaBinding xaBinding() {
    return binding;
  }

  /** The spinlock inside {@code i_pages} ({@code xa_lock}), as a lock of the simulated machine. */
  public Lock xaLock() {
    return xaLock;
  }

  /**
   * {@code xas_lock_irq(&xas)} (include/linux/xarray.h, v6.18) on {@code i_pages}: takes the
   * spinlock (one blocking action; must be the first action of its step) and marks the XArray
   * model's own lock as held, so that its write-side functions may run. Returns nothing.
   * Context: process; may spin; the lock must not be held by this CPU.
   */
  public void xaLockIrq(Cpu cpu) {
    cpu.lock(xaLock);
    iPages.xaLock();
  }

  /**
   * {@code xas_unlock_irq(&xas)} (include/linux/xarray.h, v6.18): releases the spinlock (one
   * action) and the XArray model's own lock. Returns nothing. Context: xa_lock held.
   */
  public void xaUnlockIrq(Cpu cpu) {
    cpu.unlock(xaLock);
    iPages.xaUnlock();
  }

  /** {@code mapping->i_mmap_rwsem}. */
  public RwSem iMmapRwsem() {
    return iMmapRwsem;
  }

  /** {@code mapping->invalidate_lock}. */
  public RwSem invalidateLock() {
    return invalidateLock;
  }

  /**
   * {@code i_size_read(mapping->host)} (include/linux/fs.h, v6.18, 64-bit): one load. Returns the
   * size in bytes. Context: any.
   */
  public long iSizeRead(Cpu cpu) {
    return cpu.read(iSize);
  }

  /**
   * {@code i_size_write(inode, size)} (include/linux/fs.h, v6.18, 64-bit): one store. Returns
   * nothing. Context: the caller holds the inode lock (not modelled).
   */
  public void iSizeWrite(Cpu cpu, long bytes) {
    cpu.write(iSize, bytes);
  }

  /** {@code i_size} without an access: for dumps and assertions. */
  public long peekISize() {
    return iSize.peek();
  }

  /**
   * {@code mapping_min_folio_order(mapping)} (include/linux/pagemap.h, v6.18): returns the minimum
   * folio order, fixed at set-up (no access). Context: any.
   */
  public int minFolioOrder() {
    return minOrder;
  }

  /**
   * {@code mapping_max_folio_order(mapping)} (include/linux/pagemap.h, v6.18): returns the maximum
   * folio order, fixed at set-up (no access). Context: any.
   */
  public int maxFolioOrder() {
    return maxOrder;
  }

  /**
   * {@code mapping_large_folio_support(mapping)} (include/linux/pagemap.h, v6.18): returns whether
   * the maximum folio order is above 0 (no access). Context: any.
   */
  public boolean largeFolioSupport() {
    return maxOrder > 0;
  }

  /**
   * {@code mapping_align_index(mapping, index)} (include/linux/pagemap.h, v6.18): returns
   * {@code index} aligned down to the minimum folio order (no access). Context: any.
   */
  public long alignIndex(long index) {
    return index & ~((1L << minOrder) - 1);
  }

  /**
   * {@code shmem_mapping(mapping)} (mm/shmem.c, v6.18): returns whether this is a shmem/tmpfs
   * mapping, fixed at set-up (no access). Context: any.
   */
  public boolean isShmem() {
    return shmem;
  }

  // ---------------------------------------------------------------------------------------------
  // Initial state.

  /**
   * Puts {@code folio} into the page cache for the initial state, as {@code __filemap_add_folio}
   * leaves it: {@code folio->mapping = mapping} and the entry stored at {@code folio->index} with
   * the folio's order. The folio's refcount must already include the cache's 2^order references.
   *
   * @throws IllegalArgumentException if the folio's order is outside the mapping's range
   * @throws IllegalStateException if the XArray store fails
   */
  public void addAtSetUp(Folio folio) {
    int order = folio.peekOrder();
    checkArgument(order >= minOrder && order <= Math.max(maxOrder, 0),
        "%s has order %s; mapping %s allows %s..%s", folio, order, name, minOrder, maxOrder);
    folio.initMapping(this);
    Object r = iPages.storeOrder(folio.peekIndex(), order, folio, XaGfp.GFP_KERNEL);
    checkState(!XaEntry.isErr(r), "xa_store_order(%s) failed: %s", folio, XaEntry.describe(r));
    nrpages.init(nrpages.peek() + (1L << order));
  }

  /**
   * Stores a workingset shadow entry (see {@link Workingset#packShadow}) covering 2^order indices
   * at {@code index} for the initial state, as {@code __filemap_remove_folio} leaves one behind.
   */
  public void addShadowAtSetUp(long index, int order, Object shadow) {
    checkArgument(XaEntry.isValue(shadow), "shadow %s is not a value entry",
        XaEntry.describe(shadow));
    Object r = iPages.storeOrder(index, order, shadow, XaGfp.GFP_KERNEL);
    checkState(!XaEntry.isErr(r), "xa_store_order(shadow) failed: %s", XaEntry.describe(r));
  }

  @Override
  public String toString() {
    return name;
  }

  // ---------------------------------------------------------------------------------------------
  // mapping->nrpages (added with __filemap_add_folio / page_cache_delete): the number of pages in
  // the page cache, a plain unsigned long updated under the xa_lock. Folios added at set-up count.

  /** Loads {@code mapping->nrpages} (one plain load). */
  public long nrpagesRead(Cpu cpu) {
    return cpu.read(nrpages);
  }

  /** Stores {@code mapping->nrpages} (one plain store; the caller holds the xa_lock). */
  public void nrpagesWrite(Cpu cpu, long v) {
    cpu.write(nrpages, v);
  }

  /** {@code mapping->nrpages} without an access: for dumps and assertions. */
  public long peekNrpages() {
    return nrpages.peek();
  }
}
