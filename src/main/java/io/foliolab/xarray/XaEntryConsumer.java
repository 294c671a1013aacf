package io.foliolab.xarray;

/** Receives (index, entry) pairs from {@link XArray#forEach} and its variants. */
@FunctionalInterface
public interface XaEntryConsumer {
  void accept(long index, Object entry);
}
