package org.dimse4j.fuzz;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * "No allocation sized from the wire": the bytes a fuzzed call allocates on its own thread
 * ({@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()} before and after) must stay within
 * {@code perInputByte * input length + constant}. A length field read from the input (up to 0xFFFFFFFF) that turns
 * into an allocation before it is checked against the bytes present breaks that bound whatever the input's size.
 * <p>
 * The first run of a code path also allocates what has nothing to do with the input: class loading, Jazzer
 * instrumenting a newly reached class, call-site linkage, JIT recompilation. Those happen once, allocation sized
 * from the input happens on every run, so a call over its limit is run a second time on the same input and fails
 * only if it is over again. Calls must therefore be repeatable: same input, same work.
 * <p>
 * The bounds are set for regression mode ({@code mvn verify} replaying the committed inputs), about twice what the
 * committed inputs and a fuzzing run's corpus replayed in that mode need. While fuzzing ({@code JAZZER_FUZZ} set),
 * Jazzer's compare instrumentation allocates on the fuzzed thread too: a {@code long[]} of the case values on every
 * {@code switch} it passes, and a CESU-8 copy of both strings on every {@code String.equals} (seen with JFR: 26 KB
 * for an empty command set in {@code CommandElement.index}; 15.6 MB instead of 1.3 MB for a 64 KB A-ASSOCIATE-RQ of
 * role selections in {@code TraceDataFlowNativeCallbacks.traceStrcmp}). So while fuzzing each bound is
 * {@value #FUZZING_FACTOR} times larger: that still catches a length of 0xFFFFFFFF or a few MB, and the tight bound
 * judges every input once it is committed, or a fuzzing corpus replayed in regression mode (see the README).
 * <p>
 * {@code -Ddimse4j.fuzz.allocations=true} runs every call twice and prints each input's length and the bytes
 * allocated by both runs (the second is what the bound judges), for re-tuning a bound after a change to the code
 * under test.
 */
final class AllocationBound
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private static final boolean REPORT = Boolean.getBoolean("dimse4j.fuzz.allocations");
    /** Jazzer fuzzes, rather than replays the committed inputs, when JAZZER_FUZZ is set to a non-empty value. */
    static final boolean FUZZING = System.getenv("JAZZER_FUZZ") != null && !System.getenv("JAZZER_FUZZ").isEmpty();
    /** How much more a call may allocate while Jazzer fuzzes; the worst seen was 7 times the regression bound. */
    static final long FUZZING_FACTOR = 16;

    static
    {
        if (!THREADS.isThreadAllocatedMemorySupported())
        {
            throw new IllegalStateException("this JVM cannot count the bytes a thread allocates");
        }
        THREADS.setThreadAllocatedMemoryEnabled(true);
    }

    private static long outside;

    private final String target;
    private final long perInputByte;
    private final long constant;
    private final long factor = FUZZING ? FUZZING_FACTOR : 1;

    /**
     * @param target       names the fuzz target, for the failure message.
     * @param perInputByte bytes the call may allocate for each input byte.
     * @param constant     bytes the call may allocate whatever the input.
     */
    AllocationBound(final String target, final long perInputByte, final long constant)
    {
        this.target = target;
        this.perInputByte = perInputByte;
        this.constant = constant;
    }

    /**
     * @param inputLength the input's length.
     * @return the most the call may allocate on it in regression mode.
     */
    long regressionLimit(final int inputLength)
    {
        return perInputByte * inputLength + constant;
    }

    /**
     * @param inputLength the input's length.
     * @return the most the call may allocate on it now (regression mode, or fuzzing).
     */
    long limit(final int inputLength)
    {
        return factor * regressionLimit(inputLength);
    }

    /**
     * @param allowance what a regression-mode bound computed by the target allows.
     * @return that allowance now (regression mode, or fuzzing).
     */
    long scaled(final long allowance)
    {
        return factor * allowance;
    }

    /**
     * Runs the call and fails if it allocated more than {@link #limit(int)} on two runs in a row.
     *
     * @param inputLength the input's length.
     * @param call        the fuzzed work on that input.
     */
    void check(final int inputLength, final Runnable call)
    {
        final long limit = limit(inputLength);
        check(inputLength, call, () -> limit);
    }

    /**
     * Runs the call and fails if it allocated more than the limit on two runs in a row, for a target whose allowance
     * depends on what the call did (the limit is read after each run).
     *
     * @param inputLength the input's length, for the report.
     * @param call        the fuzzed work on that input.
     * @param limit       the most the run just made may allocate.
     */
    void check(final int inputLength, final Runnable call, final LongSupplier limit)
    {
        final long first = measure(call);
        final long firstLimit = limit.getAsLong();
        long used = first;
        if (first > firstLimit || REPORT)
        {
            used = measure(call);
            if (used > limit.getAsLong())
            {
                throw new AssertionError(target + " allocated " + first + " then " + used + " bytes on an input of " +
                    inputLength + " bytes, over its bound of " + limit.getAsLong() + " bytes: an allocation sized " +
                    "from what the input declares, not from the bytes present");
            }
        }
        if (REPORT)
        {
            System.out.println("allocation " + target + " " + inputLength + " " + used + " first " + first);
        }
    }

    /**
     * @param call to run.
     * @return the bytes it allocated on this thread, less what it spent {@link #outside} the bound.
     */
    static long measure(final Runnable call)
    {
        outside = 0;
        final long before = THREADS.getCurrentThreadAllocatedBytes();
        call.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before - outside;
    }

    /**
     * Runs a diagnostic whose allocation the bound does not judge: the text of a decoded model ({@code toString}
     * formats each element with {@code String.format}, a few kilobytes apiece), whose size follows the model that
     * decoding built within the bound, not the input.
     *
     * @param diagnostic to run.
     */
    static void outside(final Runnable diagnostic)
    {
        final long before = THREADS.getCurrentThreadAllocatedBytes();
        diagnostic.run();
        outside += THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    /**
     * @return the bytes this thread has allocated so far.
     */
    static long allocatedBytes()
    {
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
