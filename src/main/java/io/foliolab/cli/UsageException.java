package io.foliolab.cli;

/**
 * Bad input on the command line: an unknown command, option or value. The message says what was
 * wrong and what is allowed; {@link Main} prints it and exits with status 2.
 */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
