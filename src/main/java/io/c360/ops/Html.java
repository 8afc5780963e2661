package io.c360.ops;

import java.util.List;

/** The little HTML the run report needs; every text that reaches the page goes through {@link #escape}. */
final class Html {
    private Html() {}

    /** A table row: its cells as plain text, and a CSS class for the row (empty for none). */
    record TableRow(List<String> cells, String cssClass) {
        TableRow(List<String> cells) {
            this(cells, "");
        }
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String table(List<String> headings, List<TableRow> rows) {
        StringBuilder html = new StringBuilder("<table><thead><tr>");
        headings.forEach(h -> html.append("<th>").append(escape(h)).append("</th>"));
        html.append("</tr></thead><tbody>");
        for (TableRow row : rows) {
            html.append(row.cssClass().isEmpty() ? "<tr>" : "<tr class=\"" + escape(row.cssClass()) + "\">");
            row.cells().forEach(c -> html.append("<td>").append(escape(c)).append("</td>"));
            html.append("</tr>");
        }
        return html.append("</tbody></table>").toString();
    }
}
