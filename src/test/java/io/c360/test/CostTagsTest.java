package io.c360.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Every test class carries exactly one cost tag, so that a group ({@code mvn test -Dgroups=unit})
 * runs all the tests of its cost and an untagged class cannot silently drop out of every group:
 * <ul>
 *   <li>{@code unit}: plain Java, no Spark session (starting one alone costs more than all of these);
 *   <li>{@code spark}: small tables built in the test, on the shared Spark session;
 *   <li>{@code pipeline}: runs bronze, silver or gold, or builds a lake;
 *   <li>{@code cluster}: starts servers or processes beside the test JVM (Spark cluster, S3, Thrift, Chromium).
 * </ul>
 */
@Tag("unit")
class CostTagsTest {
    private static final Set<String> COST_TAGS = Set.of("unit", "spark", "pipeline", "cluster");

    @Test
    void everyTestClassHasOneCostTag() throws IOException, URISyntaxException, ClassNotFoundException {
        List<Class<?>> testClasses = testClasses();
        assertFalse(testClasses.isEmpty(), "no test classes found beside " + CostTagsTest.class.getName());
        Set<String> wrong = new TreeSet<>();
        for (Class<?> c : testClasses) {
            List<String> cost = costTags(c);
            if (cost.size() != 1) {
                wrong.add(c.getName() + " has " + cost);
            } else if (cost.contains("unit") && usesSpark(c)) {
                wrong.add(c.getName() + " is tagged unit but uses the Spark session");
            }
        }
        assertEquals(Set.of(), wrong, "each test class needs exactly one of the tags " + COST_TAGS);
    }

    /** Classes in the test output folder that declare a JUnit test method of any kind. */
    private static List<Class<?>> testClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(CostTagsTest.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> names;
        try (Stream<Path> files = Files.walk(root)) {
            names = files.map(root::relativize)
                    .map(Path::toString)
                    .filter(f -> f.endsWith(".class"))
                    .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.'))
                    .toList();
        }
        ClassLoader loader = CostTagsTest.class.getClassLoader();
        List<Class<?>> classes = new ArrayList<>();
        for (String name : names) {
            Class<?> c = Class.forName(name, false, loader);
            if (Arrays.stream(c.getDeclaredMethods()).anyMatch(CostTagsTest::isTest)) {
                classes.add(c);
            }
        }
        return classes;
    }

    /** {@code @Test}, {@code @ParameterizedTest}, {@code @RepeatedTest}, {@code @TestFactory}: all are {@link Testable}. */
    private static boolean isTest(Method m) {
        return AnnotationSupport.isAnnotated(m, Testable.class);
    }

    private static boolean usesSpark(Class<?> c) {
        return AnnotationSupport.findRepeatableAnnotations(c, ExtendWith.class).stream()
                .anyMatch(e -> Arrays.asList(e.value()).contains(SparkExtension.class));
    }

    /** The cost tags of a class, counting those of the classes it is nested in (JUnit applies them too). */
    private static List<String> costTags(Class<?> c) {
        List<String> tags = new ArrayList<>();
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            AnnotationSupport.findRepeatableAnnotations(k, Tag.class).stream()
                    .map(Tag::value)
                    .filter(COST_TAGS::contains)
                    .forEach(tags::add);
        }
        return tags;
    }
}
