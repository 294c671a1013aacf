package io.foliolab.cli;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableListMultimap;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.ListMultimap;
import com.google.common.collect.MultimapBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of one command: positional words and {@code --name value} / {@code --flag}
 * options. Options are declared by the command (which take a value, which are flags), so an
 * unknown option is reported with the list of valid ones instead of being silently ignored.
 * Integers accept decimal and {@code 0x} hex.
 */
public final class Args {
  private final String command;
  private final ImmutableList<String> positional;
  private final ImmutableListMultimap<String, String> options;

  private Args(String command, List<String> positional, ListMultimap<String, String> options) {
    this.command = command;
    this.positional = ImmutableList.copyOf(positional);
    this.options = ImmutableListMultimap.copyOf(options);
  }

  /**
   * Parses {@code words} for {@code command}.
   *
   * @param valued option names (without {@code --}) that take a value
   * @param flags option names that take no value
   * @throws UsageException for an unknown option or a valued option without its value
   */
  public static Args parse(String command, List<String> words, Set<String> valued, Set<String> flags) {
    List<String> positional = new ArrayList<>();
    ListMultimap<String, String> options = MultimapBuilder.linkedHashKeys().arrayListValues().build();
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (!w.startsWith("--") || w.equals("--")) {
        positional.add(w);
        continue;
      }
      String name = w.substring(2);
      String inline = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (flags.contains(name) && inline == null) {
        options.put(name, "true");
      } else if (valued.contains(name)) {
        String value = inline;
        if (value == null) {
          if (i + 1 >= words.size()) {
            throw new UsageException(command + ": option --" + name + " needs a value");
          }
          value = words.get(++i);
        }
        options.put(name, value);
      } else {
        Set<String> all = ImmutableSet.<String>builder().addAll(valued).addAll(flags).build();
        throw new UsageException(command + ": unknown option --" + name
            + (all.isEmpty() ? " (it takes no options)" : "; valid options: --" + String.join(", --", all)));
      }
    }
    return new Args(command, positional, options);
  }

  public String command() { return command; }

  public ImmutableList<String> positional() { return positional; }

  /** The positional word at {@code i}, or a usage error naming {@code what} when it is missing. */
  public String positional(int i, String what) {
    if (i >= positional.size()) {
      throw new UsageException(command + ": missing " + what);
    }
    return positional.get(i);
  }

  public boolean flag(String name) { return options.containsKey(checkNotNull(name)); }

  /** The last value given for {@code name}, if any. */
  public Optional<String> option(String name) {
    List<String> v = options.get(name);
    return v.isEmpty() ? Optional.empty() : Optional.of(v.get(v.size() - 1));
  }

  /** Every value given for a repeatable option, in order. */
  public ImmutableList<String> options(String name) { return options.get(name); }

  /**
   * Parses a non-negative integer in decimal or {@code 0x} hex.
   *
   * @throws UsageException naming {@code what} and the bad text
   */
  public static long parseLong(String what, String text) {
    String t = text.trim();
    try {
      long v = t.startsWith("0x") || t.startsWith("0X")
          ? Long.parseUnsignedLong(t.substring(2), 16)
          : Long.parseLong(t);
      return v;
    } catch (NumberFormatException e) {
      throw new UsageException(what + ": '" + text + "' is not an integer (decimal, or hex with 0x)");
    }
  }
}
