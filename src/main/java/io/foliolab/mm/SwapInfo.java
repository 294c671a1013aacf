package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Ref;
import java.util.Arrays;

/**
 * One swap device, {@code struct swap_info_struct} (include/linux/swap.h, mm/swapfile.c, v6.16):
 * its type, whether it is {@code SWP_SYNCHRONOUS_IO} (zram, pmem: shmem swaps in without the swap
 * cache), and the swap map: one byte per slot holding the slot's reference count (the page
 * tables and shmem mappings that hold the entry) and the {@code SWAP_HAS_CACHE} bit (a folio for
 * the slot is in, or is being brought into, the swap cache: the "I own this slot's swap-in" bit).
 * A slot whose byte is 0 is free.
 *
 * <p>The device has one swap cluster ({@code struct swap_cluster_info}, {@code SWAPFILE_CLUSTER}
 * slots in the kernel; a scenario's slots all fit in one). Every access to the cluster's part of
 * the swap map happens under the cluster lock {@code ci->lock} ({@code lock_cluster} /
 * {@code unlock_cluster}), so a critical section is indivisible for every other CPU: the model
 * makes the cluster one location holding an immutable copy of its map, and each operation below
 * is one step, a read-modify-write of that location that stands for
 * {@code lock_cluster(); ...; unlock_cluster()}.
 *
 * <p>Allocation ({@link #allocHasCache}) is first fit, naturally aligned for large folios, so a
 * slot freed a moment ago is handed out again to the next allocation when no lower slot is free:
 * the reuse behind both 2025 shmem races (the kernel's per-CPU cluster cursor makes reuse of
 * just-freed slots likely in the same way).
 */
public final class SwapInfo {
  /** {@code SWAP_HAS_CACHE}: the slot has a folio in (or entering) the swap cache. */
  public static final int SWAP_HAS_CACHE = 0x40;
  /** {@code SWAP_MAP_MAX}: the largest count kept in the byte itself. */
  public static final int SWAP_MAP_MAX = 0x3e;

  private final int type;
  private final boolean synchronousIo;
  private final int nslots;
  private final Ref<SwapMap> cluster;
  private boolean writeFails;

  /** An immutable copy of the cluster's swap map. */
  static final class SwapMap {
    private final byte[] map;

    SwapMap(byte[] map) {
      this.map = map;
    }

    int get(long offset) {
      return map[(int) offset] & 0xff;
    }

