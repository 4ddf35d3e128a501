package org.dimse4j.fuzz;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocation bound of every fuzz target trips on a deliberately wrong stand-in decoder, one that allocates what a
 * length field declares before checking that the bytes are present, and passes one that allocates only as the
 * bytes present.
 */
class AllocationBoundTest
{
    private static final int MAX_STAND_IN_ALLOCATION = 16 << 20;

    private static final Map<String, AllocationBound> BOUNDS = Map.of(
        "Pdu", PduFuzzTest.BOUND,
        "CommandSet", CommandSetFuzzTest.BOUND,
        "CommandReassembly", CommandReassemblyFuzzTest.BOUND,
        "DataSet", DataSetFuzzTest.BOUND,
        "Part10", Part10FuzzTest.BOUND,
        "AssociateNegotiation", AssociateNegotiationFuzzTest.BOUND,
        "StateMachine", StateMachineFuzzTest.BOUND);

    /** Keeps the stand-ins' arrays reachable, so that no allocation is optimised away. */
    static volatile byte[] sink;

    /** A PDU-like header: type, reserved, then a 4-byte big-endian length, as 0xFFFFFFFF here. */
    private static byte[] header(final long declaredLength, final int length)
    {
        final byte[] input = new byte[length];
        input[0] = 0x04;
        for (int i = 0; i < 4; i++)
        {
            input[2 + i] = (byte)(declaredLength >>> (24 - 8 * i));
        }
        return input;
    }

    /** Wrong: allocates the declared length (capped for the test's own heap) before looking at the bytes present. */
    private static void allocateDeclared(final byte[] input)
    {
        final long declared = ((input[2] & 0xFFL) << 24) | ((input[3] & 0xFF) << 16) | ((input[4] & 0xFF) << 8) |
            (input[5] & 0xFF);
        sink = new byte[(int)Math.min(declared, MAX_STAND_IN_ALLOCATION)];
    }

    /** Right: copies what is there, however long the length field says the value is. */
    private static void allocatePresent(final byte[] input)
    {
        sink = input.clone();
    }

    @Test
    void shouldTripOnALengthOf0xFFFFFFFF()
    {
        final byte[] input = header(0xFFFF_FFFFL, 16);
        BOUNDS.forEach((target, bound) ->
        {
            assertTrue(bound.limit(input.length) < MAX_STAND_IN_ALLOCATION, target);
            final AssertionError error = assertThrows(AssertionError.class,
                () -> bound.check(input.length, () -> allocateDeclared(input)), target);
            assertTrue(error.getMessage().contains("sized from what the input declares"), error.getMessage());
        });
    }

    @Test
    void shouldTripOnA16BitLengthFieldOfASmallInputInRegressionMode()
    {
        // the regression-mode bound is tight enough that even a 2-byte length field's 65535 trips on 100 bytes
        BOUNDS.forEach((target, bound) -> assertTrue(bound.regressionLimit(100) < 0xFFFF,
            target + " allows " + bound.regressionLimit(100) + " bytes for 100 input bytes"));
        if (!AllocationBound.FUZZING)
        {
            final byte[] input = header(0xFFFF, 100);
            BOUNDS.forEach((target, bound) -> assertThrows(AssertionError.class,
                () -> bound.check(input.length, () -> allocateDeclared(input)), target));
        }
    }

    @Test
    void shouldPassAnAllocationOfTheBytesPresent()
    {
        for (final int length : new int[] {16, 1024, 64 * 1024})
        {
            final byte[] input = header(0xFFFF_FFFFL, length);
            // the state machine's input holds events, not values: nothing in it is copied, so nothing is allowed
            BOUNDS.forEach((target, bound) ->
            {
                if (!"StateMachine".equals(target))
                {
                    bound.check(input.length, () -> allocatePresent(input));
                }
            });
        }
    }

    @Test
    void shouldForgiveWhatOnlyTheFirstRunAllocates()
    {
        final int[] runs = {0};
        final byte[] input = header(0, 16);
        PduFuzzTest.BOUND.check(input.length, () ->
        {
            if (runs[0]++ == 0)
            {
                sink = new byte[MAX_STAND_IN_ALLOCATION]; // as class loading would, once
            }
        });
        assertEquals(2, runs[0], "run again once, and passed");
    }

    @Test
    void shouldNotCountWhatRunsOutsideTheBound()
    {
        final byte[] input = header(0, 16);
        PduFuzzTest.BOUND.check(input.length,
            () -> AllocationBound.outside(() -> sink = new byte[MAX_STAND_IN_ALLOCATION]));
    }
}
