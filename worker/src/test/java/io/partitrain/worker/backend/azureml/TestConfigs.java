package io.partitrain.worker.backend.azureml;

import java.net.URI;

/** Configurations for tests: a made-up subscription, and an endpoint on the loopback address. */
final class TestConfigs {

  static final String SUBSCRIPTION = "00000000-1111-2222-3333-444444444444";
  static final String RESOURCE_GROUP = "test-rg";
  static final String WORKSPACE = "my-aml-workspace";

  private TestConfigs() {}

  static AzureMlConfig.Builder base() {
    return AzureMlConfig.builder()
        .subscriptionId(SUBSCRIPTION)
        .resourceGroup(RESOURCE_GROUP)
        .workspace(WORKSPACE);
  }

  static AzureMlConfig offline() {
    return base().build();
  }

  static AzureMlConfig.Builder against(URI endpoint) {
    return base().armEndpoint(endpoint);
  }
}
