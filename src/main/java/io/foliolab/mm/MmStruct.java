package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.Atomic;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Ref;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a process's {@code struct mm_struct} (include/linux/mm_types.h, v6.16) that show
 * an anonymous folio being mis-accounted: the resident-set counters {@code rss_stat[]} and the
 * page-table entries of the few user pages a scenario maps. The counters are percpu counters in
 * the kernel ({@code add_mm_counter} is a {@code percpu_counter_add}); here each is one
 * {@link Atomic}.
 *
 * <p>{@link #exitMmap()} is the process's exit at the end of a scenario: {@code exit_mmap} zaps
 * every present page-table entry, decrementing the counter {@code mm_counter(folio)} chooses from
 * the folio's state at that time, and {@code check_mm} reports every counter that is not back to
 * zero, in the kernel's words.
 */
public final class MmStruct {
  /** {@code MM_FILEPAGES}: resident file-mapped pages. */
  public static final int MM_FILEPAGES = 0;
  /** {@code MM_ANONPAGES}: resident anonymous pages. */
  public static final int MM_ANONPAGES = 1;
  /** {@code MM_SWAPENTS}: anonymous swap entries. */
  public static final int MM_SWAPENTS = 2;
  /** {@code MM_SHMEMPAGES}: resident shared-memory pages. */
  public static final int MM_SHMEMPAGES = 3;
  /** {@code NR_MM_COUNTERS}. */
  public static final int NR_MM_COUNTERS = 4;

  /** {@code resident_page_types[]} (kernel/fork.c): the names {@code check_mm} prints. */
  private static final String[] RESIDENT_PAGE_TYPES = {
    "MM_FILEPAGES", "MM_ANONPAGES", "MM_SWAPENTS", "MM_SHMEMPAGES"
  };

  private final Machine machine;
  private final String name;
  private final Atomic[] rss = new Atomic[NR_MM_COUNTERS];
  private final List<Ref<Object>> ptes = new ArrayList<>();
  private final List<Long> linearIndex = new ArrayList<>();
  private final AnonVma anonVma;

  /**
   * An mm named {@code name} (printed as {@code %p} is, e.g. {@code "ffff0000c1539640"}) with all
   * counters 0 and no page-table entries.
   */
  public MmStruct(Machine m, String name) {
    checkArgument(name != null && !name.isEmpty(), "mm name must not be empty");
    this.machine = checkNotNull(m, "machine");
    this.name = name;
    this.anonVma = new AnonVma(this);
    for (int i = 0; i < NR_MM_COUNTERS; i++) {
      rss[i] = new Atomic(m, "mm:" + name + ".rss_stat[" + RESIDENT_PAGE_TYPES[i] + "]", 0);
    }
  }

  /** The anon_vma of the process's (one) anonymous VMA ({@code vma->anon_vma}). */
  public AnonVma anonVma() {
    return anonVma;
  }

  /**
   * {@code linear_page_index(vma, address)} (include/linux/pagemap.h, v6.16) of page-table entry
   * {@code pte}: returns the index fixed at set-up (no access). Context: any.
   */
  public long linearIndex(int pte) {
    pteRef(pte);
    return linearIndex.get(pte);
  }

  /** The name printed after {@code mm:}. */
  public String name() {
    return name;
  }

  /** The counter name {@code check_mm} prints for {@code type} ({@code "MM_ANONPAGES"}, ...). */
  public static String counterName(int type) {
    checkArgument(type >= 0 && type < NR_MM_COUNTERS, "rss counter %s: must be in 0..%s", type,
        NR_MM_COUNTERS - 1);
    return RESIDENT_PAGE_TYPES[type];
  }

  /**
   * {@code add_mm_counter(mm, member, value)} (include/linux/mm.h, v6.16): one atomic add to the
   * per-mm counter (the kernel's per-CPU counter sum is modelled as one atomic). Returns nothing.
   * Context: any; usually under the page-table lock.
   */
  public void addCounter(Cpu cpu, int type, long value) {
    counterName(type);
    cpu.atomicAdd(rss[type], value);
  }

  /**
   * {@code get_mm_counter(mm, member)} (include/linux/mm.h, v6.16) without an access: returns the
   * counter. Context: assertions and dumps only.
   */
  public long peekCounter(int type) {
    counterName(type);
    return rss[type].peek();
  }

  /**
   * Maps {@code page} for the initial state, as a fault that ended in {@code set_pte_at} leaves
   * it: a present page-table entry, {@code _mapcount} + 1, one reference for the mapping (the
   * folio's refcount given at creation must include it), and {@code rss_stat[mm_counter(folio)]}
   * + 1. Returns the entry's index in this mm's page table.
   */
  public int mapAtSetUp(Page page) {
    checkNotNull(page, "page");
    Folio folio = page.folio();
    Ref<Object> pte = new Ref<>(machine, "mm:" + name + ".pte[" + ptes.size() + "]", page);
    ptes.add(pte);
    linearIndex.add(folio.peekIndex() + page.pos());
    folio.mapcount.init(folio.mapcount.peek() + 1);
    rss[mmCounter(folio)].init(rss[mmCounter(folio)].peek() + 1);
    return ptes.size() - 1;
  }

  /**
   * Loads page-table entry {@code pte} ({@code ptep_get}, include/linux/pgtable.h, v6.16):
   * returns a {@link Page} (present), a {@link SwpEntry} (swapped out) or null. Context: any
   * (the page-table lock is not modelled; see the class comment).
   */
  public Object readPte(Cpu cpu, int pte) {
    return cpu.read(pteRef(pte));
  }

  /**
   * Stores page-table entry {@code pte} ({@code set_pte_at}, include/linux/pgtable.h, v6.16): a
   * page, a swap entry or null. Returns nothing. Context: the page-table lock (not modelled).
   */
  public void setPte(Cpu cpu, int pte, Object value) {
    checkArgument(value == null || value instanceof Page || value instanceof SwpEntry,
        "a page-table entry holds a Page, a SwpEntry or null, not %s", value);
    cpu.write(pteRef(pte), value);
  }

  /** Page-table entry {@code pte} without an access. */
  public Object peekPte(int pte) {
    return pteRef(pte).peek();
  }

  private Ref<Object> pteRef(int pte) {
    checkArgument(pte >= 0 && pte < ptes.size(), "pte %s out of range [0, %s)", pte,
        ptes.size());
    return ptes.get(pte);
  }

  /**
   * {@code mm_counter(folio)} (include/linux/mm.h, v6.16) on the folio's current state, without
   * an access: {@code MM_ANONPAGES} if {@code folio_test_anon} ({@code folio->mapping} has
   * {@code PAGE_MAPPING_ANON}), else {@code mm_counter_file}: {@code MM_SHMEMPAGES} if
   * {@code PG_swapbacked}, else {@code MM_FILEPAGES}. Returns the counter's index. Context: any;
   * no access.
   */
  public static int mmCounter(Folio folio) {
    if (folio.peekMappingWord() instanceof AnonVma) {
      return MM_ANONPAGES;
    }
    return folio.peekFlag(PageFlags.PG_swapbacked) ? MM_SHMEMPAGES : MM_FILEPAGES;
  }

  /**
   * The process exits after the scenario's CPUs have finished: {@code exit_mmap} (mm/mmap.c,
   * v6.16) → {@code zap_pte_range} / {@code zap_present_ptes} (mm/memory.c) clears each present
   * entry and subtracts one from {@code rss_stat[mm_counter(folio)]} (chosen from the folio as it
   * is now); a swap entry subtracts one from {@code MM_SWAPENTS}. Then {@code check_mm}
   * (kernel/fork.c): for every counter whose sum is not 0, {@code "BUG: Bad rss-counter state
   * mm:%p type:%s val:%ld"}. Returns those lines joined by newlines, or null if every counter is
   * 0. Runs once, without accesses. Context: at exit, when every CPU has finished.
   */
  public String exitMmap() {
    long[] sum = new long[NR_MM_COUNTERS];
    for (int i = 0; i < NR_MM_COUNTERS; i++) {
      sum[i] = rss[i].peek();
    }
    for (Ref<Object> pte : ptes) {
      Object e = pte.peek();
      if (e instanceof Page p) {
        sum[mmCounter(p.folio())]--;
      } else if (e instanceof SwpEntry) {
        sum[MM_SWAPENTS]--;
      }
      pte.init(null);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < NR_MM_COUNTERS; i++) {
      rss[i].init(sum[i]);
      if (sum[i] != 0) {
        if (sb.length() > 0) {
          sb.append('\n');
        }
        sb.append("BUG: Bad rss-counter state mm:").append(name).append(" type:")
            .append(RESIDENT_PAGE_TYPES[i]).append(" val:").append(sum[i]);
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  @Override
  public String toString() {
    return "mm:" + name;
  }
}
