package org.dimse4j.benchmarks;

import org.dimse4j.ul.Action;
import org.dimse4j.ul.DulActionHandler;
import org.dimse4j.ul.Event;
import org.dimse4j.ul.Primitive;
import org.dimse4j.ul.State;
import org.dimse4j.ul.StateMachine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The DUL state machine in Sta6 (association established), reached with legal events only on the acceptor side:
 * Evt5 (transport connection indication), Evt6 (A-ASSOCIATE-RQ received, accepted by the handler), Evt7
 * (A-ASSOCIATE response accept). Then Evt10 (P-DATA-TF received, DT-2) and Evt9 (P-DATA request, DT-1), each of
 * which stays in Sta6. The handler is a no-op apart from counting calls. Allocation budget: 0 B/op.
 */
@Fork(value = 1, jvmArgsAppend = { BenchmarkFlags.AGRONA_ADD_OPENS, BenchmarkFlags.DISABLE_BOUNDS_CHECKS })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@org.openjdk.jmh.annotations.State(Scope.Thread)
public class StateMachineBenchmark
{
    private final CountingHandler handler = new CountingHandler();
    private final StateMachine machine = new StateMachine(false, handler);

    /**
     * Drives the machine into Sta6.
     */
    @Setup
    public void setUp()
    {
        machine.handle(Event.EVT5);
        machine.handle(Event.EVT6);
        machine.handle(Event.EVT7);
        if (machine.state() != State.STA6)
        {
            throw new IllegalStateException("expected Sta6, machine is in " + machine.state());
        }
    }

    /**
     * @return the action performed (DT-2).
     */
    @Benchmark
    public Action pDataTfReceivedEvt10()
    {
        return machine.handle(Event.EVT10);
    }

    /**
     * @return the action performed (DT-1).
     */
    @Benchmark
    public Action pDataRequestEvt9()
    {
        return machine.handle(Event.EVT9);
    }

    /**
     * Does nothing but count; accepts every A-ASSOCIATE-RQ.
     */
    static final class CountingHandler implements DulActionHandler
    {
        int calls;

        @Override
        public void openTransport()
        {
            calls++;
        }

        @Override
        public void closeTransport()
        {
            calls++;
        }

        @Override
        public void sendPdu(final int pduType)
        {
            calls++;
        }

        @Override
        public void sendAbort(final int source, final int reason)
        {
            calls++;
        }

        @Override
        public void startArtim()
        {
            calls++;
        }

        @Override
        public void stopArtim()
        {
            calls++;
        }

        @Override
        public boolean isAssociateRequestAcceptable()
        {
            return true;
        }

        @Override
        public void indicate(final Primitive primitive)
        {
            calls++;
        }
    }
}
