package dev.memflux.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which frames are tests: a function name glob and a glob over the file's name.
 * The default is pytest's: {@code test*} in {@code test_*.py} or {@code *_test.py}.
 */
public record TestPattern(Pattern function, Pattern fileName) {
    public static TestPattern of(String functionGlob, String fileGlob) {
        return new TestPattern(Pattern.compile(Scope.regex(functionGlob)), Pattern.compile(alternatives(fileGlob)));
    }

    private static String alternatives(String globs) {
        List<String> parts = new ArrayList<>();
        for (String g : globs.split(",")) {
            parts.add("(?:" + Scope.regex(g.trim()) + ")");
        }
        return String.join("|", parts);
    }

    public boolean matches(String function, String file) {
        int slash = file.lastIndexOf('/');
        return function.length() > 0 && this.function.matcher(function).matches()
                && fileName.matcher(file.substring(slash + 1)).matches();
    }
}

