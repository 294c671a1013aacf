/**
 * The page cache as step programs: folios ({@link io.foliolab.mm.Folio}), address spaces
 * ({@link io.foliolab.mm.AddressSpace}), the lib/xarray.c RCU readers
 * ({@link io.foliolab.mm.LibXarray}), and the kernel paths, one class per kernel source file
 * ({@code Filemap}, {@code HugeMemory}, {@code Truncate}, ...), each method naming the kernel file,
 * function and version or commit it models, its locks and RCU context.
 *
 * <h2>Conventions</h2>
 *
 * <ul>
 *   <li>A kernel function is a {@link io.foliolab.sim.Routine} whose program counters are the
 *       kernel's goto labels (and, between them, the shared action a step performs); step labels
 *       read {@code function:label}, e.g. {@code filemap_get_entry:repeat}.
 *   <li>Each step performs at most one shared action: one load or store of a folio field, one
 *       atomic or bit operation, one lock operation, one load of an XArray word. Folio operations
 *       are methods of {@link io.foliolab.mm.Folio} taking the {@link io.foliolab.sim.Cpu}
 *       ({@code folio.tryGet(cpu)} is {@code folio_try_get}); XArray reads go through the
 *       routines of {@link io.foliolab.mm.LibXarray}.
 *   <li>Reads that cannot race are local (a {@code peek}), and say so where used: e.g. a
 *       splitter reading fields of a folio it holds frozen, which no other CPU can write then.
 *       Such a read commutes with every step of every other CPU, so making it local loses no
 *       behaviour.
 *   <li>XArray writes ({@code xas_try_split}, {@code xas_split}, {@code __xa_store}, ...) run as
 *       one step's action with {@link io.foliolab.sim.Cpu#xaWrite}: the machine's
 *       {@link io.foliolab.sim.XaBinding} (attached when an {@link io.foliolab.mm.AddressSpace}
 *       is built) records their stores and publishes them to RCU readers one store per step.
 *       Allocation failures are choice points taken in the step before the write.
 *   <li>Variants are enums named by kernel version or commit, one constant per variant, with
 *       Javadoc saying what differs: {@link io.foliolab.mm.Filemap.Version},
 *       {@link io.foliolab.mm.HugeMemory.SplitVersion}, {@link io.foliolab.mm.LibXarray.FindMarked},
 *       and the XArray's own {@link io.foliolab.xarray.XaConfig} variants.
 * </ul>
 *
 * <h2>What is not modelled</h2>
 *
 * Page tables (a fault's {@code finish_fault} and a split's {@code unmap_folio}), readahead and
 * reading a folio, anon folios and the swap cache, memcg and statistics, the deferred split queue
 * and lruvec locks, and (in this class set) adding and removing page-cache folios
 * ({@code __filemap_add_folio}, {@code __filemap_remove_folio}): paths that would need them throw
 * {@link java.lang.UnsupportedOperationException} naming what is missing.
 */
package io.foliolab.mm;
