package org.dimse4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.dimse4j.pdu.AbortReason;
import org.dimse4j.ul.Action;
import org.dimse4j.ul.DulActionHandler;
import org.dimse4j.ul.Event;
import org.dimse4j.ul.Primitive;
import org.dimse4j.ul.State;
import org.dimse4j.ul.StateMachine;

/**
 * Any sequence of DUL events fed to a {@link StateMachine}, checked against an oracle that does not read
 * {@code StateTable}: PS3.8 Table 9-10 transcribed below as text (from the spec digest, itself checked cell by cell
 * against pynetdicom and DCMTK), and the effects of each action as Tables 9-6 to 9-9 list them.
 * <p>
 * Input: byte 0 picks the side (bit 0: association-requestor); each further byte is an event
 * ({@code byte mod 19}); bit 7 answers the A-ASSOCIATE-RQ acceptability check of AE-6; {@code byte / 19} picks, for
 * Evt16, the A-ABORT source (through {@link StateMachine#handleAbortPdu(int)} or the plain {@code handle}) and, for
 * Evt19, the A-ABORT reason (through {@link StateMachine#handleInvalidPdu(int)}).
 * <p>
 * Checked on every event: the action and the next state are the table's (AE-6 by the acceptability answer, AR-8 by
 * the side); the handler calls are exactly the action's, in the order the standard gives them; a blank cell does
 * nothing, and throws {@link IllegalStateException} only for a local-user primitive; ARTIM runs exactly in Sta2 and
 * Sta13; a connection exists (open or opening) exactly outside Sta1, it is never opened twice nor closed when
 * absent, and no PDU is sent without one; Evt16 and Evt17 always end in Sta1 and Evt15 in Sta13 or Sta1.
 * <p>
 * No stuck state: after the sequence, a drain of at most two events (A-ABORT request where the table has one, then
 * the transport closing or ARTIM expiring) must reach Sta1. The sequence is played twice, once drained each way.
 * Successful {@code handle} calls allocate nothing; a refused primitive's exception is allowed a few kilobytes.
 */
class StateMachineFuzzTest
{
    /** PS3.8 Table 9-10, rows Evt1-Evt19, columns Sta1-Sta13, as the spec digest (state-machine.md 4) has it. */
    private static final String TABLE_9_10 = """
        | Evt1 | AE-1 → Sta4 | — | — | — | — | — | — | — | — | — | — | — | — |
        | Evt2 | — | — | — | AE-2 → Sta5 | — | — | — | — | — | — | — | — | — |
        | Evt3 | — | AA-1 → Sta13 | AA-8 → Sta13 | — | AE-3 → Sta6 | AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | \
        AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-6 → Sta13 |
        | Evt4 | — | AA-1 → Sta13 | AA-8 → Sta13 | — | AE-4 → Sta1 | AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | \
        AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-6 → Sta13 |
        | Evt5 | AE-5 → Sta2 | — | — | — | — | — | — | — | — | — | — | — | — |
        | Evt6 | — | AE-6 → Sta3/Sta13 | AA-8 → Sta13 | — | AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | \
        AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-7 → Sta13 |
        | Evt7 | — | — | AE-7 → Sta6 | — | — | — | — | — | — | — | — | — | — |
        | Evt8 | — | — | AE-8 → Sta13 | — | — | — | — | — | — | — | — | — | — |
        | Evt9 | — | — | — | — | — | DT-1 → Sta6 | — | AR-7 → Sta8 | — | — | — | — | — |
        | Evt10 | — | AA-1 → Sta13 | AA-8 → Sta13 | — | AA-8 → Sta13 | DT-2 → Sta6 | AR-6 → Sta7 | AA-8 → Sta13 | \
        AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-6 → Sta13 |
        | Evt11 | — | — | — | — | — | AR-1 → Sta7 | — | — | — | — | — | — | — |
        | Evt12 | — | AA-1 → Sta13 | AA-8 → Sta13 | — | AA-8 → Sta13 | AR-2 → Sta8 | AR-8 → Sta9/Sta10 | \
        AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-6 → Sta13 |
        | Evt13 | — | AA-1 → Sta13 | AA-8 → Sta13 | — | AA-8 → Sta13 | AA-8 → Sta13 | AR-3 → Sta1 | AA-8 → Sta13 | \
        AA-8 → Sta13 | AR-10 → Sta12 | AR-3 → Sta1 | AA-8 → Sta13 | AA-6 → Sta13 |
        | Evt14 | — | — | — | — | — | — | — | AR-4 → Sta13 | AR-9 → Sta11 | — | — | AR-4 → Sta13 | — |
        | Evt15 | — | — | AA-1 → Sta13 | AA-2 → Sta1 | AA-1 → Sta13 | AA-1 → Sta13 | AA-1 → Sta13 | AA-1 → Sta13 | \
        AA-1 → Sta13 | AA-1 → Sta13 | AA-1 → Sta13 | AA-1 → Sta13 | — |
        | Evt16 | — | AA-2 → Sta1 | AA-3 → Sta1 | — | AA-3 → Sta1 | AA-3 → Sta1 | AA-3 → Sta1 | AA-3 → Sta1 | \
        AA-3 → Sta1 | AA-3 → Sta1 | AA-3 → Sta1 | AA-3 → Sta1 | AA-2 → Sta1 |
        | Evt17 | — | AA-5 → Sta1 | AA-4 → Sta1 | AA-4 → Sta1 | AA-4 → Sta1 | AA-4 → Sta1 | AA-4 → Sta1 | \
        AA-4 → Sta1 | AA-4 → Sta1 | AA-4 → Sta1 | AA-4 → Sta1 | AA-4 → Sta1 | AR-5 → Sta1 |
        | Evt18 | — | AA-2 → Sta1 | — | — | — | — | — | — | — | — | — | — | AA-2 → Sta1 |
        | Evt19 | — | AA-1 → Sta13 | AA-8 → Sta13 | — | AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | \
        AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-8 → Sta13 | AA-7 → Sta13 |
        """;

