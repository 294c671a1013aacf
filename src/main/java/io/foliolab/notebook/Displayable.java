package io.foliolab.notebook;

import java.util.Map;

/**
 * A value that knows how to show itself in a notebook. The kernel displays it, as a cell's last
 * value or through {@link Notebook#display(Object)}, as the returned bundle. Implement it in model
 * or analysis types that should look good in a notebook without the kernel knowing them (XArray
 * pictures, traces, exploration results).
 *
 * <p>Keys are MIME types (see {@link MimeBundle} for constants and a builder); binary types are
 * base64 text. Include {@code text/plain}: the kernel adds {@code String.valueOf(this)} otherwise.
 */
public interface Displayable {
  /** Returns this value's representations by MIME type. Must not return null. */
  Map<String, String> mimeBundle();
}
