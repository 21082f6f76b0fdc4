package io.partitrain.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EntraIdLoginCallbackHandlerTest {

  @Test
  void theScopeIsTheEventHubsNamespaceOfTheFirstBootstrapServer() {
    assertThat(EntraIdLoginCallbackHandler.scopeFor("contoso.servicebus.windows.net:9093"))
        .isEqualTo("https://contoso.servicebus.windows.net/.default");
    assertThat(
            EntraIdLoginCallbackHandler.scopeFor(
                List.of("contoso.servicebus.windows.net:9093", "other:9093")))
        .isEqualTo("https://contoso.servicebus.windows.net/.default");
  }
}
