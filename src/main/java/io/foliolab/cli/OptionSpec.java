package io.foliolab.cli;

import java.util.Set;

/** Implemented by commands that take options: which take a value and which are flags. */
public interface OptionSpec {
  Set<String> valuedOptions();

  Set<String> flagOptions();
}
