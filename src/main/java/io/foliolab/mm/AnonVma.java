package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A {@code struct anon_vma} (mm/rmap.c, include/linux/rmap.h, v6.16): the reverse-map root of a
 * process's anonymous memory. An anonymous folio's {@code folio->mapping} holds
 * {@code anon_vma | PAGE_MAPPING_ANON}; the model stores this object there (see
 * {@link Folio#initAnon}). Identity matters, not contents.
 */
public final class AnonVma {
  private final MmStruct mm;

  /** The anon_vma of process {@code mm} (see {@link MmStruct#anonVma()}). */
  AnonVma(MmStruct mm) {
    this.mm = checkNotNull(mm, "mm");
  }

  /** The process whose anonymous memory this is. */
  public MmStruct mm() {
    return mm;
  }

  @Override
  public String toString() {
    return "anon_vma(" + mm.name() + ")|PAGE_MAPPING_ANON";
  }
}
