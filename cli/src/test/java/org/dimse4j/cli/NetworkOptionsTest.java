package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ul.AssociationSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NetworkOptionsTest
{
    @CommandLine.Command(name = "probe")
    static final class Probe
    {
        @CommandLine.Mixin
        NetworkOptions network;
    }

    private static AssociationSettings settings(final String... args) throws Exception
    {
        final Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.network.apply(ApplicationEntity.named("PROBE")).build().settings();
    }

    @Test
    void shouldCarryTheTimeoutsIntoTheSettings() throws Exception
    {
        final AssociationSettings defaults = settings();
        assertEquals(TimeUnit.MILLISECONDS.toNanos(AssociationSettings.DEFAULT_PDU_TIMEOUT_MS), defaults.pduTimeoutNs());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(AssociationSettings.DEFAULT_WRITE_STALL_TIMEOUT_MS),
            defaults.writeStallTimeoutNs());

        final AssociationSettings set = settings("--pdu-timeout", "2.5", "--write-stall-timeout", "7", "-ta", "3");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(2_500), set.pduTimeoutNs());
        assertEquals(TimeUnit.SECONDS.toNanos(7), set.writeStallTimeoutNs());
        assertEquals(TimeUnit.SECONDS.toNanos(3), set.acseTimeoutNs());

        final AssociationSettings off = settings("--pdu-timeout", "0", "--write-stall-timeout", "0");
        assertEquals(0, off.pduTimeoutNs());
        assertEquals(0, off.writeStallTimeoutNs());
    }
}
