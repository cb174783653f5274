package dev.memflux.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The scripts and styles the HTML reports inline: d3 and uPlot from their WebJars (on the
 * class path, versions as the build resolved them) and the reports' own files. A page
 * must never reach the network, and should not even name it: the libraries' license
 * headers lose their URLs (the notices stay), and the XML namespace names d3 carries
 * (identifiers, never fetched) have their scheme spelled with a JavaScript escape.
 */
final class WebAssets {
    private WebAssets() {}

    static String d3() {
        return library("d3", "dist/d3.min.js");
    }

    static String uplot() {
        return library("uplot", "dist/uPlot.iife.min.js");
    }

    static String uplotCss() {
        return library("uplot", "dist/uPlot.min.css");
    }

    /** The libraries' license texts, for the page's closing comment. */
    static String licenses() {
        return "d3 " + version("d3") + ":\n" + library("d3", "LICENSE") + "\nuPlot " + version("uplot") + ":\n"
                + library("uplot", "LICENSE");
    }

    /** One of the reports' own files, under {@code dev/memflux/report/html/}. */
    static String own(String name) {
        return read("dev/memflux/report/html/" + name);
    }

    private static String library(String artifact, String path) {
        String text = read("META-INF/resources/webjars/" + artifact + "/" + version(artifact) + "/" + path);
        String offline = text.replace("\"http://", "\"htt\\x70://").replaceAll("https?://", "");
        if (offline.contains("--!>") || offline.contains("</script") || offline.contains("</style")) {
            throw new IllegalStateException(artifact + "/" + path + " cannot be inlined in a page as it is");
        }
        return offline;
    }

    private static String version(String artifact) {
        Properties p = new Properties();
        try (InputStream in = resource("META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version").trim();
    }

    private static String read(String path) {
        try (InputStream in = resource(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = WebAssets.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("memflux was built without " + path);
        }
        return in;
    }
}
