package io.foliolab.xarray;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Issue 2 item 6: the cost of the XArray model without an observer.
 *
 * <pre>
 * mvn -q -B -Pbench package -DskipTests
 * java -jar target/benchmarks.jar XArrayBench -f 1 -wi 3 -w 1 -i 5 -r 1
 * </pre>
 *
 * Targets on the 2-core machine: load &lt;= 30 ns/op, store &lt;= 150 ns/op, split cycle &lt;= 10 us/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class XArrayBench {
  /** 262,144 order-0 entries: a 3-level tree (root shift 12), full. */
  static final int ENTRIES = 1 << 18;

  /** A full 3-level tree and a stream of random indices (precomputed, so no RNG in the loop). */
  @State(Scope.Thread)
  public static class Tree {
    XArray xa;
    Object[] items;
    long[] indices;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      xa = new XArray();
      items = new Object[ENTRIES];
      for (int i = 0; i < ENTRIES; i++) {
        items[i] = new Object();
        xa.store(i, items[i]);
      }
      if (((XaNode) xa.peekHead()).peekShift() != 12) {
        throw new IllegalStateException("expected a 3-level tree");
      }
      SplittableRandom rnd = new SplittableRandom(42);
      indices = new long[1 << 16];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = rnd.nextInt(ENTRIES);
      }
    }

    long nextIndex() {
      int n = next;
      next = (n + 1) & (indices.length - 1);
      return indices[n];
    }
  }

  /** xa_load of a random index. */
  @Benchmark
  public Object load(Tree t) {
    return t.xa.load(t.nextIndex());
  }

  /** xa_store overwriting a random index (same-kind entry, no allocation in the tree). */
  @Benchmark
  public Object store(Tree t) {
    long index = t.nextIndex();
    return t.xa.store(index, t.items[(int) (index ^ 1) & (ENTRIES - 1)]);
  }

  /** An array reused by every split cycle. */
  @State(Scope.Thread)
  public static class Split {
    XArray xa;
    Object folio = new Object();

    @Setup(Level.Trial)
    public void setUp() {
      xa = new XArray();
    }
  }

  /**
   * Store an order-9 entry at 1024 (one shift-6 root), split it to order 0 (xas_split_alloc of
   * 8 prefilled nodes, then xas_split), then xa_destroy (9 nodes torn down and handed to RCU) and
   * complete the grace period so that the next cycle reuses the nodes.
   */
  @Benchmark
  public XaNode splitCycle(Split s) {
    XArray xa = s.xa;
    xa.storeOrder(1024, 9, s.folio, XaGfp.GFP_KERNEL);
    XaState xas = new XaState(xa, 1024, 0);
    xas.splitAlloc(s.folio, 9, XaGfp.GFP_KERNEL);
    xa.xaLock();
    xas.split(s.folio, 9);
    xa.xaUnlock();
    xas.destroy();
    XaNode root = (XaNode) xa.peekHead();
    xa.destroy();
    xa.allocator().completeGracePeriod();
    return root;
  }
}
