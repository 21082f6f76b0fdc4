package io.partitrain.shared.kafka;

import io.partitrain.shared.PartitrainException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Checks at start-up that the cluster runs Kafka transactions, which the orchestrator needs (each
 * round's decisions and consumed offsets commit in one transaction), and refuses with a message
 * that names the likely cause: on Azure Event Hubs a tier without transactions (only Premium and
 * Dedicated offer them, in preview), elsewhere the transaction log settings or the principal's
 * grant. It uses its own transactional id ({@link KafkaAcls#probeTransactionalId}), so a standby
 * starting up never fences the leader's producer.
 */
public final class TransactionProbe {

  /** How long the probe waits for the transaction coordinator. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private TransactionProbe() {}

  /**
   * @throws PartitrainException if transactions do not work, with the cause and the fix
   */
  public static void requireTransactions(KafkaSettings kafka, Duration timeout) {
    requireTransactions(kafka, timeout, props -> new KafkaProducer<String, byte[]>(props));
  }

  static void requireTransactions(
      KafkaSettings kafka,
      Duration timeout,
      Function<Map<String, Object>, Producer<String, byte[]>> producers) {
    String txId = KafkaAcls.probeTransactionalId(kafka.topics());
    Map<String, Object> props = new HashMap<>(kafka.producer("partitrain-transaction-probe", txId));
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
    try (Producer<String, byte[]> p = producers.apply(props)) {
      p.initTransactions();
      p.beginTransaction();
      p.commitTransaction();
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      // Another instance probing at the same moment took over the probe's id: the coordinator
      // answered, so transactions work.
    } catch (TransactionalIdAuthorizationException e) {
      throw new PartitrainException(
          "Kafka transactions are refused on "
              + kafka.bootstrapServers()
              + ": this principal may not use transactional id '"
              + txId
              + "'; grant it as deploy/kafka/partitrain-acls.sh does (KafkaAcls, role ORCHESTRATOR)",
          e);
    } catch (UnsupportedVersionException e) {
      throw new PartitrainException(tierMessage(kafka, e), e);
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new PartitrainException(
          "Kafka transactions did not start within "
              + timeout.toSeconds()
              + " s on "
              + kafka.bootstrapServers()
              + " (no transaction coordinator answered). "
              + tierHint()
              + " On a self-managed cluster, check transaction.state.log.replication.factor and"
              + " transaction.state.log.min.isr against the number of brokers.",
          e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new PartitrainException(tierMessage(kafka, e), e);
    }
  }

  private static String tierMessage(KafkaSettings kafka, Exception e) {
    return "Kafka transactions do not work on "
        + kafka.bootstrapServers()
        + " ("
        + e.getClass().getSimpleName()
        + ": "
        + e.getMessage()
        + "). The orchestrator commits every decision and the offsets it consumed in one"
        + " transaction and cannot run without them. "
        + tierHint();
  }

  private static String tierHint() {
    return "On Azure Event Hubs, transactions need a Premium or Dedicated namespace (in preview);"
        + " Basic and Standard do not offer them (see docs/kafka.md).";
  }
}
