package io.foliolab.notebook;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Map;

/** An SVG image as markup; displays as {@code image/svg+xml}. Immutable. */
public final class Svg implements Displayable {
  private final String markup;

  private Svg(String markup) {
    this.markup = markup;
  }

  /**
   * Wraps SVG markup.
   *
   * @throws IllegalArgumentException if {@code markup} has no {@code <svg} element
   */
  public static Svg of(String markup) {
    checkNotNull(markup, "svg markup is null");
    checkArgument(
        BuiltInRenderers.looksLikeSvg(markup),
        "not SVG markup (no <svg element at the start): '%s'",
        markup.length() > 60 ? markup.substring(0, 60) + "..." : markup);
    return new Svg(markup);
  }

  /** The markup. */
  public String markup() {
    return markup;
  }

  @Override
  public Map<String, String> mimeBundle() {
    return MimeBundle.builder().svg(markup).text(toString()).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Svg && ((Svg) o).markup.equals(markup);
  }

  @Override
  public int hashCode() {
    return markup.hashCode();
  }

  @Override
  public String toString() {
    return "Svg[" + markup.length() + " chars]";
  }
}
