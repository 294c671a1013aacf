package io.foliolab.cli;

import io.foliolab.notebook.KernelCommand;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code foliolab kernel install|run ...}: the Jupyter kernel (io.foliolab.notebook). Its words are
 * handed to {@link KernelCommand} unparsed, since Jupyter starts it with its own argument form.
 */
final class KernelCliCommand implements Command {
  @Override public String name() { return "kernel"; }

  @Override public String summary() { return "install or run the FolioLab Jupyter kernel"; }

  @Override public String usage() {
    return "usage: java -jar target/foliolab.jar kernel install [--user | --sys-prefix [--python PY] | --prefix P]\n"
        + "                                                [--jar JAR] [--no-cds]\n"
        + "       java -jar target/foliolab.jar kernel run CONNECTION_FILE\n"
        + "install writes the kernelspec 'foliolab' (display name \"FolioLab (Java)\") pointing at this\n"
        + "jar; Jupyter then starts 'kernel run' itself.\n";
  }

  /** Runs the kernel command on the raw words after {@code kernel}. */
  int runRaw(List<String> words, PrintStream out, PrintStream err) {
    return KernelCommand.run(words.toArray(new String[0]));
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) {
    throw new AssertionError("kernel is dispatched with runRaw");
  }
}
