package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

    @Option(names = {"--allowed-callers"}, paramLabel = "[CALLED=]CALLER,...",
        description = "Calling AE titles allowed, for one called AE title when CALLED= is given (that title is then "
            + "served too), else for any; repeatable.")
    List<String> allowedCallers = new ArrayList<>();

    @Option(names = {"--allowed-callers-file"}, paramLabel = "FILE",
        description = "Entries as for --allowed-callers, one per line (# comments).")
    Path allowedCallersFile;

    @Option(names = {"--max-per-caller"}, paramLabel = "N",
        description = "Reject associations beyond N open at once from one calling AE title (default: no limit).")
    int maxPerCaller;

    @Option(names = {"--users"}, paramLabel = "FILE",
        description = "Require User Identity (username and passcode) and check it against FILE: one "
            + "username:password per line (# comments). Keep the file readable only by the server's user.")
    Path users;

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
        if (maxPerCaller < 0)
        {
            throw new IllegalArgumentException("--max-per-caller must not be negative");
        }
        final Set<String> anyCalled = new LinkedHashSet<>(allowedCallingAeTitles);
        for (final Map.Entry<String, Set<String>> entry : callersByCalled(anyCalled).entrySet())
        {
            builder.allowedCallingAeTitles(entry.getKey(), entry.getValue());
        }
        if (users != null)
        {
            builder.userIdentityVerifier(new org.dimse4j.ul.UsernamePasswordVerifier(readUsers(users)))
                .requireUserIdentity(true);
        }
        return builder.requireCalledAeTitle(requireCalledAeTitle)
            .allowedCallingAeTitles(anyCalled)
            .maxAssociationsPerCallingAeTitle(maxPerCaller)
            .maxAssociations(maxAssociations)
            .eventLoops(eventLoops);
    }

    /** Parses --allowed-callers: per called AE title into the map, the rest into {@code anyCalled}. */
    private Map<String, Set<String>> callersByCalled(final Set<String> anyCalled)
    {
        final Map<String, Set<String>> byCalled = new LinkedHashMap<>();
        final List<String> entries = new ArrayList<>(allowedCallers);
        if (allowedCallersFile != null)
        {
            entries.addAll(lines(allowedCallersFile));
        }
        for (final String entry : entries)
        {
            final int eq = entry.indexOf('=');
            final Set<String> target = eq < 0 ? anyCalled :
                byCalled.computeIfAbsent(entry.substring(0, eq).trim(), called -> new LinkedHashSet<>());
            for (final String caller : entry.substring(eq + 1).split(","))
            {
                if (!caller.isBlank())
                {
                    target.add(caller.trim());
                }
            }
        }
        return byCalled;
    }

    private static Map<String, String> readUsers(final Path file)
    {
        final Map<String, String> users = new LinkedHashMap<>();
        for (final String line : lines(file))
        {
            final int colon = line.indexOf(':');
            if (colon <= 0)
            {
                throw new IllegalArgumentException(file + ": expected username:password, not a line without ':'");
            }
            users.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return users;
    }

    /** @return the non-blank lines of a file that are not # comments, without line ends. */
    private static List<String> lines(final Path file)
    {
        try
        {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank() && !line.strip().startsWith("#")).toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file + ": " + ex.getMessage(), ex);
        }
    }

    InetSocketAddress address(final int port)
    {
        return bind == null ? new InetSocketAddress(port) : new InetSocketAddress(bind, port);
    }
}