    /**
     * What each action does, as PS3.8 Tables 9-6 to 9-9 (spec digest section 3) say, in their order ("send, then
     * start ARTIM", "indicate, then close"). {@code reason} is the A-ABORT reason the event carries (2
     * unexpected-PDU for a valid PDU in the wrong state, the given one for an invalid PDU); {@code by-source} is
     * AA-3's A-ABORT indication for a service-user abort and A-P-ABORT indication otherwise.
     */
    private static final String TABLES_9_6_TO_9_9 = """
        AE-1 | open
        AE-2 | send 1
        AE-3 | indicate A_ASSOCIATE_CONFIRM_ACCEPT
        AE-4 | indicate A_ASSOCIATE_CONFIRM_REJECT, close
        AE-5 | start-artim
        AE-6 | stop-artim, ask, indicate A_ASSOCIATE_INDICATION
        AE-6 reject | stop-artim, ask, send 3, start-artim
        AE-7 | send 2
        AE-8 | send 3, start-artim
        DT-1 | send 4
        DT-2 | indicate P_DATA_INDICATION
        AR-1 | send 5
        AR-2 | indicate A_RELEASE_INDICATION
        AR-3 | indicate A_RELEASE_CONFIRM, close
        AR-4 | send 6, start-artim
        AR-5 | stop-artim
        AR-6 | indicate P_DATA_INDICATION
        AR-7 | send 4
        AR-8 | indicate A_RELEASE_INDICATION
        AR-9 | send 6
        AR-10 | indicate A_RELEASE_CONFIRM
        AA-1 | abort 0 0, start-artim
        AA-2 | stop-artim, close
        AA-3 | indicate by-source, close
        AA-4 | indicate A_P_ABORT_INDICATION
        AA-5 | stop-artim
        AA-6 |
        AA-7 | abort 2 reason
        AA-8 | abort 2 reason, indicate A_P_ABORT_INDICATION, start-artim
        """;

