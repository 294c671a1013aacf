package io.foliolab.scenario;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.function.Function;

/**
 * One parameter of a {@link Scenario}: its name, what it means, its default (which may depend on
 * parameters declared before it, e.g. {@code split_at = index + 2^order - 1}) and its range.
 * Values are integers (decimal or {@code 0x} hex) or, for list parameters, comma-separated
 * integers.
 *
 * @param name the name used in {@code --param name=value}
 * @param description what the parameter means, with its unit
 * @param list whether the value is a comma-separated list of integers
 * @param min smallest allowed value (of each element, for lists)
 * @param max largest allowed value (of each element, for lists)
 * @param defaultValue computes the default from the parameters resolved so far
 * @param defaultText the default as shown to users (e.g. {@code "index + 2^order - 1"})
 */
public record Param(String name, String description, boolean list, long min, long max,
    Function<Params, String> defaultValue, String defaultText) {
  public Param {
    checkNotNull(name, "name");
    checkArgument(name.matches("[a-z][a-z0-9_]*"), "parameter name '%s' must be lower_snake_case", name);
    checkArgument(min <= max, "parameter %s: min %s > max %s", name, min, max);
    checkNotNull(defaultValue, "defaultValue");
    checkNotNull(defaultText, "defaultText");
  }

  /** An integer parameter with a fixed default. */
  public static Param of(String name, long def, long min, long max, String description) {
    return new Param(name, description, false, min, max, p -> Long.toString(def), Params.show(def));
  }

  /** An integer parameter whose default is computed from earlier parameters. */
  public static Param derived(String name, Function<Params, Long> def, String defaultText,
      long min, long max, String description) {
    return new Param(name, description, false, min, max, p -> Long.toString(def.apply(p)),
        defaultText);
  }

  /** A list parameter with a fixed default, e.g. {@code "1499,1030,1300"}. */
  public static Param list(String name, String def, long min, long max, String description) {
    return new Param(name, description, true, min, max, p -> def, def);
  }
}
