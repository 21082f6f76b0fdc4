package io.partitrain.orchestrator.console.api.read;

import io.javalin.http.Context;
import io.partitrain.orchestrator.console.api.request.Problem;
import io.partitrain.orchestrator.console.api.request.QueryParams;
import io.partitrain.orchestrator.console.view.PartitionView;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.PartitionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** The partition page's filters: {@code ?state=&failureClass=&tag=name:value&q=}, all must hold. */
final class PartitionFilter {

  private PartitionFilter() {}

  static Predicate<PartitionView> of(Context ctx) {
    Predicate<PartitionView> f = p -> true;
    String state = ctx.queryParam("state");
    if (state != null && !state.isBlank()) {
      List<PartitionState> states = new ArrayList<>();
      for (String s : state.split(",")) {
        states.add(QueryParams.enumParam(PartitionState.class, "state", s.trim()));
      }
      f = f.and(p -> states.contains(p.state()));
    }
    String failure = ctx.queryParam("failureClass");
    if (failure != null && !failure.isBlank()) {
      FailureClass fc = QueryParams.enumParam(FailureClass.class, "failureClass", failure.trim());
      f = f.and(p -> p.failureClass() == fc);
    }
    String tag = ctx.queryParam("tag");
    if (tag != null && !tag.isBlank()) {
      int colon = tag.indexOf(':');
      if (colon <= 0) {
        throw Problem.badRequest(
            "query parameter 'tag' must be name:value (region:north), but was '" + tag + "'");
      }
      String name = tag.substring(0, colon);
      String value = tag.substring(colon + 1);
      f = f.and(p -> value.equals(p.tags().get(name)));
    }
    String q = ctx.queryParam("q");
    if (q != null && !q.isBlank()) {
      String needle = q.toLowerCase(Locale.ROOT);
      f = f.and(p -> p.partitionId().toLowerCase(Locale.ROOT).contains(needle));
    }
    return f;
  }
}
