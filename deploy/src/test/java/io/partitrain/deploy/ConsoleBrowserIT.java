package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.kafka;
import static io.partitrain.deploy.RunScenario.runEvents;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.cli.CliCommands;
import io.partitrain.cli.client.RunClient;
import io.partitrain.orchestrator.console.Console;
import io.partitrain.orchestrator.console.ConsoleConfig;
import io.partitrain.orchestrator.console.TestIdentityProvider;
import io.partitrain.orchestrator.console.auth.LocalTokenAuthenticator;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.testkit.TestKafka;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real headless Chromium (Debian's, installed by {@code .ci/install-browser.sh}):
 * an operator signs in with an Entra-style token, watches a run complete, reruns its failures; a
 * FinOps analyst raises the cap; a viewer is refused. The rerun's {@code requestedBy} on the runs
 * topic is the token's subject. Screenshots go to {@code target/screenshots/}.
 */
@Timeout(300)
class ConsoleBrowserIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  @TempDir Path heldDir;
  @TempDir Path profile;

  private static final String STUDIO = "https://ml.azure.com/runs/";

  @Test
  void operatorRerunsFailuresFinOpsRaisesTheCapViewerIsRefused() throws Exception {
    requireBrowser();
    KafkaSettings kafka = kafka(BROKER);
    SimulatedBackend cloud = ConsoleIT.backend();
    // Its jobs report a Studio page as Azure ML jobs do; the job pane links to the reported one.
    cloud.linkToStudio(STUDIO);
    try (TestIdentityProvider entra = TestIdentityProvider.start("contoso");
        LocalStack stack = ConsoleIT.stack(kafka, cloud);
        RunClient client = new RunClient(kafka, "it")) {
      Console console =
          stack.startConsole(
              ConsoleConfig.ephemeral(),
              ConsoleIT.jwtOrLocal(entra, LocalTokenAuthenticator.generate()),
              Optional.empty());
      client.send(
          CliCommands.startCommand(
              ConsoleIT.budgetPlan(dir, 12), "run-b", "scheduler", Instant.now()),
          Duration.ofSeconds(60));
      // A second run that its cap holds back for good: it waits on its budget (issue 23: the page
      // said SUCCEEDED and greyed out Cancel).
      client.send(
          CliCommands.startCommand(
              ConsoleIT.heldPlan(heldDir), "run-w", "scheduler", Instant.now()),
          Duration.ofSeconds(60));
      WebDriver browser = chromium();
      try {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.get(console.url().toString());

        // An operator signs in and watches the run complete with its two broken stores failed.
        signIn(
            browser,
            wait,
            entra.token("oid-olga", "Olga Operator", List.of("Partitrain.Operator")));
        wait.until(
                ExpectedConditions.elementToBeClickable(
                    By.cssSelector("#runs tr[data-run='run-b'] a")))
            .click();
        wait.until(ExpectedConditions.textToBe(By.id("run-outcome"), "FAILED"));
        assertThat(browser.getCurrentUrl()).doesNotContain("oid-olga").doesNotContain("eyJ");
        wait.until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#state-counts [data-state='FAILED']"), "2"));
        browser.findElement(By.cssSelector("#state-counts [data-state='FAILED']")).click();
        wait.until(d -> rows(d).size() == 2);
        assertThat(rows(browser))
            .extracting(r -> r.getAttribute("data-partition"))
            .containsExactlyInAnyOrderElementsOf(ConsoleIT.BROKEN);
        assertThat(browser.getCurrentUrl()).contains("state=FAILED");
        String opened = rows(browser).get(0).getAttribute("data-partition");
        rows(browser).get(0).click();
        wait.until(
            ExpectedConditions.textToBePresentInElementLocated(By.id("job-history"), "FAILED"));
        WebElement studio =
            wait.until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#job-log-link a")));
        assertThat(studio.getAttribute("href")).isEqualTo(STUDIO + JobNames.of("run-b", opened, 1));
        assertThat(studio.getText()).isEqualTo("Open in Azure ML Studio");
        screenshot(browser, "1-run-failed-as-operator");

        // The run held by its money cap: the badge in the DOM says so, and it can be canceled.
        browser.get(console.url() + "#/runs/run-w");
        wait.until(ExpectedConditions.textToBe(By.id("run-outcome"), "WAITING_ON_BUDGET"));
        assertThat(browser.findElement(By.id("run-outcome")).getAttribute("class"))
            .contains("WAITING_ON_BUDGET")
            .doesNotContain("SUCCEEDED");
        assertThat(browser.findElement(By.id("run-meta")).getText()).doesNotContain("completed");
        assertThat(browser.findElement(By.id("btn-cancel")).isEnabled()).isTrue();
        screenshot(browser, "1b-run-waiting-on-budget");
        browser.get(console.url() + "#/runs/run-b");
        wait.until(ExpectedConditions.textToBe(By.id("run-outcome"), "FAILED"));

        // The data is repaired; the operator reruns the failures with a reason.
        ConsoleIT.BROKEN.forEach(cloud::repair);
        browser.findElement(By.id("btn-rerun")).click();
        browser.findElement(By.id("action-reason")).sendKeys("store data repaired");
        browser.findElement(By.id("action-submit")).click();
        wait.until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("action-result"), "RerunAccepted"));
        assertThat(browser.findElement(By.id("action-result")).getText()).contains("oid-olga");
        browser.findElement(By.cssSelector("a[href='#/']")).click();
        wait.until(
                ExpectedConditions.elementToBeClickable(
                    By.cssSelector("#runs tr[data-run='run-b'] a")))
            .click();
        wait.until(ExpectedConditions.textToBe(By.id("run-outcome"), "SUCCEEDED"));
        screenshot(browser, "2-rerun-succeeded");

        // On the runs topic: the rerun names the token's subject, not anything the page sent.
        RunEvent.RerunAccepted rerun =
            runEvents(kafka).stream()
                .filter(e -> e instanceof RunEvent.RerunAccepted r && r.runId().equals("run-b"))
                .map(RunEvent.RerunAccepted.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(rerun.requestedBy()).isEqualTo("oid-olga (Olga Operator)");
        assertThat(rerun.reason()).isEqualTo("store data repaired");
        assertThat(rerun.partitionIds()).containsExactlyInAnyOrderElementsOf(ConsoleIT.BROKEN);

        // A FinOps analyst raises the cap; the timeline shows who and why.
        signOut(browser, wait);
        signIn(
            browser, wait, entra.token("oid-fiona", "Fiona FinOps", List.of("Partitrain.FinOps")));
        wait.until(ExpectedConditions.textToBe(By.id("run-outcome"), "SUCCEEDED"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("btn-raise-cap"))).click();
        // The dialog starts from the current cap (the plan's 1.00), not from an empty field.
        assertThat(
                new java.math.BigDecimal(
                    browser.findElement(By.id("action-amount")).getAttribute("value")))
            .isEqualByComparingTo("1.00");
        browser.findElement(By.id("action-amount")).clear();
        browser.findElement(By.id("action-amount")).sendKeys("2.50");
        browser.findElement(By.id("action-reason")).sendKeys("Q4 promotion stores");
        browser.findElement(By.id("action-submit")).click();
        wait.until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("action-result"), "CostCapChanged"));
        wait.until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#cap-events li[data-type='CostCapChanged']"), "oid-fiona"));
        assertThat(
                browser
                    .findElement(By.cssSelector("#cap-events li[data-type='CostCapChanged']"))
                    .getText())
            .contains("Q4 promotion stores")
            .contains("2.5");
        assertThat(browser.findElements(By.cssSelector("#cost-chart path.spent"))).hasSize(1);
        ((JavascriptExecutor) browser)
            .executeScript("document.getElementById('cost').scrollIntoView()");
        screenshot(browser, "3-cap-raised-as-finops");
        // The answer belongs to run-b: another run's page does not show it.
        browser.get(console.url() + "#/runs/run-w");
        wait.until(ExpectedConditions.textToBe(By.id("run-outcome"), "WAITING_ON_BUDGET"));
        assertThat(browser.findElement(By.id("action-result")).getText()).isEmpty();
        browser.get(console.url() + "#/runs/run-b");
        wait.until(ExpectedConditions.textToBe(By.id("run-outcome"), "SUCCEEDED"));

        // A viewer sees the run but may do nothing: buttons off, and the API refuses with 403.
        signOut(browser, wait);
        String viewer = entra.token("oid-victor", "Victor Viewer", List.of("Partitrain.Viewer"));
        signIn(browser, wait, viewer);
        wait.until(ExpectedConditions.textToBe(By.id("run-outcome"), "SUCCEEDED"));
        assertThat(browser.findElement(By.id("btn-rerun")).isEnabled()).isFalse();
        assertThat(browser.findElement(By.id("btn-raise-cap")).isEnabled()).isFalse();
        wait.until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("cost-summary"), "finops role"));
        Object status =
            ((JavascriptExecutor) browser)
                .executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                        + "fetch('/api/v1/runs/run-b/cap/raise', {method: 'POST', headers: {"
                        + "'Authorization': 'Bearer ' + sessionStorage.getItem('partitrain.token'),"
                        + "'Content-Type': 'application/json'}, body: JSON.stringify({to: '9', reason: 'x'})})"
                        + ".then(r => r.json().then(b => done(r.status + ' ' + b.detail)));");
        assertThat(String.valueOf(status)).startsWith("403").contains("finops");
        screenshot(browser, "4-viewer-refused");
      } finally {
        browser.quit();
      }
    }
  }

  private static List<WebElement> rows(WebDriver d) {
    return d.findElements(By.cssSelector("#partitions tbody tr"));
  }

  private static void signIn(WebDriver browser, WebDriverWait wait, String token) {
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(token);
    browser.findElement(By.id("sign-in")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-out")));
  }

  private static void signOut(WebDriver browser, WebDriverWait wait) {
    browser.findElement(By.id("sign-out")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
  }

  private WebDriver chromium() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile.toAbsolutePath());
    // The driver is given, so Selenium Manager has nothing to look up or download.
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  private static void screenshot(WebDriver browser, String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /** On CI the browser must be there (.ci/run installs it); elsewhere say how to get it. */
  private static void requireBrowser() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(
          "CI=true but "
              + CHROMIUM
              + " or "
              + CHROMEDRIVER
              + " is missing: .ci/run should have run"
              + " .ci/install-browser.sh");
    }
    Assumptions.assumeTrue(
        present,
        "the browser test needs Debian's chromium and chromium-driver: run .ci/install-browser.sh");
  }
}
