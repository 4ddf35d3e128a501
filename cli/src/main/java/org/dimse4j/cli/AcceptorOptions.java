package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.Set;

/**
 * Options every SCP tool shares: whom it accepts, how many at once, where it listens, how many I/O threads.
 */
final class AcceptorOptions
{
    @Option(names = {"--require-called-aet"}, description = "Reject associations not addressed to our AE title.")
    boolean requireCalledAeTitle;

    @Option(names = {"--allow-calling-aet"}, paramLabel = "AETITLE", split = ",",
        description = "Accept only these calling AE titles (default: any).")
    Set<String> allowedCallingAeTitles = Set.of();

    @Option(names = {"--max-associations"}, paramLabel = "N",
        description = "Reject associations beyond N open at once (default: no limit).")
    int maxAssociations;

    @Option(names = {"--bind"}, paramLabel = "ADDRESS", description = "Local address to listen on (default: all).")
    String bind;

    @Option(names = {"--event-loops"}, paramLabel = "N", description = "I/O threads (default: ${DEFAULT-VALUE}).")
    int eventLoops = 1;

    ApplicationEntity.Builder apply(final ApplicationEntity.Builder builder)
    {
        if (maxAssociations < 0)
        {
            throw new IllegalArgumentException("--max-associations must not be negative");
        }
        return builder.requireCalledAeTitle(requireCalledAeTitle)
            .allowedCallingAeTitles(allowedCallingAeTitles)
            .maxAssociations(maxAssociations)
            .eventLoops(eventLoops);
    }

    InetSocketAddress address(final int port)
    {
        return bind == null ? new InetSocketAddress(port) : new InetSocketAddress(bind, port);
    }
}
