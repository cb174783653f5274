package dev.memflux.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuantitiesTest {
    @Test
    void sizesAre1024BasedWhateverTheSpelling() {
        assertEquals(500L << 20, Quantities.size("500MB"));
        assertEquals(500L << 20, Quantities.size("500MiB"));
        assertEquals(500L << 20, Quantities.size("500 mb"));
        assertEquals(3L << 29, Quantities.size("1.5GiB"));
        assertEquals(20L << 10, Quantities.size("20k"));
        assertEquals(4096, Quantities.size("4096"));
        assertEquals(4096, Quantities.size("4096B"));
    }

    @Test
    void countsAre1000Based() {
        assertEquals(20_000, Quantities.count("20k"));
        assertEquals(1_500_000, Quantities.count("1.5M"));
        assertEquals(130, Quantities.count("130"));
    }

    @Test
    void nonsenseIsRefusedWithExamples() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantities.size("12XB"));
        assertEquals("'12XB' is not a size (examples: 4096, 20k, 500MB, 1.5GiB)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Quantities.count("20kB"));
        assertThrows(IllegalArgumentException.class, () -> Quantities.size("-5MB"));
        assertThrows(IllegalArgumentException.class, () -> Quantities.size("99999999999TB"));
    }

    @Test
    void tolerancesArePercentagesOrAmounts() {
        Tolerance ten = Tolerance.parse("10%");
        assertEquals(110, ten.allowed(Figure.PEAK, 100));
        assertEquals(0, ten.allowed(Figure.PEAK, 0));
        Tolerance twoMb = Tolerance.parse("+2MB");
        assertEquals(100 + (2 << 20), twoMb.allowed(Figure.LEAKED, 100));
        assertFalse(twoMb.appliesTo(Figure.ALLOCATIONS));
        assertTrue(Tolerance.parse("+20").appliesTo(Figure.ALLOCATIONS));
        assertEquals(120, Tolerance.parse("+20").allowed(Figure.ALLOCATIONS, 100));
        assertThrows(IllegalArgumentException.class, () -> Tolerance.parse("10"));
        assertThrows(IllegalArgumentException.class, () -> Tolerance.parse("-5%"));
    }

    @Test
    void scopeGlobsMatchTheEndOfAPathOrAFunctionName() {
        Scope file = Scope.parse("file:etl/*.py");
        assertTrue(file.matches("f", "/repo/etl/load.py"));
        assertTrue(file.matches("f", "etl/load.py"));
        assertFalse(file.matches("f", "/repo/etl/sub/load.py"));
        assertFalse(file.matches("f", "/repo/netl/load.py"));
        assertTrue(Scope.parse("file:repo/**/load.py").matches("f", "/x/repo/etl/sub/load.py"));
        Scope function = Scope.parse("function:load_*");
        assertTrue(function.matches("load_table", "/a.py"));
        assertFalse(function.matches("reload_table", "/a.py"));
        assertEquals(2, Scope.parse("thread:2").thread());
        assertFalse(Scope.parse("thread:2").matches("f", "/a.py"), "a thread scope is not decided by frames");
        assertThrows(IllegalArgumentException.class, () -> Scope.parse("thread:0"));
        assertThrows(IllegalArgumentException.class, () -> Scope.parse("thread:main"));
        assertThrows(IllegalArgumentException.class, () -> Scope.parse("file:"));
    }
}
