package io.c360.ops;

import static org.apache.commons.text.StringEscapeUtils.escapeHtml4;

import java.util.List;
import java.util.Locale;

/**
 * A horizontal bar chart as inline SVG: one row per bar, label on the left, count on the right.
 * Horizontal so that labels of any length (bins, sizes, segment names) stay readable without rotation.
 */
final class BarChart {
    private static final int LABEL_WIDTH = 170;
    private static final int BAR_AREA = 420;
    private static final int COUNT_WIDTH = 90;
    private static final int ROW = 20;
    private static final int BAR = 14;
    private static final int MAX_LABEL = 24;

    private BarChart() {}

    record Bar(String label, long value) {}

    /** An {@code <svg id="{id}" class="chart">} with one {@code rect.bar} per bar, scaled to the largest value. */
    static String svg(String id, String title, List<Bar> bars) {
        long max = bars.stream().mapToLong(Bar::value).max().orElse(0);
        int width = LABEL_WIDTH + BAR_AREA + COUNT_WIDTH;
        int height = bars.size() * ROW + 4;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">",
                escapeHtml4(id),
                width,
                height,
                width,
                height));
        svg.append("<title>").append(escapeHtml4(title)).append("</title>");
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int y = i * ROW + 2;
            double length = max == 0 ? 0 : (double) BAR_AREA * bar.value() / max;
            String tooltip = escapeHtml4(bar.label() + ": " + String.format(Locale.ROOT, "%,d", bar.value()));
            svg.append(String.format(
                    Locale.ROOT,
                    "<g><text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
                            + "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>%s</title></rect>"
                            + "<text class=\"count\" x=\"%.1f\" y=\"%d\">%,d</text></g>",
                    LABEL_WIDTH - 6,
                    y + BAR - 2,
                    escapeHtml4(shortened(bar.label())),
                    LABEL_WIDTH,
                    y,
                    length,
                    BAR,
                    tooltip,
                    LABEL_WIDTH + length + 4,
                    y + BAR - 2,
                    bar.value()));
        }
        return svg.append("</svg>").toString();
    }

    private static String shortened(String label) {
        return label.length() <= MAX_LABEL ? label : label.substring(0, MAX_LABEL - 1) + "…";
    }
}
