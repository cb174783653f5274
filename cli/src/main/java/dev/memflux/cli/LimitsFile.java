package dev.memflux.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.memflux.gate.Figure;
import dev.memflux.gate.Limit;
import dev.memflux.gate.Scope;
import dev.memflux.gate.Tolerance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A project's limits, kept in its repository as TOML: a file people edit and review, with
 * comments saying why a limit is what it is (JSON has none), in the format Python projects
 * already keep their tool settings in (pyproject.toml). Example:
 *
 * <pre>
 * peak = "500MiB"              # the whole program
 * leaked = "10MiB"
 * tolerance = "10%"            # against --baseline
 * [where."file:etl/*.py"]      # a scope
 * peak = "300MiB"
 * [tests]                      # with --per-test: each test
 * peak = "50MiB"
 * [tests."test_load_*"]        # tests whose function matches
 * peak = "200MiB"
 * </pre>
 */
record LimitsFile(List<Limit> limits, Tolerance tolerance, Map<Figure, Long> testDefaults,
                  Map<String, Map<Figure, Long>> testOverrides) {

    static LimitsFile empty() {
        return new LimitsFile(List.of(), null, Map.of(), Map.of());
    }

    /** Reads {@code file}; an IllegalArgumentException names the file and what is wrong. */
    static LimitsFile read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid TOML: " + e.getOriginalMessage());
        }
        try {
            List<Limit> limits = new ArrayList<>();
            Tolerance tolerance = null;
            Map<Figure, Long> testDefaults = new EnumMap<>(Figure.class);
            Map<String, Map<Figure, Long>> testOverrides = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (key.equals("tolerance")) {
                    tolerance = Tolerance.parse(e.getValue().asText());
                } else if (key.equals("where")) {
                    for (Iterator<Map.Entry<String, JsonNode>> w = e.getValue().fields(); w.hasNext(); ) {
                        Map.Entry<String, JsonNode> scoped = w.next();
                        Scope scope = Scope.parse(scoped.getKey());
                        figures(scoped.getValue(), "where.\"" + scoped.getKey() + "\"")
                                .forEach((f, max) -> limits.add(new Limit(f, scope, max)));
                    }
                } else if (key.equals("tests")) {
                    for (Iterator<Map.Entry<String, JsonNode>> t = e.getValue().fields(); t.hasNext(); ) {
                        Map.Entry<String, JsonNode> entry = t.next();
                        if (entry.getValue().isObject()) {
                            testOverrides.put(entry.getKey(), figures(entry.getValue(), "tests.\"" + entry.getKey() + "\""));
                        } else {
                            testDefaults.put(figure(entry.getKey(), "tests"), figure(entry.getKey(), "tests")
                                    .parse(entry.getValue().asText()));
                        }
                    }
                } else {
                    Figure f = figure(key, "the top level");
                    limits.add(new Limit(f, Scope.ALL, f.parse(e.getValue().asText())));
                }
            }
            return new LimitsFile(limits, tolerance, testDefaults, testOverrides);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    private static Map<Figure, Long> figures(JsonNode table, String where) {
        if (!table.isObject()) {
            throw new IllegalArgumentException(where + " must be a table of limits (peak = \"100MiB\")");
        }
        Map<Figure, Long> figures = new EnumMap<>(Figure.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Figure f = figure(e.getKey(), where);
            figures.put(f, f.parse(e.getValue().asText()));
        }
        return figures;
    }

    private static Figure figure(String key, String where) {
        Figure f = Figure.named(key);
        if (f == null) {
            throw new IllegalArgumentException("unknown key '" + key + "' in " + where
                    + " (expected peak, leaked, allocated, allocations, tolerance, [where.\"SCOPE\"] or [tests])");
        }
        return f;
    }
}
