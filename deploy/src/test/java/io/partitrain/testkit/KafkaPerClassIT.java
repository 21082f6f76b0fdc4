package io.partitrain.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaPerClassIT {

  @RegisterExtension static final TestKafka KAFKA = TestKafka.perClass();

  @Test
  void providesAWorkingBrokerAndSaysWhichOne() throws Exception {
    String topic = KAFKA.createTopic(TestKafka.uniqueName("testkit"), 2);

    assertThat(KAFKA.description()).isNotBlank();
    try (Admin admin = Admin.create(KAFKA.clientProperties())) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
      assertThat(
              admin
                  .describeTopics(Set.of(topic))
                  .allTopicNames()
                  .get(30, TimeUnit.SECONDS)
                  .get(topic)
                  .partitions())
          .hasSize(2);
    }
  }
}
