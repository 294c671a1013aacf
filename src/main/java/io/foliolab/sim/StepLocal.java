package io.foliolab.sim;

/**
 * Marks a Java object that is private to the step program holding it, like a local variable of
 * the kernel function: a batch a routine fills ({@code struct folio_batch}), a result record.
 * {@link Machine#setStrictProbes strict probe mode} compares such an object's fields (and,
 * recursively, what they hold) as part of the routine whose field refers to it, so that a step
 * that changes it before its first shared action is caught. Routines and XArray cursors
 * ({@link io.foliolab.xarray.XaState}) are treated as step-local without this mark; every other
 * object a routine refers to (a folio, an address space, an XArray) is shared and is compared by
 * identity only.
 */
public interface StepLocal {}