    private static final String[] KIND_NAMES = {
        "", "open", "close", "send", "abort", "start-artim", "stop-artim", "ask", "indicate"};
    private static final int OPEN = 1;
    private static final int CLOSE = 2;
    private static final int SEND = 3;
    private static final int ABORT = 4;
    private static final int START_ARTIM = 5;
    private static final int STOP_ARTIM = 6;
    private static final int ASK = 7;
    private static final int INDICATE = 8;
    private static final int REASON = -1;
    private static final int BY_SOURCE = -2;
    private static final java.util.Map<String, Integer> EFFECT_INDEX = new java.util.HashMap<>();
    private static final String[] EFFECT_TEXT;
    private static final int[][] EFFECT_KINDS;
    private static final int[][] EFFECT_ARGUMENTS;
    private static final int[][] EFFECT_SOURCES;

    private static final Event[] EVENT = Event.values();
    private static final int EVENTS = 19;
    private static final int STATES = 13;
    /** Oracle cells: action label ("AE-6"), or null for a blank cell. */
    private static final String[][] ACTION = new String[EVENTS][STATES];
    /**
     * The same cells as the {@link Action} constant of that label, and the row of Tables 9-6 to 9-9 to check, so
     * that the check itself compares no strings (Jazzer's string-compare hooks allocate when fuzzing).
     */
    private static final Action[][] ACTION_CONSTANT = new Action[EVENTS][STATES];
    private static final int[][] CELL_EFFECT = new int[EVENTS][STATES];
    private static int ae6RejectEffect;
    /** Oracle next states (1-13); the second is AE-6's reject path or AR-8's acceptor side, else 0. */
    private static final int[][] NEXT = new int[EVENTS][STATES];
    private static final int[][] ALTERNATIVE_NEXT = new int[EVENTS][STATES];
    private static final int[] ABORT_REASONS = {
        AbortReason.NOT_SPECIFIED, AbortReason.UNRECOGNIZED_PDU, AbortReason.UNEXPECTED_PDU,
        AbortReason.UNRECOGNIZED_PDU_PARAMETER, AbortReason.UNEXPECTED_PDU_PARAMETER,
        AbortReason.INVALID_PDU_PARAMETER_VALUE,
    };

    private static final int EVT2 = 2;
    private static final int EVT5 = 5;
    private static final int EVT15 = 15;
    private static final int EVT16 = 16;
    private static final int EVT17 = 17;
    private static final int EVT18 = 18;
    private static final int EVT19 = 19;
    private static final int STA1 = 1;
    private static final int STA2 = 2;
    private static final int STA4 = 4;
    private static final int STA13 = 13;

    /** A successful event allocates nothing; this leaves room for the retry-proof noise of a first run. */
    private static final long ALLOWANCE_PER_EVENT = 0;
    /** What building and throwing one IllegalStateException for a refused primitive may allocate. */
    private static final long ALLOWANCE_PER_REFUSAL = 4 * 1024;
    private static final long CONSTANT = 1024;
    static final AllocationBound BOUND = new AllocationBound("StateMachine", ALLOWANCE_PER_EVENT, CONSTANT);

