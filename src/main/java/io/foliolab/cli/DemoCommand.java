package io.foliolab.cli;

import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaGfp;
import io.foliolab.xarray.XaObserver;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaField;
import io.foliolab.xarray.XaMemory;
import io.foliolab.xarray.XaOrder;
import io.foliolab.xarray.XaState;
import io.foliolab.xarray.XaStore;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code foliolab demo}: the worked example from seed 000 (Matthew Wilcox, March 2026): index 1499
 * inside an order-9 folio at 1024, split to two order-8 folios and, separately, to order 0. Prints
 * the tree before and after, the slot stores in the order RCU readers can see them, and what a
 * lookup of 1499 finds. The "folios" are plain labelled objects: this is the XArray alone.
 */
final class DemoCommand implements Command {
  @Override public String name() { return "demo"; }

  @Override public String summary() {
    return "the 1499 example: an order-9 entry split to order 8 and to order 0, dumped before and after";
  }

  @Override public String usage() {
    return "usage: java -jar target/foliolab.jar demo\n"
        + "Stores an order-9 entry F at index 1024 (slots 16..23 of the shift-6 node), then\n"
        + "  1. xas_split to order 8 and __xa_store of the second half G at 1280;\n"
        + "  2. xas_split_alloc + xas_split to order 0 (new leaf nodes in slots 23..16).\n"
        + "Shows xa_dump-style trees, the publication order of the split's stores, and xa_load(1499).\n";
  }

  /** A stand-in for a struct folio in this demo: prints as its name. */
  private record Label(String name) {
    @Override public String toString() { return name; }
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) {
    if (!args.positional().isEmpty()) {
      throw new UsageException("demo takes no arguments, got: " + args.positional());
    }
    Object f = new Label("F(1024, order 9)");
    out.println("== An order-9 entry F at index 1024, and index 1499 = 0x5db (slot 1499 >> 6 = 23)");
    XArray xa = new XArray();
    xa.storeOrder(1024, 9, f, XaGfp.GFP_KERNEL);
    out.print(xa.dump());
    out.println("xa_load(1499) = " + xa.load(1499));
    out.println();

    out.println("== 1. xas_split(F, 9) to order 8, then __xa_store(1280, G): stores as readers see them");
    Object g = new Label("G(1280, order 8)");
    XaState xas = new XaState(xa, 1024, 8);
    List<String> stores = new ArrayList<>();
    xa.setObserver(recorder(stores));
    xa.xaLock();
    xas.split(f, 9);
    xa.__store(1280, g, XaGfp.NONE);
    xa.xaUnlock();
    xa.setObserver(null);
    stores.forEach(s -> out.println("  " + s));
    out.print(xa.dump());
    out.println("xa_load(1499) = " + xa.load(1499) + "   (slot 23 holds sibling(20) -> slot 20)");
    out.println("validate: " + xa.validate().orElse("ok"));
    out.println();

    out.println("== 2. From F again: xas_split_alloc + xas_split to order 0 (new leaf nodes)");
    XArray xb = new XArray();
    xb.storeOrder(1024, 9, f, XaGfp.GFP_KERNEL);
    XaState xs = new XaState(xb, 1024, 0);
    xs.splitAlloc(f, 9, XaGfp.GFP_KERNEL);
    stores.clear();
    xb.setObserver(recorder(stores));
    xb.xaLock();
    xs.split(f, 9);
    xb.xaUnlock();
    xb.setObserver(null);
    xs.destroy();
    out.println("  node pointers published into the shift-6 node, in order:");
    stores.stream().filter(s -> s.contains("<- node")).forEach(s -> out.println("  " + s));
    out.print(collapseRuns(xb.dump()));
    out.println("xa_load(1499) = " + xb.load(1499) + "   (leaf under slot 23, slot 1499 & 63 = 27)");
    out.println("validate: " + xb.validate().orElse("ok"));
    return 0;
  }

  private static final java.util.regex.Pattern SLOT_LINE =
      java.util.regex.Pattern.compile("^(\\s+)(\\d+) (\\d+)(?:-\\d+)?: (.*)$");

  /**
   * Collapses runs of consecutive dump lines for slots holding the same entry into one line
   * ({@code 0-63 1472-1535: F (64 slots)}), so that a split to order 0 fits on a screen.
   */
  static String collapseRuns(String dump) {
    StringBuilder sb = new StringBuilder();
    String[] lines = dump.split("\n");
    int i = 0;
    while (i < lines.length) {
      java.util.regex.Matcher m = SLOT_LINE.matcher(lines[i]);
      if (!m.matches()) {
        sb.append(lines[i++]).append('\n');
        continue;
      }
      int j = i + 1;
      String lastIndex = m.group(3);
      String lastSlot = m.group(2);
      while (j < lines.length) {
        java.util.regex.Matcher n = SLOT_LINE.matcher(lines[j]);
        if (!n.matches() || !n.group(1).equals(m.group(1)) || !n.group(4).equals(m.group(4))
            || Integer.parseInt(n.group(2)) != Integer.parseInt(lastSlot) + 1) {
          break;
        }
        lastSlot = n.group(2);
        lastIndex = n.group(3);
        j++;
      }
      if (j - i == 1) {
        sb.append(lines[i]).append('\n');
      } else {
        sb.append(m.group(1)).append(m.group(2)).append('-').append(lastSlot).append(' ')
            .append(m.group(3)).append('-').append(lastIndex).append(": ").append(m.group(4))
            .append("  (").append(j - i).append(" slots)\n");
      }
      i = j;
    }
    return sb.toString();
  }

  /** Records the slot stores of a write-side operation, in program order. */
  private static XaObserver recorder(List<String> into) {
    return new XaObserver() {
      @Override public void load(Object owner, XaField field, int index) {}

      @Override public void store(XaStore s) {
        if (s.field() != XaField.SLOT) {
          return;
        }
        String what = XaEntry.describe(s.newValue());
        into.add(String.format("%-26s <- %s%s", XaMemory.describe(s.owner(), s.field(), s.index()),
            XaEntry.isNode(s.newValue()) ? "node " + what : what,
            s.order() == XaOrder.RELEASE ? "  (release)" : ""));
      }
    };
  }
}
