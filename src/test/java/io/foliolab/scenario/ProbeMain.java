package io.foliolab.scenario;

import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import java.util.LinkedHashMap;
import java.util.Map;

public class ProbeMain {
  public static void main(String[] a) {
    Scenario s = Scenarios.get(a[0]);
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 2; i < a.length; i++) {
      String[] kv = a[i].split("=", 2);
      given.put(kv[0], kv[1]);
    }
    Params p = Params.resolve(s.name(), s.params(), given);
    for (String v : s.variants()) {
      Summary sum = Explorer.explore(s.model(v, p), Strategy.parse("dpor"),
          Options.defaults().withMaxSeconds(Double.parseDouble(a[1])), e -> { });
      System.out.println(v + " " + p + ": " + sum);
    }
  }
}
