package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;

/**
 * mm/memory.c (and the architecture's fault loop): a read fault on a file mapping, as a step
 * program driving {@link Filemap.FilemapFault}.
 */
public final class Memory {
  private Memory() {}

  /**
   * A user read fault at page-cache {@code index}: {@code do_user_addr_fault}
   * (arch/x86/mm/fault.c, v6.18) calls {@code handle_mm_fault} with
   * {@code FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE}, which reaches {@code do_read_fault} →
   * {@code __do_fault} → {@code filemap_fault}; on {@code VM_FAULT_RETRY} it sets
   * {@code FAULT_FLAG_TRIED} and retries ({@code goto retry}; not a spin: the second attempt
   * differs, it keeps the mmap lock and sleeps on the folio lock, so it can return
   * {@code VM_FAULT_RETRY} only once and is not counted as a retry). On {@code VM_FAULT_LOCKED}, {@code finish_fault} would map the page and keep the
   * lookup's reference for the page table; the model does not install page-table entries, so it
   * unlocks the folio and drops the reference at once ({@code folio_unlock}, {@code folio_put}),
   * as if the mapping had already been torn down (a split would do so with {@code unmap_folio}
   * before freezing). Returns the {@code vm_fault_t}. Context: process context; the mmap lock is
   * not modelled.
   */
  public static final class ReadFault extends Routine<ReadFault.Pc> {
    /** Steps. */
    public enum Pc { retry, fault_done, folio_unlock, folio_put }

    private static final StepNames<Pc> NAMES = StepNames.of("do_user_addr_fault", Pc.class);
    private final Filemap.FilemapFault fault;
    private AddressSpace mapping;
    private long index;
    private int flags;
    private int ret;

    /** A frame faulting with {@code version}'s {@code filemap_fault}. */
    public ReadFault(Filemap.Version version) {
      super(NAMES);
      this.fault = new Filemap.FilemapFault(version);
    }

    /** Binds the mapping and the faulting page-cache index. */
    public ReadFault on(AddressSpace mapping, long index) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.index = index;
      this.flags = Filemap.FAULT_FLAG_ALLOW_RETRY | Filemap.FAULT_FLAG_KILLABLE;
      return this;
    }

    /** The faulting index. */
    public long index() {
      return index;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case retry:
          call(cpu, fault.on(mapping, index, flags), Pc.fault_done);
          return;
        case fault_done:
          ret = (Integer) cpu.retval();
          if ((ret & Filemap.VM_FAULT_RETRY) != 0) {
            flags |= Filemap.FAULT_FLAG_TRIED;
            pc = Pc.retry;
            return;
          }
          if ((ret & Filemap.VM_FAULT_LOCKED) == 0) {
            cpu.ret(ret);
            return;
          }
          pc = Pc.folio_unlock;
          return;
        case folio_unlock:
          fault.folio().unlock(cpu);
          pc = Pc.folio_put;
          return;
        case folio_put:
          fault.folio().put(cpu);
          cpu.ret(ret);
          return;
      }
    }
  }
}
