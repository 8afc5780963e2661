package io.c360.lake;

import io.c360.C360Exception;
import java.util.List;

/** A lake table addressed as {@code layer.name}, e.g. {@code bronze.crm_contacts}: the same name in CLI, SQL and docs. */
public record TableName(String layer, String name) {
    public static final List<String> LAYERS = List.of("bronze", "silver", "gold", "ops");

    public TableName {
        if (!LAYERS.contains(layer)) {
            throw new C360Exception(
                    "unknown layer '" + layer + "' in table " + layer + "." + name + "; expected one of " + LAYERS);
        }
        if (!name.matches("_?[a-z][a-z0-9_]*")) {
            throw new C360Exception("invalid table name '" + name + "'; expected lower-case letters, digits and _");
        }
    }

    public static TableName bronze(String name) {
        return new TableName("bronze", name);
    }

    public static TableName silver(String name) {
        return new TableName("silver", name);
    }

    public static TableName gold(String name) {
        return new TableName("gold", name);
    }

    public static TableName ops(String name) {
        return new TableName("ops", name);
    }

    @Override
    public String toString() {
        return layer + "." + name;
    }
}
