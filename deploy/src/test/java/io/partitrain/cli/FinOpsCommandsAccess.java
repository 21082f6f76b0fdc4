package io.partitrain.cli;

import io.partitrain.shared.contracts.FinOpsRecord;
import java.util.List;

/** Lets tests of other packages see how {@code finops events} shows an event. */
public final class FinOpsCommandsAccess {

  private FinOpsCommandsAccess() {}

  public static String detail(FinOpsRecord.CapEvent e) {
    return FinOpsCommands.detail(e);
  }

  public static String eventsJson(List<FinOpsRecord.CapEvent> events) {
    return FinOpsCommands.eventsJson(events);
  }
}
