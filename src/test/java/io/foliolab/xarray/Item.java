package io.foliolab.xarray;

/** A user pointer for tests: identity object with a readable name (like a folio). */
final class Item {
  final String name;

  Item(String name) {
    this.name = name;
  }

  @Override
  public String toString() {
    return name;
  }
}
