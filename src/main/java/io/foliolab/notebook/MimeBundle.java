package io.foliolab.notebook;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds and checks MIME bundles: maps from a MIME type ({@code text/plain}, {@code text/html},
 * {@code image/png}, {@code image/svg+xml}, ...) to the representation of one value in that type,
 * as Jupyter's {@code display_data} carries them. Binary types (PNG) are base64 text.
 *
 * <pre>{@code
 * Map<String, String> bundle = MimeBundle.builder().text("3 rows").html("<table>...</table>").build();
 * }</pre>
 */
public final class MimeBundle {
  public static final String TEXT = "text/plain";
  public static final String HTML = "text/html";
  public static final String MARKDOWN = "text/markdown";
  public static final String PNG = "image/png";
  public static final String SVG = "image/svg+xml";
  public static final String JSON = "application/json";

  /** Jupyter's pattern for the keys of a bundle's {@code data}. */
  private static final Pattern MIME_TYPE = Pattern.compile("^[\\w\\-+.]+/[\\w\\-+.]+$");

  private MimeBundle() {}

  /** Returns a new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a bundle holding only {@code text/plain}. */
  public static Map<String, String> text(String text) {
    return builder().text(text).build();
  }

  /** Returns true if {@code mimeType} has the form Jupyter accepts ({@code type/subtype}). */
  public static boolean isMimeType(String mimeType) {
    return mimeType != null && MIME_TYPE.matcher(mimeType).matches();
  }

  /**
   * Returns an immutable copy of {@code bundle} in its iteration order, after checking that every
   * key is a MIME type and no value is null.
   *
   * @throws IllegalArgumentException naming the first bad key or null value
   */
  public static Map<String, String> checked(Map<String, String> bundle) {
    checkNotNull(bundle, "a mime bundle must not be null");
    ImmutableMap.Builder<String, String> out = ImmutableMap.builder();
    for (Map.Entry<String, String> e : bundle.entrySet()) {
      checkArgument(isMimeType(e.getKey()), "'%s' is not a MIME type (expected type/subtype)", e.getKey());
      checkArgument(e.getValue() != null, "the value for %s is null", e.getKey());
      out.put(e.getKey(), e.getValue());
    }
    return out.build();
  }

  /** Accumulates representations; a later put for the same type replaces the earlier one. */
  public static final class Builder {
    private final Map<String, String> data = new LinkedHashMap<>();

    private Builder() {}

    /** Adds {@code value} under {@code mimeType}, which must look like {@code type/subtype}. */
    public Builder put(String mimeType, String value) {
      checkArgument(isMimeType(mimeType), "'%s' is not a MIME type (expected type/subtype)", mimeType);
      checkNotNull(value, "the value for %s is null", mimeType);
      data.put(mimeType, value);
      return this;
    }

    public Builder text(String text) {
      return put(TEXT, text);
    }

    public Builder html(String html) {
      return put(HTML, html);
    }

    public Builder markdown(String markdown) {
      return put(MARKDOWN, markdown);
    }

    /**
     * Adds SVG markup. As IPython's {@code SVG} display does, an XML declaration, comments or a
     * DOCTYPE before the {@code <svg} element are dropped: notebook front ends and nbconvert
     * insert the markup into HTML, where an XML declaration is invalid (nbconvert's HTML export
     * fails on it).
     */
    public Builder svg(String svg) {
      checkNotNull(svg, "the value for %s is null", SVG);
      return put(SVG, svgElement(svg));
    }

    /** Adds a PNG image given as raw bytes; it is stored base64-encoded, as Jupyter expects. */
    public Builder png(byte[] png) {
      checkNotNull(png, "png bytes are null");
      return put(PNG, Base64.getEncoder().encodeToString(png));
    }

    /** Returns the bundle, in the order of the first put of each type. */
    public Map<String, String> build() {
      return ImmutableMap.copyOf(data);
    }
  }

  /** {@code markup} from its {@code <svg} element on, if an XML prolog precedes it; else as is. */
  static String svgElement(String markup) {
    if (!BuiltInRenderers.looksLikeSvg(markup)) {
      return markup;
    }
    int i = markup.indexOf("<svg");
    return i <= 0 ? markup : markup.substring(i);
  }
}
