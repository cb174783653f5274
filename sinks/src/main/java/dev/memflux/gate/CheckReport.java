package dev.memflux.gate;

import dev.memflux.report.Json;
import dev.memflux.report.Location;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verdicts of {@code memflux check} written for people (one line each, then the top
 * contributors), for machines (JSON), for CI systems (JUnit XML) and for GitHub's
 * workflow annotations.
 *
 * @param verdicts in the order checked
 * @param base the directory file names are written relative to (the repository, for annotations)
 */
public record CheckReport(List<Verdict> verdicts, Path base) {
    public boolean passed() {
        return verdicts.stream().allMatch(Verdict::passed);
    }

    public long failures() {
        return verdicts.stream().filter(v -> !v.passed()).count();
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        for (Verdict v : verdicts) {
            out.append(v.line()).append('\n');
        }
        List<Verdict> explained = new ArrayList<>();
        for (Verdict v : verdicts) {
            if (!v.passed() && v.location() == null && explained.stream().noneMatch(e -> sameFigure(e, v))) {
                explained.add(v);
            }
        }
        if (explained.isEmpty() && !verdicts.isEmpty()) {
            explained.add(verdicts.get(0));
        }
        for (Verdict v : explained) {
            if (v.top().isEmpty()) {
                continue;
            }
            out.append("\ntop contributors to ").append(v.figure().key);
            if (v.scope().kind() != Scope.Kind.ALL) {
                out.append(" of ").append(v.scope());
            }
            if (!v.subject().isEmpty()) {
                out.append(" in ").append(v.subject());
            }
            out.append(":\n");
            for (ScopeFigures.Contribution c : v.top()) {
                out.append(String.format("  %12s  %s%n", v.figure().format(c.value()), c.location()));
            }
        }
        out.append('\n').append(passed() ? "all " + verdicts.size() + " limits hold"
                : failures() + " of " + verdicts.size() + " limits exceeded").append('\n');
        return out.toString();
    }

    private static boolean sameFigure(Verdict a, Verdict b) {
        return a.subject().equals(b.subject()) && a.figure() == b.figure() && a.scope().equals(b.scope());
    }

    public String json() {
        Json j = new Json().beginObject()
                .field("passed", passed())
                .field("checked", verdicts.size())
                .field("failed", failures())
                .name("verdicts").beginArray();
        for (Verdict v : verdicts) {
            j.beginObject()
                    .field("subject", v.subject())
                    .field("figure", v.figure().key)
                    .field("scope", v.scope().toString())
                    .field("passed", v.passed())
                    .field("value", v.actual());
            if (v.isNew()) {
                j.field("new", true);
            } else {
                j.field("max", v.max());
            }
            if (v.baseline() >= 0) {
                j.field("baseline", v.baseline());
            }
            if (v.tolerance() != null) {
                j.field("tolerance", v.tolerance().toString());
            }
            if (v.location() != null) {
                j.name("location");
                location(j, v.location());
            }
            j.field("message", v.line());
            j.name("top").beginArray();
            for (ScopeFigures.Contribution c : v.top()) {
                j.beginObject().field("value", c.value());
                j.name("location");
                location(j, c.location());
                j.endObject();
            }
            j.endArray().endObject();
        }
        return j.endArray().endObject().toString() + "\n";
    }

    private void location(Json j, Location l) {
        j.beginObject().field("function", l.function()).field("file", file(l)).field("line", l.line());
        if (l.nativeFrame()) {
            j.field("native", true);
        }
        j.endObject();
    }

    /**
     * JUnit XML (testsuites/testsuite/testcase/failure, as Surefire writes it). With
     * {@code casePerSubject} each subject (a test of the suite) is one case, failing with
     * its exceeded limits; otherwise each verdict is one case.
     */
    public String junit(boolean casePerSubject) {
        Map<String, List<Verdict>> cases = new LinkedHashMap<>();
        for (Verdict v : verdicts) {
            String name = casePerSubject ? v.subject() : (v.subject().isEmpty() ? "" : v.subject() + ": ") + v.name();
            cases.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
        }
        long failed = cases.values().stream().filter(l -> l.stream().anyMatch(v -> !v.passed())).count();
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<testsuites name=\"memflux check\" tests=\"").append(cases.size()).append("\" failures=\"")
                .append(failed).append("\">\n");
        x.append("  <testsuite name=\"memflux check\" tests=\"").append(cases.size()).append("\" failures=\"")
                .append(failed).append("\" errors=\"0\" skipped=\"0\">\n");
        for (Map.Entry<String, List<Verdict>> c : cases.entrySet()) {
            x.append("    <testcase classname=\"memflux\" name=\"").append(xml(c.getKey())).append('"');
            List<Verdict> failing = c.getValue().stream().filter(v -> !v.passed()).toList();
            if (failing.isEmpty()) {
                x.append("/>\n");
                continue;
            }
            StringBuilder body = new StringBuilder();
            for (Verdict v : failing) {
                body.append(v.line()).append('\n');
            }
            x.append(">\n      <failure type=\"memflux.LimitExceeded\" message=\"").append(xml(failing.get(0).line()))
                    .append("\">").append(xml(body.toString())).append("</failure>\n    </testcase>\n");
        }
        return x.append("  </testsuite>\n</testsuites>\n").toString();
    }

    private static String xml(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        out.append(c);
                    } else {
                        out.append("&#x").append(Integer.toHexString(c)).append(';'); // not well-formed otherwise
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * GitHub Actions workflow commands: an error annotation for each exceeded limit, at
     * the moving location or the top contributor, a notice for the others.
     */
    public String github() {
        StringBuilder out = new StringBuilder();
        for (Verdict v : verdicts) {
            Location at = v.location() != null ? v.location() : v.top().isEmpty() ? null : v.top().get(0).location();
            out.append(v.passed() ? "::notice " : "::error ");
            // a native frame without a line is a library, not a file of the repository
            if (at != null && at != Location.UNKNOWN && (at.line() > 0 || !at.nativeFrame())) {
                out.append("file=").append(property(file(at))).append(",line=").append(at.line()).append(',');
            }
            out.append("title=").append(property("memflux " + v.figure().key)).append("::")
                    .append(data(v.line())).append('\n');
        }
        return out.toString();
    }

    private static String data(String s) {
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    private static String property(String s) {
        return data(s).replace(":", "%3A").replace(",", "%2C");
    }

    private String file(Location l) {
        return relative(l.file(), base);
    }

    /** A file under {@code base} as a relative path (what annotations and CI logs link); others as they are. */
    public static String relative(String file, Path base) {
        try {
            Path p = Path.of(file);
            if (p.isAbsolute() && base != null && p.startsWith(base)) {
                return base.relativize(p).toString();
            }
        } catch (java.nio.file.InvalidPathException e) {
            // "<string>", "<frozen ...>": not a path
        }
        return file;
    }
}