    SwapMap with(long offset, int nr, int value) {
      byte[] m = Arrays.copyOf(map, map.length);
      for (int i = 0; i < nr; i++) {
        m[(int) offset + i] = (byte) value;
      }
      return new SwapMap(m);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < map.length; i++) {
        int v = map[i] & 0xff;
        if (v != 0) {
          if (sb.length() > 1) {
            sb.append(' ');
          }
          sb.append("0x").append(Integer.toHexString(i)).append(':').append(v & ~SWAP_HAS_CACHE);
          if ((v & SWAP_HAS_CACHE) != 0) {
            sb.append("+cache");
          }
        }
      }
      return sb.append(']').toString();
    }
  }

  /**
   * Swap device {@code type} with {@code nslots} slots, all free; {@code synchronousIo} sets
   * {@code SWP_SYNCHRONOUS_IO}.
   */
  public SwapInfo(Machine m, int type, int nslots, boolean synchronousIo) {
    checkNotNull(m, "machine");
    checkArgument(type >= 0 && type < 32, "swap type %s must be in 0..31", type);
    checkArgument(nslots > 0 && nslots <= 512, "nslots %s must be in 1..512 (one cluster)",
        nslots);
    this.type = type;
    this.synchronousIo = synchronousIo;
    this.nslots = nslots;
    this.cluster = new Ref<>(m, "swap_info[" + type + "].cluster[0].swap_map",
        new SwapMap(new byte[nslots]));
  }

  /** {@code si->type}. */
  public int type() {
    return type;
  }

  /** {@code si->flags & SWP_SYNCHRONOUS_IO} (fixed at swapon; reading it is not an access). */
  public boolean synchronousIo() {
    return synchronousIo;
  }

  /**
   * Makes every write to the device fail (e.g. zram cannot store the page: out of memory for its
   * compressed copy), so that {@code swap_writeout} ends with the folio redirtied and still in
   * the swap cache: a pageout that does not complete. A property of the scenario, fixed at
   * set-up.
   */
  public SwapInfo failWrites(boolean fail) {
    writeFails = fail;
    return this;
  }

  /** Whether writes to the device fail (see {@link #failWrites}). */
  public boolean writeFails() {
    return writeFails;
  }

  /** Number of slots. */
  public int nslots() {
    return nslots;
  }

  private void checkRange(SwpEntry entry, int nr) {
    checkNotNull(entry, "entry");
    checkArgument(entry.type() == type, "%s is not on swap device %s", entry, type);
    checkArgument(nr >= 1 && entry.offset() + nr <= nslots,
        "slots 0x%s..+%s outside the device's %s slots", Long.toHexString(entry.offset()), nr,
        nslots);
  }

  /**
   * Initial state: slots [offset, offset + nr) have reference count {@code count} (e.g. 1 for
   * one shmem mapping or page table holding each), no cache.
   */
  public void initUsed(long offset, int nr, int count) {
    checkRange(SwpEntry.of(type, offset), nr);
    checkArgument(count >= 1 && count <= SWAP_MAP_MAX, "count %s must be in 1..%s", count,
        SWAP_MAP_MAX);
    cluster.init(cluster.peek().with(offset, nr, count));
  }

  /**
   * Initial state: slots [offset, offset + nr) also have {@code SWAP_HAS_CACHE} (a folio for them
   * is in the swap cache: see {@link SwapState#addAtSetUp}).
   */
  public void initCache(long offset, int nr) {
    checkRange(SwpEntry.of(type, offset), nr);
    SwapMap m = cluster.peek();
    for (int i = 0; i < nr; i++) {
      m = m.with(offset + i, 1, m.get(offset + i) | SWAP_HAS_CACHE);
    }
    cluster.init(m);
  }

  // ---------------------------------------------------------------------------------------------
  // Operations under the cluster lock, one step each.

  private SwapMap begin(Cpu cpu) {
    // lock_cluster(): the read half of the step's one read-modify-write.
    return cluster.peek();
  }

  /**
   * {@code unlock_cluster(ci)} (mm/swapfile.c, v6.16): the step's one access to the cluster: a
   * read-modify-write if the critical section changed the map, a read if it only looked (a
   * read-only critical section commutes with every other read-only one). Returns nothing.
   * Context: ends the critical section {@link #begin} opened in the same step.
   */
  private void commit(Cpu cpu, SwapMap before, SwapMap after) {
    if (after == before) {
      cpu.read(cluster);
    } else {
      cpu.cmpxchg(cluster, before, after);
    }
  }

  /**
   * {@code swapcache_prepare(entry, nr)} = {@code __swap_duplicate(entry, SWAP_HAS_CACHE, nr)}
   * (mm/swapfile.c, v6.16): under the cluster lock, first checks every slot (a free slot:
   * {@code -ENOENT}; a slot with {@code SWAP_HAS_CACHE} already: {@code -EEXIST}), then sets
   * {@code SWAP_HAS_CACHE} on all of them. Returns 0 or the errno ({@link ErrPtr} constants).
   * One step. Context: takes and releases the swap cluster lock ({@code ci->lock}) within the step.
   */
  public int swapcachePrepare(Cpu cpu, SwpEntry entry, int nr) {
    checkRange(entry, nr);
    SwapMap m = begin(cpu);
    int err = 0;
    for (int i = 0; i < nr && err == 0; i++) {
      int v = m.get(entry.offset() + i);
      int count = v & ~SWAP_HAS_CACHE;
      boolean hasCache = (v & SWAP_HAS_CACHE) != 0;
      if (count == 0 && !hasCache) {
        err = ErrPtr.ENOENT;
      } else if (hasCache) {
        err = ErrPtr.EEXIST;
      }
    }
    SwapMap after = m;
    if (err == 0) {
      for (int i = 0; i < nr; i++) {
        long off = entry.offset() + i;
        after = after.with(off, 1, after.get(off) | SWAP_HAS_CACHE);
      }
    }
    commit(cpu, m, after);
    return err;
  }

  /**
   * {@code swap_duplicate_nr(entry, nr)} (mm/swapfile.c, v6.16; shmem's reference to the slots of
   * a folio it swaps out, which replaced {@code SWAP_MAP_SHMEM}): under the cluster lock, adds
   * one to the count of each slot. One step. Returns nothing. Context: takes and releases the swap
   * cluster lock ({@code ci->lock}) within the step.
   *
   * @throws IllegalStateException if a slot is free or its count would exceed
   *     {@link #SWAP_MAP_MAX} (count continuation is not modelled)
   */
  public void swapDuplicateNr(Cpu cpu, SwpEntry entry, int nr) {
    checkRange(entry, nr);
    SwapMap m = begin(cpu);
    SwapMap after = m;
    for (int i = 0; i < nr; i++) {
      long off = entry.offset() + i;
      int v = after.get(off);
      int count = v & ~SWAP_HAS_CACHE;
      if (v == 0 || count >= SWAP_MAP_MAX) {
        throw new IllegalStateException("swap_duplicate of slot 0x" + Long.toHexString(off)
            + " with map byte 0x" + Integer.toHexString(v) + ": not modelled");
      }
      after = after.with(off, 1, v + 1);
    }
    commit(cpu, m, after);
  }

  /**
   * {@code cluster_swap_free_nr(si, offset, nr, usage)} (mm/swapfile.c, v6.16) for {@code usage} 1
   * (one reference) or {@link #SWAP_HAS_CACHE}: drops that usage from each slot; a slot left with
   * neither a count nor the cache bit is freed ({@code swap_entries_free}). Dropping a usage the
   * slot does not have is the kernel's "Bad swap" report, here an {@link IllegalStateException}.
   * Returns nothing. Context: takes and releases the swap cluster lock ({@code ci->lock}) within
   * the step.
   */
  private void put(Cpu cpu, SwpEntry entry, int nr, int usage, String what) {
    checkRange(entry, nr);
    SwapMap m = begin(cpu);
    SwapMap after = m;
    for (int i = 0; i < nr; i++) {
      long off = entry.offset() + i;
      int v = after.get(off);
      int count = v & ~SWAP_HAS_CACHE;
      int cache = v & SWAP_HAS_CACHE;
      if (usage == SWAP_HAS_CACHE) {
        if (cache == 0) {
          throw new IllegalStateException(what + ": slot 0x" + Long.toHexString(off)
              + " has no SWAP_HAS_CACHE (map byte 0x" + Integer.toHexString(v) + ")");
        }
        cache = 0;
      } else {
        if (count == 0) {
          throw new IllegalStateException(what + ": slot 0x" + Long.toHexString(off)
              + " has count 0 (map byte 0x" + Integer.toHexString(v) + ")");
        }
        count--;
      }
      after = after.with(off, 1, count | cache);
    }
    commit(cpu, m, after);
  }

  /**
   * {@code swapcache_clear(si, entry, nr)} (mm/swapfile.c, v6.16): clears
   * {@code SWAP_HAS_CACHE} on the slots (freeing those with count 0). One step. Returns
   * nothing. Context: takes and releases the swap cluster lock ({@code ci->lock}) within the step.
   */
  public void swapcacheClear(Cpu cpu, SwpEntry entry, int nr) {
    put(cpu, entry, nr, SWAP_HAS_CACHE, "swapcache_clear");
  }

  /**
   * {@code put_swap_folio(folio, entry)} (mm/swapfile.c, v6.16), after the folio left the swap
   * cache: clears {@code SWAP_HAS_CACHE} on its slots (freeing those with count 0). One step.
   * Returns nothing. Context: takes and releases the swap cluster lock ({@code ci->lock}) within
   * the step.
   */
  public void putSwapFolio(Cpu cpu, SwpEntry entry, int nr) {
    put(cpu, entry, nr, SWAP_HAS_CACHE, "put_swap_folio");
  }

  /**
   * {@code swap_free_nr(entry, nr)} (mm/swapfile.c, v6.16): drops one reference from each slot
   * (freeing those left with no count and no cache). One step. Returns nothing. Context: takes and
   * releases the swap cluster lock ({@code ci->lock}) within the step.
   */
  public void swapFreeNr(Cpu cpu, SwpEntry entry, int nr) {
    put(cpu, entry, nr, 1, "swap_free_nr");
  }

  /**
   * {@code swap_entry_swapped(si, entry)} (mm/swapfile.c, v6.16): under the cluster lock, returns
   * whether the slot's count is not 0 (someone still references the entry). One step. Context:
   * takes and releases the swap cluster lock ({@code ci->lock}) within the step.
   */
  public boolean swapEntrySwapped(Cpu cpu, SwpEntry entry) {
    checkRange(entry, 1);
    SwapMap m = begin(cpu);
    commit(cpu, m, m);
    return (m.get(entry.offset()) & ~SWAP_HAS_CACHE) != 0;
  }

  /**
   * {@code folio_swapped(folio)} for a folio in the swap cache at {@code entry} (mm/swapfile.c,
   * v6.16: {@code swap_page_trans_huge_swapped} under the cluster lock): returns whether any of its
   * {@code nr} slots still has a reference count (a page table or shmem mapping holds the entry).
   * One step. Context: takes and releases the swap cluster lock ({@code ci->lock}) within the step.
   */
  public boolean folioSwapped(Cpu cpu, SwpEntry entry, int nr) {
    checkRange(entry, nr);
    SwapMap m = begin(cpu);
    commit(cpu, m, m);
    for (int i = 0; i < nr; i++) {
      if ((m.get(entry.offset() + i) & ~SWAP_HAS_CACHE) != 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * The slot allocation of {@code folio_alloc_swap} (mm/swapfile.c, v6.16:
   * {@code swap_alloc_fast} / {@code swap_alloc_slow} → {@code cluster_alloc_swap_entry(si,
   * order, SWAP_HAS_CACHE)}): under the cluster lock, the first free, naturally aligned run of
   * 2^order slots gets {@code SWAP_HAS_CACHE}. Returns its first entry, or null if the device has
   * no such run (the caller fails with -ENOMEM). One step. Context: takes and releases the swap
   * cluster lock ({@code ci->lock}) within the step.
   */
  public SwpEntry allocHasCache(Cpu cpu, int order) {
    checkArgument(order >= 0 && order <= 9, "swap allocation order %s must be in 0..9", order);
    int nr = 1 << order;
    SwapMap m = begin(cpu);
    long found = -1;
    for (long off = 0; off + nr <= nslots && found < 0; off += nr) {
      boolean free = true;
      for (int i = 0; i < nr && free; i++) {
        free = m.get(off + i) == 0;
      }
      if (free) {
        found = off;
      }
    }
    SwapMap after = found < 0 ? m : m.with(found, nr, SWAP_HAS_CACHE);
    commit(cpu, m, after);
    return found < 0 ? null : SwpEntry.of(type, found);
  }

  // ---------------------------------------------------------------------------------------------
  // Peeks (no access): for assertions, dumps and failure subjects.

  /**
   * The reference count of slot {@code offset}, without an access: {@code swap_count}
   * (mm/swapfile.c, v6.16) of its map byte. Returns it. Context: assertions and dumps only.
   */
  public int peekCount(long offset) {
    return cluster.peek().get(offset) & ~SWAP_HAS_CACHE;
  }

  /** Whether slot {@code offset} has {@code SWAP_HAS_CACHE}, without an access. */
  public boolean peekHasCache(long offset) {
    return (cluster.peek().get(offset) & SWAP_HAS_CACHE) != 0;
  }

  /** The used slots as {@code [0x10:1+cache 0x11:1 ...]}, without an access. */
  public String describe() {
    return "swap_info[" + type + "].swap_map " + cluster.peek();
  }

  @Override
  public String toString() {
    return "swap_info[" + type + "]";
  }
}
