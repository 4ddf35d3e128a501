package org.dimse4j.ul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.dimse4j.pdu.AbortReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Drives {@link StateMachine} through every cell of PS3.8 Table 9-10 and checks the exact handler calls and the
 * next state. The expected action and next state come from the markdown table ({@link StateTableTest.SpecTable});
 * the expected calls of each action are transcribed below from the spec's action definitions, independently of
 * the main code.
 */
class StateMachineTest
{
    private static final int[] INVALID_PDU_REASONS = { 0, 1, 2, 4, 5, 6 };
    private static final int[] ABORT_SOURCES = { 0, 1, 2 };

    /** How the event is fed to the machine. */
    enum Invocation
    {
        HANDLE, ABORT_PDU, INVALID_PDU
    }

    /**
     * One table-driven case: a cell, the side of the association, the answer of the provider-level check and the
     * way the event is fed (with its source or reason).
     */
    static final class Case
    {
        final State state;
        final Event event;
        final boolean requestor;
        final boolean acceptable;
        final Invocation invocation;
        final int parameter;

        Case(
            final State state,
            final Event event,
            final boolean requestor,
            final boolean acceptable,
            final Invocation invocation,
            final int parameter)
        {
            this.state = state;
            this.event = event;
            this.requestor = requestor;
            this.acceptable = acceptable;
            this.invocation = invocation;
            this.parameter = parameter;
        }

        /** The A-ABORT source (Evt16) or reason (other PDU events) the machine should use. */
        int expectedParameter()
        {
            if (Invocation.HANDLE != invocation)
            {
                return parameter;
            }
            if (Event.EVT16 == event)
            {
                return AbortReason.SOURCE_SERVICE_PROVIDER;
            }
            return Event.EVT19 == event ? AbortReason.UNRECOGNIZED_PDU : AbortReason.UNEXPECTED_PDU;
        }

        @Override
        public String toString()
        {
            final String how = Invocation.HANDLE == invocation ? "handle" :
                (Invocation.ABORT_PDU == invocation ? "handleAbortPdu(" : "handleInvalidPdu(") + parameter + ")";
            return event.label() + " in " + state.label() + " via " + how + (requestor ? ", requestor" : ", acceptor") +
                (acceptable ? ", RQ acceptable" : ", RQ not acceptable");
        }
    }

