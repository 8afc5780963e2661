package io.c360.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.silver.SilverFigures;
import io.c360.test.SparkExtension;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The HTML run report: charts from tiny silver and gold tables, escaping, missing tables, and a render in Chromium. */
@ExtendWith(SparkExtension.class)
@Tag("cluster")
class RunReportTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final long CHROMIUM_TIMEOUT_SECONDS = 60;
    private static final String RUN_ID = "20250301T060000Z-ab12";

    private final SparkSession spark;

    @TempDir
    Path home;

    RunReportTest(SparkSession spark) {
        this.spark = spark;
    }

    /** Writes scored pairs, a customer id map (sizes 1, 1, 2 and 12) and accuracy audits. */
    private Lake lakeWithSilverAndGold(C360Config config) {
        Lake lake = new Lake(spark, config.lakeRoot());
        StructType pairs = new StructType().add("match_probability", DataTypes.DoubleType);
        lake.append(
                TableCatalog.SCORED_PAIRS,
                spark.createDataFrame(
                        List.of(
                                RowFactory.create(0.01),
                                RowFactory.create(0.02),
                                RowFactory.create(0.51),
                                RowFactory.create(0.97),
                                RowFactory.create(1.0),
                                RowFactory.create((Object) null)),
                        pairs));

        List<Row> map = new ArrayList<>(List.of(
                RowFactory.create("crm:1", "C1"),
                RowFactory.create("crm:2", "C2"),
                RowFactory.create("crm:3", "C3"),
                RowFactory.create("web:3", "C3")));
        for (int i = 0; i < 12; i++) {
            map.add(RowFactory.create("web:big" + i, "C4"));
        }
        StructType idMap =
                new StructType().add("record_key", DataTypes.StringType).add("customer_id", DataTypes.StringType);
        lake.append(TableCatalog.CUSTOMER_ID_MAP, spark.createDataFrame(map, idMap));

        lake.append(
                TableCatalog.ACCURACY_AUDITS,
                spark.createDataFrame(
                        List.of(
                                audit("complete", "2025-02-27T10:00:00Z", 0.91),
                                audit("complete", "2025-02-28T10:00:00Z", 0.962),
                                audit("open", "2025-03-01T09:00:00Z", null)),
                        TableCatalog.ACCURACY_AUDITS_SCHEMA));
        return lake;
    }

    /** An accuracy audit's event: an open audit has no estimates. */
    private static Row audit(String status, String at, Double precision) {
        return RowFactory.create(
                "audit-" + at.substring(0, 10),
                status,
                "ann",
                Timestamp.from(Instant.parse(at)),
                60,
                7L,
                0.5,
                precision == null ? 0 : 60,
                List.of(RowFactory.create("rule", "precision", 120L, 40, 38, 2, 0)),
                precision,
                precision == null ? null : precision - 0.04,
                precision == null ? null : precision + 0.02,
                precision == null ? null : 55.0,
                precision == null ? null : 0.8,
                precision == null ? null : 0.7,
                precision == null ? null : 0.88,
                precision == null ? null : 20.0);
    }

    /** Silver's figures measured from the lake, and the segment sizes gold published. */
    private static RunReport.Charts charts(Lake lake) {
        Map<String, Long> segments = new LinkedHashMap<>();
        segments.put("churn_risk <b>", 15L);
        segments.put("high_value", 40L);
        segments.put("empty_segment", 0L);
        return new RunReport.Charts(SilverFigures.measure(lake), Optional.of(segments));
    }

    private C360Config config() {
        return SampleRuns.config(home, Map.of("crm_contacts", Optional.empty()));
    }

    @Test
    void drawsTheChartsAndEscapesText() throws IOException {
        C360Config config = config();
        Lake lake = lakeWithSilverAndGold(config);

        Path report = Path.of(RunReport.write(lake, config, SampleRuns.succeeded(RUN_ID), charts(lake)));

        assertEquals(Path.of(config.reportsRoot(), "run-" + RUN_ID + ".html"), report);
        String html = Files.readString(report);
        assertEquals(
                html,
                Files.readString(Path.of(config.reportsRoot(), "latest.html")),
                "latest.html is this run's report");
        assertEquals(20, bars(html, "match-probability-histogram"), "20 probability bins");
        assertTrue(
                html.contains("<title>0.00 &ndash; 0.05: 2</title>")
                        && html.contains("<title>0.95 &ndash; 1.00: 2</title>"),
                "probability 1 falls in the last bin, null is not counted");
        assertEquals(11, bars(html, "cluster-size-distribution"));
        assertTrue(
                html.contains("<title>1 record: 2</title>") && html.contains("<title>&gt; 10 records: 1</title>"),
                html);
        assertEquals(3, bars(html, "segment-sizes"), "every declared segment, an empty one too");
        assertTrue(
                html.indexOf("high_value") < html.indexOf("churn_risk &lt;b&gt;"),
                "the largest segment first, names escaped");
        assertTrue(
                html.contains("different_national_id: 10.2 % of 5,810 pairs disagree"), "a contradicted rule is shown");
        assertTrue(html.contains("completeness 0.82 &lt;script&gt;alert('x')&lt;/script&gt;"));
        assertFalse(html.contains("<script"), "no script element at all");
        assertTrue(html.contains("<tr class=\"failed\">"), "the failed warning check is highlighted");
        assertTrue(html.contains("<tr class=\"stale\">"), "the stale source is highlighted");
        assertTrue(
                html.contains("<td>audit-2025-02-28</td><td>2025-02-28T10:00:00Z</td><td>ann</td><td>60 of 60</td>"
                        + "<td>0.962 (0.922 to 0.982)</td><td>0.800 (0.700 to 0.880)</td>"),
                "the newest completed audit is shown: " + html.substring(html.indexOf("accuracy-audit")));
    }

    @Test
    void saysWhichTablesAreNotWrittenYet() throws IOException {
        C360Config config = config();
        Lake lake = new Lake(spark, config.lakeRoot());

        String html = Files.readString(Path.of(RunReport.write(
                lake,
                config,
                SampleRuns.failed("run-2"),
                new RunReport.Charts(SilverFigures.measure(lake), Optional.empty()))));

        assertTrue(html.contains("not available (table silver.scored_pairs not written yet)"));
        assertTrue(html.contains("not available (table silver.customer_id_map not written yet)"));
        assertTrue(html.contains("not available (gold did not publish in this run)"));
        assertTrue(html.contains("no accuracy audit yet"));
        assertTrue(html.contains("<pre class=\"failure\">silver: identity.yaml: unknown key 'emial'</pre>"));
        assertFalse(html.contains("<svg"));
    }

    @Test
    void rendersInHeadlessChromium() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM),
                "Debian's chromium is not installed (/usr/bin/chromium); .ci/run installs it (apt-get install -y chromium)");
        C360Config config = config();
        Lake lake = lakeWithSilverAndGold(config);
        Path report = Path.of(RunReport.write(lake, config, SampleRuns.succeeded(RUN_ID), charts(lake)));

        String dom = chromium("--dump-dom", report.toUri().toString());
        for (String chart : List.of("match-probability-histogram", "cluster-size-distribution", "segment-sizes")) {
            assertTrue(dom.contains("<svg id=\"" + chart + "\""), "rendered DOM holds the chart " + chart);
        }
        assertTrue(dom.contains(RUN_ID), "rendered DOM names the run");
        assertFalse(dom.contains("<script"), "the escaped message did not become a script element");

        Path png = home.resolve("report.png");
        chromium(
                "--window-size=1200,3000", "--screenshot=" + png, report.toUri().toString());
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "chromium wrote a PNG");
        assertTrue(
                barPixels(image) > 2_000, "the bars are painted (pixels of the bar colour: " + barPixels(image) + ")");
    }

    private static int bars(String html, String chartId) {
        Matcher chart = Pattern.compile("<svg id=\"" + chartId + "\".*?</svg>").matcher(html);
        assertTrue(chart.find(), "chart " + chartId);
        return (int) Pattern.compile("<rect class=\"bar\"")
                .matcher(chart.group())
                .results()
                .count();
    }

    /** Pixels of the bars' fill (#3b6ea5). */
    private static int barPixels(BufferedImage image) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == 0x3B6EA5) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Runs headless chromium on a fresh profile, offline, and returns its standard output. */
    private String chromium(String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(home, "chromium-profile");
        Path out = home.resolve("chromium.out");
        Path err = home.resolve("chromium.err");
        List<String> command = new ArrayList<>(List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Process chromium = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!chromium.waitFor(CHROMIUM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            chromium.descendants().forEach(ProcessHandle::destroyForcibly);
            chromium.destroyForcibly();
            fail("chromium did not finish within " + CHROMIUM_TIMEOUT_SECONDS + " s: " + command);
        }
        assertEquals(0, chromium.exitValue(), "chromium failed: " + Files.readString(err));
        return Files.readString(out);
    }
}
