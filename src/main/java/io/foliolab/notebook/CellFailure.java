package io.foliolab.notebook;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * Why a cell failed, in the terms of Jupyter's error reply: the exception's name (the user
 * exception's class, e.g. {@code java.lang.StackOverflowError}, or {@code CompilationException}),
 * its message, and the lines of the traceback to show.
 */
final class CellFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final String ename;
  private final String evalue;
  private final ImmutableList<String> traceback;

  CellFailure(String ename, String evalue, List<String> traceback) {
    super(ename + ": " + evalue, null, false, false);
    this.ename = ename;
    this.evalue = evalue == null ? "" : evalue;
    this.traceback = ImmutableList.copyOf(traceback);
  }

  String ename() {
    return ename;
  }

  String evalue() {
    return evalue;
  }

  List<String> traceback() {
    return traceback;
  }
}