    static
    {
        final String[] lines = TABLES_9_6_TO_9_9.strip().split("\n");
        EFFECT_TEXT = new String[lines.length];
        EFFECT_KINDS = new int[lines.length][];
        EFFECT_ARGUMENTS = new int[lines.length][];
        EFFECT_SOURCES = new int[lines.length][];
        for (int a = 0; a < lines.length; a++)
        {
            final String[] halves = lines[a].split("\\|", -1);
            EFFECT_INDEX.put(halves[0].strip(), a);
            EFFECT_TEXT[a] = halves[1].strip();
            final String[] calls = EFFECT_TEXT[a].isEmpty() ? new String[0] : EFFECT_TEXT[a].split(", ");
            EFFECT_KINDS[a] = new int[calls.length];
            EFFECT_ARGUMENTS[a] = new int[calls.length];
            EFFECT_SOURCES[a] = new int[calls.length];
            for (int c = 0; c < calls.length; c++)
            {
                final String[] words = calls[c].split(" ");
                EFFECT_KINDS[a][c] = java.util.Arrays.asList(KIND_NAMES).indexOf(words[0]);
                check(EFFECT_KINDS[a][c] > 0, "call " + calls[c]);
                if (words[0].equals("abort"))
                {
                    EFFECT_SOURCES[a][c] = Integer.parseInt(words[1]);
                    EFFECT_ARGUMENTS[a][c] = words[2].equals("reason") ? REASON : Integer.parseInt(words[2]);
                }
                else if (words[0].equals("send"))
                {
                    EFFECT_ARGUMENTS[a][c] = Integer.parseInt(words[1]);
                }
                else if (words[0].equals("indicate"))
                {
                    EFFECT_ARGUMENTS[a][c] = words[1].equals("by-source") ? BY_SOURCE :
                        Primitive.valueOf(words[1]).ordinal();
                }
            }
        }
        ae6RejectEffect = EFFECT_INDEX.get("AE-6 reject");
        final String[] rows = TABLE_9_10.strip().split("\n");
        check(rows.length == EVENTS, "19 rows");
        for (int e = 0; e < EVENTS; e++)
        {
            final String[] cells = rows[e].split("\\|");
            check(cells.length == STATES + 2 && cells[1].strip().equals("Evt" + (e + 1)), "row " + rows[e]);
            for (int s = 0; s < STATES; s++)
            {
                final String cell = cells[s + 2].strip();
                if (!cell.equals("—"))
                {
                    final String[] parts = cell.split(" → ");
                    final String[] next = parts[1].split("/");
                    ACTION[e][s] = parts[0];
                    NEXT[e][s] = Integer.parseInt(next[0].substring(3));
                    ALTERNATIVE_NEXT[e][s] = next.length > 1 ? Integer.parseInt(next[1].substring(3)) : 0;
                    check(EFFECT_INDEX.containsKey(parts[0]), "no effects transcribed for " + parts[0]);
                    CELL_EFFECT[e][s] = EFFECT_INDEX.get(parts[0]);
                    for (final Action constant : Action.values())
                    {
                        if (constant.label().equals(parts[0]))
                        {
                            ACTION_CONSTANT[e][s] = constant;
                        }
                    }
                    check(ACTION_CONSTANT[e][s] != null, "no Action labelled " + parts[0]);
                }
            }
        }
    }

    private final Oracle oracle = new Oracle();

    @FuzzTest(maxDuration = "20s")
    void feedEvents(final byte[] input)
    {
        if (input.length == 0)
        {
            return;
        }
        check(EVENT.length == EVENTS && State.values().length == STATES, "19 events, 13 states");
        for (final boolean closeTransport : new boolean[] {true, false})
        {
            BOUND.check(input.length, () -> play(input, closeTransport), () -> BOUND.scaled(
                CONSTANT + oracle.refusals * ALLOWANCE_PER_REFUSAL + oracle.events * ALLOWANCE_PER_EVENT));
        }
    }

    private void play(final byte[] input, final boolean closeTransport)
    {
        final boolean requestor = (input[0] & 1) != 0;
        final StateMachine machine = new StateMachine(requestor, oracle);
        oracle.reset(requestor);
        for (int i = 1; i < input.length; i++)
        {
            final int b = input[i] & 0xFF;
            oracle.acceptAssociateRequest = (b & 0x80) == 0;
            step(machine, b % EVENTS + 1, b / EVENTS);
        }
        // drain: at most an A-ABORT request and then the transport closing (or ARTIM expiring) lead back to Sta1
        if (ACTION[EVT15 - 1][number(machine.state()) - 1] != null)
        {
            step(machine, EVT15, 0);
        }
        if (machine.state() != State.STA1)
        {
            step(machine, closeTransport ? EVT17 : EVT18, 0);
        }
        if (machine.state() != State.STA1)
        {
            throw new AssertionError("stuck: an A-ABORT request and " + (closeTransport ? "Evt17" : "Evt18") +
                " left the machine in " + machine.state().label() + " after " + oracle.trace);
        }
    }

