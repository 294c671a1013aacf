package io.foliolab.analysis;

import static com.google.common.base.Preconditions.checkArgument;

import io.foliolab.explore.Explorer;
import io.foliolab.explore.Schedule;
import io.foliolab.sim.ChoiceOracle;
import io.foliolab.sim.ChoicePoint;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Model;
import io.foliolab.sim.TraceStep;
import io.foliolab.xarray.XArray;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a schedule step by step and snapshots the model's XArray around a step, for pictures:
 * {@link #at} gives the array as it was before step {@code from} and after step {@code to}, and
 * the replayed execution with its trace.
 *
 * <p>The XArray is found by walking the objects reachable from each CPU's step program (its
 * fields, arrays and collections, objects of FolioLab's own classes only) right after the model
 * has been set up: the page cache's {@code i_pages} when there is one (an array whose name ends
 * in {@code i_pages}), else the first array found. Models need no hook for this.
 */
public final class XaReplay {
  private XaReplay() {}

  /**
   * The result of {@link #at}.
   *
   * @param before the array before step {@code from}
   * @param after the array after step {@code to}
   * @param replayed the whole execution, replayed with its trace
   * @param steps the trace lines of steps {@code from..to}
   */
  public record Result(XaSnapshot before, XaSnapshot after, Explorer.Replayed replayed,
      List<TraceStep> steps) {}

  /**
   * Replays {@code schedule} on {@code model}; snapshots before step {@code from} and after step
   * {@code to} (steps number from 0).
   *
   * @throws IllegalArgumentException if the schedule does not fit the model, the steps are out of
   *     range ({@code 0 <= from <= to < length}), or the model has no XArray
   */
  public static Result at(Model model, Schedule schedule, int from, int to) {
    Explorer.Replayed whole = Explorer.replay(model, schedule);
    checkArgument(from >= 0 && from <= to && to < schedule.length(), "steps %s..%s out of range:"
        + " the schedule has steps 0..%s", from, to, schedule.length() - 1);
    Machine m = new Machine();
    m.setWeakMemory(schedule.memory().lanes());
    int[] next = {0};
    m.setOracle(new ChoiceOracle() {
      @Override
      public int choose(int cpu, ChoicePoint point) {
        return schedule.choice(next[0]++);
      }
    });
    m.start(model);
    XArray xa = find(m);
    checkArgument(xa != null, "the model has no XArray reachable from its CPUs");
    XaSnapshot before = null;
    for (int i = 0; i <= to; i++) {
      if (i == from) {
        before = XaSnapshot.of(xa);
      }
      m.step(schedule.cpu(i));
    }
    XaSnapshot after = XaSnapshot.of(xa);
    List<TraceStep> steps = new ArrayList<>();
    for (TraceStep t : whole.trace()) {
      if (t.index() >= from && t.index() <= to) {
        steps.add(t);
      }
    }
    return new Result(before, after, whole, steps);
  }

  /** The XArray of the machine's model (see the class comment), or null. */
  static XArray find(Machine m) {
    List<XArray> found = new ArrayList<>();
    Map<Object, Boolean> seen = new IdentityHashMap<>();
    Deque<Object[]> queue = new ArrayDeque<>();
    for (int i = 0; i < m.cpus(); i++) {
      Cpu c = m.cpu(i);
      if (c.frame() != null) {
        queue.add(new Object[] {c.frame(), 0});
      }
    }
    while (!queue.isEmpty()) {
      Object[] item = queue.poll();
      Object o = item[0];
      int depth = (Integer) item[1];
      if (o == null || seen.put(o, Boolean.TRUE) != null || depth > 10) {
        continue;
      }
      if (o instanceof XArray xa) {
        found.add(xa);
        continue;
      }
      if (o instanceof Machine || o instanceof Cpu) {
        continue;
      }
      if (o instanceof Object[] arr) {
        for (Object e : arr) {
          queue.add(new Object[] {e, depth + 1});
        }
        continue;
      }
      if (o instanceof Collection<?> col) {
        for (Object e : col) {
          queue.add(new Object[] {e, depth + 1});
        }
        continue;
      }
      if (o instanceof Map<?, ?> map) {
        for (Object e : map.values()) {
          queue.add(new Object[] {e, depth + 1});
        }
        continue;
      }
      if (!o.getClass().getName().startsWith("io.foliolab.")) {
        continue;
      }
      for (Class<?> k = o.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
        for (Field f : k.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
            continue;
          }
          try {
            f.setAccessible(true);
            queue.add(new Object[] {f.get(o), depth + 1});
          } catch (ReflectiveOperationException | RuntimeException e) {
            // inaccessible: skip
          }
        }
      }
    }
    for (XArray xa : found) {
      if (xa.name().endsWith("i_pages")) {
        return xa;
      }
    }
    return found.isEmpty() ? null : found.get(0);
  }
}
