package io.foliolab.analysis;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import io.foliolab.sim.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What identifies a kernel oops for matching against explored failures: the assertion, where it
 * fired, the function in RIP and, when the oops carries a page dump ({@code dump_page} in
 * mm/debug.c, v6.18), the folio's index, order, refcount, mapcount and flags, and the index the
 * faulting path was looking up when a register gives it. Immutable; parse with {@link #parse}.
 *
 * @param kind {@link Outcome#BUG} for {@code kernel BUG at} (a {@code BUG_ON} / {@code VM_BUG_ON*},
 *     "invalid opcode"), {@link Outcome#OOPS} for a bad dereference ({@code BUG: kernel NULL
 *     pointer dereference}, {@code BUG: unable to handle page fault}, {@code general protection
 *     fault})
 * @param headline the line that names the failure ({@code kernel BUG at mm/filemap.c:3519!})
 * @param assertion the {@code page dumped because:} text, e.g. {@code
 *     VM_BUG_ON_FOLIO(!folio_contains(folio, index))}, or "" when the oops has no page dump
 * @param bugFile the source file of {@code kernel BUG at FILE:LINE}, or ""
 * @param bugLine its line, or 0
 * @param function the kernel function in RIP ({@code RIP: 0010:function+off/size})
 * @param offset the offset in RIP
 * @param size the function size in RIP
 * @param callTrace the reliable frames of the call trace (those not marked {@code ?}), innermost
 *     first
 * @param flagsWord the page flags word ({@code flags: 0x...}), if dumped
 * @param flags the flag names of the dump ({@code locked}, {@code uptodate}, ...; fields such as
 *     {@code node=3} left out)
 * @param folioIndex the folio's index (first word of the second {@code raw:} line, or
 *     {@code index:} of the {@code page:} line)
 * @param order the folio's order: from {@code order:N} when dumped, 0 when the flags lack
 *     {@code head} (a small folio), empty when the folio is large but its order not dumped
 * @param refcount {@code _refcount} (upper half of the third word of the second raw line)
 * @param mapcount {@code _mapcount + 1} (lower half of that word, as {@code page_mapcount})
 * @param faultIndex the index the faulting path looked up, when exactly one general register of
 *     the oopsing context holds a value within 1024 of the folio index other than the index
 *     itself (e.g. {@code RBP: 000000000000737b} beside index 0x737a)
 * @param faultIndexRegister the register that held {@link #faultIndex}, or ""
 * @param kernelRelease the release on the {@code CPU:} line, or ""
 */
public record OopsSignature(Outcome kind, String headline, String assertion, String bugFile,
    int bugLine, String function, long offset, long size, ImmutableList<String> callTrace,
    OptionalLong flagsWord, ImmutableSet<String> flags, OptionalLong folioIndex,
    OptionalInt order, OptionalInt refcount, OptionalInt mapcount, OptionalLong faultIndex,
    String faultIndexRegister, String kernelRelease) {
  public OopsSignature {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(headline, "headline");
    Objects.requireNonNull(assertion, "assertion");
    Objects.requireNonNull(bugFile, "bugFile");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(callTrace, "callTrace");
    Objects.requireNonNull(flagsWord, "flagsWord");
    Objects.requireNonNull(flags, "flags");
    Objects.requireNonNull(folioIndex, "folioIndex");
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(refcount, "refcount");
    Objects.requireNonNull(mapcount, "mapcount");
    Objects.requireNonNull(faultIndex, "faultIndex");
    Objects.requireNonNull(faultIndexRegister, "faultIndexRegister");
    Objects.requireNonNull(kernelRelease, "kernelRelease");
  }

  /** How far a register value may lie from the folio index to be taken for the fault index. */
  static final long FAULT_INDEX_WINDOW = 1024;

  private static final Pattern TIMESTAMP = Pattern.compile("(?m)^\\s*\\[\\s*\\d+\\.\\d+\\]\\s?");
  private static final Pattern BUG_AT =
      Pattern.compile("kernel BUG at ([\\w./\\-]+):(\\d+)!");
  private static final Pattern BAD_ACCESS = Pattern.compile(
      "(BUG: kernel NULL pointer dereference[^\\n]*|BUG: unable to handle page fault[^\\n]*"
          + "|general protection fault[^\\n]*)");
  private static final Pattern RIP = Pattern.compile(
      "RIP: 0010:([A-Za-z_][\\w.]*)\\+0x([0-9a-fA-F]+)/0x([0-9a-fA-F]+)");
  private static final Pattern DUMPED_BECAUSE = Pattern.compile("page dumped because: ([^\\n]*)");
  private static final Pattern FLAGS = Pattern.compile("flags: 0x([0-9a-fA-F]+)\\(([^)]*)\\)");
  private static final Pattern RAW = Pattern.compile(
      "raw: ([0-9a-fA-F]{16}) ([0-9a-fA-F]{16}) ([0-9a-fA-F]{16}) ([0-9a-fA-F]{16})");
  private static final Pattern PAGE_LINE = Pattern.compile("page: refcount:(\\d+) mapcount:(-?\\d+)"
      + "[^\\n]*?index:0x([0-9a-fA-F]+)");
  private static final Pattern ORDER = Pattern.compile("\\border:(\\d+)");
  private static final Pattern REGISTER = Pattern.compile(
      "\\b(RAX|RBX|RCX|RDX|RSI|RDI|RBP|R08|R09|R10|R11|R12|R13|R14|R15): ([0-9a-fA-F]{16})");
  private static final Pattern CPU_LINE = Pattern.compile(
      "CPU: \\d+ [^\\n]*?Tainted: [^\\n]*? (\\d+\\.\\d+[\\w.+\\-]*) #");
  private static final Pattern CALL_TRACE_FRAME = Pattern.compile(
      "(\\? )?([A-Za-z_][\\w.]*)\\+0x[0-9a-fA-F]+/0x[0-9a-fA-F]+");

  /** Reads and parses an oops file; lines starting with {@code #} are comments. */
  public static OopsSignature read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /**
   * Parses an oops text: as printed by the kernel (optionally with {@code [ seconds]} timestamps),
   * or with its line breaks collapsed as mail archives sometimes show it. Lines starting with
   * {@code #} are ignored.
   *
   * @throws IllegalArgumentException naming the part that is missing or malformed: the failure
   *     line ({@code kernel BUG at FILE:LINE!} or {@code BUG: ...}), the kernel RIP line
   *     ({@code RIP: 0010:function+0xOFF/0xSIZE}), and, when the oops has a page dump ({@code
   *     page dumped because:} or {@code flags:}), its flags line and its two {@code raw:} lines
   */
  public static OopsSignature parse(String text) {
    checkArgument(text != null, "oops text must not be null");
    StringBuilder sb = new StringBuilder();
    for (String line : text.split("\r?\n", -1)) {
      if (!line.startsWith("#")) {
        sb.append(line).append('\n');
      }
    }
    String t = TIMESTAMP.matcher(sb).replaceAll("");
    checkArgument(!t.isBlank(), "oops text is empty (only comments or blanks)");

    // The failure line.
    Outcome kind;
    String headline;
    String bugFile = "";
    int bugLine = 0;
    Matcher m = BUG_AT.matcher(t);
    if (m.find()) {
      kind = Outcome.BUG;
      headline = m.group();
      bugFile = m.group(1);
      bugLine = Integer.parseInt(m.group(2));
    } else {
      m = BAD_ACCESS.matcher(t);
      checkArgument(m.find(), "oops text has no failure line: expected 'kernel BUG at FILE:LINE!'"
          + " or 'BUG: kernel NULL pointer dereference' / 'BUG: unable to handle page fault' /"
          + " 'general protection fault'");
      kind = Outcome.OOPS;
      headline = cut(m.group(1).trim());
    }
    // The kernel RIP (CS 0010); the user-space RIP (0033) of the same oops is not it.
    Matcher rip = RIP.matcher(t);
    checkArgument(rip.find(), "oops text has no kernel RIP line: expected"
        + " 'RIP: 0010:function+0xOFFSET/0xSIZE' (found %s)",
        t.contains("RIP:") ? "only a RIP without a kernel function" : "no 'RIP:' at all");
    String function = rip.group(1);
    long offset = Long.parseLong(rip.group(2), 16);
    long size = Long.parseLong(rip.group(3), 16);

    // The page dump.
    String assertion = "";
    Matcher because = DUMPED_BECAUSE.matcher(t);
    if (because.find()) {
      assertion = cut(because.group(1).trim());
      checkArgument(!assertion.isEmpty(), "oops text has an empty 'page dumped because:' line");
    }
    OptionalLong flagsWord = OptionalLong.empty();
    Set<String> flags = new LinkedHashSet<>();
    OptionalLong folioIndex = OptionalLong.empty();
    OptionalInt refcount = OptionalInt.empty();
    OptionalInt mapcount = OptionalInt.empty();
    OptionalInt order = OptionalInt.empty();
    Matcher fl = FLAGS.matcher(t);
    boolean hasFlags = fl.find();
    boolean hasDump = !assertion.isEmpty() || hasFlags;
    if (hasDump) {
      checkArgument(hasFlags, "oops page dump has no flags line: expected"
          + " 'flags: 0xHEX(name|name|...)' before the raw: lines");
      flagsWord = OptionalLong.of(Long.parseUnsignedLong(fl.group(1), 16));
      for (String f : fl.group(2).split("\\|")) {
        if (!f.isEmpty() && f.indexOf('=') < 0) {
          flags.add(f);
        }
      }
      Matcher raw = RAW.matcher(t);
      List<String[]> raws = new ArrayList<>();
      while (raw.find() && raws.size() < 2) {
        raws.add(new String[] {raw.group(1), raw.group(2), raw.group(3), raw.group(4)});
      }
      Matcher page = PAGE_LINE.matcher(t);
      if (raws.size() == 2) {
        folioIndex = OptionalLong.of(Long.parseUnsignedLong(raws.get(1)[0], 16));
        long counts = Long.parseUnsignedLong(raws.get(1)[2], 16);
        refcount = OptionalInt.of((int) (counts >>> 32));
        mapcount = OptionalInt.of((int) counts + 1);
      } else if (page.find()) {
        refcount = OptionalInt.of(Integer.parseInt(page.group(1)));
        mapcount = OptionalInt.of(Integer.parseInt(page.group(2)));
        folioIndex = OptionalLong.of(Long.parseUnsignedLong(page.group(3), 16));
      } else {
        throw new IllegalArgumentException("oops page dump has " + raws.size() + " raw: line"
            + (raws.size() == 1 ? "" : "s") + " and no 'page: refcount:... index:0x...' line:"
            + " expected two 'raw: <16 hex digits> x4' lines (the second carries the index and"
            + " the refcount/mapcount word)");
      }
      Matcher o = ORDER.matcher(t);
      if (o.find()) {
        order = OptionalInt.of(Integer.parseInt(o.group(1)));
      } else if (!flags.contains("head")) {
        order = OptionalInt.of(0);
      }
    }

    // The fault index: the one register of the oopsing context near the folio index.
    OptionalLong faultIndex = OptionalLong.empty();
    String faultRegister = "";
    if (folioIndex.isPresent()) {
      int end = t.indexOf("Call Trace:", rip.end());
      String regs = t.substring(rip.end(), end < 0 ? t.length() : end);
      Map<Long, String> near = new LinkedHashMap<>();
      Matcher r = REGISTER.matcher(regs);
      long idx = folioIndex.getAsLong();
      while (r.find()) {
        long v = Long.parseUnsignedLong(r.group(2), 16);
        if (v != idx && Math.abs(v - idx) <= FAULT_INDEX_WINDOW && v >= 0) {
          near.putIfAbsent(v, r.group(1));
        }
      }
      if (near.size() == 1) {
        var e = near.entrySet().iterator().next();
        faultIndex = OptionalLong.of(e.getKey());
        faultRegister = e.getValue();
      }
    }

    // The reliable frames of the kernel call trace.
    List<String> trace = new ArrayList<>();
    int ct = t.indexOf("Call Trace:", rip.end());
    if (ct >= 0) {
      int stop = t.indexOf("</TASK>", ct);
      int userRip = t.indexOf("RIP: 0033:", ct);
      int endTrace = stop < 0 ? t.length() : stop;
      if (userRip >= 0 && userRip < endTrace) {
        endTrace = userRip;
      }
      Matcher f = CALL_TRACE_FRAME.matcher(t.substring(ct, endTrace));
      while (f.find()) {
        if (f.group(1) == null) {
          trace.add(f.group(2));
        }
      }
    }
    Matcher cpu = CPU_LINE.matcher(t);
    String release = cpu.find() ? cpu.group(1) : "";
    return new OopsSignature(kind, headline, assertion, bugFile, bugLine, function, offset, size,
        ImmutableList.copyOf(trace), flagsWord, ImmutableSet.copyOf(flags), folioIndex, order,
        refcount, mapcount, faultIndex, faultRegister, release);
  }

  /** Cuts a value read to the end of a line at the next oops marker (collapsed text). */
  private static String cut(String s) {
    for (String marker : new String[] {" ------------[ cut here", " kernel BUG at", " Oops:",
        " CPU: ", " RIP: "}) {
      int i = s.indexOf(marker);
      if (i >= 0) {
        s = s.substring(0, i);
      }
    }
    return s.trim();
  }

  /** The fault index minus the folio index, when both are known. */
  public OptionalLong indexDelta() {
    return folioIndex.isPresent() && faultIndex.isPresent()
        ? OptionalLong.of(faultIndex.getAsLong() - folioIndex.getAsLong()) : OptionalLong.empty();
  }

  /** The index relation in words, e.g. "the folio ends 1 page left of the fault index". */
  public Optional<String> indexRelation() {
    if (indexDelta().isEmpty() || order.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(relation(indexDelta().getAsLong(), order.getAsInt()));
  }

  /**
   * Describes where {@code index + delta} lies relative to a folio of {@code order} at
   * {@code index}: inside it, or how many pages beyond its last page (or before its first).
   */
  public static String relation(long delta, int order) {
    long size = 1L << order;
    if (delta >= 0 && delta < size) {
      return "the fault index lies inside the folio (page " + delta + " of " + size + ")";
    }
    if (delta >= size) {
      long gap = delta - size + 1;
      return "the folio ends " + gap + " page" + (gap == 1 ? "" : "s")
          + " left of the fault index";
    }
    return "the folio starts " + (-delta) + " page" + (delta == -1 ? "" : "s")
        + " right of the fault index";
  }

  /** A readable multi-line description. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(kind).append(": ").append(assertion.isEmpty() ? headline : assertion);
    if (!bugFile.isEmpty()) {
      sb.append(" at ").append(bugFile).append(':').append(bugLine);
    }
    sb.append(String.format(Locale.ROOT, " in %s+0x%x/0x%x", function, offset, size));
    if (folioIndex.isPresent()) {
      sb.append("\nfolio index 0x").append(Long.toHexString(folioIndex.getAsLong()))
          .append(" order ").append(order.isPresent() ? Integer.toString(order.getAsInt()) : "?")
          .append(" refcount ").append(refcount.isPresent() ? refcount.getAsInt() : "?")
          .append(" mapcount ").append(mapcount.isPresent() ? mapcount.getAsInt() : "?")
          .append(" flags ").append(String.join("|", flags));
    }
    if (faultIndex.isPresent()) {
      sb.append("\nfault index 0x").append(Long.toHexString(faultIndex.getAsLong()))
          .append(" (").append(faultIndexRegister).append(")");
      indexRelation().ifPresent(r -> sb.append(": ").append(r));
    }
    if (!callTrace.isEmpty()) {
      sb.append("\ncall trace: ").append(String.join(" < ", callTrace));
    }
    return sb.toString();
  }
}
