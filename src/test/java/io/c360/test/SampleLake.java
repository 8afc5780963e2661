package io.c360.test;

import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.gold.GoldDefinitions;
import io.c360.lake.Lake;
import io.c360.ops.Pipeline;
import io.c360.synth.GeneratorSettings;
import io.c360.synth.SyntheticSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * One generated lake per test JVM: 200 persons (seed 11) run once through bronze, silver and gold
 * with the shipped configuration plus two test segments that hold every consented customer
 * ({@code everyone_email}, {@code everyone_sms}). A pipeline run costs far more than copying its
 * folders, so tests that read a finished lake share this one, and tests that change a lake work on
 * a {@link #copy} (Delta tables refer to their files relatively, so a copied folder is the same table).
 */
public final class SampleLake {
    public static final Instant AS_OF = Instant.parse("2026-11-02T00:00:00Z");
    public static final int PERSONS = 200;
    public static final long SEED = 11;

    /** A lake under {@code home} and its landing folder, with the configuration pointing at them. */
    public record Site(Path home, Path landing, C360Config config, Lake lake, GoldDefinitions gold) {}

    private static Site template;
    private static Pipeline.Outcome templateRun;

    private SampleLake() {}

    /** The shared lake; read it, never change it. */
    public static synchronized Site shared() {
        if (template == null) {
            try {
                Path home = Files.createTempDirectory("c360-sample-lake");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(home)));
                SyntheticSources.generate(
                        GeneratorSettings.defaults(PERSONS, SEED), home.resolve("landing"), Progress.silent());
                Site site = site(SparkExtension.session(), home);
                templateRun = new Pipeline(site.lake(), site.config(), Progress.silent(), site.gold())
                        .run(List.of(Pipeline.Stage.values()), AS_OF, false);
                template = site;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return template;
    }

    /** The run that built the shared lake. */
    public static synchronized Pipeline.Outcome sharedRun() {
        shared();
        return templateRun;
    }

    /** A private copy of the shared lake and its landing folder under {@code home} (which must be empty or absent). */
    public static Site copy(Path home) {
        Site source = shared();
        copyTree(source.landing(), home.resolve("landing"));
        copyTree(source.home().resolve("lake"), home.resolve("lake"));
        Site copy = site(SparkExtension.session(), home);
        copy.lake().registerAll(); // the session's table names pointed at whichever lake registered them last
        return copy;
    }

    /** Configuration, lake and gold definitions (shipped plus the two test segments) for a lake and landing folder under {@code home}. */
    public static Site site(SparkSession spark, Path home) {
        return site(spark, home, home.resolve("landing"));
    }

    /** As {@link #site(SparkSession, Path)}, reading the given landing folder. */
    public static Site site(SparkSession spark, Path home, Path landing) {
        C360Config config = C360Config.load(Path.of(C360Config.DEFAULT_FILE))
                .withLocations(home.resolve("lake").toString(), landing.toString());
        GoldDefinitions shipped = GoldDefinitions.load(config.requireGoldFolder());
        List<GoldDefinitions.Segment> segments = new ArrayList<>(shipped.segments());
        segments.add(new GoldDefinitions.Segment(
                "everyone_email", "test: every customer", "marketing", Optional.of("email"), "true"));
        segments.add(new GoldDefinitions.Segment(
                "everyone_sms", "test: every customer", "marketing", Optional.of("sms"), "true"));
        return new Site(
                home,
                landing,
                config,
                new Lake(spark, config.lakeRoot()),
                new GoldDefinitions(shipped.folder(), shipped.tables(), segments));
    }

    /** Copies a folder tree (files keep their modification times, which VACUUM reads). */
    public static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + from + " to " + to, e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover temp folder is harmless
        }
    }
}