    /**
     * Feeds one event and checks it against the oracle.
     *
     * @param event   1-19.
     * @param variant picks the source of Evt16 and the reason of Evt19.
     */
    private void step(final StateMachine machine, final int event, final int variant)
    {
        final int before = number(machine.state());
        final String expected = ACTION[event - 1][before - 1];
        final Action expectedAction = ACTION_CONSTANT[event - 1][before - 1];
        final Event evt = EVENT[event - 1];
        oracle.begin(event, before, variant);
        final Action action;
        try
        {
            if (event == EVT16 && variant % 3 != 0)
            {
                action = machine.handleAbortPdu(oracle.abortSource);
            }
            else if (event == EVT19 && variant != 0)
            {
                action = machine.handleInvalidPdu(oracle.abortReason);
            }
            else
            {
                action = machine.handle(evt);
            }
        }
        catch (final IllegalStateException refused)
        {
            oracle.refusals++;
            if (!evt.isLocalUserPrimitive() || expected != null || number(machine.state()) != before ||
                oracle.calls != 0)
            {
                throw new AssertionError(oracle.trace + ": " + evt.label() + " in Sta" + before + " refused (" +
                    refused.getMessage() + "), table has " + expected + ", " + oracle.calls + " handler calls");
            }
            return;
        }
        final int after = number(machine.state());
        if (expected == null)
        {
            if (action != null || after != before || oracle.calls != 0)
            {
                throw new AssertionError(oracle.trace + ": blank cell " + evt.label() + " in Sta" + before +
                    " gave " + action + " and Sta" + after);
            }
            return;
        }
        if (action == null || action != expectedAction)
        {
            throw new AssertionError(oracle.trace + ": " + evt.label() + " in Sta" + before + " performed " + action +
                ", Table 9-10 says " + expected);
        }
        final int next;
        if (ALTERNATIVE_NEXT[event - 1][before - 1] == 0)
        {
            next = NEXT[event - 1][before - 1];
        }
        else if (expectedAction == Action.AE_6)
        {
            next = oracle.acceptAssociateRequest ? NEXT[event - 1][before - 1] :
                ALTERNATIVE_NEXT[event - 1][before - 1];
        }
        else
        {
            next = oracle.requestor ? NEXT[event - 1][before - 1] : ALTERNATIVE_NEXT[event - 1][before - 1];
        }
        if (after != next)
        {
            throw new AssertionError(oracle.trace + ": " + expected + " led to Sta" + after + ", not Sta" + next);
        }
        oracle.end(expectedAction == Action.AE_6 && !oracle.acceptAssociateRequest ? ae6RejectEffect :
            CELL_EFFECT[event - 1][before - 1], expected, after);
    }

    private static int number(final State state)
    {
        return state.ordinal() + 1;
    }

    /**
     * The handler: records the calls of one event as small integers (no allocation) and keeps a model of the
     * transport and of ARTIM built only from those calls and the events fed.
     */
    static final class Oracle implements DulActionHandler
    {
        private static final int MAX_CALLS = 8;

        private final int[] kinds = new int[MAX_CALLS];
        private final int[] arguments = new int[MAX_CALLS];
        private final int[] sources = new int[MAX_CALLS];
        final StringBuilder trace = new StringBuilder(256);
        boolean requestor;
        boolean acceptAssociateRequest;
        int calls;
        int refusals;
        int events;
        int abortSource;
        int abortReason;
        private int event;
        private int state;
        private boolean connected;
        private boolean artimRunning;

        void reset(final boolean requestor)
        {
            this.requestor = requestor;
            refusals = 0;
            events = 0;
            connected = false;
            artimRunning = false;
            trace.setLength(0);
            trace.append(requestor ? "requestor" : "acceptor");
        }

        void begin(final int event, final int state, final int variant)
        {
            this.event = event;
            this.state = state;
            calls = 0;
            events++;
            abortSource = variant % 3 == 1 ? AbortReason.SOURCE_SERVICE_USER : AbortReason.SOURCE_SERVICE_PROVIDER;
            abortReason = event == EVT19 ? (variant == 0 ? AbortReason.UNRECOGNIZED_PDU :
                ABORT_REASONS[variant % ABORT_REASONS.length]) : AbortReason.UNEXPECTED_PDU;
            if (trace.length() < 200)
            {
                trace.append(" Evt").append(event);
            }
            // a connection exists from the transport's indication (Evt5) or our connect request (AE-1) until the
            // transport says it closed (Evt17) or we close it
            if (event == EVT5 && ACTION[EVT5 - 1][state - 1] != null)
            {
                connected = true;
            }
            if (event == EVT17)
            {
                connected = false;
            }
        }

