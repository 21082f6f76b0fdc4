package io.partitrain.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The plan the README shows under {@code # deploy/examples/weekly-demand/plan.yml} is that file,
 * key for key (issue 23, item 9: the README showed a {@code budget:} section the file does not
 * have). Comments and layout may differ; keys and values may not.
 */
class ReadmeExamplePlanTest {

  private static final Path README = Path.of("..", "README.md");
  private static final Path PLAN = Path.of("examples", "weekly-demand", "plan.yml");

  @Test
  void theReadmesExamplePlanIsTheExampleFile() throws Exception {
    String readme = Files.readString(README);
    Matcher m =
        Pattern.compile(
                "```yaml\\n# deploy/examples/weekly-demand/plan\\.yml\\n(.*?)```", Pattern.DOTALL)
            .matcher(readme);
    assertThat(m.find()).as("the README shows the example plan").isTrue();
    YAMLMapper yaml = new YAMLMapper();
    JsonNode shown = yaml.readTree(m.group(1));
    JsonNode file = yaml.readTree(Files.readString(PLAN));
    assertThat(shown).isEqualTo(file);
  }
}
