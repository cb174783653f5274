package dev.memflux.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium (.ci/run installs it), offline: the DOM a page has once its
 * scripts ran, as a user's browser would show it.
 */
final class Chromium {
    private static final String BINARY = "/usr/bin/chromium";

    private Chromium() {}

    /** The page's DOM after its scripts ran (virtual time: no wall-clock wait). */
    static String dumpDom(Path page, Path profile) throws IOException, InterruptedException {
        return run(page, profile, "--dump-dom");
    }

    /** A screenshot of the page, for a person to look at. */
    static void screenshot(Path page, Path profile, Path png) throws IOException, InterruptedException {
        run(page, profile, "--screenshot=" + png, "--window-size=1400,1000");
    }

    private static String run(Path page, Path profile, String... what) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BINARY, "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
        command.addAll(List.of(what));
        command.add(page.toUri().toString());
        Path out = Files.createTempFile(profile.getParent(), "chromium-", ".out");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish rendering " + page + " in 120 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + p.exitValue() + " on " + page);
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
