package io.c360.workbench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.Progress;
import io.c360.access.Masking;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.ops.Pipeline;
import io.c360.test.SampleLake;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The workbench driven in headless Chromium on a copy of the sample lake, as a steward would: two review
 * decisions, a split, a short audit; then the lake holds what the page said and a silver run obeys it.
 * Screenshots of the three screens go to {@code -Dc360.screenshots=DIR} (the docs' are made that way),
 * else under target/.
 */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class WorkbenchBrowserTest {
    private static final String STEWARD = "Test Steward";
    /** A short audit that still has room for one pair of each stratum. */
    private static final int AUDIT_SIZE = 10;

    private static final Duration WAIT = Duration.ofSeconds(180);

    @TempDir
    Path home;

    private record Pair(String left, String right) {
        boolean shares(Pair other) {
            return Set.of(left, right).stream().anyMatch(k -> k.equals(other.left) || k.equals(other.right));
        }
    }

    @Test
    void aStewardReviewsSplitsAndAuditsAndSilverObeys() throws IOException {
        Assumptions.assumeTrue(
                Chromium.installed(), "Debian's chromium and chromium-driver are not installed; .ci/run installs them");
        SampleLake.Site site = SampleLake.copy(home.resolve("site"));
        Lake lake = site.lake();
        Path shots = Path.of(System.getProperty("c360.screenshots", "target/workbench-screenshots"));
        Files.createDirectories(shots);

        Pair matched;
        Pair separated;
        Split split;
        try (Workbench workbench = Workbench.start(
                "127.0.0.1",
                0,
                Optional.empty(),
                new Desk(lake, site.config(), Masking.forConfig(lake, site.config()), login -> "steward").routes())) {
            ChromeDriver browser = Chromium.start(home.resolve("profile"), 1280, 1000);
            try {
                WebDriverWait wait = new WebDriverWait(browser, WAIT);
                // The page re-renders the review pane as decisions land: an element read mid-render is
                // read again on the next poll.
                wait.ignoring(StaleElementReferenceException.class);
                wait.withMessage(() -> "the page says: "
                        + browser.findElement(By.id("message")).getText() + "; focus on "
                        + browser.switchTo().activeElement().getAttribute("id"));
                browser.get(workbench.url() + "#review");

                // First visit: the page asks who is reviewing.
                WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("identify-name")));
                name.sendKeys(STEWARD, Keys.ENTER);
                wait.until(ExpectedConditions.textToBe(By.id("steward-name"), STEWARD));

                // Review: a match by keyboard, then a non-match by button on a pair sharing no record with it.
                matched = shownPair(browser, wait);
                assertTrue(
                        browser.findElements(By.cssSelector("#waterfall tr.step"))
                                        .size()
                                >= 2,
                        "prior and comparisons");
                assertFalse(browser.findElement(By.id("match-weight")).getText().isBlank());
                assertTrue(browser.findElements(By.cssSelector("#review-records .record"))
                                .size()
                        == 2);
                screenshot(browser, shots.resolve("workbench-review.png"));
                browser.switchTo().activeElement().sendKeys("m");
                Pair next = nextPair(browser, wait, matched);
                while (next.shares(matched)) {
                    browser.switchTo().activeElement().sendKeys("s");
                    next = nextPair(browser, wait, next);
                }
                separated = next;
                browser.findElement(By.id("review-comment")).sendKeys("different birth dates");
                browser.findElement(By.id("decide-non-match")).click();
                wait.until(d -> d.findElements(By.cssSelector("#changes tbody tr[data-change]"))
                                .size()
                        >= 2);
                String changes = browser.findElement(By.id("changes")).getText();
                assertTrue(changes.contains(STEWARD), changes);
                assertTrue(changes.contains(separated.left()) && changes.contains(matched.left()), changes);

                // Customer: find one by its id, split one record off.
                Set<String> reviewed = Set.of(matched.left(), matched.right(), separated.left(), separated.right());
                split = splittable(lake, reviewed);
                browser.findElement(By.id("nav-customer")).click();
                WebElement query = wait.until(ExpectedConditions.elementToBeClickable(By.id("search-query")));
                query.sendKeys(split.customerId(), Keys.ENTER);
                wait.until(ExpectedConditions.textToBePresentInElementLocated(
                        By.id("customer-heading"), split.customerId()));
                List<WebElement> boxes = browser.findElements(By.cssSelector("#customer-records input[type=checkbox]"));
                assertEquals(split.records().size(), boxes.size(), "every record of the customer is listed");
                assertFalse(browser.findElement(By.id("golden")).getText().isBlank(), "the golden record");
                boxes.stream()
                        .filter(b -> split.record().equals(b.getAttribute("value")))
                        .findFirst()
                        .orElseThrow()
                        .click();
                browser.findElement(By.id("split-reason")).sendKeys("two people in one household");
                screenshot(browser, shots.resolve("workbench-customer.png"));
                browser.findElement(By.id("split-button")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Split recorded"));
                assertTrue(browser.findElement(By.id("message")).getText().contains("c360 run --stage silver"));

                // Audit: a short sample judged without the model's verdict, then the estimates.
                browser.findElement(By.id("nav-audit")).click();
                WebElement size = wait.until(ExpectedConditions.elementToBeClickable(By.id("audit-size")));
                size.clear();
                size.sendKeys(Integer.toString(AUDIT_SIZE));
                browser.findElement(By.id("audit-start")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("audit-item")));
                // The test answers as an honest steward would: from the generator's truth.
                Map<String, String> person = truth(site.landing());
                int answered = 0;
                while (browser.findElement(By.id("audit-item")).isDisplayed()) {
                    assertTrue(answered < AUDIT_SIZE, "the audit ends after its items");
                    String shown = browser.findElement(By.id("audit-item")).getAttribute("data-item");
                    assertTrue(
                            browser.findElements(By.cssSelector("#screen-audit #waterfall"))
                                    .isEmpty(),
                            "no evidence");
                    String items = browser.findElement(By.id("audit-records")).getText();
                    assertFalse(items.contains("probability"), "no probability: " + items);
                    List<WebElement> pair = browser.findElements(By.cssSelector("#audit-records .record"));
                    String l = person.get(pair.get(0).getAttribute("data-record-key"));
                    String r = person.get(pair.get(1).getAttribute("data-record-key"));
                    browser.switchTo().activeElement().sendKeys(l != null && l.equals(r) ? "m" : "n");
                    answered++;
                    wait.until(d -> !d.findElement(By.id("audit-item")).isDisplayed()
                            || !shown.equals(d.findElement(By.id("audit-item")).getAttribute("data-item")));
                }
                wait.until(ExpectedConditions.attributeToBe(By.id("audit-heading"), "data-status", "complete"));
                WebElement precision =
                        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("estimate-precision")));
                assertTrue(precision.getText().contains("95 % interval"), precision.getText());
                assertFalse(browser.findElements(By.cssSelector("#audit-strata tbody tr"))
                        .isEmpty());
                screenshot(browser, shots.resolve("workbench-audit.png"));
            } finally {
                browser.quit();
            }
        }

        // The lake holds the decisions with the steward's name, and the audit's estimates.
        lake.registerAll();
        Dataset<Row> decisions =
                lake.read(TableCatalog.STEWARD_DECISIONS).filter(col("steward").equalTo(STEWARD));
        assertEquals(Set.of(sorted(matched)), decided(decisions, "match"), "the one match");
        Set<Pair> nonMatches = decided(decisions, "non_match");
        assertTrue(nonMatches.contains(sorted(separated)), "the review's non-match: " + nonMatches);
        for (String other : split.records()) {
            if (!other.equals(split.record())) {
                assertTrue(nonMatches.contains(sorted(new Pair(split.record(), other))), "the split: " + nonMatches);
            }
        }
        Row audit = lake.read(TableCatalog.ACCURACY_AUDITS)
                .filter(col("steward").equalTo(STEWARD).and(col("status").equalTo("complete")))
                .first();
        assertEquals(AUDIT_SIZE, audit.<Integer>getAs("size"));
        assertTrue(audit.getAs("precision") != null, "the audit's precision estimate is stored");

        // The next silver run obeys them.
        new Pipeline(lake, site.config(), Progress.silent(), site.gold())
                .run(List.of(Pipeline.Stage.silver), SampleLake.AS_OF, false);
        lake.registerAll();
        Map<String, String> customer = lake.read(TableCatalog.CUSTOMER_ID_MAP).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
        assertEquals(customer.get(matched.left()), customer.get(matched.right()), "the match pair is one customer");
        assertNotEquals(
                customer.get(separated.left()), customer.get(separated.right()), "the non-match pair is two customers");
        for (String other : split.records()) {
            if (!other.equals(split.record())) {
                assertNotEquals(customer.get(split.record()), customer.get(other), "the split record is on its own");
            }
        }
    }

    /** The generator's truth: record key (source:record_id) to person. */
    private static Map<String, String> truth(Path landing) {
        return SparkExtension.session()
                .read()
                .option("header", "true")
                .csv(landing.resolve("_truth").toString() + "/truth_*.csv")
                .select(concat_ws(":", col("source"), col("record_id")), col("person_id"))
                .collectAsList()
                .stream()
                .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1), (a, b) -> a));
    }

    /** The whole page (up to a height a reader can take in), from the top. */
    private static void screenshot(ChromeDriver browser, Path file) throws IOException {
        browser.executeScript("window.scrollTo(0, 0)");
        Object height = browser.executeScript("return document.documentElement.scrollHeight");
        Dimension before = browser.manage().window().getSize();
        browser.manage()
                .window()
                .setSize(new Dimension(before.getWidth(), Math.min(((Number) height).intValue() + 200, 1800)));
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(before);
    }

    private static Pair sorted(Pair p) {
        return p.left().compareTo(p.right()) <= 0 ? p : new Pair(p.right(), p.left());
    }

    /** The pairs decided so, each as (smaller key, larger key). */
    private static Set<Pair> decided(Dataset<Row> decisions, String decision) {
        Set<Pair> pairs = new HashSet<>();
        for (Row r : decisions.filter(col("decision").equalTo(decision)).collectAsList()) {
            String l = r.getAs("record_key_l");
            String rk = r.getAs("record_key_r");
            pairs.add(sorted(new Pair(l, rk)));
        }
        return pairs;
    }

    private static Pair shownPair(ChromeDriver browser, WebDriverWait wait) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("review-pair")));
        return wait.until(d -> {
            List<WebElement> records = d.findElements(By.cssSelector("#review-records .record"));
            return records.size() == 2
                    ? new Pair(
                            records.get(0).getAttribute("data-record-key"),
                            records.get(1).getAttribute("data-record-key"))
                    : null;
        });
    }

    private static Pair nextPair(ChromeDriver browser, WebDriverWait wait, Pair before) {
        wait.until(d -> {
            List<WebElement> records = d.findElements(By.cssSelector("#review-records .record"));
            return records.size() == 2
                    && !new Pair(
                                    records.get(0).getAttribute("data-record-key"),
                                    records.get(1).getAttribute("data-record-key"))
                            .equals(before);
        });
        return shownPair(browser, wait);
    }

    private record Split(String customerId, List<String> records, String record) {}

    /**
     * A customer of at least two records, none of them reviewed above, and one of its records whose
     * identity (signature) no other record of the customer shares: splitting it off can separate it.
     */
    private static Split splittable(Lake lake, Set<String> reviewed) {
        Dataset<Row> records = lake.read(TableCatalog.CUSTOMER_ID_MAP)
                .join(lake.read(TableCatalog.IDENTITY_RECORDS).select("record_key", "signature"), "record_key");
        Dataset<Row> customers = records.groupBy("customer_id")
                .agg(count("*").as("n"), countDistinct("signature").as("identities"))
                .filter(col("identities").geq(2))
                .orderBy(col("n"), col("customer_id"));
        for (Row c : customers.limit(50).collectAsList()) {
            String id = c.getString(0);
            List<Row> rows = records.filter(col("customer_id").equalTo(id)).collectAsList();
            List<String> keys =
                    rows.stream().map(r -> r.<String>getAs("record_key")).toList();
            if (keys.stream().anyMatch(reviewed::contains)) {
                continue;
            }
            Map<String, Long> perSignature = rows.stream()
                    .collect(Collectors.groupingBy(r -> r.<String>getAs("signature"), Collectors.counting()));
            for (Row r : rows) {
                if (perSignature.get(r.<String>getAs("signature")) == 1) {
                    return new Split(id, keys, r.getAs("record_key"));
                }
            }
        }
        throw new AssertionError("the sample lake has no customer to split");
    }
}
