package org.dimse4j.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the JMH allocation gate from surefire ({@code -DskipAllocationGate=true} skips it). Every hot-path benchmark
 * must stay at or below {@link AllocationGate#DEFAULT_LIMIT} B/op, and the gate must catch the deliberately
 * allocating control, or a pass would mean nothing.
 */
class AllocationGateTest
{
    /**
     * Short hot-path benchmark methods in this module (all but the control and PDataFragmentBenchmark); a new one must
     * be counted here so that it cannot slip by.
     */
    private static final int SHORT_HOT_PATH_METHODS = 9;

    /** PDataFragmentBenchmark: 0.5 µs per operation, so 2 s measurement iterations (see AllocationGate.run). */
    private static final long LONG_OPERATION_MEASUREMENT_MILLIS = 2_000;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldFindNoAllocationOnTheHotPath() throws Exception
    {
        final AllocationGate.Timings timings = AllocationGate.Timings.fromSystemProperties();
        final AllocationGate.Report report = AllocationGate.recheckFailures(
            AllocationGate.run(AllocationGate.SHORT_HOT_PATH_INCLUDE, AllocationGate.DEFAULT_LIMIT, timings, System.out),
            timings, LONG_OPERATION_MEASUREMENT_MILLIS, System.out);

        assertEquals(SHORT_HOT_PATH_METHODS, report.readings().size(), report.readings()::toString);
        assertTrue(report.passed(), () -> "allocation on the hot path: " + report.readings());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldFindNoAllocationWhenFragmentingADataSet() throws Exception
    {
        final AllocationGate.Report report = AllocationGate.run(
            "^org\\.dimse4j\\.benchmarks\\.PDataFragmentBenchmark\\.", AllocationGate.DEFAULT_LIMIT,
            AllocationGate.Timings.fromSystemProperties().withMeasurementMillis(LONG_OPERATION_MEASUREMENT_MILLIS),
            System.out);

        assertEquals(1, report.readings().size(), report.readings()::toString);
        assertTrue(report.passed(), () -> "allocation while fragmenting: " + report.readings());
    }

    /** The recheck of a failed reading must not let real allocation through. */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldFailOnTheAllocatingControl() throws Exception
    {
        final AllocationGate.Timings timings = AllocationGate.Timings.fromSystemProperties();
        final AllocationGate.Report report = AllocationGate.recheckFailures(AllocationGate.run(
            "^org\\.dimse4j\\.benchmarks\\.AllocatingControlBenchmark\\.", AllocationGate.DEFAULT_LIMIT, timings,
            System.out), timings, LONG_OPERATION_MEASUREMENT_MILLIS, System.out);

        assertEquals(1, report.readings().size(), report.readings()::toString);
        assertFalse(report.passed(), () -> "the gate let an allocating benchmark pass: " + report.readings());
        assertTrue(report.readings().get(0).bytesPerOp() >= 16.0, report.readings()::toString);
    }
}
