package io.partitrain.orchestrator.console;

import io.partitrain.orchestrator.console.api.command.CommandGateway;
import io.partitrain.orchestrator.console.view.ConsoleReader;
import io.partitrain.orchestrator.console.view.ConsoleSnapshot;
import io.partitrain.orchestrator.console.view.RunsFold;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The console's read side and command gateway without a broker: events are folded directly, and
 * every command is answered at once the way the leader would accept it.
 */
final class FakeLeader implements ConsoleReader, CommandGateway {

  private final RunsFold fold = new RunsFold();
  private final Map<String, RunEvent.Answer> answers = new ConcurrentHashMap<>();
  final List<RunCommand> sent = new CopyOnWriteArrayList<>();
  private volatile ConsoleSnapshot snapshot = ConsoleSnapshot.EMPTY;

  synchronized FakeLeader apply(RunEvent... events) {
    for (RunEvent e : events) {
      fold.apply(e);
    }
    snapshot = fold.snapshot(Instant.now());
    return this;
  }

  synchronized FakeLeader apply(FinOpsRecord... records) {
    for (FinOpsRecord r : records) {
      fold.apply(r);
    }
    snapshot = fold.snapshot(Instant.now());
    return this;
  }

  @Override
  public ConsoleSnapshot snapshot() {
    return snapshot;
  }

  @Override
  public boolean caughtUp() {
    return true;
  }

  @Override
  public Optional<RunEvent.Answer> awaitAnswer(String commandId, Duration timeout) {
    return Optional.ofNullable(answers.get(commandId));
  }

  @Override
  public void send(String key, RunCommand c) {
    sent.add(c);
    Instant at = Instant.now();
    RunEvent.Answer answer;
    if (c instanceof RunCommand.RerunFailed r) {
      answer =
          new RunEvent.RerunAccepted(
              Schema.VERSION, r.runId(), r.commandId(), r.requestedBy(), r.reason(), List.of(), at);
    } else if (c instanceof RunCommand.CancelRun r) {
      answer =
          new RunEvent.CancelAccepted(
              Schema.VERSION, r.runId(), r.commandId(), r.requestedBy(), r.reason(), at);
    } else if (c instanceof RunCommand.SetCostCap r) {
      answer =
          new RunEvent.CostCapChanged(
              Schema.VERSION,
              r.runId(),
              r.commandId(),
              r.requestedBy(),
              r.reason(),
              BigDecimal.ONE,
              r.to(),
              at);
    } else if (c instanceof RunCommand.SetNodeCap r) {
      answer =
          new RunEvent.NodeCapChanged(
              Schema.VERSION,
              r.runId(),
              r.commandId(),
              r.requestedBy(),
              r.reason(),
              r.computeTarget(),
              null,
              r.nodes(),
              at);
    } else if (c instanceof RunCommand.StartRun r) {
      answer =
          new RunEvent.RunStarted(
              Schema.VERSION,
              r.runId(),
              r.definition(),
              r.partitions().size(),
              r.commandId(),
              r.requestedBy(),
              at);
    } else if (c instanceof RunCommand.ApplySchedule r) {
      answer =
          new RunEvent.ScheduleApplied(
              Schema.VERSION,
              r.runId(),
              r.definition().planName(),
              r.schedule(),
              r.definition(),
              r.partitions(),
              r.commandId(),
              r.requestedBy(),
              at);
    } else if (c instanceof RunCommand.SetSchedulePaused r) {
      answer =
          new RunEvent.SchedulePauseChanged(
              Schema.VERSION,
              r.runId(),
              r.planName(),
              r.paused(),
              r.commandId(),
              r.requestedBy(),
              r.reason(),
              at);
    } else {
      answer = new RunEvent.CommandRejected(Schema.VERSION, c.runId(), c.commandId(), "no", at);
    }
    apply((RunEvent) answer);
    answers.put(c.commandId(), answer);
  }
}
