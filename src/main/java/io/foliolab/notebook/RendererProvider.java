package io.foliolab.notebook;

/**
 * Service interface through which a package adds renderers without the kernel knowing it: list the
 * implementation's binary name in {@code META-INF/services/io.foliolab.notebook.RendererProvider}.
 * The global registry ({@link Renderers}) calls every provider once, when first used.
 */
public interface RendererProvider {
  /** Registers this package's renderers in {@code registry}. */
  void registerRenderers(RendererRegistry registry);
}
