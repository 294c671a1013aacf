package io.foliolab.notebook;

import java.util.Map;

/**
 * Renders values of one type to a MIME bundle (see {@link MimeBundle}). Register renderers with
 * {@link Renderers#register(Class, Renderer)} or through a {@link RendererProvider}.
 *
 * @param <T> the type rendered
 */
@FunctionalInterface
public interface Renderer<T> {
  /** Returns the representations of {@code value} (never null); {@code value} is never null. */
  Map<String, String> render(T value);
}
