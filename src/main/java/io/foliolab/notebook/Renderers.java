package io.foliolab.notebook;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The kernel's global renderer registry: the built-ins ({@link RendererRegistry#withBuiltIns()})
 * plus whatever every {@link RendererProvider} on the classpath registers, plus what code
 * registers at run time (a notebook cell may register a renderer for its own class).
 *
 * <pre>{@code
 * Renderers.register(XArray.class, xa -> MimeBundle.builder().svg(XArrayPicture.of(xa)).text(xa.toString()).build());
 * }</pre>
 */
public final class Renderers {
  private static final Logger LOG = Logger.getLogger(Renderers.class.getName());

  private Renderers() {}

  private static final class Holder {
    static final RendererRegistry GLOBAL = load();

    private static RendererRegistry load() {
      RendererRegistry registry = RendererRegistry.withBuiltIns();
      for (RendererProvider provider : ServiceLoader.load(RendererProvider.class)) {
        try {
          provider.registerRenderers(registry);
        } catch (RuntimeException | LinkageError e) {
          LOG.log(Level.WARNING, "renderer provider " + provider.getClass().getName() + " failed", e);
        }
      }
      return registry;
    }
  }

  /** Returns the global registry. */
  public static RendererRegistry global() {
    return Holder.GLOBAL;
  }

  /** Registers {@code renderer} for {@code type} in the global registry. */
  public static <T> void register(Class<T> type, Renderer<? super T> renderer) {
    Holder.GLOBAL.register(type, renderer);
  }

  /** Renders {@code value} with the global registry (empty map for null). */
  public static Map<String, String> render(Object value) {
    return Holder.GLOBAL.render(value);
  }
}
