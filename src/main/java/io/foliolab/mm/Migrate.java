package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.ChoicePoint;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;

/**
 * mm/migrate.c: the page migration that compaction ({@code kcompactd}, direct compaction) runs on
 * the folios it isolated, and its fallback of splitting a large folio when no destination folio
 * of the same size can be allocated.
 */
public final class Migrate {
  private Migrate() {}

  /**
   * The memory-pressure event of {@code migrate_folio_unmap}: the allocation of the destination
   * folio ({@code get_new_folio}, compaction's {@code compaction_alloc}) fails, giving
   * {@code -ENOMEM}.
   */
  public static final ChoicePoint DST_ALLOC = ChoicePoint.allocation("migration destination folio");

  /**
   * {@code try_split_folio(folio, split_folios)} (mm/migrate.c, v6.9; v6.10 added a
   * {@code mode} argument and uses {@code folio_trylock} for {@code MIGRATE_ASYNC}):
   * {@code folio_lock(folio)}; {@code rc = split_folio_to_list(folio, split_folios)} (a uniform
   * split to {@code min_order_for_split}, i.e. the mapping's minimum folio order; before 6.12 the
   * large-block-size tree of the 2024 report carried that change out of tree);
   * {@code folio_unlock(folio)}; on success the folio moves to {@code split_folios}. The split
   * list is not modelled: {@link HugeMemory.SplitFolioToList} releases the new pieces as with a
   * NULL list, and their later migration (a second {@code migrate_pages_batch} pass) is not
   * modelled. Returns 0 or a negative errno. Context: process; the caller holds the isolation
   * reference; sleeps on the folio lock.
   */
  public static final class TrySplitFolio extends Routine<TrySplitFolio.Pc> {
    /** Steps. */
    public enum Pc { folio_lock, split_folio_to_list, folio_unlock }

    private static final StepNames<Pc> NAMES = StepNames.of("try_split_folio", Pc.class);
    private final HugeMemory.SplitFolioToList split;
    private Folio folio;
    private int rc;

    /** A frame whose split is {@code version}'s (only the non-uniform split differs). */
    public TrySplitFolio(HugeMemory.SplitVersion version) {
      super(NAMES);
      this.split = new HugeMemory.SplitFolioToList(checkNotNull(version, "version"));
    }

    /** Binds the folio for the next call. */
    public TrySplitFolio on(Folio folio) {
      this.folio = checkNotNull(folio, "folio");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case folio_lock:
          folio.lock(cpu);
          call(cpu, split.on(folio), Pc.split_folio_to_list);
          return;
        case split_folio_to_list:
          rc = (Integer) cpu.retval();
          pc = Pc.folio_unlock;
          return;
        case folio_unlock:
          folio.unlock(cpu);
          cpu.ret(rc);
          return;
      }
    }
  }

  /**
   * {@code migrate_pages_batch(from, get_new_folio, ...)} (mm/migrate.c, v6.9) for a list holding
   * one isolated large page-cache folio, compaction's {@code MIGRATE_SYNC_LIGHT} /
   * {@code MR_COMPACTION} (splitting allowed). The unmap pass calls {@code migrate_folio_unmap},
   * whose first action is allocating the destination folio: a choice point ({@link #DST_ALLOC}).
   *
   * <ul>
   *   <li>pressure: the allocation fails, {@code rc = -ENOMEM}: {@code nr_failed++} and, the
   *       folio being large, {@link TrySplitFolio}; then ({@code goto move} / {@code out}) the
   *       folios left on the list are put back;
   *   <li>ordinary: a destination exists and the migration proper (lock, unmap,
   *       {@code folio_migrate_mapping} replacing the folio in the page cache, copy) would follow;
   *       it is not modelled, and the folio is put back as if it had failed with {@code -EAGAIN}.
   * </ul>
   *
   * Putting back is {@code putback_movable_pages} → {@code folio_putback_lru}:
   * {@code folio_add_lru} (modelled as setting {@code PG_lru}) and {@code folio_put} of the
   * isolation reference, for the folio (after a split: the head piece). Returns the split's
   * result (0 or a negative errno), or {@code -EAGAIN} when no split was attempted. Context:
   * process (kcompactd); the caller isolated the folio (one reference, {@code PG_lru} clear).
   */
  public static final class MigratePagesBatch extends Routine<MigratePagesBatch.Pc> {
    /** Steps. */
    public enum Pc { migrate_folio_unmap, try_split_folio, split_done, folio_putback_lru,
      putback_put }

    private static final StepNames<Pc> NAMES = StepNames.of("migrate_pages_batch", Pc.class);
    private final TrySplitFolio trySplit;
    private Folio folio;
    private int rc;

    /** A frame whose split is {@code version}'s. */
    public MigratePagesBatch(HugeMemory.SplitVersion version) {
      super(NAMES);
      this.trySplit = new TrySplitFolio(version);
    }

    /** Binds the isolated folio for the next call. */
    public MigratePagesBatch on(Folio folio) {
      this.folio = checkNotNull(folio, "folio");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case migrate_folio_unmap:
          // The folio is isolated and held by this CPU: whether it is large cannot change.
          boolean large = folio.peekOrder() > 0;
          int choice = cpu.choose(DST_ALLOC);
          rc = ErrPtr.EAGAIN;
          if (choice == 1 && large) {
            pc = Pc.try_split_folio;
            return;
          }
          pc = Pc.folio_putback_lru;
          return;
        case try_split_folio:
          call(cpu, trySplit.on(folio), Pc.split_done);
          return;
        case split_done:
          rc = (Integer) cpu.retval();
          pc = Pc.folio_putback_lru;
          return;
        case folio_putback_lru:
          folio.set(cpu, PageFlags.PG_lru);
          pc = Pc.putback_put;
          return;
        case putback_put:
          folio.put(cpu);
          cpu.ret(rc);
          return;
      }
    }
  }
}
