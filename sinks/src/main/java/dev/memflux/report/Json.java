package dev.memflux.report;

/** A tiny JSON writer, enough for the reports (no dependency for forty lines). */
public final class Json {
    private final StringBuilder out = new StringBuilder();
    private boolean needComma;
    private int depth;

    public Json beginObject() {
        comma();
        out.append('{');
        depth++;
        needComma = false;
        return this;
    }

    public Json endObject() {
        depth--;
        newline();
        out.append('}');
        needComma = true;
        return this;
    }

    public Json beginArray() {
        comma();
        out.append('[');
        depth++;
        needComma = false;
        return this;
    }

    public Json endArray() {
        depth--;
        newline();
        out.append(']');
        needComma = true;
        return this;
    }

    public Json name(String name) {
        comma();
        string(name);
        out.append(": ");
        needComma = false;
        return this;
    }

    public Json value(String s) {
        comma();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        needComma = true;
        return this;
    }

    public Json value(long v) {
        comma();
        out.append(v);
        needComma = true;
        return this;
    }

    public Json value(boolean v) {
        comma();
        out.append(v);
        needComma = true;
        return this;
    }

    public Json field(String name, String v) {
        return name(name).value(v);
    }

    public Json field(String name, long v) {
        return name(name).value(v);
    }

    public Json field(String name, boolean v) {
        return name(name).value(v);
    }

    private void comma() {
        if (needComma) {
            out.append(',');
            newline();
        } else if (depth > 0 && out.length() > 0 && (out.charAt(out.length() - 1) == '{' || out.charAt(out.length() - 1) == '[')) {
            newline();
        }
    }

    private void newline() {
        out.append('\n');
        out.append("  ".repeat(Math.max(0, depth)));
    }

    private void string(String s) {
        quote(out, s);
    }

    /** Appends {@code s} as a JSON string literal. */
    static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
