package io.foliolab.notebook;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps types to {@link Renderer}s and renders values with the most specific one.
 *
 * <p>Lookup for a value of class {@code C}: the renderer registered for {@code C}, else for its
 * superclasses nearest first (stopping before {@code Object}), else for its interfaces breadth
 * first (so a class renderer beats {@link Displayable}), else for {@code Object}, else plain text.
 * Types are matched by binary name, so registering needs no class loading ({@link
 * #register(String, Renderer)}) and classes of optional libraries are loaded only when a value of
 * that type is rendered. A later registration for the same type replaces the earlier one.
 *
 * <p>Every bundle returned has {@code text/plain}. A renderer that throws yields the value's plain
 * text plus a line naming the failure, so a broken renderer never breaks a cell. Thread-safe.
 */
public final class RendererRegistry {
  private final Map<String, Renderer<Object>> byName = new ConcurrentHashMap<>();
  private final Map<Class<?>, Optional<Renderer<Object>>> resolved = new ConcurrentHashMap<>();

  /** Returns an empty registry: every value renders as plain text. */
  public static RendererRegistry empty() {
    return new RendererRegistry();
  }

  /**
   * Returns a registry with the kernel's built-in renderers: {@link Displayable}, Tablesaw {@code
   * Table} (row-capped HTML and text), XChart charts (PNG and a text summary), {@link Svg} and SVG
   * strings ({@code image/svg+xml}).
   */
  public static RendererRegistry withBuiltIns() {
    RendererRegistry r = new RendererRegistry();
    r.register(Displayable.class, d -> d.mimeBundle());
    r.register(Svg.class, Svg::mimeBundle);
    r.register(CharSequence.class, BuiltInRenderers::charSequence);
    r.register("tech.tablesaw.table.Relation", BuiltInRenderers::table);
    r.register("org.knowm.xchart.internal.chartpart.Chart", BuiltInRenderers::chart);
    return r;
  }

  private RendererRegistry() {}

  /** Registers {@code renderer} for values of {@code type} and its subtypes. */
  @SuppressWarnings("unchecked")
  public <T> RendererRegistry register(Class<T> type, Renderer<? super T> renderer) {
    checkNotNull(type, "type is null");
    return register(type.getName(), (Renderer<Object>) renderer);
  }

  /**
   * Registers {@code renderer} for the class or interface with binary name {@code typeName} (e.g.
   * {@code "tech.tablesaw.api.Table"}) and its subtypes; the renderer receives only such values.
   */
  public RendererRegistry register(String typeName, Renderer<Object> renderer) {
    checkNotNull(typeName, "typeName is null");
    checkNotNull(renderer, "renderer for %s is null", typeName);
    byName.put(typeName, renderer);
    resolved.clear();
    return this;
  }

  /** Returns the renderer that would render values of {@code type}, if any besides plain text. */
  public Optional<Renderer<Object>> rendererFor(Class<?> type) {
    return resolved.computeIfAbsent(type, this::resolve);
  }

  /**
   * Renders {@code value}: a bundle with at least {@code text/plain}, or an empty map for null.
   */
  public Map<String, String> render(Object value) {
    if (value == null) {
      return Map.of();
    }
    Optional<Renderer<Object>> renderer = rendererFor(value.getClass());
    if (renderer.isEmpty()) {
      return MimeBundle.text(plainText(value));
    }
    Map<String, String> bundle;
    try {
      bundle = MimeBundle.checked(renderer.get().render(value));
    } catch (RuntimeException | LinkageError | AssertionError | java.awt.AWTError | StackOverflowError e) {
      return MimeBundle.text(
          plainText(value) + "\n[renderer for " + value.getClass().getName() + " failed: " + e + "]");
    }
    if (bundle.containsKey(MimeBundle.TEXT)) {
      return bundle;
    }
    Map<String, String> withText = new LinkedHashMap<>(bundle);
    withText.put(MimeBundle.TEXT, plainText(value));
    return MimeBundle.checked(withText);
  }

  /**
   * The plain text of a value: arrays as {@code [a, b]} (deeply), anything else by {@code
   * String.valueOf}.
   */
  public static String plainText(Object value) {
    if (value != null && value.getClass().isArray()) {
      String s = Arrays.deepToString(new Object[] {value});
      return s.substring(1, s.length() - 1);
    }
    return String.valueOf(value);
  }

  private Optional<Renderer<Object>> resolve(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      Renderer<Object> r = byName.get(c.getName());
      if (r != null) {
        return Optional.of(r);
      }
    }
    Deque<Class<?>> queue = new ArrayDeque<>();
    Set<Class<?>> seen = new HashSet<>();
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      queue.addAll(Arrays.asList(c.getInterfaces()));
    }
    while (!queue.isEmpty()) {
      Class<?> i = queue.removeFirst();
      if (!seen.add(i)) {
        continue;
      }
      Renderer<Object> r = byName.get(i.getName());
      if (r != null) {
        return Optional.of(r);
      }
      queue.addAll(Arrays.asList(i.getInterfaces()));
    }
    return Optional.ofNullable(byName.get(Object.class.getName()));
  }
}