    static Stream<Case> allCases()
    {
        final List<Case> cases = new ArrayList<>();
        for (final State state : State.values())
        {
            for (final Event event : Event.values())
            {
                cases.add(new Case(state, event, true, true, Invocation.HANDLE, 0));
                cases.add(new Case(state, event, false, false, Invocation.HANDLE, 0));
            }
            for (final int source : ABORT_SOURCES)
            {
                cases.add(new Case(state, Event.EVT16, true, true, Invocation.ABORT_PDU, source));
            }
            for (final int reason : INVALID_PDU_REASONS)
            {
                cases.add(new Case(state, Event.EVT19, false, true, Invocation.INVALID_PDU, reason));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    void shouldPerformTheActionOfEveryCell(final Case c)
    {
        final RecordingHandler handler = new RecordingHandler();
        handler.acceptable = c.acceptable;
        final StateMachine machine = new StateMachine(c.requestor, handler);
        machine.forceState(c.state);

        final StateTableTest.SpecCell cell = StateTableTest.SpecTable.INSTANCE.cell(c.state, c.event);
        if (null == cell)
        {
            if (c.event.isLocalUserPrimitive())
            {
                final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> feed(machine, c));
                assertTrue(ex.getMessage().contains("(" + c.event.label() + ") is not allowed in " + c.state.label()),
                    ex.getMessage());
            }
            else
            {
                assertNull(feed(machine, c));
            }
            assertEquals(List.of(), handler.calls);
            assertSame(c.state, machine.state());
            return;
        }

        final Action action = feed(machine, c);

        assertEquals(cell.action, action.label());
        assertEquals(expectedCalls(cell.action, c), handler.calls);
        assertEquals(expectedNextState(cell, c), machine.state().label());
    }

    /**
     * The handler calls of each action, from the action definitions of the spec (PS3.8 Tables 9-6 … 9-9).
     */
    private static List<String> expectedCalls(final String action, final Case c)
    {
        final int p = c.expectedParameter();
        switch (action)
        {
            case "AE-1": return List.of("openTransport");
            case "AE-2": return List.of("sendPdu(0x01)");
            case "AE-3": return List.of("indicate(A_ASSOCIATE_CONFIRM_ACCEPT)");
            case "AE-4": return List.of("indicate(A_ASSOCIATE_CONFIRM_REJECT)", "closeTransport");
            case "AE-5": return List.of("startArtim");
            case "AE-6": return c.acceptable ?
                List.of("stopArtim", "isAssociateRequestAcceptable=true", "indicate(A_ASSOCIATE_INDICATION)") :
                List.of("stopArtim", "isAssociateRequestAcceptable=false", "sendPdu(0x03)", "startArtim");
            case "AE-7": return List.of("sendPdu(0x02)");
            case "AE-8": return List.of("sendPdu(0x03)", "startArtim");
            case "DT-1": return List.of("sendPdu(0x04)");
            case "DT-2": return List.of("indicate(P_DATA_INDICATION)");
            case "AR-1": return List.of("sendPdu(0x05)");
            case "AR-2": return List.of("indicate(A_RELEASE_INDICATION)");
            case "AR-3": return List.of("indicate(A_RELEASE_CONFIRM)", "closeTransport");
            case "AR-4": return List.of("sendPdu(0x06)", "startArtim");
            case "AR-5": return List.of("stopArtim");
            case "AR-6": return List.of("indicate(P_DATA_INDICATION)");
            case "AR-7": return List.of("sendPdu(0x04)");
            case "AR-8": return List.of("indicate(A_RELEASE_INDICATION)");
            case "AR-9": return List.of("sendPdu(0x06)");
            case "AR-10": return List.of("indicate(A_RELEASE_CONFIRM)");
            case "AA-1": return List.of("sendAbort(0,0)", "startArtim");
            case "AA-2": return List.of("stopArtim", "closeTransport");
            case "AA-3": return List.of(0 == p ? "indicate(A_ABORT_INDICATION)" : "indicate(A_P_ABORT_INDICATION)",
                "closeTransport");
            case "AA-4": return List.of("indicate(A_P_ABORT_INDICATION)");
            case "AA-5": return List.of("stopArtim");
            case "AA-6": return List.of();
            case "AA-7": return List.of("sendAbort(2," + p + ")");
            case "AA-8": return List.of("sendAbort(2," + p + ")", "indicate(A_P_ABORT_INDICATION)", "startArtim");
            default: throw new AssertionError("unknown action " + action);
        }
    }

    private static String expectedNextState(final StateTableTest.SpecCell cell, final Case c)
    {
        final int slash = cell.next.indexOf('/');
        if (slash < 0)
        {
            return cell.next;
        }
        final boolean first;
        switch (cell.action)
        {
            case "AE-6": first = c.acceptable; break;
            case "AR-8": first = c.requestor; break;
            default: throw new AssertionError("unexpected conditional action " + cell.action);
        }
        return first ? cell.next.substring(0, slash) : cell.next.substring(slash + 1);
    }

    private static Action feed(final StateMachine machine, final Case c)
    {
        switch (c.invocation)
        {
            case ABORT_PDU: return machine.handleAbortPdu(c.parameter);
            case INVALID_PDU: return machine.handleInvalidPdu(c.parameter);
            default: return machine.handle(c.event);
        }
    }

    @Test
    void shouldStartIdleOnEitherSide()
    {
        final StateMachine requestor = new StateMachine(true, new RecordingHandler());
        final StateMachine acceptor = new StateMachine(false, new RecordingHandler());
        assertSame(State.STA1, requestor.state());
        assertSame(State.STA1, acceptor.state());
        assertTrue(requestor.isRequestor());
        assertFalse(acceptor.isRequestor());
    }

    @Test
    void shouldNameThePrimitiveAndTheStateWhenRejectingAUserPrimitive()
    {
        final RecordingHandler handler = new RecordingHandler();
        final StateMachine machine = new StateMachine(true, handler);
        machine.forceState(State.STA5);

        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> machine.handle(Event.EVT11));

        assertEquals(
            "A-RELEASE request (Evt11) is not allowed in Sta5 (Awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU)",
            ex.getMessage());
        assertSame(State.STA5, machine.state());
        assertEquals(List.of(), handler.calls);
    }

    @Test
    void shouldIgnoreNetworkEventsInBlankCells()
    {
        final RecordingHandler handler = new RecordingHandler();
        final StateMachine machine = new StateMachine(true, handler);

        assertNull(machine.handle(Event.EVT10));
        assertNull(machine.handleAbortPdu(0));
        assertNull(machine.handleInvalidPdu(AbortReason.UNRECOGNIZED_PDU));
        machine.forceState(State.STA6);
        assertNull(machine.handle(Event.EVT18));

        assertSame(State.STA6, machine.state());
        assertEquals(List.of(), handler.calls);
    }

    @Test
    void shouldRejectUnacceptableAssociateRequestWithRjAndArtim()
    {
        final RecordingHandler handler = new RecordingHandler();
        handler.acceptable = false;
        final StateMachine machine = new StateMachine(false, handler);

        step(machine, Event.EVT5, Action.AE_5, State.STA2);
        step(machine, Event.EVT6, Action.AE_6, State.STA13);
        step(machine, Event.EVT17, Action.AR_5, State.STA1);

        assertEquals(List.of(
            "startArtim",
            "stopArtim", "isAssociateRequestAcceptable=false", "sendPdu(0x03)", "startArtim",
            "stopArtim"), handler.calls);
    }

    @Test
    void shouldIndicateAbortBySourceOfReceivedAbort()
    {
        final RecordingHandler handler = new RecordingHandler();
        final StateMachine machine = new StateMachine(true, handler);

        machine.forceState(State.STA6);
        assertSame(Action.AA_3, machine.handleAbortPdu(AbortReason.SOURCE_SERVICE_USER));
        machine.forceState(State.STA6);
        assertSame(Action.AA_3, machine.handleAbortPdu(AbortReason.SOURCE_SERVICE_PROVIDER));
        machine.forceState(State.STA6);
        assertSame(Action.AA_3, machine.handle(Event.EVT16));

        assertEquals(List.of(
            "indicate(A_ABORT_INDICATION)", "closeTransport",
            "indicate(A_P_ABORT_INDICATION)", "closeTransport",
            "indicate(A_P_ABORT_INDICATION)", "closeTransport"), handler.calls);
        assertSame(State.STA1, machine.state());
    }

    @Test
    void shouldPassAbortReasonToAa7AndAa8()
    {
        final RecordingHandler handler = new RecordingHandler();
        final StateMachine machine = new StateMachine(true, handler);

        machine.forceState(State.STA6);
        assertSame(Action.AA_8, machine.handleInvalidPdu(AbortReason.INVALID_PDU_PARAMETER_VALUE));
        assertSame(State.STA13, machine.state());
        assertSame(Action.AA_7, machine.handleInvalidPdu(AbortReason.UNRECOGNIZED_PDU_PARAMETER));
        assertSame(Action.AA_7, machine.handle(Event.EVT6));
        assertSame(Action.AA_6, machine.handle(Event.EVT10));
        machine.forceState(State.STA6);
        assertSame(Action.AA_8, machine.handle(Event.EVT3));
        machine.forceState(State.STA2);
        assertSame(Action.AA_1, machine.handleInvalidPdu(AbortReason.UNEXPECTED_PDU_PARAMETER));

        assertEquals(List.of(
            "sendAbort(2,6)", "indicate(A_P_ABORT_INDICATION)", "startArtim",
            "sendAbort(2,4)",
            "sendAbort(2,2)",
            "sendAbort(2,2)", "indicate(A_P_ABORT_INDICATION)", "startArtim",
            "sendAbort(0,0)", "startArtim"), handler.calls);
    }

    @Test
    void shouldRejectEventsFedFromInsideACallback()
    {
        final StateMachine[] machine = new StateMachine[1];
        final RecordingHandler handler = new RecordingHandler()
        {
            @Override
            public void closeTransport()
            {
                super.closeTransport();
                machine[0].handle(Event.EVT17);
            }
        };
        machine[0] = new StateMachine(true, handler);
        machine[0].forceState(State.STA7);

        final IllegalStateException ex =
            assertThrows(IllegalStateException.class, () -> machine[0].handle(Event.EVT13));

        assertTrue(ex.getMessage().contains("Evt17"), ex.getMessage());
        assertSame(State.STA7, machine[0].state(), "state is committed only after the handler calls return");
        machine[0].forceState(State.STA6);
        assertSame(Action.DT_2, machine[0].handle(Event.EVT10), "machine usable after the failed dispatch");
    }

    @Test
    void shouldLeaveStateUnchangedWhenHandlerThrows()
    {
        final RecordingHandler handler = new RecordingHandler()
        {
            @Override
            public void sendPdu(final int pduType)
            {
                throw new IllegalArgumentException("socket gone");
            }
        };
        final StateMachine machine = new StateMachine(true, handler);
        machine.forceState(State.STA6);

        assertThrows(IllegalArgumentException.class, () -> machine.handle(Event.EVT11));

        assertSame(State.STA6, machine.state());
        assertSame(Action.AA_4, machine.handle(Event.EVT17));
        assertSame(State.STA1, machine.state());
    }

    @Test
    void shouldResetToIdle()
    {
        final RecordingHandler handler = new RecordingHandler();
        final StateMachine machine = new StateMachine(true, handler);
        machine.forceState(State.STA6);

        machine.reset();

        assertSame(State.STA1, machine.state());
        assertEquals(List.of(), handler.calls);
        assertSame(Action.AE_1, machine.handle(Event.EVT1));
    }

    // ---- Worked sequences of spec section 7 ----

    @Test
    void shouldRunNormalRequestorSequence()
    {
        final RecordingHandler handler = new RecordingHandler();
        final StateMachine machine = new StateMachine(true, handler);

        step(machine, Event.EVT1, Action.AE_1, State.STA4);
        step(machine, Event.EVT2, Action.AE_2, State.STA5);
        step(machine, Event.EVT3, Action.AE_3, State.STA6);
        step(machine, Event.EVT9, Action.DT_1, State.STA6);
        step(machine, Event.EVT10, Action.DT_2, State.STA6);
        step(machine, Event.EVT11, Action.AR_1, State.STA7);
        step(machine, Event.EVT10, Action.AR_6, State.STA7);
        step(machine, Event.EVT13, Action.AR_3, State.STA1);

        assertEquals(List.of(
            "openTransport",
            "sendPdu(0x01)",
            "indicate(A_ASSOCIATE_CONFIRM_ACCEPT)",
            "sendPdu(0x04)",
            "indicate(P_DATA_INDICATION)",
            "sendPdu(0x05)",
            "indicate(P_DATA_INDICATION)",
            "indicate(A_RELEASE_CONFIRM)", "closeTransport"), handler.calls);
    }

    @Test
    void shouldRunNormalAcceptorSequence()
    {
        final RecordingHandler handler = new RecordingHandler();
        final StateMachine machine = new StateMachine(false, handler);

        step(machine, Event.EVT5, Action.AE_5, State.STA2);
        step(machine, Event.EVT6, Action.AE_6, State.STA3);
        step(machine, Event.EVT7, Action.AE_7, State.STA6);
        step(machine, Event.EVT10, Action.DT_2, State.STA6);
        step(machine, Event.EVT9, Action.DT_1, State.STA6);
        step(machine, Event.EVT12, Action.AR_2, State.STA8);
        step(machine, Event.EVT9, Action.AR_7, State.STA8);
        step(machine, Event.EVT14, Action.AR_4, State.STA13);
        step(machine, Event.EVT17, Action.AR_5, State.STA1);

        assertEquals(List.of(
            "startArtim",
            "stopArtim", "isAssociateRequestAcceptable=true", "indicate(A_ASSOCIATE_INDICATION)",
            "sendPdu(0x02)",
            "indicate(P_DATA_INDICATION)",
            "sendPdu(0x04)",
            "indicate(A_RELEASE_INDICATION)",
            "sendPdu(0x04)",
            "sendPdu(0x06)", "startArtim",
            "stopArtim"), handler.calls);
    }

    @Test
    void shouldCloseItselfWhenRequestorNeverClosesAfterRelease()
    {
        final RecordingHandler handler = new RecordingHandler();
        final StateMachine machine = new StateMachine(false, handler);
        machine.forceState(State.STA8);

        step(machine, Event.EVT14, Action.AR_4, State.STA13);
        step(machine, Event.EVT18, Action.AA_2, State.STA1);

        assertEquals(List.of("sendPdu(0x06)", "startArtim", "stopArtim", "closeTransport"), handler.calls);
    }

    @Test
    void shouldRunReleaseCollisionOnRequestorSide()
    {
        final RecordingHandler handler = new RecordingHandler();
        final StateMachine machine = new StateMachine(true, handler);
        machine.forceState(State.STA6);

        step(machine, Event.EVT11, Action.AR_1, State.STA7);
        step(machine, Event.EVT12, Action.AR_8, State.STA9);
        step(machine, Event.EVT14, Action.AR_9, State.STA11);
        step(machine, Event.EVT13, Action.AR_3, State.STA1);

        assertEquals(List.of(
            "sendPdu(0x05)",
            "indicate(A_RELEASE_INDICATION)",
            "sendPdu(0x06)",
            "indicate(A_RELEASE_CONFIRM)", "closeTransport"), handler.calls);
    }

    @Test
    void shouldRunReleaseCollisionOnAcceptorSide()
    {
        final RecordingHandler handler = new RecordingHandler();
        final StateMachine machine = new StateMachine(false, handler);
        machine.forceState(State.STA6);

        step(machine, Event.EVT11, Action.AR_1, State.STA7);
        step(machine, Event.EVT12, Action.AR_8, State.STA10);
        step(machine, Event.EVT13, Action.AR_10, State.STA12);
        step(machine, Event.EVT14, Action.AR_4, State.STA13);
        step(machine, Event.EVT17, Action.AR_5, State.STA1);

        assertEquals(List.of(
            "sendPdu(0x05)",
            "indicate(A_RELEASE_INDICATION)",
            "indicate(A_RELEASE_CONFIRM)",
            "sendPdu(0x06)", "startArtim",
            "stopArtim"), handler.calls);
    }

    @Test
    void shouldRunRejectionOnBothSides()
    {
        final RecordingHandler acceptorHandler = new RecordingHandler();
        final StateMachine acceptor = new StateMachine(false, acceptorHandler);
        step(acceptor, Event.EVT5, Action.AE_5, State.STA2);
        step(acceptor, Event.EVT6, Action.AE_6, State.STA3);
        step(acceptor, Event.EVT8, Action.AE_8, State.STA13);
        step(acceptor, Event.EVT17, Action.AR_5, State.STA1);
        assertEquals(List.of(
            "startArtim",
            "stopArtim", "isAssociateRequestAcceptable=true", "indicate(A_ASSOCIATE_INDICATION)",
            "sendPdu(0x03)", "startArtim",
            "stopArtim"), acceptorHandler.calls);

        final RecordingHandler requestorHandler = new RecordingHandler();
        final StateMachine requestor = new StateMachine(true, requestorHandler);
        step(requestor, Event.EVT1, Action.AE_1, State.STA4);
        step(requestor, Event.EVT2, Action.AE_2, State.STA5);
        step(requestor, Event.EVT4, Action.AE_4, State.STA1);
        assertEquals(List.of(
            "openTransport",
            "sendPdu(0x01)",
            "indicate(A_ASSOCIATE_CONFIRM_REJECT)", "closeTransport"), requestorHandler.calls);
    }

    // ---- Two machines connected back to back ----

    @Test
    void shouldEstablishExchangeAndReleaseBetweenTwoMachines()
    {
        final Link link = new Link();
        link.requestor.handle(Event.EVT1);
        link.pump();
        assertSame(State.STA3, link.acceptor.state());
        assertSame(State.STA5, link.requestor.state());

        link.acceptor.handle(Event.EVT7);
        link.pump();
        assertSame(State.STA6, link.acceptor.state());
        assertSame(State.STA6, link.requestor.state());

        link.requestor.handle(Event.EVT9);
        link.pump();
        link.acceptor.handle(Event.EVT9);
        link.pump();
        link.requestor.handle(Event.EVT11);
        link.pump();
        assertSame(State.STA8, link.acceptor.state());
        link.acceptor.handle(Event.EVT14);
        link.pump();

        assertSame(State.STA1, link.requestor.state());
        assertSame(State.STA1, link.acceptor.state());
        assertEquals(List.of(
            "openTransport", "sendPdu(0x01)", "indicate(A_ASSOCIATE_CONFIRM_ACCEPT)", "sendPdu(0x04)",
            "indicate(P_DATA_INDICATION)", "sendPdu(0x05)", "indicate(A_RELEASE_CONFIRM)", "closeTransport"),
            link.requestorHandler.calls);
        assertEquals(List.of(
            "startArtim", "stopArtim", "isAssociateRequestAcceptable=true", "indicate(A_ASSOCIATE_INDICATION)",
            "sendPdu(0x02)", "indicate(P_DATA_INDICATION)", "sendPdu(0x04)", "indicate(A_RELEASE_INDICATION)",
            "sendPdu(0x06)", "startArtim", "stopArtim"), link.acceptorHandler.calls);
    }

    @Test
    void shouldResolveReleaseCollisionBetweenTwoMachines()
    {
        final Link link = new Link();
        link.requestor.handle(Event.EVT1);
        link.pump();
        link.acceptor.handle(Event.EVT7);
        link.pump();

        // Both users ask for release before either A-RELEASE-RQ arrives.
        link.requestor.handle(Event.EVT11);
        link.acceptor.handle(Event.EVT11);
        link.pump();
        assertSame(State.STA9, link.requestor.state());
        assertSame(State.STA10, link.acceptor.state());

        // PS3.8 §7.2.2.7: the association-requestor answers first.
        link.requestor.handle(Event.EVT14);
        link.pump();
        assertSame(State.STA11, link.requestor.state());
        assertSame(State.STA12, link.acceptor.state());

        link.acceptor.handle(Event.EVT14);
        link.pump();
        assertSame(State.STA1, link.requestor.state());
        assertSame(State.STA1, link.acceptor.state());
    }

    @Test
    void shouldAbortBetweenTwoMachines()
    {
        final Link link = new Link();
        link.requestor.handle(Event.EVT1);
        link.pump();
        link.acceptor.handle(Event.EVT7);
        link.pump();

        link.acceptor.handle(Event.EVT15);
        link.pump();

        assertSame(State.STA1, link.requestor.state());
        assertSame(State.STA1, link.acceptor.state());
        assertTrue(link.requestorHandler.calls.contains("indicate(A_ABORT_INDICATION)"));
        assertEquals(List.of("sendAbort(0,0)", "startArtim", "stopArtim"),
            link.acceptorHandler.calls.subList(link.acceptorHandler.calls.size() - 3,
            link.acceptorHandler.calls.size()));
    }

    private static void step(final StateMachine machine, final Event event, final Action action, final State next)
    {
        assertSame(action, machine.handle(event), event.label() + " action");
        assertSame(next, machine.state(), event.label() + " next state");
    }

    /**
     * Records every handler call as a string, e.g. {@code "sendPdu(0x04)"}, {@code "sendAbort(2,1)"}.
     */
    static class RecordingHandler implements DulActionHandler
    {
        final List<String> calls = new ArrayList<>();
        boolean acceptable = true;

        @Override
        public void openTransport()
        {
            calls.add("openTransport");
        }

        @Override
        public void closeTransport()
        {
            calls.add("closeTransport");
        }

        @Override
        public void sendPdu(final int pduType)
        {
            calls.add(String.format("sendPdu(0x%02X)", pduType));
        }

        @Override
        public void sendAbort(final int source, final int reason)
        {
            calls.add("sendAbort(" + source + "," + reason + ")");
        }

        @Override
        public void startArtim()
        {
            calls.add("startArtim");
        }

        @Override
        public void stopArtim()
        {
            calls.add("stopArtim");
        }

        @Override
        public boolean isAssociateRequestAcceptable()
        {
            calls.add("isAssociateRequestAcceptable=" + acceptable);
            return acceptable;
        }

        @Override
        public void indicate(final Primitive primitive)
        {
            calls.add("indicate(" + primitive.name() + ")");
        }
    }

    /**
     * Two machines joined by an in-memory "connection": a sent PDU becomes the peer's receive event, a transport
     * connect becomes Evt2 here and Evt5 there, a close becomes Evt17 at the peer. Events are queued and delivered
     * by {@link #pump()}, never from inside a callback.
     */
    static final class Link
    {
        final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        final RecordingHandler requestorHandler = new WiredHandler(true);
        final RecordingHandler acceptorHandler = new WiredHandler(false);
        final StateMachine requestor = new StateMachine(true, requestorHandler);
        final StateMachine acceptor = new StateMachine(false, acceptorHandler);

        void pump()
        {
            for (int i = 0; i < 100 && !queue.isEmpty(); i++)
            {
                queue.poll().run();
            }
            assertTrue(queue.isEmpty(), "link did not settle");
        }

        final class WiredHandler extends RecordingHandler
        {
            private final boolean requestorSide;

            WiredHandler(final boolean requestorSide)
            {
                this.requestorSide = requestorSide;
            }

            private StateMachine self()
            {
                return requestorSide ? requestor : acceptor;
            }

            private StateMachine peer()
            {
                return requestorSide ? acceptor : requestor;
            }

            @Override
            public void openTransport()
            {
                super.openTransport();
                queue.add(() -> peer().handle(Event.EVT5));
                queue.add(() -> self().handle(Event.EVT2));
            }

            @Override
            public void closeTransport()
            {
                super.closeTransport();
                queue.add(() -> peer().handle(Event.EVT17));
            }

            @Override
            public void sendPdu(final int pduType)
            {
                super.sendPdu(pduType);
                final Event received;
                switch (pduType)
                {
                    case 0x01: received = Event.EVT6; break;
                    case 0x02: received = Event.EVT3; break;
                    case 0x03: received = Event.EVT4; break;
                    case 0x04: received = Event.EVT10; break;
                    case 0x05: received = Event.EVT12; break;
                    case 0x06: received = Event.EVT13; break;
                    default: throw new AssertionError("PDU type " + pduType);
                }
                queue.add(() -> peer().handle(received));
            }

            @Override
            public void sendAbort(final int source, final int reason)
            {
                super.sendAbort(source, reason);
                queue.add(() -> peer().handleAbortPdu(source));
            }
        }
    }
}
