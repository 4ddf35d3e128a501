package org.dimse4j.benchmarks;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Zero-allocation gate: runs the benchmarks matching a regex with JMH's GC profiler and fails if any allocates more
 * than a limit per operation ({@code gc.alloc.rate.norm}, B/op).
 * <p>
 * Zero-allocation code does not read exactly 0: JMH's own allocations are spread over all operations (about 1e-4
 * B/op with the default timings), while one 16-byte array per operation reads 32 B/op. The default limit of
 * {@value #DEFAULT_LIMIT} B/op leaves a margin of more than 30x over that noise and still catches one small
 * allocation every 1,600 operations.
 * <pre>
 *  java -cp benchmarks/target/benchmarks.jar org.dimse4j.benchmarks.AllocationGate \
 *      '^org\.dimse4j\.benchmarks\.(?!AllocatingControlBenchmark)' 0.01
 * </pre>
 * Timings come from system properties {@value #WARMUP_ITERATIONS_PROP} (default 2), {@value #WARMUP_MILLIS_PROP}
 * (500), {@value #MEASUREMENT_ITERATIONS_PROP} (3) and {@value #MEASUREMENT_MILLIS_PROP} (500): about 4 s per
 * benchmark method on 2 cores, one fork each. Benchmarks with operations of 0.5 µs or more need
 * {@code -Ddimse4j.gate.measurementMillis=2000} to stay clear of JMH's own allocation. Exit status: 0 pass, 1 over the limit (or nothing matched), 2 usage.
 */
public final class AllocationGate
{
    /** Default limit in bytes per operation. */
    public static final double DEFAULT_LIMIT = 0.01;

    /** Regex of every hot-path benchmark: the whole package except the allocating negative control. */
    public static final String HOT_PATH_INCLUDE = "^org\\.dimse4j\\.benchmarks\\.(?!AllocatingControlBenchmark\\.)";

    /**
     * Regex of the hot-path benchmarks whose operations are short (under about 100 ns): all but the control and
     * {@link PDataFragmentBenchmark} (about 0.5 µs per PDU), which needs longer iterations (see
     * {@link #run(String, double, Timings, PrintStream)}).
     */
    public static final String SHORT_HOT_PATH_INCLUDE =
        "^org\\.dimse4j\\.benchmarks\\.(?!AllocatingControlBenchmark\\.|PDataFragmentBenchmark\\.)";

    /** System property: warm-up iterations. */
    public static final String WARMUP_ITERATIONS_PROP = "dimse4j.gate.warmupIterations";
    /** System property: warm-up iteration time in milliseconds. */
    public static final String WARMUP_MILLIS_PROP = "dimse4j.gate.warmupMillis";
    /** System property: measurement iterations. */
    public static final String MEASUREMENT_ITERATIONS_PROP = "dimse4j.gate.measurementIterations";
    /** System property: measurement iteration time in milliseconds. */
    public static final String MEASUREMENT_MILLIS_PROP = "dimse4j.gate.measurementMillis";

    /** Result key of {@link GCProfiler} in JMH 1.37. */
    static final String ALLOC_RATE_NORM = "gc.alloc.rate.norm";
    /** The same key in older JMH releases. */
    static final String ALLOC_RATE_NORM_OLD = "\u00b7gc.alloc.rate.norm";

    private AllocationGate()
    {
    }

    /**
     * One benchmark's reading.
     *
     * @param benchmark     the benchmark method (with parameters, if any).
     * @param bytesPerOp    {@code gc.alloc.rate.norm}, NaN if the profiler gave none.
     * @param passed        true if at or below the limit.
     */
    public record Reading(String benchmark, double bytesPerOp, boolean passed)
    {
        @Override
        public String toString()
        {
            return String.format("%-80s %12.6f B/op  %s", benchmark, bytesPerOp, passed ? "PASS" : "FAIL");
        }
    }

    /**
     * The outcome of one gate run.
     *
     * @param readings one per benchmark run.
     * @param limit    the limit applied, B/op.
     */
    public record Report(List<Reading> readings, double limit)
    {
        /**
         * @return true if at least one benchmark ran and none exceeded the limit.
         */
        public boolean passed()
        {
            return !readings.isEmpty() && readings.stream().allMatch(Reading::passed);
        }
    }

    /**
     * Iteration counts and times of a gate run; one fork, one thread.
     *
     * @param warmupIterations      warm-up iterations.
     * @param warmupMillis          time of each warm-up iteration.
     * @param measurementIterations measurement iterations.
     * @param measurementMillis     time of each measurement iteration.
     */
    public record Timings(int warmupIterations, long warmupMillis, int measurementIterations, long measurementMillis)
    {
        /**
         * @return the timings given by the {@code dimse4j.gate.*} system properties, default 2 x 500 ms warm-up and
         * 3 x 500 ms measurement.
         */
        public static Timings fromSystemProperties()
        {
            return new Timings(
                Integer.getInteger(WARMUP_ITERATIONS_PROP, 2),
                Long.getLong(WARMUP_MILLIS_PROP, 500L),
                Integer.getInteger(MEASUREMENT_ITERATIONS_PROP, 3),
                Long.getLong(MEASUREMENT_MILLIS_PROP, 500L));
        }

        /**
         * @param millis time of each measurement iteration.
         * @return these timings with another measurement time.
         */
        public Timings withMeasurementMillis(final long millis)
        {
            return new Timings(warmupIterations, warmupMillis, measurementIterations, millis);
        }
    }

    /**
     * Runs the gate with {@link Timings#fromSystemProperties()}.
     *
     * @param include regex of benchmarks to run (JMH include syntax: found anywhere in the benchmark name).
     * @param limit   largest acceptable {@code gc.alloc.rate.norm}, B/op.
     * @param out     where to print one line per benchmark and the verdict.
     * @return the report.
     * @throws RunnerException if JMH fails (a benchmark error fails the run).
     */
    public static Report run(final String include, final double limit, final PrintStream out) throws RunnerException
    {
        return run(include, limit, Timings.fromSystemProperties(), out);
    }

    /**
     * Runs the gate.
     * <p>
     * JMH's own allocation is roughly fixed per iteration, so its share per operation grows with the operation's
     * duration: an operation of about 0.5 µs reads 0.005-0.009 B/op with 500 ms iterations but about 0.0015 B/op with
     * 2 s iterations. Give long operations longer measurement iterations rather than a looser limit.
     *
     * @param include regex of benchmarks to run (JMH include syntax: found anywhere in the benchmark name).
     * @param limit   largest acceptable {@code gc.alloc.rate.norm}, B/op.
     * @param out     where to print one line per benchmark and the verdict.
     * @return the report.
     * @throws RunnerException if JMH fails (a benchmark error fails the run).
     */
    public static Report run(final String include, final double limit, final Timings timings, final PrintStream out)
        throws RunnerException
    {
        final Options options = new OptionsBuilder()
            .include(include)
            .forks(1)
            .threads(1)
            .warmupIterations(timings.warmupIterations())
            .warmupTime(TimeValue.milliseconds(timings.warmupMillis()))
            .measurementIterations(timings.measurementIterations())
            .measurementTime(TimeValue.milliseconds(timings.measurementMillis()))
            .addProfiler(GCProfiler.class)
            .shouldFailOnError(true)
            .build();

        final Collection<RunResult> results = new Runner(options).run();
        final List<Reading> readings = new ArrayList<>(results.size());
        for (final RunResult result : results)
        {
            final double bytesPerOp = allocRateNorm(result);
            readings.add(new Reading(name(result), bytesPerOp, bytesPerOp <= limit));
        }

        final Report report = new Report(List.copyOf(readings), limit);
        out.println();
        out.println("Allocation gate (limit " + limit + " B/op, include " + include + ", " + timings + ")");
        for (final Reading reading : readings)
        {
            out.println(reading);
        }
        out.println(readings.isEmpty() ? "FAIL: no benchmark matched" : report.passed() ? "PASS" : "FAIL");
        return report;
    }

    /**
     * Runs each benchmark of a report that failed again, alone, with measurement iterations of {@code millis}, and
     * keeps the second reading. JMH's share of the allocation is fixed per iteration, so on a loaded machine (fewer
     * operations per iteration) a zero-allocation benchmark can read above the limit; with longer iterations that
     * share shrinks, while a real per-operation allocation reads the same. Passing readings are kept as they are.
     *
     * @param report  a gate run's report.
     * @param timings the timings of that run.
     * @param millis  measurement iteration time of the recheck.
     * @param out     where to print the recheck.
     * @return the report with every failed reading replaced by its recheck.
     * @throws RunnerException if JMH fails.
     */
    public static Report recheckFailures(final Report report, final Timings timings, final long millis,
        final PrintStream out) throws RunnerException
    {
        final List<Reading> readings = new ArrayList<>(report.readings().size());
        for (final Reading reading : report.readings())
        {
            if (reading.passed())
            {
                readings.add(reading);
                continue;
            }
            final String method = reading.benchmark().split(" ", 2)[0];
            out.println("Rechecking " + method + " with " + millis + " ms iterations");
            readings.addAll(run("^" + java.util.regex.Pattern.quote(method) + "$", report.limit(),
                timings.withMeasurementMillis(millis), out).readings());
        }
        return new Report(List.copyOf(readings), report.limit());
    }

    /**
     * @param args {@code [include-regex [limit-B/op]]}; defaults {@link #HOT_PATH_INCLUDE} and
     *             {@link #DEFAULT_LIMIT}.
     * @throws RunnerException if JMH fails.
     */
    public static void main(final String[] args) throws RunnerException
    {
        if (args.length > 2)
        {
            System.err.println("usage: AllocationGate [include-regex [limit-B/op]]");
            System.exit(2);
        }
        final String include = args.length > 0 ? args[0] : HOT_PATH_INCLUDE;
        final double limit = args.length > 1 ? Double.parseDouble(args[1]) : DEFAULT_LIMIT;
        final long start = System.nanoTime();
        final Report report = run(include, limit, System.out);
        System.out.printf("Gate took %.1f s%n", (System.nanoTime() - start) / 1e9);
        System.exit(report.passed() ? 0 : 1);
    }

    private static double allocRateNorm(final RunResult run)
    {
        Result<?> result = run.getSecondaryResults().get(ALLOC_RATE_NORM);
        if (null == result)
        {
            result = run.getSecondaryResults().get(ALLOC_RATE_NORM_OLD);
        }
        return null == result ? Double.NaN : result.getScore();
    }

    private static String name(final RunResult result)
    {
        final var params = result.getParams();
        final StringBuilder name = new StringBuilder(params.getBenchmark());
        final Collection<String> keys = params.getParamsKeys();
        if (!keys.isEmpty())
        {
            name.append(' ');
            for (final String key : keys)
            {
                name.append(key).append('=').append(params.getParam(key)).append(' ');
            }
            name.setLength(name.length() - 1);
        }
        return name.toString();
    }
}