        /** Checks the calls of an action that was performed, and the invariants of the state reached. */
        void end(final int effect, final String action, final int after)
        {
            final int[] kinds = EFFECT_KINDS[effect];
            boolean same = calls == kinds.length;
            for (int i = 0; same && i < calls; i++)
            {
                final int argument = EFFECT_ARGUMENTS[effect][i];
                same = this.kinds[i] == kinds[i] && arguments[i] == (argument == REASON ? abortReason :
                    argument == BY_SOURCE ? abortPrimitive() : argument) &&
                    (kinds[i] != ABORT || sources[i] == EFFECT_SOURCES[effect][i]);
            }
            if (!same)
            {
                final StringBuilder seen = new StringBuilder();
                for (int i = 0; i < calls; i++)
                {
                    seen.append(' ').append(KIND_NAMES[this.kinds[i]]).append(' ').append(arguments[i]);
                }
                fail("handler calls" + seen + " are not " + action + "'s: " + EFFECT_TEXT[effect]);
            }
            if (artimRunning != (after == STA2 || after == STA13))
            {
                fail("ARTIM " + (artimRunning ? "running" : "stopped") + " in Sta" + after);
            }
            if (connected == (after == STA1))
            {
                fail((connected ? "a connection left open" : "no connection") + " in Sta" + after);
            }
            if ((event == EVT16 || event == EVT17) && after != STA1)
            {
                fail("Evt" + event + " left the machine in Sta" + after + ", not Sta1");
            }
            if (event == EVT15 && after != STA13 && after != STA1)
            {
                fail("an A-ABORT request left the machine in Sta" + after);
            }
        }

        /** AA-3: an A-ABORT indication for a service-user abort, an A-P-ABORT indication for any other source. */
        private int abortPrimitive()
        {
            return (event == EVT16 && abortSource == AbortReason.SOURCE_SERVICE_USER ?
                Primitive.A_ABORT_INDICATION : Primitive.A_P_ABORT_INDICATION).ordinal();
        }

        private void fail(final String what)
        {
            throw new AssertionError(trace + ": Evt" + event + " in Sta" + state + ": " + what);
        }

        private void record(final int kind, final int argument)
        {
            if (calls == MAX_CALLS)
            {
                fail("more than " + MAX_CALLS + " handler calls for one event");
            }
            kinds[calls] = kind;
            arguments[calls++] = argument;
        }

        @Override
        public void openTransport()
        {
            if (connected)
            {
                fail("transport opened while connected");
            }
            connected = true;
            record(OPEN, 0);
        }

        @Override
        public void closeTransport()
        {
            if (!connected)
            {
                fail("transport closed while none is open");
            }
            connected = false;
            record(CLOSE, 0);
        }

        @Override
        public void sendPdu(final int pduType)
        {
            checkCanSend();
            record(SEND, pduType);
        }

        @Override
        public void sendAbort(final int source, final int reason)
        {
            checkCanSend();
            record(ABORT, reason);
            sources[calls - 1] = source;
        }

        private void checkCanSend()
        {
            // no PDU without a connection, nor on one still opening (Sta4 until Evt2 confirms it)
            if (!connected || (state == STA4 && event != EVT2))
            {
                fail("PDU sent without an open transport connection");
            }
        }

        @Override
        public void startArtim()
        {
            artimRunning = true;
            record(START_ARTIM, 0);
        }

        @Override
        public void stopArtim()
        {
            artimRunning = false;
            record(STOP_ARTIM, 0);
        }

        @Override
        public boolean isAssociateRequestAcceptable()
        {
            record(ASK, 0);
            return acceptAssociateRequest;
        }

        @Override
        public void indicate(final Primitive primitive)
        {
            record(INDICATE, primitive.ordinal());
        }
    }

    private static void check(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new AssertionError(what);
        }
    }
}
