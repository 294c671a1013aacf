package io.foliolab.cli;

public final class Main {
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("kernel")) {
      System.exit(io.foliolab.notebook.KernelCommand.run(args));
    }
    System.out.println("foliolab");
  }
}
