package org.dimse4j.ul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks {@link StateTable} cell by cell against the markdown transcription of PS3.8 Table 9-10
 * ({@code table-9-10.md}, copied verbatim from the project's spec), parsed here independently of the main code.
 */
class StateTableTest
{
    @ParameterizedTest(name = "{1} in {0}")
    @MethodSource("allCells")
    void shouldMatchTable910Cell(final State state, final Event event)
    {
        final SpecCell expected = SpecTable.INSTANCE.cell(state, event);
        final Action actual = StateTable.action(state, event);
        if (null == expected)
        {
            assertNull(actual, "blank cell");
            return;
        }
        assertNotNull(actual, "cell must be defined: " + expected);
        assertEquals(expected.action, actual.label());
        final String next = null == actual.alternativeNextState() ?
            actual.nextState().label() : actual.nextState().label() + "/" + actual.alternativeNextState().label();
        assertEquals(expected.next, next);
    }

    @Test
    void shouldDefineExactly123Cells()
    {
        int tableCount = 0;
        int specCount = 0;
        for (final Event event : Event.values())
        {
            for (final State state : State.values())
            {
                tableCount += null == StateTable.action(state, event) ? 0 : 1;
                specCount += null == SpecTable.INSTANCE.cell(state, event) ? 0 : 1;
            }
        }
        assertEquals(123, specCount);
        assertEquals(123, tableCount);
        assertEquals(123, StateTable.DEFINED_CELL_COUNT);
    }

    @Test
    void shouldUseEveryActionSomewhere()
    {
        for (final Action action : Action.values())
        {
            boolean used = false;
            for (final Event event : Event.values())
            {
                for (final State state : State.values())
                {
                    used |= action == StateTable.action(state, event);
                }
            }
            assertEquals(true, used, action.label());
        }
    }

    @Test
    void shouldUseTheStandardsLabels()
    {
        assertEquals("Sta1", State.STA1.label());
        assertEquals("Sta6", State.STA6.label());
        assertEquals("Sta13", State.STA13.label());
        assertEquals("STA6", State.STA6.toString());
        assertEquals("Association established, ready for data transfer", State.STA6.description());
        assertEquals("Evt1", Event.EVT1.label());
        assertEquals("Evt10", Event.EVT10.label());
        assertEquals("Evt19", Event.EVT19.label());
        assertEquals("AE-6", Action.AE_6.label());
        assertEquals("DT-2", Action.DT_2.label());
        assertEquals("AR-10", Action.AR_10.label());
        assertEquals("AA-8", Action.AA_8.label());
        assertEquals(28, Action.values().length);
        assertEquals(13, State.values().length);
        assertEquals(19, Event.values().length);
    }

    @Test
    void shouldMarkLocalUserPrimitives()
    {
        final List<String> userEvents = new ArrayList<>();
        for (final Event event : Event.values())
        {
            if (event.isLocalUserPrimitive())
            {
                userEvents.add(event.label());
            }
        }
        assertEquals(List.of("Evt1", "Evt7", "Evt8", "Evt9", "Evt11", "Evt14", "Evt15"), userEvents);
    }

    static Stream<Arguments> allCells()
    {
        final List<Arguments> cells = new ArrayList<>();
        for (final State state : State.values())
        {
            for (final Event event : Event.values())
            {
                cells.add(Arguments.of(state, event));
            }
        }
        return cells.stream();
    }

    /**
     * One defined cell of the markdown table: the action label ({@code "AE-6"}) and the next-state text
     * ({@code "Sta3/Sta13"}).
     */
    static final class SpecCell
    {
        final String action;
        final String next;

        SpecCell(final String action, final String next)
        {
            this.action = action;
            this.next = next;
        }

        @Override
        public String toString()
        {
            return action + " → " + next;
        }
    }

    /**
     * The markdown table of the spec, parsed. Shared with {@link StateMachineTest}.
     */
    static final class SpecTable
    {
        private static final Pattern EVENT = Pattern.compile("^Evt(\\d+)\\b.*");
        private static final Pattern CELL = Pattern.compile("^((?:AE|DT|AR|AA)-\\d+) → (Sta\\d+(?:/Sta\\d+)?)$");
        private static final String BLANK = "—";

        /** Declared after the patterns it needs: static initialisers run in textual order. */
        static final SpecTable INSTANCE = new SpecTable("table-9-10.md");

        private final SpecCell[][] cells = new SpecCell[Event.values().length][State.values().length];

        SpecTable(final String resource)
        {
            boolean headerSeen = false;
            final boolean[] rowSeen = new boolean[Event.values().length];
            for (final String line : lines(resource))
            {
                if (!line.startsWith("|") || line.startsWith("|---"))
                {
                    continue;
                }
                final String[] columns = line.substring(1, line.lastIndexOf('|')).split("\\|", -1);
                assertEquals(1 + State.values().length, columns.length, line);
                final String first = columns[0].trim();
                if ("Event".equals(first))
                {
                    for (final State state : State.values())
                    {
                        assertEquals(state.label(), columns[1 + state.ordinal()].trim(), "header column");
                    }
                    headerSeen = true;
                    continue;
                }
                final Matcher event = EVENT.matcher(first);
                if (!event.matches())
                {
                    fail("unexpected row: " + line);
                }
                final int row = Integer.parseInt(event.group(1)) - 1;
                assertEquals(false, rowSeen[row], "duplicate row " + first);
                rowSeen[row] = true;
                for (final State state : State.values())
                {
                    cells[row][state.ordinal()] = parseCell(columns[1 + state.ordinal()].trim());
                }
            }
            assertEquals(true, headerSeen, "header row");
            for (final Event event : Event.values())
            {
                assertEquals(true, rowSeen[event.ordinal()], "row " + event.label());
            }
        }

        SpecCell cell(final State state, final Event event)
        {
            return cells[event.ordinal()][state.ordinal()];
        }

        private static SpecCell parseCell(final String text)
        {
            if (BLANK.equals(text))
            {
                return null;
            }
            final Matcher matcher = CELL.matcher(text);
            if (!matcher.matches())
            {
                fail("cannot parse cell: " + text);
            }
            return new SpecCell(matcher.group(1), matcher.group(2));
        }

        private static List<String> lines(final String resource)
        {
            final InputStream in = StateTableTest.class.getResourceAsStream(resource);
            assertNotNull(in, resource);
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))
            {
                final List<String> lines = new ArrayList<>();
                for (String line = reader.readLine(); null != line; line = reader.readLine())
                {
                    lines.add(line);
                }
                return lines;
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }
}
