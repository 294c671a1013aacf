/**
 * A faithful Java model of the Linux XArray (lib/xarray.c, include/linux/xarray.h; current kernel
 * with {@code xas_try_split}), as described in kernel-notes/xarray.md.
 *
 * <ul>
 *   <li>{@link io.foliolab.xarray.XArray}: {@code struct xarray} and the normal API
 *       ({@code xa_foo} is {@code XArray.foo}, {@code __xa_foo} is {@code XArray.__foo}), the
 *       load/store primitives every shared-word access goes through, {@code dump()} and
 *       {@code validate()}.
 *   <li>{@link io.foliolab.xarray.XaState}: {@code struct xa_state} and the advanced API
 *       ({@code xas_foo} is {@code XaState.foo}).
 *   <li>{@link io.foliolab.xarray.XaEntry}: entry encoding and predicates; entries are
 *       {@code null}, {@link io.foliolab.xarray.XaValue}, {@link io.foliolab.xarray.XaInternal}
 *       (siblings, retry, zero), {@link io.foliolab.xarray.XaError},
 *       {@link io.foliolab.xarray.XaNode}, or any other object (a user pointer).
 *   <li>{@link io.foliolab.xarray.XaNodeAllocator}: the {@code radix_tree_node} slab with RCU
 *       freeing and injectable allocation failure.
 *   <li>{@link io.foliolab.xarray.XaConfig}: chunk shift (6 or 4) and the kernel variants, named
 *       by commit.
 *   <li>{@link io.foliolab.xarray.XaObserver}, {@link io.foliolab.xarray.XaStore},
 *       {@link io.foliolab.xarray.XaMemory}: the contract with the simulated machine.
 * </ul>
 */
package io.foliolab.xarray;
