package io.c360.ops;

import static org.apache.commons.text.StringEscapeUtils.escapeHtml4;

import java.util.List;

/**
 * The little HTML the run report needs; every text that reaches the page goes through commons-text's
 * {@link org.apache.commons.text.StringEscapeUtils#escapeHtml4}.
 */
final class Html {
    private Html() {}

    /** A table row: its cells as plain text, and a CSS class for the row (empty for none). */
    record TableRow(List<String> cells, String cssClass) {
        TableRow(List<String> cells) {
            this(cells, "");
        }
    }

    static String table(List<String> headings, List<TableRow> rows) {
        StringBuilder html = new StringBuilder("<table><thead><tr>");
        headings.forEach(h -> html.append("<th>").append(escapeHtml4(h)).append("</th>"));
        html.append("</tr></thead><tbody>");
        for (TableRow row : rows) {
            html.append(row.cssClass().isEmpty() ? "<tr>" : "<tr class=\"" + escapeHtml4(row.cssClass()) + "\">");
            row.cells().forEach(c -> html.append("<td>").append(escapeHtml4(c)).append("</td>"));
            html.append("</tr>");
        }
        return html.append("</tbody></table>").toString();
    }
}
