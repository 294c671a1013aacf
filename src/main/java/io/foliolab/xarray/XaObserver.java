package io.foliolab.xarray;

/**
 * Sees every access to an XArray's shared words. The XArray reads and writes its head, slots,
 * marks and node fields only through its load and store primitives, and those report to the
 * observer installed with {@link XArray#setObserver}, if any. With no observer installed (the
 * default) the primitives are plain field accesses.
 *
 * <p>The simulated machine installs an observer to learn which locations a step touches, and to
 * record the stores of a write-side operation so that it can roll them back and publish them to
 * concurrent RCU readers one at a time.
 */
public interface XaObserver {
  /**
   * Called before a shared word is loaded.
   *
   * @param owner the {@link XArray} or {@link XaNode} holding the word
   * @param field which word of the owner
   * @param index the slot, {@code mark * XA_CHUNK_SIZE + offset} for marks, the mark for flag
   *     marks, 0 otherwise
   */
  void load(Object owner, XaField field, int index);

  /**
   * Called after a shared word has been stored; {@code store} can undo and redo it.
   */
  void store(XaStore store);
}
