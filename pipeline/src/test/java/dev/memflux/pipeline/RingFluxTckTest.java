package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.testng.ITestResult;
import org.testng.TestListenerAdapter;
import org.testng.TestNG;

/** Runs {@link RingFluxVerification} (TestNG) and fails with every rule it broke. */
class RingFluxTckTest {
    @Test
    void ringFluxPassesTheReactiveStreamsPublisherTck() {
        TestNG testng = new TestNG(false);
        testng.setTestClasses(new Class<?>[] {RingFluxVerification.class});
        testng.setVerbose(0);
        TestListenerAdapter results = new TestListenerAdapter();
        testng.addListener(results);
        testng.run();

        List<String> failed = results.getFailedTests().stream()
                .map(r -> r.getName() + ": " + r.getThrowable())
                .collect(Collectors.toList());
        System.out.println("TCK: " + results.getPassedTests().size() + " passed, " + results.getSkippedTests().size()
                + " skipped (" + names(results.getSkippedTests()) + ")");
        assertEquals(List.of(), failed);
        // Only rules that are optional (RingFlux has one subscriber) or that the TCK cannot test may be skipped.
        List<String> requiredSkipped = results.getSkippedTests().stream().map(ITestResult::getName)
                .filter(name -> !name.startsWith("optional_") && !name.startsWith("untested_"))
                .collect(Collectors.toList());
        assertEquals(List.of(), requiredSkipped);
        assertTrue(results.getPassedTests().size() >= 26, "only " + results.getPassedTests().size() + " TCK rules passed");
    }

    private static String names(List<ITestResult> results) {
        return results.stream().map(ITestResult::getName).collect(Collectors.joining(", "));
    }
}
