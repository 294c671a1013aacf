package io.foliolab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** FolioLab's own version, as built by Maven. */
public final class Version {
  private static final String VERSION = load();

  private Version() {}

  /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("foliolab.properties")) {
      if (in == null) {
        throw new IllegalStateException("foliolab.properties is missing from the classpath");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
